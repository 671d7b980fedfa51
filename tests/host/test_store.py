"""The SQLite store: WAL, migrations applied once, prefixed tables, concurrent writers."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils.migrations import Migrations

from textseq_tui.errors import StoreError
from textseq_tui.store import Store


def test_wal_mode_and_busy_timeout(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.db")
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 10_000


def test_plugin_migrations_apply_once_and_prefix_tables(tmp_path: Path) -> None:
    calls = []
    migrations = Migrations("my-plugin")

    @migrations()
    def m001(db):
        calls.append(1)
        db["my_plugin_things"].create({"id": int, "name": str}, pk="id")

    store = Store(tmp_path / "t.db")
    ps = store.plugin("my-plugin")
    ps.apply(migrations)
    ps.apply(migrations)
    Store(tmp_path / "t.db").plugin("my-plugin").apply(migrations)
    assert calls == [1]
    ps.insert("things", {"name": "a"})
    assert ps.table_name("things") == "my_plugin_things"
    assert [r["name"] for r in ps.rows("things")] == ["a"]


def test_failing_migration_rolls_back(tmp_path: Path) -> None:
    migrations = Migrations("half")

    @migrations()
    def m001(db):
        db["half_a"].create({"id": int}, pk="id")
        raise RuntimeError("interrupted midway")

    store = Store(tmp_path / "t.db")
    with pytest.raises(RuntimeError):
        store.apply(migrations)
    assert "half_a" not in store.db.table_names()
    assert migrations.pending(store.db)


def test_training_runs_record_metrics(tmp_path: Path) -> None:
    ps = Store(tmp_path / "t.db").plugin("p")
    run = ps.start_run("m", {"lr": 0.1}, "cpu")
    ps.log_metrics(run, 1, {"loss": 2.0})
    ps.log_metrics(run, 2, {"loss": 1.5})
    ps.finish_run(run, "done", {"loss": 1.5})
    assert [r["value"] for r in ps.store.run_metrics(run, "loss")] == [2.0, 1.5]
    assert ps.store.runs("p")[0]["status"] == "done"


def test_corrupt_file_gives_clear_error_and_keeps_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"t\.db.*Nothing was deleted.*mv "):
        Store(path)
    assert path.read_bytes().startswith(b"this is not")


def _writer(path: str, who: int, n: int) -> None:
    store = Store(path)
    ps = store.plugin("stress")
    for i in range(n):
        ps.insert("rows", {"who": who, "i": i})


def test_two_processes_writing_lose_no_row(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    Store(path).plugin("stress").insert("rows", {"who": -1, "i": -1})
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), w, 1000)) for w in (0, 1)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    conn = sqlite3.connect(path)
    counts = dict(conn.execute("select who, count(*) from stress_rows group by who").fetchall())
    assert counts == {-1: 1, 0: 1000, 1: 1000}
