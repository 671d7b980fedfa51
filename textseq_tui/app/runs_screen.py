"""Training runs: every plugin's runs from the store, with a sparkline of the chosen metric."""

from __future__ import annotations

import json
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Sparkline, Static

#: Metrics shown first when a run logged several: the standard names every plugin logs
#: (``textseq_tui.plugin.VAL_LOSS``, ``TRAIN_LOSS``), then older names.
PREFERRED = ("val_loss", "train_loss", "valid_loss", "loss")


class RunsScreen(Screen):
    """A table of training runs (newest first); the highlighted run's curve below it."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("r", "reload", "Reload")]
    DEFAULT_CSS = """
    RunsScreen DataTable { height: 1fr; }
    RunsScreen #curve-box { height: 7; border: round $primary-background; }
    RunsScreen Sparkline { height: 4; }
    """

    def __init__(self, store: Any) -> None:
        super().__init__()
        self.store = store
        self.runs: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row", id="runs")
        with Vertical(id="curve-box"):
            yield Static("no run selected", id="curve-label")
            yield Sparkline([], id="curve")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("id", "plugin", "model", "status", "device", "final")
        self.action_reload()

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
            table.add_row(str(run["id"]), run["plugin"], run["model"], run["status"] or "",
                          run["device"] or "", brief, key=str(run["id"]))
        if not runs:
            self.query_one("#curve-label", Static).update(
                "no training runs yet: train a model (textseq PLUGIN train --help)")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._load_curve(int(event.row_key.value))

    @work(thread=True, exclusive=True, group="curve")
    def _load_curve(self, run_id: int) -> None:
        rows = self.store.run_metrics(run_id)
        names = sorted({r["name"] for r in rows},
                       key=lambda n: (PREFERRED.index(n) if n in PREFERRED else 99, n))
        name = names[0] if names else None
        values = [r["value"] for r in rows if r["name"] == name]
        self.app.call_from_thread(self._show_curve, run_id, name, values)

    def _show_curve(self, run_id: int, name: str | None, values: list[float]) -> None:
        label = self.query_one("#curve-label", Static)
        if not values:
            label.update(f"run {run_id}: no metrics logged")
        else:
            label.update(f"run {run_id}: {name}  first {values[0]:.4g}  last {values[-1]:.4g}"
                         f"  ({len(values)} points)")
        self.query_one(Sparkline).data = values
