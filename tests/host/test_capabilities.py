"""Every plugin capability is documented in the README and exercised by a host test.

Like datasette's test_plugin_hooks_are_documented / _have_tests: adding a capability to the
API without docs or a test fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes import EchoPlugin, record
from helpers import wait_for, wait_until_quiet
from textual.screen import Screen
from textual.widgets import Static

from textseq_tui.app.main import TextseqApp
from textseq_tui.host import Host
from textseq_tui.plugin import (
    CAPABILITIES,
    CommandResult,
    ModelSpec,
    OpenScreen,
    Plugin,
    ScreenSpec,
    SlashCommand,
)
from textseq_tui.registry import ModelRegistry, new_card

REPO = Path(__file__).resolve().parents[2]
HOST_TESTS = Path(__file__).resolve().parent


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_capability_is_documented(capability: str) -> None:
    assert f"`{capability}(" in (REPO / "README.md").read_text()


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_capability_has_a_test(capability: str) -> None:
    others = [p for p in HOST_TESTS.glob("*.py") if p.name != Path(__file__).name]
    assert any(capability in p.read_text() for p in others + [Path(__file__)]
               if p.name != "fakes.py"), capability


class HelloScreen(Screen):
    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def __init__(self, who: str = "world") -> None:
        super().__init__()
        self.who = who

    def compose(self):
        yield Static(f"hello {self.who}", id="greeting")


class ScreenPlugin(Plugin):
    name = "screeny"

    def screens(self):
        return [ScreenSpec("hello", "Hello screen", lambda ctx, **kw: HelloScreen(**kw))]

    def slash_commands(self):
        return [SlashCommand("greet", "open the hello screen", lambda args, ctx: CommandResult(
            text="opening", open_screen=OpenScreen("hello", {"who": args})))]


class ModelPlugin(Plugin):
    name = "modelly"

    def model_specs(self):
        return [ModelSpec("words", lambda path, device: (path / "words.txt").read_text().split(),
                          default="words-default", uses_device=False)]


async def test_screens_open_from_a_command_and_the_palette(home) -> None:
    host = Host(home=home, device="cpu", records=[record(ScreenPlugin()), record(EchoPlugin())])
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"/greet Ada", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, HelloScreen), what="/greet's screen")
        assert app.screen.who == "Ada"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelloScreen), what="back")
        app.open_screen("screeny", "hello", who="palette")
        await wait_for(pilot, lambda: isinstance(app.screen, HelloScreen), what="the screen")
        assert app.screen.who == "palette"


def test_model_specs_teach_the_registry_a_kind(home) -> None:
    ModelRegistry(home / "models").save(
        new_card(name="words-default", plugin="modelly", kind="words"),
        {"words.txt": b"alpha beta"})
    host = Host(home=home, device="cpu", records=[record(ModelPlugin())])
    assert host.registry.default_name("words") == "words-default"
    first = host.registry.load("words-default")
    assert first == ["alpha", "beta"] and host.registry.load("words-default") is first
    assert host.registry.loaded() == ["words-default (cpu)"]
    # a device-free kind never resolves "auto" (which would import torch)
    host.registry.device = "no-such-device"
    host.registry.forget("words-default")
    assert host.registry.load("words-default") == ["alpha", "beta"]


class WarmPlugin(Plugin):
    name = "warm"

    def __init__(self, fail: bool = False) -> None:
        super().__init__()
        self.fail = fail
        self.warmed = 0

    def warmup(self) -> None:
        self.warmed += 1
        if self.fail:
            raise OSError("weights missing")


async def test_warmup_runs_once_after_first_paint_and_failures_are_reported(home, monkeypatch):
    monkeypatch.setenv("TEXTSEQ_WARMUP", "1")
    good, bad = WarmPlugin(), WarmPlugin(fail=True)
    bad.name = "cold"
    host = Host(home=home, device="cpu", records=[record(good), record(bad)])
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: any("cold: warmup() failed: OSError" in e
                                          for e in app.transcript.entries()), what="the error")
        await wait_for(pilot, lambda: good.warmed == 1, what="the good warm-up")
        assert good.warmed == 1 and bad.warmed == 1
        assert any("cold: warmup() failed: OSError" in e for e in app.transcript.entries())


async def test_warmup_can_be_turned_off(home) -> None:
    plugin = WarmPlugin()
    app = TextseqApp(Host(home=home, device="cpu", records=[record(plugin)]))
    async with app.run_test(size=(80, 24)) as pilot:
        # after the first paint a warm-up would be started: wait for it, then for the app
        await wait_for(pilot, lambda: app.first_paint_s is not None, what="the first paint")
        await wait_until_quiet(app)
    assert plugin.warmed == 0


class ListenerPlugin(Plugin):
    name = "listener"

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[str] = []
        me = self

        class Ears:
            name = "ears"
            indicator = "listening"

            def hear(self, text: str) -> None:
                me.heard.append(text)

        self.ears = Ears()

    def message_listeners(self):
        return [self.ears]


async def test_message_listeners_hear_plain_messages_only(home) -> None:
    plugin = ListenerPlugin()
    host = Host(home=home, device="cpu", records=[record(plugin), record(EchoPlugin())])
    app = TextseqApp(host)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"hello there", "enter")
        await pilot.press(*"/help", "enter")
        await pilot.press(*"bye", "enter")
        # listeners hear messages in the order sent: once "bye" is heard, so would /help be
        await wait_for(pilot, lambda: "bye" in plugin.heard, what="the listener")
        assert plugin.heard == ["hello there", "bye"]  # not the /command
        assert app.chat_input.border_subtitle == "listening"
