"""Chat messages handed to plugins in order, none dropped: one queue per listener/annotator.

A message listener (``hear(text)``: a personal history learns the message) or an
annotator (``annotate(text)``: a score shown beside it) gets every plain chat message, one at a
time, in the order they were sent, on its own daemon thread (a hung plugin holds up only
its own queue; ctrl+q never waits for it).

- **Busy database**: a call failing because another process holds the database's write lock
  ("database is locked" after the busy timeout, ``StoreBusy``) is retried, with a growing
  pause (``RETRY_PAUSES_S``), until it goes through: later messages wait behind it, so
  they still arrive in order once the lock frees. While it waits the app's status line says
  so (``on_waiting``).
- **Bound**: at most ``QUEUE_BOUND`` messages wait per queue. A message sent while the
  queue is full is not handed to that plugin (the others still get it) and the user is told
  in the transcript, once per run of refusals (``on_full``); the queue takes messages again
  as soon as one place is free. At human typing speed that takes a plugin stuck for hours.
- **Slow**: a call still running after ``slow_after_s`` is reported once (``on_slow``);
  the messages behind it wait for it.
- Any other error is the plugin's: reported (``on_error``) and the queue goes on.

Callbacks run on the UI loop (through ``post``), never on the plugin's thread.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from textseq_tui.errors import StoreBusy

#: Messages one listener or annotator may have waiting.
QUEUE_BOUND = 500
#: Pauses between retries of a call the database's write lock refused (the last repeats).
RETRY_PAUSES_S = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)


def is_busy(err: BaseException) -> bool:
    """True for "the database is locked by another process, try again" (any cause chain)."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, StoreBusy):
            return True
        if isinstance(seen, sqlite3.OperationalError):
            text = str(seen).lower()
            if "locked" in text or "busy" in text:
                return True
        seen = seen.__cause__ or seen.__context__
    return False


class MessageQueue:
    """Delivers ``call(text)`` for each ``put`` in order on one daemon thread.

    ``on_done(tag, result)``, ``on_error(tag, err)``, ``on_full(dropped)``,
    ``on_waiting(waiting: bool, queued: int)`` and ``on_slow()`` are posted to the UI loop
    with ``post(fn, *args)``.
    """

    def __init__(self, name: str, call: Callable[[str], Any], post: Callable[..., None], *,
                 on_done: Callable[[Any, Any], None] | None = None,
                 on_error: Callable[[Any, BaseException], None] | None = None,
                 on_full: Callable[[int], None] | None = None,
                 on_waiting: Callable[[bool, int], None] | None = None,
                 on_slow: Callable[[], None] | None = None,
                 bound: int = QUEUE_BOUND, slow_after_s: float | None = None,
                 stop: threading.Event | None = None) -> None:
        self.name = name
        self._call = call
        self._post = post
        self._on_done, self._on_error = on_done, on_error
        self._on_full, self._on_waiting, self._on_slow = on_full, on_waiting, on_slow
        self._slow_after_s = slow_after_s
        self._items: queue.Queue[tuple[Any, str]] = queue.Queue(maxsize=bound)
        self._stop = stop or threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.refused = 0  # messages not queued because the queue was full (this run)
        self.delivered = 0

    @property
    def pending(self) -> int:
        """Messages waiting (not counting the one being delivered)."""
        return self._items.qsize()

    def put(self, tag: Any, text: str) -> bool:
        """Queue ``text`` (``tag`` comes back with its result); False when the queue is full
        (then ``on_full`` is told once per run of refusals)."""
        try:
            self._items.put_nowait((tag, text))
        except queue.Full:
            self.refused += 1
            if self.refused == 1 and self._on_full is not None:
                self._on_full(self._items.maxsize)
            return False
        self.refused = 0
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                 name=f"textseq-queue-{self.name}")
                self._thread.start()
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                tag, text = self._items.get(timeout=0.5)
            except queue.Empty:
                continue
            try:
                result = self._deliver(text)
            except BaseException as err:  # noqa: BLE001 — the plugin's error, reported
                if self._stop.is_set():
                    return
                if self._on_error is not None:
                    self._post(self._on_error, tag, err)
            else:
                self.delivered += 1
                if self._on_done is not None:
                    self._post(self._on_done, tag, result)

    def _deliver(self, text: str) -> Any:
        """One call, retried while the database is busy; reported once if slow."""
        attempt, waiting = 0, False
        try:
            while True:
                timer = None
                if self._slow_after_s is not None and self._on_slow is not None:
                    timer = threading.Timer(self._slow_after_s, self._post, (self._on_slow,))
                    timer.daemon = True
                    timer.start()
                try:
                    return self._call(text)
                except BaseException as err:
                    if not is_busy(err) or self._stop.is_set():
                        raise
                finally:
                    if timer is not None:
                        timer.cancel()
                if not waiting and self._on_waiting is not None:
                    waiting = True
                    self._post(self._on_waiting, True, self.pending + 1)
                pause = RETRY_PAUSES_S[min(attempt, len(RETRY_PAUSES_S) - 1)]
                attempt += 1
                if self._stop.wait(pause):
                    raise InterruptedError("the app is quitting")
        finally:
            if waiting and self._on_waiting is not None:
                self._post(self._on_waiting, False, self.pending)


