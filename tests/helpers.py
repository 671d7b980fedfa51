"""Helpers any test may import (``from helpers import wait_for``: pytest puts ``tests/`` on
``sys.path`` for its top ``conftest.py``)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any


async def wait_for(pilot: Any, predicate: Callable[[], Any], timeout: float = 30.0,
                   what: str = "") -> bool:
    """Let the app run until ``predicate()`` holds and return True; fail the test when it
    does not hold within ``timeout`` seconds.

    Screens load and models answer in thread workers, so a fixed pause is a race on a loaded
    machine; the 30 s default is for CI's two busy cores (a passing wait returns at once). An exception in ``predicate`` (a widget not mounted yet) counts as "not yet".
    """
    return await _poll(predicate, timeout, what, lambda: pilot.pause(0.05))


async def _poll(predicate: Callable[[], Any], timeout: float, what: str,
                pause: Callable[[], Awaitable[Any]]) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return True
        except Exception:  # noqa: BLE001 - not mounted yet: keep waiting
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout:g} s: {what or 'the condition'}")
        await pause()


def app_is_quiet(app: Any) -> bool:
    """No message is waiting anywhere in ``app``: the app itself, every screen on its stack
    and every widget of those screens (a widget being removed counts as quiet)."""
    pumps = [app]
    for screen in list(app.screen_stack):
        try:
            pumps += list(screen.walk_children(with_self=True))
        except Exception:  # noqa: BLE001 - a screen being torn down: nothing left to wait for
            continue
    return all(pump.message_queue_size == 0 for pump in pumps)


async def wait_until_quiet(app: Any, timeout: float = 30.0, polls: int = 3) -> None:
    """Wait until every event queued so far has been handled — ``polls`` quiet checks in a
    row, so that work one handler queues for another is waited for too — then return; fail
    the test past ``timeout`` seconds. What a test asserts did *not* happen is checked after
    this, instead of after a fixed pause.

    It polls with ``asyncio.sleep``, not ``pilot.pause()``: the latter waits for every widget
    of the screen, and one being removed may never answer."""
    import asyncio

    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < polls:
        if time.monotonic() > deadline:
            raise AssertionError(f"the app still had events to handle after {timeout:g} s")
        await asyncio.sleep(0.02)
        quiet = quiet + 1 if app_is_quiet(app) else 0


async def wait_until(predicate: Callable[[], Any], timeout: float = 30.0,
                     what: str = "") -> bool:
    """:func:`wait_for` without a pilot: polls with ``asyncio.sleep`` (see
    :func:`wait_until_quiet` for why); an exception in ``predicate`` counts as "not yet"."""
    import asyncio

    return await _poll(predicate, timeout, what, lambda: asyncio.sleep(0.02))


def screen_app(screen: Any) -> Any:
    """A bare Textual app that opens on ``screen`` (for a plugin screen tested alone)."""
    from textual.app import App

    class ScreenApp(App):
        def on_mount(self) -> None:
            self.push_screen(screen)

    return ScreenApp()
