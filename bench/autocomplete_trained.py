"""The trained-words figure (#29): a model trained with ``autocomplete train`` on a text, with
its own word layer, against the same model without it (a program, not a test).

    python bench/outside_text.py OUT_DIR          # prose from outside ../shared/data
    python bench/autocomplete.py --train-minutes 5 --outside-dir OUT_DIR \\
        [--train-texts shakespeare,rust_book,nomicon] [--train-steps N]

For each text: ``textseq autocomplete train --corpus FIRST_90 --minutes M`` (or ``--steps N``,
to rerun it on a quiet machine with the same work) in a fresh home, the default
hyper-parameters, one thread; then, on the last 10,000 characters of the text (never seen in
training nor in choosing the word layer's weight, which the trainer does on its own held-out
10 % of FIRST_90), what the app shows with that model: keystroke savings and precision with
its word layer (its own counts + the default model's English counts), with the English
counts only (no own layer), and with neither (the English word list alone: what a trained
model had before its word layer), and nats/char. The steps reached and the machine's load
before and after each run are reported beside them (a shared machine trains fewer steps in
5 minutes). Also: the time to count and save ``words.npz`` for a 10 MB corpus, and its size.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

EVAL_CHARS = 10_000


def train_and_measure(name: str, text: str, *, minutes: float | None, steps: int | None,
                      threads: int = 1) -> dict:
    """Train on the first 90 % of ``text`` in a fresh home, measure on its last 10,000
    characters (see the module docstring)."""
    from textseq_plugins.autocomplete.word_completer import WordCompleter
    from textseq_plugins.autocomplete.word_layer import WordLayers
    from typer.testing import CliRunner

    from textseq_tui.cli import build_app
    from textseq_tui.host import Host

    train, held = text[: int(len(text) * 0.9)], text[-EVAL_CHARS:]
    with tempfile.TemporaryDirectory() as home:
        host = Host(home=home, device="cpu")
        corpus = Path(home) / f"{name}.txt"
        corpus.write_text(train, encoding="utf-8")
        budget = ["--steps", str(steps), "--minutes", "0"] if steps else [
            "--minutes", str(minutes)]
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        out = CliRunner().invoke(build_app(host), [
            "autocomplete", "train", "--corpus", str(corpus), "--name", f"bench-{name}",
            *budget, "--threads", str(threads), "--quiet", "--json"], catch_exceptions=False)
        if out.exit_code:
            raise SystemExit(f"train failed: {out.stderr}")
        report = json.loads(out.stdout.strip().splitlines()[-1])
        seconds = time.perf_counter() - t0
        load_after = os.getloadavg()[0]
        model = host.registry.load(f"bench-{name}")
        layer = WordLayers(host.registry).get(f"bench-{name}")
        shown = {"with_word_layer": WordCompleter(model, layer=layer),
                 "english_counts_only": WordCompleter(model, layer=layer.without_own()),
                 "english_list_only": WordCompleter(model)}
        figures = {key: savings(completer, held) for key, completer in shown.items()}
    return {"train_chars": len(train), "eval_chars": len(held),
            "nats_per_char": round(model.nats_per_char(held), 4),
            "val_nats_per_char": round(report["val_nats_per_char"], 4),
            "steps": report["steps"], "epochs": report["epochs"],
            "train_minutes": report["minutes"], "command_seconds": round(seconds, 1),
            "stopped_because": report["stopped_because"],
            "load_avg_1m": {"before": round(load_before, 2), "after": round(load_after, 2)},
            "word_layer": report["word_layer"],
            "word_layer_seconds": {"count": report.get("word_layer_count_s"),
                                   "choose_weight": report.get("word_layer_choose_s")},
            **figures,
            "gain_points": round(100 * (figures["with_word_layer"]["savings"]
                                        - figures["english_counts_only"]["savings"]), 1)}


def savings(completer, text: str) -> dict:  # noqa: ANN001
    from textseq_plugins.autocomplete.completer import keystroke_savings

    r = keystroke_savings(completer, text, space=True)
    return {"savings": round(r["savings"], 4), "precision": round(r["precision"], 4),
            "shown": r["shown"], "accepts": r["accepts"]}


def word_store_build(text: str) -> dict:
    """Count ``text``'s words, pairs and triples and save them as ``words.npz``: seconds and
    the file's size (the corpus's own layer, as ``train`` builds it)."""
    from textseq_plugins.autocomplete.counts import STORE_MIN_COUNTS, STORE_ORDER, CountStore
    from textseq_plugins.autocomplete.vocabulary import words_of

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = CountStore.count(words_of(text), STORE_ORDER, STORE_MIN_COUNTS)
        counted = time.perf_counter() - t0
        store.save(Path(tmp) / "words.npz")
        total = time.perf_counter() - t0
        size = (Path(tmp) / "words.npz").stat().st_size
    return {"corpus_chars": len(text), "count_s": round(counted, 2), "total_s": round(total, 2),
            "file_mb": round(size / 2**20, 2), "words": len(store),
            "ngrams": {n: int(len(t[2])) for n, t in store.orders.items()},
            "load_avg_1m": round(os.getloadavg()[0], 2)}


def trained_figures(texts: dict[str, str], corpus_10mb: str, *, minutes: float | None,
                    steps: int | None, threads: int = 1) -> dict:
    """Every text's figure, their mean, and the 10 MB ``words.npz`` build."""
    import sys

    out: dict = {"minutes": minutes, "steps": steps, "texts": {}}
    for name, text in texts.items():
        out["texts"][name] = got = train_and_measure(name, text, minutes=minutes, steps=steps,
                                                     threads=threads)
        print("trained", name, json.dumps(got), file=sys.stderr, flush=True)
    rows = list(out["texts"].values())
    out["mean"] = {key: {k: round(statistics.fmean(r[key][k] for r in rows), 4)
                         for k in ("savings", "precision")}
                   for key in ("with_word_layer", "english_counts_only", "english_list_only")}
    out["mean"]["nats_per_char"] = round(statistics.fmean(r["nats_per_char"] for r in rows), 4)
    out["words_npz_10mb"] = word_store_build(corpus_10mb)
    return out


def print_trained(result: dict) -> None:
    print("\n| text | steps (load) | nats/char | with its word layer | English counts only |"
          " English list only |\n| --- | --- | --- | --- | --- | --- |")
    for name, r in result["texts"].items():
        cells = [f"{r[k]['savings']:.1%} ({r[k]['precision']:.0%})"
                 for k in ("with_word_layer", "english_counts_only", "english_list_only")]
        print(f"| {name} | {r['steps']} ({r['load_avg_1m']['before']}-"
              f"{r['load_avg_1m']['after']}) | {r['nats_per_char']:.3f} | " + " | ".join(cells)
              + " |")
    m = result["mean"]
    print(f"| mean | | {m['nats_per_char']:.3f} | " + " | ".join(
        f"{m[k]['savings']:.1%} ({m[k]['precision']:.0%})"
        for k in ("with_word_layer", "english_counts_only", "english_list_only")) + " |")
    b = result["words_npz_10mb"]
    print(f"words.npz for {b['corpus_chars']:,} chars: {b['total_s']} s "
          f"(counting {b['count_s']} s), {b['file_mb']} MB")
