"""The odd-one-out plugin object: its capabilities, wired to the host's plugin API."""

from __future__ import annotations

from textseq_tui.plugin import Plugin


class OddOneOutPlugin(Plugin):
    name = "odd-one-out"
    title = "Odd one out"
    description = "Which word doesn't belong? Play against word embeddings."
