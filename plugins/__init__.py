"""The built-in textseq plugins, each registered through the same entry-point group as any
third-party plugin (``textseq_tui.plugins``).

:class:`BuiltinPlugin` is what they share: their models ship in textseq's own top-level
``models/`` folder (the package ``textseq_models``), not beside each plugin.
"""

from __future__ import annotations

from pathlib import Path

from textseq_tui.plugin import Plugin, package_dir


class BuiltinPlugin(Plugin):
    """Base of the built-in plugins: :meth:`model_dirs` is textseq's ``models/``."""

    def model_dirs(self) -> list[Path]:
        """The built-in models ship in textseq's top-level ``models/`` (``textseq_models``)."""
        return [package_dir("textseq_models")]
