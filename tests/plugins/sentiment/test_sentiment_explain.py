"""The score a person reads (#24 item 4): a label in words, highlights only on words with a
real share, explanations whose numbers add up to the score, a calibrated scale."""

from __future__ import annotations

import math
import random
import re

import pytest
from textseq_plugins.sentiment.calibration import Calibration, fit
from textseq_plugins.sentiment.explain import (
    HIGHLIGHT_SHARE,
    explanation_json,
    explanation_parts,
    label_for,
    rounded_to_sum,
)
from textseq_plugins.sentiment.screen import explanation_markup

TEXTS = ["what a lovely day :)", "I have to get a new phone, this one is terrible",
         "I hate this, it is terrible", "the meeting is at 3pm", "not bad at all",
         "I have to get up early tomorrow", "ok", "great great great great great great "
         "great great great great wonderful love"]
FUNCTION_WORDS = {"to", "have", "get", "i", "a", "the", "is", "it", "this", "at"}


@pytest.fixture
def scorer(host):
    return host.plugin("sentiment").scorer()


def test_shares_add_up_to_the_score_exactly_and_when_rounded(scorer) -> None:
    for text in TEXTS:
        exp = scorer.explain(text)
        assert sum(c.share for c in exp.contributions) + exp.base == pytest.approx(exp.score)
        for top, digits in ((3, 2), (8, 2), (10, 4)):
            parts = explanation_parts(exp, top, digits)
            assert round(sum(v for _, v in parts), digits) == round(exp.score, digits), text
        out = explanation_json(exp)
        total = sum(v for _, v in out["words"]) + out["other_words"] + out["lean"]
        assert round(total, 4) == round(exp.score, 4)


def test_the_meter_says_what_each_word_adds_and_the_sum(scorer) -> None:
    exp = scorer.explain("I have to get a new phone, this one is terrible")
    lines = re.sub(r"\[/?[^\]]*\]", "", explanation_markup(exp)).splitlines()
    values = [float(line.split()[0]) for line in lines]
    assert "terrible" in lines[0] and "the score" in lines[-1]
    assert round(sum(values[:-1]), 2) == values[-1] == round(exp.score, 2)


def test_score_explain_text_lists_the_words_that_add_up(cli) -> None:
    result = cli("sentiment", "score", "what a lovely day :)", "--explain")
    assert result.exit_code == 0
    first, second = result.stdout.strip().splitlines()
    score = float(first.split()[0])
    assert "lovely" in second and ":)" in second and "lean" in second
    values = [float(v) for v in re.findall(r"[+-]\d+\.\d+", second)]
    assert round(sum(values), 2) == round(score, 2)


def test_only_words_with_a_real_share_light_up(host, scorer) -> None:
    (_, annotator), = [(p, a) for p, a in host.annotators() if p.name == "sentiment"]
    for text in TEXTS:
        ann = annotator.annotate(text)
        lit = {text[s.start:s.end].lower() for s in ann.spans}
        assert not lit & FUNCTION_WORDS, (text, lit)
        for c in scorer.explain(text).contributions:
            if any(text[a:b].lower() == c.term for a, b in c.spans[:1]) and c.term in lit:
                assert abs(c.share) >= HIGHLIGHT_SHARE
    ann = annotator.annotate("I have to get a new phone, this one is terrible")
    assert [s.note.split()[0] for s in ann.spans] == ["terrible"]
    assert ann.label.startswith("negative ")


@pytest.mark.parametrize("text,sign", [
    ("I love this, it is wonderful", 1), ("what a lovely day :)", 1),
    ("This is terrible, I hate it", -1), ("this is the worst service I have ever had", -1),
])
def test_a_plain_sentence_uses_the_scale(scorer, text, sign) -> None:
    score = scorer.explain(text).score
    assert sign * score >= 0.5, (text, score)  # it sat near 0.4 before calibration
    assert label_for(score) == f"{'positive' if sign > 0 else 'negative'} {abs(score):.2f}"


def test_labels_say_what_they_mean() -> None:
    assert label_for(0.4234) == "positive 0.42"
    assert label_for(-0.31) == "negative 0.31"
    assert label_for(0.05) == label_for(-0.1) == "neutral"


def test_rounding_keeps_the_sum() -> None:
    rng = random.Random(0)
    for _ in range(200):
        values = [rng.uniform(-0.4, 0.4) for _ in range(rng.randint(1, 9))]
        total = sum(values)
        got = rounded_to_sum(values, total, 2)
        assert round(sum(got), 2) == round(total, 2)
        assert all(abs(g - v) < 0.01 + 1e-9 for g, v in zip(got, values, strict=True))


def test_the_calibration_fit_finds_the_mapping_that_made_the_data() -> None:
    true = Calibration(5.0, -0.6, 0.8)
    rng = random.Random(1)
    raws, classes = [], []
    for _ in range(3000):
        raw = rng.uniform(-0.8, 0.8)
        neg, neu, _ = true.probabilities(raw)
        u = rng.random()
        raws.append(raw)
        classes.append(0 if u < neg else 1 if u < neg + neu else 2)
    got = fit(raws, classes)
    assert got.a == pytest.approx(5.0, rel=0.15)
    assert got.center == pytest.approx(true.center, abs=0.03)
    scores = [got.score(r / 10) for r in range(-20, 21)]
    assert scores == sorted(scores) and -1 < scores[0] < 0 < scores[-1] < 1


def test_the_shipped_model_carries_its_calibration(host) -> None:
    model = host.plugin("sentiment").scorer().model
    card = host.registry.get("sentiment-enet").card
    assert model.calibration is not None and "calibration.json" in card.files
    fitted = card.metrics["calibration"]
    assert fitted["fit"]["share_at_least_half"] > fitted["fit_before_calibration"][
        "share_at_least_half"]
    assert not any(host.registry.verify("sentiment-enet").values())
    assert model.calibrate(model.raw_for(0.3)) == pytest.approx(0.3, abs=1e-6)
    assert math.isclose(model.calibrate(model.center), 0.0, abs_tol=1e-9)
