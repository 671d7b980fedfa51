"""The clusterer plugin object: its capabilities, wired to the host's plugin API."""

from __future__ import annotations

from textseq_tui.plugin import Plugin


class ClustererPlugin(Plugin):
    name = "clusterer"
    title = "Clusterer"
    description = "Cluster a vocabulary or embedding matrix without choosing k."
