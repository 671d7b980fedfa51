"""Groups boards with tiers, red herrings and exactly one solution, from the category pool.

``make_board(pool, seed, difficulty)`` (``make_groups`` in ``groups.py`` calls it with a
:class:`~pool.CategoryPool`): four categories, one per tier, yellow .. purple; four common
words each, different stems.

- red herrings: none on easy boards; on medium boards at least one word, on hard boards at
  least two, fit a second chosen category too (by that category's own check);
- one solution: every group of four board words that fits *any* pool category is a valid
  group, and exactly one split of the sixteen into four valid groups may exist (an exact
  cover search); a board failing that is redrawn.

Seeded: the same seed and difficulty give the same board (the daily seed is the date).
"""

from __future__ import annotations

import random
from itertools import combinations

from textseq_plugins.odd_one_out.connections.pool import TIERS, CategoryPool, PoolCategory
from textseq_plugins.odd_one_out.groups import GroupsPuzzle
from textseq_plugins.odd_one_out.puzzles import _stem, check_difficulty, check_seed

from textseq_tui.plugin import BadInput

GROUP = 4
#: every board has one group of each tier; difficulty is in the red herrings
TIER_PLAN = {"easy": TIERS, "medium": TIERS, "hard": TIERS}
RED_HERRINGS = {"easy": 0, "medium": 1, "hard": 2}
ATTEMPTS = 400


def memberships(pool: CategoryPool, words: list[str]) -> dict[str, frozenset[int]]:
    """Pool category id -> the board words (indices) its source's check accepts, for every
    category holding at least four of them."""
    out = {}
    for cat in pool.categories:
        ids = frozenset(i for i, w in enumerate(words) if pool.fits(cat, w))
        if len(ids) >= GROUP:
            out[cat.id] = ids
    return out


def solutions(groups: set[frozenset[int]], n: int = 16, limit: int = 2) -> int:
    """How many ways (up to ``limit``) ``groups`` cover ``range(n)`` exactly."""
    # every cover holds a group with the lowest word left: try those only
    holding = {i: [g for g in groups if i in g] for i in range(n)}

    def cover(left: frozenset[int]) -> int:
        if not left:
            return 1
        found = 0
        for g in holding[min(left)]:
            if g <= left:
                found += cover(left - g)
                if found >= limit:
                    break
        return found

    return cover(frozenset(range(n)))


def valid_groups(member_sets: dict[str, frozenset[int]]) -> set[frozenset[int]]:
    """Every group of four inside some category's members."""
    out: set[frozenset[int]] = set()
    for ids in member_sets.values():
        out.update(frozenset(q) for q in combinations(sorted(ids), GROUP))
    return out


def make_board(pool: CategoryPool, seed: int, difficulty: str = "medium",
               avoid: frozenset[str] = frozenset()) -> GroupsPuzzle:
    """The board of ``seed`` at ``difficulty`` (deterministic), using no category whose id
    is in ``avoid`` (a schedule passes the ids of the last days' boards: no repeats)."""
    check_seed(seed)
    check_difficulty(difficulty)
    rng = random.Random(f"connections:{seed}:{difficulty}")
    for _ in range(ATTEMPTS):
        chosen = _choose(pool, rng, difficulty, avoid)
        if chosen is None:
            continue
        board = _deal(pool, chosen, rng, RED_HERRINGS[difficulty])
        if board is None:
            continue
        groups, words = board
        members = memberships(pool, words)
        if solutions(valid_groups(members)) != 1:
            continue
        order = list(range(len(words)))
        rng.shuffle(order)
        named = tuple((c.name, tuple(words[i] for i in g)) for c, g in zip(chosen, groups,
                                                                          strict=True))
        return GroupsPuzzle(named, tuple(words[i] for i in order), seed, difficulty,
                            tiers=tuple(c.tier for c in chosen),
                            category_ids=tuple(c.id for c in chosen))
    raise BadInput(f"could not build a {difficulty} groups board for seed {seed}; "
                   "try another --seed")


def _choose(pool: CategoryPool, rng: random.Random, difficulty: str,
            avoid: frozenset[str]) -> list[PoolCategory] | None:
    chosen: list[PoolCategory] = []
    for tier in TIER_PLAN[difficulty]:
        options = [c for c in pool.tier(tier) if c not in chosen and c.id not in avoid]
        if not options:
            return None
        # a kind first (phrases, sounds, letters...), so the many phrase categories do not
        # crowd the few homophone and hidden-word ones out of the purple tier
        kind = rng.choice(sorted({c.kind for c in options}))
        chosen.append(rng.choice([c for c in options if c.kind == kind]))
    return chosen


def _deal(pool: CategoryPool, chosen: list[PoolCategory], rng: random.Random,
          herrings: int) -> tuple[list[list[int]], list[str]] | None:
    """Four words per category; ``herrings`` of them also fit another chosen category."""
    words: list[str] = []
    groups: list[list[int]] = []
    stems: set[str] = set()
    wanted = herrings
    for k, cat in enumerate(chosen):
        others = [c for j, c in enumerate(chosen) if j != k]
        pool_words = list(cat.words)
        rng.shuffle(pool_words)
        crossing = [w for w in pool_words if any(pool.fits(o, w) for o in others)]
        clean = [w for w in pool_words if w not in crossing]
        pick: list[str] = []
        if wanted and crossing:
            for w in crossing:
                if _stem(w) not in stems and w not in words:
                    pick.append(w)
                    stems.add(_stem(w))
                    wanted -= 1
                    break
        for w in clean:
            if len(pick) == GROUP:
                break
            if _stem(w) not in stems and w not in words and pool.fits(cat, w):
                pick.append(w)
                stems.add(_stem(w))
        if len(pick) < GROUP:
            return None
        groups.append(list(range(len(words), len(words) + GROUP)))
        words += pick
    if wanted > 0:
        return None
    return groups, words
