"""Training runs: every plugin's runs from the store; the highlighted run's training and
validation loss against step below them (with axes and a legend), and any runs marked with
Space overlaid on it to compare."""

from __future__ import annotations

import json
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from textseq_tui.app.loss_chart import (
    MAX_RUNS,
    LossChart,
    RunCurves,
    legend_text,
    split_curves,
)

#: Seconds between redraws of the chart while a shown run is still training.
LIVE_REFRESH_S = 3.0


class RunsScreen(Screen):
    """A table of training runs (newest first); the highlighted run's curve below it."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", tooltip="back to the chat"),
        Binding("r", "reload", "Reload", tooltip="read the runs again"),
        Binding("space", "toggle_compare", "Compare",
                tooltip="keep the highlighted run on the chart, to compare (again: drop it)"),
        Binding("c", "clear_compare", "Clear", tooltip="drop every run kept on the chart"),
    ]
    DEFAULT_CSS = """
    RunsScreen DataTable { height: 2fr; min-height: 4; }
    RunsScreen #curve-box { height: 5fr; min-height: 9; }
    RunsScreen #curve-label { height: 1; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, store: Any) -> None:
        super().__init__()
        self.store = store
        self.runs: list[dict[str, Any]] = []
        #: Run ids marked with Space, drawn beside the highlighted run.
        self.compared: list[int] = []
        self.current: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", id="runs")
        with Vertical(id="curve-box"):
            yield Static("no run selected", id="curve-label")
            yield LossChart(id="curve")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("", key="cmp", width=1)  # ● on runs marked to compare
        table.add_columns("id", "plugin", "model", "status", "device", "final")
        self.action_reload()
        self.set_interval(LIVE_REFRESH_S, self._follow_running)

    def action_reload(self) -> None:
        self._load_runs()

    @work(thread=True, exclusive=True, group="runs")
    def _load_runs(self) -> None:
        runs = self.store.runs()
        self.app.call_from_thread(self._show_runs, runs)

    def _show_runs(self, runs: list[dict[str, Any]]) -> None:
        self.runs = runs
        table = self.query_one(DataTable)
        table.clear()
        for run in runs:
            final = json.loads(run.get("metrics") or "{}")
            brief = ", ".join(f"{k}={v:.3g}" for k, v in list(final.items())[:2]
                              if isinstance(v, (int, float)))
            table.add_row(self._mark(run["id"]), str(run["id"]), run["plugin"], run["model"],
                          run["status"] or "", run["device"] or "", brief, key=str(run["id"]))
        if not runs:
            message = "no training runs yet: train a model (textseq PLUGIN train --help)"
            self.query_one("#curve-label", Static).update(message)
            self.query_one(LossChart).message = "no training runs yet"
            self.query_one(LossChart).curves = []

    def _follow_running(self) -> None:
        """Redraw the chart while one of its runs is still training (new points arrive)."""
        running = {r["id"] for r in self.runs if r.get("status") == "running"}
        if running & set(self._shown_ids()):
            self._load_curves(self._shown_ids())

    def _mark(self, run_id: int) -> str:
        return "●" if run_id in self.compared else ""

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self.current = int(event.row_key.value)
            self._load_curves(self._shown_ids())

    def _shown_ids(self) -> list[int]:
        """The highlighted run first, then the marked ones (at most MAX_RUNS)."""
        ids = [] if self.current is None else [self.current]
        ids += [i for i in self.compared if i not in ids]
        return ids[:MAX_RUNS]

    def action_toggle_compare(self) -> None:
        """Mark (or unmark) the highlighted run to keep it on the chart."""
        if self.current is None:
            return
        if self.current in self.compared:
            self.compared.remove(self.current)
        elif len(self.compared) < MAX_RUNS - 1:
            self.compared.append(self.current)
        else:
            self.notify(f"at most {MAX_RUNS} runs on one chart: unmark one first (Space, C)")
            return
        self.query_one(DataTable).update_cell(str(self.current), "cmp",
                                              self._mark(self.current))
        self._load_curves(self._shown_ids())

    def action_clear_compare(self) -> None:
        table = self.query_one(DataTable)
        for run_id in self.compared:
            table.update_cell(str(run_id), "cmp", "")
        self.compared.clear()
        self._load_curves(self._shown_ids())

    @work(thread=True, exclusive=True, group="curve")
    def _load_curves(self, run_ids: list[int]) -> None:
        curves = [split_curves(run_id, self.store.run_metrics(run_id)) for run_id in run_ids]
        self.app.call_from_thread(self._show_curves, curves)

    def _show_curves(self, curves: list[RunCurves]) -> None:
        label = self.query_one("#curve-label", Static)
        if all(c.empty for c in curves):
            label.update(f"run {', '.join(str(c.run_id) for c in curves)}: no loss logged")
        else:
            label.update(legend_text(curves))
        chart = self.query_one(LossChart)
        chart.message = "no loss logged for this run"
        chart.curves = curves
