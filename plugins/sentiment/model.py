"""The sentiment model: a sparse linear scorer over n-grams, plus an optional lexicon feature.

score(text) = clip(b + sum_t w_t * count_t(text) + c * lexicon(text) + glove(text), -1, +1)

on the common scale of ``datasets`` (VADER's mean human rating / 4: -1 very negative,
+1 very positive). ``lexicon(text)`` is VADER's normalisation x / sqrt(x^2 + 15) of the
summed lexicon valences (flipped by a negation in the three tokens before a word), so the
model knows words it never saw in training. ``glove(text)`` is the mean over the text's
in-vocabulary tokens of ``g_w = v_w . beta``: a linear model on the mean GloVe vector
(tweet2vec), stored as one float per word (see ``glove.py``). Scoring is plain Python over dicts: no numpy at
score time, >= 20,000 tweets/s on one core.

Files of a model directory (besides card.json): ``config.json`` (pipeline options,
intercept, lexicon coefficient), ``terms.json`` (the terms with a non-zero weight, in
order), ``weights.safetensors`` (``coef``: float32, one per term; ``glove``: float32, one per
word of ``glove_words.json``) and ``lexicon.json`` (word -> VADER valence -4..+4, from
vaderSentiment's MIT-licensed lexicon) when the lexicon is used.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textseq_plugins.sentiment.tokens import TextPipeline

NEGATIONS = frozenset({"not", "no", "never", "nor", "none", "nobody", "nothing", "neither",
                       "nowhere", "without", "hardly", "rarely", "seldom"})
#: VADER's constants: a negated word's valence is multiplied by -0.74; x / sqrt(x^2 + 15).
NEGATION_SCALE = -0.74
LEXICON_ALPHA = 15.0
LEXICON_TERM = "(lexicon)"
EMPTY_NOTE = "empty text: nothing to score"


def lexicon_parts(words: list[str], lexicon: dict[str, float]) -> list[tuple[int, float]]:
    """(token index, signed valence) of each lexicon word, negation applied. Valences are on
    VADER's -4..+4 scale."""
    parts = []
    for i, word in enumerate(words):
        v = lexicon.get(word)
        if v is None:
            continue
        if any(w in NEGATIONS for w in words[max(0, i - 3):i]):
            v *= NEGATION_SCALE
        parts.append((i, v))
    return parts


def lexicon_feature(words: list[str], lexicon: dict[str, float]) -> float:
    """The lexicon feature in -1..+1 (0 when no lexicon word occurs)."""
    x = sum(v for _, v in lexicon_parts(words, lexicon))
    return x / math.sqrt(x * x + LEXICON_ALPHA) if x else 0.0


#: |score| below this reads "neutral": positive and negative within 15 points of each other.
NEUTRAL_BAND = 0.15


def mood(score: float) -> str:
    """"positive", "negative" or "neutral" (``|score| < NEUTRAL_BAND``)."""
    if abs(score) < NEUTRAL_BAND:
        return "neutral"
    return "positive" if score > 0 else "negative"


@dataclass
class Contribution:
    """How one term moved the score: ``weight * count`` (``value``, raw units), its share of
    the shown score (``share``), and where it occurs."""

    term: str
    count: float
    weight: float
    value: float
    spans: list[tuple[int, int]] = field(default_factory=list)
    share: float = 0.0
    #: a lexicon word after a negation ("not bad"): its valence counts reversed
    negated: bool = False

    @property
    def display(self) -> str:
        """The term as a person reads it: ``bad (negated)`` when a negation flipped it."""
        return f"{self.term} (negated)" if self.negated else self.term


@dataclass
class Explanation:
    """A scored text: the score shown (-1..+1), the raw linear value, contributions
    (largest |value| first; they and the intercept sum to ``raw``), and a note (empty text,
    ...).

    ``share`` of each contribution and ``base`` rescale the raw values so that they sum to
    ``score`` exactly: the mapping from raw to score is monotone and 0 at ``center``, so
    ``score = k (raw - center)`` for one ``k > 0``; each term's share is ``k * value`` and
    ``base = k (intercept - center)`` is the model's own lean (what a text of unknown words
    scores)."""

    text: str
    score: float
    raw: float
    intercept: float
    contributions: list[Contribution]
    note: str = ""
    base: float = 0.0
    center: float = 0.0

    @property
    def mood(self) -> str:
        return mood(self.score)


