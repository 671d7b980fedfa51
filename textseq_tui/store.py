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
- Long writes commit in chunks (``chunked_write``, see ``store_chunks``): other writers wait
  a fraction of a second behind a big ``learn``, never its whole length.
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
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from textseq_tui.errors import ReadOnlyHome, StoreError, read_only_message
from textseq_tui.state import PluginState
from textseq_tui.store_chunks import CHUNK_SECONDS, chunked_write
from textseq_tui.store_faults import BUSY_TIMEOUT_MS, cannot_write, store_error

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


@host_migrations()
def m003_plugin_state(db: sqlite_utils.Database) -> None:
    # Small state each plugin (and the host app) keeps between runs: see state.PluginState.
    db["plugin_state"].create(
        {"owner": str, "key": str, "value": str, "updated": float}, pk=("owner", "key"),
    )


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
            store = getattr(self, "_store", self)
            raise store_error(store.path, err) from err

    return wrapper


def table_prefix(plugin_name: str) -> str:
    """The table-name prefix of a plugin: ``word-game`` -> ``word_game_``."""
    return plugin_name.replace("-", "_").replace(".", "_") + "_"


def _connect(path: Path, uri: str | None = None) -> sqlite3.Connection:
    """A connection to ``path`` (read-write, WAL), or to ``uri`` (read-only or in-memory)."""
    conn = sqlite3.connect(uri or str(path), timeout=BUSY_TIMEOUT_MS / 1000,
                           isolation_level=None, uri=uri is not None)
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


class MigrationDatabase(sqlite_utils.Database):
    """The database a migration step gets: sqlite-utils' ``Database`` on the store's
    connection, plus ``table_name(suffix)``, the full name of the plugin's table ``suffix``
    (the same as ``ctx.store.table_name``), so migrations never spell the prefix."""

    def __init__(self, conn: sqlite3.Connection, prefix: str) -> None:
        super().__init__(conn, recursive_triggers=False, execute_plugins=False)
        self.prefix = prefix

    def table_name(self, suffix: str) -> str:
        """``rounds`` -> ``<prefix>rounds``."""
        return self.prefix + suffix


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

    def chunked_write(self, seconds: float = CHUNK_SECONDS,
                      on_begin: Callable[[sqlite_utils.Database], None] | None = None
                      ) -> Any:
        """A long write in short transactions (``with store.chunked_write() as chunks``:
        ``chunks.ensure()``, ``tick()``, ``release()``; see :mod:`textseq_tui.store_chunks`).
        """
        if self.read_only:
            raise ReadOnlyHome(read_only_message(self.path))
        return chunked_write(self.db, seconds, on_begin)

    def apply(self, migrations: Migrations, prefix: str = "") -> None:
        """Apply a migration set's pending steps (each in its own transaction), once.

        The whole set runs under one write lock, so two processes starting at once cannot
        both apply the same step. Each step gets the database with ``db.table_name(suffix)``
        (``prefix + suffix``: a plugin's migrations name their tables through it).
        Read-only: an in-memory stand-in gets its tables; a read-only file is left as it is
        (a missing table reads as empty where the plugin checks, as ``rows`` does).
        """
        with self._lock:
            if migrations.name in self._applied:
                return
            try:
                if not self.read_only:
                    with self.write():
                        migrations.apply(MigrationDatabase(self.db.conn, prefix))
                elif self._anchor is not None:  # the in-memory stand-in: not the user's file
                    self.db.execute("PRAGMA query_only = OFF")
                    try:
                        migrations.apply(MigrationDatabase(self.db.conn, prefix))
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


class TrainingRun:
    """A training run being recorded (``with ctx.store.training_run(...) as run``).

    ``run.log(step, train_loss=..., val_loss=...)`` appends metrics; ``run.metrics`` (a dict)
    is stored as the run's final metrics when the block ends. The run ends ``done`` when the
    block finishes, ``stopped`` on Ctrl+C and ``failed`` on any other exception (which goes
    on); ``run.finish(status)`` ends it earlier, by hand.
    """

    def __init__(self, store: Store, run_id: int) -> None:
        self._store = store
        self.id = run_id
        self.metrics: dict[str, Any] = {}
        self.status: str | None = None

    def log(self, step: int, metrics: dict[str, float] | None = None, **named: float) -> None:
        """Append one step's metrics (``train_loss``, ``val_loss``, anything else)."""
        self._store.log_metrics(self.id, step, {**(metrics or {}), **named})

    def finish(self, status: str = "done", metrics: dict[str, Any] | None = None) -> None:
        """End the run now with ``status`` and its final metrics (once; later calls no-op)."""
        if self.status is not None:
            return
        if metrics is not None:
            self.metrics.update(metrics)
        self.status = status
        self._store.finish_run(self.id, status, self.metrics)


