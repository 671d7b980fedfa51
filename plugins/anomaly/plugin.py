"""The anomaly plugin object: its capabilities, wired to the host's plugin API."""

from __future__ import annotations

from textseq_tui.plugin import Plugin


class AnomalyPlugin(Plugin):
    name = "anomaly"
    title = "Anomaly"
    description = "Flag surprising steps in sequences with a next-token model."
