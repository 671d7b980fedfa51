"""Text mode: how often ordinary messages get a mark, and how often planted odd words are
found, per kind of text and per planting.

    python bench/outside_text.py /tmp/outside            # the docs on this machine (optional)
    python bench/anomaly_textmode.py --outside /tmp/outside [--per-split 250] [--plant 60]
    python bench/anomaly_textmode.py --calibrate plugins/anomaly/textmode_thresholds.json

The messages and plantings are described in ``bench/textmode_data.py``. Every message is
scored once (``wordscore.score_text``: the shipped ``char-rnn-english`` through the registry,
the lexicon, no personal history) and its scores are kept in ``--features`` (reused when the
file exists and was made from the same settings), so thresholds can be chosen and checked
without scoring again: the stored reads (each word's frequency, surprisal, context and the
character model's reading of its neighbours) give the scores through
``wordscore.final_scores``, as text mode computes them. Scoring takes about two CPU-hours;
``--shard K/N`` scores a part (every N-th message) into ``FEATURES.KofN`` so N parts can run
side by side, and a plain run with ``--features FEATURES`` joins them.

``--fit-out-of-place`` prints ``outofplace.WEIGHTS`` refitted on the calibration half (the
"out of place" score's logistic regression; its reads come from the stored text and reads
with the host's GloVe and WordNet, so they need no new scoring).

``--calibrate FILE`` chooses the thresholds on the calibration halves only
(``textcalib.calibrate``: per reason, the split-conformal quantile of each kind's per-message
largest score, the largest over the kinds) and writes them, with their provenance, to FILE;
the figures are then those thresholds on the test halves. Without it the shipped thresholds
(``plugins/anomaly/textmode_thresholds.json``) are measured.

Prints one JSON line per kind and per source, a table (ordinary messages marked, with a 95 %
Wilson interval; planted words found, per planting), the time to judge a chat-length message
(median and 95th percentile, one thread) and the machine with its load.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine, save_results, scratch_home  # noqa: E402
from textmode_data import CALIBRATED, KINDS, PLANTINGS, Planter, load_messages  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _row(scores: list, span: tuple[int, int] | None = None) -> dict:
    words = [[s.word.start, s.word.end, s.typo, s.unusual, s.suggestion, round(s.zipf, 3),
              round(s.nats_per_char, 3), round(s.context, 3), s.extra.get("candidates"),
              s.out_of_place]
             for s in scores.words if s.word.judge and not s.extra.get("yours")]
    return {"words": words, **({"span": list(span)} if span else {})}


def _read_features(path: Path, key: str) -> list[dict] | None:
    if not path.exists():
        return None
    rows = [json.loads(ln) for ln in path.read_text().splitlines()]
    return rows[1:] if rows and rows[0].get("key") == key else None


def score_all(args: argparse.Namespace) -> list[dict] | None:
    """Every message's word scores (from ``--features`` when it holds these settings, or
    from its ``--shard`` parts ``FILE.KofN`` when every part is there). With ``--shard K/N``
    only every N-th message from the K-th is scored, into ``FILE.KofN``, and None returned:
    run the N parts at once, then once more without ``--shard``."""
    settings = {"per_split": args.per_split, "plant": args.plant, "outside": str(args.outside),
                "version": 5}
    key = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]
    part, parts = map(int, args.shard.split("/")) if args.shard else (0, 1)
    if args.features and not args.shard:
        rows = _read_features(args.features, key)
        if rows is not None:
            return rows
        shards = sorted(args.features.parent.glob(args.features.name + ".*of*"))
        read = [_read_features(f, key) for f in shards]
        if shards and all(r is not None for r in read) \
                and len(shards) == int(shards[0].name.rsplit("of", 1)[1]):
            rows = [r for rs in read for r in rs]  # type: ignore[union-attr]
            args.features.write_text("\n".join(json.dumps(r) for r in [{"key": key}, *rows])
                                     + "\n")
            return rows
    import torch

    torch.set_num_threads(1)
    from textseq_plugins.anomaly.lexicon import lexicon_for
    from textseq_plugins.anomaly.textmode import CHAR_MODEL, load_char_model
    from textseq_plugins.anomaly.wordscore import score_text

    from textseq_tui.host import Host

    host = Host(home=scratch_home(), device="cpu")
    model = load_char_model(host.registry)
    lexicon = lexicon_for(host.registry.get(CHAR_MODEL).path)
    messages = load_messages(args.data, args.outside, args.per_split)
    planter = Planter(seed=0)
    rows: list[dict] = []
    planted_here: dict[tuple[str, str], int] = defaultdict(int)
    started = time.time()
    out = None
    if args.features:  # written as it goes (FILE.part), renamed when complete
        out = args.features.with_name(f"{args.features.name}.{part}of{parts}") if args.shard \
            else args.features
        writing = open(out.with_name(out.name + ".part"), "w", encoding="utf-8")  # noqa: SIM115
        writing.write(json.dumps({"key": key}) + "\n")
    planted_in = set()  # the first --plant messages of each source's half get plantings
    for i, m in enumerate(messages):
        planted_here[(m.source, m.split)] += 1
        if planted_here[(m.source, m.split)] <= args.plant:
            planted_in.add(i)
    # a seeded order mixing the sources, so a part read before it is done is a fair sample
    order = [i for i in range(len(messages)) if i % parts == part]
    random.Random(part).shuffle(order)
    done = 0
    for n, i in enumerate(order):
        m = messages[i]
        if out is not None and rows:
            writing.write("".join(json.dumps(r) + "\n" for r in rows[done:]))
            writing.flush()
        done = len(rows)
        base = {"source": m.source, "kind": m.kind, "split": m.split}
        rows.append({**base, "planting": None, "text": m.text,
                     **_row(score_text(model, lexicon, m.text))})
        if n % 100 == 0:
            print(f"{n}/{len(order)} messages, {time.time() - started:.0f} s", file=sys.stderr)
        if i not in planted_in:
            continue
        planter.rng.seed(f"{i}:{m.text}")  # the same plantings however the work is split
        for how in PLANTINGS:
            planted = planter.plant(m.text, how)
            if planted is None:
                continue
            text, start, end, _word = planted
            rows.append({**base, "planting": how, "text": text,
                         **_row(score_text(model, lexicon, text), (start, end))})
    if out is not None:
        writing.write("".join(json.dumps(r) + "\n" for r in rows[done:]))
        writing.close()
        out.with_name(out.name + ".part").replace(out)
    return None if args.shard else rows


def rescore(rows: list[dict]) -> None:
    """Each stored word's scores from its stored reads (``wordscore.final_scores``, and
    ``outofplace`` with the host's GloVe and WordNet, as text mode computes them now), so a
    change of weights needs no new reads."""
    from textseq_plugins.anomaly.outofplace import out_of_place
    from textseq_plugins.anomaly.wordscore import contexts, final_scores

    from textseq_tui.ml import GloveVectors, WordNet, shipped_wordnet_dir

    vectors, wordnet = GloveVectors(), WordNet(shipped_wordnet_dir())
    for r in rows:
        words = r["words"]
        for w, context in zip(words, contexts([(w[5], w[6], w[8]) for w in words]),
                              strict=True):
            w[7] = context
            w[2], w[3], w[4] = final_scores(w[5], w[6], w[7], w[8])
            del w[9:]
            w.append(None)
        found = out_of_place([(r["text"][w[0]:w[1]], w[5], w[6]) for w in words], vectors,
                             wordnet)
        for i, value in found.items():
            words[i][9] = value


def fit_out_of_place(rows: list[dict]) -> tuple[float, ...]:
    """``outofplace.WEIGHTS`` refitted: a logistic regression over the reads
    (``outofplace.reads``) of the calibration half's candidate nouns, ordinary ones against
    planted unrelated ones (never the test half)."""
    from sklearn.linear_model import LogisticRegression
    from textseq_plugins.anomaly.outofplace import reads

    from textseq_tui.ml import GloveVectors, WordNet, shipped_wordnet_dir

    vectors, wordnet = GloveVectors(), WordNet(shipped_wordnet_dir())
    x, y = [], []
    for r in rows:
        if r["split"] != "calib" or r["planting"] not in (None, "unrelated word"):
            continue
        words = [(r["text"][w[0]:w[1]], w[5], w[6]) for w in r["words"]]
        for i, read in reads(words, vectors, wordnet).items():
            planted = r["planting"] is not None and r["words"][i][0] == r["span"][0]
            if r["planting"] is None or planted:
                x.append(read)
                y.append(int(planted))
    fitted = LogisticRegression(C=1.0, max_iter=1000).fit(x, y)
    return (*(round(float(c), 2) for c in fitted.coef_[0]), round(float(fitted.intercept_[0]), 2))


def reasons_of(row: dict, thresholds: dict) -> list[tuple[int, int, str]]:
    from textseq_plugins.anomaly.textcalib import COLUMNS
    from textseq_plugins.anomaly.textmode import reason_for

    out = []
    for w in row["words"]:
        start, end = w[0], w[1]
        why = reason_for({k: w[c] if c < len(w) else None for k, c in COLUMNS.items()},
                         thresholds)
        if why:
            out.append((start, end, why))
    return out


def figures(rows: list[dict], thresholds: dict) -> dict:
    ordinary: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    found: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if r["split"] != "test":
            continue
        marks = reasons_of(r, thresholds)
        if r["planting"] is None:
            for key in (r["kind"], f"{r['kind']}/{r['source']}"):
                ordinary[key][0] += bool(marks)
                ordinary[key][1] += 1
        else:
            s, e = r["span"]
            hit = any(a < e and s < b for a, b, _ in marks)
            for key in ((r["kind"], r["planting"]), ("all", r["planting"]), (r["kind"], "all"),
                        ("all", "all")):
                found[key][0] += hit
                found[key][1] += 1
    return {"ordinary": {k: {"marked": v[0], "n": v[1], "rate": v[0] / v[1],
                             "ci95": wilson(*v)} for k, v in ordinary.items()},
            "planted": {f"{k[0]}|{k[1]}": {"found": v[0], "n": v[1], "rate": v[0] / v[1]}
                        for k, v in found.items()}}


def model_identity() -> dict:
    """The character model the thresholds belong to: its name and its weights' sha256."""
    from textseq_plugins.anomaly.textmode import CHAR_MODEL

    from textseq_tui.host import Host

    card = Host(home=scratch_home(), device="cpu").registry.get(CHAR_MODEL).card
    return {"name": CHAR_MODEL, "weights_sha256": card.files.get("weights.safetensors")}


