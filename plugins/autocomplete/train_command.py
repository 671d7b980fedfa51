"""``textseq autocomplete train``: a character model and its word layer, trained on a corpus,
saved with a card whose rebuild command is made from the command's own parameters."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import typer

from textseq_tui.plugin import BadInput, PluginContext, cli_io

#: parameters of ``train`` that do not change the model, left out of its rebuild command
NOT_IN_REBUILD = {"resume", "quiet", "as_json", "device", "threads", "eval_every"}
#: parameters whose value the run decides (the starting model's shape, the steps done)
FROM_OPTIONS = {"cell": "cell", "hidden": "hidden", "layers": "layers", "embed": "embed",
                "batch_size": "batch", "seq_len": "seq_len", "dropout": "dropout", "lr": "lr",
                "seed": "seed", "steps": "steps"}


def train_cmd(
    command: typer.Context,
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
                                    help="Start from this model's weights and word counts (a "
                                    "registry name or a model folder): train a model further; "
                                    "its shape and vocabulary win over --cell/--hidden/..."),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
    as_json: bool = typer.Option(False, "--json", help="Print the card metrics as JSON."),
) -> None:
    """Train a character model on --corpus (90 % train, last 10 % held out) and its word
    layer: the corpus's words, word pairs and triples, mixed with the default model's
    modern-English counts by a weight chosen on the held-out 10 % (a corpus under 10,000
    characters gets no word layer of its own). For your own words in minutes, keeping the
    shipped model, use `learn` instead."""
    from textseq_plugins.autocomplete.cli import context_of
    from textseq_plugins.autocomplete.text_input import read_corpus

    ctx = context_of(command)
    ctx.check_out(out)
    text = read_corpus(corpus)  # fails fast on bad input, before torch is imported
    import torch
    from textseq_plugins.autocomplete.train import TrainOptions

    if threads:
        torch.set_num_threads(threads)
    opts = TrainOptions(cell=cell, embed=embed, hidden=hidden, layers=layers,
                        dropout=dropout, batch=batch_size, seq_len=seq_len, lr=lr,
                        steps=steps, minutes=minutes if minutes > 0 else None, seed=seed,
                        eval_every=eval_every)
    if opts.minutes is None and steps is None:
        raise BadInput("--minutes 0 (no time limit) needs --steps")
    start = _starting_model(ctx, init)
    if start is not None:
        opts.init = init
    _train_and_save(command, ctx, text, opts, start=start, resume=resume,
                    device=device, progress=not quiet)


def _starting_model(ctx: PluginContext, init: str | None) -> Any:
    """The ``--init`` model: ``(CharModel, folder, card)`` (None without ``--init``)."""
    if init is None:
        return None
    from textseq_plugins.autocomplete.model import CharModel, load_char_model

    from textseq_tui.plugin import read_card

    if Path(init).is_dir():
        return load_char_model(Path(init)), Path(init), read_card(Path(init))
    from textseq_plugins.autocomplete.personal import KIND

    model = ctx.registry.load(init, kind=KIND)
    if not isinstance(model, CharModel):
        raise BadInput(f"--init {init}: not a character model")
    info = ctx.registry.get(init)
    return model, info.path, info.card


def _train_and_save(command: typer.Context, ctx: PluginContext, text: str, opts: Any, *,
                    start: Any, resume: bool, device: str | None, progress: bool) -> None:
    """The run itself, recorded in the store (rank 0), then the word layer and the model."""
    from textseq_plugins.autocomplete.train import train_char_model

    from textseq_tui.ml.device import choose_device, describe_device, is_main_process
    from textseq_tui.ml.trainer import ddp_cleanup, ddp_setup

    params = command.params
    rank, world = ddp_setup()
    dev = choose_device(device or ctx.device)
    main = is_main_process()
    run_id = None
    if main:
        run_id = ctx.store.start_run(params["name"], {**opts.__dict__, "corpus": str(
            params["corpus"]), "world_size": world}, describe_device(dev))

    def on_metrics(step: int, metrics: dict[str, float]) -> None:
        ctx.store.log_metrics(run_id, step, metrics)  # type: ignore[arg-type]

    try:
        outcome = train_char_model(
            text, opts, device=str(dev), resume=resume, progress=progress and main,
            checkpoint_path=ctx.cache_dir() / "checkpoints" / f"{params['name']}.pt",
            on_metrics=on_metrics if main else None,
            init=start[0] if start is not None else None)
        if main:
            words = _word_layer(ctx, outcome, text, start)
            outcome.metrics.update(words.metrics)
            path = save_trained(ctx, outcome, words, name=params["name"],
                                corpus=params["corpus"], out=params["out"],
                                device_desc=describe_device(dev),
                                rebuild=rebuild_command(command, outcome.options))
            ctx.store.finish_run(run_id, "done", outcome.metrics)  # type: ignore[arg-type]
            summary = _train_summary(params["name"], path, outcome.metrics)
            cli_io.emit({"model": params["name"], "path": str(path), **outcome.metrics,
                         "word_layer": words.settings},
                        cli_io.want_json(params["as_json"]), text=f"{summary}\n{words.summary}")
    except BaseException:
        if run_id is not None:
            ctx.store.finish_run(run_id, "failed")
        raise
    finally:
        ddp_cleanup()


def _word_layer(ctx: PluginContext, outcome: Any, text: str, start: Any) -> Any:
    """The trained model's word layer (``train_words``), weighed with the new model."""
    from textseq_plugins.autocomplete.model import CharModel
    from textseq_plugins.autocomplete.personal import DEFAULT_MODEL
    from textseq_plugins.autocomplete.train_words import train_word_layer
    from textseq_plugins.autocomplete.word_layer import WordLayers

    model = CharModel(outcome.vocab, outcome.net)  # as the app runs it (int8 keystrokes)
    return train_word_layer(WordLayers(ctx.registry), model, text, background=DEFAULT_MODEL,
                            init=(start[1], start[2]) if start is not None else None)


