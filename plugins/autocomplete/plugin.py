"""The autocomplete plugin object: its capabilities, wired to the host's plugin API.

Everything heavy (torch, the model, the screen) is imported inside the methods.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textseq_plugins import BuiltinPlugin
from textseq_plugins.autocomplete.personal import (
    DEFAULT_MODEL,
    KIND,
    Personal,
    PersonalLearner,
)
from textseq_plugins.autocomplete.personal import model_name as _model_name

import textseq_tui.plugin as api

if TYPE_CHECKING:
    import typer
    from sqlite_utils.migrations import Migrations

    from textseq_tui.plugin import PluginStore


#: seconds the warm-up waits, after the word layer is ready, for a first ghost text from it
#: before it loads the character model; and then for the app to show it
WORDS_FIRST_S = 1.5
SHOW_S = 0.2


def _load(model_dir: Any, device: str) -> Any:
    from textseq_plugins.autocomplete.model import load_char_model

    return load_char_model(model_dir, device)


def _write(args: str, ctx: api.PluginContext) -> api.CommandResult:
    """``/write TEXT``: continue TEXT with 200 sampled characters at temperature 0.8."""
    from textseq_tui.plugin import escape

    if not args.strip():
        raise api.BadInput("usage: /write TEXT — the model continues TEXT")
    model = ctx.registry.load(_model_name(ctx), kind=KIND)
    temperature = float(ctx.settings.get("temperature", 0.8))
    more = model.write(args, n_chars=200, temperature=temperature)
    return api.CommandResult(text=f"{escape(args)}[bold]{escape(more)}[/]",
                             data={"text": args, "continuation": more, "temperature": temperature})


def _complete(args: str, ctx: api.PluginContext) -> api.CommandResult:
    """``/complete TEXT``: the top completions of TEXT's last word, with probabilities."""
    from textseq_plugins.autocomplete.word_completer import WordCompleter
    from textseq_plugins.autocomplete.word_layer import WordLayers

    from textseq_tui.plugin import escape

    if not args:
        raise api.BadInput("usage: /complete TEXT — suggestions for how TEXT's last word ends")
    name = _model_name(ctx)
    result = WordCompleter(ctx.registry.load(name, kind=KIND),
                           layer=WordLayers(ctx.registry).get(name)).complete(args, n=3)
    lines = [f"{escape(args)}[bold]{escape(s['completion'])}[/]  p={s['prob']:.2f}"
             for s in result["suggestions"]]
    return api.CommandResult(text="\n".join(lines) or "no likely completion", data=result)


def _type(args: str, ctx: api.PluginContext) -> api.CommandResult:
    """``/type [MODE]``: the typing session, in MODE (``30``, ``60s``, ``25w``, ``free``) or
    the mode used last."""
    if not args.strip():
        return api.CommandResult(text="opening the typing session (Ctrl+T: mode · Esc: leave)",
                                 open_screen=api.OpenScreen("typing"))
    from textseq_plugins.autocomplete.typing_test import Mode

    mode = Mode.parse(args)  # api.BadInput names the modes
    return api.CommandResult(text=f"opening the typing session: {mode.label} (Ctrl+T: mode · Esc: leave)",
                             open_screen=api.OpenScreen("typing", {"mode": mode.label}))


def _typing_history(ctx: api.PluginContext, **kwargs: Any) -> Any:
    from textseq_plugins.autocomplete.typing_history import (
        TypingHistoryScreen,  # plotext: only here
    )

    return TypingHistoryScreen(ctx)


