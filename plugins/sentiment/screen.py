"""The sentiment meter: type, and the meter and the driving words follow every keystroke."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static

from textseq_tui.plugin import escape

METER_WIDTH = 41


def meter_text(score: float, width: int = METER_WIDTH) -> Text:
    """A -1..+1 bar: red left of centre, green right, a marker at the score."""
    pos = round((max(-1.0, min(1.0, score)) + 1.0) / 2.0 * (width - 1))
    mid = (width - 1) // 2
    bar = Text()
    for i in range(width):
        if i == pos:
            bar.append("█", style="bold yellow")
        elif min(pos, mid) <= i <= max(pos, mid):
            bar.append("━", style="green" if score > 0 else "red")
        else:
            bar.append("─", style="dim")
    from textseq_plugins.sentiment.explain import label_for

    return Text.assemble("-1 ", bar, " +1   ", (label_for(score), "bold"))


def explanation_markup(exp: Any) -> str:
    """How the score adds up: each word's share, the other words', the model's lean, and
    the score they sum to (rounded so that the numbers shown add up)."""
    from textseq_plugins.sentiment.explain import LEAN, OTHER_WORDS, explanation_parts

    if not exp.contributions:
        return f"[dim]{escape(exp.note) if exp.note else 'no words yet'}[/]"
    lines = []
    for what, value in explanation_parts(exp):
        color = "green" if value > 0 else "red" if value < 0 else "dim"
        name = f"[dim]{what}[/]" if what in (OTHER_WORDS, LEAN) else escape(what)
        lines.append(f"[{color}]{value:+.2f}[/]  {name}")
    lines.append(f"[b]{round(exp.score, 2):+.2f}[/]  [b]the score[/] [dim](the sum)[/]")
    if exp.note:
        lines.append(f"[dim]{escape(exp.note)}[/]")
    return "\n".join(lines)


class SentimentScreen(Screen):
    """Input, meter, the words that pushed the score (weight x count), corrections."""

    DEFAULT_CSS = """
    SentimentScreen { layout: vertical; padding: 0 1; }
    SentimentScreen #title { height: 1; text-style: bold; }
    SentimentScreen #text { margin: 1 0 0 0; }
    SentimentScreen #meter { height: 1; margin: 1 0 0 0; }
    SentimentScreen #words { height: 1fr; min-height: 5; border: round $primary; }
    SentimentScreen #below { height: 1fr; min-height: 7; }
    SentimentScreen #below > #words { width: 1fr; height: 1fr; }
    SentimentScreen #trend { width: 1fr; height: 1fr; border: round $primary; }
    SentimentScreen #status { height: 1; color: $text-muted; }
    SentimentScreen #buttons { height: 3; }
    SentimentScreen Button { margin: 0 1 0 0; min-width: 12; }
    """
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, ctx: Any, text: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctx = ctx
        self.initial = text
        self.scorer: Any = None
        self.last_score: float | None = None

    def compose(self) -> ComposeResult:
        yield Static("Sentiment meter: type a text (Esc: back)", id="title")
        yield Input(value=self.initial, placeholder="How was your day?", id="text",
                    select_on_focus=False)  # typing goes on after the text, never over it
        yield Static(meter_text(0.0), id="meter")
        from textseq_plugins.sentiment.trend import SentimentTrend  # plotext: only here

        with Horizontal(id="below"):
            yield Static("", id="words")
            yield SentimentTrend(self.ctx.store, id="trend")
        yield Static("loading the model...", id="status")
        with Horizontal(id="buttons"):
            yield Button("It's positive", id="pos", variant="success")
            yield Button("It's negative", id="neg", variant="error")
            yield Button("Reset", id="reset")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#text", Input).focus()
        self.load_model()

    @work(thread=True, exclusive=True, group="sentiment-load")
    def load_model(self) -> None:
        from textseq_plugins.sentiment.scoring import SentimentScorer

        try:
            scorer = SentimentScorer(self.ctx)
            scorer.model  # noqa: B018 — load (and verify) now, off the UI thread
        except Exception as err:  # noqa: BLE001 — shown to the user, not raised into Textual
            self.app.call_from_thread(self._set_status, f"[red]{escape(str(err))}[/]")
            return
        self.app.call_from_thread(self._ready, scorer)

    def _ready(self, scorer: Any) -> None:
        self.scorer = scorer
        self._set_status(f"model {scorer.model_name} v{scorer.model.version}")
        self.rescore(self.query_one("#text", Input).value)

    def _set_status(self, markup: str) -> None:
        self.query_one("#status", Static).update(markup)

    @on(Input.Changed, "#text")
    def _changed(self, event: Input.Changed) -> None:
        if self.scorer is not None:
            self.rescore(event.value)

    @work(thread=True, exclusive=True, group="sentiment-score")
    def rescore(self, text: str) -> None:
        exp = self.scorer.explain(text)
        self.app.call_from_thread(self._show, text, exp)

    def _show(self, text: str, exp: Any) -> None:
        if text != self.query_one("#text", Input).value:
            return  # a stale answer: the text has moved on
        self.last_score = exp.score
        self.query_one("#meter", Static).update(meter_text(exp.score))
        self.query_one("#trend").current = exp.score
        self.query_one("#words", Static).update(explanation_markup(exp))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if self.scorer is None:
            return
        text = self.query_one("#text", Input).value
        if event.button.id == "reset":
            self.apply("reset", text)
        elif text.strip():
            self.apply(event.button.id or "", text)
        else:
            self._set_status("type a text first, then say what it really is")

    @work(thread=True, exclusive=True, group="sentiment-correct")
    def apply(self, action: str, text: str) -> None:
        try:
            if action == "reset":
                n = self.scorer.reset()
                msg = f"personal model reset ({n} terms)"
            else:
                corr = self.scorer.correct(text, action)
                self.scorer.record(text, corr.after, "correction")
                msg = f"learned: {corr.before:+.2f} -> {corr.after:+.2f}"
        except Exception as err:  # noqa: BLE001 — shown to the user
            msg = f"[red]{escape(str(err))}[/]"
        self.app.call_from_thread(self._set_status, msg)
        exp = self.scorer.explain(text)
        self.app.call_from_thread(self._show, text, exp)
