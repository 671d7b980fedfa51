"""Helpers any test may import (``from helpers import wait_for``: pytest puts ``tests/`` on
``sys.path`` for its top ``conftest.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


async def wait_for(pilot: Any, predicate: Callable[[], Any], timeout: float = 10.0,
                   what: str = "") -> bool:
    """Let the app run until ``predicate()`` holds and return True; fail the test when it
    does not hold within ``timeout`` seconds.

    Screens load and models answer in thread workers, so a fixed pause is a race on a loaded
    machine. An exception in ``predicate`` (a widget not mounted yet) counts as "not yet".
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return True
        except Exception:  # noqa: BLE001 - not mounted yet: keep waiting
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout:g} s: {what or 'the condition'}")
        await pilot.pause(0.05)


def screen_app(screen: Any) -> Any:
    """A bare Textual app that opens on ``screen`` (for a plugin screen tested alone)."""
    from textual.app import App

    class ScreenApp(App):
        def on_mount(self) -> None:
            self.push_screen(screen)

    return ScreenApp()
