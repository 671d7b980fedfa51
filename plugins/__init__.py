"""The built-in textseq plugins, each registered through the same entry-point group as any
third-party plugin (``textseq_tui.plugins``).

What they share lives here: :class:`BuiltinPlugin` (their models ship in textseq's own
top-level ``models/`` folder, the package ``textseq_models``, not beside each plugin) and
:func:`imported_on_call` (their model loaders and screen factories).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textseq_tui.plugin import Plugin, package_dir


class BuiltinPlugin(Plugin):
    """Base of the built-in plugins: :meth:`model_dirs` is textseq's ``models/``."""

    def model_dirs(self) -> list[Path]:
        """The built-in models ship in textseq's top-level ``models/`` (``textseq_models``)."""
        return [package_dir("textseq_models")]


def imported_on_call(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported when first called and then called with the same arguments.

    For a ``ModelSpec`` loader or a ``ScreenSpec`` factory: the plugin object names it without
    importing torch or the screen's module, so ``textseq --help`` stays light.
    """

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call
