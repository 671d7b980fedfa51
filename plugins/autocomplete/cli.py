"""``textseq autocomplete ...``: complete, write, eval, learn, forget (and ``train``, in
``train_command``).

Every command is a plain function at module level; ``build_cli`` puts them in a Typer app
(``cli_io.command_group``) whose context carries the plugin's context (``context_of``: a
``PluginContext``, read when the command runs). torch is imported inside the commands only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from textseq_plugins.autocomplete.personal import DEFAULT_MODEL, KIND
from textseq_plugins.autocomplete.personal import model_name as settings_model

from textseq_tui.plugin import BadInput, PluginContext, cli_io


def build_cli(ctx: PluginContext) -> typer.Typer:
    """The Typer sub-app; ``ctx`` is the plugin's context (a ``LazyContext`` is fine: it is
    read when a command runs), the ``obj`` its commands find with ``context_of``."""
    from textseq_plugins.autocomplete.train_command import train_cmd

    return cli_io.command_group(
        "Character-RNN completion: train, eval, complete, write, learn.",
        {"train": train_cmd, "eval": eval_cmd, "learn": learn_cmd, "forget": forget_cmd,
         "complete": complete_cmd, "write": write_cmd}, obj=ctx)


def context_of(command: typer.Context) -> PluginContext:
    """The plugin context the running command belongs to."""
    return cli_io.command_object(command)


def eval_cmd(
    command: typer.Context,
    corpus: Path = typer.Option(..., "--corpus", help="UTF-8 text to score."),
    model: str | None = typer.Option(None, "--model",
                                     help="Model name (default: the one ghost text uses)."),
    split: str = typer.Option("all", "--split",
                              help="all | val (the last 10 %, as in training)."),
    savings_chars: int = typer.Option(2000, "--savings-chars",
                                      help="Characters replayed for keystroke savings."),
    no_personal: bool = typer.Option(False, "--no-personal",
                                     help="Leave the personal history out."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """What this home's user would be shown: nats/char of the character model, and the
    keystroke savings and precision of the ghost text (the model, its word layer and the
    personal history) replayed on the first --savings-chars characters, with the thresholds
    following the hit rate from settings' min_prob towards target_precision
    (threshold_shift: where they ended)."""
    from textseq_plugins.autocomplete.completer import evaluate_text
    from textseq_plugins.autocomplete.policy import policy_settings
    from textseq_plugins.autocomplete.text_input import read_corpus, split_corpus
    from textseq_plugins.autocomplete.word_layer import WordLayers

    ctx = context_of(command)
    text = read_corpus(corpus)
    if split == "val":
        text = split_corpus(text)[1]
    elif split != "all":
        raise BadInput(f"--split must be 'all' or 'val', not {split!r}")
    name = model or settings_model(ctx)
    policy = policy_settings(ctx.settings)
    layer = WordLayers(ctx.registry, policy).get(name)
    personal, note, loaded = None, "", None
    if not no_personal:
        from textseq_plugins.autocomplete import history
        from textseq_plugins.autocomplete.adapt import home_model

        personal = history.load(ctx.store)
        loaded, note = home_model(ctx, name)  # the adapted model when there is one
    loaded = loaded or ctx.registry.load(name, kind=KIND)
    result = evaluate_text(loaded, text, savings_chars=savings_chars, personal=personal,
                           layer=layer, policy=policy)
    result["personal_words"] = len(personal) if personal is not None else 0
    result["adapted"] = "adapted" in loaded.info
    result["word_layer"] = layer_summary(layer)
    if note or layer.note:
        result["note"] = "; ".join(n for n in (note, layer.note) if n)
    cli_io.emit({"model": name, **result}, cli_io.want_json(as_json))


def layer_summary(layer: Any) -> dict[str, Any]:
    """What a word layer holds, for ``eval``: its own words, the background's name, the
    weight between them."""
    return {"own_words": len(layer.own) if layer.own is not None else 0,
            "background": layer.background_name or None,
            "own_weight": layer.own_weight if layer.background is not None else None}


def learn_cmd(
    command: typer.Context,
    input_file: str = typer.Option(..., "--input",
                                   help="A UTF-8 text of yours (notes, mail); - = stdin."),
    adapt: bool = typer.Option(True, "--adapt/--no-adapt",
                               help="Then adapt the character model to your text."),
    steps: int | None = typer.Option(None, "--steps",
                                     help="Most adaptation steps (default 200)."),
    minutes: float | None = typer.Option(None, "--minutes",
                                         help="Adaptation time budget (default 2)."),
    threads: int | None = typer.Option(None, "--threads", help="torch CPU threads."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Add a text's words and word pairs to your personal history (kept in this home's
    database; the ghost text uses them), then adapt the character model to all your
    stored text (a short fine-tune on this CPU, saved in the home). To make a model of a
    corpus of your own instead (longer), use `train`."""
    from textseq_plugins.autocomplete import history

    ctx = context_of(command)
    want = cli_io.want_json(as_json)
    result = _with_progress(lambda tick: history.learn_stream(ctx.store, input_file, tick),
                            quiet=want)
    result["history"] = history.summary(ctx.store)
    if not ctx.settings.get("learn", True):
        result["note"] = "learning from chat is off in settings (learn: false)"
    source = "stdin" if input_file == "-" else input_file
    text = (f"learned {result['words']:,} words from {source}; your history holds "
            f"{result['history']['words']:,} distinct words")
    if adapt:
        result["adapted"] = _adapt(ctx, steps, minutes, threads, quiet=want)
        a = result["adapted"]
        text += ("\nthe character model was not adapted: " + a["skipped"] if "skipped" in a
                 else f"\nadapted the character model to your {a['chars']:,} characters: "
                 f"{a['steps']} steps in {a['seconds']:.0f} s")
    cli_io.emit(result, want, text=text)