class SentimentModel:
    """A trained scorer. ``weights`` maps a term (``"good"``, ``"not good"``) to its weight
    per occurrence; ``deltas`` passed to the scoring methods are a personal model's additions.
    """

    def __init__(self, weights: dict[str, float], intercept: float, pipeline: TextPipeline,
                 lexicon: dict[str, float] | None = None, lexicon_coef: float = 0.0,
                 name: str = "", version: str = "", meta: dict[str, Any] | None = None,
                 glove: dict[str, float] | None = None, calibration: Any = None) -> None:
        self.weights = weights
        self.intercept = float(intercept)
        self.pipeline = pipeline
        self.lexicon = lexicon or {}
        self.lexicon_coef = float(lexicon_coef) if self.lexicon else 0.0
        self.name = name
        self.version = version
        self.meta = meta or {}
        #: word -> v_w . beta (the mean-GloVe-vector feature), empty when not used
        self.glove = glove or {}
        #: "identity" (clip to -1..+1) for a rating fit, "tanh-half" (2 p - 1) for a logistic one
        self.link = self.meta.get("link", "identity")
        #: the fitted raw -> score mapping (calibration.Calibration), when the model has one
        self.calibration = calibration
        self._table = self._compile()

    def _compile(self) -> dict[str, tuple] | None:
        """word -> (unigram weight, lexicon valence, {next word: bigram weight}, is negation,
        GloVe score or None).

        One dict lookup per token instead of three, and no bigram strings built: the batch
        fast path of :meth:`raw_score` (only for the plain pipeline: no stop words, no stems).
        """
        p = self.pipeline
        if p.stem or p.stop_words or p.ngrams != 2:
            return None
        bigrams: dict[str, dict[str, float]] = {}
        for term, w in self.weights.items():
            if " " in term:
                a, _, b = term.partition(" ")
                bigrams.setdefault(a, {})[b] = w
        lex = self.lexicon if self.lexicon_coef else {}
        table = {}
        glove = self.glove
        for word in set(self.weights) | set(lex) | set(bigrams) | NEGATIONS | set(glove):
            if " " in word:
                continue
            table[word] = (self.weights.get(word, 0.0), lex.get(word, 0.0),
                           bigrams.get(word), word in NEGATIONS, glove.get(word))
        return table

    def _fast_raw(self, text: str) -> float:
        """:meth:`raw_score` without deltas in one pass over the tokens (same value)."""
        from textseq_plugins.sentiment.tokens import _chunk_words

        table_get = self._table.get  # type: ignore[union-attr]
        s = self.intercept
        x = 0.0
        i = 0
        last_neg = -100
        g = 0.0
        ng = 0
        bigram: dict[str, float] | None = None
        for chunk in text.split():
            for word in _chunk_words(chunk):
                if bigram is not None:
                    s += bigram.get(word, 0.0)
                info = table_get(word)
                if info is None:
                    bigram = None
                else:
                    s += info[0]
                    if info[1]:
                        # negated when a negation is among the three tokens before
                        x += info[1] * NEGATION_SCALE if i - last_neg <= 3 else info[1]
                    if info[3]:
                        last_neg = i
                    if info[4] is not None:
                        g += info[4]
                        ng += 1
                    bigram = info[2]
                i += 1
        if i == 0:
            return 0.0
        if x:
            s += self.lexicon_coef * x / math.sqrt(x * x + LEXICON_ALPHA)
        if ng:
            s += g / ng
        return s

    def glove_feature(self, words: list[str]) -> float:
        """The GloVe part of the score: mean of ``g_w`` over the in-vocabulary tokens."""
        vals = [self.glove[w] for w in words if w in self.glove]
        return sum(vals) / len(vals) if vals else 0.0

    def calibrate(self, raw: float) -> float:
        """Map a raw linear value onto the -1..+1 score: the model's fitted calibration
        (``calibration.json``), else its link."""
        if self.calibration is not None:
            return self.calibration.score(raw)
        if self.link == "tanh-half":
            return math.tanh(raw / 2.0)
        return -1.0 if raw < -1.0 else 1.0 if raw > 1.0 else raw

    def raw_for(self, score: float) -> float:
        """The raw value that :meth:`calibrate` maps to ``score`` (-1 < score < 1): the
        mapping is monotone, so bisection finds it."""
        if self.calibration is None:
            return math.atanh(max(-0.999, min(0.999, score))) * 2.0 \
                if self.link == "tanh-half" else score
        low, high = -20.0, 20.0
        for _ in range(60):
            mid = (low + high) / 2
            low, high = (mid, high) if self.calibrate(mid) < score else (low, mid)
        return (low + high) / 2

    @property
    def center(self) -> float:
        """The raw value that scores 0."""
        return self.calibration.center if self.calibration is not None else 0.0

    # -- scoring -------------------------------------------------------------------------

    def raw_score(self, text: str, deltas: dict[str, float] | None = None) -> float:
        """The unclipped linear value of ``text`` (common scale)."""
        if not deltas and self._table is not None:
            return self._fast_raw(text)
        words = self.pipeline.words(text)
        if not words:
            return 0.0
        get = self.weights.get
        s = self.intercept
        for term in self.pipeline.terms(words):
            s += get(term, 0.0)
        if deltas:
            dget = deltas.get
            for term in self.pipeline.terms(words):
                s += dget(term, 0.0)
        if self.lexicon_coef:
            s += self.lexicon_coef * lexicon_feature(words, self.lexicon)
        if self.glove:
            s += self.glove_feature(words)
        return s

    def score(self, text: str, deltas: dict[str, float] | None = None) -> float:
        """The calibrated score in -1..+1 (0.0 for a text without tokens)."""
        return self.calibrate(self.raw_score(text, deltas))

    def score_many(self, texts: list[str], deltas: dict[str, float] | None = None
                   ) -> list[float]:
        """Scores of a batch (the CLI's ``--input`` and the benchmark's throughput)."""
        return [self.score(t, deltas) for t in texts]

    def term_counts(self, text: str) -> Counter[str]:
        """Counts of the terms of ``text`` (the feature vector a personal update uses)."""
        return Counter(self.pipeline.analyze(text))

    def explain(self, text: str, deltas: dict[str, float] | None = None) -> Explanation:
        """Score ``text`` and say which terms pushed it (weight x count, with spans).

        The lexicon feature's share is split over its words in proportion to their valence,
        so every contribution is attached to words and they sum to the raw score.
        """
        tokens = self.pipeline.tokens(text)
        if not tokens:
            return Explanation(text, 0.0, 0.0, 0.0, [], EMPTY_NOTE)
        words = [t for t, _, _ in tokens]
        spans: dict[str, list[tuple[int, int]]] = {}
        for i, (tok, start, end) in enumerate(tokens):
            spans.setdefault(tok, []).append((start, end))
            if i + 1 < len(tokens) and self.pipeline.ngrams > 1:
                spans.setdefault(tok + " " + tokens[i + 1][0], []).append(
                    (start, tokens[i + 1][2]))
        counts = Counter(self.pipeline.terms(words))
        values: dict[str, float] = {}
        weights: dict[str, float] = {}
        for term, count in counts.items():
            w = self.weights.get(term, 0.0) + (deltas.get(term, 0.0) if deltas else 0.0)
            if w:
                weights[term] = w
                values[term] = w * count
        negated: set[str] = set()
        if self.lexicon_coef:
            parts = lexicon_parts(words, self.lexicon)
            x = sum(v for _, v in parts)
            if x:
                total = self.lexicon_coef * x / math.sqrt(x * x + LEXICON_ALPHA)
                for i, v in parts:
                    word = words[i]
                    values[word] = values.get(word, 0.0) + total * v / x
                    weights.setdefault(word, 0.0)
                    if v * self.lexicon.get(word, 0.0) < 0:
                        negated.add(word)
        if self.glove:
            inv = [w for w in words if w in self.glove]
            for word in inv:
                values[word] = values.get(word, 0.0) + self.glove[word] / len(inv)
                weights.setdefault(word, 0.0)
        raw = self.intercept + sum(values.values())
        score = self.calibrate(raw)
        center = self.center
        k = score / (raw - center) if abs(raw - center) > 1e-12 else 0.0
        contributions = [
            Contribution(term, float(counts[term]), weights[term], value, spans.get(term, []),
                         k * value, term in negated)
            for term, value in sorted(values.items(), key=lambda kv: -abs(kv[1]))
        ]
        return Explanation(text, score, raw, self.intercept, contributions,
                           base=k * (self.intercept - center), center=center)

    def word_effects(self, glove_words: int = 20_000) -> dict[str, float]:
        """Each single word's score on its own minus the intercept: its n-gram weight plus
        its lexicon and GloVe parts (what the word does to a one-word text). Candidates: the
        weighted unigrams, the lexicon, and the ``glove_words`` most frequent GloVe words."""
        cands = {t for t in self.weights if " " not in t}
        cands |= set(self.lexicon) if self.lexicon_coef else set()
        for i, w in enumerate(self.glove):
            if i >= glove_words:
                break
            if w.isalpha():
                cands.add(w)
        out = {}
        for w in cands:
            v = self.lexicon.get(w, 0.0) if self.lexicon_coef else 0.0
            lex = self.lexicon_coef * v / math.sqrt(v * v + LEXICON_ALPHA) if v else 0.0
            out[w] = self.weights.get(w, 0.0) + lex + self.glove.get(w, 0.0)
        return out

    def top_words(self, n: int = 20, ngrams: bool = False
                  ) -> dict[str, list[tuple[str, float]]]:
        """The ``n`` most positive and most negative entries: single words by their whole
        effect (:meth:`word_effects`, default), or n-grams by their elastic-net weight."""
        table = self.weights if ngrams else self.word_effects()
        ranked = sorted(table.items(), key=lambda kv: (kv[1], kv[0]))
        pos = [kv for kv in ranked[::-1][:n] if kv[1] > 0]
        neg = [kv for kv in ranked[:n] if kv[1] < 0]
        return {"positive": pos, "negative": neg}

    # -- files ---------------------------------------------------------------------------

    def files(self) -> dict[str, bytes]:
        """The model's files as bytes (for ``ModelRegistry.save`` or a shipped directory)."""
        import numpy as np
        from safetensors.numpy import save

        terms = list(self.weights)
        coef = np.asarray([self.weights[t] for t in terms], dtype=np.float32)
        config = {
            "format": 1,
            "pipeline": self.pipeline.options(),
            "intercept": self.intercept,
            "lexicon_coef": self.lexicon_coef,
            "meta": self.meta,
        }
        tensors = {"coef": coef}
        out = {
            "config.json": json.dumps(config, indent=1).encode(),
            "terms.json": json.dumps(terms, ensure_ascii=False).encode(),
        }
        if self.glove:
            glove_words = list(self.glove)
            tensors["glove"] = np.asarray([self.glove[w] for w in glove_words], np.float32)
            out["glove_words.json"] = json.dumps(glove_words, ensure_ascii=False).encode()
        out["weights.safetensors"] = save(tensors)
        if self.lexicon:
            out["lexicon.json"] = json.dumps(self.lexicon, ensure_ascii=False).encode()
        if self.calibration is not None:
            from dataclasses import asdict

            from textseq_plugins.sentiment.calibration import FILE

            out[FILE] = json.dumps(asdict(self.calibration), indent=1).encode()
        return out

    @classmethod
    def load(cls, model_dir: Path, name: str = "", version: str = "") -> SentimentModel:
        """Read a model directory written by :meth:`files` (no pickle anywhere)."""
        from safetensors.numpy import load_file

        from textseq_tui.plugin import ModelError

        model_dir = Path(model_dir)
        try:
            config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
            terms = json.loads((model_dir / "terms.json").read_text(encoding="utf-8"))
            tensors = load_file(str(model_dir / "weights.safetensors"))
            coef = tensors["coef"]
            glove = None
            if (model_dir / "glove_words.json").exists():
                glove_words = json.loads((model_dir / "glove_words.json").read_text("utf-8"))
                glove = dict(zip(glove_words, tensors["glove"].astype(float).tolist(),
                                 strict=True))
            lex_path = model_dir / "lexicon.json"
            lexicon = json.loads(lex_path.read_text(encoding="utf-8")) if lex_path.exists() \
                else None
            from textseq_plugins.sentiment.calibration import Calibration

            calibration = Calibration.read(model_dir)
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise ModelError(f"{model_dir}: not a readable sentiment model ({err})") from None
        if len(terms) != len(coef):
            raise ModelError(f"{model_dir}: {len(terms)} terms but {len(coef)} weights")
        weights = dict(zip(terms, coef.astype(float).tolist(), strict=False))
        pipeline = TextPipeline(**config.get("pipeline", {}))
        return cls(weights, config["intercept"], pipeline, lexicon,
                   config.get("lexicon_coef", 0.0), name=name or model_dir.name,
                   version=version, meta=config.get("meta", {}), glove=glove,
                   calibration=calibration)


def load_model(model_dir: Path, device: str = "cpu") -> SentimentModel:
    """The registry loader (``ModelSpec.loader``); the device is unused (CPU dicts)."""
    from textseq_tui.plugin import read_card

    card = read_card(Path(model_dir))
    return SentimentModel.load(Path(model_dir), name=card.name, version=card.version)
