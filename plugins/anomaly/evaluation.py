"""Held-out evaluation of session anomaly detectors, and loglizer's two classic baselines.

* :func:`hdfs_split` — the seeded, documented split of the HDFS normal sessions we have
  (DeepLog's 4,855 training sessions and logdeep's 6,000 normal ones) into train /
  threshold-calibration / test **by session**, before any training.
* :func:`wilson` and :func:`precision_at_ratio` — a rate with its 95 % interval, and the
  precision a recall and a false-positive rate give at a stated normal : abnormal ratio.
* :class:`StideDetector` (Forrest et al.'s sequence time-delay embedding: a session is
  anomalous when it contains an n-gram never seen in normal data) and
  :class:`PcaDetector` / :class:`InvariantsDetector` (Xu et al.'s PCA on event-count vectors
  and Lou et al.'s invariants mining, as loglizer implements them).

Pure Python and numpy: nothing here imports torch.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textseq_plugins.anomaly.invariants import CountInvariants, count_matrix

#: DeepLog's HDFS test split (Du et al. 2017): normal and abnormal sessions.
DEEPLOG_NORMAL, DEEPLOG_ABNORMAL = 553_366, 16_838

Session = list[str]


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval (95 % by default) of a rate of ``k`` events in ``n`` trials."""
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def precision_at_ratio(recall: float, fpr: float, normal: int = DEEPLOG_NORMAL,
                       abnormal: int = DEEPLOG_ABNORMAL) -> float:
    """Precision of a detector with this recall and false-positive rate on a test set of
    ``normal`` and ``abnormal`` sessions (DeepLog's by default)."""
    tp, fp = recall * abnormal, fpr * normal
    return tp / (tp + fp) if tp + fp else 0.0


