"""The third reason a word is marked: a real noun that does not fit the rest of the message
(``out of place? "tulip"`` in a message about a tax bill).

For each noun of a message (WordNet: a noun in most of its senses; Zipf ``CANDIDATE_ZIPF``,
written in lower case) with at least ``MIN_CONTEXT`` other content words, three reads:

- ``near``: the mean GloVe cosine similarity to its two most similar other content words
  (content: alphabetic, at most Zipf ``CONTENT_MAX_ZIPF``, among GloVe's ``VOCAB`` most
  frequent words, whose vectors are trained on enough text);
- ``centre``: its cosine similarity to the sum of the other content words' vectors;
- ``surprise``: how much more surprising the character model found it here than its general
  frequency says (nats per character: its surprisal in context less ``-ln`` of its
  wordfreq probability), since a word that fits is easier to predict in its place.

The score is a logistic regression over the three (``WEIGHTS``), fitted on the calibration
half of the benchmark (``bench/anomaly_textmode.py``: ordinary nouns against planted
unrelated ones, never the test half; ``--fit-out-of-place`` refits it); its threshold is chosen split-conformally like the
others (``textcalib``). GloVe is the host's shared ``glove-6b-50d`` and WordNet its
``wordnet-3.0``, both loaded through the registry in the annotator's worker.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

#: Candidate nouns: at least this rare (a very common word fits almost anywhere) and this
#: common (rarer words have noisy vectors; the typo and unusual scores look at them).
CANDIDATE_ZIPF = (2.5, 5.0)
#: Context words: at most this common (function words say nothing of the topic).
CONTENT_MAX_ZIPF = 5.5
#: GloVe rows used: its most frequent words.
VOCAB = 100_000
#: A noun is judged only with at least this many other content words around it.
MIN_CONTEXT = 2
#: A word is a noun when at least this share of its WordNet senses are nouns.
NOUN_SHARE = 0.6
#: Logistic regression ``(near, centre, surprise, intercept)``, fitted on the calibration half.
WEIGHTS = (-4.83, -6.29, 1.57, 0.22)


def _key(text: str) -> str:
    lower = text.lower()
    return lower[:-2] if lower.endswith("'s") else lower


def is_noun(wordnet: Any, word: str) -> bool:
    """Whether most (``NOUN_SHARE``) of ``word``'s WordNet senses are nouns."""
    senses = wordnet.synsets(word)
    return bool(senses) and sum(wordnet.pos(s) == "n" for s in senses) >= NOUN_SHARE * len(senses)


def reads(words: Sequence[tuple[str, float, float]], vectors: Any,
          wordnet: Any) -> dict[int, tuple[float, float, float]]:
    """``{index: (near, centre, surprise)}`` for the candidate nouns among ``words``
    (``(text as written, zipf, nats per character)`` of a message's judged words, in order)."""
    import numpy as np

    index = vectors.index
    rows: dict[int, int] = {}
    for i, (text, zipf, _) in enumerate(words):
        key = _key(text)
        row = index.get(key)
        if row is not None and row < VOCAB and key.isalpha() and zipf <= CONTENT_MAX_ZIPF:
            rows[i] = row
    if len(rows) <= MIN_CONTEXT:
        return {}
    order = list(rows)
    matrix = np.asarray(vectors.matrix[[rows[i] for i in order]], dtype=np.float64)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
    sims = matrix @ matrix.T
    out = {}
    for at, i in enumerate(order):
        text, zipf, nats = words[i]
        if not (text.isalpha() and text.islower()
                and CANDIDATE_ZIPF[0] <= zipf <= CANDIDATE_ZIPF[1]) or not is_noun(wordnet, text):
            continue
        others = [j for j in range(len(order)) if j != at]
        near = float(np.sort(sims[at, others])[::-1][:2].mean())
        centre_vec = matrix[others].sum(axis=0)
        centre = float(matrix[at] @ centre_vec / max(np.linalg.norm(centre_vec), 1e-9))
        surprise = nats + (zipf - 9.0) * math.log(10) / len(text)
        out[i] = (near, centre, surprise)
    return out


def score(read: tuple[float, float, float]) -> float:
    """The logistic regression's log-odds that the noun is out of place."""
    near, centre, surprise = read
    w_near, w_centre, w_surprise, intercept = WEIGHTS
    return w_near * near + w_centre * centre + w_surprise * surprise + intercept


def out_of_place(words: Sequence[tuple[str, float, float]], vectors: Any,
                 wordnet: Any) -> dict[int, float]:
    """``{index: score}`` for the candidate nouns among ``words`` (see ``reads``)."""
    return {i: score(r) for i, r in reads(words, vectors, wordnet).items()}
