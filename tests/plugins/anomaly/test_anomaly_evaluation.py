"""The held-out split, rates with intervals, the count invariants and loglizer's baselines."""

from __future__ import annotations

import copy

import pytest
from anomaly_synthetic import normal_sessions
from textseq_plugins.anomaly.evaluation import (
    InvariantsDetector,
    PcaDetector,
    StideDetector,
    evaluate_flags,
    hdfs_split,
    precision_at_ratio,
    wilson,
)
from textseq_plugins.anomaly.invariants import CountInvariants


def test_wilson_interval_matches_the_textbook_values():
    lo, hi = wilson(0, 100)
    assert lo == 0.0 and hi == pytest.approx(0.0370, abs=1e-4)
    lo, hi = wilson(10, 100)
    assert (lo, hi) == (pytest.approx(0.0552, abs=1e-4), pytest.approx(0.1744, abs=1e-4))


def test_precision_at_deeplogs_ratio():
    # DeepLog's published pair: recall 0.96 at FPR ~0.15 % gives precision ~0.95.
    assert precision_at_ratio(0.96, 0.0015) == pytest.approx(0.951, abs=2e-3)
    assert precision_at_ratio(1.0, 0.0) == 1.0


def test_evaluate_flags_reports_unseen_shapes_once_each():
    test = [["a", "b"], ["a", "b"], ["x"], ["x"], ["y"]]
    out = evaluate_flags([False, False, True, True, False], test, [True, False], {("a", "b")})
    assert out["fpr"]["flagged"] == 2 and out["fpr"]["n"] == 5
    assert out["fpr_unseen_shapes"] == {**out["fpr_unseen_shapes"], "flagged": 1, "n": 2}
    assert out["recall"] == 0.5 and out["test_sessions_of_unseen_shapes"] == 3


def test_invariants_are_mined_from_normal_counts_and_explain_a_break():
    inv = CountInvariants().fit(normal_sessions(300))
    rules = {inv.describe(k) for k in range(len(inv))}
    assert "#close = #open" in rules and "#ping = #pong" in rules
    broken = inv.broken([["open", "read", "close"], ["open", "read", "close", "close"]])
    assert broken[0] == [] and {inv.describe(k) for k in broken[1]} == {"#close = #open"}
    again = CountInvariants.from_json(inv.to_json())
    assert again.broken([["open", "close", "close"]]) == inv.broken([["open", "close", "close"]])


def test_no_invariants_for_a_word_sized_vocabulary():
    words = [[f"w{i}", f"w{i + 1}"] for i in range(100)]
    assert len(CountInvariants(max_events=60).fit(words)) == 0


def test_baselines_flag_what_they_should():
    normal = normal_sessions(300)
    stide = StideDetector(3).fit(normal)
    assert stide.predict([["open", "read", "close"], ["open", "close", "read"]]) == [False, True]
    inv = InvariantsDetector().fit(normal)
    assert inv.predict([["open", "read", "close"], ["open", "read"], ["open", "hack", "close"]]
                       ) == [False, True, True]
    pca = PcaDetector().fit(normal)
    pca.calibrate(normal_sessions(200, seed=1), fp_budget=0.0)
    assert pca.predict([["open", "read", "close"], ["open"] * 6 + ["close"]]) == [False, True]


def test_count_view_needs_a_surprising_step_to_raise_an_alarm(tiny):
    det = copy.copy(tiny)
    det.invariants = CountInvariants().fit(normal_sessions(300))
    det.threshold, det.top_g = 1e9, 10**6  # the sequence rule alone flags nothing
    det.count_threshold = 1e9
    broken = ["open", "read", "close", "close"]
    quiet = det.score([broken])[0]
    assert not quiet.anomalous and quiet.counts == ["#close = #open"]
    det.count_threshold = -1.0  # every step is unusual enough to confirm the broken count
    loud = det.score([broken, ["open", "read", "close"]])
    assert loud[0].anomalous and loud[0].by_counts and loud[0].steps
    assert loud[0].summary()["counts"] == ["#close = #open"]
    assert not loud[1].anomalous  # counts fine: the count view says nothing
    assert not det.score([broken], counts=False)[0].anomalous


def test_hdfs_split_is_by_session_seeded_and_complete(shared_data):
    a = hdfs_split(shared_data / "sequences")
    b = hdfs_split(shared_data / "sequences")
    assert a.describe() == {"seed": 0, "deeplog_train": 4369, "deeplog_calib": 486,
                            "logdeep_train": 2000, "logdeep_calib": 1000, "test_normal": 3000,
                            "abnormal": 16838}
    assert a.test == b.test and a.calib == b.calib
    assert hdfs_split(shared_data / "sequences", seed=1).test != a.test


def test_a_normal_sessions_count_vector_breaks_nothing():
    normal = normal_sessions(300) + [["open", "read", "close", "close"]]  # one odd normal one
    inv = CountInvariants(support=0.98).fit(normal)
    odd = ["open", "read", "close", "close"]
    assert inv.broken([odd]) == [[]]  # its counts are known normal counts
    assert inv.broken([odd], spare_known=False) != [[]]  # loglizer's rule flags it
    assert inv.broken([["open", "read", "read", "close", "close"]]) != [[]]
    assert CountInvariants.from_json(inv.to_json()).known == inv.known
