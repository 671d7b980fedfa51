"""The typing history: words per minute and keystroke savings of every stored session,
over time, with personal bests (as typing tools like monkeytype and ttyper show them).

Reads the ``sessions`` table the typing session writes (``sessions.py``). plotext
is imported with this module: the plugin imports it only when the screen opens.
"""

from __future__ import annotations

from typing import Any

from textseq_plugins.autocomplete.sessions import Session, day, load_sessions, personal_bests
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from textseq_tui.plugin import escape


class TypingHistoryChart(PlotextPlot):
    """WPM per session (left axis) and keystroke savings in % (right axis)."""

    def show(self, sessions: list[Session]) -> None:
        plt = self.plt
        plt.clear_figure()
        if not sessions:
            plt.title("no typing sessions yet: /type, then Esc saves one")
            plt.xticks([], [])
            plt.yticks([], [])
            self.refresh()
            return
        xs = list(range(1, len(sessions) + 1))
        wpm = [s.wpm for s in sessions]
        savings = [100 * s.savings for s in sessions]
        plt.title("wpm (left) · keystrokes saved % (right) per session")
        if len(xs) == 1:
            plt.scatter(xs, wpm, color="cyan", marker="●")
            plt.scatter(xs, savings, color="orange", marker="◆", yside="right")
        else:
            plt.plot(xs, wpm, color="cyan", marker="braille")
            plt.plot(xs, savings, color="orange", marker="•", yside="right")
        for values, side, step in ((wpm, "left", 10 if max(wpm) <= 100 else 25),
                                   (savings, "right", 5 if max(savings) <= 30 else 10)):
            top = step * (int(max(values) // step) + 1)  # round axes: 0, 10, 20 ... wpm
            ticks = list(range(0, top + 1, step))
            plt.ylim(0, top, yside=side)
            plt.yticks(ticks, [str(t) for t in ticks], yside=side)
        plt.xlim(0.5, len(xs) + 0.5)
        every = max(1, len(xs) // 4)
        ticks = [x for x in xs if (x - 1) % every == 0]
        plt.xticks(ticks, [day(sessions[x - 1].started)[5:] for x in ticks])
        self.refresh()


class TypingHistoryScreen(Screen):
    """Typing sessions over time and personal bests."""

    DEFAULT_CSS = """
    TypingHistoryScreen { layout: vertical; }
    TypingHistoryScreen #bests { height: auto; padding: 0 1; }
    TypingHistoryScreen TypingHistoryChart { height: 1fr; min-height: 8; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("r", "reload", "Reload")]

    def __init__(self, ctx: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.sessions: list[Session] = []

    def compose(self) -> ComposeResult:
        yield Static("loading sessions…", id="bests")
        yield TypingHistoryChart(id="chart")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    @work(thread=True, exclusive=True, group="typing-history")
    def action_reload(self) -> None:
        sessions = load_sessions(self.ctx.store)
        self.app.call_from_thread(self._show, sessions)

    def _show(self, sessions: list[Session]) -> None:
        self.sessions = sessions
        self.query_one(TypingHistoryChart).show(sessions)
        bests = personal_bests(sessions)
        if not bests:
            self.query_one("#bests", Static).update("[b]Typing history[/b]: no sessions yet")
            return
        last = sessions[-1]
        self.query_one("#bests", Static).update(
            f"[b]Typing history[/b] · {bests['sessions']} sessions · "
            f"{bests['chars']:,} chars in {bests['minutes']:.0f} min\n"
            f"[b]best[/b] [cyan]{bests['best_wpm']:.0f} wpm[/] ({day(bests['best_wpm_on'])}) · "
            f"[dark_orange]{100 * bests['best_savings']:.0f} % saved[/] "
            f"({day(bests['best_savings_on'])})\n"
            f"[b]last[/b] {last.wpm:.0f} wpm · {100 * last.savings:.0f} % saved "
            f"({escape(day(last.started))})")
