"""The clusterer's tables: one row per clustering run, one row per (run, word).

Tables (prefixed ``clusterer_``):

- ``runs``: id, created (unix s), method, source, n_words, n_clusters, noise, settings
  (JSON of :class:`~.model.ClusterSettings`), info (JSON: timings, passes, eps, missing
  words).
- ``assignments``: run_id, row (input order), word, cluster (-1 = noise), neighbours (the
  word's nearest neighbours in the run, "word:cosine" separated by spaces).
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("clusterer")


@migrations()
def m001_runs(db) -> None:  # noqa: ANN001 - sqlite_utils.Database
    db[db.table_name("runs")].create(
        {
            "id": int,
            "created": float,
            "method": str,
            "source": str,
            "n_words": int,
            "n_clusters": int,
            "noise": int,
            "settings": str,
            "info": str,
        },
        pk="id",
    )
    db[db.table_name("assignments")].create(
        {"run_id": int, "row": int, "word": str, "cluster": int, "neighbours": str},
        foreign_keys=[("run_id", db.table_name("runs"), "id")],
    )
    db[db.table_name("assignments")].create_index(["run_id", "cluster"])
    db[db.table_name("assignments")].create_index(["run_id", "word"])
