"""From a board's themes and word vectors to one feature row per candidate group of four.

Every group of four of the 16 words (1,820) gets:

- similarity of meaning (GloVe after all-but-the-top, the odd-one-out AI's vectors):
  ``sim_mean``, ``sim_min`` (mean and smallest pairwise cosine), ``sim_gap`` (the mean
  cosine inside the group minus its words' mean cosine to the twelve other words: a group
  stands out from the board, not only from the language) and ``sim_rank`` (how far down each
  word's list of nearest board words its three partners come, 0 = the three nearest);
  ``form_mean``, ``form_gap``: the same for character n-gram vectors (spelling);
- per kind of theme (:data:`THEME_KINDS`): the largest surprise (-ln base rate) of a theme
  holding all four words (``<kind>4``), and of one holding exactly three of them (``<kind>3``:
  a theme a source knows for three words only);
- ``exact4``: the largest surprise of a theme holding these four and no other board word;
- ``kinds4``: how many kinds of theme hold all four (independent evidence);
- ``reading``: for the group's most surprising WordNet theme, the mean log share of each
  word's use (its senses' frequency) that has the property: four dominant senses (0) or
  four rare readings (very negative);
- ``extra``: how many more board words than four the group's most surprising theme holds
  (such a theme does not say which four).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from textseq_plugins.odd_one_out.connections.partitions import FULL, quads
from textseq_plugins.odd_one_out.connections.themes import Theme

THEME_KINDS = ("category", "proper names", "phrase", "sound", "letters")
SIMILARITY = ("sim_mean", "sim_min", "sim_gap", "sim_rank", "form_mean", "form_gap")
FEATURES = (*SIMILARITY, *(f"{k}{n}" for k in THEME_KINDS for n in (4, 3)),
            "exact4", "kinds4", "reading", "extra")
#: the smallest share of a word's use a reading is given (log of it bounds ``reading``)
MIN_READING = 1e-3


@lru_cache(maxsize=1)
def _quad_bits() -> Any:
    """(1820, 16) 0/1 matrix: which words each group of four holds."""
    import numpy as np

    bits = np.zeros((len(quads(FULL)), FULL), dtype=np.float32)
    for k, q in enumerate(quads(FULL)):
        bits[k, list(q)] = 1
    return bits


@lru_cache(maxsize=1)
def _pair_index() -> tuple[Any, Any]:
    """(1820, 6) first and second word of each of a group's six pairs."""
    import numpy as np

    a = np.array([[q[i] for i, j in _PAIRS] for q in quads(FULL)])
    b = np.array([[q[j] for i, j in _PAIRS] for q in quads(FULL)])
    return a, b


_PAIRS = ((0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3))


def overlaps(themes: list[Theme]) -> Any:
    """(1820, len(themes)) how many of each group's words each theme holds."""
    import numpy as np

    members = np.zeros((FULL, len(themes)), dtype=np.float32)
    for t, theme in enumerate(themes):
        members[list(theme.members), t] = 1
    return (_quad_bits() @ members).round().astype(np.int8)


def similarity_columns(sim: Any, with_rank: bool) -> list[Any]:
    """Per group of four: mean and least pairwise similarity, the gap between inside and
    outside (and, ``with_rank``, the mean rank of the partners) from a (16, 16) matrix."""
    import numpy as np

    a, b = _pair_index()
    pairs = sim[a, b]
    inside = pairs.sum(axis=1)
    rows = sim.sum(axis=1) - np.diag(sim)
    # each word's similarities to the other fifteen, minus those inside the group
    outside = (_quad_bits() @ rows - 2 * inside) / (4 * (FULL - 4))
    cols = [pairs.mean(axis=1), pairs.min(axis=1), inside / 6 - outside]
    if with_rank:
        masked = sim - np.diag(np.full(FULL, np.inf))
        # rank[i, j]: how many board words are nearer to i than j is (0 = the nearest)
        order = np.argsort(-masked, axis=1, kind="stable")
        rank = np.empty((FULL, FULL))
        rank[np.arange(FULL)[:, None], order] = np.arange(FULL)[None, :]
        cols.append((rank[a, b] + rank[b, a]).mean(axis=1) / 2 - 1)
    return cols


def quad_features(themes: list[Theme], meaning: Any, form: Any) -> tuple[Any, Any]:
    """(1820, len(FEATURES)) features, and (1820,) index of each group's most surprising
    theme holding all four words (-1: none).

    Args:
        themes: the board's themes (every source).
        meaning, form: (16, 16) cosine similarity matrices.
    """
    import numpy as np

    n = len(quads(FULL))
    meaning_cols = similarity_columns(meaning, with_rank=True)
    form_cols = similarity_columns(form, with_rank=False)
    cols = [*meaning_cols, form_cols[0], form_cols[2]]
    best = np.full(n, -1)
    if not themes:
        cols += [np.zeros(n)] * (2 * len(THEME_KINDS) + 4)
        return np.stack(cols, axis=1).astype(np.float64), best
    over = overlaps(themes)
    surprise = np.array([t.surprise for t in themes])
    kinds = np.array([t.kind for t in themes])
    size = np.array([len(t.members) for t in themes])
    whole = np.where(over == 4, surprise[None, :], 0.0)
    three = np.where(over == 3, surprise[None, :], 0.0)
    for kind in THEME_KINDS:
        mine = kinds == kind
        cols.append(whole[:, mine].max(axis=1) if mine.any() else np.zeros(n))
        cols.append(three[:, mine].max(axis=1) if mine.any() else np.zeros(n))
    cols.append(np.where(size[None, :] == 4, whole, 0.0).max(axis=1))
    cols.append(sum((whole[:, kinds == kind] > 0).any(axis=1).astype(float)
                    for kind in THEME_KINDS))
    cols.append(_readings(themes, whole))
    has = (over == 4).any(axis=1)
    top = whole.argmax(axis=1)
    best = np.where(has, top, -1)
    cols.append(np.where(has, size[top] - 4, 0))
    return np.stack(cols, axis=1).astype(np.float64), best


def _readings(themes: list[Theme], whole: Any) -> Any:
    """(1820,) mean log reading share of the group's words in its most surprising theme that
    knows senses (0 when no such theme holds all four)."""
    import numpy as np

    knows = np.array([bool(t.reading) for t in themes])
    if not knows.any():
        return np.zeros(whole.shape[0])
    logs = np.zeros((FULL, len(themes)))
    for t, theme in enumerate(themes):
        for i, share in theme.reading.items():
            logs[i, t] = np.log(max(share, MIN_READING))
    per_group = _quad_bits().astype(np.float64) @ logs / 4
    masked = np.where(knows[None, :], whole, 0.0)
    top = masked.argmax(axis=1)
    rows = np.arange(whole.shape[0])
    return np.where(masked[rows, top] > 0, per_group[rows, top], 0.0)
