"""The SQLite store: one file for the host and every plugin, through sqlite-utils.

- WAL mode and a busy timeout on every connection, so the app and CLI commands can write at
  the same time without "database is locked".
- One connection per thread: Textual workers and the UI thread never share a connection.
- Versioned migrations (``sqlite_utils.migrations.Migrations``): one named set for the host
  and one per plugin, each step atomic and recorded once in ``_sqlite_migrations``.
- Plugin tables are prefixed with the plugin name: ``word_game_rounds``.
- Never deletes user data: a corrupt file is reported with its path and how to move it aside;
  a busy one ("database is locked": another process held the write lock past the busy
  timeout) says to try again, a full disk and a read-only home each say so (``store_error``).
- Long writes commit in chunks (``chunked_write``): a transaction holds the write lock about
  ``CHUNK_SECONDS`` at most, so the app and other commands wait little behind a big ``learn``.
- A home that cannot be written (a read-only folder or file system) is opened read-only:
  commands that only read still work, and a write says in one line that the home is
  read-only (``Store.read_only``). Without a database file there, an empty in-memory one
  with the current tables stands in.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from textseq_tui.errors import ReadOnlyHome, StoreError, read_only_message
from textseq_tui.store_faults import BUSY_TIMEOUT_MS, cannot_write, store_error

#: A long write commits once a transaction has held the write lock this long (seconds).
CHUNK_SECONDS = 0.3
#: ... and then waits this long before its next transaction: a writer kept waiting polls the
#: lock every 100 ms at most (SQLite's busy handler), and would miss a gap of microseconds.
CHUNK_PAUSE_S = 0.1


host_migrations = Migrations("textseq")


@host_migrations()
def m001_training_runs(db: sqlite_utils.Database) -> None:
    db["training_runs"].create(
        {
            "id": int,
            "plugin": str,
            "model": str,
            "started": float,
            "finished": float,
            "status": str,
            "device": str,
            "params": str,
            "metrics": str,
        },
        pk="id",
    )
    db["training_metrics"].create(
        {"run_id": int, "step": int, "name": str, "value": float, "at": float},
        foreign_keys=[("run_id", "training_runs", "id")],
    )
    db["training_metrics"].create_index(["run_id", "step"])


@host_migrations()
def m002_scores(db: sqlite_utils.Database) -> None:
    # A generic score log any plugin may use (a game result, a typing session summary).
    db["scores"].create(
        {
            "id": int,
            "plugin": str,
            "player": str,
            "kind": str,
            "value": float,
            "details": str,
            "at": float,
        },
        pk="id",
    )
    db["scores"].create_index(["plugin", "kind"])


def _reports_damage(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn SQLite's "malformed"/"not a database"/"locked" errors into StoreError.

    Programming errors (IntegrityError, ProgrammingError) pass through unchanged.
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise
        except sqlite3.DatabaseError as err:
            store = getattr(self, "store", self)
            raise store_error(store.path, err) from err

    return wrapper


def table_prefix(plugin_name: str) -> str:
    """The table-name prefix of a plugin: ``word-game`` -> ``word_game_``."""
    return plugin_name.replace("-", "_").replace(".", "_") + "_"


def _connect(path: Path, uri: str | None = None) -> sqlite3.Connection:
    """A connection to ``path`` (read-write, WAL), or to ``uri`` (read-only or in-memory)."""
    target = uri or str(path)
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           uri=uri is not None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if uri is None:
            # WAL is persistent in the file; setting it on every connection is cheap.
            set_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
        else:
            conn.execute("PRAGMA query_only = ON")  # a stray write fails, never lands
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _read_only_uri(path: Path, immutable: bool = False) -> str:
    """The URI opening ``path`` read-only (``immutable``: without the WAL's -shm file, which
    a read-only folder cannot hold)."""
    quoted = urllib.parse.quote(str(path.resolve()))
    return f"file:{quoted}?mode=ro" + ("&immutable=1" if immutable else "")


def set_wal(conn: Any, timeout: float = BUSY_TIMEOUT_MS / 1000) -> None:
    """``PRAGMA journal_mode = WAL``, retried while the file is locked (up to ``timeout``).

    Processes that open a brand-new file at the same moment race to switch it to WAL, and
    SQLite can answer "database is locked" at once there, without calling the busy handler:
    2 of 150 cold starts of six processes failed so, one in the store stress test's CI run.
    """
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            busy = "locked" in str(err) or "busy" in str(err)
            if not busy or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


class Store:
    """The textseq database at ``path``. Thread-safe: each thread gets its own connection."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._applied: set[str] = set()
        #: True when the home cannot be written: reads work, writes raise ReadOnlyHome.
        self.read_only = False
        self._uri: str | None = None  # the read-only (or in-memory) database's URI
        self._anchor: sqlite3.Connection | None = None  # keeps an in-memory stand-in alive
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            self.apply(host_migrations)
        except OSError as err:  # the home's folder cannot be made
            from textseq_tui.errors import os_error

            raise os_error(err) from err
        except sqlite3.DatabaseError as err:
            if not cannot_write(err, self.path):
                raise self._corrupt(err) from err
            self._open_read_only()

    def _corrupt(self, err: sqlite3.DatabaseError) -> StoreError:
        return store_error(self.path, err)

    def _open_read_only(self) -> None:
        """Fall back to reading: the file read-only, or an empty in-memory stand-in."""
        self.close()
        self.read_only = True
        self._applied.clear()
        try:
            if self.path.exists():
                for immutable in (False, True):
                    self._uri = _read_only_uri(self.path, immutable)
                    try:
                        self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()
                        break
                    except sqlite3.OperationalError:
                        self.close()
                        if immutable:
                            raise
            else:
                self._uri = f"file:textseq-read-only-{id(self)}?mode=memory&cache=shared"
                self._anchor = sqlite3.connect(self._uri, uri=True)
            self.apply(host_migrations)
        except sqlite3.DatabaseError as err:
            raise self._corrupt(err) from err

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's sqlite-utils Database on the store file."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite_utils.Database(_connect(self.path, self._uri))
            self._local.db = db
        return db

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction: ``BEGIN IMMEDIATE``, committed on success, rolled back on error.

        IMMEDIATE takes the write lock up front (waiting up to the busy timeout). A deferred
        ``BEGIN`` that reads first and writes later can fail at once with "database is locked"
        when another process committed in between, and the busy timeout does not help there.
        Nested calls become savepoints. A read-only home raises ``ReadOnlyHome``.
        """
        if self.read_only:
            raise ReadOnlyHome(read_only_message(self.path))
        db = self.db
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        else:
            db.conn.execute("COMMIT")

    @contextmanager
    def chunked_write(self, seconds: float = CHUNK_SECONDS,
                      on_begin: Callable[[sqlite_utils.Database], None] | None = None
                      ) -> Iterator[WriteChunks]:
        """A long write in short transactions, so other writers wait about ``seconds`` at
        most, never the whole write::

            with store.chunked_write(on_begin=check) as chunks:
                for piece in pieces:
                    chunks.release()     # commit: no write lock while computing
                    rows = compute(piece)
                    chunks.ensure()      # BEGIN IMMEDIATE (and check) unless one is open
                    write(rows)
                    chunks.tick()        # commit once the transaction is ``seconds`` old

        ``on_begin(db)`` runs first in every transaction (a check that may raise: that
        transaction is rolled back and the error goes on). On an error the open transaction
        is rolled back; those committed before it stay. Inside an outer transaction the
        whole block is one savepoint and ``tick``/``release`` do nothing.
        """
        if self.read_only:
            raise ReadOnlyHome(read_only_message(self.path))
        db = self.db
        if db.conn.in_transaction:
            with db.atomic():
                chunks = WriteChunks(db, seconds, on_begin, nested=True)
                if on_begin is not None:
                    on_begin(db)
                yield chunks
            return
        chunks = WriteChunks(db, seconds, on_begin)
        try:
            yield chunks
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        else:
            chunks.release()

    def apply(self, migrations: Migrations) -> None:
        """Apply a migration set's pending steps (each in its own transaction), once.

        The whole set runs under one write lock, so two processes starting at once cannot
        both apply the same step. Read-only: an in-memory stand-in gets its tables; a
        read-only file is left as it is (its missing tables read as empty where the plugin
        checks, as ``PluginStore.rows`` does).
        """
        with self._lock:
            if migrations.name in self._applied:
                return
            try:
                if not self.read_only:
                    with self.write():
                        migrations.apply(self.db)
                elif self._anchor is not None:  # the in-memory stand-in: not the user's file
                    self.db.execute("PRAGMA query_only = OFF")
                    try:
                        migrations.apply(self.db)
                    finally:
                        self.db.execute("PRAGMA query_only = ON")
            except sqlite3.DatabaseError as err:
                raise self._corrupt(err) from err
            self._applied.add(migrations.name)

    def plugin(self, name: str) -> PluginStore:
        """The store scoped to one plugin."""
        return PluginStore(self, name)

    def check(self) -> list[str]:
        """``PRAGMA integrity_check``: an empty list when the file is healthy."""
        try:
            rows = self.db.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as err:
            return [str(err)]
        problems = [row[0] for row in rows if row[0] != "ok"]
        return problems

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None

    # -- training runs (shared by every trainable plugin) -----------------------------------

    @_reports_damage
    def start_run(self, plugin: str, model: str, params: dict[str, Any], device: str) -> int:
        """Record a training run as started; returns its id."""
        table = self.db["training_runs"]
        with self.write():
            table.insert(
                {
                    "plugin": plugin,
                    "model": model,
                    "started": time.time(),
                    "status": "running",
                    "device": device,
                    "params": json.dumps(params, default=str),
                }
            )
        return int(table.last_pk)

    @_reports_damage
    def log_metrics(self, run_id: int, step: int, metrics: dict[str, float]) -> None:
        """Append one step's metrics (loss, nats per char, ...) to a run."""
        now = time.time()
        rows = [
            {"run_id": run_id, "step": step, "name": k, "value": float(v), "at": now}
            for k, v in metrics.items()
        ]
        with self.write():
            self.db["training_metrics"].insert_all(rows)

    @_reports_damage
    def finish_run(self, run_id: int, status: str, metrics: dict[str, Any] | None = None) -> None:
        """Mark a run finished ("done", "stopped", "failed") with its final metrics."""
        with self.write():
            self.db["training_runs"].update(
                run_id,
                {"finished": time.time(), "status": status, "metrics": json.dumps(metrics or {})},
            )

    @_reports_damage
    def runs(self, plugin: str | None = None) -> list[dict[str, Any]]:
        """Training runs, newest first."""
        where = "plugin = ?" if plugin else None
        args = [plugin] if plugin else None
        return list(self.db["training_runs"].rows_where(where, args, order_by="id desc"))

    @_reports_damage
    def run_metrics(self, run_id: int, name: str | None = None) -> list[dict[str, Any]]:
        """A run's metric rows in step order (optionally one metric)."""
        where, args = "run_id = ?", [run_id]
        if name:
            where, args = where + " and name = ?", [run_id, name]
        return list(self.db["training_metrics"].rows_where(where, args, order_by="step, rowid"))


