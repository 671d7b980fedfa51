"""Outlier-detection scoring (accuracy, OPP) and the AI against doesnt_match on 8-8-8."""

from __future__ import annotations

from pathlib import Path

from textseq_plugins.odd_one_out.evaluation import Topic, evaluate, read_topic
from textseq_plugins.odd_one_out.model import doesnt_match_scores


def test_accuracy_and_opp_follow_the_definition():
    topic = Topic("t", ("a", "b", "c"), ("x", "y"))
    # x scores highest (hit, p=3/3); y beats only one item (p=1/3)
    table = {"a": 0.0, "b": 1.0, "c": 2.0, "x": 5.0, "y": 0.5}
    result = evaluate([topic], lambda items: [table[i] for i in items])
    assert result["cases"] == 2
    assert result["accuracy"] == 50.0
    assert abs(result["opp"] - 100 * (1 + 1 / 3) / 2) < 1e-9


def test_ties_count_against_the_scorer():
    topic = Topic("t", ("a", "b"), ("x",))
    assert evaluate([topic], lambda items: [1.0] * len(items))["accuracy"] == 0.0


def test_read_topic_parses_clusters_outliers_and_phrases(tmp_path: Path):
    f = tmp_path / "cars.txt"
    f.write_text("Audi\nMercedes_Benz\n\nfruit\nbus\n")
    topic = read_topic(f)
    assert topic.cluster == ("Audi", "Mercedes Benz")
    assert topic.outliers == ("fruit", "bus")


def test_ai_beats_doesnt_match_on_8_8_8(shared_data, ai, kv):
    from textseq_plugins.odd_one_out.evaluation import read_dataset

    topics = read_dataset(shared_data / "embeddings" / "8-8-8" / "8-8-8_Dataset")
    base = evaluate(topics, lambda items: doesnt_match_scores(kv, items))
    ours = evaluate(topics, ai.outlier_scores)
    assert base["cases"] == 64
    assert abs(base["accuracy"] - 50.0) < 0.01  # the anchor for glove.6B.50d
    assert ours["accuracy"] >= base["accuracy"] + 3
