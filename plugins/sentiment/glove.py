"""The mean GloVe vector of a text ("tweet2vec"), from the shared GloVe model.

A linear model on the mean vector is linear in the words: with weights beta (50,), the
feature's contribution to a text is mean over its in-vocabulary tokens of ``v_w . beta``.
So a trained model keeps one float per word (``v_w . beta``) instead of the vectors, and
scoring needs no numpy. Only the ``TOP_WORDS`` most frequent GloVe words are used (the
index is in frequency order), in training and scoring alike.

``glove`` below is the registry model ``textseq_tui.ml.GLOVE_MODEL`` (a
``textseq_tui.ml.GloveVectors``: ``.words`` in frequency order, ``.matrix``, ``.index``).
"""

from __future__ import annotations

from typing import Any

TOP_WORDS = 100_000


def mean_vectors(glove: Any, token_lists: list[list[str]], top: int = TOP_WORDS) -> Any:
    """(n, 50) float64: each text's mean vector over its tokens among the ``top`` most
    frequent GloVe words (0 if none)."""
    import numpy as np

    index = glove.index
    emb = np.asarray(glove.matrix[:top], dtype=np.float32)
    out = np.zeros((len(token_lists), emb.shape[1]))
    for i, toks in enumerate(token_lists):
        ids = [index[w] for w in toks if index.get(w, top) < top]
        if ids:
            out[i] = emb[ids].mean(axis=0)
    return out


def word_scores(glove: Any, beta: Any, top: int = TOP_WORDS) -> dict[str, float]:
    """word -> ``v_w . beta`` for the ``top`` most frequent GloVe words (what a model
    stores)."""
    import numpy as np

    emb = np.asarray(glove.matrix[:top], dtype=np.float32)
    s = emb @ np.asarray(beta, dtype=np.float32)
    return dict(zip(glove.words[:top], s.astype(float).tolist(), strict=True))
