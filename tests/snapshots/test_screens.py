"""Every screen drawn at 80x24 and 120x36 and compared with its reviewed SVG.

A layout regression fails here. When a change to a screen is meant, re-take the pictures
(`bash tests/snapshots/update.sh`), look at them (it writes PNGs), and commit the SVGs.
The pictures are taken with the textual and rich versions pinned in the `test` extra.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import (
    SIZES,
    seed_conversation,
    seed_game_rounds,
    seed_runs,
    seed_typing_sessions,
)
from textual.worker import WorkerCancelled

from textseq_tui.app.main import TextseqApp
from textseq_tui.host import Host

pytestmark = pytest.mark.usefixtures("frozen_clocks")


async def settle(pilot: Any, ready: Callable[[Any], bool], timeout: float = 90.0) -> None:
    """Wait until ``ready(screen)`` holds and no worker is running, then let it paint."""
    app = pilot.app
    for _ in range(int(timeout / 0.1)):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # an exclusive worker replaced by a newer one (a detail pane's): normal
        await pilot.pause(0.1)
        if ready(app.screen) and not any(w.is_running for w in app.workers):
            for editor in app.screen.query("Input, TextArea"):
                editor.cursor_blink = False  # a blinking cursor is on or off by chance
                # TextArea caches lines under one key for "blink phase off" and "no blink":
                # a line cached with the cursor hidden would be reused without it.
                cache = getattr(editor, "_line_cache", None)
                if cache is not None:
                    cache.clear()
                editor.refresh()
            await pilot.pause(0.1)
            return
    raise AssertionError(f"{type(app.screen).__name__} did not settle in {timeout:.0f} s")


def open_plugin_screen(plugin: str, screen: str, ready: Callable[[Any], bool], **kwargs: Any):
    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        pilot.app.open_screen(plugin, screen, **kwargs)
        await settle(pilot, ready)

    return run_before


def _text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector).render())


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request: pytest.FixtureRequest) -> tuple[int, int]:
    return SIZES[request.param]


@pytest.fixture
def app(snap_home) -> TextseqApp:
    host = Host(home=snap_home, device="cpu")
    seed_runs(host.store)
    seed_conversation(host.plugin("sentiment").context.store)
    seed_typing_sessions(host.plugin("autocomplete").context.store)
    seed_game_rounds(host.plugin("odd-one-out").context.store)
    return TextseqApp(host)


def test_chat(snap_compare, app, size) -> None:
    async def run_before(pilot: Any) -> None:
        await settle(pilot, lambda s: app.first_paint_s is not None
                     and "cpu" in _text(app.panel, "#device"))

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_runs(snap_compare, app, size) -> None:
    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        app.open_runs()
        await settle(pilot, lambda s: bool(getattr(s, "compared", None) is not None
                                          and s.query("LossChart") and s.query_one("LossChart").curves))
        await pilot.press("space", "down")  # overlay run 3 on run 2
        await settle(pilot, lambda s: len(s.query_one("LossChart").curves) == 2)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_sentiment_meter(snap_compare, app, size) -> None:
    ready = open_plugin_screen("sentiment", "sentiment",
                               lambda s: getattr(s, "last_score", None) is not None,
                               text="what a lovely day, thanks :)")
    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_anomaly_browser(snap_compare, app, size) -> None:
    ready = open_plugin_screen("anomaly", "anomaly",
                               lambda s: s.query("#table") and s.query_one("#table").row_count == 4
                               and "line" in _text(s, "#detail"),
                               path="hdfs-sample.txt")
    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_typing_session(snap_compare, app, size) -> None:
    ready = open_plugin_screen("autocomplete", "typing",
                               lambda s: getattr(s, "completer", None) is not None, mode="free")
    assert snap_compare(app, terminal_size=size, run_before=ready)


class _TestClock:
    """The typing test's clock, moved by the keys below (the frozen one never moves)."""

    def __init__(self) -> None:
        self.t = 500.0

    def __call__(self) -> float:
        return self.t


def _typing_test(mode: str, seed: int, keys: Callable[[list[str]], str],
                 ready: Callable[[Any], bool]) -> Callable[[Any], Any]:
    """Open a seeded typing test, type ``keys(prompt words)`` (a key every 0.3 s)."""
    clock = _TestClock()

    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        pilot.app.open_screen("autocomplete", "typing", mode=mode, seed=seed, clock=clock)
        await settle(pilot, lambda s: getattr(s.query_one("#test"), "test", None) is not None)
        for ch in keys(pilot.app.screen.query_one("#test").test.target):
            await pilot.press({" ": "space", "\b": "backspace"}.get(ch, ch))
            clock.t += 0.3
        await settle(pilot, ready)

    return run_before


def test_typing_test(snap_compare, app, size) -> None:
    # two words right, a typo fixed, a word with a wrong letter, one half typed
    ready = _typing_test("30", 1, lambda w: f"{w[0]} {w[1]} x\b{w[2]} q{w[3][1:]} {w[4][:2]}",
                         lambda s: s.query_one("#test").test.started is not None)
    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_typing_test_result(snap_compare, app, size) -> None:
    ready = _typing_test("10w", 3, lambda w: " ".join(w[:3]) + " z" + " ".join(w[3:]),
                         lambda s: "Enter" in _text(s, "#result"))
    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_odd_one_out_game(snap_compare, app, size) -> None:
    ready = open_plugin_screen("odd-one-out", "game",
                               lambda s: getattr(s, "session", None) is not None
                               and len(s.query("#words Button")) == 4, seed=3)
    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_odd_one_out_groups(snap_compare, app, size) -> None:
    ready = open_plugin_screen("odd-one-out", "groups",
                               lambda s: getattr(s.view, "game", None) is not None
                               and len(s.query_one("#board").words) == 16, seed=20261130)
    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_cluster_browser(snap_compare, app, size) -> None:
    ready = open_plugin_screen("clusterer", "browser",
                               lambda s: "loading" not in _text(s, "#status"))
    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_typing_history(snap_compare, app, size) -> None:
    ready = open_plugin_screen("autocomplete", "typing-history",
                               lambda s: len(getattr(s, "sessions", [])) == 16)
    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_game_history(snap_compare, app, size) -> None:
    ready = open_plugin_screen("odd-one-out", "history",
                               lambda s: len(getattr(s, "days", [])) == 5)
    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_help(snap_compare, app, size) -> None:
    """/help: every command and the chat's keys, one entry a line (80 columns too)."""
    async def run_before(pilot: Any) -> None:
        await settle(pilot, lambda s: app.first_paint_s is not None and app.restored)
        await pilot.press(*"/help", "enter")
        await settle(pilot, lambda s: any("Keys in the chat" in e
                                          for e in app.transcript.entries()))

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_keys_overlay(snap_compare, app, size) -> None:
    """F1 over the cluster browser: its keys, the app's and the rule's."""
    async def run_before(pilot: Any) -> None:
        await pilot.pause()
        app.open_screen("clusterer", "browser")
        await settle(pilot, lambda s: "loading" not in _text(s, "#status"))
        await pilot.press("f1")
        await settle(pilot, lambda s: type(s).__name__ == "KeysOverlay")

    assert snap_compare(app, terminal_size=size, run_before=run_before)
