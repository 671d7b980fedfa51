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


def test_migrations_ask_the_store_for_their_table_names(tmp_path: Path) -> None:
    migrations = Migrations("word-game")

    @migrations()
    def m001(db):
        db[db.table_name("rounds")].create({"id": int, "word": str}, pk="id")

    ps = Store(tmp_path / "t.db").plugin("word-game")
    ps.apply(migrations)
    assert ps.table_name("rounds") == "word_game_rounds" and ps.table("rounds").exists()


def test_a_plugin_store_hands_out_its_own_tables_not_the_database(tmp_path: Path) -> None:
    ps = Store(tmp_path / "t.db").plugin("my-plugin")
    assert not hasattr(ps, "store")
    with ps.transaction() as tx:
        assert tx is ps
        tx.table("notes").insert({"id": 1, "text": "a"}, pk="id")
        tx.execute(f"INSERT INTO {tx.table_name('notes')}(id, text) VALUES (?, ?)", (2, "b"))
        tx.executemany(f"UPDATE {tx.table_name('notes')} SET text = ? WHERE id = ?",
                       [("A", 1), ("B", 2)])
        tx["my_plugin_notes"].insert({"id": 3, "text": "c"})  # API 1's form, own tables only
        with pytest.raises(StoreError, match="only its own tables"):
            tx["scores"]  # noqa: B018
    assert [r["text"] for r in ps.rows("notes", order_by="id")] == ["A", "B", "c"]
    with pytest.raises(ZeroDivisionError), ps.transaction() as tx:
        tx.table("notes").insert({"id": 4, "text": "never"})
        1 / 0  # noqa: B018
    assert ps.execute(f"SELECT count(*) FROM {ps.table_name('notes')}").fetchone()[0] == 3
    with pytest.warns(DeprecationWarning, match="PluginStore.db is deprecated"):
        assert ps.db["my_plugin_notes"].count == 3


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
    assert [r["value"] for r in ps.run_metrics(run, "loss")] == [2.0, 1.5]
    assert ps.runs()[0]["status"] == "done"
    assert Store(tmp_path / "t.db").plugin("q").runs() == []  # its own runs only


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
