"""Puzzle generation: seeded, clean words, difficulty bands, speed."""

from __future__ import annotations

import numpy as np
import pytest
from textseq_plugins.odd_one_out.puzzles import (
    PuzzleGenerator,
    block_list,
    is_blocked,
    stop_words,
)

from textseq_tui.plugin import BadInput


def test_same_seed_same_puzzles_other_seed_other_puzzles(pool):
    g1, g2, g3 = PuzzleGenerator(pool, seed=7), PuzzleGenerator(pool, seed=7), PuzzleGenerator(pool, seed=8)
    s1 = [g1.next(d) for d in ("easy", "medium", "hard", "medium")]
    s2 = [g2.next(d) for d in ("easy", "medium", "hard", "medium")]
    s3 = [g3.next(d) for d in ("easy", "medium", "hard", "medium")]
    assert s1 == s2
    assert [p.items for p in s1] != [p.items for p in s3]
    assert PuzzleGenerator(pool, seed=7).make(1, "medium") == s1[1]


def test_puzzles_have_distinct_clean_words_and_one_intruder(pool):
    gen = PuzzleGenerator(pool, seed=1, size=5)
    stops, blocked = stop_words(), block_list()
    for difficulty in ("easy", "medium", "hard"):
        for _ in range(20):
            p = gen.next(difficulty)
            assert len(p.items) == 5 and len(set(p.items)) == 5
            assert p.intruder in p.items
            for w in p.items:
                assert w.isalpha() and w.islower()
                assert w not in stops and w not in blocked


def test_pool_has_no_stop_words_digits_or_blocked_words(pool):
    assert len(pool.words) > 5000
    assert not any(is_blocked(w) for w in pool.words)
    assert "the" not in pool.words and "shit" not in pool.words
    assert is_blocked("fucking") and is_blocked("bitches") and not is_blocked("kingdom")


def test_harder_puzzles_have_intruders_closer_to_the_group(pool):
    def mean_sim(difficulty: str) -> float:
        gen = PuzzleGenerator(pool, seed=3)
        index = {w: i for i, w in enumerate(pool.words)}
        sims = []
        for _ in range(30):
            p = gen.next(difficulty)
            group = [index[w] for w in p.items if w != p.intruder]
            centre = pool.unit[group].mean(axis=0)
            centre /= np.linalg.norm(centre)
            sims.append(float(pool.unit[index[p.intruder]] @ centre))
        return float(np.mean(sims))

    easy, medium, hard = mean_sim("easy"), mean_sim("medium"), mean_sim("hard")
    assert easy < 0.15 < 0.3 < medium < 0.5 < hard < 0.65




def test_bad_difficulty_and_size_are_refused(pool):
    with pytest.raises(BadInput, match="difficulty"):
        PuzzleGenerator(pool).next("impossible")
    with pytest.raises(BadInput, match="3 to 9"):
        PuzzleGenerator(pool, size=12)


def test_intruders_are_about_as_common_as_their_group(pool):
    rank = {w: i + 1 for i, w in enumerate(pool.words)}
    gen = PuzzleGenerator(pool, seed=11)
    within = 0
    for _ in range(30):
        p = gen.next("hard")
        median = float(np.median([rank[w] for w in p.items if w != p.intruder]))
        within += 0.2 <= rank[p.intruder] / median <= 5
    assert within >= 27
