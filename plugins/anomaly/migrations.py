"""The anomaly plugin's tables: a log of scans (what was scored, how much was flagged)."""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("anomaly")


@migrations()
def m001_scans(db) -> None:  # type: ignore[no-untyped-def]
    db[db.table_name("scans")].create(
        {
            "id": int,
            "source": str,  # the input file, "<args>" or "<slash>"
            "model": str,
            "sequences": int,
            "anomalous": int,
            "events": int,
            "seconds": float,
            "at": float,
        },
        pk="id",
    )
