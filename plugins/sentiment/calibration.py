"""The mapping from the linear model's raw value to the score a person reads (-1..+1).

The elastic net predicts the common rating scale, where even a plainly positive sentence
sits near +0.4 and most texts near 0 (a linear fit shrinks towards the mean). The score
shown is instead how much likelier the text is positive than negative:

    score = P(positive | raw) - P(negative | raw)
    P(negative) = sigmoid(t_neg - a raw),  P(positive) = sigmoid(a raw - t_pos)

an ordinal (cumulative-logit) model of three classes, negative < neutral < positive, fitted
by maximum likelihood on held-out sentences: the SST-5 dev and test sentences (fine labels
0-1 negative, 2 neutral, 3-4 positive) that are in none of the shipped model's training
sets (the same sentence in rt-polarity or VADER's movie snippets is left out). The mapping
is monotone, 0 where the two outer classes are equally likely (``center``), and the text's
most likely class names it: ``positive 0.62``, ``neutral``, ``negative 0.55``.

Rebuild the shipped model's (writes ``calibration.json`` and updates its card)::

    python -m textseq_plugins.sentiment.calibration models/sentiment-enet
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

FILE = "calibration.json"
#: The held-out sets the mapping is fitted on (SST-5 sentence splits).
FIT_FILES = ("stsa.fine.dev", "stsa.fine.test")


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class Calibration:
    """``score = P(pos) - P(neg)``, with ``P(neg) = sigmoid(t_neg - a raw)`` and
    ``P(pos) = sigmoid(a raw - t_pos)``."""

    a: float
    t_neg: float
    t_pos: float

    def probabilities(self, raw: float) -> tuple[float, float, float]:
        """(negative, neutral, positive) for a raw value."""
        neg = _sigmoid(self.t_neg - self.a * raw)
        pos = _sigmoid(self.a * raw - self.t_pos)
        return neg, max(0.0, 1.0 - neg - pos), pos

    def score(self, raw: float) -> float:
        neg, _, pos = self.probabilities(raw)
        return pos - neg

    @property
    def center(self) -> float:
        """The raw value scored 0 (negative and positive equally likely)."""
        return (self.t_neg + self.t_pos) / (2 * self.a)

    def mood(self, raw: float) -> str:
        """The most likely class: "negative", "neutral" or "positive"."""
        probs = self.probabilities(raw)
        return ("negative", "neutral", "positive")[probs.index(max(probs))]

    @classmethod
    def read(cls, model_dir: Path) -> Calibration | None:
        """The calibration stored in ``model_dir`` (None when there is none)."""
        path = Path(model_dir) / FILE
        if not path.exists():
            return None
        raw = json.loads(path.read_text(encoding="utf-8"))
        return cls(float(raw["a"]), float(raw["t_neg"]), float(raw["t_pos"]))


def fit(raws: list[float], classes: list[int]) -> Calibration:
    """Maximum-likelihood fit of the three-class ordinal model (classes 0, 1, 2)."""
    import numpy as np
    from scipy.optimize import minimize

    x, y = np.asarray(raws, float), np.asarray(classes, int)

    def nll(params: Any) -> float:
        a, t_neg, gap = params
        t_pos = t_neg + math.exp(gap)  # keeps t_neg < t_pos
        neg = 1 / (1 + np.exp(-(t_neg - a * x)))
        pos = 1 / (1 + np.exp(-(a * x - t_pos)))
        probs = np.stack([neg, np.clip(1 - neg - pos, 1e-12, 1), pos], 1)
        return float(-np.mean(np.log(np.clip(probs[np.arange(len(y)), y], 1e-12, 1))))

    best = minimize(nll, [4.0, -0.5, 0.0], method="Nelder-Mead",
                    options={"maxiter": 4000, "xatol": 1e-7, "fatol": 1e-10})
    a, t_neg, gap = best.x
    return Calibration(float(a), float(t_neg), float(t_neg + math.exp(gap)))


def held_out(model: Any, root: Path) -> dict[str, tuple[list[float], list[int]]]:
    """Raw values and classes of the held-out sets: each SST-5 file's sentences in no
    training set of the shipped model (``fit``), and the MPQA phrases (``mpqa``, two
    classes: 0 and 2), used only to check."""
    from textseq_plugins.sentiment.datasets import (
        DEFAULT_TRAIN,
        dedup_key,
        load_named,
        read_labelled,
    )

    seen = {dedup_key(t) for name in DEFAULT_TRAIN for t in load_named(name, root).texts}
    out: dict[str, tuple[list[float], list[int]]] = {}
    for file in FIT_FILES:
        data = read_labelled(root / "sst_sentence_splits" / file, file, "sst5")
        keep = [(t, b) for t, b in zip(data.texts, data.binary, strict=True)
                if dedup_key(t) not in seen]
        out[file] = ([model.raw_score(t) for t, _ in keep],
                     [1 if b is None else 2 * b for _, b in keep])
    mpqa = load_named("mpqa", root)
    out["mpqa"] = ([model.raw_score(t) for t in mpqa.texts], [2 * b for b in mpqa.binary])
    return out


def check(cal: Calibration | None, raws: list[float], classes: list[int]
          ) -> dict[str, float]:
    """How a mapping reads on a set (``None``: the raw value clipped to -1..+1, as before
    calibration): mean log-loss (three classes), accuracy of the sign on the polar texts,
    the mean score of each class, the mean |score| and the share of texts at |score| >= 0.5
    (how much of the scale is used)."""
    score = cal.score if cal is not None else (lambda r: max(-1.0, min(1.0, r)))
    scores = [score(r) for r in raws]
    pairs = list(zip(scores, classes, strict=True))
    polar = [(s > 0) == (c == 2) for s, c in pairs if c != 1]
    out: dict[str, float] = {"n": len(raws), "sign_accuracy": round(sum(polar) / len(polar), 4)}
    if cal is not None and 1 in classes:
        loss = -sum(math.log(max(cal.probabilities(r)[c], 1e-12))
                    for r, c in zip(raws, classes, strict=True))
        out["log_loss"] = round(loss / len(raws), 4)
    for c, name in ((0, "mean_score_negative"), (1, "mean_score_neutral"),
                    (2, "mean_score_positive")):
        of_class = [s for s, k in pairs if k == c]
        if of_class:
            out[name] = round(sum(of_class) / len(of_class), 3)
    out["mean_abs_score"] = round(sum(abs(s) for s in scores) / len(scores), 3)
    out["share_at_least_half"] = round(sum(abs(s) >= 0.5 for s in scores) / len(scores), 3)
    return out


def calibrate_dir(model_dir: Path, root: Path) -> dict[str, Any]:
    """Fit on the held-out SST-5 sentences, write ``calibration.json`` beside the model and
    its card's sha256 and metrics; returns what was written to the card."""
    from textseq_plugins.sentiment.model import load_model

    from textseq_tui.plugin import CARD_FILE, atomic_write_bytes, sha256_file

    model_dir = Path(model_dir)
    model = load_model(model_dir)
    sets = held_out(model, root)
    raws = [r for f in FIT_FILES for r in sets[f][0]]
    classes = [c for f in FIT_FILES for c in sets[f][1]]
    cal = fit(raws, classes)
    # stability: each half fitted alone and read on the other
    halves = {f"fit_{a}_read_{b}": check(fit(*sets[a]), *sets[b])
              for a, b in (FIT_FILES, FIT_FILES[::-1])}
    report = {"method": "ordinal logit, score = P(positive) - P(negative)",
              "fitted_on": "SST-5 dev+test sentences in no training set (fine labels 0-1 "
                           "negative, 2 neutral, 3-4 positive)",
              **{k: round(v, 5) for k, v in asdict(cal).items()},
              "center_raw": round(cal.center, 5), "fit": check(cal, raws, classes),
              "fit_before_calibration": check(None, raws, classes),
              "mpqa_phrases_never_used": check(cal, *sets["mpqa"]),
              "mpqa_before_calibration": check(None, *sets["mpqa"]), **halves}
    atomic_write_bytes(model_dir / FILE, json.dumps(
        {**asdict(cal), "about": report["method"], "fitted_on": report["fitted_on"]},
        indent=1).encode())
    card_path = model_dir / CARD_FILE
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card["files"][FILE] = sha256_file(model_dir / FILE)
    card["metrics"]["calibration"] = report
    card["rebuild"] = ("python -m textseq_plugins.sentiment.train --out models/sentiment-enet"
                       " && python -m textseq_plugins.sentiment.calibration "
                       "models/sentiment-enet")
    atomic_write_bytes(card_path, (json.dumps(card, indent=2) + "\n").encode())
    for path in (model_dir / FILE, card_path):
        path.chmod(0o644)  # a shipped model is read by every user, as the others are
    return report


def main(argv: list[str] | None = None) -> int:
    """``python -m textseq_plugins.sentiment.calibration MODEL_DIR``."""
    from textseq_plugins.sentiment.train import DEFAULT_DATA_ROOT

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path)
    parser.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT)
    args = parser.parse_args(argv)
    print(json.dumps(calibrate_dir(args.model_dir, args.data_root), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