def read_lines(path: Path) -> list[Session]:
    """One session a line, keys separated by spaces (blank lines skipped)."""
    return [line.split() for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def read_labelled_csv(path: Path) -> tuple[list[Session], list[Session]]:
    """``(normal, abnormal)`` sessions of a logdeep ``Sequence,label`` CSV."""
    normal, abnormal = [], []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            (abnormal if row["label"].strip() == "1" else normal).append(row["Sequence"].split())
    return normal, abnormal


@dataclass
class HdfsSplit:
    """Normal HDFS sessions split by session (seeded), and every abnormal session.

    ``deeplog_train``/``deeplog_calib``: DeepLog's 4,855 training sessions, 90 / 10 %.
    ``extra_train``/``extra_calib``/``test``: logdeep's 6,000 normal sessions, split
    ``extra_train_n`` / ``extra_calib_n`` / the rest. ``test`` is never trained on nor used
    to choose anything: it is the natural mix of normal sessions (a random sample of HDFS
    normal blocks, so most repeat common shapes) on which the false-positive rate is
    measured. ``abnormal``: all 16,838 abnormal sessions of DeepLog's test file (logdeep's
    6,000 abnormal sessions are a subset of them).
    """

    deeplog_train: list[Session]
    deeplog_calib: list[Session]
    extra_train: list[Session]
    extra_calib: list[Session]
    test: list[Session]
    abnormal: list[Session]
    seed: int

    @property
    def train(self) -> list[Session]:
        """The pooled training sessions (what the shipped model learns from)."""
        return self.deeplog_train + self.extra_train

    @property
    def calib(self) -> list[Session]:
        """The pooled threshold-calibration sessions (never trained on)."""
        return self.deeplog_calib + self.extra_calib

    def describe(self) -> dict[str, Any]:
        return {"seed": self.seed, "deeplog_train": len(self.deeplog_train),
                "deeplog_calib": len(self.deeplog_calib), "logdeep_train": len(self.extra_train),
                "logdeep_calib": len(self.extra_calib), "test_normal": len(self.test),
                "abnormal": len(self.abnormal)}


def hdfs_split(data_dir: Path, seed: int = 0, extra_train_n: int = 2000,
               extra_calib_n: int = 1000, deeplog_calib_fraction: float = 0.1) -> HdfsSplit:
    """The split of ``data_dir`` (``../shared/data/sequences``); see :class:`HdfsSplit`.

    Sessions, not shapes, are shuffled: a test session may repeat a training shape, as it
    would in any real log, and the rates on shapes never trained on are reported apart.
    """
    data_dir = Path(data_dir)
    deeplog = read_lines(data_dir / "hdfs_deeplog" / "hdfs_train")
    abnormal = read_lines(data_dir / "hdfs_deeplog" / "hdfs_test_abnormal")
    extra, _ = read_labelled_csv(data_dir / "hdfs_logdeep" / "robust_log_train.csv")
    rng = random.Random(seed)
    d_idx = list(range(len(deeplog)))
    rng.shuffle(d_idx)
    n_cal = int(round(len(deeplog) * deeplog_calib_fraction))
    e_idx = list(range(len(extra)))
    rng.shuffle(e_idx)
    a, b = extra_train_n, extra_train_n + extra_calib_n
    return HdfsSplit(
        deeplog_train=[deeplog[i] for i in sorted(d_idx[n_cal:])],
        deeplog_calib=[deeplog[i] for i in sorted(d_idx[:n_cal])],
        extra_train=[extra[i] for i in sorted(e_idx[:a])],
        extra_calib=[extra[i] for i in sorted(e_idx[a:b])],
        test=[extra[i] for i in sorted(e_idx[b:])],
        abnormal=abnormal, seed=seed)


def rate_report(flags: Sequence[bool]) -> dict[str, Any]:
    """``{"flagged", "n", "rate", "ci95"}`` for a list of verdicts."""
    k, n = sum(bool(f) for f in flags), len(flags)
    lo, hi = wilson(k, n)
    return {"flagged": k, "n": n, "rate": k / n if n else 0.0, "ci95": [lo, hi]}


def evaluate_flags(test_flags: Sequence[bool], test: Sequence[Session],
                   abnormal_flags: Sequence[bool], trained: set[tuple[str, ...]]
                   ) -> dict[str, Any]:
    """The figures the benchmark reports for one detector: FPR on the natural mix of held-out
    normal sessions and on the distinct shapes never trained on (each shape once), recall on
    the abnormal sessions, and precision at DeepLog's ratio (with the FPR interval's ends)."""
    fpr = rate_report(test_flags)
    unseen: dict[tuple[str, ...], bool] = {}
    for seq, flag in zip(test, test_flags, strict=True):
        if tuple(seq) not in trained:
            unseen[tuple(seq)] = bool(flag)
    recall = sum(bool(f) for f in abnormal_flags) / max(len(abnormal_flags), 1)
    lo, hi = fpr["ci95"]
    return {
        "recall": recall, "abnormal": len(abnormal_flags),
        "fpr": fpr, "fpr_unseen_shapes": rate_report(list(unseen.values())),
        "test_sessions_of_unseen_shapes": sum(tuple(s) not in trained for s in test),
        "precision": precision_at_ratio(recall, fpr["rate"]),
        "precision_ci95": [precision_at_ratio(recall, hi), precision_at_ratio(recall, lo)],
    }


# -- baselines (loglizer's): the next-token detector is compared with these on one split ---------------------------------------------------------------------------------


class StideDetector:
    """Stide: the set of n-grams (``n`` keys, the session padded with ``^``/``$`` so short
    sessions and their ends count) of normal sessions; a session is anomalous when at least
    ``mismatches`` of its n-grams are not in the set."""

    def __init__(self, n: int = 6, mismatches: int = 1) -> None:
        self.n, self.mismatches = n, mismatches
        self.grams: set[tuple[str, ...]] = set()

    def _grams(self, seq: Sequence[str]) -> list[tuple[str, ...]]:
        padded = ["^"] * (self.n - 1) + list(seq) + ["$"]
        return [tuple(padded[i : i + self.n]) for i in range(len(padded) - self.n + 1)]

    def fit(self, sessions: Sequence[Sequence[str]]) -> StideDetector:
        for seq in sessions:
            self.grams.update(self._grams(seq))
        return self

    def predict(self, sessions: Sequence[Sequence[str]]) -> list[bool]:
        return [sum(g not in self.grams for g in self._grams(s)) >= self.mismatches
                for s in sessions]


class PcaDetector:
    """loglizer's PCA (Xu et al., SOSP 2009): event-count vectors, TF-IDF weighted and
    centred; the normal subspace keeps ``variance`` of the variance; a session is anomalous
    when its squared prediction error (its part outside that subspace) exceeds the
    threshold — chosen on calibration sessions (the ``1 - fp_budget`` quantile) when
    :meth:`calibrate` is called, else loglizer's Q-statistic at ``c_alpha`` (3.2905, 99.95 %).
    An event never seen in training gets its own column (weight of an event seen in no
    training session), so it always adds to the error."""

    def __init__(self, variance: float = 0.95, c_alpha: float = 3.2905) -> None:
        self.variance, self.c_alpha = variance, c_alpha
        self.threshold = math.inf

    def _transform(self, sessions: Sequence[Sequence[str]]) -> Any:
        import numpy as np

        x = count_matrix(sessions, self.events)
        unseen = np.array([[sum(t not in self._known for t in s)] for s in sessions], float)
        x = np.hstack([x * self.idf, unseen * self.unseen_weight])
        return x - self.mean

    def fit(self, sessions: Sequence[Sequence[str]]) -> PcaDetector:
        import numpy as np

        self.events = sorted({t for s in sessions for t in s})
        self._known = set(self.events)
        x = count_matrix(sessions, self.events)
        df = (x > 0).sum(0)
        self.idf = np.log(len(sessions) / np.maximum(df, 1))
        self.unseen_weight = math.log(len(sessions))
        x = np.hstack([x * self.idf, np.zeros((len(sessions), 1))])
        self.mean = x.mean(0)
        x = x - self.mean
        _, s, vt = np.linalg.svd(x, full_matrices=False)
        var = s**2 / max(len(sessions) - 1, 1)
        k = int(np.searchsorted(np.cumsum(var) / max(var.sum(), 1e-12), self.variance) + 1)
        self.components = vt[:k]
        # Jackson & Mudholkar's Q-statistic on the residual eigenvalues (loglizer's default).
        lam = var[k:]
        phi = [float((lam**i).sum()) for i in (1, 2, 3)]
        if phi[0] > 0 and phi[1] > 0:
            h0 = 1.0 - 2 * phi[0] * phi[2] / (3.0 * phi[1] ** 2)
            self.threshold = phi[0] * (self.c_alpha * math.sqrt(2 * phi[1] * h0 * h0) / phi[0]
                                       + 1.0 + phi[1] * h0 * (h0 - 1) / phi[0] ** 2) ** (1 / h0)
        return self

    def spe(self, sessions: Sequence[Sequence[str]]) -> Any:
        x = self._transform(sessions)
        resid = x - (x @ self.components.T) @ self.components
        return (resid**2).sum(1)

    def calibrate(self, sessions: Sequence[Sequence[str]], fp_budget: float = 0.001) -> None:
        import numpy as np

        self.threshold = float(np.quantile(self.spe(sessions), 1 - fp_budget)) * 1.0 + 1e-9

    def predict(self, sessions: Sequence[Sequence[str]]) -> list[bool]:
        return [bool(v > self.threshold) for v in self.spe(sessions)]


class InvariantsDetector:
    """Invariants mining alone (loglizer's InvariantsMiner): a session is anomalous when it
    breaks an invariant of normal sessions' event counts or holds an event never seen."""

    def __init__(self, support: float = 0.98) -> None:
        self.model = CountInvariants(support=support)

    def fit(self, sessions: Sequence[Sequence[str]]) -> InvariantsDetector:
        self.model.fit(sessions)
        self._known = set(self.model.events)
        return self

    def predict(self, sessions: Sequence[Sequence[str]]) -> list[bool]:
        broken = self.model.broken(sessions, spare_known=False)  # loglizer's rule, as published
        return [bool(b) or any(t not in self._known for t in s)
                for s, b in zip(sessions, broken, strict=True)]


def write_split(split: HdfsSplit, folder: Path) -> dict[str, Path]:
    """Write ``train.txt``, ``calib.txt``, ``test.txt`` and ``abnormal.txt`` (one session a
    line) into ``folder``, the files ``textseq anomaly train --input train.txt --calib
    calib.txt`` and ``score`` read."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    parts = {"train": split.train, "calib": split.calib, "test": split.test,
             "abnormal": split.abnormal}
    out = {}
    for name, sessions in parts.items():
        path = folder / f"{name}.txt"
        path.write_text("".join(" ".join(s) + "\n" for s in sessions), encoding="utf-8")
        out[name] = path
    return out
