"""The autocomplete plugin's tables: one row per typing session."""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("autocomplete")


@migrations()
def m001_sessions(db) -> None:  # noqa: ANN001 — sqlite_utils.Database
    # keystrokes: keys that changed the text (characters, backspace, enter, accepts);
    # saved: characters inserted by accepting suggestions minus the accepting keystrokes.
    db["autocomplete_sessions"].create(
        {
            "id": int,
            "started": float,
            "seconds": float,
            "chars": int,
            "words": int,
            "keystrokes": int,
            "keystrokes_saved": int,
            "accepts": int,
            "wpm": float,
            "model": str,
        },
        pk="id",
    )
