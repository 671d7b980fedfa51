"""textseq: a terminal word game and text assistant hosting plugins (the host package)."""

__version__ = "0.1.0"
