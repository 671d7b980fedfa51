"""Partitions of a board into groups of four and the groups' probabilities."""

from __future__ import annotations

import numpy as np
from textseq_plugins.odd_one_out.connections import partitions as pp


def test_partition_counts_are_the_known_numbers():
    assert len(pp.partitions(4)) == 1
    assert len(pp.partitions(8)) == 35
    assert len(pp.partitions(12)) == 5775
    assert len(pp.one_away_partitions((0, 1, 2, 3))) == 277_200  # 4 * 12 * 5775


def test_every_listed_partition_covers_each_word_once():
    for row in pp.partitions(12)[::97]:
        words = sorted(w for q in row for w in pp.quads(12)[q])
        assert words == list(range(12))


def test_mask_sums_match_the_plain_sum_over_partitions_of_twelve_plus_a_fixed_group():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=len(pp.quads(16)))
    prob = pp.marginals_full(scores)
    assert abs(prob.sum() - 4.0) < 1e-9  # every partition holds four groups
    # a planted partition with a huge score takes (almost) all the probability
    planted = [pp.quad_index(16)[q] for q in ((0, 1, 2, 3), (4, 5, 6, 7), (8, 9, 10, 11),
                                              (12, 13, 14, 15))]
    scores[planted] += 40
    prob = pp.marginals_full(scores)
    assert np.all(prob[planted] > 0.999)


def test_marginals_on_twelve_words_agree_with_the_generic_sum():
    rng = np.random.default_rng(1)
    scores = rng.normal(size=len(pp.quads(16)))
    parts = pp._partitions_of(tuple(range(4, 16)), 16)
    prob, best = pp.group_probabilities(scores, parts)
    totals = scores[parts].sum(axis=1)
    weights = np.exp(totals - totals.max())
    k = int(parts[0, 0])
    expected = weights[(parts == k).any(axis=1)].sum() / weights.sum()
    assert abs(prob[k] - expected) < 1e-12
    assert scores[best].sum() == totals.max()


def test_feedback_keeps_only_the_partitions_that_answer_alike():
    parts = pp.partitions(8)
    guess = (0, 1, 2, 4)
    one_away = parts[pp.consistent(parts, 8, guess, "one away")]
    for row in one_away:
        assert max(len(set(pp.quads(8)[q]) & set(guess)) for q in row) == 3
    wrong = parts[pp.consistent(parts, 8, guess, "wrong")]
    assert len(one_away) + len(wrong) + 1 == len(parts)  # the rest is the right answer


def test_log_partition_counts_the_partitions_and_its_slope_is_the_marginals():
    zeros = np.zeros(len(pp.quads(16)))
    # 16! / (4!^4 * 4!) partitions, each of weight exp(0)
    assert abs(pp.log_partition(zeros) - np.log(2_627_625)) < 1e-9
    rng = np.random.default_rng(2)
    scores = rng.normal(size=len(zeros))
    assert abs(pp.log_partition(scores + 1.5) - pp.log_partition(scores) - 6.0) < 1e-9
    k, eps = 17, 1e-5
    bumped = scores.copy()
    bumped[k] += eps
    slope = (pp.log_partition(bumped) - pp.log_partition(scores)) / eps
    assert abs(slope - pp.marginals_full(scores)[k]) < 1e-4
