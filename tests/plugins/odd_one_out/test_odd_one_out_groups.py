"""Groups mode: sound boards, the rules (one away, four mistakes), the exact partition AI."""

from __future__ import annotations

import datetime as dt
import json
from itertools import combinations

import numpy as np
import pytest
from textseq_plugins.odd_one_out.game import GroupsSession, leaderboard
from textseq_plugins.odd_one_out.groups import (
    GroupsGame,
    ai_solve,
    best_partition,
    daily_seed,
    make_groups,
)

from textseq_tui.plugin import BadInput


def test_boards_are_four_sound_groups_and_seeded(categories):
    names = {c.name: k for k, c in enumerate(categories.categories)}
    for difficulty in ("easy", "medium", "hard"):
        for seed in range(5):
            p = make_groups(categories, seed, difficulty)
            assert p == make_groups(categories, seed, difficulty)
            assert len(p.words) == 16 and len(set(p.words)) == 16
            ks = [names[name] for name, _ in p.groups]
            for k, (_, words) in zip(ks, p.groups, strict=True):
                assert len(words) == 4 and set(words) <= set(categories.categories[k].words)
                others = [w for w in p.words if w not in words]
                assert not any(categories.belongs(w, k) for w in others)
    assert daily_seed(dt.date(2026, 11, 30)) == 20261130


def test_rules_one_away_repeat_and_four_mistakes(categories):
    p = make_groups(categories, 1)
    game = GroupsGame(p)
    (_, g0), (_, g1) = p.groups[0], p.groups[1]
    assert game.guess([*g0[:3], g1[0]]).result == "one away"
    assert game.guess([*g0[:3], g1[0]]).result == "repeat" and game.mistakes == 1
    right = game.guess(list(g0))
    assert right.result == "correct" and right.category == p.groups[0][0]
    assert g0[0] not in game.remaining() and len(game.remaining()) == 12
    with pytest.raises(BadInput, match="not on the board"):
        game.guess([g0[0], *g1[:3]])
    with pytest.raises(BadInput, match="exactly 4"):
        game.guess(list(g1[:3]))
    (_, g2), (_, g3) = p.groups[2], p.groups[3]
    for wrong in ([g1[0], g1[1], g2[0], g2[1]], [g1[0], g1[2], g2[0], g2[2]],
                  [g1[1], g1[2], g3[0], g3[1]]):
        assert game.guess(wrong).result == "wrong"
    assert game.over and not game.solved and game.mistakes == 4
    with pytest.raises(BadInput, match="over"):
        game.guess(list(g1))


def _total(sim, groups) -> float:
    return sum(sim[a, b] for g in groups for a, b in combinations(g, 2))


def test_best_partition_is_exact():
    rng = np.random.default_rng(3)
    for _ in range(5):
        sim = rng.normal(size=(8, 8))
        sim = sim + sim.T
        got = best_partition(sim)

        splits = [[q, tuple(sorted(set(range(8)) - set(q)))]
                  for q in combinations(range(8), 4) if 0 in q]
        assert _total(sim, got) == pytest.approx(max(_total(sim, p) for p in splits))
        # a one-away answer: the best partition with a group holding three of the guess
        guess = frozenset((0, 1, 2, 5))
        got = best_partition(sim, one_away=[guess])
        allowed = [p for p in splits if any(len(set(g) & guess) == 3 for g in p)]
        assert _total(sim, got) == pytest.approx(max(_total(sim, p) for p in allowed))
    # a planted 16-word partition is found, and a banned group is avoided
    labels = np.repeat(np.arange(4), 4)
    sim = (labels[:, None] == labels[None, :]) + 0.1 * rng.normal(size=(16, 16))
    sim = (sim + sim.T) / 2
    groups = best_partition(sim)
    assert sorted(groups) == [(0, 1, 2, 3), (4, 5, 6, 7), (8, 9, 10, 11), (12, 13, 14, 15)]
    assert (0, 1, 2, 3) not in best_partition(sim, {frozenset((0, 1, 2, 3))})


def test_the_ai_solves_most_easy_boards(ai, categories):
    solved = sum(ai_solve(ai, make_groups(categories, s, "easy")).solved for s in range(6))
    assert solved >= 4


def test_groups_session_records_rounds_and_streaks(categories):
    rows = []
    session = GroupsSession(categories, 20261130, "medium", "ada", rows.append)
    first = session.new_puzzle().puzzle
    for _, words in first.groups:
        session.guess(list(words), ai_solved=True)
    game = session.new_puzzle()
    assert game.puzzle.seed == 20261131
    assert rows[0]["mode"] == "groups" and rows[0]["correct"] == 1 and rows[0]["mistakes"] == 0
    assert json.loads(rows[0]["category"]) == [name for name, _ in first.groups]
    assert rows[0]["ai_correct"] == 1 and rows[0]["points"] == 60
    assert session.summary() == {"puzzles": 1, "solved": 1, "solve_rate": 100.0,
                                 "score": 60, "best_streak": 1}
    board = leaderboard(rows)
    assert board[0]["mode"] == "groups" and board[0]["best_streak"] == 1
