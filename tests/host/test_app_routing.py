"""Text goes only where it was sent (#24 item 2): Enter in any screen's own input reaches
that screen alone, never the chat, an annotator, a listener or the personal history. Every
screen the host knows is opened from the palette, typed into and left; then the chat and
every table of the home's database are searched for what was typed."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from fakes import record
from helpers import wait_for
from textual.app import ComposeResult
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets import Input, TextArea

from textseq_tui.app.main import TextseqApp
from textseq_tui.discovery import discover
from textseq_tui.host import Host
from textseq_tui.plugin import Annotation, Plugin, ScreenSpec

#: What each screen gets typed (with the screen's number after it).
SECRET = "zqxroute"


class _BoardScreen(Screen):
    """A third party's screen: an answer box and a notes editor of its own."""

    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Input(id="answer")
        yield TextArea(id="notes")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.answered = event.value  # the screen gets its own Enter


class ThirdParty(Plugin):
    name = "board"

    def screens(self):
        return [ScreenSpec("board", "Board of a third party", lambda ctx, **kw: _BoardScreen())]

    def annotators(self):
        class Count:
            name = "count"

            def annotate(self, text: str) -> Annotation:
                return Annotation(label=f"{len(text)} chars")

        return [Count()]


@pytest.fixture
def every_plugin_host(home) -> Host:
    return Host(home=home, device="cpu", records=[*discover(), record(ThirdParty())])


async def open_from_palette(pilot: Any, title: str) -> Screen:
    """Ctrl+P, the title, Enter: the screen it opens."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*title)

    def first_hit_is_ours() -> bool:
        hits = app.screen.query_one(CommandList)
        return hits.highlighted == 0 and title in str(hits.get_option_at_index(0).prompt)

    await wait_for(pilot, first_hit_is_ours, what=f"the palette offers {title!r}")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette)
                   and app.screen is not app.screen_stack[0], what=f"{title} opens")
    return app.screen


def stored_text(home: Any) -> str:
    """Every value of every table of the home's database, as one string."""
    conn = sqlite3.connect(home / "textseq.db")
    out = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        out += [repr(row) for row in conn.execute(f'SELECT * FROM "{table}"')]
    conn.close()
    return "\n".join(out)


def is_text(widget: Any) -> bool:
    return isinstance(widget, Input) or (isinstance(widget, TextArea) and not widget.read_only)


async def use_with_keys(pilot: Any, screen: Screen, text: str) -> list[str]:
    """F1 and Esc, then Tab through the screen: ``text`` and Enter in each text input met
    (``?`` and ``hjkl`` in it must be typed); returns what was typed."""
    app = pilot.app
    await pilot.press("f1")
    await wait_for(pilot, lambda: app.screen is not screen, what="F1 opens the keys")
    assert any("Esc" in key for key, _ in app.screen.rows), "every screen says how to leave"
    await pilot.press("escape")
    await wait_for(pilot, lambda: app.screen is screen)
    typed, seen = [], []
    for _ in range(len(screen.focus_chain) + 1):
        widget = app.focused
        if is_text(widget) and widget not in seen:
            seen.append(widget)
            typed.append(f"{text}{len(typed)}")
            await pilot.press(*typed[-1])
            shown = widget.value if isinstance(widget, Input) else widget.text
            # a typing test's box hands every key to its test and stays empty
            assert typed[-1] in shown or (shown == "" and type(widget).__name__ == "TypingInput")
            await pilot.press("enter")
        elif widget is not None and not is_text(widget):
            await pilot.press("j", "k")  # a list's cursor (or the nearest button) and back
        await pilot.press("tab")
    return typed


async def test_every_screen_by_keys_alone_keeps_its_text_to_itself(every_plugin_host, home
                                                                    ) -> None:
    """The keyboard walkthrough: each screen the host knows (built-in, the host's own and a
    third party's) is opened from the palette, its keys shown (F1), its inputs typed into
    and Entered, and left with Esc; then neither the chat nor any table of the database
    holds what a screen was given (a typing session's text alone is learned, by design)."""
    host = every_plugin_host
    titles = [spec.title for _, spec in host.screens()] + ["Training runs"]
    assert len(titles) >= 10  # every built-in screen, the host's own and the third party's
    typed: dict[str, list[str]] = {}
    app = TextseqApp(host)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.restored)
        for number, title in enumerate(titles):
            screen = await open_from_palette(pilot, title)
            await app.workers.wait_for_complete()  # a screen's inputs may come with its data
            typed[title] = await use_with_keys(pilot, screen, f"{SECRET}{number}?hjkl")
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is app.screen_stack[0],
                           what=f"back from {title}")
            assert app.focused is app.chat_input
        await pilot.press(*"a real message", "enter")
        await wait_for(pilot, lambda: any("chars]" in e for e in app.transcript.entries()))
        await app.workers.wait_for_complete()
        chat = "\n".join(app.transcript.entries())
    assert "a real message" in chat and SECRET not in chat
    assert typed["Sentiment meter"] and typed["Board of a third party"] == [
        f"{SECRET}{titles.index('Board of a third party')}?hjkl{k}" for k in (0, 1)]
    stored = stored_text(home)
    assert "a real message" in stored  # the chat's own message is kept (and learned)
    for title, texts in typed.items():
        if title == "Typing session":
            continue  # a typing session's text is learned (learning is on): that is its job
        for text in texts:
            assert text not in stored, f"{title}: its text reached the database"


async def test_enter_in_a_screens_input_reaches_that_screen_alone(home) -> None:
    host = Host(home=home, device="cpu", records=[record(ThirdParty())])
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_palette(pilot, "Board of a third party")
        await pilot.press(*"my answer", "enter")
        await wait_for(pilot, lambda: getattr(screen, "answered", None) == "my answer")
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)
        assert not any("my answer" in e for e in app.transcript.entries())
    assert "my answer" not in stored_text(home)
