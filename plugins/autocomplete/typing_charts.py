"""The typing screens' charts: a test's speed second by second, and the history of sessions
over time, drawn on the host's shared ``HistoryChart`` with a time axis a person can read.

plotext is imported with this module: import it inside a screen, never at the plugin's top
level (``textseq --help`` stays light).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from textual_plotext import PlotextPlot

from textseq_tui.plugin import ChartSeries, HistoryChart, rounded_ticks

NO_SESSIONS = "no typing sessions yet: /type, then Enter or Esc saves one"


def time_labels(times: Sequence[float], most: int = 4) -> list[tuple[int, str]]:
    """Where to label an axis of sessions at unix ``times`` (oldest first), and with what:
    the clock (``14:05``) when they all fall on one day, else the first session of each day
    (``12-07``; ``2025-12`` across years), at most ``most`` labels, never the same twice."""
    if not times:
        return []
    days = [dt.datetime.fromtimestamp(t) for t in times]
    if days[0].date() == days[-1].date():
        fmt = "%H:%M"
    elif days[0].year == days[-1].year:
        fmt = "%m-%d"
    else:
        fmt = "%Y-%m"
    firsts: list[tuple[int, str]] = []
    for i, when in enumerate(days):
        label = when.strftime(fmt)
        if not firsts or firsts[-1][1] != label:
            firsts.append((i, label))
    every = -(-len(firsts) // most)  # ceil: at most `most` labels
    return firsts[::every]


def percent_ticks(percent: Sequence[float], name: str) -> list[int]:
    """The right axis's ticks for a % figure, at least two (plotext divides by the span):
    accuracy lives in its top tens, so from the ten below the lowest (90 at most: a 100 %
    session gets 90..100); keys saved from 0."""
    low = 0 if name != "accuracy" else min(90, 10 * int(min(percent) // 10))
    step = 5 if max(percent) <= 30 or 100 - low <= 20 else 10
    ticks = [int(t) for t in rounded_ticks(percent, step) if low <= t <= 100]
    return ticks if len(ticks) > 1 else [low, 100]


def wpm_step(values: Sequence[float], most: int = 6) -> int:
    """The smallest round step giving at most ``most`` ticks above 0 on a WPM axis (a
    burst of pasted keys reads 600 wpm; ticks every 50 then overlap and plotext drops some
    at random, leaving an uneven axis)."""
    top = max(values, default=0)
    return next((s for s in (10, 20, 25, 50, 100, 200, 250, 500) if top < s * most), 1000)


class SpeedChart(PlotextPlot):
    """A test's WPM so far (cyan), the raw WPM of each second (grey) and the wrong keys of
    each second (red ✗, right axis), against seconds."""

    def show(self, per_second: Sequence[Sequence[float]]) -> None:
        plt = self.plt
        plt.clear_figure()
        xs = list(range(1, len(per_second) + 1))
        wpm = [p[0] for p in per_second]
        raw = [p[1] for p in per_second]
        errors = [p[2] for p in per_second]
        plt.title("wpm so far · raw wpm of each second · ✗ wrong keys (right axis)")
        plt.plot(xs, raw, color="gray", marker="braille")
        plt.plot(xs, wpm, color="cyan", marker="braille")
        ticks = [int(t) for t in rounded_ticks(raw + wpm, wpm_step(raw + wpm))]
        plt.ylim(0, ticks[-1])
        plt.yticks(ticks, [str(t) for t in ticks])
        wrong = [(x, e) for x, e in zip(xs, errors, strict=True) if e]
        if wrong:
            plt.scatter([x for x, _ in wrong], [e for _, e in wrong], color="red", marker="✗",
                        yside="right")
            top = max(e for _, e in wrong) + 1
            plt.ylim(0, top, yside="right")
            plt.yticks(list(range(0, top + 1, max(1, top // 3))),
                       [str(t) for t in range(0, top + 1, max(1, top // 3))], yside="right")
        plt.xlim(0.5, len(xs) + 0.5)
        every = 5 if len(xs) <= 30 else 10
        plt.xticks([x for x in xs if x % every == 0 or x == 1],
                   [f"{x} s" if x == 1 else str(x) for x in xs if x % every == 0 or x == 1])
        self.refresh()


def show_sessions(chart: HistoryChart, times: Sequence[float], wpm: Sequence[float],
                  percent: Sequence[float] | None, percent_name: str, title: str) -> None:
    """WPM per session (left axis) and a second figure in % (right axis: accuracy for
    tests, keystrokes saved for free typing), sessions oldest first, labelled by time
    (``time_labels``)."""
    if not times:
        chart.show([], [], title=title, empty=NO_SESSIONS)
        return
    series = [ChartSeries(list(wpm), ticks=rounded_ticks(wpm, wpm_step(wpm)))]
    if percent is not None:
        ticks = percent_ticks(percent, percent_name)
        series.append(ChartSeries(list(percent), ticks=ticks, colour="orange", side="right",
                                  marker="•", point="◆", limits=(ticks[0], ticks[-1])))
    labelled = dict(time_labels(times))
    chart.show([labelled.get(i, "") for i in range(len(times))], series, title=title,
               empty=NO_SESSIONS, x_ticks=list(labelled))
