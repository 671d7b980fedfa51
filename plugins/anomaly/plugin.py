"""The anomaly plugin object: its capabilities, wired to the host's plugin API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textseq_plugins import BuiltinPlugin, imported_on_call

import textseq_tui.plugin as api

if TYPE_CHECKING:
    import typer
    from sqlite_utils.migrations import Migrations

    from textseq_tui.plugin import PluginStore

DEFAULT_MODEL = "deeplog-hdfs"
#: The kind of the detectors this plugin loads (``registry.load(name, kind=KIND)``).
KIND = "next-token-rnn"
USAGE = "/anomaly TOKENS... | /anomaly text TEXT | /anomaly open [FILE]"


def sequence_markup(tokens: list[str], score: Any, detector: Any) -> str:
    """Rich markup for one scored sequence: each token coloured by its surprisal, flagged
    ones reversed, then the model's top predictions at the first flagged step."""
    from textseq_tui.plugin import escape

    parts = []
    for i, tok in enumerate(tokens):
        style = surprisal_style(float(score.surprisal[i]), i in score.steps)
        parts.append(f"[{style}]{escape(tok)}[/]")
    if score.end_surprising:
        parts.append("[reverse red]<end>[/]")
    lines = [" ".join(parts) or "(empty)",
             f"score {score.score:.2f} nats · "
             + ("[red]anomalous[/]" if score.anomalous else "[green]normal[/]")]
    flagged = score.steps[:1] or ([len(tokens)] if score.end_surprising else [])
    for i in flagged:
        preds = detector.top_predictions(tokens[:i], k=5)
        shown = ", ".join(f"{escape(t)} {p:.0%}" for t, p in preds)
        real = escape(tokens[i]) if i < len(tokens) else "<end>"
        lines.append(f"step {i}: got {real} (rank {int(score.ranks[i]) + 1}); expected {shown}")
    if score.anomalous and getattr(score, "counts", None):
        lines.append("breaks counts that hold in normal sessions: " + escape("; ".join(score.counts)))
    return "\n".join(lines)


def surprisal_style(nats: float, flagged: bool) -> str:
    """A Rich style for a step's surprisal: green < 1 nat, yellow < 3, orange < 6, red."""
    colour = ("green" if nats < 1 else "yellow" if nats < 3
              else "dark_orange" if nats < 6 else "red")
    return f"reverse {colour}" if flagged else colour


def _slash(args: str, ctx: api.PluginContext) -> api.CommandResult:
    from textseq_tui.plugin import BadInput

    head, _, rest = args.strip().partition(" ")
    if not head:
        return api.CommandResult(text=f"usage: {USAGE}")
    if head == "open":
        return api.CommandResult(
            text="opening the anomaly browser",
            open_screen=api.OpenScreen("anomaly", {"path": rest.strip() or None}))
    if head == "text":
        from textseq_plugins.anomaly.textmode import judge_text, render_markup

        if not rest.strip():
            raise BadInput("usage: /anomaly text TEXT")
        result = judge_text(ctx.registry, rest.strip())
        return api.CommandResult(text=render_markup(result), data=result)
    from textseq_plugins.anomaly.model import AnomalyDetector

    detector = ctx.registry.load(DEFAULT_MODEL, kind=KIND)
    if not isinstance(detector, AnomalyDetector):
        raise BadInput(f"{DEFAULT_MODEL} is not an anomaly model")
    tokens = args.split()
    score = detector.score([tokens])[0]
    return api.CommandResult(text=sequence_markup(tokens, score, detector),
                             data={"sequence": 0, **score.summary()})


class AnomalyPlugin(BuiltinPlugin):
    name = "anomaly"
    title = "Anomaly"
    description = "Flag surprising steps in sequences with a next-token model."

    def model_specs(self) -> list[api.ModelSpec]:
        return [api.ModelSpec(
            KIND, imported_on_call("textseq_plugins.anomaly.model", "load_detector"),
            default=DEFAULT_MODEL,
            description="next-token GRU/LSTM anomaly detector (top-g + threshold)")]

    def slash_commands(self) -> list[api.SlashCommand]:
        return [api.SlashCommand("anomaly", "score a sequence (default model: HDFS log keys), "
                                 "the surprising words of a text, or open the browser",
                                 _slash, usage=USAGE)]

    def screens(self) -> list[api.ScreenSpec]:
        return [api.ScreenSpec("anomaly", "Anomaly browser",
                               imported_on_call("textseq_plugins.anomaly.screen", "AnomalyScreen"),
                               help="load a file of sequences; browse the most anomalous")]

    def cli(self) -> typer.Typer:
        from textseq_plugins.anomaly.cli import build_cli

        return build_cli(self)

    def annotators(self) -> list[Any]:
        # One instance for the plugin's life: the host asks for annotators on every message,
        # and the instance remembers that it already said the character model is missing.
        if getattr(self, "_annotator", None) is None:
            from textseq_plugins.anomaly.textmode import SurpriseAnnotator

            self._annotator = SurpriseAnnotator(self.context.registry)
        return [self._annotator]

    def migrations(self) -> Migrations:
        from textseq_plugins.anomaly.migrations import migrations

        return migrations

    def scores(self, store: PluginStore) -> list[dict[str, Any]]:
        """The latest scans: source, model, sequences, anomalous, events per second."""
        rows = store.rows("scans", order_by="id desc", limit=20)
        return [{"source": r["source"], "model": r["model"], "sequences": r["sequences"],
                 "anomalous": r["anomalous"],
                 "events_per_s": round(r["events"] / r["seconds"]) if r["seconds"] else None}
                for r in rows]
