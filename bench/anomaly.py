"""Anomaly benchmark: HDFS log-key sessions (DeepLog split) and log parsing (loghub HDFS_2k).

    python bench/anomaly.py                 # evaluates the shipped models/deeplog-hdfs
    python bench/anomaly.py --train 3       # trains a fresh model for 3 minutes first

The model was trained on hdfs_deeplog/hdfs_train (4,855 normal sessions; 10 % of them held
out for the threshold). Recall is measured on all 16,838 abnormal sessions. The full normal
test split (553,366 sessions) is not available, so the false-positive rate is measured on the
normal sessions of hdfs_logdeep/robust_log_train.csv whose key sequence is not in the
training file, and precision is what those two rates give at DeepLog's test ratio
(553,366 normal : 16,838 abnormal). Those "unseen" normal sessions are the hardest normal
data (every one is a shape the model never saw), so a second, clearly labelled estimate
weights them by how often unseen shapes occur among normal sessions (624 of 6,000 in the
same file) and uses the flag rate on seen shapes for the rest.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sequences"
RESULTS = Path(__file__).resolve().parent / "results" / "anomaly.json"
TEST_NORMAL, TEST_ABNORMAL = 553_366, 16_838


def lines(path: Path) -> list[list[str]]:
    return [line.split() for line in path.read_text().splitlines() if line.strip()]


def precision_at_ratio(recall: float, fpr: float) -> float:
    tp, fp = recall * TEST_ABNORMAL, fpr * TEST_NORMAL
    return tp / (tp + fp) if tp + fp else 0.0


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model-dir", default=str(ROOT / "models" / "deeplog-hdfs"))
    parser.add_argument("--train", type=float, default=0.0, help="train for N minutes first")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    import torch

    torch.set_num_threads(args.threads)
    from textseq_plugins.anomaly.logparse import grouping_accuracy, parse_log
    from textseq_plugins.anomaly.model import load_detector
    from textseq_plugins.anomaly.train import TrainSettings, train_detector

    train = lines(DATA / "hdfs_deeplog" / "hdfs_train")
    abnormal = lines(DATA / "hdfs_deeplog" / "hdfs_test_abnormal")
    seen_shapes = {tuple(s) for s in train}
    unseen_normal, seen_normal = [], []
    with open(DATA / "hdfs_logdeep" / "robust_log_train.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["label"].strip() == "0":
                seq = row["Sequence"].split()
                (seen_normal if tuple(seq) in seen_shapes else unseen_normal).append(seq)
    if args.train:
        detector = train_detector(train, TrainSettings(minutes=args.train, max_steps=100000),
                                  progress=False).detector
        source = f"trained here for {args.train} min"
    else:
        detector = load_detector(Path(args.model_dir))
        source = str(Path(args.model_dir).relative_to(ROOT))

    rules = {"ours (top-g=9 or surprisal > threshold)": {},
             "ours, DeepLog rule only (top-g=9)": {"threshold": None}}
    rows = {}
    for label, kw in rules.items():
        r = sum(s.anomalous for s in detector.score(abnormal, **kw)) / len(abnormal)
        fp_unseen = sum(s.anomalous for s in detector.score(unseen_normal, **kw))
        fp_seen = sum(s.anomalous for s in detector.score(seen_normal, **kw))
        fpr = fp_unseen / len(unseen_normal)
        share = len(unseen_normal) / (len(unseen_normal) + len(seen_normal))
        fpr_mix = share * fpr + (1 - share) * fp_seen / len(seen_normal)
        p, p_mix = precision_at_ratio(r, fpr), precision_at_ratio(r, fpr_mix)
        rows[label] = {"recall": r, "fpr_unseen": fpr, "false_positives_unseen": fp_unseen,
                       "unseen_normal": len(unseen_normal), "precision": p, "f1": f1(p, r),
                       "fpr_mixture": fpr_mix, "precision_mixture": p_mix,
                       "f1_mixture": f1(p_mix, r)}

    # Speed: every abnormal session scored in batch; events = log keys (tokens).
    events = sum(len(s) for s in abnormal)
    # The CPU is shared: wall-clock rates depend on the load, so the rate per CPU-second of
    # this process (what one otherwise idle core would give) is reported beside it.
    speed, cpu_speed = {}, {}
    for dedupe in (False, True):
        detector.score(abnormal[:2000], dedupe=dedupe)  # warm-up
        t0, c0 = time.perf_counter(), time.process_time()
        detector.score(abnormal, dedupe=dedupe)
        speed[dedupe] = events / (time.perf_counter() - t0)
        cpu_speed[dedupe] = events / (time.process_time() - c0)

    # Sensitivity to g (rank rule only, threshold as shipped): picked by looking at test data,
    # so only the shipped g (DeepLog's 9) is our headline figure.
    sweep = []
    ab_plain = detector.score(abnormal, threshold=None, top_g=10**9)
    un_plain = detector.score(unseen_normal, threshold=None, top_g=10**9)
    se_plain = detector.score(seen_normal, threshold=None, top_g=10**9)
    thr = detector.threshold if detector.threshold is not None else float("inf")

    def flag_rate(scores: list, g: int) -> float:
        return sum(bool(((s.ranks >= g) | (s.surprisal > thr)).any()) for s in scores) / len(scores)

    share = len(unseen_normal) / (len(unseen_normal) + len(seen_normal))
    for g in range(6, 12):
        r, fu, fs = flag_rate(ab_plain, g), flag_rate(un_plain, g), flag_rate(se_plain, g)
        fm = share * fu + (1 - share) * fs
        sweep.append({"g": g, "recall": r, "fpr_unseen": fu, "precision": precision_at_ratio(r, fu),
                      "fpr_mixture": fm, "precision_mixture": precision_at_ratio(r, fm)})

    # Short sessions: DeepLog ports (window h = 10) cannot score a session of <= 10 keys and
    # flag it outright. Ours are judged on their keys and on ending where they end.
    short = [s for s in abnormal if len(s) <= 10]
    short_scores = detector.score(short)
    short_row = {"abnormal_sessions_len_le_10": len(short),
                 "recall": sum(x.anomalous for x in short_scores) / max(len(short), 1),
                 "flagged_only_at_end": sum(x.end_surprising and not x.steps
                                            for x in short_scores)}

    raw = (DATA / "loghub_hdfs" / "HDFS_2k.log").read_text().splitlines()
    parsed = parse_log(raw)
    with open(DATA / "loghub_hdfs" / "HDFS_2k.log_structured.csv", newline="") as fh:
        truth = [row["EventId"] for row in csv.DictReader(fh)]
    parse_acc = grouping_accuracy(parsed.events, truth)

    ours = rows["ours (top-g=9 or surprisal > threshold)"]
    result = {"bench": "anomaly", "model": source, "machine": machine(),
              "load_average": os.getloadavg(), "rules": rows,
              "events_per_s": round(speed[False]), "events_per_s_dedupe": round(speed[True]),
              "events_per_cpu_s": round(cpu_speed[False]),
              "events_per_cpu_s_dedupe": round(cpu_speed[True]), "g_sweep": sweep,
              "short_sessions": short_row,
              "parse_grouping_accuracy": parse_acc, "parse_templates": len(parsed.templates),
              "parse_sessions": len(parsed.sessions), "threshold": detector.threshold,
              "top_g": detector.top_g}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    print("\n| HDFS (DeepLog split) | precision | recall | F1 | FPR |\n|---|---|---|---|---|")
    for label, m in rows.items():
        print(f"| {label}, FPR on {m['unseen_normal']} unseen normal sessions | "
              f"{m['precision']:.3f} | {m['recall']:.4f} | {m['f1']:.3f} | {m['fpr_unseen']:.4f} |")
        print(f"| {label}, FPR mixture estimate (seen + unseen shapes) | "
              f"{m['precision_mixture']:.3f} | {m['recall']:.4f} | {m['f1_mixture']:.3f} | "
              f"{m['fpr_mixture']:.5f} |")
    print("| DeepLog (published, full test split) | 0.95 | 0.96 | 0.96 | 0.0015 |")
    print("| loglizer SVM / PCA / Invariants Mining (published F1) | | | 0.965 / 0.769 / 0.915 | |")
    print(f"\ntarget: recall >= 0.96 at precision >= 0.95; ours (literal): recall "
          f"{ours['recall']:.4f}, precision {ours['precision']:.3f}")
    print("\n| g (threshold as shipped) | recall | precision (unseen FPR) | precision (mixture) |"
          "\n|---|---|---|---|")
    for row in sweep:
        print(f"| {row['g']} | {row['recall']:.4f} | {row['precision']:.3f} | "
              f"{row['precision_mixture']:.3f} |")
    print(f"\nshort abnormal sessions (<= 10 keys, which window-10 ports flag unscored): "
          f"{short_row['abnormal_sessions_len_le_10']}, ours flags {short_row['recall']:.4f} "
          f"of them on merit ({short_row['flagged_only_at_end']} only for ending early)")
    print("\n| speed (all 16,838 abnormal sessions, events = log keys) | wall | per CPU-second "
          "| target |\n|---|---|---|---|")
    print(f"| events/s scored, batch, {args.threads} thread(s) | {speed[False]:,.0f} | "
          f"{cpu_speed[False]:,.0f} | >= 50,000 |")
    print(f"| events/s, identical sessions scored once | {speed[True]:,.0f} | "
          f"{cpu_speed[True]:,.0f} | |")
    print("\n| log parsing (HDFS_2k) | ours (Drain re-implementation) | Drain (loghub, published) |"
          "\n|---|---|---|")
    print(f"| grouping accuracy | {parse_acc:.4f} | 0.998 |")
    print(f"\nmachine: {result['machine']}, load average {result['load_average']}")


if __name__ == "__main__":
    main()
