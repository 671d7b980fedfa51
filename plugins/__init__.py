"""The built-in textseq plugins, each registered through the same entry-point group as any
third-party plugin (``textseq_tui.plugins``)."""
