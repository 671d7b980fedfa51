"""Text mode's word threshold: how often ordinary messages get a "surprising" word.

    python -m textseq_plugins.autocomplete.corpus --out DIR   # the held-out test text
    python bench/anomaly_textmode.py --corpus-dir DIR [--messages 200]

For each corpus of DIR/test (held-out documents of the default character model's training
corpora, and corpora it never saw), the first ``--messages`` sentences longer than 15
characters are scored as chat messages. Prints, per corpus, the 95/98/99th percentiles of a
word's mean surprisal per character, and the share of messages in which text mode would mark
a word at several thresholds. ``WORD_NATS`` in plugins/anomaly/textmode.py is about the mean
99th percentile of the held-out corpora the model trained on (masc, movie_reviews,
state_union), so ordinary text is rarely marked; the corpora it never saw are the check.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine, scratch_home  # noqa: E402

CORPORA = ("masc", "movie_reviews", "state_union", "brown", "webtext", "nps_chat")
THRESHOLDS = (3.0, 4.0, 4.5, 5.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus-dir", type=Path, required=True)
    parser.add_argument("--messages", type=int, default=200)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    from textseq_plugins.anomaly.textmode import CHAR_MODEL, WORD, WORD_NATS, text_surprise

    from textseq_tui.host import Host

    host = Host(home=scratch_home(), device="cpu")
    model = host.registry.load(CHAR_MODEL)
    rows = {}
    for name in CORPORA:
        path = args.corpus_dir / "test" / f"{name}.txt"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")[:60_000]
        messages = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text)
                    if len(s.strip()) > 15][: args.messages]
        means, per_message = [], []
        for message in messages:
            nats = [n for _, n, _ in model.char_surprisals(message)]
            words = [sum(nats[m.start():m.end()]) / (m.end() - m.start())
                     for m in WORD.finditer(message)]
            means += words
            per_message.append((words, sum(nats) / len(nats)))
        means.sort()
        marked = {t: sum(any(w > max(t, 2 * mean) for w in words)
                         for words, mean in per_message) / len(per_message)
                  for t in THRESHOLDS}
        shipped = sum(bool(text_surprise(host.registry, m, model=model)["words"])
                      for m in messages) / len(messages)
        rows[name] = {"messages": len(messages),
                      **{f"q{q}": round(means[int(q / 100 * len(means))], 2)
                         for q in (95, 98, 99)},
                      "marked": {str(t): round(v, 3) for t, v in marked.items()},
                      "marked_at_word_nats": round(shipped, 3)}
        print(name, json.dumps(rows[name]))
    print(f"\nWORD_NATS = {WORD_NATS}; machine: {machine()}")
    print("| corpus | q95 | q98 | q99 | messages marked at WORD_NATS |")
    print("| --- | --- | --- | --- | --- |")
    for name, row in rows.items():
        print(f"| {name} | {row['q95']} | {row['q98']} | {row['q99']} | "
              f"{row['marked_at_word_nats']:.0%} |")


if __name__ == "__main__":
    main()
