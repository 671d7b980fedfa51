"""The sentiment plugin's tables (sqlite-utils ``Migrations``; each step runs once)."""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("sentiment")


@migrations()
def m001_scores_and_personal(db) -> None:  # noqa: ANN001 — sqlite_utils.Database
    # every score the app showed, with the model and version that produced it
    db[db.table_name("scores")].create(
        {"id": int, "text": str, "score": float, "model": str, "version": str,
         "personal": int, "source": str, "at": float},
        pk="id",
    )
    # a user's personal deltas on top of a model's weights (term -> added weight)
    db[db.table_name("personal")].create(
        {"model": str, "term": str, "delta": float}, pk=("model", "term"),
    )
    db[db.table_name("corrections")].create(
        {"id": int, "model": str, "version": str, "text": str, "label": str, "target": float,
         "before": float, "after": float, "at": float},
        pk="id",
    )
