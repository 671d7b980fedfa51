"""The sentiment plugin: A live sentiment score from an elastic-net bag-of-words model."""

from textseq_plugins.sentiment.plugin import SentimentPlugin

__all__ = ["SentimentPlugin"]