def rebuild_command(command: typer.Context, opts: Any) -> str:
    """The command line that retrains the model: every parameter of this ``train`` that
    shapes the model, with the values the run used (the steps it did, no time limit)."""
    parts = ["textseq autocomplete train"]
    for param in command.command.params:
        name = param.name or ""
        value = command.params.get(name)
        if name in NOT_IN_REBUILD or not getattr(param, "opts", None):
            continue
        if name in FROM_OPTIONS:
            value = getattr(opts, FROM_OPTIONS[name])
        elif name == "minutes":
            value = 0
        if value is None or value is False:
            continue
        flag = param.opts[0]
        parts.append(flag if value is True else f"{flag} {value:g}" if isinstance(value, float)
                     else f"{flag} {value}")
    return " ".join(parts)


def _train_summary(name: str, path: Path, m: dict[str, Any]) -> str:
    return (f"model {name} -> {path}\nvalidation: {m['val_nats_per_char']:.4f} nats/char "
            f"({m['val_bits_per_char']:.4f} bits/char) on {m['val_chars']:,} chars; "
            f"{m['steps']} steps, {m['epochs']} epochs in {m['minutes']} min, "
            f"{m['train_chars_per_s']:,.0f} chars/s")


def save_trained(ctx: PluginContext, outcome: Any, words: Any, *, name: str, corpus: Path,
                 out: Path | None, device_desc: str, rebuild: str) -> Path:
    """Write the trained model, its word counts and its card: into ``out`` (a directory,
    e.g. the repo's ``models/<name>``) or into the registry's user dir. Returns the model
    directory."""
    from textseq_plugins.autocomplete.counts import WORD_STORE
    from textseq_plugins.autocomplete.model import save_model_files
    from textseq_plugins.autocomplete.word_layer import CARD_KEY

    opts = outcome.options
    corpus_name = os.path.basename(str(corpus))
    card = ctx.new_card(
        name=name, kind="char-rnn", device=device_desc,
        data={"corpus": corpus_name, "chars": outcome.metrics["corpus_chars"],
              "split": "first 90 % train, last 10 % validation (characters)",
              "word_counts": words.description},
        hyperparameters={**opts.__dict__, "vocab_size": len(outcome.vocab),
                         "parameters": sum(p.numel() for p in outcome.net.parameters()),
                         CARD_KEY: words.settings},
        metrics=outcome.metrics,
        description=f"character {opts.cell.upper()} ({opts.layers}x{opts.hidden}) trained on "
                    f"{corpus_name}, with "
                    + ("a word layer of its words, pairs and triples" if words.counts is not None
                       else "no word layer of its own"),
        rebuild=rebuild,
    )
    with tempfile.TemporaryDirectory() as tmp:
        files: dict[str, Any] = dict(save_model_files(outcome.net, outcome.vocab, Path(tmp)))
        if words.counts is not None:
            words.counts.save(Path(tmp) / WORD_STORE)
            files[WORD_STORE] = Path(tmp) / WORD_STORE
        return Path(ctx.save_model(card, files, out=out))
