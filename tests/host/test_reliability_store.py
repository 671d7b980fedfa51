"""The store when things go wrong: a process killed inside a migration or a write
transaction, and database files corrupt in different ways (never deleted, always a hint).

Many concurrent writers are in ``tests/stress/test_store_stress.py`` (and the 4 x 5,000
version in ``bench/stress.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlite_utils
from fakes import record
from sqlite_utils.migrations import Migrations
from typer.testing import CliRunner

from textseq_tui.cli import build_app
from textseq_tui.errors import StoreError
from textseq_tui.host import Host
from textseq_tui.plugin import Plugin
from textseq_tui.store import Store, host_migrations, set_wal

KILLED_IN_MIGRATION = """
import os, signal, sys
from sqlite_utils.migrations import Migrations
from textseq_tui.store import Store, set_wal

store = Store(sys.argv[1])
migrations = Migrations("killme")

@migrations()
def m001_first(db):
    db["killme_first"].create({"id": int}, pk="id")

@migrations()
def m002_big(db):
    db["killme_big"].create({"id": int, "text": str}, pk="id")
    db["killme_big"].insert_all({"text": "x" * 100} for _ in range(20_000))
    db["killme_first"].insert({"id": 1})
    sys.stdout.write("inside\\n"); sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)

store.plugin("killme").apply(migrations)
"""

KILLED_IN_TRANSACTION = """
import os, signal, sys
from textseq_tui.store import Store, set_wal

ps = Store(sys.argv[1]).plugin("killme")
ps.insert("rows", {"i": -1})
with ps.transaction() as db:
    db[ps.table_name("rows")].insert_all({"i": i} for i in range(20_000))
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _run_killed(script: str, db: Path) -> subprocess.CompletedProcess:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(script), str(db)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == -signal.SIGKILL, out.stderr
    return out


def _applied(db: Path, migration_set: str) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute(
            "select name from _sqlite_migrations where migration_set = ? order by id",
            [migration_set])]
    finally:
        conn.close()


def test_process_killed_inside_a_migration_leaves_no_trace_of_it(tmp_path: Path) -> None:
    db = tmp_path / "textseq.db"
    out = _run_killed(KILLED_IN_MIGRATION, db)
    assert out.stdout == "inside\n"  # it really died inside the migration
    store = Store(db)  # the next process opens it without an error
    assert store.check() == []
    tables = set(store.db.table_names())
    # Nothing of the killed set is left half-done: no table without its record, no record
    # without its table (the host's set, applied before, is intact).
    assert not {"killme_first", "killme_big"} & tables
    assert _applied(db, "killme") == []
    every_step = [m.name for m in host_migrations.pending(sqlite_utils.Database(memory=True))]
    assert _applied(db, "textseq") == every_step
    # A fixed version of the migrations then applies once, cleanly.
    fixed = Migrations("killme")

    @fixed()
    def m001_first(db):
        db["killme_first"].create({"id": int}, pk="id")

    @fixed()
    def m002_big(db):
        db["killme_big"].create({"id": int, "text": str}, pk="id")

    store.plugin("killme").apply(fixed)
    Store(db).plugin("killme").apply(fixed)
    assert _applied(db, "killme") == ["m001_first", "m002_big"]
    assert store.db["killme_first"].count == 0 and store.db["killme_big"].count == 0


def test_process_killed_inside_a_write_transaction_commits_none_of_it(tmp_path: Path) -> None:
    db = tmp_path / "textseq.db"
    _run_killed(KILLED_IN_TRANSACTION, db)
    ps = Store(db).plugin("killme")
    assert [r["i"] for r in ps.rows("rows")] == [-1]
    ps.insert("rows", {"i": 0})  # and the file takes writes again
    assert Store(db).check() == []


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _textseq(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TEXTSEQ_HOME": str(home), "TEXTSEQ_DEVICE": "cpu",
           "TEXTSEQ_LOAD_PLUGINS": ""}
    return subprocess.run([sys.executable, "-m", "textseq_tui", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def _filled_db(home: Path) -> Path:
    db = home / "textseq.db"
    store = Store(db)
    ps = store.plugin("game")
    ps.insert_all("rounds", ({"i": i, "text": "word " * 40} for i in range(3000)))
    for i in range(20):
        ps.record_score("round", i)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return db


def _corrupt_pages(db: Path, pages: range) -> None:
    data = bytearray(db.read_bytes())
    rng = __import__("random").Random(0)
    for page in pages:
        start = page * 4096 + 100
        data[start:start + 800] = bytes(rng.randrange(256) for _ in range(800))
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed-header"])
def test_unopenable_db_gives_a_one_line_hint_through_the_real_cli(home: Path, damage) -> None:
    db = _filled_db(home)
    if damage == "garbage":
        db.write_bytes(os.urandom(64 * 1024))
    elif damage == "truncated":
        db.write_bytes(db.read_bytes()[:1000])
    else:
        db.write_bytes(b"\0" * 100 + db.read_bytes()[100:])
    before = _sha(db)
    out = _textseq(home, "db", "check")
    assert out.returncode != 0
    assert "Traceback" not in out.stderr + out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and str(db) in lines[0], out.stderr
    assert "textseq db check" in lines[0] and "Nothing was deleted" in lines[0]
    assert db.exists() and _sha(db) == before


def test_damaged_pages_are_listed_by_db_check_and_the_file_is_kept(home: Path) -> None:
    db = _filled_db(home)
    _corrupt_pages(db, range(20, 26))
    before = _sha(db)
    out = _textseq(home, "db", "check", "--json")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] is False and report["path"] == str(db)
    assert any("page" in p or "malformed" in p for p in report["problems"])
    assert _sha(db) == before  # check never writes, repairs or deletes


class ScoresPlugin(Plugin):
    """Reads its own table for ``textseq scores``, as the game plugins do."""

    name = "game"

    def scores(self, store):
        rows = store.rows("rounds")
        return [{"rounds": len(rows)}]


def test_a_damaged_data_page_read_by_a_plugin_is_a_one_line_error_with_the_hint(home) -> None:
    db = _filled_db(home)
    _corrupt_pages(db, range(12, 60))
    app = build_app(Host(home=home, device="cpu", records=[record(ScoresPlugin())]))
    result = CliRunner().invoke(app, ["scores", "game"], catch_exceptions=True)
    assert not isinstance(result.exception, sqlite3.DatabaseError), result.exception
    assert result.exit_code != 0 and "textseq db check" in result.stderr
    assert db.exists()


def test_store_reads_of_a_damaged_page_raise_store_error(tmp_path: Path) -> None:
    db = _filled_db(tmp_path)
    _corrupt_pages(db, range(12, 60))
    with pytest.raises(StoreError, match="textseq db check"):
        Store(db).plugin("game").rows("rounds")


class _LockedAtFirst:
    """A connection whose WAL switch is refused ``times`` times, as in a cold-start race."""

    def __init__(self, times: int, message: str = "database is locked") -> None:
        self.left, self.message, self.calls = times, message, 0

    def execute(self, sql: str) -> None:
        self.calls += 1
        if self.left:
            self.left -= 1
            raise sqlite3.OperationalError(self.message)


def test_the_wal_switch_is_retried_while_the_new_file_is_locked() -> None:
    conn = _LockedAtFirst(3)
    set_wal(conn)
    assert conn.calls == 4  # three refusals, then the switch
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        set_wal(_LockedAtFirst(10**6), timeout=0.05)  # not forever: the busy timeout
    other = _LockedAtFirst(1, "disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        set_wal(other)  # anything but a lock is not retried
    assert other.calls == 1
