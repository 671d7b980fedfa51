"""Benchmark of the autocomplete plugin's character model (a program, not a test).

    python bench/autocomplete.py [--model-dir models/char-rnn-shakespeare] [--savings-chars 3000]

Measures, on tinyshakespeare's last 10 % (the validation split; never trained on):
- nats/char and bits/char over all of it (anchor: nanoGPT's char transformer, 1.4697 nats);
- keystroke savings of a simulated typist on its first ``--savings-chars`` characters, who
  accepts the top suggestion (p >= 0.3) with one keystroke when it is exactly what comes
  next (``completer.keystroke_savings``; target >= 30 %). As in the app, a suggestion ends
  with the space the model expects after the word, and one key takes the word (Tab) or the
  word and the space (Shift+Tab). Also reported: the word alone (no space offered), whole
  words only, the precision of the ghost text (accepted / shown), and lower thresholds;
- latency per keystroke over a 5,000-keystroke replay (typing plus a typo and a backspace
  every 40 characters): the state update alone, and update + ghost-text suggestion, against
  re-encoding the last 500 characters at every keystroke (target p99 < 5 ms, >= 10x);
- training throughput (chars/s) of the shipped architecture on this CPU.

Prints one JSON line and a markdown table, and writes bench/results/autocomplete.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "data" / "text" / "tinyshakespeare" / "input.txt"
NANOGPT_NATS = 1.4697


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def replay_latency(model, text: str, keystrokes: int = 5000) -> dict[str, float]:
    """Per-keystroke milliseconds: state update only, update + suggestion, and re-encoding
    the last 500 chars (the non-incremental baseline, timed on every 25th keystroke)."""
    from textseq_plugins.autocomplete.completer import MIN_PROB, Completer

    typing_completer, suggest_completer = Completer(model), Completer(model)
    update_ms, suggest_ms, reencode_ms = [], [], []
    typed, i, n = "", 0, 0
    while n < keystrokes and i < len(text):
        if i % 40 == 39 and not typed.endswith("#"):
            typed += "#"  # a typo ...
        elif typed.endswith("#"):
            typed = typed[:-1]  # ... and its backspace
        else:
            typed += text[i]
            i += 1
        n += 1
        t0 = time.perf_counter()
        typing_completer.update(typed)
        update_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        suggest_completer.suggest(typed, n=1, words=1, min_prob=MIN_PROB, space=True)
        suggest_ms.append((time.perf_counter() - t0) * 1000)
        if n % 25 == 0:  # always a full 500-char prefix, even early in the replay
            ids = model.encode((text[:500] + typed)[-500:])[None, :]
            t0 = time.perf_counter()
            model.step(ids, None)
            reencode_ms.append((time.perf_counter() - t0) * 1000)
    return {
        "keystrokes": n,
        "update_p50_ms": statistics.median(update_ms),
        "update_p99_ms": _pct(update_ms, 0.99),
        "suggest_p50_ms": statistics.median(suggest_ms),
        "suggest_p99_ms": _pct(suggest_ms, 0.99),
        "reencode500_p50_ms": statistics.median(reencode_ms),
        "reencode500_p99_ms": _pct(reencode_ms, 0.99),
        "speedup_p50": statistics.median(reencode_ms) / statistics.median(update_ms),
    }


def training_throughput(config, steps: int = 6, batch: int = 64, seq_len: int = 128) -> float:
    """chars/s of forward + backward + AdamW steps of a fresh model with this architecture."""
    from textseq_plugins.autocomplete.model import CharRNN

    torch.manual_seed(0)
    net = CharRNN(config).train()
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3)
    x = torch.randint(0, config.vocab_size, (batch, seq_len))
    y = torch.randint(0, config.vocab_size, (batch, seq_len))
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        logits, _ = net(x)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, config.vocab_size),
                                                 y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    return batch * seq_len / statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, default=REPO / "models" / "char-rnn-shakespeare")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--savings-chars", type=int, default=3000)
    parser.add_argument("--keystrokes", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "autocomplete.json")
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus} is absent: the benchmark needs tinyshakespeare")
    torch.set_num_threads(args.threads)

    from textseq_plugins.autocomplete.completer import MIN_PROB, Completer, keystroke_savings
    from textseq_plugins.autocomplete.model import load_char_model
    from textseq_plugins.autocomplete.train import split_corpus

    model = load_char_model(args.model_dir)
    card = json.loads((args.model_dir / "card.json").read_text())
    val = split_corpus(args.corpus.read_text(encoding="utf-8"))[1]

    t0 = time.perf_counter()
    nats = model.nats_per_char(val)
    eval_s = time.perf_counter() - t0
    held_out = val[: args.savings_chars]
    sim = keystroke_savings(Completer(model), held_out, min_prob=MIN_PROB, space=True)
    sim_plain = keystroke_savings(Completer(model), held_out, min_prob=MIN_PROB)
    sim_words = keystroke_savings(Completer(model), held_out, min_prob=MIN_PROB, whole_words=True,
                                  space=True)
    lower = {p: keystroke_savings(Completer(model), held_out, min_prob=p, space=True)
             for p in (0.2, 0.1)}
    latency = replay_latency(model, val, args.keystrokes)
    throughput = training_throughput(model.config)

    result = {
        "bench": "autocomplete",
        "machine": {"processor": platform.processor() or platform.machine(),
                    "cores": os.cpu_count(), "torch_threads": torch.get_num_threads(),
                    "torch": torch.__version__, "load_avg_1m": round(os.getloadavg()[0], 2)},
        "model": card["name"], "model_device": card["device"],
        "parameters": sum(p.numel() for p in model.net.parameters()),
        "val_chars": len(val),
        "nats_per_char": round(nats, 4), "bits_per_char": round(nats / math.log(2), 4),
        "anchor_nanogpt_nats_per_char": NANOGPT_NATS,
        "eval_seconds": round(eval_s, 1),
        "keystroke_savings": round(sim["savings"], 4), "savings_chars": sim["chars"],
        "savings_keystrokes": sim["keystrokes"], "savings_accepts": sim["accepts"],
        "savings_min_prob": MIN_PROB, "savings_precision": round(sim["precision"], 4),
        "keystroke_savings_no_space": round(sim_plain["savings"], 4),
        "keystroke_savings_whole_words": round(sim_words["savings"], 4),
        "keystroke_savings_by_min_prob": {
            str(p): {"savings": round(r["savings"], 4), "precision": round(r["precision"], 4)}
            for p, r in lower.items()},
        **{k: round(v, 3) for k, v in latency.items()},
        "train_chars_per_s_bench": round(throughput),
        "train_chars_per_s_card": card["metrics"].get("train_chars_per_s"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    rows = [
        ("validation nats/char (last 10 %)", f"{nats:.4f}", "1.4697 (nanoGPT char transformer); "
         "target <= 1.50 on CPU"),
        ("validation bits/char", f"{nats / math.log(2):.4f}", f"{NANOGPT_NATS / math.log(2):.4f}"),
        (f"keystroke savings, first {sim['chars']:,} held-out chars, p >= {MIN_PROB} "
         "(word or word + space)", f"{sim['savings']:.1%} (precision {sim['precision']:.0%})",
         ">= 30 %"),
        ("keystroke savings, word only (no space offered)", f"{sim_plain['savings']:.1%}",
         ">= 30 %"),
        ("keystroke savings, whole words only", f"{sim_words['savings']:.1%}", ">= 30 %"),
        *((f"keystroke savings at p >= {p}", f"{r['savings']:.1%} (precision "
           f"{r['precision']:.0%})", ">= 30 %") for p, r in lower.items()),
        ("latency/keystroke, state update p50 / p99",
         f"{latency['update_p50_ms']:.2f} / {latency['update_p99_ms']:.2f} ms", "p99 < 5 ms"),
        ("latency/keystroke, update + suggestion p50 / p99",
         f"{latency['suggest_p50_ms']:.2f} / {latency['suggest_p99_ms']:.2f} ms", "p99 < 5 ms"),
        ("re-encoding 500 chars p50 (baseline)", f"{latency['reencode500_p50_ms']:.2f} ms",
         f">= 10x slower: {latency['speedup_p50']:.0f}x"),
        ("training throughput (1 thread, batch 64 x 128)", f"{throughput:,.0f} chars/s",
         "8,100 chars/s (GRU-384, 2 free cores)"),
    ]
    print(f"\nmachine: {result['machine']}\n")
    print("| measure | textseq | anchor / target |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
