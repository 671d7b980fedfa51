"""Long writes in short transactions, so other writers wait a fraction of a second.

Learning a big file used to hold SQLite's write lock for its whole length (38 s for 80 MB),
and a parallel write (a correction, a chat message) gave up with "database is locked".
``chunked_write`` (``Store.chunked_write``, ``PluginStore.chunked_transaction``) splits such
a write: a transaction is committed once it has held the lock ``CHUNK_SECONDS``, then the
writer pauses ``CHUNK_PAUSE_S`` so a waiting writer gets in, and ``release()`` commits before
slow work that writes nothing (reading, counting).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: A long write commits once a transaction has held the write lock this long (seconds).
CHUNK_SECONDS = 0.3
#: ... and then waits this long before its next transaction: a writer kept waiting polls the
#: lock every 100 ms at most (SQLite's busy handler), and would miss a gap of microseconds.
CHUNK_PAUSE_S = 0.1


class WriteChunks:
    """The transactions of one :func:`chunked_write`: ``ensure``, ``tick``, ``release``;
    ``commits`` counts those committed."""

    def __init__(self, db: Any, seconds: float, on_begin: Callable[[Any], None] | None,
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


@contextmanager
def chunked_write(db: Any, seconds: float = CHUNK_SECONDS,
                  on_begin: Callable[[Any], None] | None = None) -> Iterator[WriteChunks]:
    """A long write on ``db`` (a sqlite-utils Database) in short transactions::

        with chunked_write(db, on_begin=check) as chunks:
            for piece in pieces:
                chunks.release()     # commit: no write lock while computing
                rows = compute(piece)
                chunks.ensure()      # BEGIN IMMEDIATE (and check) unless one is open
                write(rows)
                chunks.tick()        # commit once the transaction is ``seconds`` old

    ``on_begin(db)`` runs first in every transaction (a check that may raise: that
    transaction is rolled back and the error goes on). On an error the open transaction is
    rolled back; those committed before it stay. Inside an outer transaction the whole
    block is one savepoint and ``tick``/``release`` do nothing.
    """
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
