"""``textseq anomaly ...``: train, score, parse-logs, text."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from textseq_plugins.anomaly.plugin import DEFAULT_MODEL, KIND

from textseq_tui.plugin import BadInput, cli_io

#: Lines scored per network call from a file: bounded memory on huge inputs.
SCORE_CHUNK = 20000


def get_detector(plugin: Any, name: str | None) -> Any:
    """The detector called ``name`` (default: the shipped one) from the shared registry."""
    from textseq_plugins.anomaly.model import AnomalyDetector

    model = plugin.context.registry.load(name or DEFAULT_MODEL, kind=KIND)
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


def _resolve_plugin(plugin: Any) -> Any:
    if plugin is not None:
        return plugin
    from textseq_tui.plugin import PluginError

    raise PluginError("the anomaly command line was built without its plugin")


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


def build_cli(plugin: Any) -> typer.Typer:
    """The Typer sub-app; ``plugin`` gives the registry and store (None: the process host)."""
    app = typer.Typer(help="Find the surprising steps in sequences with a next-token model.",
                      no_args_is_help=True)

    @app.command("train")
    def train_cmd(
        input: str = typer.Option(..., "--input", help="Normal sequences, one a line, tokens "
                                  "space-separated (- for stdin; a 'Sequence,label' CSV keeps label 0)."),
        name: str = typer.Option("anomaly-custom", "--name", help="Model name in the registry."),
        cell: str = typer.Option("lstm", "--cell", help="lstm | gru"),
        layers: int = typer.Option(2, "--layers"),
        hidden: int = typer.Option(64, "--hidden"),
        embedding: int = typer.Option(32, "--embedding"),
        batch_size: int = typer.Option(64, "--batch-size", help="Sequences per step."),
        lr: float = typer.Option(3e-3, "--lr"),
        max_steps: int = typer.Option(2000, "--steps", "--max-steps", help="Optimizer steps."),
        minutes: float = typer.Option(3.0, "--minutes", help="Wall-clock budget (0: no limit)."),
        top_g: int | None = typer.Option(None, "--top-g", help="A step is surprising outside "
                                         "the top-g (0: choose g on held-out normal data, for "
                                         "words/characters; default: 9, or no rank rule when "
                                         "the count view is mined)."),
        fp_budget: float = typer.Option(0.001, "--fp-budget",
                                        help="Share of held-out normal sequences the threshold may flag."),
        margin: float = typer.Option(1.0, "--margin", help="Nats added to the threshold."),
        no_end: bool = typer.Option(False, "--no-end", help="No end-of-sequence token (for "
                                    "streams whose sequences are cut arbitrarily)."),
        no_counts: bool = typer.Option(False, "--no-counts", help="No count view (invariants "
                                       "of event counts; mined only for <= 60 distinct events)."),
        count_flag_rate: float = typer.Option(0.01, "--count-flag-rate", help="Share of held-out "
                                              "normal sequences whose most surprising step "
                                              "confirms broken counts."),
        seed: int = typer.Option(0, "--seed"),
        calib: str | None = typer.Option(None, "--calib", help="Held-out normal sequences to "
                                         "choose the threshold on (default: a seeded 10 % of "
                                         "--input, not trained on)."),
        templates: str | None = typer.Option(None, "--templates", help="Log templates of the "
                                             "event ids (from `parse-logs --save-templates`), "
                                             "kept beside the model so later logs map onto them."),
        device: str | None = typer.Option(None, "--device", help="auto | cpu | cuda | cuda:N "
                                          "(default: textseq --device)"),
        threads: int = typer.Option(1, "--threads", help="torch CPU threads (0: torch default; "
                                    "a 64-unit network gains nothing from more than 1)."),
        resume: bool = typer.Option(False, "--resume", help="Continue from the last checkpoint."),
        out: Path | None = typer.Option(None, "--out", help="Write the model directory here "
                                        "instead of the user registry: the directory itself "
                                        "(models/NAME) or the folder to put NAME in (models)."),
        quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Train a detector on normal sequences and save it (card, weights, vocabulary)."""
        from textseq_plugins.anomaly.train import (
            TrainSettings,
            model_card,
            model_files,
            read_sequences,
            train_detector,
        )

        from textseq_tui.ml.device import choose_device
        from textseq_tui.plugin import sha256_file

        p = _resolve_plugin(plugin)
        p.context.check_out(_model_dir(out, name))
        _threads(threads)
        sequences = read_sequences(input)
        calib_seqs = read_sequences(calib) if calib is not None else None
        key_templates = None
        if templates is not None:
            from textseq_plugins.anomaly.logparse import KeyTemplates

            key_templates = KeyTemplates.from_json(cli_io.read_text(templates))
        settings = TrainSettings(cell=cell, layers=layers, hidden=hidden, embedding=embedding,
                                 batch_size=batch_size, lr=lr, max_steps=max_steps,
                                 minutes=minutes or None, top_g=top_g, fp_budget=fp_budget,
                                 threshold_margin=margin, end_token=not no_end, seed=seed,
                                 counts=not no_counts, count_flag_rate=count_flag_rate)
        dev = str(choose_device(device or p.context.device))
        ckpt = p.context.cache_dir() / f"train-{name}.ckpt"
        with p.context.store.training_run(name, vars(settings), dev) as run:
            outcome = train_detector(
                sequences, settings, device=dev, checkpoint_path=ckpt, resume=resume,
                progress=not quiet and not cli_io.want_json(as_json),
                on_metrics=run.log, calib=calib_seqs)
            outcome.detector.templates = key_templates
            data: dict[str, Any] = {"file": input, "sequences": len(sequences)}
            if input != "-":
                data["sha256"] = sha256_file(Path(input))
            if calib is not None:
                data["calib_file"] = calib
                data["calib_sequences"] = len(calib_seqs or [])
            rebuild = (f"textseq anomaly train --input {input} --name {name} --cell {cell} "
                       f"--layers {layers} --hidden {hidden} --embedding {embedding} "
                       f"--batch-size {batch_size} --lr {lr} --steps {max_steps} "
                       f"--minutes {minutes} " + (f"--top-g {top_g} " if top_g is not None else "")
                       + f"--fp-budget {fp_budget} "
                       f"--margin {margin} --seed {seed} --threads {threads or 1}"
                       + (" --no-end" if no_end else "") + (" --no-counts" if no_counts else "")
                       + (f" --count-flag-rate {count_flag_rate}" if count_flag_rate != 0.01 else "")
                       + (f" --calib {calib}" if calib else "")
                       + (f" --templates {templates}" if templates else "")
                       + (f" --out {out}" if out else ""))
            card = model_card(outcome, name=name, data=data, rebuild=rebuild, device=dev)
            path = p.context.save_model(card, model_files(outcome.detector),
                                        out=_model_dir(out, name))
            run.metrics.update(outcome.metrics)
        ckpt.unlink(missing_ok=True)
        result = {"model": name, "path": str(path), **outcome.metrics,
                  "threshold": outcome.hyperparameters["threshold"],
                  "count_threshold": outcome.hyperparameters["count_threshold"]}
        cli_io.emit(result, cli_io.want_json(as_json))

    @app.command("score")
    def score_cmd(
        tokens: list[str] | None = typer.Argument(None, help="One sequence (tokens)."),
        input: str | None = typer.Option(None, "--input", help="Sequences, one a line (- stdin)."),
        model: str | None = typer.Option(None, "--model", help=f"Model name (default {DEFAULT_MODEL})."),
        top_g: int | None = typer.Option(None, "--top-g", help="Override the model's g."),
        threshold: float | None = typer.Option(None, "--threshold", help="Override the surprisal threshold (nats)."),
        rank_only: bool = typer.Option(False, "--rank-only", help="Top-g rule alone (DeepLog's; "
                                       "g = 9 unless --top-g or the model says otherwise)."),
        no_counts: bool = typer.Option(False, "--no-counts", help="Sequence rule alone: leave "
                                       "out the count view (broken count invariants confirmed "
                                       "by a surprising step)."),
        details: bool = typer.Option(False, "--details", help="Per-step ranks and surprisal."),
        only_anomalous: bool = typer.Option(False, "--only-anomalous"),
        threads: int = typer.Option(1, "--threads", help="torch CPU threads (0: torch default; "
                                    "1 is fastest for small networks on a busy CPU)."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Score sequences: per sequence its score (largest surprisal, nats), verdict and the
        indices of surprising steps."""
        p = _resolve_plugin(plugin)
        _threads(threads)
        if (input is None) == (not tokens):
            raise BadInput("give either tokens (score 5 5 22 ...) or --input FILE, not both")
        detector = get_detector(p, model)
        thr: Any = None if rank_only else (threshold if threshold is not None else ...)
        if rank_only and top_g is None and detector.top_g is None:
            top_g = 9  # DeepLog's rule on a model trained without it (count-view models)
        # Read as a stream: each batch holds the lines that have arrived (at most
        # SCORE_CHUNK), so a producer sees answers as it writes and memory stays bounded.
        batches = (cli_io.iter_batches(input, size=SCORE_CHUNK, skip_blank=False)
                   if input is not None else iter([[(1, " ".join(tokens or []))]]))
        # A "Sequence,label" CSV (the logdeep files): score the sequence, echo the label.
        labels: dict[int, str] = {}
        csv_mode: bool | None = None
        started, n_anom, n_events, n_lines = time.perf_counter(), 0, 0, 0
        use_json = cli_io.want_json(as_json)
        for chunk in batches:
            if csv_mode is None:
                csv_mode = chunk[0][1].lower().startswith("sequence,")
                if csv_mode:
                    chunk = chunk[1:]
            if csv_mode:
                for k, (number, line) in enumerate(chunk):
                    seq, _, label = line.rpartition(",")
                    chunk[k] = (number, seq)
                    labels[number] = label.strip()
            if not chunk:
                continue
            n_lines += len(chunk)
            seqs = [line.split() for _, line in chunk]
            # An empty line is not a session: reported, not scored (the API would judge an
            # empty sequence on "ending at once", which is not what a blank line means).
            scored = iter(detector.score([q for q in seqs if q], top_g=top_g, threshold=thr,
                                         counts=not (rank_only or no_counts)))
            for (number, _line), seq in zip(chunk, seqs, strict=True):
                at = number if input is not None else None
                if not seq:
                    if not only_anomalous:
                        cli_io.emit({"sequence": number - 1, "score": 0.0, "anomalous": False,
                                     "steps": [], "length": 0,
                                     "note": "empty line: not scored"}, use_json,
                                    f"#{number - 1}  (empty line: not scored)", line=at)
                    continue
                s = next(scored)
                n_events += len(seq)
                n_anom += s.anomalous
                if only_anomalous and not s.anomalous:
                    continue
                row = {"sequence": number - 1, **s.summary()}
                if number in labels:
                    row["label"] = labels.pop(number)
                if details:
                    row["ranks"] = s.ranks.tolist()
                    row["surprisal"] = [round(float(x), 3) for x in s.surprisal]
                flag = "[red]ANOMALOUS[/]" if s.anomalous else "normal"
                text = (f"score {row['score']:.2f}  "
                        f"steps {s.steps}" + ("  end" if s.end_surprising else "")
                        + (f"  unknown {s.unknown}" if s.unknown else "")
                        + (f"  counts {'; '.join(s.counts)}" if s.counts and s.anomalous else ""))
                cli_io.emit(row, use_json, f"#{row['sequence']}  {flag}  "
                            + cli_io.escape_markup(text), line=at, markup=True)
            labels.clear()
        seconds = time.perf_counter() - started
        try:
            p.context.store.insert("scans", {
                "source": input or "<args>", "model": model or DEFAULT_MODEL,
                "sequences": n_lines, "anomalous": n_anom, "events": n_events,
                "seconds": round(seconds, 3), "at": time.time()})
        except Exception as err:  # noqa: BLE001 — a busy database must not lose the results
            p.context.log.warning("could not record the scan: %s", err)

    @app.command("parse-logs")
    def parse_logs_cmd(
        file: str = typer.Argument(..., help="Raw log file (- for stdin)."),
        log_format: str = typer.Option(None, "--format", help="loghub-style header, e.g. "
                                       "'<Date> <Time> <Pid> <Level> <Component>: <Content>' (HDFS)."),
        session: str = typer.Option(None, "--session", help="Regex of the session key (HDFS: blk_-?\\d+)."),
        similarity: float = typer.Option(0.5, "--similarity", help="Drain similarity threshold."),
        depth: int = typer.Option(4, "--depth", help="Drain tree depth."),
        templates: bool = typer.Option(False, "--templates", help="Print the templates instead."),
        model: str | None = typer.Option(None, "--model", help="Map lines onto this model's "
                                         "event ids (its stored templates; deeplog-hdfs: "
                                         "DeepLog's HDFS keys), so its sessions score with it."),
        save_templates: Path | None = typer.Option(None, "--save-templates", help="Write the "
                                                   "templates (JSON) for `train --templates`."),
        compare: Path | None = typer.Option(None, "--compare", help="A loghub *_structured.csv "
                                            "to report grouping accuracy against."),
        follow: bool = typer.Option(False, "--follow", help="Follow a growing log (a file as "
                                    "it grows, like tail -f, or stdin or a FIFO until it "
                                    "ends) and print each session once it closes. Memory "
                                    "is capped (see the plugin README)."),
        idle_lines: int = typer.Option(10_000, "--idle-lines", min=1, help="--follow: a "
                                       "session closes after this many lines without it."),
        idle_seconds: float = typer.Option(60.0, "--idle-seconds", min=0.0, help="--follow: "
                                           "or after this many seconds without it."),
        as_json: bool = typer.Option(False, "--json"),
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
            keys = get_detector(_resolve_plugin(plugin), model).templates
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

    @app.command("text")
    def text_cmd(
        text: list[str] = typer.Argument(..., help="Text to score."),
        top: int = typer.Option(5, "--top", help="How many surprising words to list."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Surprising characters and words of a text, by the autocomplete character model."""
        from textseq_plugins.anomaly.textmode import render_markup, text_surprise

        p = _resolve_plugin(plugin)
        result = text_surprise(p.context.registry, " ".join(text), top=top)
        cli_io.emit(result, cli_io.want_json(as_json),
                    render_markup(result, cli_io.escape_markup), markup=True)

    return app
