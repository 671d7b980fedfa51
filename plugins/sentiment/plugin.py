"""The sentiment plugin object: its capabilities, wired to the host's plugin API."""

from __future__ import annotations

from typing import Any

from textseq_plugins import BuiltinPlugin, imported_on_call

import textseq_tui.plugin as api

MODEL_KIND = "sentiment-linear"
DEFAULT_MODEL = "sentiment-enet"


class SentimentPlugin(BuiltinPlugin):
    name = "sentiment"
    title = "Sentiment"
    description = "A live sentiment score from an elastic-net bag-of-words model."

    def __init__(self) -> None:
        super().__init__()
        self._scorer: Any = None

    def start(self, ctx: api.PluginContext) -> None:
        super().start(ctx)
        # the plugin object is a module singleton: a new host (another --home) starts it
        # again, and the scorer must follow the new context
        self._scorer = None

    def warmup(self) -> None:
        """Load the model (and the user's corrections) before the first message is annotated."""
        self.scorer().explain("warm up")

    def scorer(self) -> Any:
        """The shared personal scorer (created on first use, after start)."""
        if self._scorer is None:
            from textseq_plugins.sentiment.scoring import SentimentScorer

            self._scorer = SentimentScorer(self.context)
        return self._scorer

    def _slash(self, args: str, ctx: api.PluginContext) -> api.CommandResult:
        if not args.strip():
            return api.CommandResult(text="opening the sentiment meter",
                                     open_screen=api.OpenScreen("sentiment"))
        from textseq_plugins.sentiment.explain import explanation_line, label_for

        from textseq_tui.plugin import escape

        exp = self.scorer().explain(args)
        self.scorer().record(args, exp.score, "slash")
        color = {"positive": "green", "negative": "red"}.get(exp.mood, "yellow")
        text = f"[{color}]{label_for(exp.score)}[/]"
        if exp.contributions:
            text += f"  {escape(explanation_line(exp))}"
        if exp.note:
            text += f"  [dim]{escape(exp.note)}[/]"
        return api.CommandResult(text=text, data={
            "text": args, "score": round(exp.score, 4),
            "words": [(c.term, round(c.share, 4)) for c in exp.contributions[:5]],
            "note": exp.note})

    def slash_commands(self) -> list[api.SlashCommand]:
        return [api.SlashCommand("sentiment", "score a text and show the words that drove it "
                                 "(no text: open the meter)", self._slash, usage="/sentiment TEXT")]

    def screens(self) -> list[api.ScreenSpec]:
        return [api.ScreenSpec(
            "sentiment", "Sentiment meter",
            imported_on_call("textseq_plugins.sentiment.screen", "SentimentScreen"),
            help="type; the meter and the driving words follow each keystroke")]

    def model_specs(self) -> list[api.ModelSpec]:
        loader = imported_on_call("textseq_plugins.sentiment.model", "load_model")
        return [api.ModelSpec(MODEL_KIND, loader, default=DEFAULT_MODEL,
                              description="n-gram elastic net (+ lexicon feature), -1..+1")]

    def annotators(self) -> list[Any]:
        from textseq_plugins.sentiment.scoring import SentimentAnnotator

        return [SentimentAnnotator(self.scorer())]

    def cli(self) -> Any:
        from textseq_plugins.sentiment.cli import build_cli

        return build_cli(self)

    def migrations(self) -> Any:
        from textseq_plugins.sentiment.migrations import migrations

        return migrations

    def scores(self, store: Any) -> list[dict[str, Any]]:
        rows = store.rows("scores")
        if not rows:
            return []
        by_model: dict[tuple[str, str], list[float]] = {}
        for r in rows:
            by_model.setdefault((r["model"], r["version"]), []).append(r["score"])
        corrections = len(store.rows("corrections"))
        return [{"model": m, "version": v, "scored": len(s),
                 "mean_score": round(sum(s) / len(s), 3), "corrections": corrections}
                for (m, v), s in sorted(by_model.items())]