class WriteChunks:
    """The transactions of one :meth:`Store.chunked_write`: ``ensure``, ``tick``,
    ``release``; ``commits`` counts those committed."""

    def __init__(self, db: sqlite_utils.Database, seconds: float,
                 on_begin: Callable[[sqlite_utils.Database], None] | None,
                 nested: bool = False) -> None:
        self.db = db
        self.seconds = seconds
        self.on_begin = on_begin
        self.nested = nested
        self.commits = 0
        self._started = 0.0

    def ensure(self) -> None:
        """Begin a transaction (``BEGIN IMMEDIATE``, then ``on_begin``) unless one is open."""
        if self.nested or self.db.conn.in_transaction:
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        self._started = time.monotonic()
        if self.on_begin is not None:
            self.on_begin(self.db)

    def tick(self) -> bool:
        """Commit when the open transaction is ``seconds`` old, then pause ``CHUNK_PAUSE_S``
        so a waiting writer gets the lock; True when it did."""
        if time.monotonic() - self._started < self.seconds:
            return False
        if self.release():
            time.sleep(CHUNK_PAUSE_S)
            return True
        return False

    def release(self) -> bool:
        """Commit the open transaction now (before slow work without writes)."""
        if self.nested or not self.db.conn.in_transaction:
            return False
        self.db.conn.execute("COMMIT")
        self.commits += 1
        return True


