"""Every way to split the words left on a board into groups of four, weighed by their groups.

A board's candidate groups each carry a score (a log-odds of being one of the answer's groups).
A partition's score is the sum of its groups' scores, and ``P(partition) ∝ exp(score)``. The
probability that a group is one of the answer's groups is the total probability of the
partitions holding it: that is the solver's confidence, and the guess it submits is the group
with the highest one. Feedback removes the partitions that would have answered otherwise, so
the probabilities stay exact under any mix of "wrong" and "one away" answers:

- 16 words and no "one away" yet: a sum over bit masks (8-, 12-, 16-word subsets; 0.75 M
  products) gives every group's probability without listing the 2.6 M partitions; a "wrong"
  answer only bans groups (those holding three or four of the guess);
- after a "one away" on 16 words: the 277,200 partitions holding a group with exactly three
  of the guess are listed and filtered by the rest of the feedback;
- 12 words or fewer: all partitions (5,775 at most) are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Any

GROUP = 4
FULL = 16


@lru_cache(maxsize=8)
def quads(n: int) -> tuple[tuple[int, ...], ...]:
    """All groups of four of ``range(n)``, in ``itertools.combinations`` order."""
    return tuple(combinations(range(n), GROUP))


@lru_cache(maxsize=8)
def quad_index(n: int) -> dict[tuple[int, ...], int]:
    """Group of four (sorted tuple) -> its index in :func:`quads`."""
    return {q: k for k, q in enumerate(quads(n))}


@lru_cache(maxsize=8)
def partitions(n: int) -> Any:
    """(P, n // 4) int16 indices into :func:`quads` of every partition of ``range(n)``."""
    return _partitions_of(tuple(range(n)), n)


def _partitions_of(items: tuple[int, ...], n: int) -> Any:
    """Partitions of ``items`` (a subset of ``range(n)``), as indices into ``quads(n)``."""
    import numpy as np

    if len(items) % GROUP:
        raise ValueError(f"cannot split {len(items)} items into groups of {GROUP}")
    if not items:
        return np.zeros((1, 0), dtype=np.int16)
    small = _relative(len(items))
    small_quads = quads(len(items))
    index = quad_index(n)
    mapped = np.array([index[tuple(items[i] for i in q)] for q in small_quads], dtype=np.int16)
    return mapped[small]


@lru_cache(maxsize=4)
def _relative(m: int) -> Any:
    """Partitions of ``range(m)`` (m <= 12) as indices into ``quads(m)``."""
    import numpy as np

    if m == 0:
        return np.zeros((1, 0), dtype=np.int16)
    index = quad_index(m)
    blocks = []
    for first in quads(m):
        if first[0] != 0:
            break
        rest = tuple(i for i in range(m) if i not in first)
        sub = _relative(m - GROUP)
        mapped = np.array([index[tuple(rest[i] for i in q)] for q in quads(m - GROUP)],
                          dtype=np.int16)
        block = np.empty((len(sub), m // GROUP), dtype=np.int16)
        block[:, 0] = index[first]
        block[:, 1:] = mapped[sub]
        blocks.append(block)
    return np.concatenate(blocks)


@dataclass
class _MaskSums:
    """Index arrays of the sum over bit masks for 16 words (built once per process).

    ``Z(S)``, the total weight of the partitions of a set ``S`` of words, is a sum over the
    groups holding ``S``'s lowest word times ``Z`` of the rest: for the 12,870 8-word sets
    (35 terms each) and the 1,820 12-word sets, each the complement of one group (165
    terms each)."""

    a8: Any  # (pairs,) group holding the lowest word of an 8-word set
    b8: Any  # the other group
    set8: Any  # index of the 8-word set (into the sorted masks of all 8-word sets)
    a12: Any  # group holding the lowest word of a 12-word set
    rest12: Any  # index of the 8-word set left
    group12: Any  # the group whose complement the 12-word set is


@lru_cache(maxsize=1)
def _mask_sums() -> _MaskSums:
    import numpy as np

    masks = np.array([sum(1 << i for i in q) for q in quads(FULL)], dtype=np.int32)
    low = masks & -masks
    # 8-word sets: a group holding the union's lowest word, then a disjoint group above it
    a, b = np.nonzero(((masks[:, None] & masks[None, :]) == 0)
                      & (low[:, None] < low[None, :]))
    eights, set8 = np.unique(masks[a] | masks[b], return_inverse=True)
    # 12-word set = all but group c: a group inside it holding its lowest word, and the rest
    rest_masks = ((1 << FULL) - 1) ^ masks
    rest_low = rest_masks & -rest_masks
    qa, c = np.nonzero(((masks[:, None] & masks[None, :]) == 0)
                       & ((masks[:, None] & rest_low[None, :]) != 0))
    rest12 = np.searchsorted(eights, rest_masks[c] ^ masks[qa])
    return _MaskSums(a.astype(np.int32), b.astype(np.int32), set8.astype(np.int32),
                     qa.astype(np.int32), rest12.astype(np.int32), c.astype(np.int32))


def _joint_full(scores: Any) -> tuple[Any, float, float]:
    """(per group: total weight of the partitions holding it, the partition function, the
    shift) for 16 words, weights ``exp(score - shift)`` per group."""
    import numpy as np

    s = np.asarray(scores, dtype=np.float64)
    top = float(np.max(s[np.isfinite(s)])) if np.isfinite(s).any() else 0.0
    w = np.exp(s - top)
    m = _mask_sums()
    z8 = np.bincount(m.set8, weights=w[m.a8] * w[m.b8], minlength=int(m.set8.max()) + 1)
    z12 = np.bincount(m.group12, weights=w[m.a12] * z8[m.rest12], minlength=len(w))
    joint = w * z12
    # every partition is counted once per group it holds: sum over the groups holding item 0
    total = float(joint[_holding_first()].sum())
    if total <= 0:
        raise ValueError("no partition is consistent with the feedback")
    return joint, total, top


@lru_cache(maxsize=1)
def _holding_first() -> Any:
    import numpy as np

    return np.array([q[0] == 0 for q in quads(FULL)])


def marginals_full(scores: Any) -> Any:
    """(1820,) probability of each group of four of 16 words, over all partitions (a banned
    group has score -inf)."""
    joint, total, _ = _joint_full(scores)
    return joint / total


def log_partition(scores: Any) -> float:
    """ln of the sum over the 2.6 M partitions of 16 words of ``exp(sum of their four
    groups' scores)``: ``P(partition) = exp(its score - log_partition)``."""
    import math

    _, total, top = _joint_full(scores)
    return math.log(total) + 4 * top


def one_away_partitions(guess: tuple[int, ...], n: int = FULL) -> Any:
    """Partitions of ``range(n)`` with a group holding exactly three of ``guess``."""
    import numpy as np

    index = quad_index(n)
    blocks = []
    for three in combinations(sorted(guess), GROUP - 1):
        for extra in (i for i in range(n) if i not in guess):
            group = tuple(sorted((*three, extra)))
            rest = tuple(i for i in range(n) if i not in group)
            sub = _partitions_of(rest, n)
            block = np.empty((len(sub), n // GROUP), dtype=np.int16)
            block[:, 0] = index[group]
            block[:, 1:] = sub
            blocks.append(block)
    return np.concatenate(blocks)


def consistent(parts: Any, n: int, guess: tuple[int, ...], result: str,
               found_overlap: int = 0) -> Any:
    """(P,) bool: the partitions (indices into ``quads(n)``) that answer ``guess`` with
    ``result``; ``found_overlap`` is the most of the guess one already-found group holds."""
    import numpy as np

    bits = sum(1 << i for i in guess)
    overlap = np.array([len(set(q) & set(guess)) for q in quads(n)], dtype=np.int8) \
        if bits else np.zeros(len(quads(n)), dtype=np.int8)
    best = np.maximum(overlap[parts].max(axis=1) if parts.shape[1] else 0, found_overlap)
    if result == "wrong":
        return best <= GROUP - 2
    if result == "one away":
        return best == GROUP - 1
    if result == "correct":
        return best == GROUP
    raise ValueError(f"unknown result {result!r}")


def group_probabilities(scores: Any, parts: Any) -> tuple[Any, Any]:
    """(probability of each group of four, the most likely partition) over ``parts``
    (rows of group indices) under ``P ∝ exp(sum of scores)``."""
    import numpy as np

    if not len(parts):
        raise ValueError("no partition is consistent with the feedback")
    total = np.asarray(scores, dtype=np.float64)[parts].sum(axis=1)
    weights = np.exp(total - total.max())
    weights /= weights.sum()
    prob = np.zeros(len(scores))
    for col in range(parts.shape[1]):
        prob += np.bincount(parts[:, col], weights=weights, minlength=len(scores))
    return prob, parts[int(np.argmax(total))]
