"""No chat message is dropped (issue 31, item 3): while another process holds the
database's write lock (a long ``learn`` used to hold it for 40 s: here a held ``BEGIN
IMMEDIATE``, with the busy timeout shortened), every one of 50 messages sent in the app
is learned by the autocomplete history and scored by the sentiment annotator once the lock
frees, in the order sent; the status line says the database is busy meanwhile. Also the
queue's bound: at it a message is refused for that plugin and the user is told once."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from helpers import wait_for

REPO = Path(__file__).resolve().parents[2]
N = 50


@pytest.fixture
def two_plugins(home, monkeypatch):
    if not (REPO / "models" / "sentiment-enet" / "card.json").exists():
        pytest.skip("no shipped sentiment model")
    import textseq_tui.store as store_module

    monkeypatch.setenv("TEXTSEQ_LOAD_PLUGINS", "autocomplete,sentiment")
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 200)  # "database is locked" soon
    from textseq_tui.host import Host

    host = Host(home=home, device="cpu")
    assert {p.name for p in host.plugins} == {"autocomplete", "sentiment"}
    for plugin in host.plugins:  # tables made, model loaded: only the lock is in the way
        plugin.context.store.table_name("x")
    host.plugin("sentiment").scorer().explain("warm up")
    return host


async def test_fifty_messages_under_a_held_write_lock_are_all_learned_and_scored_in_order(
        two_plugins, home) -> None:
    from textseq_tui.app.main import TextseqApp

    host = two_plugins
    blocker = sqlite3.connect(home / "textseq.db", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # what a long learn's transaction did
    texts = [f"message {i} was lovely and then awful number{i}" for i in range(N)]
    app = TextseqApp(host)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            for text in texts:
                app.chat_input.value = text
                await pilot.press("enter")
            assert await wait_for(pilot, lambda: any("database is busy" in s
                                                     for s in app._busy.values()), 10)
            await pilot.pause(1.0)  # the plugins keep retrying against the held lock
            store = host.plugin("autocomplete").context.store
            assert store.execute("SELECT count(*) FROM autocomplete_texts"
                                    ).fetchone()[0] == 0
            blocker.execute("ROLLBACK")  # the long learn ends

            def learned() -> list[str]:
                return [r[0] for r in store.execute(
                    "SELECT text FROM autocomplete_texts ORDER BY id")]

            def scored() -> list[str]:
                return [r[0] for r in store.execute(
                    "SELECT text FROM sentiment_scores WHERE source = 'annotator' "
                    "ORDER BY rowid")]

            assert await wait_for(pilot, lambda: len(learned()) == N
                                  and len(scored()) == N, 60), (len(learned()), len(scored()))
            assert learned() == texts and scored() == texts  # each once, in order
            messages = [m for m in app.transcript.query("Message") if m.kind == "user"]
            assert await wait_for(pilot, lambda: all(
                any(src == "sentiment" for src, _ in m.annotations) for m in messages), 10)
            assert [m.raw for m in messages] == texts
            assert await wait_for(pilot, lambda: not any("database is busy" in s
                                                         for s in app._busy.values()), 10)
            assert not [e for e in app.transcript.entries() if e.startswith("!")]
    finally:
        blocker.close()


def test_a_full_queue_refuses_new_messages_for_that_plugin_and_says_so_once() -> None:
    from textseq_tui.app.message_queues import MessageQueue

    gate, told, heard = threading.Event(), [], []

    def hear(text: str) -> None:
        gate.wait(10)
        heard.append(text)

    q = MessageQueue("slow", hear, lambda fn, *a: fn(*a), on_full=told.append, bound=3)
    accepted = [q.put(None, f"m{i}") for i in range(8)]
    # one is being delivered, three wait: the rest are refused, the user told once
    assert accepted.count(False) >= 4 and told == [3]
    gate.set()
    deadline = threading.Event()
    for _ in range(100):
        if len(heard) == accepted.count(True):
            break
        deadline.wait(0.05)
    assert heard == [f"m{i}" for i, ok in enumerate(accepted) if ok]
    assert q.put(None, "after") and told == [3]  # room again: taken, nothing more said


def test_a_busy_database_is_retried_and_other_errors_are_reported() -> None:
    from textseq_tui.app.message_queues import MessageQueue
    from textseq_tui.errors import StoreBusy

    calls, done, errors, waiting = [], [], [], []

    def hear(text: str) -> str:
        calls.append(text)
        if text == "busy" and calls.count("busy") < 3:
            raise sqlite3.OperationalError("database is locked")
        if text == "busy2" and calls.count("busy2") < 2:
            raise StoreBusy("busy")
        if text == "bug":
            raise ValueError("a plugin bug")
        return text.upper()

    q = MessageQueue("q", hear, lambda fn, *a: fn(*a), on_done=lambda t, r: done.append(r),
                     on_error=lambda t, e: errors.append(str(e)),
                     on_waiting=lambda w, n: waiting.append(w))
    for text in ("a", "busy", "bug", "busy2", "b"):
        q.put(None, text)
    for _ in range(200):
        if len(done) + len(errors) == 5:
            break
        threading.Event().wait(0.02)
    assert done == ["A", "BUSY", "BUSY2", "B"] and errors == ["a plugin bug"]
    assert waiting == [True, False, True, False]
