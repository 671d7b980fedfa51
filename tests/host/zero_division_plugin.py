"""A plugin module that raises a non-ImportError at import time (discovery test)."""

1 / 0  # noqa: B018
