"""SurprisalBars: one sequence's surprisal per step (nats) as bars, flagged steps in red,
with the detector's surprisal threshold as a line.

A step is flagged by the rank rule (outside the top-g) or by the threshold; the bars show
how far each step is from the line, which the coloured tokens cannot. Long sequences show a
window around the most surprising step. plotext is imported with this module: import it
lazily (the browser does, when it composes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual_plotext import PlotextPlot


def bar_window(n: int, peak: int, width: int) -> range:
    """At most ``width`` consecutive step indices of ``0..n-1`` that include ``peak``."""
    if n <= width:
        return range(n)
    start = min(max(0, peak - width // 2), n - width)
    return range(start, start + width)


class SurprisalBars(PlotextPlot):
    """Set a sequence with :meth:`show`; :meth:`clear` empties the chart."""

    DEFAULT_CSS = """
    SurprisalBars { width: 1fr; height: 1fr; min-height: 6; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shown: range = range(0)
        self.clear()

    def clear(self, message: str = "pick a sequence to see its surprisal per step") -> None:
        plt = self.plt
        plt.clear_figure()
        plt.title(message)
        plt.xticks([], [])
        plt.yticks([], [])
        self.shown = range(0)
        self.refresh()

    def show(self, tokens: Sequence[str], score: Any, threshold: float | None) -> None:
        """Draw ``score.surprisal`` (one entry per token, plus "<end>" with an end token),
        red where ``score.steps``/``score.end_surprising`` flag it; ``threshold`` in nats."""
        surprisal = [float(v) for v in score.surprisal]
        if len(surprisal) > len(tokens) + 1:  # a clipped (very long) sequence: no "<end>"
            surprisal = surprisal[: len(tokens)]
        if not surprisal:
            self.clear("an empty sequence: nothing to draw")
            return
        labels = [*tokens, "<end>"][: len(surprisal)]
        flagged = set(score.steps)
        if getattr(score, "end_surprising", False):
            flagged.add(len(tokens))
        peak = max(range(len(surprisal)), key=surprisal.__getitem__)
        width = max(8, (self.size.width or 60) - 10)
        self.shown = window = bar_window(len(surprisal), peak, width)
        plt = self.plt
        plt.clear_figure()
        rule = f" · threshold {threshold:.1f}" if threshold is not None else ""
        plt.title(f"surprisal, nats{rule}")
        normal = [i for i in window if i not in flagged]
        marked = [i for i in window if i in flagged]
        if normal:
            plt.bar(normal, [surprisal[i] for i in normal], color="green", width=0.6)
        if marked:
            plt.bar(marked, [surprisal[i] for i in marked], color="red", width=0.6)
        top = max(max(surprisal[i] for i in window), threshold or 0.0, 1.0)
        if threshold is not None:
            plt.horizontal_line(threshold, color="orange")
        plt.ylim(0, top * 1.08)
        yticks = sorted({0.0, round(top, 1)} | ({round(threshold, 1)} if threshold else set()))
        plt.yticks(yticks, [f"{t:g}" for t in yticks])
        plt.xlim(window.start - 0.6, window.stop - 0.4)
        every = max(1, len(window) // 6)
        ticks = [i for i in window if (i - window.start) % every == 0]
        plt.xticks(ticks, [labels[i] if len(window) <= 12 else str(i) for i in ticks])
        self.refresh()
