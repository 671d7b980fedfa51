"""Running plugin code off the UI loop without letting one plugin starve the others.

``asyncio.to_thread`` and Textual's thread workers share asyncio's default executor (a
handful of threads: min(32, cores + 4)). A plugin call that hangs keeps its thread, so a few
hung annotator or completion calls would fill the pool and every later command would wait
forever; and quitting joins that pool, so the app could not exit either.

Plugin calls therefore run on their own daemon threads, with a cap on how many calls of
one kind (one plugin's commands, one annotator, one completion provider) may be in flight:
past the cap the call is refused at once (``PluginBusy``) instead of queueing behind a hung
one. Daemon threads are not joined at exit, so ctrl+q always quits.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class PluginBusy(Exception):
    """Too many calls of this kind are still running (a plugin is slow or hung)."""


class PluginCalls:
    """Runs blocking plugin callables on daemon threads; awaitable from the UI loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight: dict[Hashable, int] = {}

    async def call(
        self,
        key: Hashable,
        fn: Callable[..., T],
        *args: Any,
        limit: int = 2,
        timeout: float | None = None,
    ) -> T:
        """Run ``fn(*args)`` on a daemon thread and return its result (or raise its error).

        Raises ``PluginBusy`` when ``limit`` calls under ``key`` are already running, and
        ``TimeoutError`` when ``timeout`` seconds pass first (the thread runs on, still
        counted against ``key``, until it returns).
        """
        with self._lock:
            if self._in_flight.get(key, 0) >= limit:
                raise PluginBusy(key)
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def deliver(ok: bool, value: Any) -> None:
            if future.done():  # the caller timed out or was cancelled
                return
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

        def runner() -> None:
            try:
                result = fn(*args)
            except BaseException as err:  # noqa: BLE001 — handed to the awaiting caller
                outcome: tuple[bool, Any] = (False, err)
            else:
                outcome = (True, result)
            finally:
                with self._lock:
                    self._in_flight[key] -= 1
            try:
                loop.call_soon_threadsafe(deliver, *outcome)
            except RuntimeError:
                pass  # the loop is closed: the app has quit

        threading.Thread(target=runner, daemon=True, name=f"textseq-plugin-{key}").start()
        if timeout is None:
            return await future
        return await asyncio.wait_for(future, timeout)
