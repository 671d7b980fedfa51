"""One error family for textseq: every error a user can see carries a message they can act on.

The CLI turns a ``TextseqError`` into one line on stderr and a non-zero exit code; the app
shows it as a notification. Neither ever prints a traceback for these.
"""

from __future__ import annotations


class TextseqError(Exception):
    """Base class: ``str(err)`` is a complete sentence a user can act on."""

    exit_code: int = 1
    title: str = "Error"


class BadInput(TextseqError):
    """The user's input (arguments, a file, a line of a batch) cannot be used."""

    exit_code = 2
    title = "Bad input"


class ModelError(TextseqError):
    """A model is missing, corrupt, unsafe or incompatible."""

    title = "Model error"


class ModelNotFound(ModelError):
    """No model of that name in any registry source."""


class UnsafeCheckpoint(ModelError):
    """A checkpoint would execute code or carries objects other than tensors."""


class StoreError(TextseqError):
    """The SQLite store (or another file in the home) cannot be opened, migrated or written."""

    title = "Database error"


class PluginError(TextseqError):
    """A plugin failed to import, start, or run a command."""

    title = "Plugin error"


class StoreBusy(StoreError):
    """Another process held the database's write lock past the busy timeout: try again.

    Exit code 75 (``EX_TEMPFAIL``): a script can tell "busy, retry" from a real failure.
    """

    exit_code = 75
    title = "Database busy"


class DiskFull(StoreError):
    """The disk holding the home (or a file being written) is full."""

    title = "Disk full"


class ReadOnlyHome(StoreError):
    """The home (or the file being written) is read-only: reading works, writing cannot."""

    title = "Read-only"


def os_error(err: OSError, what: str | None = None) -> TextseqError:
    """One line for a failed file operation: a full disk and a read-only place each get their
    own; anything else names the file and the system's reason. ``what``: the file, when
    ``err`` does not name it."""
    import errno

    where = what or err.filename or "a file"
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(disk_full_message(where))
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyHome(read_only_message(where))
    return StoreError(f"cannot write {where}: {err.strerror or err}")


def disk_full_message(where: object) -> str:
    return (f"the disk is full: could not write {where}. Free some space and try again "
            "(what this command was writing was not saved; nothing saved before was lost)")


def read_only_message(where: object) -> str:
    return (f"{where} is read-only: this command needs to write there. Commands that only "
            "read (scoring, picking, `textseq db check`) still work; make it writable, or "
            "use another home (--home DIR)")
