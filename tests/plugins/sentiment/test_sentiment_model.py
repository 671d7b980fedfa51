"""A tiny model trained in the test: held-out texts, explanations, files, bad input."""

import random
import time

import pytest
from textseq_plugins.sentiment.datasets import Dataset
from textseq_plugins.sentiment.model import EMPTY_NOTE, SentimentModel
from textseq_plugins.sentiment.train import SentimentTrainConfig, fit_model

POS = ["great", "lovely", "wonderful", "superb", "delightful"]
NEG = ["awful", "dreadful", "horrible", "boring", "terrible"]
NOUNS = ["film", "day", "meal", "phone", "trip", "song", "book", "hotel"]


def corpus(n: int, seed: int) -> Dataset:
    rng = random.Random(seed)
    data = Dataset("toy")
    for _ in range(n):
        good = rng.random() < 0.5
        adj = rng.choice(POS if good else NEG)
        text = f"the {rng.choice(NOUNS)} was {adj} and {rng.choice(NOUNS)}"
        data.add(text, 0.5 if good else -0.5, int(good))
    return data


@pytest.fixture(scope="module")
def toy_model() -> SentimentModel:
    config = SentimentTrainConfig(folds=3, n_jobs=1, lexicon=False, n_lambda=15)
    from textseq_tui.ml import GloveVectors

    model, report = fit_model(corpus(120, seed=1), config, name="toy", vectors=GloveVectors())
    assert report.cv["lambda_1se"] >= report.cv["lambda_min"]
    return model


def test_held_out_texts_get_the_right_sign(toy_model):
    test = corpus(60, seed=2)
    hits = [(toy_model.score(t) > 0) == (y > 0) for t, y in zip(test.texts, test.targets, strict=False)]
    assert sum(hits) / len(hits) >= 0.95


def test_scores_stay_in_minus_one_to_one(toy_model):
    assert toy_model.score("great " * 500) == 1.0
    assert toy_model.score("awful " * 500) == -1.0


def test_explanation_sums_to_the_raw_score_and_points_at_words(toy_model):
    text = "The hotel was Superb"
    exp = toy_model.explain(text)
    assert exp.raw == pytest.approx(exp.intercept + sum(c.value for c in exp.contributions))
    assert exp.score == pytest.approx(toy_model.score(text))
    top = exp.contributions[0]
    assert top.value > 0 and "superb" in top.term
    assert any(text[s:e].lower() == "superb" for s, e in top.spans)


def test_fast_and_explained_scores_agree(toy_model):
    assert toy_model.glove  # the toy model carries the mean-GloVe feature too
    for text in corpus(30, seed=4).texts + ["not a great film :) !!", "cannot", "<3"]:
        fast = toy_model.raw_score(text)
        assert fast == pytest.approx(toy_model.explain(text).raw, abs=1e-9)
        assert fast == pytest.approx(toy_model.raw_score(text, {"unused": 0.0}), abs=1e-9)


def test_top_words_split_by_sign(toy_model):
    words = toy_model.top_words(3, ngrams=True)
    assert all(w > 0 for _, w in words["positive"])
    assert all(w < 0 for _, w in words["negative"])
    # every top negative term contains a negative adjective (alone or in a bigram)
    assert all(any(a in t.split() for a in NEG) for t, _ in words["negative"])
    assert all(any(a in t.split() for a in POS) for t, _ in words["positive"])


def test_a_word_effect_is_its_score_alone(toy_model):
    effects = toy_model.word_effects()
    for word in ("superb", "awful", "film", "hotel"):
        alone = toy_model.raw_score(word) - toy_model.intercept
        assert effects[word] == pytest.approx(alone, abs=1e-9)
    top = toy_model.top_words(5)
    assert top["positive"][0][1] >= top["positive"][-1][1] > 0


def test_files_round_trip_gives_identical_scores(toy_model, tmp_path):
    for name, data in toy_model.files().items():
        (tmp_path / name).write_bytes(data)
    again = SentimentModel.load(tmp_path)
    for text in corpus(20, seed=3).texts:
        assert again.score(text) == pytest.approx(toy_model.score(text), abs=1e-6)


def test_empty_text_scores_zero_with_a_note(toy_model):
    exp = toy_model.explain("   ")
    assert exp.score == 0.0 and exp.note == EMPTY_NOTE
    assert toy_model.score("") == 0.0


def test_a_megabyte_of_text_scores_in_well_under_a_few_seconds(toy_model):
    text = ("the film was great and the meal was awful " * 25_000)[:1_000_000]
    t0 = time.perf_counter()
    score = toy_model.score(text)
    assert time.perf_counter() - t0 < 5.0
    assert -1.0 <= score <= 1.0


def test_naive_bayes_scaling_fits_a_binary_model_scored_on_raw_counts():
    import numpy as np
    import scipy.sparse as sp
    from textseq_plugins.sentiment.train import nb_log_ratios

    X = sp.csr_matrix(np.array([[2, 0, 1], [1, 0, 1], [0, 3, 1], [0, 1, 1]], dtype=float))
    ratios = nb_log_ratios(X, np.array([1, 1, 0, 0]))
    # presence, not counts: column 0 is in both positives, column 2 in every row
    assert ratios[0] > 0 > ratios[1] and ratios[2] == pytest.approx(0.0)
    assert ratios[0] == pytest.approx(-ratios[1])

    config = SentimentTrainConfig(folds=3, n_jobs=1, lexicon=False, glove=False, n_lambda=15,
                         family="binomial", nb=True)
    model, _ = fit_model(corpus(120, seed=1), config, name="toy-nb")
    test = corpus(60, seed=2)
    hits = [(model.score(t) > 0) == (b == 1) for t, b in zip(test.texts, test.binary, strict=True)]
    assert sum(hits) / len(hits) >= 0.95
    assert model.weights["great"] > 0 > model.weights["awful"]


def test_naive_bayes_scaling_needs_the_binary_fit():
    from textseq_tui.plugin import BadInput

    with pytest.raises(BadInput, match="binary"):
        fit_model(corpus(60, seed=1), SentimentTrainConfig(folds=3, n_jobs=1, glove=False, nb=True))
