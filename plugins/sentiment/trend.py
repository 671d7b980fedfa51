"""SentimentTrend: the scores of the conversation's last messages as a line, -1..+1.

Each plain chat message is scored by the annotator and stored (``sentiment_scores``, source
"annotator" or "slash"); this widget reads the last ``limit`` of them in a thread worker and
draws them oldest to newest, with the zero line, and the text being typed in the meter as
one more point ("now"). plotext is imported with this module: import it lazily.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual_plotext import PlotextPlot

#: How many of the latest messages the line shows.
LAST_MESSAGES = 20
#: Stored scores that come from the conversation (not corrections).
CONVERSATION_SOURCES = ("annotator", "slash")


def recent_scores(store: Any, limit: int = LAST_MESSAGES) -> list[float]:
    """The last ``limit`` conversation scores in the plugin's store, oldest first."""
    marks = ", ".join("?" for _ in CONVERSATION_SOURCES)
    rows = store.rows("scores", f"source in ({marks})", list(CONVERSATION_SOURCES),
                      order_by="id desc", limit=limit)
    return [float(r["score"]) for r in reversed(rows)]


class SentimentTrend(PlotextPlot):
    """Attributes down: the screen sets ``current`` (the typed text's score) as it changes."""

    DEFAULT_CSS = """
    SentimentTrend { height: 1fr; min-height: 6; width: 1fr; }
    """

    def __init__(self, store: Any, limit: int = LAST_MESSAGES, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.limit = limit
        self.history: list[float] = []
        self._current: float | None = None

    def on_mount(self) -> None:
        super().on_mount()
        self._draw()
        self.reload()

    @work(thread=True, exclusive=True, group="sentiment-trend")
    def reload(self) -> None:
        """Read the latest conversation scores again (off the UI thread)."""
        try:
            scores = recent_scores(self.store, self.limit)
        except Exception:  # noqa: BLE001 — a chart never takes the screen down
            scores = []
        self.app.call_from_thread(self._set_history, scores)

    def _set_history(self, scores: list[float]) -> None:
        self.history = scores
        self._draw()

    @property
    def current(self) -> float | None:
        return self._current

    @current.setter
    def current(self, score: float | None) -> None:
        self._current = score
        self._draw()

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        n = len(self.history)
        now = "  ◆ now" if self._current is not None else ""
        plt.title(f"last {n} message{'s' if n != 1 else ''}{now}" if n else
                  f"no chat messages scored yet{now}")
        plt.ylim(-1.05, 1.05)
        plt.yticks([-1, 0, 1], ["-1", "0", "+1"])
        plt.horizontal_line(0, color="gray")
        xs = list(range(1, n + 1))
        if n == 1:
            plt.scatter(xs, self.history, color="cyan", marker="●")
        elif n:
            plt.plot(xs, self.history, color="cyan", marker="braille")
        if self._current is not None:
            plt.scatter([n + 1], [max(-1.0, min(1.0, self._current))], color="orange",
                        marker="◆")
        plt.xlim(0.5, n + 1.5)
        ticks = sorted({1, n} - {0}) if n else []
        plt.xticks(ticks, [str(t) for t in ticks])
        self.refresh()
