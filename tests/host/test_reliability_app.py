"""Plugins misbehaving inside the app (Textual Pilot): raising in a screen worker, hanging in
a command, an annotator or a completion provider, raising in a capability method.

The app must stay usable (typing works, other plugins' commands answer, quitting works) and
show each error once, naming the plugin. ``tests/host/test_app.py`` already covers plugins
failing to import/start, a raising command and annotator, and one hanging command.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fakes import RaisesInAnnotator
from helpers import wait_for
from textual import work
from textual.screen import Screen
from textual.widgets import Static

from textseq_tui.app.main import TextseqApp
from textseq_tui.discovery import PluginRecord
from textseq_tui.host import Host
from textseq_tui.plugin import (
    Annotation,
    CommandResult,
    OpenScreen,
    Plugin,
    ScreenSpec,
    SlashCommand,
)

# Released at the end of every test, so hung plugin threads finish. An async fixture: its
# teardown runs before the test's event loop closes (a loop joining a hung thread at close
# would hang the suite instead of failing the test).
RELEASE = threading.Event()
HANG_S = 30.0  # a "hang" ends by itself after this, whatever happens


@pytest.fixture(autouse=True)
async def _release_hung_plugins() -> AsyncIterator[None]:
    RELEASE.clear()
    yield
    RELEASE.set()
    LOADED.set()


class Healthy(Plugin):
    """A plugin that works: /ping, a one-word annotator, ghost text for "hello world"."""

    name = "healthy"

    def slash_commands(self):
        return [SlashCommand("ping", "answers pong", lambda a, c: CommandResult(text=f"pong {a}"))]

    def annotators(self):
        class Length:
            name = "length"

            def annotate(self, text: str) -> Annotation:
                return Annotation(label=f"len={len(text)}")

        return [Length()]


class BrokenScreen(Screen):
    """A plugin screen whose thread worker raises, as a model load gone wrong would."""

    def compose(self):
        yield Static("loading…")

    def on_mount(self) -> None:
        self.load_model()

    @work(thread=True)
    def load_model(self) -> None:
        raise RuntimeError("weights file vanished")


class ScreenWorkerRaises(Plugin):
    name = "crashy-screen"

    def slash_commands(self):
        return [SlashCommand("crashy", "opens a screen whose worker fails",
                             lambda a, c: CommandResult(open_screen=OpenScreen("board")))]

    def screens(self):
        return [ScreenSpec("board", "Crashy board", lambda ctx, **kw: BrokenScreen())]


class HangingAnnotator(Plugin):
    name = "stuck-annotator"

    def annotators(self):
        class Stuck:
            name = "stuck"

            def annotate(self, text: str) -> Annotation | None:
                RELEASE.wait(HANG_S)
                return None

        return [Stuck()]


class HangingProvider(Plugin):
    name = "stuck-provider"

    def completion_provider(self):
        class Stuck:
            def suggest(self, text: str) -> str | None:
                RELEASE.wait(HANG_S)
                return None

        return Stuck()


class SlowToLoad(Plugin):
    """A provider whose first call loads a model (until ``LOADED`` is set), as the char model
    does on the first keystroke; afterwards it completes "good mor" with "ning"."""

    name = "slow-provider"

    def completion_provider(self):
        class Loading:
            def suggest(self, text: str) -> str | None:
                LOADED.wait(HANG_S)
                return "ning" if text.endswith("good mor") else None

        return Loading()


LOADED = threading.Event()


class RaisingCapability(Plugin):
    """``annotators()`` itself raises (a bug in the plugin object, not in a model)."""

    name = "raising-capability"

    def annotators(self):
        raise AttributeError("'NoneType' object has no attribute 'model'")


def _record(plugin: Plugin) -> PluginRecord:
    return PluginRecord(name=plugin.name, dist="tests", version="0",
                        value=f"tests:{plugin.name}", plugin=plugin)


def make_app(home: Path, *plugins: Plugin) -> TextseqApp:
    return TextseqApp(Host(home=home, device="cpu",
                           records=[_record(Healthy()), *(_record(p) for p in plugins)]))


async def type_line(pilot, text: str) -> None:
    await pilot.press(*text)
    await pilot.press("enter")


def errors_naming(app: TextseqApp, name: str) -> list[str]:
    return [e for e in app.transcript.entries() if e.startswith("!") and name in e]


async def test_raising_annotator_error_is_shown_once_per_message_with_its_name(home) -> None:
    app = make_app(home, RaisesInAnnotator())
    async with app.run_test(size=(80, 24)) as pilot:
        await type_line(pilot, "first message")
        assert await wait_for(pilot, lambda: any("[len=13]" in e
                                                 for e in app.transcript.entries()))
        assert await wait_for(pilot, lambda: errors_naming(app, "bad-annotator"))
        await pilot.pause(0.2)
        errors = errors_naming(app, "bad-annotator")
        assert len(errors) == 1 and "ValueError" in errors[0], errors
        await type_line(pilot, "/ping again")
        assert await wait_for(pilot, lambda: "pong again" in app.transcript.entries())


async def test_an_answer_that_is_not_valid_markup_is_shown_as_typed(home) -> None:
    # /ping echoes its argument unescaped; "[a=|b[/]" is not valid Textual markup (a model's
    # generated text produced such a string and took the app down). It is shown as it is.
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_line(pilot, "/ping ROMEO:[a=|b[/]")
        assert await wait_for(pilot, lambda: "pong ROMEO:[a=|b[/]" in app.transcript.entries())
        await type_line(pilot, "/ping after")
        assert await wait_for(pilot, lambda: "pong after" in app.transcript.entries())


async def test_typing_stays_live_while_a_completion_provider_hangs(home) -> None:
    app = make_app(home, HangingProvider())
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one("#input")
        await pilot.press(*"so")
        t0 = time.monotonic()
        await pilot.press(*"me words")
        assert chat.value == "some words" and time.monotonic() - t0 < 5.0
        chat.value = ""
        await type_line(pilot, "/ping typed")
        assert await wait_for(pilot, lambda: "pong typed" in app.transcript.entries())


async def test_keys_typed_while_the_model_loads_get_ghost_text_without_another_key(home) -> None:
    LOADED.clear()
    app = make_app(home, SlowToLoad())
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one("#input")
        await pilot.press(*"good mor")  # the first key starts the load; the rest queue
        await pilot.pause(0.3)
        assert chat.ghost == ""
        LOADED.set()  # the model is ready: the newest keystroke's question is answered
        assert await wait_for(pilot, lambda: chat.ghost == "ning"), chat.ghost
        assert chat.value == "good mor"


async def test_a_hanging_annotator_leaves_the_message_and_other_annotators_working(home) -> None:
    app = make_app(home, HangingAnnotator())
    async with app.run_test(size=(80, 24)) as pilot:
        await type_line(pilot, "hello")
        assert await wait_for(pilot, lambda: any("you: hello" in e and "[len=5]" in e
                                                 for e in app.transcript.entries()))
        await type_line(pilot, "/ping still here")
        assert await wait_for(pilot, lambda: "pong still here" in app.transcript.entries())


async def test_many_messages_to_a_hanging_annotator_do_not_starve_commands(home) -> None:
    app = make_app(home, HangingAnnotator())
    async with app.run_test(size=(80, 24)) as pilot:
        for i in range(10):
            await type_line(pilot, f"message {i}")
        await type_line(pilot, "/ping after ten")
        assert await wait_for(pilot, lambda: "pong after ten" in app.transcript.entries(), 4)


async def test_typing_a_sentence_to_a_hanging_provider_does_not_starve_commands(home) -> None:
    app = make_app(home, HangingProvider())
    async with app.run_test(size=(80, 24)) as pilot:
        chat = app.query_one("#input")
        await pilot.press(*"a longer sentence")
        await pilot.pause(0.2)
        chat.value = ""
        await type_line(pilot, "/ping late")
        assert await wait_for(pilot, lambda: "pong late" in app.transcript.entries(), 4)


async def test_a_screen_worker_raising_is_reported_once_and_the_app_goes_on(home) -> None:
    app = make_app(home, ScreenWorkerRaises())
    async with app.run_test(size=(80, 24)) as pilot:
        await type_line(pilot, "/crashy")
        assert await wait_for(pilot, lambda: errors_naming(app, "crashy-screen"))
        await pilot.pause(0.2)
        assert len(errors_naming(app, "crashy-screen")) == 1
        assert "weights file vanished" in errors_naming(app, "crashy-screen")[0]
        assert len(app.screen_stack) == 1 and app.is_running
        await type_line(pilot, "/ping survived")
        assert await wait_for(pilot, lambda: "pong survived" in app.transcript.entries())


async def test_a_raising_capability_method_is_shown_once_with_the_plugin_name(home) -> None:
    app = make_app(home, RaisingCapability())
    async with app.run_test(size=(80, 24)) as pilot:
        await type_line(pilot, "one")
        await type_line(pilot, "two")
        assert await wait_for(pilot, lambda: sum("[len=3]" in e
                                                 for e in app.transcript.entries()) == 2)
        assert len(errors_naming(app, "raising-capability")) == 1


QUIT_WITH_A_HUNG_COMMAND = """
import sys, threading, time
from textseq_tui.app.main import TextseqApp
from textseq_tui.discovery import PluginRecord
from textseq_tui.host import Host
from textseq_tui.plugin import Plugin, SlashCommand

