"""The odd-one-out AI: which item of a set is least like the others, and why.

``OddOneOut.pick(items)`` takes 3..MAX_ITEMS items (words or short phrases; a phrase is the
mean of its words' vectors) and returns a :class:`Pick`: the odd item, each item's *fit*
(mean similarity to the other items, -1..1; the odd one has the lowest), each item's most
similar partner, and the items it had to leave out (no vector even from character n-grams).

Similarity between two items (the defaults were chosen by leave-one-topic-out
cross-validation, see ``bench/odd_one_out.py``):

- *meaning*: cosine of GloVe vectors after "all-but-the-top" post-processing (Mu &
  Viswanath 2018): subtract the vocabulary mean and the top ``abtt`` principal directions,
  which mostly encode word frequency rather than meaning;
- *form*: cosine of the character n-gram vectors (``ngram.py``), which carry morphology
  (-ly adverbs, -er comparatives, plural -s) that the syntactic puzzles turn on;
- combined as ``(1 - form_weight) * meaning + form_weight * form``.

Baseline: :func:`doesnt_match_scores` reproduces gensim's ``KeyedVectors.doesnt_match`` (cosine
of each unit vector to the mean of the unit vectors) with per-item scores.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from textseq_tui.plugin import BadInput

MAX_ITEMS = 50
MAX_ITEM_CHARS = 100  # entity names: Wikipedia titles run this long
#: the shipped defaults (picked by leave-one-topic-out CV on the dev sets; see the README)
DEFAULT_ABTT = 5
DEFAULT_FORM_WEIGHT = 0.5
DEFAULT_TOP_SHARE = 1.0
#: below this vocabulary size, vectors are used as they are (no all-but-the-top)
MIN_VOCAB_FOR_ABTT = 1000
#: typos are corrected only towards the most frequent words (rank below this)
TYPO_VOCAB = 50000
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)


@dataclass
class Pick:
    """The AI's answer for one set of items.

    Attributes:
        items: the items as given (stripped).
        odd: the item the AI picks as least like the others.
        scores: item -> fit, the mean similarity (cosine, -1..1) to the other scored items.
        partners: item -> (its most similar other item, their similarity).
        oov: items with no vector at all (excluded from the pick).
        sources: item -> "glove" | "typo:<word>" | "ngram" (how its vector was made).
        others: what the items other than the odd one all are, plural ("fruits"), from
            WordNet when the AI has a namer; "" when nothing specific covers them.
    """

    items: list[str]
    odd: str
    scores: dict[str, float]
    partners: dict[str, tuple[str, float]] = field(default_factory=dict)
    oov: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    others: str = ""

    def to_json(self) -> dict[str, Any]:
        """The CLI contract object: items, odd, scores, oov (plus partners and sources)."""
        return {
            "items": self.items,
            "odd": self.odd,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "oov": self.oov,
            "partners": {k: {"item": p, "similarity": round(s, 4)}
                         for k, (p, s) in self.partners.items()},
            "sources": self.sources,
            "others": self.others or None,
        }

    def explain(self) -> list[str]:
        """One line per item, lowest fit (the odd one) first."""
        lines = []
        for item, fit in sorted(self.scores.items(), key=lambda kv: kv[1]):
            partner, sim = self.partners[item]
            mark = "  <- odd one out" if item == self.odd else ""
            source = self.sources.get(item, "glove")
            guess = ""
            if source == "ngram":
                guess = " (unknown word: spelling-based guess)"
            elif source.startswith("typo:"):
                guess = f" (read as {source[5:]!r})"
            lines.append(f"{item}: fit {fit:+.3f}, closest to {partner} ({sim:+.3f}){guess}{mark}")
        for item in self.oov:
            lines.append(f"{item}: no vector (not a word the model can read); left out")
        if self.others:
            lines.append(f"the others are all {self.others} (WordNet)")
        return lines


def validate_items(items: Sequence[str]) -> list[str]:
    """Strip and check a set of items; BadInput says what is wrong and how to fix it."""
    if len(items) > MAX_ITEMS:
        raise BadInput(f"{len(items)} items is too many: give 3 to {MAX_ITEMS} words")
    cleaned = [" ".join(str(i).split()) for i in items]
    if any(not c for c in cleaned):
        raise BadInput("an item is empty: give 3 or more non-empty words")
    if len(cleaned) < 3:
        raise BadInput(f"give at least 3 words to compare (got {len(cleaned)})")
    long = [c for c in cleaned if len(c) > MAX_ITEM_CHARS]
    if long:
        raise BadInput(f"item {long[0][:20]!r}... is longer than {MAX_ITEM_CHARS} characters")
    seen: dict[str, str] = {}
    for c in cleaned:
        key = c.lower()
        if key in seen:
            raise BadInput(f"{c!r} appears twice: every item must be different")
        seen[key] = c
    return cleaned


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is in the Latin script (the vectors are English)."""
    for ch in text:
        if ch.isalpha() and "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


