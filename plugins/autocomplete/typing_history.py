"""The typing history: every stored session in a table (date, mode, WPM, accuracy, keys
saved) beside a chart of them over time, with the personal bests of the mode shown.

``m`` steps through the modes (all, then each mode with sessions: a 15 s test's best is never
a 60 s one's); the chart draws WPM and, on its right axis, accuracy for a test mode or the
keys saved for free typing. Reads the ``sessions`` table (``sessions.py``). plotext is
imported with this module: the plugin imports it only when the screen opens.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from textseq_plugins.autocomplete.sessions import Session, day, load_sessions, personal_bests
from textseq_plugins.autocomplete.typing_charts import show_sessions
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from textseq_tui.plugin import HistoryChart, escape

ALL = "all modes"
NO_RECORD = "no session long enough for a record (10 words and 5 s)"


def _when(at: float) -> str:
    return dt.datetime.fromtimestamp(at).strftime("%m-%d %H:%M")


def _duration(seconds: float) -> str:
    """``48 s`` under a minute, ``12 min`` after."""
    return f"{seconds:.0f} s" if seconds < 59.5 else f"{seconds / 60:.0f} min"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} %"


class TypingHistoryScreen(Screen):
    """Typing sessions over time, newest first in a table, with the bests of a mode."""

    DEFAULT_CSS = """
    TypingHistoryScreen { layout: vertical; }
    TypingHistoryScreen #bests { height: auto; padding: 0 1; }
    TypingHistoryScreen Horizontal { height: 1fr; }
    TypingHistoryScreen DataTable { width: 46; height: 1fr; }
    TypingHistoryScreen HistoryChart { width: 1fr; height: 1fr; min-height: 8; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("m", "next_mode", "Mode"),
                Binding("r", "reload", "Reload")]

    def __init__(self, ctx: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.sessions: list[Session] = []
        self.record = ALL  # the mode shown (a Session.record), or ALL

    def compose(self) -> ComposeResult:
        yield Static("loading sessions…", id="bests")
        with Horizontal():
            yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
            yield HistoryChart(id="chart")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("when", "mode", "wpm", "acc", "saved")
        self.action_reload()

    @work(thread=True, exclusive=True, group="typing-history")
    def action_reload(self) -> None:
        sessions = load_sessions(self.ctx.store)
        self.app.call_from_thread(self._loaded, sessions)

    def _loaded(self, sessions: list[Session]) -> None:
        self.sessions = sessions
        counted = [s for s in sessions if s.counts]
        if self.record == ALL and counted:
            self.record = counted[-1].record  # the mode of the last record
        self._show()

    def records(self) -> list[str]:
        """ALL, then each mode with sessions, in the order first typed."""
        return [ALL, *dict.fromkeys(s.record for s in self.sessions)]

    def action_next_mode(self) -> None:
        records = self.records()
        at = records.index(self.record) if self.record in records else 0
        self.record = records[(at + 1) % len(records)]
        self._show()

    def _show(self) -> None:
        shown = [s for s in self.sessions if self.record in (ALL, s.record)]
        table = self.query_one(DataTable)
        table.clear()
        for s in reversed(shown):
            table.add_row(_when(s.started), s.record, f"{s.wpm:.0f}" + ("" if s.counts else "*"),
                          _percent(s.accuracy),
                          "—" if s.accuracy is not None else _percent(100 * s.savings))
        self._chart([s for s in shown if s.counts])  # a too short session is no trend
        self.query_one("#bests", Static).update(self._bests_text(shown))

    def _chart(self, shown: list[Session]) -> None:
        tests = self.record != ALL and self.record != "free"
        percent: list[float] | None = None
        if self.record == "free":
            percent, name = [100 * s.savings for s in shown], "keys saved"
        elif tests:
            percent, name = [s.accuracy or 0.0 for s in shown], "accuracy"
        else:
            name = ""
        title = "wpm" + (f" · {name} %" if name else "")
        show_sessions(self.query_one(HistoryChart), [s.started for s in shown],
                      [s.wpm for s in shown], percent, name, title)

    def _bests_text(self, shown: list[Session]) -> str:
        if not self.sessions:
            return "[b]Typing history[/b]: no sessions yet (/type, then Enter or Esc saves one)"
        head = (f"[b]Typing history[/b] · {escape(self.record)} · {len(shown)} "
                f"session{'' if len(shown) == 1 else 's'}")
        if shown:
            first, last = day(shown[0].started), day(shown[-1].started)
            head += f" · {first}" + (f" to {last}" if last != first else "")
        line = self._bests_line(shown) or NO_RECORD
        if any(not s.counts for s in shown):
            line += "\n[dim]* too short for a record (under 10 words or 5 s)[/]"
        return f"{head}\n{line}"

    def _bests_line(self, shown: list[Session]) -> str:
        """The mode's bests; for all modes, each mode's best WPM (never one for all)."""
        if self.record == ALL:
            tops = [(record, personal_bests(shown, record)) for record in self.records()[1:]]
            tops = [(record, bests) for record, bests in tops if bests]
            return "[b]bests[/b] " + " · ".join(
                f"{escape(record)} [cyan]{bests['best_wpm']:.0f}[/]"
                for record, bests in tops) + " wpm" if tops else ""
        bests = personal_bests(shown, self.record)
        if not bests:
            return ""
        line = f"[b]best[/b] [cyan]{bests['best_wpm']:.0f} wpm[/] ({day(bests['best_wpm_on'])})"
        if "best_accuracy" in bests:
            line += f" · accuracy {bests['best_accuracy']:.0f} %"
        else:
            line += (f" · [dark_orange]{100 * bests['best_savings']:.0f} % saved[/] "
                     f"({day(bests['best_savings_on'])})")
        return line + f" · {bests['chars']:,} chars in {_duration(60 * bests['minutes'])}"