STARTED = threading.Event()

def hang(args, ctx):
    STARTED.set()
    time.sleep(12)

class Hangs(Plugin):
    name = "hangs"
    def slash_commands(self):
        return [SlashCommand("hang", "never answers", hang)]

host = Host(home=sys.argv[1], device="cpu",
            records=[PluginRecord("hangs", "tests", "0", "tests:hangs", plugin=Hangs())])

async def auto(pilot):
    await pilot.pause(0.2)
    await pilot.press(*"/hang", "enter")
    for _ in range(200):  # quit only once the plugin is really stuck in its command
        if STARTED.is_set():
            break
        await pilot.pause(0.05)
    print("quit" if STARTED.is_set() else "never started", flush=True)
    await pilot.press("ctrl+q")

TextseqApp(host).run(headless=True, auto_pilot=auto)
print("exited", flush=True)
"""


def test_ctrl_q_exits_promptly_while_a_plugin_command_hangs(home) -> None:
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(QUIT_WITH_A_HUNG_COMMAND),
                             str(home)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        started = None
        for line in proc.stdout:
            if line.strip() == "quit":
                started = time.monotonic()
                break
        assert started is not None, proc.stderr.read() if proc.stderr else ""
        proc.wait(timeout=8)  # the hung command would take 12 s more
        assert time.monotonic() - started < 6
    finally:
        proc.kill()
        proc.wait()

