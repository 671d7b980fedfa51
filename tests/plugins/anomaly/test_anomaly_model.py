"""The detector: what it flags, where, and that odd input never crashes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from anomaly_synthetic import normal_sessions
from textseq_plugins.anomaly.model import UNK_ID, Vocabulary, load_detector


def test_vocabulary_maps_unseen_tokens_to_unknown_and_round_trips():
    vocab = Vocabulary.build([["a", "b", "a"], ["c"]])
    assert vocab.itos[4] == "a"  # most frequent first, after the 4 specials
    assert vocab.encode(["a", "zzz"]) == [vocab.stoi["a"], UNK_ID]
    again = Vocabulary.from_json(vocab.to_json())
    assert again.itos == vocab.itos


def test_held_out_normal_sessions_are_not_flagged(tiny):
    fresh = normal_sessions(200, seed=99)  # a different draw from the training one
    flagged = [s for s in tiny.score(fresh) if s.anomalous]
    assert len(flagged) == 0


def test_out_of_order_step_is_flagged_at_its_index(tiny):
    score = tiny.score([["open", "close", "read"]])[0]
    assert score.anomalous
    assert 2 in score.steps  # "read" after "close" is the surprise
    assert score.ranks[2] >= tiny.top_g or score.surprisal[2] > tiny.threshold


def test_truncated_session_is_flagged_at_its_end_not_at_a_token(tiny):
    score = tiny.score([["open", "read"]])[0]
    assert score.anomalous and score.end_surprising
    assert score.steps == []


def test_short_complete_session_is_judged_honestly_not_flagged_for_its_length(tiny):
    short, cut = tiny.score([["ping", "pong"], ["ping"]])
    assert not short.anomalous
    assert cut.anomalous and cut.end_surprising


def test_unseen_token_is_a_surprising_step_and_listed(tiny):
    score = tiny.score([["open", "hack", "close"]])[0]
    assert 1 in score.steps and score.unknown == [1]
    assert score.ranks[1] == len(tiny.vocab)


def test_empty_single_and_huge_sequences_give_clear_results(tiny):
    empty, single, huge = tiny.score([[], ["open"], ["read"] * 100_000])
    assert empty.length == 0 and len(empty.surprisal) == 1  # only "ends at once" is judged
    assert single.end_surprising  # "open" alone is a cut session
    assert huge.length == 100_000 and huge.anomalous  # 100,000 reads without open
    assert len(huge.ranks) == 100_001


def test_batched_scores_equal_one_by_one_scores(tiny):
    seqs = normal_sessions(30, seed=5) + [["open", "close", "read"], ["ping"]]
    together = tiny.score(seqs, dedupe=False, batch_tokens=64)
    for seq, s in zip(seqs, together, strict=True):
        alone = tiny.score([seq])[0]
        assert alone.steps == s.steps and alone.end_surprising == s.end_surprising
        assert alone.surprisal == pytest.approx(s.surprisal, abs=1e-4)


def test_dedupe_does_not_change_results(tiny):
    seqs = normal_sessions(50, seed=7) * 2 + [["open", "hack"]]
    a = tiny.score(seqs, dedupe=True)
    b = tiny.score(seqs, dedupe=False)
    assert [x.summary() for x in a] == [y.summary() for y in b]


def test_rank_only_rule_ignores_the_threshold(tiny):
    seq = [["open", "read", "read", "read", "close"]]
    assert not tiny.score(seq, threshold=None)[0].anomalous
    assert tiny.score(seq, threshold=-1.0)[0].anomalous  # every step above -1 nats


def test_top_predictions_after_open_are_the_grammar(tiny):
    preds = [tok for tok, _ in tiny.top_predictions(["open"], k=2)]
    assert set(preds) == {"read", "write"}


def test_saved_model_loads_back_with_identical_scores(tiny_outcome, tmp_path: Path):
    from textseq_plugins.anomaly.train import save_model

    from textseq_tui.registry import ModelRegistry

    info = save_model(tmp_path, None, tiny_outcome, name="tiny", data="synthetic", rebuild="-")
    loaded = load_detector(info.path)
    seqs = [["open", "close", "read"], ["ping", "pong"], ["x"]]
    assert [s.summary() for s in loaded.score(seqs)] == [
        s.summary() for s in tiny_outcome.detector.score(seqs)]
    card = ModelRegistry(tmp_path).get("tiny").card
    assert card.kind == "next-token-rnn" and card.hyperparameters["threshold"] is not None
    assert "heldout_nats_per_token" in card.metrics


def test_shipped_hdfs_model_catches_abnormal_sessions_not_held_out_normal_ones(shared_data):
    from textseq_plugins.anomaly.evaluation import hdfs_split

    from textseq_tui.settings import shipped_models_dir

    detector = load_detector(Path(shipped_models_dir()) / "deeplog-hdfs")
    assert detector.invariants is not None and detector.templates is not None
    split = hdfs_split(shared_data / "sequences")  # the split the shipped model was made on
    abnormal = split.abnormal[:3000]
    recall = sum(s.anomalous for s in detector.score(abnormal)) / len(abnormal)
    fpr = sum(s.anomalous for s in detector.score(split.test)) / len(split.test)
    assert recall >= 0.99  # bench: 0.9996 on all 16,838
    assert fpr <= 0.002  # bench: 0 of 3,000 held-out normal sessions
    # Every alarm says where: a step (with the model's expectation there) or the end.
    assert all(s.steps or s.end_surprising for s in detector.score(abnormal) if s.anomalous)


def test_top_g_zero_chooses_g_on_held_out_normal_data(tiny_outcome):
    from textseq_plugins.anomaly.train import DetectorTrainConfig, calibrate

    detector = tiny_outcome.detector
    saved = (detector.top_g, detector.threshold)
    try:
        cal = normal_sessions(100, seed=3) + [["open", "mystery", "close"]]
        calibrate(detector, cal, DetectorTrainConfig(top_g=0, fp_budget=0.01))
        plain = detector.score(cal, threshold=None)
        # At most 1 % of the held-out sequences flagged by rank, unseen tokens aside.
        assert sum(bool(s.steps) and not s.unknown for s in plain) <= 1
        assert 1 <= detector.top_g <= len(detector.vocab)
        assert plain[-1].steps == [1]  # the unseen token is still flagged by rule
        assert detector.score([["open", "close", "read"]])[0].anomalous
    finally:
        detector.top_g, detector.threshold = saved