def split_items(text: str) -> list[str]:
    """Items of a typed line: comma- (or tab-) separated when it has commas, else one per word."""
    for sep in ("\t", ","):
        if sep in text:
            return [part.strip() for part in text.split(sep)]
    return text.split()


def tokens(item: str) -> list[str]:
    """Lower-case word tokens of an item ("New York" -> ["new", "york"])."""
    return [t.lower().replace("’", "'") for t in _WORD.findall(item.replace("_", " "))]


def item_words(kv: Any, item: str) -> list[str]:
    """The vocabulary keys for an item: the whole item if the vectors know it ("u.s."), else
    its word tokens. An item with no letters or digits ("!!!") has no words, even though
    GloVe has vectors for some punctuation."""
    words = tokens(item)
    whole = item.strip().lower()
    if words and " " not in whole and whole in kv.key_to_index:
        return [whole]
    return words


class OddOneOut:
    """The AI on a vector set (gensim KeyedVectors) and an optional n-gram OOV model.

    Args:
        kv: gensim ``KeyedVectors`` (vectors may be memory-mapped).
        ngram: an :class:`~textseq_plugins.odd_one_out.ngram.NgramModel` or None.
        abtt: principal directions removed from the vectors (0 = only centre).
        form_weight: weight of n-gram (spelling) similarity in 0..1 (0 without an n-gram model).
        ngram_meaning: let n-gram vectors stand in for unknown words (only when the n-gram
            model was trained on these vectors' space).
        top_share: an item's fit is the mean of its best ``ceil(top_share * (n - 1))``
            similarities (1.0 = all others; lower is robust to a second stray item).
        correct_typos: read an unknown word one edit away from a frequent word as that word.
        namer: words -> what they all are, plural ("fruits"), or None; gives ``Pick.others``.
    """

    def __init__(self, kv: Any, ngram: Any = None, abtt: int = DEFAULT_ABTT,
                 form_weight: float = DEFAULT_FORM_WEIGHT, ngram_meaning: bool = True,
                 top_share: float = DEFAULT_TOP_SHARE, correct_typos: bool = True,
                 namer: Callable[[list[str]], str | None] | None = None) -> None:
        import numpy as np

        self.kv = kv
        self.namer = namer
        self.ngram = ngram
        self.top_share = top_share
        self.correct_typos = correct_typos
        self.ngram_meaning = ngram_meaning and ngram is not None and ngram.dim == kv.vector_size
        self.abtt = abtt
        self.form_weight = form_weight if ngram is not None else 0.0
        top = np.asarray(kv.vectors[: min(len(kv.vectors), 50000)], dtype=np.float32)
        self.mean = top.mean(axis=0)
        if len(top) < MIN_VOCAB_FOR_ABTT:
            # the mean and principal directions of a toy vocabulary are its words themselves
            self.mean = np.zeros(top.shape[1], dtype=np.float32)
            abtt = 0
        abtt = min(abtt, top.shape[1] // 4)
        if abtt > 0:
            # the top right singular vectors of the centred matrix, as eigenvectors of its
            # (dim, dim) scatter matrix: the same directions as an SVD of the 50,000 rows at a
            # fraction of the cost (the projection does not depend on their signs)
            centred = (top - self.mean).astype(np.float64)
            values, vectors = np.linalg.eigh(centred.T @ centred)
            order = np.argsort(values)[::-1][:abtt]
            self.directions = vectors[:, order].T.astype(np.float32)
        else:
            self.directions = np.zeros((0, top.shape[1]), dtype=np.float32)

    # -- vectors ---------------------------------------------------------------------------

    def _transform(self, v: Any) -> Any:
        v = v - self.mean
        return v - (self.directions @ v) @ self.directions

    def typo_of(self, word: str) -> str | None:
        """The most frequent of the ``TYPO_VOCAB`` most frequent words one edit away from an
        unknown ``word`` ("wnter" -> "winter"), or None. Only for ASCII words of 4+ letters:
        shorter ones have too many neighbours to guess from."""
        if len(word) < 4 or not (word.isascii() and word.isalpha()):
            return None
        letters = "abcdefghijklmnopqrstuvwxyz"
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        candidates = {a + b[1:] for a, b in splits if b}
        candidates |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        candidates |= {a + c + b[1:] for a, b in splits if b for c in letters}
        candidates |= {a + c + b for a, b in splits for c in letters}
        candidates.discard(word)
        best = None
        for c in candidates:
            idx = self.kv.key_to_index.get(c)
            if idx is not None and idx < TYPO_VOCAB and (best is None or idx < best[0]):
                best = (idx, c)
        return best[1] if best else None

    def item_vectors(self, item: str) -> tuple[Any, Any, str] | None:
        """(meaning vector, form vector or None, source) of an item, or None when unreadable.

        A word GloVe knows uses its GloVe vector (source "glove"); an unknown word one edit
        away from a frequent word uses that word's vector (source "typo:<word>"); any other
        unknown word its character n-gram vector (source "ngram"). A phrase is the mean of its
        words and takes the source of its last word that was not plain GloVe.
        """
        import numpy as np

        words = item_words(self.kv, item)
        if not words:
            return None
        meaning, form, source = [], [], "glove"
        for w in words:
            idx = self.kv.key_to_index.get(w)
            g = self.ngram.vector(w) if (self.ngram is not None and is_latin(w)) else None
            typo = self.typo_of(w) if idx is None and self.correct_typos else None
            if idx is not None:
                meaning.append(np.asarray(self.kv.vectors[idx], dtype=np.float32))
            elif typo is not None:
                meaning.append(np.asarray(self.kv[typo], dtype=np.float32))
                source = f"typo:{typo}"
            elif g is not None and self.ngram_meaning:
                meaning.append(g)
                source = "ngram"
            else:
                return None
            if g is not None:
                form.append(g)
        m = self._transform(np.mean(meaning, axis=0))
        f = np.mean(form, axis=0) if len(form) == len(words) else None
        return m, f, source

    def neighbours(self, word: str, n: int = 10, restrict: int = 100000) -> tuple[list, str]:
        """Nearest vocabulary words (among the ``restrict`` most frequent) to ``word``'s vector.

        Returns ([(word, cosine)], source) where source is "glove", "ngram" or raises BadInput
        when the word has no vector at all.
        """
        import numpy as np

        key = word.strip().lower()
        if key in self.kv.key_to_index:
            v, source = np.asarray(self.kv.vectors[self.kv.key_to_index[key]]), "glove"
        else:
            g = self.ngram.vector(key) if (self.ngram_meaning and is_latin(key)) else None
            if g is None:
                raise BadInput(f"{word!r} has no vector: {_oov_reason(word)}")
            v, source = g, "ngram"
        rows = self.kv.similar_by_vector(np.asarray(v, np.float32), topn=n + 1,
                                         restrict_vocab=restrict)
        return [(w, float(s)) for w, s in rows if w != key][:n], source

    # -- scoring ---------------------------------------------------------------------------

    def similarity_matrix(self, vecs: list[tuple[Any, Any, str]]) -> Any:
        """(n, n) combined cosine similarities of item vectors (diagonal meaningless)."""
        import numpy as np

        def unit(rows: list[Any]) -> Any:
            m = np.stack(rows).astype(np.float32)
            return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-8)

        meaning = unit([v[0] for v in vecs])
        sim = meaning @ meaning.T
        if self.form_weight > 0 and all(v[1] is not None for v in vecs):
            form = unit([v[1] for v in vecs])
            sim = (1 - self.form_weight) * sim + self.form_weight * (form @ form.T)
        return sim

    def _fit(self, sim: Any) -> Any:
        """(n,) fit of each row of a similarity matrix with NaN on the diagonal."""
        import math

        import numpy as np

        n = sim.shape[0]
        k = max(1, math.ceil(self.top_share * (n - 1)))
        if k >= n - 1:
            return np.nanmean(sim, axis=1)
        # NaN sorts last; the best k similarities are the first k of the descending order
        ordered = -np.sort(-np.nan_to_num(sim, nan=-np.inf), axis=1)
        return ordered[:, :k].mean(axis=1)

    def fits(self, items: Sequence[str]) -> list[float | None]:
        """Fit of each item (mean similarity to the others), None for unreadable items.

        No validation: used by the benchmark on fixed data sets.
        """
        import numpy as np

        vecs = [self.item_vectors(i) for i in items]
        ok = [k for k, v in enumerate(vecs) if v is not None]
        out: list[float | None] = [None] * len(items)
        if len(ok) < 2:
            return out
        sim = self.similarity_matrix([vecs[k] for k in ok])
        np.fill_diagonal(sim, np.nan)
        fit = self._fit(sim)
        for k, f in zip(ok, fit, strict=True):
            out[k] = float(f)
        return out

    def outlier_scores(self, items: Sequence[str]) -> list[float]:
        """Higher = odder; unreadable items get -inf (never picked), for evaluation."""
        return [-f if f is not None else float("-inf") for f in self.fits(items)]

    def pick(self, items: Sequence[str]) -> Pick:
        """The odd one out of 3..MAX_ITEMS items, with each item's fit and closest partner."""
        import numpy as np

        cleaned = validate_items(items)
        vecs = {i: self.item_vectors(i) for i in cleaned}
        oov = [i for i in cleaned if vecs[i] is None]
        scored = [i for i in cleaned if vecs[i] is not None]
        if len(scored) < 3:
            why = "; ".join(_oov_reason(i) for i in oov)
            raise BadInput(
                f"only {len(scored)} of {len(cleaned)} items have a vector ({why}): "
                "need at least 3 readable English words"
            )
        sim = self.similarity_matrix([vecs[i] for i in scored])
        np.fill_diagonal(sim, np.nan)
        fit = self._fit(sim)
        partner_idx = np.nanargmax(sim, axis=1)
        odd = scored[int(np.argmin(fit))]
        return Pick(
            items=cleaned,
            odd=odd,
            scores={i: float(f) for i, f in zip(scored, fit, strict=True)},
            partners={i: (scored[int(p)], float(sim[k, p]))
                      for k, (i, p) in enumerate(zip(scored, partner_idx, strict=True))},
            oov=oov,
            sources={i: vecs[i][2] for i in scored},
            others=(self.namer([i for i in scored if i != odd]) or "") if self.namer else "",
        )


def _oov_reason(item: str) -> str:
    if not tokens(item):
        return f"{item!r} has no letters"
    if not is_latin(item):
        return f"{item!r} is not in the Latin script"
    return f"{item!r} is unknown"


def doesnt_match_scores(kv: Any, items: Sequence[str]) -> list[float]:
    """gensim ``doesnt_match`` as per-item outlier scores (higher = odder).

    Mean of the items' unit vectors; score = minus each unit vector's cosine to that mean (the
    same order as gensim's pick). Phrases are the mean of their words; items with no known
    word get -inf (gensim drops them silently, so they can never be picked).
    """
    import numpy as np

    rows, ok = [], []
    for item in items:
        idx = [kv.key_to_index[w] for w in item_words(kv, item) if w in kv.key_to_index]
        ok.append(bool(idx))
        rows.append(np.asarray(kv.vectors[idx], np.float32).mean(0) if idx
                    else np.zeros(kv.vector_size, np.float32))
    m = np.stack(rows)
    unit = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-8)
    mean = unit[ok].mean(axis=0)
    mean /= max(float(np.linalg.norm(mean)), 1e-8)
    return [float(-(u @ mean)) if good else float("-inf") for u, good in zip(unit, ok, strict=True)]