class AutocompletePlugin(BuiltinPlugin):
    name = "autocomplete"
    title = "Autocomplete"
    description = "Ghost-text word completion: a character RNN, a word list and your own words."

    def __init__(self) -> None:
        super().__init__()
        self._provider: Any = None
        self._personal: Personal | None = None
        self._layers: Any = None

    def start(self, ctx: api.PluginContext) -> None:
        super().start(ctx)
        # A (re)start gets fresh state: the history and provider belong to this context.
        self._provider = None
        self._personal = None
        self._layers = None

    @property
    def personal(self) -> Personal:
        if self._personal is None:
            self._personal = Personal(self.context)
        return self._personal

    @property
    def word_layers(self) -> Any:
        """The models' word layers (``word_layer.WordLayers``), read once per model."""
        if self._layers is None:
            from textseq_plugins.autocomplete.word_layer import WordLayers

            self._layers = WordLayers(self.context.registry)
        return self._layers

    def warmup(self) -> None:
        """What the first keystroke needs first, without torch: the word layer, the English
        list and the personal history (the ghost text can start from them); then the
        character model (and torch) with its int8 keystroke copy starts loading in a
        background thread, and the warm-up returns (the host starts the other plugins'
        warm-ups after the completion providers')."""
        provider = self.completion_provider()
        provider.prepare()
        # torch's import holds the interpreter for most of a second: let a first ghost text
        # from the words reach the screen before it (if the user types at once)
        if provider.answered.wait(WORDS_FIRST_S):
            time.sleep(SHOW_S)
        self.personal.ready_model(_model_name(self.context), start=True)

    def model_specs(self) -> list[api.ModelSpec]:
        return [api.ModelSpec(KIND, _load, default=DEFAULT_MODEL,
                              description="character-level GRU/LSTM language model; the loaded "
                              "object has char_surprisals(text), nats_per_char(text), write(text)")]

    def slash_commands(self) -> list[api.SlashCommand]:
        return [
            api.SlashCommand("write", "continue the text with the character model", _write,
                             usage="/write TEXT"),
            api.SlashCommand("complete", "how the last word may end (top 3, with probabilities)",
                             _complete, usage="/complete TEXT"),
            api.SlashCommand("type", "a typing test (15/30/60 s, 10/25/50 words) or free typing "
                             "with ghost text", _type, usage="/type [30|60s|25w|free]"),
        ]

    def screens(self) -> list[api.ScreenSpec]:
        def typing(ctx: api.PluginContext, **kwargs: Any) -> Any:
            from textseq_plugins.autocomplete.screen import TypingScreen

            return TypingScreen(ctx, model_name=kwargs.get("model", _model_name(ctx)),
                                personal=self.personal, mode=kwargs.get("mode"),
                                seed=kwargs.get("seed"), clock=kwargs.get("clock"),
                                layers=self.word_layers)

        return [
            api.ScreenSpec("typing", "Typing session", typing,
                           help="typing tests (timed or by words) and free typing with ghost text"),
            api.ScreenSpec("typing-history", "Typing history", _typing_history,
                           help="every session in a table beside a chart; personal bests per mode"),
        ]

    def cli(self) -> typer.Typer:
        from textseq_plugins.autocomplete.cli import build_cli

        return build_cli(self.lazy_context)

    def completion_provider(self) -> Any:
        if self._provider is None:
            from textseq_plugins.autocomplete.ghost_text import GhostTextProvider
            from textseq_plugins.autocomplete.policy import policy_settings

            ctx = self.context
            self._provider = GhostTextProvider(
                lambda start: self.personal.ready_model(_model_name(ctx), start=start),
                lambda: self.word_layers.get(_model_name(ctx)),
                personal=self.personal, policy=policy_settings(ctx.settings))
        return self._provider

    def message_listeners(self) -> list[Any]:
        return [PersonalLearner(self.context, self.personal)]

    def migrations(self) -> Migrations:
        from textseq_plugins.autocomplete.migrations import migrations

        return migrations

    def scores(self, store: PluginStore) -> list[dict[str, Any]]:
        rows = store.rows("sessions", order_by="wpm desc", limit=10)
        return [{"session": r["id"], "mode": r.get("mode") or "free",
                 "wpm": round(r["wpm"], 1), "accuracy": r.get("accuracy"),
                 "chars": r["chars"], "keystrokes": r["keystrokes"],
                 "saved": r["keystrokes_saved"],
                 "saved_pct": round(100 * r["keystrokes_saved"] / max(1, r["chars"]), 1),
                 "model": r["model"]} for r in rows]