#: Standard metric names of training runs: ``/runs`` plots ``val_loss`` (else ``train_loss``)
#: of any plugin's run. Log other metrics under any name beside them.
TRAIN_LOSS = "train_loss"
VAL_LOSS = "val_loss"


class TrainingRun:
    """A training run being recorded (``with ctx.store.training_run(...) as run``).

    ``run.log(step, train_loss=..., val_loss=...)`` appends metrics; ``run.metrics`` (a dict)
    is stored as the run's final metrics when the block ends. The run ends ``done`` when the
    block finishes, ``stopped`` on Ctrl+C and ``failed`` on any other exception (which goes
    on); ``run.finish(status)`` ends it earlier, by hand.
    """

    def __init__(self, store: Store, run_id: int) -> None:
        self.store = store
        self.id = run_id
        self.metrics: dict[str, Any] = {}
        self.status: str | None = None

    def log(self, step: int, metrics: dict[str, float] | None = None, **named: float) -> None:
        """Append one step's metrics (``train_loss``, ``val_loss``, anything else)."""
        self.store.log_metrics(self.id, step, {**(metrics or {}), **named})

    def finish(self, status: str = "done", metrics: dict[str, Any] | None = None) -> None:
        """End the run now with ``status`` and its final metrics (once; later calls no-op)."""
        if self.status is not None:
            return
        if metrics is not None:
            self.metrics.update(metrics)
        self.status = status
        self.store.finish_run(self.id, status, self.metrics)


