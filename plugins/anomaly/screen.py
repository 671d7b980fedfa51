"""The anomaly browser: load a file of sequences, list the most anomalous, inspect one.

Each step of the chosen sequence is coloured by its surprisal (green < 1 nat, yellow < 3,
orange < 6, red above; flagged steps reversed) and the model's top predictions at the
first flagged step are shown. Scoring runs in a thread worker; the UI thread only draws.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textseq_plugins.anomaly.plugin import DEFAULT_MODEL, KIND
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from textseq_tui.plugin import PluginContext, TextseqError, escape

MAX_ROWS = 200


def unknown_note(seqs: list[list[str]], detector: Any, model: str) -> str:
    """A hint when most tokens are new to the model (a text file given to a log-key model,
    say): every new token is flagged, which says more about the file than about anomalies."""
    tokens = [t for seq in seqs for t in seq]
    known = detector.vocab.stoi
    new = sum(t not in known for t in tokens)
    if not tokens or new * 2 <= len(tokens):
        return ""
    examples = " ".join(t for t in detector.vocab.itos[4:7])
    return (f"\n[yellow]{new} of {len(tokens)} tokens are new to {escape(model)}[/] (it reads "
            f"tokens like {escape(examples)}); for text, type /anomaly text in the chat")


class AnomalyScreen(Screen):
    """Browse the most anomalous sequences of a file (one sequence a line)."""

    DEFAULT_CSS = """
    AnomalyScreen { layout: vertical; }
    AnomalyScreen #path { height: 3; }
    AnomalyScreen #status { height: auto; max-height: 3; color: $text-muted; padding: 0 1; }
    AnomalyScreen #table { height: 9; }
    AnomalyScreen #detail { height: 1fr; padding: 0 1; border-top: solid $primary; }
    AnomalyScreen #below { height: 1fr; }
    AnomalyScreen #below > #detail { width: 1fr; }
    AnomalyScreen #bars { width: 1fr; border-top: solid $primary; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, ctx: PluginContext, path: str | None = None,
                 model: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.path = path
        self.model_name = model or DEFAULT_MODEL
        self.detector: Any = None
        self.rows: list[tuple[int, list[str], Any]] = []

    def compose(self) -> ComposeResult:
        yield Input(value=self.path or "", placeholder="file of sequences (one a line), Enter "
                    "to load", id="path")
        yield Static("", id="status")
        with Vertical():
            table: DataTable = DataTable(id="table", cursor_type="row", zebra_stripes=True)
            table.add_columns("line", "score", "len", "verdict", "first flagged")
            yield table
            from textseq_plugins.anomaly.surprisal_chart import SurprisalBars  # plotext

            with Horizontal(id="below"):
                yield Static("Pick a sequence to see its steps.", id="detail")
                yield SurprisalBars(id="bars")
        yield Footer()

    def on_mount(self) -> None:
        if self.path:
            self.load(self.path)
        else:
            self.query_one("#path", Input).focus()

    @on(Input.Submitted, "#path")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.load(event.value.strip())

    def load(self, path: str) -> None:
        """Score ``path`` in a worker and fill the table (most anomalous first)."""
        self.query_one("#status", Static).update(f"scoring {escape(path)} ...")
        self._score(path)

    @work(thread=True, exclusive=True, group="score")
    def _score(self, path: str) -> None:
        try:
            from textseq_plugins.anomaly.model import AnomalyDetector

            detector = self.ctx.registry.load(self.model_name, kind=KIND)
            if not isinstance(detector, AnomalyDetector):
                raise TextseqError(f"{self.model_name} is not an anomaly model")
            file = Path(path).expanduser()
            if not file.is_file():
                raise TextseqError(f"{path}: no such file")
            lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
            seqs = [line.split() for line in lines]
            scores = detector.score(seqs)
        except (TextseqError, OSError, UnicodeError) as err:
            self.app.call_from_thread(self._show_status, f"[red]{escape(str(err))}[/]")
            return
        ranked = sorted(range(len(seqs)), key=lambda i: -scores[i].score)
        rows = [(i, seqs[i], scores[i]) for i in ranked[:MAX_ROWS]]
        n_anom = sum(s.anomalous for s in scores)
        status = (f"{len(seqs)} sequences, {n_anom} anomalous ({escape(self.model_name)}); "
                  f"top {len(rows)} by score")
        self.app.call_from_thread(self._fill, detector, rows,
                                  status + unknown_note(seqs, detector, self.model_name))

    def _show_status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def _fill(self, detector: Any, rows: list[tuple[int, list[str], Any]], status: str) -> None:
        self.detector, self.rows = detector, rows
        table = self.query_one("#table", DataTable)
        table.clear()
        for i, seq, s in rows:
            first = (str(s.steps[0]) if s.steps else "end" if s.end_surprising else "-")
            table.add_row(str(i + 1), f"{s.score:.2f}", str(len(seq)),
                          "anomalous" if s.anomalous else "normal", first, key=str(i))
        self._show_status(status)
        if rows:
            table.focus()
            self._detail(0)

    @on(DataTable.RowHighlighted, "#table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        # An out-of-range row (while the table is refilled) must not start a worker: the
        # worker group is exclusive, so it would cancel the pending detail of a real row.
        if 0 <= event.cursor_row < len(self.rows):
            self._detail(event.cursor_row)

    @work(thread=True, exclusive=True, group="detail")
    def _detail(self, row: int) -> None:
        if not 0 <= row < len(self.rows):
            return
        from textseq_plugins.anomaly.plugin import sequence_markup

        i, seq, score = self.rows[row]
        shown = seq if len(seq) <= 400 else seq[:400]
        markup = sequence_markup(shown, _clip(score, len(shown)), self.detector)
        if len(seq) > 400:
            markup += f"\n(first 400 of {len(seq)} steps shown)"
        self.app.call_from_thread(self.query_one("#detail", Static).update,
                                  f"[b]line {i + 1}[/b]\n{markup}")
        self.app.call_from_thread(self.query_one("#bars").show, shown,
                                  _clip(score, len(shown)), getattr(self.detector, "threshold", None))


def _clip(score: Any, n: int) -> Any:
    """The score restricted to the first ``n`` steps (for display of huge sequences)."""
    if n >= score.length:
        return score
    from dataclasses import replace

    return replace(score, steps=[s for s in score.steps if s < n], end_surprising=False)
