"""The app's side of the stored conversation (``textseq_tui.conversation``).

Writes go in order on one daemon thread (a message's labels after the message itself),
never on the UI loop; reads run in the app's thread workers. Nothing here stops the app: a
damaged or missing table, a damaged database, a read-only home each become one line in the
transcript (``report``), and the conversation starts empty; a database busy with another
process's write is waited for (as the chat's listeners wait), never reported. ``"keep_conversation": false``
in settings keeps nothing: no reads, no writes.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from textseq_tui.app.message_queues import RETRY_PAUSES_S, is_busy
from textseq_tui.conversation import PAGE, Conversation, Entry, StoredLabel


class Ticket:
    """A stored entry being written: ``id`` is set once its row is in the table."""

    __slots__ = ("id",)

    def __init__(self) -> None:
        self.id: int | None = None


class ConversationKeeper:
    """Keeps the conversation of ``host`` when ``enabled``; ``report(text)`` is called on
    the UI loop (through ``post``) for each problem, once."""

    def __init__(self, host: Any, enabled: bool, post: Callable[..., None],
                 report: Callable[[str], None]) -> None:
        self.enabled = enabled
        self.conversation = Conversation(lambda: host.store)
        self._post = post
        self._report = report
        self._writes: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._broken = False  # a write failed: the rest of this run is not kept
        self._closing = False
        #: the newest entry of earlier runs: what start-up shows is up to it, so a message
        #: sent (and stored) before the restore has read is not shown or recalled twice
        self._earlier_last: int | None = None
        self._earlier_lock = threading.Lock()

    def _earlier_runs_end(self) -> int:
        """Fixed by whichever comes first: the restore's read or this run's first write."""
        with self._earlier_lock:
            if self._earlier_last is None:
                self._earlier_last = self.conversation.last_id()
            return self._earlier_last

    # -- reads (blocking: from a worker thread) -------------------------------------------

    def load_start(self) -> tuple[list[Entry], list[str], bool]:
        """The last page of entries, the lines sent (for Up/Down) and whether older entries
        are stored; empty when not kept or not readable (said once)."""
        if not self.enabled:
            return [], [], False
        try:
            end = self._earlier_runs_end() + 1
            entries = self.conversation.page(end, limit=PAGE + 1)
            inputs = self.conversation.recent_inputs(before=end)
        except Exception as err:  # noqa: BLE001 — never stops the app: said once
            self._broken = True  # writes would fail the same way: one line says it all
            self._problem("the stored conversation could not be read (this run starts "
                          "empty and is not kept)", err)
            return [], [], False
        if self.conversation.recreated:
            self._post(self._report, "the stored conversation was missing: starting a new one")
        more = len(entries) > PAGE
        return entries[-PAGE:], inputs, more

    def load_older(self, before: int) -> tuple[list[Entry], bool]:
        """The page of entries before the entry ``before``, and whether older ones remain."""
        if not self.enabled:
            return [], False
        try:
            entries = self.conversation.page(before, limit=PAGE + 1)
        except Exception as err:  # noqa: BLE001 — never stops the app: said once
            self._problem("older messages could not be read", err)
            return [], False
        return entries[-PAGE:], len(entries) > PAGE

    def clear(self) -> int:
        """Delete the stored conversation (waits for the writes before it)."""
        done = threading.Event()
        result: list[int] = []

        def delete() -> None:
            try:
                result.append(self.conversation.clear())
            finally:
                done.set()

        if not self.enabled:
            return 0
        self._write(delete)
        done.wait(30.0)
        return result[0] if result else 0

    # -- writes (from the UI loop: queued) -------------------------------------------------

    def add(self, kind: str, text: str) -> Ticket | None:
        """Queue an entry to be stored; its ticket gets the id."""
        if not self.enabled or self._broken:
            return None
        ticket = Ticket()

        def insert() -> None:
            self._earlier_runs_end()
            ticket.id = self.conversation.append(kind, text)

        self._write(insert)
        return ticket

    def label(self, ticket: Ticket | None, labels: list[StoredLabel]) -> None:
        """Queue the labels of the entry of ``ticket`` (after its insert)."""
        if ticket is None or not self.enabled or self._broken:
            return

        def update() -> None:
            if ticket.id is not None:
                self.conversation.set_labels(ticket.id, labels)

        self._write(update)

    def close(self) -> None:
        """Stop the writer once the queued writes are done (it is a daemon: never waited)."""
        self._closing = True
        self._writes.put(None)

    def _write(self, job: Callable[[], None]) -> None:
        self._writes.put(job)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True,
                                            name="textseq-conversation")
            self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._writes.get()
            if job is None:
                return
            if self._broken:
                continue
            attempt = 0
            while True:
                try:
                    job()
                    break
                except Exception as err:  # noqa: BLE001 — never stops the app: said once
                    if is_busy(err) and not self._closing:
                        # another process holds the write lock: wait, as the chat's
                        # listeners do, so the conversation stays whole and in order
                        time.sleep(RETRY_PAUSES_S[min(attempt, len(RETRY_PAUSES_S) - 1)])
                        attempt += 1
                        continue
                    self._broken = True
                    self._problem("the conversation could not be stored (this run's "
                                  "messages are not kept)", err)
                    break

    def _problem(self, what: str, err: BaseException) -> None:
        self._post(self._report, f"{what}: {err}; the app goes on without it")
