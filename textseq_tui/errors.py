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
    """The SQLite store cannot be opened, migrated or written."""

    title = "Database error"


class PluginError(TextseqError):
    """A plugin failed to import, start, or run a command."""

    title = "Plugin error"
