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
    """Index arrays of the sum over bit masks for 16 words (built once per process)."""

    a8: Any  # quad holding the lowest bit of an 8-subset
    b8: Any  # the other quad
    starts8: Any  # reduceat starts (pairs sorted by their 8-subset)
    a12: Any  # quad holding the lowest bit of a 12-subset
    b12: Any  # index of the remaining 8-subset
    starts12: Any
    complement12: Any  # per quad: index of the 12-subset it leaves


@lru_cache(maxsize=1)
def _mask_sums() -> _MaskSums:
    import numpy as np

    masks = np.array([sum(1 << i for i in q) for q in quads(FULL)], dtype=np.int64)
    low = masks & -masks
    # 8-subsets: a quad holding the union's lowest bit, then a disjoint quad above it
    a, b = np.nonzero(((masks[:, None] & masks[None, :]) == 0)
                      & (low[:, None] < low[None, :]))
    union8 = masks[a] | masks[b]
    eights, inverse8 = np.unique(union8, return_inverse=True)
    order = np.argsort(inverse8, kind="stable")
    a8, b8, t8 = a[order], b[order], inverse8[order]
    starts8 = np.flatnonzero(np.r_[True, t8[1:] != t8[:-1]])
    # 12-subsets: a quad holding the lowest bit, then a disjoint 8-subset above it
    e_low = eights & -eights
    # (quads x 8-subsets) in chunks: the whole int64 table would briefly take ~190 MB
    parts_a, parts_b = [], []
    for start in range(0, len(masks), 256):
        chunk = slice(start, start + 256)
        qa, eb = np.nonzero(((masks[chunk, None] & eights[None, :]) == 0)
                            & (low[chunk, None] < e_low[None, :]))
        parts_a.append(qa + start)
        parts_b.append(eb)
    qa, eb = np.concatenate(parts_a), np.concatenate(parts_b)
    union12 = masks[qa] | eights[eb]
    twelves, inverse12 = np.unique(union12, return_inverse=True)
    order = np.argsort(inverse12, kind="stable")
    a12, b12, t12 = qa[order], eb[order], inverse12[order]
    starts12 = np.flatnonzero(np.r_[True, t12[1:] != t12[:-1]])
    full = (1 << FULL) - 1
    complement12 = np.searchsorted(twelves, full ^ masks)
    return _MaskSums(a8, b8, starts8, a12, b12, starts12, complement12)


def marginals_full(scores: Any) -> Any:
    """(1820,) probability of each group of four of 16 words, over all partitions (a banned
    group has score -inf)."""
    import numpy as np

    s = np.asarray(scores, dtype=np.float64)
    top = np.max(s[np.isfinite(s)]) if np.isfinite(s).any() else 0.0
    w = np.exp(s - top)
    m = _mask_sums()
    z8 = np.add.reduceat(w[m.a8] * w[m.b8], m.starts8)
    z12 = np.add.reduceat(w[m.a12] * z8[m.b12], m.starts12)
    joint = w * z12[m.complement12]
    # every partition is counted once per group it holds: sum over the groups holding item 0
    holds0 = np.array([q[0] == 0 for q in quads(FULL)])
    total = joint[holds0].sum()
    if total <= 0:
        raise ValueError("no partition is consistent with the feedback")
    return joint / total


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
