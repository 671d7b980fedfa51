"""The groups screen by keyboard: the board's cursor, the daily board played once, the daily
streak, the share grid, your own board (bring a board)."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import wait_for
from textseq_plugins.odd_one_out.groups_board import GroupsBoard
from textual.app import App
from textual.widgets import Static

DAY = dt.date(2026, 11, 30)


@pytest.fixture
def on_day(monkeypatch):
    """Today is DAY (the schedule's notion of the local date)."""
    def set_day(day: dt.date) -> None:
        monkeypatch.setattr("textseq_plugins.odd_one_out.schedule.today", lambda: day)

    set_day(DAY)
    return set_day


class _GameApp(App):
    def __init__(self, screen) -> None:
        super().__init__()
        self._game = screen

    def on_mount(self) -> None:
        self.push_screen(self._game)


def _message(screen) -> str:
    return str(screen.query_one("#message", Static).render())


async def _select(pilot, board: GroupsBoard, word: str, arrows: bool) -> None:
    """Move the cursor to ``word`` with the keys and press Space."""
    row, col = divmod(board.words.index(word), 4)
    at_row, at_col = divmod(board.cursor, 4)
    down, right = ("down", "right") if arrows else ("j", "l")
    up, left = ("up", "left") if arrows else ("k", "h")
    keys = [down] * (row - at_row) + [up] * (at_row - row)
    keys += [right] * (col - at_col) + [left] * (at_col - col)
    await pilot.press(*keys, "space")


async def _open(pilot, screen, timeout: float = 60) -> GroupsBoard:
    await wait_for(pilot, lambda: screen.view.game is not None, timeout=timeout,
                   what="the board")
    return screen.query_one(GroupsBoard)


async def test_the_board_is_played_by_keyboard_at_80x24(host, on_day):
    plugin = host.plugin("odd-one-out")
    screen = plugin.screens()[1].factory(plugin.context)  # today's daily board
    app = _GameApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        board = await _open(pilot, screen)
        assert board.has_focus and board.region.bottom <= 23
        assert "Daily 2026-11-30" in str(screen.query_one("#status", Static).render())
        groups = screen.view.game.puzzle.groups
        one_away = [*groups[0][1][:3], groups[1][1][0]]
        for k, word in enumerate(one_away):
            await _select(pilot, board, word, arrows=k % 2 == 0)
        assert screen.view.selected == one_away
        cursor = board.cursor
        await pilot.press("s")
        assert "One away" in _message(screen) and screen.view.game.mistakes == 1
        assert board.cursor == cursor and board.has_focus  # focus stays where it was
        await pilot.press("enter")  # Enter toggles too: the tile under the cursor
        assert one_away[-1] not in screen.view.selected
        await pilot.press("c")
        assert screen.view.selected == []
        order = list(board.words)
        await pilot.press("x")
        assert sorted(board.words) == sorted(order)
        for _, words in groups[:3]:
            for word in words:
                await _select(pilot, board, word, arrows=True)
            await pilot.press("s")
        # the last group fills in by itself; each group takes its tier's colour and name
        assert screen.view.game.solved and "fills in" in _message(screen)
        assert [(bar.name, bar.tier) for bar in board.solved] == [
            (groups[0][0], "yellow"), (groups[1][0], "green"), (groups[2][0], "blue"),
            (groups[3][0], "purple")]
        assert "🟨🟨🟨🟨" in _message(screen) and "Daily streak: 1" in _message(screen)
        await pilot.press("y")
        assert app.clipboard.startswith("textseq groups 2026-11-30\n")
        assert app.clipboard.count("\n") == 6 and "solved, 1 mistake" in app.clipboard
    row = plugin.context.store.rows("rounds")[0]
    assert row["daily"] == "2026-11-30" and row["found"] == 4 and row["mistakes"] == 1
    assert row["correct"] == 1


async def test_a_daily_is_played_once_resumed_and_counted_in_the_streak(host,
                                                                          on_day):
    plugin = host.plugin("odd-one-out")
    app = _GameApp(plugin.screens()[1].factory(plugin.context))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await _open(pilot, screen)
        groups = screen.view.game.puzzle.groups
        screen.view.selected = list(groups[2][1])
        await pilot.press("s")
        assert screen.view.game.found == [2]
        await pilot.press("a")  # no hints on the daily board
        assert "Hint" not in _message(screen)
        await pilot.press("escape")
    # reopened: where it was left
    app = _GameApp(plugin.screens()[1].factory(plugin.context))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await _open(pilot, screen)
        assert screen.view.game.found == [2] and "Welcome back" in _message(screen)
        for k in (0, 1):
            screen.view.selected = list(groups[k][1])
            await pilot.press("s")
        assert screen.view.game.solved
    # reopened once more: the result, not a fresh board
    app = _GameApp(plugin.screens()[1].factory(plugin.context))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        board = await _open(pilot, screen)
        assert screen.view.game.over and screen.view.result is not None
        assert "You played the daily board of 2026-11-30: solved with 0 mistakes" \
            in _message(screen)
        assert len(board.solved) == 4 and not board.words
        await pilot.press("space", "s")
        assert len(plugin.context.store.rows("rounds")) == 1
        assert "daily streak 1 (best 1)" in str(screen.query_one("#status", Static).render())
        await pilot.press("n")  # boards by seed stay free to play
        await wait_for(pilot, lambda: screen.view.kind == "practice", timeout=60)
        assert not screen.view.game.over


async def test_bring_a_board_with_its_answer_and_watch_the_ai(host, on_day):
    plugin = host.plugin("odd-one-out")
    groups = [["Apple", "pear", "plum", "banana"], ["red", "green", "blue", "yellow"],
              ["dog", "cat", "horse", "cow"], ["Paris", "London", "Rome", "Madrid"]]
    text = "; ".join(", ".join(g) for g in groups)
    app = _GameApp(plugin.screens()[1].factory(plugin.context))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await _open(pilot, screen)
        await pilot.press("b")
        await pilot.press(*"a, b, c")
        await pilot.press("enter")
        assert "a board has 16 items, this one has 3" in _message(screen)
        screen.query_one("#paste").value = text
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.view.kind == "brought", timeout=60)
        board = screen.query_one(GroupsBoard)
        assert board.has_focus and "Apple" in [board.label(w) for w in board.words]
        await pilot.press("a")
        await wait_for(pilot, lambda: "Hint: one group is" in _message(screen), timeout=60)
        await pilot.press("w")
        await wait_for(pilot, lambda: screen.view.game.over, timeout=60)
        assert screen.view.game.solved and len(board.solved) == 4
        # the AI played it: the verdict is the AI's, and your board earns no points
        verdict = _message(screen)
        assert "The AI solved your board" in verdict and "points" not in verdict
    assert plugin.context.store.rows("rounds") == []  # your boards are not scored


