"""From a board's themes and word vectors to one feature row per candidate group of four.

Every group of four of the 16 words (1,820) gets:

- ``sim_mean``, ``sim_min``: mean and smallest pairwise cosine of the words' meaning vectors
  (GloVe after all-but-the-top, the odd-one-out AI's); ``form_mean``: mean cosine of their
  character n-gram vectors;
- per kind of theme (:data:`THEME_KINDS`): the largest surprise (-ln base rate) of a theme
  holding all four words (``<kind>4``), and of one holding exactly three of them (``<kind>3``:
  a theme a source knows for three words only);
- ``extra``: how many more board words than four the group's most surprising theme holds
  (such a theme does not say which four).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from textseq_plugins.odd_one_out.connections.partitions import FULL, quads
from textseq_plugins.odd_one_out.connections.themes import Theme

THEME_KINDS = ("category", "proper names", "phrase", "sound", "letters")
FEATURES = ("sim_mean", "sim_min", "form_mean",
            *(f"{k}{n}" for k in THEME_KINDS for n in (4, 3)), "extra")


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


def quad_features(themes: list[Theme], meaning: Any, form: Any) -> tuple[Any, Any]:
    """(1820, len(FEATURES)) features, and (1820,) index of each group's most surprising
    theme holding all four words (-1: none).

    Args:
        themes: the board's themes (every source).
        meaning, form: (16, 16) cosine similarity matrices.
    """
    import numpy as np

    a, b = _pair_index()
    sims = meaning[a, b]
    cols = [sims.mean(axis=1), sims.min(axis=1), form[a, b].mean(axis=1)]
    best = np.full(len(quads(FULL)), -1)
    extra = np.zeros(len(quads(FULL)))
    if themes:
        over = overlaps(themes)
        surprise = np.array([t.surprise for t in themes])
        kinds = np.array([t.kind for t in themes])
        size = np.array([len(t.members) for t in themes])
        whole = np.where(over == 4, surprise[None, :], 0.0)
        three = np.where(over == 3, surprise[None, :], 0.0)
        for kind in THEME_KINDS:
            mine = kinds == kind
            cols.append(whole[:, mine].max(axis=1) if mine.any() else np.zeros(len(best)))
            cols.append(three[:, mine].max(axis=1) if mine.any() else np.zeros(len(best)))
        has = (over == 4).any(axis=1)
        top = whole.argmax(axis=1)
        best = np.where(has, top, -1)
        extra = np.where(has, size[top] - 4, 0)
    else:
        cols += [np.zeros(len(best))] * (2 * len(THEME_KINDS))
    cols.append(extra)
    return np.stack(cols, axis=1).astype(np.float64), best

