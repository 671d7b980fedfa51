"""The autocomplete plugin's tables: typing sessions and the personal history."""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("autocomplete")


@migrations()
def m001_sessions(db) -> None:  # noqa: ANN001 — sqlite_utils.Database
    # keystrokes: keys that changed the text (characters, backspace, enter, accepts);
    # saved: characters inserted by accepting suggestions minus the accepting keystrokes.
    db[db.table_name("sessions")].create(
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


@migrations()
def m002_personal(db) -> None:  # noqa: ANN001 — sqlite_utils.Database
    # The personal history: the user's words and word pairs (lower case) with their counts.
    db[db.table_name("words")].create({"word": str, "count": int}, pk="word")
    db[db.table_name("bigrams")].create({"prev": str, "word": str, "count": int},
                                      pk=("prev", "word"))


@migrations()
def m003_personal_text(db) -> None:  # noqa: ANN001 — sqlite_utils.Database
    # The personal text itself (bounded: the newest few MB), which the background adaptation
    # of the character model trains on; one row per learned text or 1 MB piece of a file.
    db[db.table_name("texts")].create({"id": int, "added": float, "chars": int, "text": str},
                                    pk="id")


@migrations()
def m004_state(db) -> None:  # noqa: ANN001 — sqlite_utils.Database
    # What the ghost text keeps between sessions: "calibration", how far the hit rate has
    # moved the thresholds (words.TARGET_PRECISION).
    db[db.table_name("state")].create({"key": str, "value": float}, pk="key")


@migrations()
def m005_typing_tests(db) -> None:  # noqa: ANN001 — sqlite_utils.Database
    # Typing tests beside free typing: the mode ("free", "time 30", "words 25"), the prompt
    # ("common words", "your text"), monkeytype's figures (typing_test.py) and the
    # per-second line as JSON ([[wpm, raw, errors], ...]). Rows from before are free typing.
    table = db[db.table_name("sessions")]
    for name, kind in (("mode", str), ("prompt", str), ("seed", int), ("raw_wpm", float),
                       ("accuracy", float), ("errors", int), ("correct_chars", int),
                       ("incorrect_chars", int), ("extra_chars", int), ("missed_chars", int),
                       ("per_second", str)):
        table.add_column(name, kind)
    db.execute(f"UPDATE [{table.name}] SET mode = 'free' WHERE mode IS NULL")
