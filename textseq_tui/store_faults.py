"""What can go wrong with the store's file, said in one line a user can act on.

``store_error`` turns an ``sqlite3.DatabaseError`` into the error family: busy (another
process held the write lock past the busy timeout: try again, exit 75), a full disk, a
read-only home, or a damaged file (its path, "Nothing was deleted", ``textseq db check``).
Only a damaged file's message tells how to move it aside: a busy, full or read-only database
is fine, and a second file would split the user's data in two.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from textseq_tui.errors import (
    DiskFull,
    ReadOnlyHome,
    StoreBusy,
    StoreError,
    disk_full_message,
    read_only_message,
)

#: How long a connection waits for another's write lock before "database is locked".
BUSY_TIMEOUT_MS = 30_000

# SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_FULL, _SQLITE_CANTOPEN = 5, 6, 8, 13, 14


def _primary_code(err: BaseException) -> int | None:
    code = getattr(err, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def cannot_write(err: BaseException, path: Path) -> bool:
    """True when ``err`` says the database (or its folder) cannot be written."""
    code, text = _primary_code(err), str(err).lower()
    if code == _SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return True
    cantopen = code == _SQLITE_CANTOPEN or "unable to open" in text
    return cantopen and not _writable(path)


def _writable(path: Path) -> bool:
    """Whether ``path`` (or, when it does not exist, its folder) may be written."""
    target = path if path.exists() else path.parent
    return os.access(target, os.W_OK)


def store_error(path: Any, err: sqlite3.DatabaseError) -> StoreError:
    """A user-facing error for an unusable database file; nothing is deleted.

    Busy (another process held the write lock past the busy timeout): try again. A full
    disk, a read-only home: said so. Anything else (a damaged file): the path, "Nothing was
    deleted", the ``textseq db check`` hint and how to move it aside.
    """
    path = Path(path)
    code, text = _primary_code(err), str(err).lower()
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return StoreBusy(
            f"the database {path} is busy: another textseq (the app, or a long command such "
            f"as learning a big file) kept it for over {BUSY_TIMEOUT_MS // 1000} s. Nothing "
            "was changed; try again in a moment.")
    if code == _SQLITE_FULL or "disk is full" in text:
        return DiskFull(disk_full_message(path))
    if cannot_write(err, path):
        return ReadOnlyHome(read_only_message(path))
    return StoreError(
        f"cannot use the database {path}: {err}. Nothing was deleted. Check it with "
        f"`textseq db check`, or move it aside (mv {path} {path}.bad) and "
        "textseq will start a new one."
    )
