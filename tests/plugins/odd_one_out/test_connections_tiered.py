"""Tiered groups boards from the category pool: tiers, red herrings, one solution."""

from __future__ import annotations

import pytest
from textseq_plugins.odd_one_out.connections.pool import TIERS, CategoryPool
from textseq_plugins.odd_one_out.connections.tiered import (
    make_board,
    memberships,
    solutions,
    valid_groups,
)
from textseq_plugins.odd_one_out.groups import make_groups


@pytest.fixture(scope="module")
def pool(tables):
    return CategoryPool.load(tables)


def test_the_pool_is_well_over_240_categories_with_unique_ids(pool):
    assert len(pool.categories) > 240
    assert len(pool.by_id) == len(pool.categories)
    assert {c.tier for c in pool.categories} == set(TIERS)
    # every board takes one category of each tier: a 60-day schedule without a repeat
    # needs more than 59 in each
    for tier in TIERS:
        assert len(pool.tier(tier)) >= 60, tier


@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_boards_are_seeded_sound_and_have_one_solution(pool, difficulty):
    board = make_board(pool, 20260301, difficulty)
    assert board == make_board(pool, 20260301, difficulty)
    assert make_groups(pool, 20260301, difficulty) == board
    assert len(set(board.words)) == 16 and len(board.category_ids) == 4
    for cid, (_, words) in zip(board.category_ids, board.groups, strict=True):
        assert all(pool.fits(pool.by_id[cid], w) for w in words)
    words = list(board.words)
    assert solutions(valid_groups(memberships(pool, words))) == 1
    assert board.tiers == TIERS
    if difficulty != "easy":
        herrings = [w for k, (_, ws) in enumerate(board.groups) for w in ws
                    if any(pool.fits(pool.by_id[c], w)
                           for j, c in enumerate(board.category_ids) if j != k)]
        assert len(herrings) >= (1 if difficulty == "medium" else 2)


def test_exact_cover_counts_solutions():
    groups = {frozenset(range(k, k + 4)) for k in range(0, 16, 4)}
    assert solutions(groups) == 1
    assert solutions(groups | {frozenset({0, 1, 2, 4}), frozenset({3, 5, 6, 7})}) == 2
    assert solutions(groups - {frozenset(range(4))}) == 0


def test_a_schedule_can_rule_out_recent_categories(pool):
    first = make_board(pool, 20260302, "medium")
    second = make_board(pool, 20260302, "medium", avoid=frozenset(first.category_ids))
    assert not set(first.category_ids) & set(second.category_ids)
