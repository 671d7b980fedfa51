"""``textseq anomaly ...``: train, score, parse-logs, text.

Each command is a module-level function; the plugin it runs for is the ``obj`` of its Typer
app's context (:func:`build_cli`), read when the command runs.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from textseq_plugins.anomaly.plugin import DEFAULT_MODEL, KIND, AnomalyPlugin

from textseq_tui.plugin import BadInput, PluginContext, cli_io

#: Lines scored per network call from a file: bounded memory on huge inputs.
SCORE_CHUNK = 20000

# Options shared by several commands, defined once.
AsJson = Annotated[bool, typer.Option("--json", help="One JSON object per line.")]


def build_cli(plugin: AnomalyPlugin) -> typer.Typer:
    """The Typer sub-app; its commands run for ``plugin`` (the context's ``obj``)."""
    return cli_io.command_group(
        "Find the surprising steps in sequences with a next-token model.",
        {"train": train_cmd, "score": score_cmd, "parse-logs": parse_logs_cmd,
         "text": text_cmd}, obj=plugin)


def context_of(ctx: typer.Context) -> PluginContext:
    """The plugin context of the running command."""
    return cli_io.command_object(ctx, AnomalyPlugin).context


def get_detector(plugin_ctx: PluginContext, name: str | None) -> Any:
    """The detector called ``name`` (default: the shipped one) from the shared registry."""
    from textseq_plugins.anomaly.model import AnomalyDetector

    model = plugin_ctx.registry.load(name or DEFAULT_MODEL, kind=KIND)
    if not isinstance(model, AnomalyDetector):
        raise BadInput(f"model {name!r} is not an anomaly model (train one with "
                       "`textseq anomaly train --input FILE --name N`)")
    return model


def _model_dir(out: Path | None, name: str) -> Path | None:
    """Where ``train --out`` writes: ``out`` itself when it is named after the model (like
    every plugin's ``--out``), else ``out / name`` (``--out models``, as before)."""
    if out is None:
        return None
    return out if out.name == name else out / name


def _threads(n: int | None) -> None:
    if n:
        import torch

        torch.set_num_threads(n)


def _follow_sessions(file: str, log_format: str | None, session: str | None, depth: int,
                     similarity: float, idle_lines: int, idle_seconds: float,
                     use_json: bool) -> None:
    """``parse-logs --follow``: print each session of a growing log once it closes."""
    from textseq_plugins.anomaly.logparse import (
        HDFS_FORMAT,
        HDFS_SESSION,
        DrainParser,
        SessionFollower,
        follow_lines,
    )

    if file != "-":
        path = Path(file).expanduser()
        if not path.exists():
            raise BadInput(f"{file}: no such file")
        if path.is_dir():
            raise BadInput(f"{file} is a directory; give a log file, a FIFO or - for stdin")
    follower = SessionFollower(log_format=log_format or HDFS_FORMAT,
                               session_regex=session or HDFS_SESSION,
                               parser=DrainParser(depth=depth, similarity=similarity),
                               idle_lines=idle_lines, idle_seconds=idle_seconds)

    def show(closed: list[tuple[str, list[str]]]) -> None:
        for key, events in closed:
            cli_io.emit({"session": key, "events": events}, use_json, " ".join(events))
        for notice in follower.notices():  # a cap reached: said once on stderr
            typer.echo(f"parse-logs: {notice}", err=True)

    try:
        for line in follow_lines(str(Path(file).expanduser()) if file != "-" else "-"):
            show(follower.tick() if line is None else follower.feed(line))
    except KeyboardInterrupt:
        pass  # Ctrl+C ends the follow: the open sessions are printed below
    show(follower.close_all())
    if follower.summary():
        typer.echo(f"parse-logs: {follower.summary()}", err=True)


def train_cmd(
    ctx: typer.Context,
    input: Annotated[str, typer.Option(
        "--input", help="Normal sequences, one a line, tokens space-separated (- for stdin; "
        "a 'Sequence,label' CSV keeps label 0).")],
    name: Annotated[str, typer.Option("--name", help="Model name in the registry.")
                    ] = "anomaly-custom",
    cell: Annotated[str, typer.Option("--cell", help="lstm | gru")] = "lstm",
    layers: Annotated[int, typer.Option("--layers")] = 2,
    hidden: Annotated[int, typer.Option("--hidden")] = 64,
    embedding: Annotated[int, typer.Option("--embedding")] = 32,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Sequences per step.")] = 64,
    lr: Annotated[float, typer.Option("--lr")] = 3e-3,
    max_steps: Annotated[int, typer.Option("--steps", "--max-steps", help="Optimizer steps.")
                         ] = 2000,
    minutes: Annotated[float, typer.Option("--minutes",
                                           help="Wall-clock budget (0: no limit).")] = 3.0,
    top_g: Annotated[int | None, typer.Option(
        "--top-g", help="A step is surprising outside the top-g (0: choose g on held-out "
        "normal data, for words/characters; default: 9, or no rank rule when the count view "
        "is mined).")] = None,
    fp_budget: Annotated[float, typer.Option(
        "--fp-budget", help="Share of held-out normal sequences the threshold may flag.")
    ] = 0.001,
    margin: Annotated[float, typer.Option("--margin", help="Nats added to the threshold.")
                      ] = 1.0,
    no_end: Annotated[bool, typer.Option(
        "--no-end", help="No end-of-sequence token (for streams whose sequences are cut "
        "arbitrarily).")] = False,
    no_counts: Annotated[bool, typer.Option(
        "--no-counts", help="No count view (invariants of event counts; mined only for <= 60 "
        "distinct events).")] = False,
    count_flag_rate: Annotated[float, typer.Option(
        "--count-flag-rate", help="Share of held-out normal sequences whose most surprising "
        "step confirms broken counts.")] = 0.01,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    calib: Annotated[str | None, typer.Option(
        "--calib", help="Held-out normal sequences to choose the threshold on (default: a "
        "seeded 10 % of --input, not trained on).")] = None,
    templates: Annotated[str | None, typer.Option(
        "--templates", help="Log templates of the event ids (from `parse-logs "
        "--save-templates`), kept beside the model so later logs map onto them.")] = None,
    device: Annotated[str | None, typer.Option(
        "--device", help="auto | cpu | cuda | cuda:N (default: textseq --device)")] = None,
    threads: Annotated[int, typer.Option(
        "--threads", help="torch CPU threads (0: torch default; a 64-unit network gains "
        "nothing from more than 1).")] = 1,
    resume: Annotated[bool, typer.Option("--resume",
                                         help="Continue from the last checkpoint.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write the model directory here instead of the user registry: the "
        "directory itself (models/NAME) or the folder to put NAME in (models).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    as_json: AsJson = False,
) -> None:
    """Train a detector on normal sequences and save it (card, weights, vocabulary)."""
    from textseq_plugins.anomaly.train import (
        DetectorTrainConfig,
        model_card,
        model_files,
        read_sequences,
        train_detector,
    )

    from textseq_tui.ml.device import choose_device

    plugin_ctx = context_of(ctx)
    plugin_ctx.check_out(_model_dir(out, name))
    _threads(threads)
    sequences = read_sequences(input)
    calib_seqs = read_sequences(calib) if calib is not None else None
    config = DetectorTrainConfig(cell=cell, layers=layers, hidden=hidden, embedding=embedding,
                                 batch_size=batch_size, lr=lr, max_steps=max_steps,
                                 minutes=minutes or None, top_g=top_g, fp_budget=fp_budget,
                                 threshold_margin=margin, end_token=not no_end, seed=seed,
                                 counts=not no_counts, count_flag_rate=count_flag_rate)
    dev = str(choose_device(device or plugin_ctx.device))
    ckpt = plugin_ctx.cache_dir() / f"train-{name}.ckpt"
    # The card's rebuild command: every parameter that shapes the model, as given.
    rebuild = cli_io.command_line(exclude=("device", "resume", "quiet", "as_json"))
    with plugin_ctx.store.training_run(name, vars(config), dev) as run:
        result = train_detector(
            sequences, config, device=dev, checkpoint_path=ckpt, resume=resume,
            progress=not quiet and not cli_io.want_json(as_json),
            on_metrics=run.log, calib=calib_seqs)
        result.detector.templates = _key_templates(templates)
        data = _training_data(input, len(sequences), calib, calib_seqs)
        card = model_card(result, name=name, data=data, rebuild=rebuild, device=dev)
        path = plugin_ctx.save_model(card, model_files(result.detector),
                                     out=_model_dir(out, name))
        run.metrics.update(result.metrics)
    ckpt.unlink(missing_ok=True)
    cli_io.emit({"model": name, "path": str(path), **result.metrics,
                 "threshold": result.hyperparameters["threshold"],
                 "count_threshold": result.hyperparameters["count_threshold"]},
                cli_io.want_json(as_json))


def _key_templates(path: str | None) -> Any:
    """The log templates ``train --templates`` names (None without it)."""
    if path is None:
        return None
    from textseq_plugins.anomaly.logparse import KeyTemplates

    return KeyTemplates.from_json(cli_io.read_text(path))


def _training_data(input: str, n_sequences: int, calib: str | None,
                   calib_seqs: list[list[str]] | None) -> dict[str, Any]:
    """The card's ``data``: the files trained and calibrated on, their sizes and sha256."""
    from textseq_tui.plugin import sha256_file

    data: dict[str, Any] = {"file": input, "sequences": n_sequences}
    if input != "-":
        data["sha256"] = sha256_file(Path(input))
    if calib is not None:
        data["calib_file"] = calib
        data["calib_sequences"] = len(calib_seqs or [])
    return data


def score_cmd(
    ctx: typer.Context,
    tokens: Annotated[list[str] | None, typer.Argument(help="One sequence (tokens).")] = None,
    input: Annotated[str | None, typer.Option(
        "--input", help="Sequences, one a line (- stdin).")] = None,
    model: Annotated[str | None, typer.Option(
        "--model", help=f"Model name (default {DEFAULT_MODEL}).")] = None,
    top_g: Annotated[int | None, typer.Option("--top-g", help="Override the model's g.")
                     ] = None,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="Override the surprisal threshold (nats).")] = None,
    rank_only: Annotated[bool, typer.Option(
        "--rank-only", help="Top-g rule alone (DeepLog's; g = 9 unless --top-g or the model "
        "says otherwise).")] = False,
    no_counts: Annotated[bool, typer.Option(
        "--no-counts", help="Sequence rule alone: leave out the count view (broken count "
        "invariants confirmed by a surprising step).")] = False,
    details: Annotated[bool, typer.Option("--details",
                                          help="Per-step ranks and surprisal.")] = False,
    only_anomalous: Annotated[bool, typer.Option("--only-anomalous")] = False,
    threads: Annotated[int, typer.Option(
        "--threads", help="torch CPU threads (0: torch default; 1 is fastest for small "
        "networks on a busy CPU).")] = 1,
    as_json: AsJson = False,
) -> None:
    """Score sequences: per sequence its score (largest surprisal, nats), verdict and the
    indices of surprising steps."""
    plugin_ctx = context_of(ctx)
    _threads(threads)
    if (input is None) == (not tokens):
        raise BadInput("give either tokens (score 5 5 22 ...) or --input FILE, not both")
    detector = get_detector(plugin_ctx, model)
    if rank_only and top_g is None and detector.top_g is None:
        top_g = 9  # DeepLog's rule on a model trained without it (count-view models)
    scan = _Scan(detector, top_g=top_g, counts=not (rank_only or no_counts),
                 threshold=None if rank_only else (threshold if threshold is not None else ...),
                 details=details, only_anomalous=only_anomalous,
                 use_json=cli_io.want_json(as_json), numbered=input is not None)
    # Read as a stream: each batch holds the lines that have arrived (at most
    # SCORE_CHUNK), so a producer sees answers as it writes and memory stays bounded.
    batches = (cli_io.iter_batches(input, size=SCORE_CHUNK, skip_blank=False)
               if input is not None else iter([[(1, " ".join(tokens or []))]]))
    started = time.perf_counter()
    csv_mode: bool | None = None
    for chunk in batches:
        if csv_mode is None:
            # A "Sequence,label" CSV (the logdeep files): score the sequence, echo the label.
            csv_mode = chunk[0][1].lower().startswith("sequence,")
            if csv_mode:
                chunk = chunk[1:]
        scan.score_chunk(chunk, csv_mode)
    try:
        plugin_ctx.store.insert("scans", {
            "source": input or "<args>", "model": model or DEFAULT_MODEL,
            "sequences": scan.lines, "anomalous": scan.anomalous, "events": scan.events,
            "seconds": round(time.perf_counter() - started, 3), "at": time.time()})
    except Exception as err:  # noqa: BLE001 — a busy database must not lose the results
        plugin_ctx.log.warning("could not record the scan: %s", err)


class _Scan:
    """``score``: scores chunks of input lines, prints each answer, counts what it saw."""

    def __init__(self, detector: Any, *, top_g: int | None, threshold: Any, counts: bool,
                 details: bool, only_anomalous: bool, use_json: bool, numbered: bool) -> None:
        self.detector = detector
        self.options = {"top_g": top_g, "threshold": threshold, "counts": counts}
        self.details, self.only_anomalous = details, only_anomalous
        self.use_json, self.numbered = use_json, numbered
        self.lines = self.anomalous = self.events = 0

    def score_chunk(self, chunk: list[tuple[int, str]], csv_mode: bool) -> None:
        labels: dict[int, str] = {}
        if csv_mode:
            for k, (number, line) in enumerate(chunk):
                seq, _, label = line.rpartition(",")
                chunk[k] = (number, seq)
                labels[number] = label.strip()
        if not chunk:
            return
        self.lines += len(chunk)
        seqs = [line.split() for _, line in chunk]
        # An empty line is not a session: reported, not scored (the API would judge an
        # empty sequence on "ending at once", which is not what a blank line means).
        scored = iter(self.detector.score([q for q in seqs if q], **self.options))
        for (number, _line), seq in zip(chunk, seqs, strict=True):
            at = number if self.numbered else None
            if not seq:
                if not self.only_anomalous:
                    cli_io.emit({"sequence": number - 1, "score": 0.0, "anomalous": False,
                                 "steps": [], "length": 0, "note": "empty line: not scored"},
                                self.use_json, f"#{number - 1}  (empty line: not scored)",
                                line=at)
                continue
            s = next(scored)
            self.events += len(seq)
            self.anomalous += s.anomalous
            if not self.only_anomalous or s.anomalous:
                self._show(number, s, labels.get(number), at)

    def _show(self, number: int, s: Any, label: str | None, at: int | None) -> None:
        row = {"sequence": number - 1, **s.summary()}
        if label is not None:
            row["label"] = label
        if self.details:
            row["ranks"] = s.ranks.tolist()
            row["surprisal"] = [round(float(x), 3) for x in s.surprisal]
        flag = "[red]ANOMALOUS[/]" if s.anomalous else "normal"
        text = (f"score {row['score']:.2f}  "
                f"steps {s.steps}" + ("  end" if s.end_surprising else "")
                + (f"  unknown {s.unknown}" if s.unknown else "")
                + (f"  counts {'; '.join(s.counts)}" if s.counts and s.anomalous else ""))
        cli_io.emit(row, self.use_json, f"#{row['sequence']}  {flag}  "
                    + cli_io.escape_markup(text), line=at, markup=True)


def parse_logs_cmd(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="Raw log file (- for stdin).")],
    log_format: Annotated[str | None, typer.Option(
        "--format", help="loghub-style header, e.g. '<Date> <Time> <Pid> <Level> "
        "<Component>: <Content>' (HDFS).")] = None,
    session: Annotated[str | None, typer.Option(
        "--session", help="Regex of the session key (HDFS: blk_-?\\d+).")] = None,
    similarity: Annotated[float, typer.Option("--similarity",
                                              help="Drain similarity threshold.")] = 0.5,
    depth: Annotated[int, typer.Option("--depth", help="Drain tree depth.")] = 4,
    templates: Annotated[bool, typer.Option("--templates",
                                            help="Print the templates instead.")] = False,
    model: Annotated[str | None, typer.Option(
        "--model", help="Map lines onto this model's event ids (its stored templates; "
        "deeplog-hdfs: DeepLog's HDFS keys), so its sessions score with it.")] = None,
    save_templates: Annotated[Path | None, typer.Option(
        "--save-templates", help="Write the templates (JSON) for `train --templates`.")
    ] = None,
    compare: Annotated[Path | None, typer.Option(
        "--compare", help="A loghub *_structured.csv to report grouping accuracy against.")
    ] = None,
    follow: Annotated[bool, typer.Option(
        "--follow", help="Follow a growing log (a file as it grows, like tail -f, or stdin or "
        "a FIFO until it ends) and print each session once it closes. Memory is capped (see "
        "the plugin README).")] = False,
    idle_lines: Annotated[int, typer.Option(
        "--idle-lines", min=1, help="--follow: a session closes after this many lines "
        "without it.")] = 10_000,
    idle_seconds: Annotated[float, typer.Option(
        "--idle-seconds", min=0.0, help="--follow: or after this many seconds without it.")
    ] = 60.0,
    as_json: AsJson = False,
) -> None:
    """Parse raw log lines into templates (Drain) and print one event-id sequence per
    session (the input `score` and `train` read).

    With --follow, sessions are printed as they close: a session closes when
    --idle-lines further lines (or --idle-seconds) pass without one of its events, and
    every open one closes when the input ends or on Ctrl+C."""
    from textseq_plugins.anomaly.logparse import (
        HDFS_FORMAT,
        HDFS_SESSION,
        DrainParser,
        grouping_accuracy,
        parse_log,
    )

    if not 0 < similarity <= 1 or depth < 3:
        raise BadInput("--similarity must be in (0, 1] and --depth at least 3")
    if follow:
        if templates or compare is not None or model is not None or save_templates:
            raise BadInput("--follow prints sessions; it goes without --templates/--compare/--model/--save-templates")
        _follow_sessions(file, log_format, session, depth, similarity, idle_lines,
                         idle_seconds, cli_io.want_json(as_json))
        return
    keys = None
    if model is not None:
        keys = get_detector(context_of(ctx), model).templates
        if keys is None:
            raise BadInput(f"model {model!r} keeps no log templates (train it with "
                           "`--templates FILE` from `parse-logs --save-templates FILE`)")
    text = cli_io.read_text(file)
    parsed = parse_log(text.splitlines(), log_format=log_format or HDFS_FORMAT,
                       session_regex=session or HDFS_SESSION,
                       parser=DrainParser(depth=depth, similarity=similarity), keys=keys)
    if save_templates is not None:
        from textseq_plugins.anomaly.logparse import KeyTemplates

        from textseq_tui.plugin import atomic_write_bytes

        saved = keys if keys is not None else KeyTemplates.from_parsed(parsed.templates)
        atomic_write_bytes(save_templates, (saved.to_json() + "\n").encode("utf-8"))
    use_json = cli_io.want_json(as_json)
    if templates:
        for t in parsed.templates:
            cli_io.emit({"event": t.event_id, "count": t.count, "template": t.text}, use_json,
                        f"{t.event_id}\t{t.count}\t{t.text}")
    else:
        for key, events in parsed.sessions.items():
            cli_io.emit({"session": key, "events": events}, use_json, " ".join(events))
    if parsed.unmatched:
        typer.echo(f"{len(parsed.unmatched)} line(s) did not match the header format "
                   f"(first: line {parsed.unmatched[0]}); parsed whole", err=True)
    if compare is not None:
        import csv

        with open(compare, newline="", encoding="utf-8") as fh:
            truth = [row["EventId"] for row in csv.DictReader(fh)]
        if len(truth) != len(parsed.events):
            raise BadInput(f"{compare} has {len(truth)} rows, the log {len(parsed.events)} lines")
        acc = grouping_accuracy(parsed.events, truth)
        typer.echo(f"grouping accuracy vs {compare.name}: {acc:.4f} "
                   f"({len(parsed.templates)} templates, {len(set(truth))} in the reference)",
                   err=True)

def text_cmd(
    ctx: typer.Context,
    text: Annotated[list[str] | None, typer.Argument(help="Text to judge.")] = None,
    input: Annotated[str | None, typer.Option(
        "--input", help="Texts, one a line (- for stdin): each judged as it comes, "
        "\"line\" in each answer.")] = None,
    top: Annotated[int | None, typer.Option(
        "--top", help="List only the N most suspicious words (default: every word).")] = None,
    as_json: AsJson = False,
) -> None:
    """The odd words of a text (a typo, a keyboard mash) and why, by the autocomplete
    character model and word counts. Lists every word with `marked` and `reason`."""
    from textseq_plugins.anomaly.textmode import judge_lines

    if (input is None) == (not text):
        raise BadInput("give either a text (anomaly text we ate teh cake) or --input FILE, "
                       "not both")
    judge_lines(context_of(ctx).registry, cli_io.input_items(" ".join(text or []), input),
                top, cli_io.want_json(as_json))
