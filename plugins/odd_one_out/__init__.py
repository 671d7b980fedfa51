"""The odd-one-out plugin: Which word doesn't belong? Play against word embeddings."""

from textseq_plugins.odd_one_out.plugin import OddOneOutPlugin

__all__ = ["OddOneOutPlugin"]
