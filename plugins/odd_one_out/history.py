"""The game history: accuracy and best streak per day, beside the leaderboard.

Reads the stored rounds (``rounds``; "ask" rows are questions, not games, and are left out);
nothing here changes them. The chart is the host's shared ``HistoryChart``; it imports
plotext, so the plugin imports this module only when the screen opens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rich.markup import escape
from textseq_plugins.odd_one_out.daily import plural
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from textseq_tui.plugin import ChartSeries, HistoryChart


@dataclass
class Day:
    """One day's play: rounds, how many were right (a groups round counts the share of its
    groups found, 0..1), the best streak reached, groups mistakes (counted apart)."""

    day: str
    rounds: int
    correct: float
    best_streak: int
    mistakes: int = 0
    groups_rounds: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.rounds if self.rounds else 0.0


def per_day(rows: list[dict[str, Any]], player: str | None = None,
            problems: list[str] | None = None) -> list[Day]:
    """Game rounds grouped by local calendar day, oldest first (optionally one player).
    A row that cannot be read is left out and said in ``problems``."""
    from textseq_plugins.odd_one_out.game import GROUPS_MODE, round_score

    days: dict[str, Day] = {}
    unreadable = 0
    for row in rows:
        if row.get("mode") == "ask" or row.get("correct") is None:
            continue
        if player is not None and row.get("player") != player:
            continue
        try:
            key = dt.datetime.fromtimestamp(float(row["at"])).strftime("%Y-%m-%d")
            score = round_score(row)
            streak = int(row.get("streak") or 0)
            mistakes = int(row.get("mistakes") or 0)
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            unreadable += 1
            continue
        day = days.setdefault(key, Day(key, 0, 0, 0))
        day.rounds += 1
        day.correct += score
        day.best_streak = max(day.best_streak, streak)
        if row.get("mode") == GROUPS_MODE:
            day.groups_rounds += 1
            day.mistakes += mistakes
    if unreadable and problems is not None:
        problems.append(f"could not read {plural(unreadable, 'round')} (bad values)")
    return [days[k] for k in sorted(days)]


def show_days(chart: HistoryChart, days: list[Day], player: str = "") -> None:
    """Draw accuracy in % per day (left axis, 0-100) and the day's best streak (right axis)
    on the shared history chart."""
    streaks = [d.best_streak for d in days]
    top = max(5, max(streaks, default=0) + 1)
    step = max(1, top // 5)
    who = f"{player}: " if player else ""
    chart.show(
        [d.day[5:] for d in days],
        [ChartSeries([100 * d.accuracy for d in days], ticks=[0, 25, 50, 75, 100]),
         ChartSeries(streaks, ticks=list(range(0, top + 1, step)), limits=(0, top),
                     colour="orange", side="right", marker="•", point="◆")],
        title=f"{who}accuracy % (left) · best streak (right)",
        empty="no games yet: /odd opens one")


class GameHistoryScreen(Screen):
    """Accuracy and streak per day (chart) beside the leaderboard (table)."""

    DEFAULT_CSS = """
    GameHistoryScreen { layout: vertical; }
    GameHistoryScreen #summary { height: auto; padding: 0 1; }
    GameHistoryScreen #body { height: 1fr; }
    GameHistoryScreen HistoryChart { width: 1fr; min-width: 30; }
    GameHistoryScreen #board { width: auto; max-width: 50%; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("r", "reload", "Reload")]

    def __init__(self, plugin: Any) -> None:
        super().__init__()
        self.plugin = plugin
        self.days: list[Day] = []
        self.player: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("loading rounds…", id="summary")
        with Horizontal(id="body"):
            yield HistoryChart(id="chart")
            table: DataTable = DataTable(id="board", cursor_type="row", zebra_stripes=True)
            table.add_columns("player", "mode", "best", "acc%", "rounds")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    @work(thread=True, exclusive=True, group="game-history")
    def action_reload(self) -> None:
        from textseq_plugins.odd_one_out.daily import DailyRecord
        from textseq_plugins.odd_one_out.game import leaderboard
        from textseq_plugins.odd_one_out.migrations import ROUNDS
        from textseq_plugins.odd_one_out.schedule import today

        from textseq_tui.plugin import TextseqError

        problems: list[str] = []
        try:
            rows = self.plugin.context.store.rows(ROUNDS, order_by="at, id")
        except TextseqError as err:
            rows = []
            problems.append(f"could not read the rounds table: {err}")
        board = leaderboard(rows, problems)
        games = [r for r in rows if r.get("mode") != "ask"]
        # The chart follows one player: whoever played last (the game's default is "you").
        player = str(games[-1].get("player")) if games else None
        days = per_day(rows, player, problems)
        record = DailyRecord(self.plugin.context.store, self.plugin.context.state)
        streak = record.streak(today()) if not problems else (0, 0)
        problems += record.problems
        self.app.call_from_thread(self._show, days, board, player,
                                  streak, list(dict.fromkeys(problems)))

    def _show(self, days: list[Day], board: list[dict[str, Any]], player: str | None,
              streak: tuple[int, int] = (0, 0), problems: list[str] | None = None) -> None:
        self.days = days
        self.player = player
        show_days(self.query_one(HistoryChart), days, player or "")
        table = self.query_one("#board", DataTable)
        table.clear()
        for entry in board:
            table.add_row(escape(str(entry["player"])), entry["mode"], str(entry["best_streak"]),
                          f"{entry['accuracy']:.0f}", str(entry["rounds"]))
        lines = [self._summary(days, player)]
        groups = sum(d.groups_rounds for d in days)
        mistakes = (f" · groups: {plural(sum(d.mistakes for d in days), 'mistake')} in "
                    f"{plural(groups, 'board')}" if groups else "")
        lines.append(f"[b]daily streak[/b] {streak[0]} (best {streak[1]}){mistakes}")
        lines += [f"[red]{escape(p)}[/]" for p in problems or ()]
        self.query_one("#summary", Static).update("\n".join(lines))

    @staticmethod
    def _summary(days: list[Day], player: str | None) -> str:
        if not days:
            return "[b]Game history[/b]: no games yet"
        rounds = sum(d.rounds for d in days)
        best = max(days, key=lambda d: (d.best_streak, d.accuracy))
        return (f"[b]Game history of {escape(player or '')}[/b] · "
                f"{plural(rounds, 'round')} on {plural(len(days), 'day')} · "
                f"{100 * sum(d.correct for d in days) / rounds:.0f} % right\n"
                f"[b]best day[/b] {best.day}: streak {best.best_streak}, "
                f"{100 * best.accuracy:.0f} % right · last day {days[-1].day}: "
                f"{100 * days[-1].accuracy:.0f} %")
