"""The sentiment plugin object: its capabilities, wired to the host's plugin API."""

from __future__ import annotations

from textseq_tui.plugin import Plugin


class SentimentPlugin(Plugin):
    name = "sentiment"
    title = "Sentiment"
    description = "A live sentiment score from an elastic-net bag-of-words model."
