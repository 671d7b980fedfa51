"""The clusterer plugin: Cluster a vocabulary or embedding matrix without choosing k."""

from textseq_plugins.clusterer.plugin import ClustererPlugin

__all__ = ["ClustererPlugin"]
