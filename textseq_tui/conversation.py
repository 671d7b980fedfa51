"""The app's conversation kept in the home's SQLite: the host table ``conversation``.

One row an entry, oldest first by ``id``: ``kind`` is ``user`` (a plain message, with the
labels the plugins' annotators gave it), ``command`` (a ``/command`` line) or ``answer``
(a command's text answer, Textual markup as the plugin wrote it). ``labels`` is JSON: a
list of ``{"plugin", "label", "spans": [[start, end, style, note], ...]}``.

Reads go by the primary key from the newest end and take only what is shown (a page of
``PAGE`` entries, each cut to ``MAX_TEXT_READ`` characters): a history of any size opens as
fast as a small one. A row that no longer reads (bad JSON labels) comes back without its
labels; a missing table is made again (``recreated`` says so). Blocking: call from a
worker thread.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textseq_tui.store import Store

TABLE = "conversation"
#: Entries shown at start, and loaded each time the view is scrolled to the top.
PAGE = 200
#: Characters of one stored entry read back (a pasted megabyte shows its start).
MAX_TEXT_READ = 20_000
KINDS = ("user", "command", "answer")


def create_table(conn: sqlite3.Connection) -> None:
    """Create the conversation table when it is not there (migration ``m004`` and repair)."""
    conn.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY, at REAL, "
                 "kind TEXT, text TEXT, labels TEXT)")


@dataclass
class StoredLabel:
    """One annotator's label on a message: the plugin, its text and its highlighted spans
    ``(start, end, style, note)``."""

    plugin: str
    label: str
    spans: list[tuple[int, int, str, str]] = field(default_factory=list)


@dataclass
class Entry:
    """A stored entry of the conversation."""

    id: int
    kind: str
    text: str
    labels: list[StoredLabel]
    at: float


def labels_json(labels: Iterable[StoredLabel]) -> str:
    """The JSON stored in ``labels``."""
    return json.dumps([{"plugin": lab.plugin, "label": lab.label,
                        "spans": [list(span) for span in lab.spans]} for lab in labels],
                      ensure_ascii=False)


def read_labels(text: Any) -> list[StoredLabel]:
    """Labels from their JSON; whatever does not read as labels is left out."""
    try:
        raw = json.loads(text) if text else []
    except (TypeError, ValueError):
        return []
    out = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("label"), str):
            continue
        spans = []
        for span in item.get("spans") or []:
            try:
                start, end, style, note = span
                spans.append((int(start), int(end), str(style), str(note)))
            except (TypeError, ValueError):
                continue
        out.append(StoredLabel(str(item.get("plugin", "")), item["label"], spans))
    return out


def _entry(entry_id: Any, kind: Any, text: Any, labels: Any, at: Any) -> Entry:
    """An entry from its row, whatever the row holds (edited by hand, another version):
    an unknown kind is an answer, bytes are decoded, a bad time is 0."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    try:
        when = float(at or 0.0)
    except (TypeError, ValueError):
        when = 0.0
    kind = kind if kind in KINDS else "answer"
    return Entry(int(entry_id), kind, "" if text is None else str(text),
                 read_labels(labels) if kind == "user" else [], when)


class Conversation:
    """The stored conversation on the store ``store()`` returns (opened on first use)."""

    def __init__(self, store: Callable[[], Store]) -> None:
        self._store = store
        #: True once a missing table was made again (the app says so once).
        self.recreated = False

    def _run(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        conn = self._store().db.conn
        try:
            return fn(conn)
        except sqlite3.OperationalError as err:
            if f"no such table: {TABLE}" not in str(err):
                raise
        create_table(conn)  # deleted by hand, or an old file: start a new one
        self.recreated = True
        return fn(conn)

    def page(self, before: int | None = None, limit: int = PAGE) -> list[Entry]:
        """Up to ``limit`` entries older than the entry ``before`` (default: the newest),
        oldest first."""
        where, args = ("WHERE id < ?", (before, limit)) if before is not None else ("", (limit,))
        rows = self._run(lambda c: c.execute(
            f"SELECT id, kind, substr(text, 1, {MAX_TEXT_READ}), labels, at FROM {TABLE} "
            f"{where} ORDER BY id DESC LIMIT ?", args).fetchall())
        return [_entry(*row) for row in reversed(rows)]

    def last_id(self) -> int:
        """The id of the newest entry (0 when there is none)."""
        return int(self._run(lambda c: c.execute(
            f"SELECT coalesce(max(id), 0) FROM {TABLE}").fetchone())[0])

    def recent_inputs(self, limit: int = PAGE, before: int | None = None) -> list[str]:
        """The last ``limit`` lines the user sent (messages and commands) before the entry
        ``before`` (default: the newest), oldest first."""
        rows = self._run(lambda c: c.execute(
            f"SELECT substr(text, 1, {MAX_TEXT_READ}) FROM {TABLE} WHERE kind IN "
            "('user', 'command') AND id < ? ORDER BY id DESC LIMIT ?",
            (before if before is not None else 2 ** 62, limit)).fetchall())
        return [str(text) for (text,) in reversed(rows) if text]

    def append(self, kind: str, text: str, labels: Iterable[StoredLabel] = ()) -> int:
        """Store an entry; returns its id."""
        if kind not in KINDS:
            raise ValueError(f"an entry is one of {KINDS}, not {kind!r}")
        store = self._store()

        def insert(conn: sqlite3.Connection) -> int:
            with store.write():
                cursor = conn.execute(
                    f"INSERT INTO {TABLE} (at, kind, text, labels) VALUES (?, ?, ?, ?)",
                    (time.time(), kind, text, labels_json(labels)))
            return int(cursor.lastrowid)

        return self._run(insert)

    def set_labels(self, entry_id: int, labels: Iterable[StoredLabel]) -> None:
        """Replace the labels of the entry ``entry_id``."""
        store, text = self._store(), labels_json(labels)

        def update(conn: sqlite3.Connection) -> None:
            with store.write():
                conn.execute(f"UPDATE {TABLE} SET labels = ? WHERE id = ?", (text, entry_id))

        self._run(update)

    def clear(self) -> int:
        """Delete every stored entry; returns how many there were."""
        store = self._store()

        def delete(conn: sqlite3.Connection) -> int:
            with store.write():
                return conn.execute(f"DELETE FROM {TABLE}").rowcount

        return self._run(delete)