def speed(args: argparse.Namespace, rows: list[dict]) -> dict:
    """Seconds to judge each of 200 chat messages (the annotator's path), one thread."""
    import torch

    torch.set_num_threads(1)
    from textseq_plugins.anomaly.textmode import judge_text

    from textseq_tui.host import Host

    host = Host(home=scratch_home(), device="cpu")
    chats = [r["text"] for r in rows if r["kind"] in ("chat", "tweets") and r["planting"]
             is None][:200]
    judge_text(host.registry, chats[0])  # loads the model and the lexicon
    times, cpu = [], []
    for text in chats:
        t, c = time.perf_counter(), time.process_time()
        judge_text(host.registry, text)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    times.sort()
    cpu.sort()
    return {"messages": len(times), "mean_chars": round(statistics.mean(map(len, chats)), 1),
            "median_ms": round(1000 * statistics.median(times), 1),
            "p95_ms": round(1000 * times[int(0.95 * len(times))], 1),
            "max_ms": round(1000 * times[-1], 1),
            # CPU time: what a core gives when it is not shared (the box is, with others)
            "median_cpu_ms": round(1000 * statistics.median(cpu), 1),
            "p95_cpu_ms": round(1000 * cpu[int(0.95 * len(cpu))], 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--outside", type=Path, default=None,
                        help="bench/outside_text.py's OUT_DIR (documentation prose)")
    parser.add_argument("--per-split", type=int, default=250)
    parser.add_argument("--plant", type=int, default=60,
                        help="test messages per source that get each planting")
    parser.add_argument("--features", type=Path, default=None)
    parser.add_argument("--shard", default=None, help="K/N: score only part K of N "
                        "(into FEATURES.KofN), for running the parts side by side")
    parser.add_argument("--calibrate", type=Path, default=None)
    parser.add_argument("--no-speed", action="store_true", help="skip the timing")
    parser.add_argument("--fit-out-of-place", action="store_true", help="print "
                        "outofplace.WEIGHTS refitted on the calibration half, and stop")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" /
                        "anomaly_textmode.json")
    args = parser.parse_args()
    rows = score_all(args)
    if rows is None:
        return
    if args.fit_out_of_place:
        print(json.dumps({"WEIGHTS": fit_out_of_place(rows)}))
        return
    from textseq_plugins.anomaly import textcalib

    if args.calibrate:
        rescore(rows)
        calib = [r for r in rows if r["split"] == "calib" and r["planting"] is None]
        by_kind = defaultdict(list)
        for r in calib:
            by_kind[r["kind"]].append(textcalib.message_maxima(r["words"]))
        thresholds = textcalib.calibrate(by_kind)
        thresholds["model"] = model_identity()
        thresholds["calibration"] = {
            "messages": {k: len(v) for k, v in by_kind.items()},
            "sources": sorted({r["source"] for r in calib}),
            "rebuild": "python bench/outside_text.py /tmp/outside && python "
            f"bench/anomaly_textmode.py --outside /tmp/outside --per-split {args.per_split} "
            f"--plant {args.plant} --calibrate {args.calibrate}"}
        textcalib.save(args.calibrate, thresholds)
    else:
        thresholds = textcalib.load()
        rescore(rows)
    result = figures(rows, thresholds)
    if not args.no_speed:
        result["speed"] = speed(args, rows)
    result["thresholds"] = {k: thresholds[k] for k in textcalib.REASONS if k in thresholds}
    result["machine"] = machine()
    save_results(args.out, result)
    print(json.dumps(result["thresholds"]))
    print("\n| kind | ordinary messages marked [95 % CI] | "
          + " | ".join(PLANTINGS) + " | all plantings |")
    print("|---" * (3 + len(PLANTINGS)) + "|")
    for kind in [*KINDS, "all"]:
        o = result["ordinary"].get(kind)
        cells = []
        for how in [*PLANTINGS, "all"]:
            p = result["planted"].get(f"{kind}|{how}")
            cells.append(f"{p['rate']:.0%} ({p['n']})" if p else "")
        ord_cell = (f"{o['rate']:.1%} of {o['n']} [{o['ci95'][0]:.1%}, {o['ci95'][1]:.1%}]"
                    if o else "")
        note = "" if kind in CALIBRATED or kind == "all" else " (never calibrated on)"
        print(f"| {kind}{note} | {ord_cell} | " + " | ".join(cells) + " |")
    for key, o in sorted(result["ordinary"].items()):
        if "/" in key:
            print(f"  {key}: {o['rate']:.1%} of {o['n']}")
    print(f"\nspeed: {json.dumps(result.get('speed'))}\nmachine: {json.dumps(result['machine'])}")


if __name__ == "__main__":
    main()