class PluginStore:
    """One plugin's view of the store: its tables are ``<prefix><suffix>``."""

    def __init__(self, store: Store, plugin: str) -> None:
        self.store = store
        self.plugin = plugin
        self.prefix = table_prefix(plugin)
        #: the default player of record_score (the host sets it from Settings.player)
        self.player = "you"

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's Database (the whole file: use :meth:`table_name` for your tables)."""
        return self.store.db

    def table_name(self, suffix: str) -> str:
        """``rounds`` -> ``word_game_rounds``."""
        return self.prefix + suffix

    def table(self, suffix: str) -> sqlite_utils.db.Table:
        """The plugin's table ``suffix`` (sqlite-utils Table)."""
        return self.db[self.table_name(suffix)]  # type: ignore[return-value]

    def apply(self, migrations: Migrations) -> None:
        """Apply the plugin's migration set."""
        self.store.apply(migrations)

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """``with ps.transaction() as db:`` — all writes inside commit together or not at all."""
        with self.store.write():
            yield self.db

    def chunked_transaction(self, seconds: float = CHUNK_SECONDS,
                            on_begin: Callable[[sqlite_utils.Database], None] | None = None
                            ) -> Any:
        """A long write in short transactions (see :meth:`Store.chunked_write`)."""
        return self.store.chunked_write(seconds, on_begin)

    @_reports_damage
    def insert(self, suffix: str, row: dict[str, Any]) -> int:
        """Insert one row in a transaction; returns its rowid."""
        table = self.table(suffix)
        with self.store.write():
            table.insert(row)
        return int(table.last_rowid)

    @_reports_damage
    def insert_all(self, suffix: str, rows: Iterable[dict[str, Any]]) -> None:
        """Insert many rows in one transaction."""
        with self.store.write():
            self.table(suffix).insert_all(rows)

    @_reports_damage
    def rows(self, suffix: str, where: str | None = None, args: Any = None, **kw: Any) -> list[dict]:
        """Rows of one of the plugin's tables (``[]`` if the table does not exist yet)."""
        table = self.table(suffix)
        if not table.exists():
            return []
        return list(table.rows_where(where, args, **kw))

    def record_score(
        self, kind: str, value: float, *, player: str | None = None,
        details: dict | None = None
    ) -> int:
        """Append a row to the shared ``scores`` log under this plugin's name (``player``:
        by default the user's name from the settings, ``ctx.player``)."""
        player = player or self.player
        table = self.db["scores"]
        with self.store.write():
            table.insert(
                {
                    "plugin": self.plugin,
                    "player": player,
                    "kind": kind,
                    "value": float(value),
                    "details": json.dumps(details or {}, default=str),
                    "at": time.time(),
                }
            )
        return int(table.last_pk)

    @_reports_damage
    def scores(self, kind: str | None = None, player: str | None = None,
               limit: int | None = None) -> list[dict[str, Any]]:
        """This plugin's rows of the shared ``scores`` log, newest first (``details``
        decoded), optionally of one ``kind`` and one ``player``."""
        clauses, args = ["plugin = ?"], [self.plugin]
        for column, value in (("kind", kind), ("player", player)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        rows = self.db["scores"].rows_where(" and ".join(clauses), args,
                                            order_by="id desc", limit=limit)
        return [{**row, "details": json.loads(row["details"] or "{}")} for row in rows]

    def start_run(self, model: str, params: dict[str, Any], device: str) -> int:
        """Record a training run of this plugin; see :meth:`Store.start_run`."""
        return self.store.start_run(self.plugin, model, params, device)

    def log_metrics(self, run_id: int, step: int, metrics: dict[str, float]) -> None:
        """See :meth:`Store.log_metrics`."""
        self.store.log_metrics(run_id, step, metrics)

    def finish_run(self, run_id: int, status: str, metrics: dict[str, Any] | None = None) -> None:
        """See :meth:`Store.finish_run`."""
        self.store.finish_run(run_id, status, metrics)

    @contextmanager
    def training_run(self, model: str, params: dict[str, Any] | None = None,
                     device: str = "cpu") -> Iterator[TrainingRun]:
        """Record a training run of ``model`` around a block (see :class:`TrainingRun`)::

            with ctx.store.training_run("my-model", {"lr": 0.01}, device) as run:
                for step in ...:
                    run.log(step, train_loss=loss)
                run.metrics.update(val_loss=best)
        """
        run = TrainingRun(self.store, self.start_run(model, params or {}, device))
        try:
            yield run
        except BaseException as err:
            status = "stopped" if isinstance(err, KeyboardInterrupt) else "failed"
            try:
                run.finish(status)
            except Exception:  # noqa: BLE001 — the training error is the one to report
                pass
            raise
        run.finish("done")