class PluginStore:
    """One plugin's part of the store (``ctx.store``): its own tables, named
    ``<prefix><suffix>`` (``word-game`` + ``rounds`` -> ``word_game_rounds``), the shared
    score log and training runs under its name, and documented host queries
    (:meth:`runs`, :meth:`run_metrics`, :meth:`scores`). The whole database is not handed
    out: SQL goes through :meth:`execute` on the plugin's own tables.

    Thread-safe: every thread gets its own connection; writes run in transactions.
    """

    def __init__(self, store: Store, plugin: str) -> None:
        self._store = store
        self.plugin = plugin
        self.prefix = table_prefix(plugin)
        #: the plugin's small state (``ctx.state``: see :class:`~textseq_tui.state.PluginState`)
        self.state = PluginState(lambda: store, plugin)
        #: the default player of record_score (the host sets it from Settings.player)
        self.player = "you"

    @property
    def db(self) -> sqlite_utils.Database:
        """Deprecated (plugin API 1 handed out the whole database): use :meth:`table`,
        :meth:`execute` and :meth:`transaction`. Kept for plugins written then."""
        warnings.warn("PluginStore.db is deprecated: use table(), execute() and "
                      "transaction()", DeprecationWarning, stacklevel=2)
        return self._store.db

    def table_name(self, suffix: str) -> str:
        """The full name of the plugin's table ``suffix``: ``rounds`` -> ``word_game_rounds``."""
        return self.prefix + suffix

    def table(self, suffix: str) -> sqlite_utils.db.Table:
        """The plugin's table ``suffix`` (a sqlite-utils Table: ``insert``, ``upsert_all``,
        ``rows_where``, ``exists`` ...)."""
        return self._store.db[self.table_name(suffix)]  # type: ignore[return-value]

    def __getitem__(self, name: str) -> sqlite_utils.db.Table:
        """``tx[full_name]``: what ``transaction()`` yielded before (the database) allowed;
        only the plugin's own tables. Prefer ``table(suffix)``."""
        if not name.startswith(self.prefix):
            raise StoreError(f"plugin {self.plugin!r} may use only its own tables "
                             f"({self.prefix}*), not {name!r}")
        return self._store.db[name]  # type: ignore[return-value]

    @_reports_damage
    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        """Run one SQL statement on this thread's connection; name the plugin's tables with
        :meth:`table_name` (``f"SELECT ... FROM {store.table_name('rounds')}"``) and pass
        values as ``params``. Inside :meth:`transaction` it is part of that transaction."""
        return self._store.db.execute(sql, params)

    @_reports_damage
    def executemany(self, sql: str, rows: Iterable[Any]) -> sqlite3.Cursor:
        """:meth:`execute` for many rows of parameters (one statement each)."""
        return self._store.db.conn.executemany(sql, rows)

    def apply(self, migrations: Migrations) -> None:
        """Apply the plugin's migration set: each step gets the database with
        ``db.table_name(suffix)`` for this plugin's table names."""
        self._store.apply(migrations, prefix=self.prefix)

    @contextmanager
    def transaction(self) -> Iterator[PluginStore]:
        """``with store.transaction() as tx:`` — every write inside (``tx.table(...)``,
        ``tx.execute(...)``, ``insert``, ``record_score``) commits together or not at all."""
        with self._store.write():
            yield self

    def chunked_transaction(self, seconds: float = CHUNK_SECONDS,
                            on_begin: Callable[[Any], None] | None = None) -> Any:
        """A long write in short transactions, so other writers wait a fraction of a second
        (``with store.chunked_transaction(on_begin=check) as chunks``: ``chunks.ensure()``
        before writing, ``tick()`` after, ``release()`` before slow work that writes nothing;
        see :mod:`textseq_tui.store_chunks`). ``on_begin(_)`` runs first in each transaction."""
        return self._store.chunked_write(seconds, on_begin)

    @_reports_damage
    def insert(self, suffix: str, row: dict[str, Any]) -> int:
        """Insert one row in a transaction; returns its rowid."""
        table = self.table(suffix)
        with self._store.write():
            table.insert(row)
        return int(table.last_rowid)

    @_reports_damage
    def insert_all(self, suffix: str, rows: Iterable[dict[str, Any]]) -> None:
        """Insert many rows in one transaction."""
        with self._store.write():
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
        table = self._store.db["scores"]
        with self._store.write():
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
        rows = self._store.db["scores"].rows_where(" and ".join(clauses), args,
                                            order_by="id desc", limit=limit)
        return [{**row, "details": json.loads(row["details"] or "{}")} for row in rows]

    def start_run(self, model: str, params: dict[str, Any], device: str) -> int:
        """Record a training run of this plugin as started; returns its id (prefer
        :meth:`training_run`, which also ends it)."""
        return self._store.start_run(self.plugin, model, params, device)

    def log_metrics(self, run_id: int, step: int, metrics: dict[str, float]) -> None:
        """Append one step's metrics (``train_loss``, ``val_loss``, ...) to a run."""
        self._store.log_metrics(run_id, step, metrics)

    def finish_run(self, run_id: int, status: str, metrics: dict[str, Any] | None = None) -> None:
        """Mark a run finished ("done", "stopped", "failed") with its final metrics."""
        self._store.finish_run(run_id, status, metrics)

    def runs(self) -> list[dict[str, Any]]:
        """This plugin's training runs, newest first (``id``, ``model``, ``started``,
        ``finished``, ``status``, ``device``, ``params`` and ``metrics`` as JSON text)."""
        return self._store.runs(self.plugin)

    def run_metrics(self, run_id: int, name: str | None = None) -> list[dict[str, Any]]:
        """A training run's metric rows (``step``, ``name``, ``value``, ``at``) in step
        order, optionally of one metric (``VAL_LOSS``)."""
        return self._store.run_metrics(run_id, name)

    @contextmanager
    def training_run(self, model: str, params: dict[str, Any] | None = None,
                     device: str = "cpu") -> Iterator[TrainingRun]:
        """Record a training run of ``model`` around a block (see :class:`TrainingRun`)::

            with ctx.store.training_run("my-model", {"lr": 0.01}, device) as run:
                for step in ...:
                    run.log(step, train_loss=loss)
                run.metrics.update(val_loss=best)
        """
        run = TrainingRun(self._store, self.start_run(model, params or {}, device))
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
