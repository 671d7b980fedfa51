"""A group's score from its features: a log-odds of being one of the answer's groups.

``weights.json`` in the tables (written by ``bench/odd_one_out_groups.py --write-weights``)
holds one of two scorers, both plain JSON:

- ``"model": "linear"`` (also a file without ``model``): logistic regression,
  ``(x - mean) / scale @ coef + intercept``;
- ``"model": "trees"``: boosted regression trees (gradient boosting on the log loss), each
  tree as flat arrays ``feature``, ``threshold``, ``left``, ``right`` (-1 at a leaf) and
  ``value``; the score is ``baseline`` plus each tree's leaf value (a row goes left when its
  feature is at most the threshold).

Either divides by ``temperature`` in the partition distribution (chosen with the rest of
the scorer's constants inside the training folds). ``naming`` gives, per kind of theme, how
much a unit of surprise adds to a group's score: what names a group after one of its themes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textseq_plugins.odd_one_out.connections.features import FEATURES, THEME_KINDS

from textseq_tui.plugin import ModelError


@dataclass(frozen=True)
class Weights:
    """The logistic scorer: ``(x - mean) / scale @ coef + intercept``, over ``temperature``."""

    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    temperature: float = 1.0
    naming: dict[str, float] = field(default_factory=dict, compare=False)

    def score(self, x: Any) -> Any:
        """(rows,) log-odds over the temperature of (rows, len(FEATURES)) features."""
        import numpy as np

        z = (x - np.array(self.mean)) / np.array(self.scale)
        return (z @ np.array(self.coef) + self.intercept) / self.temperature

    def kind_weights(self) -> dict[str, float]:
        """Kind of theme -> what a unit of its surprise adds to the score."""
        if self.naming:
            return dict(self.naming)
        return {name[:-1]: c / s for name, c, s in zip(FEATURES, self.coef, self.scale,
                                                        strict=True)
                if name.endswith("4") and name[:-1] in THEME_KINDS}

    def to_json(self) -> dict[str, Any]:
        """What :func:`load_scorer` reads back (with ``features``)."""
        return {"features": list(FEATURES), "model": "linear", "coef": list(self.coef),
                "intercept": self.intercept, "mean": list(self.mean),
                "scale": list(self.scale), "temperature": self.temperature,
                "naming": dict(self.naming)}

    @classmethod
    def from_file(cls, path: Path) -> Any:
        """The scorer in ``path`` (:class:`Weights` or :class:`TreeScorer`)."""
        return load_scorer(path)


@dataclass(frozen=True)
class TreeScorer:
    """Boosted trees: ``baseline`` + the leaf each tree sends a row to, over ``temperature``."""

    trees: tuple[dict[str, Any], ...]
    baseline: float
    temperature: float = 1.0
    naming: dict[str, float] = field(default_factory=dict, compare=False)

    def score(self, x: Any) -> Any:
        import numpy as np

        x = np.asarray(x, dtype=np.float64)
        rows = np.arange(len(x))
        total = np.full(len(x), self.baseline)
        for tree in self._arrays:
            feature, threshold, left, right, value = tree
            node = np.zeros(len(x), dtype=np.int64)
            while True:
                inner = left[node] >= 0
                if not inner.any():
                    break
                go_left = x[rows, feature[node]] <= threshold[node]
                node = np.where(inner, np.where(go_left, left[node], right[node]), node)
            total += value[node]
        return total / self.temperature

    @property
    def _arrays(self) -> list[tuple[Any, ...]]:
        import numpy as np

        cached = self.__dict__.get("_cached")
        if cached is None:
            cached = [(np.array(t["feature"], dtype=np.int64), np.array(t["threshold"]),
                       np.array(t["left"], dtype=np.int64),
                       np.array(t["right"], dtype=np.int64), np.array(t["value"]))
                      for t in self.trees]
            object.__setattr__(self, "_cached", cached)
        return cached

    def kind_weights(self) -> dict[str, float]:
        return dict(self.naming)

    def to_json(self) -> dict[str, Any]:
        """What :func:`load_scorer` reads back (with ``features``)."""
        return {"features": list(FEATURES), "model": "trees", "trees": list(self.trees),
                "baseline": self.baseline, "temperature": self.temperature,
                "naming": dict(self.naming)}


def load_scorer(path: Path) -> Any:
    """The scorer saved in ``path`` (see the module docstring); ModelError when it was fitted
    on other features or is not a scorer."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if tuple(data["features"]) != FEATURES:
            raise ModelError(f"{path} was fitted on other features: refit it "
                             "(python bench/odd_one_out_groups.py --model trees --write-weights)")
        model = data.get("model", "linear")
        naming = {str(k): float(v) for k, v in data.get("naming", {}).items()}
        temperature = float(data.get("temperature", 1.0))
        if model == "trees":
            return TreeScorer(tuple(data["trees"]), float(data["baseline"]), temperature,
                              naming)
        return Weights(tuple(data["coef"]), float(data["intercept"]), tuple(data["mean"]),
                       tuple(data["scale"]), temperature, naming)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ModelError(f"cannot read the scorer {path}: {err}") from None


def trees_from_sklearn(model: Any) -> tuple[list[dict[str, Any]], float]:
    """(trees, baseline) of a fitted binary ``HistGradientBoostingClassifier`` (numeric
    features, no missing values), in :class:`TreeScorer`'s format."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append({
            "feature": [int(f) for f in nodes["feature_idx"]],
            "threshold": [float(t) for t in nodes["num_threshold"]],
            "left": [-1 if is_leaf else int(n) for n, is_leaf in zip(nodes["left"], leaf,
                                                                       strict=True)],
            "right": [-1 if is_leaf else int(n) for n, is_leaf in zip(nodes["right"], leaf,
                                                                        strict=True)],
            "value": [float(v) for v in nodes["value"]],
        })
    return trees, float(model._baseline_prediction.ravel()[0])
