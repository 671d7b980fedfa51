"""The anomaly plugin: Flag surprising steps in sequences with a next-token model."""

from textseq_plugins.anomaly.plugin import AnomalyPlugin

__all__ = ["AnomalyPlugin"]
