"""The scorer of a group: logistic weights or boosted trees, saved as plain JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from textseq_plugins.odd_one_out.connections.features import FEATURES
from textseq_plugins.odd_one_out.connections.scoring import (
    TreeScorer,
    Weights,
    load_scorer,
    trees_from_sklearn,
)

from textseq_tui.plugin import ModelError


def _data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(600, len(FEATURES)))
    y = (x[:, 0] + 0.5 * x[:, 3] * x[:, 1] + rng.normal(scale=0.5, size=600)) > 0.5
    return x, y


def test_boosted_trees_score_as_sklearn_does_and_survive_the_json_round_trip(tmp_path):
    from sklearn.ensemble import HistGradientBoostingClassifier

    x, y = _data()
    model = HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=7,
                                           random_state=0).fit(x, y)
    trees, baseline = trees_from_sklearn(model)
    scorer = TreeScorer(tuple(trees), baseline, 0.5, {"phrase": 1.0})
    np.testing.assert_allclose(scorer.score(x), model.decision_function(x) / 0.5, atol=1e-9)
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(scorer.to_json()))
    again = load_scorer(path)
    assert isinstance(again, TreeScorer) and again.kind_weights() == {"phrase": 1.0}
    np.testing.assert_allclose(again.score(x), scorer.score(x))


def test_logistic_weights_round_trip_and_name_kinds_by_their_surprise_weight(tmp_path):
    n = len(FEATURES)
    weights = Weights(tuple(np.linspace(-1, 1, n)), -2.0, (0.5,) * n, (2.0,) * n, 0.7)
    path = tmp_path / "weights.json"
    path.write_text(json.dumps(weights.to_json()))
    again = load_scorer(path)
    x, _ = _data(1)
    np.testing.assert_allclose(again.score(x), weights.score(x))
    k = FEATURES.index("phrase4")
    assert again.kind_weights()["phrase"] == pytest.approx(weights.coef[k] / 2.0)


def test_a_scorer_fitted_on_other_features_is_refused(tmp_path):
    path = tmp_path / "weights.json"
    path.write_text(json.dumps({"features": ["sim_mean"], "coef": [1.0], "intercept": 0.0,
                                "mean": [0.0], "scale": [1.0]}))
    with pytest.raises(ModelError, match="other features"):
        load_scorer(path)
