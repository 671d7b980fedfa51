"""``textseq autocomplete ...``: train, eval, complete and write from the command line.

Built lazily by ``AutocompletePlugin.cli()``; torch is imported inside the commands only.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import typer
from textseq_plugins.autocomplete.plugin import KIND

from textseq_tui.plugin import BadInput, PluginContext, cli_io

DEFAULT_MODEL = "char-rnn-english"
PLUGIN = "autocomplete"


def build_cli(ctx_getter: Any) -> typer.Typer:
    """The Typer sub-app; ``ctx_getter()`` returns the plugin's started ``PluginContext``."""
    app = typer.Typer(help="Character-RNN completion: train, eval, complete, write.",
                      no_args_is_help=True)

    @app.command("train")
    def train_cmd(
        corpus: Path = typer.Option(..., "--corpus", help="UTF-8 text file to learn from."),
        name: str = typer.Option("char-rnn", "--name", help="Model name in the registry."),
        minutes: float = typer.Option(5.0, "--minutes",
                                      help="Wall-clock budget in minutes (0: none, with --steps)."),
        steps: int | None = typer.Option(None, "--steps",
                                         help="Optimizer steps (default: fit --minutes)."),
        device: str | None = typer.Option(None, "--device", help="auto | cpu | cuda | cuda:N "
                                          "(default: textseq --device)."),
        resume: bool = typer.Option(False, "--resume",
                                    help="Continue the interrupted run of --name."),
        cell: str = typer.Option("gru", "--cell", help="gru | lstm."),
        hidden: int = typer.Option(384, "--hidden", help="Hidden units per layer."),
        layers: int = typer.Option(2, "--layers", help="Recurrent layers."),
        embed: int = typer.Option(64, "--embedding", "--embed", help="Character embedding size."),
        dropout: float = typer.Option(0.1, "--dropout", help="Dropout (embedding, layers)."),
        batch_size: int = typer.Option(32, "--batch-size", help="Lanes per batch (per rank)."),
        seq_len: int = typer.Option(128, "--seq-len", help="Characters per BPTT window."),
        lr: float = typer.Option(3e-3, "--lr", help="Peak AdamW learning rate."),
        seed: int = typer.Option(0, "--seed"),
        eval_every: int = typer.Option(200, "--eval-every", help="Steps between evaluations."),
        threads: int | None = typer.Option(None, "--threads", help="torch CPU threads."),
        out: Path | None = typer.Option(None, "--out",
                                        help="Write the model directory here instead of the "
                                        "registry (e.g. models/char-rnn-shakespeare)."),
        init: str | None = typer.Option(None, "--init",
                                        help="Start from this model's weights (a registry name "
                                        "or a model folder): train a shipped model further; "
                                        "its shape and vocabulary win over --cell/--hidden/..."),
        quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
        as_json: bool = typer.Option(False, "--json", help="Print the card metrics as JSON."),
    ) -> None:
        """Train a character model on --corpus (90 % train, last 10 % held out)."""
        from textseq_plugins.autocomplete.train import TrainOptions, read_corpus

        ctx: PluginContext = ctx_getter()
        ctx.check_out(out)
        text = read_corpus(corpus)  # fails fast on bad input, before torch is imported
        import torch

        from textseq_tui.ml.device import choose_device, describe_device, is_main_process

        if threads:
            torch.set_num_threads(threads)
        opts = TrainOptions(cell=cell, embed=embed, hidden=hidden, layers=layers,
                            dropout=dropout, batch=batch_size, seq_len=seq_len, lr=lr,
                            steps=steps, minutes=minutes if minutes > 0 else None, seed=seed,
                            eval_every=eval_every)
        if opts.minutes is None and steps is None:
            raise BadInput("--minutes 0 (no time limit) needs --steps")
        from textseq_plugins.autocomplete.train import train_char_model

        from textseq_tui.ml.trainer import ddp_cleanup, ddp_setup

        rank, world = ddp_setup()
        dev = choose_device(device or ctx.device)
        main = is_main_process()
        run_id = None
        if main:
            run_id = ctx.store.start_run(name, {**opts.__dict__, "corpus": str(corpus),
                                                "world_size": world}, describe_device(dev))

        def on_metrics(step: int, metrics: dict[str, float]) -> None:
            ctx.store.log_metrics(run_id, step, metrics)  # type: ignore[arg-type]

        ckpt = ctx.cache_dir() / "checkpoints" / f"{name}.pt"
        start = None
        if init is not None:
            from textseq_plugins.autocomplete.model import CharModel, load_char_model

            start = (load_char_model(Path(init)) if Path(init).is_dir()
                     else ctx.registry.load(init, kind=KIND))
            if not isinstance(start, CharModel):
                raise BadInput(f"--init {init}: not a character model")
            opts.init = init
        try:
            outcome = train_char_model(text, opts, device=str(dev), checkpoint_path=ckpt,
                                       resume=resume, on_metrics=on_metrics if main else None,
                                       progress=not quiet and main, init=start)
        except BaseException:
            if run_id is not None:
                ctx.store.finish_run(run_id, "failed")
            ddp_cleanup()
            raise
        if main:
            info = save_trained(ctx, outcome, name=name, corpus=corpus, out=out,
                                device_desc=describe_device(dev))
            ctx.store.finish_run(run_id, "done", outcome.metrics)  # type: ignore[arg-type]
            cli_io.emit({"model": name, "path": str(info), **outcome.metrics},
                        cli_io.want_json(as_json),
                        text=_train_summary(name, info, outcome.metrics))
        ddp_cleanup()

    @app.command("eval")
    def eval_cmd(
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
        keystroke savings and precision of the ghost text (default model + word layer +
        personal history) replayed on the first --savings-chars characters, with the
        thresholds following the hit rate from settings' min_prob towards target_precision
        (threshold_shift: where they ended)."""
        from textseq_plugins.autocomplete.completer import evaluate_text
        from textseq_plugins.autocomplete.train import read_corpus, split_corpus

        ctx: PluginContext = ctx_getter()
        text = read_corpus(corpus)
        if split == "val":
            text = split_corpus(text)[1]
        elif split != "all":
            raise BadInput(f"--split must be 'all' or 'val', not {split!r}")
        name = model or str(ctx.settings.get("model", DEFAULT_MODEL))
        personal, note = None, ""
        loaded = None
        if not no_personal:
            from textseq_plugins.autocomplete import history
            from textseq_plugins.autocomplete.adapt import home_model

            personal = history.load(ctx.store)
            loaded, note = home_model(ctx, name)  # the adapted model when there is one
        loaded = loaded or ctx.registry.load(name, kind=KIND)
        from textseq_plugins.autocomplete.words import policy_settings

        result = evaluate_text(loaded, text, savings_chars=savings_chars,
                               personal=personal, **policy_settings(ctx.settings))
        result["personal_words"] = len(personal) if personal is not None else 0
        result["adapted"] = "adapted" in loaded.info
        if note:
            result["note"] = note
        cli_io.emit({"model": name, **result}, cli_io.want_json(as_json))

    @app.command("learn")
    def learn_cmd(
        input_file: str = typer.Option(..., "--input",
                                       help="A UTF-8 text of yours (notes, mail); - = stdin."),
        adapt: bool = typer.Option(True, "--adapt/--no-adapt",
                                   help="Then adapt the character model to your text."),
        steps: int | None = typer.Option(None, "--steps",
                                         help="Most adaptation steps (default 240)."),
        minutes: float | None = typer.Option(None, "--minutes",
                                             help="Adaptation time budget (default 1.5)."),
        threads: int | None = typer.Option(None, "--threads", help="torch CPU threads."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Add a text's words and word pairs to your personal history (kept in this home's
        database; the ghost text uses them), then adapt the character model to all your
        stored text (a short fine-tune on this CPU, saved in the home)."""
        from textseq_plugins.autocomplete import history

        ctx: PluginContext = ctx_getter()
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

    @app.command("forget")
    def forget_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
        """Delete your whole personal history: words, text, the adapted model and the ghost
        text's calibration."""
        ctx: PluginContext = ctx_getter()
        n, model = forget_everything(ctx)
        text = (f"forgot your personal history ({n:,} distinct words"
                f"{' and the adapted model' if model else ''})" if n or model
                else "nothing to forget: the personal history is empty")
        cli_io.emit({"forgotten_words": n, "forgotten_model": model},
                    cli_io.want_json(as_json), text=text)

    @app.command("complete")
    def complete_cmd(
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
        from textseq_plugins.autocomplete.words import WordCompleter

        ctx: PluginContext = ctx_getter()
        if text is None and input_file is None:
            raise BadInput("give TEXT or --input FILE")
        loaded = ctx.registry.load(model, kind=KIND)
        completer = Completer(loaded) if words > 1 else WordCompleter(loaded)
        items = [(0, text)] if text is not None else cli_io.iter_input(input_file)
        for line_no, item in items:
            try:
                result = completer.complete(item, n=n, words=words)
            except BadInput as err:
                cli_io.line_error(line_no, err)
                continue
            shown = "\n".join(f"{s['completion']!r}  p={s['prob']:.3f}"
                              for s in result["suggestions"]) or "(no suggestion)"
            cli_io.emit(result, cli_io.want_json(as_json), text=shown, line=line_no)

    @app.command("write")
    def write_cmd(
        text: str = typer.Argument(..., help="Text to continue."),
        chars: int = typer.Option(200, "--chars", help="Characters to write."),
        temperature: float = typer.Option(0.8, "--temperature", help="> 0; lower is safer."),
        seed: int | None = typer.Option(None, "--seed"),
        model: str = typer.Option(DEFAULT_MODEL, "--model"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Continue TEXT by sampling from the model (the /write command)."""
        ctx: PluginContext = ctx_getter()
        continuation = ctx.registry.load(model, kind=KIND).write(text, chars, temperature, seed)
        cli_io.emit({"text": text, "continuation": continuation}, cli_io.want_json(as_json),
                    text=text + continuation)

    return app


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
    name = str(ctx.settings.get("model", DEFAULT_MODEL))
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


def _train_summary(name: str, path: Path, m: dict[str, Any]) -> str:
    return (f"model {name} -> {path}\nvalidation: {m['val_nats_per_char']:.4f} nats/char "
            f"({m['val_bits_per_char']:.4f} bits/char) on {m['val_chars']:,} chars; "
            f"{m['steps']} steps, {m['epochs']} epochs in {m['minutes']} min, "
            f"{m['train_chars_per_s']:,.0f} chars/s")


def rebuild_command(name: str, corpus: Path, out: Path | None, opts: Any) -> str:
    """The command line that retrains a model with the same hyper-parameters."""
    parts = ["textseq autocomplete train", f"--corpus {corpus}", f"--name {name}",
             f"--steps {opts.steps}", "--minutes 0",
             f"--cell {opts.cell}", f"--hidden {opts.hidden}", f"--layers {opts.layers}",
             f"--embed {opts.embed}", f"--dropout {opts.dropout:g}",
             f"--batch-size {opts.batch}", f"--seq-len {opts.seq_len}", f"--lr {opts.lr:g}",
             f"--seed {opts.seed}"]
    if out is not None:
        parts.append(f"--out {out}")
    return " ".join(parts)


def save_trained(ctx: PluginContext, outcome: Any, *, name: str, corpus: Path, out: Path | None,
                 device_desc: str) -> Path:
    """Write the trained model with its card: into ``out`` (a directory, e.g. the repo's
    ``models/<name>``) or into the registry's user dir. Returns the model directory."""
    from textseq_plugins.autocomplete.model import save_model_files

    from textseq_tui.plugin import atomic_write_bytes, new_card, sha256_file

    opts = outcome.options
    card = new_card(
        name=name, plugin=PLUGIN, kind="char-rnn", device=device_desc,
        data={"corpus": os.path.basename(str(corpus)), "chars": outcome.metrics["corpus_chars"],
              "split": "first 90 % train, last 10 % validation (characters)"},
        hyperparameters={**opts.__dict__, "vocab_size": len(outcome.vocab),
                         "parameters": sum(p.numel() for p in outcome.net.parameters())},
        metrics=outcome.metrics,
        description=f"character {opts.cell.upper()} ({opts.layers}x{opts.hidden}) trained on "
                    f"{os.path.basename(str(corpus))}",
        rebuild=rebuild_command(name, corpus, out, opts),
    )
    if out is not None:
        out = Path(out)
        files = save_model_files(outcome.net, outcome.vocab, out)
        card.files = {f: sha256_file(p) for f, p in files.items()}
        atomic_write_bytes(out / "card.json",
                           (json.dumps(card.to_dict(), indent=2) + "\n").encode())
        ctx.registry.forget(name)
        return out
    with tempfile.TemporaryDirectory() as tmp:
        files = save_model_files(outcome.net, outcome.vocab, Path(tmp))
        info = ctx.registry.save(card, files)
    return info.path
