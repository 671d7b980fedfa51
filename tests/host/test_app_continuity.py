"""What the app keeps between runs, in the home's SQLite (#24 item 3, item 6's panel)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from fakes import EchoPlugin, record
from helpers import wait_for

from textseq_tui.app.main import TextseqApp
from textseq_tui.app.side_panel import SidePanel
from textseq_tui.conversation import PAGE, Conversation, StoredLabel
from textseq_tui.host import Host


def echo_host(home) -> Host:
    return Host(home=home, device="cpu", records=[record(EchoPlugin())])


async def send(pilot, text: str) -> None:
    await pilot.press(*text, "enter")


async def test_the_conversation_and_its_labels_come_back(home) -> None:
    app = TextseqApp(echo_host(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.restored)
        await send(pilot, "good day")
        await send(pilot, "/echo hi")
        stored = Conversation(lambda: app.host.store)
        await wait_for(pilot, lambda: [(e.kind, e.text) for e in stored.page()] == [
            ("user", "good day"), ("command", "/echo hi"), ("answer", "echo: hi")])
        await wait_for(pilot, lambda: stored.page()[0].labels)
    app = TextseqApp(echo_host(home))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.restored)
        entries = app.transcript.entries()
        assert "you: good day  [8 chars]" in entries
        assert "/echo hi" in entries and "echo: hi" in entries


async def test_what_no_longer_renders_shows_as_plain_text(home) -> None:
    host = echo_host(home)
    stored = Conversation(lambda: host.store)
    stored.append("user", "bad [b]markup[/", [StoredLabel("gone-plugin", "mood: [grey]",
                                                           [(0, 3, "not a style at all", "")]),
                                              StoredLabel("echo", "x", [(0, 3, "bold ???", "")])])
    stored.append("answer", "[bold]unclosed [/italic] markup")
    host.store.db.conn.execute("UPDATE conversation SET labels = '{nope' WHERE id = 2")
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.restored)
        entries = app.transcript.entries()
        assert "you: bad [b]markup[/  [x]  [mood: [grey]]" in entries  # installed first
        assert "[bold]unclosed [/italic] markup" in entries


async def test_keep_conversation_false_keeps_none(home) -> None:
    (home / "settings.json").write_text(json.dumps({"keep_conversation": False}))
    host = echo_host(home)
    Conversation(lambda: host.store).append("user", "from before")
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.restored)
        assert not any("from before" in e for e in app.transcript.entries())
        await send(pilot, "not kept")
        await wait_for(pilot, lambda: any("[8 chars]" in e for e in app.transcript.entries()))
        await pilot.press("up")
        assert app.chat_input.value == "not kept"  # this run's lines are still recalled
    rows = sqlite3.connect(home / "textseq.db").execute("SELECT text FROM conversation")
    assert [r[0] for r in rows] == ["from before"]


async def test_clear_forgets_the_stored_conversation_and_is_in_help(home) -> None:
    host = echo_host(home)
    Conversation(lambda: host.store).append("user", "secret plans")
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.restored)
        assert any("secret plans" in e for e in app.transcript.entries())
        await send(pilot, "/help")
        await wait_for(pilot, lambda: any("/clear" in e and "forget" in e
                                          for e in app.transcript.entries()))
        await send(pilot, "/clear")
        await wait_for(pilot, lambda: any("conversation cleared: 2 stored" in e
                                          for e in app.transcript.entries()))
        assert not any("secret plans" in e for e in app.transcript.entries())
        await pilot.press("up")
        assert app.chat_input.value == ""
    assert Conversation(lambda: host.store).page() == []


@pytest.mark.parametrize("damage", ["missing", "other columns", "bad rows"])
async def test_a_damaged_or_missing_table_never_stops_the_app(home, damage) -> None:
    host = echo_host(home)
    conn = host.store.db.conn
    conn.execute("DROP TABLE conversation")
    if damage == "other columns":
        conn.execute("CREATE TABLE conversation (something TEXT)")
    if damage == "bad rows":
        conn.execute("CREATE TABLE conversation (id INTEGER PRIMARY KEY, at, kind, text, "
                     "labels)")
        conn.execute("INSERT INTO conversation VALUES (1, 'when', 7, X'00ff', '[1, {}]')")
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.restored)
        await send(pilot, "still here")
        await send(pilot, "and again")
        await wait_for(pilot, lambda: any("[9 chars]" in e for e in app.transcript.entries()))
        notes = [e for e in app.transcript.entries() if "conversation" in e]
        if damage == "bad rows":
            assert notes == [] and len(app.transcript.entries()) >= 4
        else:
            assert len(notes) == 1, notes  # said once, whatever else happens


async def test_only_the_last_page_is_read_and_scrolling_up_brings_more(home) -> None:
    host = echo_host(home)
    with host.store.write() as db:
        db.conn.executemany("INSERT INTO conversation (at, kind, text, labels) VALUES "
                            "(0, 'user', ?, '[]')", [(f"m{i}",) for i in range(PAGE * 2 + 50)])
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.restored)
        shown = [e for e in app.transcript.entries() if e.startswith("you: m")]
        assert shown and shown[-1] == f"you: m{PAGE * 2 + 49}"  # the newest at once
        await wait_for(pilot, lambda: app.transcript.oldest_shown is not None)
        shown = [e for e in app.transcript.entries() if e.startswith("you: m")]
        assert len(shown) == PAGE  # then the rest of the page, never more
        app.transcript.scroll_home(animate=False)
        await wait_for(pilot, lambda: sum(e.startswith("you: m")
                                          for e in app.transcript.entries()) == 2 * PAGE)
        # the view stays where it was, the older ones above it
        await wait_for(pilot, lambda: app.transcript.scroll_y > 0)
        app.transcript.scroll_home(animate=False)
        await wait_for(pilot, lambda: "you: m0" in app.transcript.entries())


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_side_panel_starts_hidden_when_narrow_and_comes_back_as_left(home, size
                                                                               ) -> None:
    app = TextseqApp(echo_host(home))
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.restored)
        panel = app.query_one(SidePanel)
        assert panel.display == (size[0] >= 100)
        await pilot.press("ctrl+b")
        assert panel.display == (size[0] < 100)
        await app.workers.wait_for_complete()
    app = TextseqApp(echo_host(home))
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: app.restored)
        assert app.query_one(SidePanel).display == (size[0] < 100)


def test_a_huge_history_is_read_only_as_far_as_it_is_shown(home) -> None:
    from textseq_tui.conversation import MAX_TEXT_READ

    host = echo_host(home)
    stored = Conversation(lambda: host.store)
    big = "word " * 400_000  # a 2 MB paste
    with host.store.write() as db:
        db.conn.executemany("INSERT INTO conversation (at, kind, text, labels) VALUES "
                            "(0, 'user', ?, '[]')", [(big,)] * 30)
    plan = " ".join(row[-1] for row in host.store.db.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM conversation ORDER BY id DESC LIMIT 201"))
    assert "SCAN conversation" in plan and "TEMP B-TREE" not in plan  # by the key, no sort
    page = stored.page()
    assert len(page) == 30 and all(len(e.text) == MAX_TEXT_READ for e in page)
    assert all(len(t) == MAX_TEXT_READ for t in stored.recent_inputs())