def forget_cmd(command: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Delete your whole personal history: words, text, the adapted model and the ghost
    text's calibration."""
    ctx = context_of(command)
    n, model = forget_everything(ctx)
    text = (f"forgot your personal history ({n:,} distinct words"
            f"{' and the adapted model' if model else ''})" if n or model
            else "nothing to forget: the personal history is empty")
    cli_io.emit({"forgotten_words": n, "forgotten_model": model},
                cli_io.want_json(as_json), text=text)


def complete_cmd(
    command: typer.Context,
    text: str | None = typer.Argument(None, help="Text typed so far."),
    n: int = typer.Option(3, "-n", help="How many suggestions at most."),
    words: int = typer.Option(1, "--words", help="Complete this many words at most."),
    model: str = typer.Option(DEFAULT_MODEL, "--model", help="Model name."),
    input_file: str | None = typer.Option(None, "--input", help="One text a line (- stdin)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Suggest how to finish the current word (or the next word) after TEXT: the word
    layer's top candidates (with --words > 1, the character model's beam search)."""
    from textseq_plugins.autocomplete.completer import Completer
    from textseq_plugins.autocomplete.word_completer import WordCompleter
    from textseq_plugins.autocomplete.word_layer import WordLayers

    ctx = context_of(command)
    if text is None and input_file is None:
        raise BadInput("give TEXT or --input FILE")
    loaded = ctx.registry.load(model, kind=KIND)
    completer: Any = (Completer(loaded) if words > 1
                      else WordCompleter(loaded, layer=WordLayers(ctx.registry).get(model)))
    for line_no, item in cli_io.input_items(text, input_file):
        try:
            result = completer.complete(item, n=n, words=words)
        except BadInput as err:
            cli_io.refuse(line_no, err)
            continue
        shown = "\n".join(f"{s['completion']!r}  p={s['prob']:.3f}"
                          for s in result["suggestions"]) or "(no suggestion)"
        cli_io.emit(result, cli_io.want_json(as_json), text=shown, line=line_no)


def write_cmd(
    command: typer.Context,
    text: str = typer.Argument(..., help="Text to continue."),
    chars: int = typer.Option(200, "--chars", help="Characters to write."),
    temperature: float = typer.Option(0.8, "--temperature", help="> 0; lower is safer."),
    seed: int | None = typer.Option(None, "--seed"),
    model: str = typer.Option(DEFAULT_MODEL, "--model"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Continue TEXT by sampling from the model (the /write command)."""
    ctx = context_of(command)
    continuation = ctx.registry.load(model, kind=KIND).write(text, chars, temperature, seed)
    cli_io.emit({"text": text, "continuation": continuation}, cli_io.want_json(as_json),
                text=text + continuation)


def forget_everything(ctx: PluginContext) -> tuple[int, bool]:
    """``forget``: the history, its text, calibration and the adapted model, under one
    write lock (learning in flight then stops, see history.py); returns (distinct words
    forgotten, whether there was an adapted model)."""
    from textseq_plugins.autocomplete import history
    from textseq_plugins.autocomplete.adapt import forget_model

    with ctx.store.transaction():
        return history.forget(ctx.store), forget_model(ctx)


def _adapt(ctx: PluginContext, steps: int | None, minutes: float | None, threads: int | None,
           quiet: bool) -> dict[str, Any]:
    """Adapt the ghost text's model to the home's personal text (``learn``); a progress bar
    on a terminal. Too little text is not an error: ``{"skipped": why}``."""
    import sys

    from textseq_plugins.autocomplete.adapt import AdaptOptions, adapt_home

    opts = AdaptOptions()
    if steps is not None:
        opts.steps = max(1, steps)
        opts.min_steps = min(opts.min_steps, opts.steps)
    if minutes is not None:
        opts.minutes = minutes
    name = settings_model(ctx)
    from textseq_plugins.autocomplete.history import Forgotten

    try:
        info = adapt_home(ctx, name, opts, progress=not quiet and sys.stderr.isatty(),
                          threads=threads)
    except (BadInput, Forgotten) as err:
        return {"skipped": str(err)}
    return {"model": name, **{k: v for k, v in info.items() if k != "options"}}


def _with_progress(work: Any, quiet: bool) -> Any:
    """Run ``work(tick)`` with a progress bar on stderr fed by ``tick(done, total)``."""
    import sys

    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    if quiet or not sys.stderr.isatty():
        return work(lambda done, total: None)
    with Progress(TextColumn("learning"), BarColumn(), DownloadColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("learn", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        return work(tick)
