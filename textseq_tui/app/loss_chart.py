"""LossChart: training and validation loss against step, for one run or several overlaid.

Drawn with plotext (textual-plotext): axes, tick labels and a legend. Each run has one
colour; its training loss is a line and its validation loss a line of dots, so train and
validation can be compared at a glance, and so can runs. A single logged point is still
drawn (as a marker), and a flat curve gets a visible range.

This module imports textual-plotext at import time: import it lazily (the runs screen is
imported only when it opens), never from the app's start-up path.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual_plotext import PlotextPlot

from textseq_tui.plugin import TRAIN_LOSS, VAL_LOSS

#: Metric names read as the training loss, best first ("loss": runs stored before the
#: Trainer logged ``train_loss`` alone).
TRAIN_NAMES = (TRAIN_LOSS, "loss")
#: Prefixes of metric names read as a held-out loss ("val_loss", "heldout_nats_per_token").
VALIDATION_PREFIXES = ("val", "valid", "heldout", "eval", "test")
#: Per-run colours: plotext's name and the same colour for the legend (rich's name).
COLOURS = ("cyan", "orange", "magenta", "green", "red", "blue")
RICH_COLOURS = ("cyan", "dark_orange", "magenta", "green", "red", "blue")
#: At most this many runs are overlaid; the legend would not fit more at 80x24.
MAX_RUNS = len(COLOURS)

Points = list[tuple[float, float]]


@dataclass
class RunCurves:
    """One run's curves: (step, value) points of its training and validation loss."""

    run_id: int
    train: Points = field(default_factory=list)
    validation: Points = field(default_factory=list)
    validation_name: str | None = None
    train_name: str | None = None

    @property
    def empty(self) -> bool:
        return not self.train and not self.validation


def is_validation(name: str) -> bool:
    """True for a metric name that reads as a held-out loss."""
    head = name.lower().split("_", 1)[0]
    return head in VALIDATION_PREFIXES and name.lower() not in TRAIN_NAMES


def split_curves(run_id: int, rows: Iterable[dict[str, Any]]) -> RunCurves:
    """A run's metric rows (``{"step", "name", "value"}``, as the store returns them) as
    its training-loss and validation-loss curves; other metrics (lr, grad_norm, ...) are
    left out. Non-finite values are dropped (a diverged step must not flatten the axis)."""
    by_name: dict[str, Points] = {}
    for row in rows:
        value = row.get("value")
        if value is None or not math.isfinite(float(value)):
            continue
        by_name.setdefault(str(row["name"]), []).append((float(row["step"]), float(value)))
    curves = RunCurves(run_id)
    for name in TRAIN_NAMES:
        if name in by_name:
            curves.train, curves.train_name = by_name[name], name
            break
    # The standard name first; any other held-out loss only for runs that never logged it.
    val_names = sorted((n for n in by_name if is_validation(n)), key=lambda n: (n != VAL_LOSS, n))
    if val_names:
        curves.validation_name = val_names[0]
        curves.validation = by_name[val_names[0]]
    return curves


def legend_text(curves: Sequence[RunCurves]) -> Text:
    """The chart's legend, one line: each run's colour, its training line (━) and its
    validation dots (•) with their latest values. Drawn outside the plot so that it never
    hides the start of a curve, where losses are highest."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for colour, curve in zip(RICH_COLOURS, [c for c in curves if not c.empty], strict=False):
        if text:
            text.append("  ")
        text.append(f"#{curve.run_id} ", style="bold")
        if curve.train:
            text.append("━ ", style=colour)
            text.append(f"train {curve.train[-1][1]:.3g} ")
        if curve.validation:
            text.append("• ", style=f"bold {colour}")
            text.append(f"{_short(curve.validation_name)} {curve.validation[-1][1]:.3g} ")
    return text


def nice_ticks(lo: float, hi: float, most: int = 6, integer: bool = False) -> list[float]:
    """Round tick positions covering ``lo..hi``: at most ``most`` of 1, 2 or 5 x 10^k apart
    (whole numbers when ``integer``)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if integer:
        step = max(1.0, round(step))
    first = math.ceil(lo / step) * step
    ticks = []
    tick = first
    while tick <= hi + step * 1e-9:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def tick_label(value: float) -> str:
    """A short label: 1200 -> 1.2k, 0.5 -> 0.5, 3 -> 3."""
    if abs(value) >= 10_000:
        return f"{value / 1000:.0f}k"
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}k".replace(".0k", "k")
    return f"{value:g}"


class LossChart(PlotextPlot):
    """Loss against step; ``curves`` (set it, the chart redraws) lists the runs to draw."""

    DEFAULT_CSS = """
    LossChart { width: 1fr; height: 1fr; min-height: 8; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._curves: list[RunCurves] = []
        self.message = "no run selected"

    @property
    def curves(self) -> list[RunCurves]:
        return self._curves

    @curves.setter
    def curves(self, curves: Sequence[RunCurves]) -> None:
        self._curves = list(curves)[:MAX_RUNS]
        self._draw()
        self.refresh()

    def on_resize(self) -> None:
        self._draw()  # the number of y ticks follows the height

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_figure()
        drawn = [c for c in self._curves if not c.empty]
        if not drawn:
            plt.title(self.message)
            plt.xticks([], [])
            plt.yticks([], [])
            return
        steps = [s for c in drawn for s, _ in c.train + c.validation]
        values = [v for c in drawn for _, v in c.train + c.validation]
        unit = _unit(drawn)
        plt.title(f"loss{unit} against step")
        for colour, curve in zip(COLOURS, drawn, strict=False):
            self._line(curve.train, colour, "braille")
            self._line(curve.validation, colour, "•")
        x_lo, x_hi = min(steps), max(steps)
        y_lo, y_hi = min(values), max(values)
        if x_hi == x_lo:
            x_lo, x_hi = x_lo - 1, x_hi + 1
        if y_hi == y_lo:
            pad = abs(y_hi) * 0.05 or 0.5
            y_lo, y_hi = y_lo - pad, y_hi + pad
        plt.xlim(x_lo, x_hi)
        plt.ylim(y_lo, y_hi)
        xticks = nice_ticks(x_lo, x_hi, most=5, integer=True)
        plt.xticks(xticks, [tick_label(t) for t in xticks])
        yticks = nice_ticks(y_lo, y_hi, most=max(3, min(8, self.size.height // 2)))
        plt.yticks(yticks, [f"{t:g}" for t in yticks])
        plt.xlabel("step")

    def _line(self, points: Points, colour: str, marker: str) -> None:
        if not points:
            return
        xs = [s for s, _ in points]
        ys = [v for _, v in points]
        if len(points) == 1:
            self.plt.scatter(xs, ys, color=colour, marker="●")
        else:
            self.plt.plot(xs, ys, color=colour, marker=marker)


def _short(name: str | None) -> str:
    if not name:
        return "val"
    return name.split("_", 1)[0] if is_validation(name) else name


def _unit(curves: Sequence[RunCurves]) -> str:
    """" (nats/char)" when every validation curve names the same unit, else ""."""
    units = {c.validation_name.split("_", 1)[-1].replace("_per_", "/")
             for c in curves if c.validation_name}
    return f" ({units.pop()})" if len(units) == 1 and "/" in next(iter(units)) else ""
