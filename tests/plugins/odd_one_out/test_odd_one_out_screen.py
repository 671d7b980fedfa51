"""The Textual game screen: word buttons, keys 1-9, streak/score, end-of-round summary."""

from __future__ import annotations

import time

from helpers import wait_for
from textual.app import App
from textual.widgets import Button, Static


class _GameApp(App):
    def __init__(self, screen) -> None:
        super().__init__()
        self._game = screen

    def on_mount(self) -> None:
        self.push_screen(self._game)


async def test_game_screen_plays_rounds_with_keys(host):
    from textseq_plugins.odd_one_out.screen import OddOneOutScreen

    plugin = host.plugin("odd-one-out")
    screen = plugin.screens()[0].factory(plugin.context, mode="beat", seed=3, rounds=2)
    assert isinstance(screen, OddOneOutScreen)
    app = _GameApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: screen.session is not None
                       and len(screen.query(Button)) == 4, timeout=60)
        status = str(screen.query_one("#status", Static).render())
        assert "Beat the AI" in status and "round 1/2" in status
        puzzle_items = list(screen.session.results and [] or screen.session.puzzle.items)
        await pilot.press("1")
        await pilot.pause()
        assert screen.answered and len(screen.session.results) == 1
        assert screen.session.results[0].player_pick == puzzle_items[0]
        summary = str(screen.query_one("#summary", Static).render())
        assert "the intruder was" in summary and "The AI's reasons" in summary
        assert "The others are all " in summary
        await pilot.press("9")  # no 9th word: ignored
        assert len(screen.session.results) == 1
        await pilot.press("n")
        await wait_for(pilot, lambda: not screen.answered, timeout=60)
        await pilot.press("2")
        await pilot.pause()
        assert "Game over" in str(screen.query_one("#summary", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen
    rows = plugin.context.store.rows("rounds")
    assert len(rows) == 2 and {r["mode"] for r in rows} == {"beat"}


async def test_game_screen_paints_before_the_model_loads(host):
    plugin = host.plugin("odd-one-out")
    screen = plugin.screens()[0].factory(plugin.context)
    app = _GameApp(screen)
    t0 = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first_paint = time.perf_counter() - t0
        assert screen.query_one("#status", Static) is not None
        assert first_paint < 3.0  # target 1 s; the model loads in a worker afterwards
        await wait_for(pilot, lambda: screen.session is not None, timeout=60)
        assert screen.session.mode == "beat"  # the classic game: which word doesn't belong?
        await pilot.press("m")
        await wait_for(pilot, lambda: screen.session.mode == "guess", timeout=60)
        await pilot.press("d")
        await pilot.pause()
        assert screen.session.difficulty == "hard"
    # mode and difficulty are remembered for the next game (and the console's)
    assert plugin.context.state.get("mode") == "guess"
    assert plugin.context.state.get("difficulty") == "hard"
    screen = plugin.screens()[0].factory(plugin.context)
    app = _GameApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: screen.session is not None, timeout=60)
        assert (screen.session.mode, screen.session.difficulty) == ("guess", "hard")


async def test_nine_words_fit_an_80x24_terminal(host):
    plugin = host.plugin("odd-one-out")
    screen = plugin.screens()[0].factory(plugin.context, seed=1, size=9)
    app = _GameApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: screen.session is not None
                       and len(screen.query(Button)) == 9, timeout=60)
        await pilot.pause()
        for button in screen.query(Button):
            region = button.region
            assert region.width > 0 and region.right <= 80 and region.bottom <= 24
        await pilot.press("9")
        await pilot.pause()
        assert screen.session.results[0].player_pick == screen.session.results[0].items[8]