async def test_bring_a_board_without_its_answer_you_judge(host, on_day):
    plugin = host.plugin("odd-one-out")
    words = ["apple", "pear", "plum", "banana", "red", "green", "blue", "yellow",
             "dog", "cat", "horse", "cow", "paris", "london", "rome", "madrid"]
    screen = plugin.screens()[1].factory(plugin.context, board=", ".join(words))
    app = _GameApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: screen.view.kind == "brought", timeout=60)
        assert screen.view.judged
        screen.view.selected = ["apple", "pear", "plum", "banana"]
        await pilot.press("s")
        assert "1: right" in _message(screen)
        await pilot.press("1")
        assert screen.view.game.found_groups == [("apple", "pear", "plum", "banana")]
        screen.view.selected = ["red", "green", "dog", "cat"]
        await pilot.press("s", "3")
        assert screen.view.game.mistakes == 1
        await pilot.press("w")
        await wait_for(pilot, lambda: "The AI's groups" in _message(screen), timeout=60)


async def test_a_damaged_rounds_table_never_stops_the_game_and_history_says_so(
        host, on_day):
    from textseq_plugins.odd_one_out.history import GameHistoryScreen

    plugin = host.plugin("odd-one-out")
    store = plugin.context.store
    store.execute(f"DROP TABLE [{store.table_name('rounds')}]")
    store.execute(f"CREATE TABLE [{store.table_name('rounds')}] (id INTEGER, junk TEXT)")
    app = _GameApp(plugin.screens()[1].factory(plugin.context))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await _open(pilot, screen)
        for _, words in screen.view.game.puzzle.groups[:3]:
            screen.view.selected = list(words)
            await pilot.press("s")
        assert screen.view.game.solved
        assert "this round was not saved" in _message(screen)
    app = _GameApp(GameHistoryScreen(plugin))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: "could not read" in str(
            app.screen.query_one("#summary", Static).render()), timeout=30)