#: Seconds an annotator may take on one message before the user is told it is slow.
ANNOTATOR_SLOW_S = 20.0


class ChatDelivery:
    """The app's queues: each plain chat message goes to every annotator (its label is added
    to the message) and every listener, in order, on one :class:`MessageQueue` each.

    ``app`` is the running :class:`TextseqApp` (its host, transcript, ``report_once``,
    ``show_indicators`` and status line are used from the UI loop).
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.queues: dict[tuple[str, ...], MessageQueue] = {}
        self.stop = threading.Event()
        self._loop: Any = None

    def send(self, message: Any, text: str) -> None:
        """Queue ``text`` for every annotator (labels go on ``message``) and listener.
        Call it on the UI loop."""
        import asyncio

        self._loop = self._loop or asyncio.get_running_loop()
        for plugin, annotator in self.app.host.annotators():
            self._annotator_queue(plugin.name, annotator).put(message, text)
        for plugin, listener in self.app.host.message_listeners():
            self._listener_queue(plugin.name, listener).put(None, text)

    def close(self) -> None:
        """Stop every queue's thread (a call in progress finishes on its own)."""
        self.stop.set()

    def _post(self, fn: Callable[..., None], *args: Any) -> None:
        try:
            self._loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:
            pass  # the loop is closed: the app has quit

    def _waiting(self, key: str, who: str) -> Callable[[bool, int], None]:
        def show(waiting: bool, queued: int) -> None:
            self.app._set_busy(key, f"{who}: the database is busy, {queued} message(s) "
                               "waiting" if waiting else None)
        return show

    def _annotator_queue(self, plugin_name: str, annotator: Any) -> MessageQueue:
        name = str(getattr(annotator, "name", plugin_name))
        key = ("annotator", plugin_name, name, str(id(annotator)))
        if key not in self.queues:
            app = self.app

            def done(message: Any, annotation: Any) -> None:
                if annotation is not None:
                    message.add_annotation(plugin_name, annotation)

            def failed(_message: Any, err: BaseException) -> None:
                app.transcript.add_error(
                    f"{plugin_name} annotator failed: {type(err).__name__}: {err}")

            def full(bound: int) -> None:
                app.transcript.add_error(
                    f"{plugin_name} annotator {name} has {bound} messages waiting: new "
                    "messages get no label from it until it catches up")

            def slow() -> None:
                app.report_once(f"{plugin_name} annotator {name} has taken over "
                                f"{ANNOTATOR_SLOW_S:.0f} s on a message; later messages wait "
                                "for it")

            self.queues[key] = MessageQueue(
                f"{plugin_name}-{name}", annotator.annotate, self._post, on_done=done,
                on_error=failed, on_full=full, on_slow=slow, slow_after_s=ANNOTATOR_SLOW_S,
                on_waiting=self._waiting(":".join(key), f"{plugin_name} {name}"),
                stop=self.stop)
        return self.queues[key]

    def _listener_queue(self, plugin_name: str, listener: Any) -> MessageQueue:
        key = ("listener", plugin_name, str(id(listener)))
        if key not in self.queues:
            app = self.app

            def done(_tag: Any, _result: Any) -> None:
                app.show_indicators()

            def failed(_tag: Any, err: BaseException) -> None:
                app.report_once(f"{plugin_name} listener failed: {type(err).__name__}: {err}")
                app.show_indicators()

            def full(bound: int) -> None:
                app.transcript.add_error(
                    f"{plugin_name} has {bound} messages waiting: new messages are not "
                    "passed to it until it catches up")

            self.queues[key] = MessageQueue(
                f"{plugin_name}-listener", listener.hear, self._post, on_done=done,
                on_error=failed, on_full=full,
                on_waiting=self._waiting(":".join(key), plugin_name), stop=self.stop)
        return self.queues[key]
