"""Charts for plugin screens: a public module of the plugin API (like ``textseq_tui.plugin``).

:class:`HistoryChart` draws how something went over time — one point per day or per
session — with one series on the left y axis and optionally a second on the right, each
with the axis ticks its screen chooses (a game history: accuracy % and best streak per day;
a typing history: words per minute and keystrokes saved per session).
The host's ``/runs`` draws loss curves with its own chart (``textseq_tui.app.loss_chart``).

This module imports textual-plotext at import time: import it inside the screen factory or
the screen's module, never at a plugin's top level (``textseq --help`` must stay light).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from textual_plotext import PlotextPlot

__all__ = ["ChartSeries", "HistoryChart", "rounded_ticks"]


@dataclass(frozen=True)
class ChartSeries:
    """One series of a :class:`HistoryChart`: a value per entry, on the ``side`` axis.

    ``ticks`` are the axis's tick positions (labelled ``f"{tick:g}"``) and ``limits`` its
    range (default: from 0 to the last tick). A line is drawn with ``marker``; a series of
    one entry is a single ``point`` instead.
    """

    values: Sequence[float]
    ticks: Sequence[float]
    colour: str = "cyan"
    side: str = "left"
    marker: str = "braille"
    point: str = "●"
    limits: tuple[float, float] | None = None


def rounded_ticks(values: Sequence[float], step: float) -> list[float]:
    """Ticks ``0, step, 2 step, ...`` up to the first multiple of ``step`` above the largest
    value: a round axis (0, 10, 20 ... words per minute)."""
    top = step * (int(max(values, default=0) // step) + 1)
    return [step * i for i in range(int(round(top / step)) + 1)]


class HistoryChart(PlotextPlot):
    """Values per entry (oldest first) against the entries, labelled on the x axis by
    ``labels`` (a date, say): :meth:`show` draws it, or ``empty`` when there is nothing."""

    def show(self, labels: Sequence[str], series: Sequence[ChartSeries], *, title: str,
             empty: str = "nothing yet", x_labels: int = 3,
             x_ticks: Sequence[int] | None = None) -> None:
        """Draw ``series`` (one value per label each) under ``title``; about ``x_labels``
        of the ``labels`` are written under the x axis (every n-th, from the first), or
        those of the entries ``x_ticks`` names (0-based: the first session of each day,
        say, so that a day is never written twice)."""
        plt = self.plt
        plt.clear_figure()
        if not labels:
            plt.title(empty)
            plt.xticks([], [])
            plt.yticks([], [])
            self.refresh()
            return
        xs = list(range(1, len(labels) + 1))
        plt.title(title)
        for one in series:
            if len(xs) == 1:
                plt.scatter(xs, list(one.values), color=one.colour, marker=one.point,
                            yside=one.side)
            else:
                plt.plot(xs, list(one.values), color=one.colour, marker=one.marker,
                         yside=one.side)
        for one in series:
            low, high = one.limits or (0, one.ticks[-1])
            plt.ylim(low, high, yside=one.side)
            plt.yticks(list(one.ticks), [_tick(t) for t in one.ticks], yside=one.side)
        plt.xlim(0.5, len(xs) + 0.5)
        if x_ticks is None:
            every = max(1, len(xs) // x_labels)
            ticks = [x for x in xs if (x - 1) % every == 0]
        else:
            ticks = [i + 1 for i in x_ticks]
        plt.xticks(ticks, [labels[x - 1] for x in ticks])
        self.refresh()


def _tick(value: float) -> str:
    if math.isfinite(value) and value == int(value):
        return str(int(value))
    return f"{value:g}"
