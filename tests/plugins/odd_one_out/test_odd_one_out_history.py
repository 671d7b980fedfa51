"""The game history screen: accuracy and best streak per day, beside the leaderboard."""

from __future__ import annotations

from helpers import wait_for
from textseq_plugins.odd_one_out.history import GameHistoryScreen, per_day
from textual.app import App

DAY = 86400.0
NOON = 1767355200.0  # 2026-01-02 12:00 UTC: the same calendar day in any time zone ±11 h


def _round(at: float, player: str, correct: int | None, streak: int, mode: str = "guess"):
    return {"at": at, "game": "g", "player": player, "mode": mode, "difficulty": "medium",
            "seed": 1, "puzzle_index": 0, "items": "[]", "intruder": "x", "player_pick": "x",
            "ai_pick": "x", "correct": correct, "ai_correct": None, "seconds": 1.0,
            "points": 10 * (correct or 0), "streak": streak}


def test_per_day_counts_accuracy_and_best_streak_and_skips_questions():
    rows = [_round(NOON, "you", 1, 1), _round(NOON + 60, "you", 1, 2),
            _round(NOON + 120, "you", 0, 0), _round(NOON + DAY, "you", 1, 1),
            _round(NOON + 10, "you", None, 0, mode="ask"), _round(NOON, "ada", 1, 5)]
    days = per_day(rows, "you")
    assert [(d.rounds, d.correct, d.best_streak) for d in days] == [(3, 2, 2), (1, 1, 1)]
    assert days[0].day < days[1].day
    assert round(days[0].accuracy, 3) == 0.667


async def test_history_screen_shows_the_last_player_and_the_leaderboard(host):
    plugin = host.plugin("odd-one-out")
    store = plugin.context.store
    for k in range(6):
        store.insert("rounds", _round(NOON + DAY * (k // 2) + k, "ada", k % 2, k % 2))
    store.insert("rounds", _round(NOON + 3 * DAY, "you", 1, 1))

    class Harness(App):
        def on_mount(self) -> None:
            self.push_screen(GameHistoryScreen(plugin))

    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await wait_for(pilot, lambda: screen.days, timeout=30, what="the rounds loaded")
        assert screen.player == "you" and len(screen.days) == 1
        assert screen.query_one("#board").row_count == 2
        assert "best streak" in str(screen.query_one("#chart").render())
