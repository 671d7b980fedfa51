"""Small state kept between runs: JSON values by key, one namespace per plugin (``ctx.state``)
and one for the host app's own UI (``Host.state``), in the home's SQLite.

Meant for a screen's mode or difficulty, a panel shown or hidden, the last file opened: a
few small values, not data (a plugin's data goes in its own tables). Every value goes
through JSON, so what ``get`` returns is a fresh copy (dicts, lists, strings, numbers,
booleans, None). Safe from any thread: each thread uses its own connection and each ``set``
is one write transaction; the database is opened on first use, never at start-up.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textseq_tui.store import Store

#: The host table (migration ``m003_plugin_state``): owner, key, value (JSON text), updated.
TABLE = "plugin_state"
#: The namespace of the host app's own state (a plugin cannot be named so: see check_name).
HOST_OWNER = "textseq"
#: Longest key, in characters.
MAX_KEY_CHARS = 200


class PluginState:
    """Key -> JSON value, scoped to one owner (a plugin's name, or the host's).

    ``get(key, default)`` returns the stored value or ``default``; ``set(key, value)``
    stores a JSON value (``ValueError`` for one JSON cannot hold: NaN, a set, an object);
    ``delete(key)`` forgets it; ``all()`` is every key and value of the owner.
    """

    def __init__(self, store: Callable[[], Store], owner: str) -> None:
        self._store = store  # called at each use: the database opens on first use
        self.owner = owner

    def _read(self, sql: str, args: tuple) -> list[tuple]:
        store = self._store()
        try:
            return store.db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as err:
            from textseq_tui.store import store_error

            raise store_error(store.path, err) from err

    def _write(self, sql: str, args: tuple) -> None:
        store = self._store()
        try:
            with store.write() as db:
                db.execute(sql, args)
        except sqlite3.DatabaseError as err:
            from textseq_tui.store import store_error

            raise store_error(store.path, err) from err

    def get(self, key: str, default: Any = None) -> Any:
        _check_key(key)
        rows = self._read(f"SELECT value FROM {TABLE} WHERE owner = ? AND key = ?",
                          (self.owner, key))
        if not rows:
            return default
        try:
            return json.loads(rows[0][0])
        except (TypeError, ValueError):  # edited by hand into something else: as if unset
            return default

    def set(self, key: str, value: Any) -> None:
        _check_key(key)
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as err:
            raise ValueError(f"state {key!r} of {self.owner}: not a JSON value ({err})") \
                from None
        self._write(f"INSERT OR REPLACE INTO {TABLE}(owner, key, value, updated) "
                    "VALUES (?, ?, ?, ?)", (self.owner, key, text, time.time()))

    def delete(self, key: str) -> None:
        _check_key(key)
        self._write(f"DELETE FROM {TABLE} WHERE owner = ? AND key = ?", (self.owner, key))

    def all(self) -> dict[str, Any]:
        rows = self._read(f"SELECT key, value FROM {TABLE} WHERE owner = ? ORDER BY key",
                          (self.owner,))
        out = {}
        for key, text in rows:
            try:
                out[key] = json.loads(text)
            except (TypeError, ValueError):
                continue
        return out

    def __repr__(self) -> str:
        return f"PluginState({self.owner!r})"


def _check_key(key: Any) -> None:
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_CHARS:
        raise ValueError(f"a state key is a non-empty string of at most {MAX_KEY_CHARS} "
                         f"characters, not {key!r:.60}")
