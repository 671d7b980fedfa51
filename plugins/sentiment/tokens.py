"""The text pipeline: tokens that keep emoticons, negations, URLs and mentions, then n-grams.

``tokenize(text)`` -> list of ``(token, start, end)``; ``terms(tokens)`` -> unigrams and
bigrams (a bigram is ``"a b"``). Pure Python and ``re``: scoring must not wait for numpy.

Choices (each measured in ``bench/sentiment.py``, see the README):
- "n't" becomes its own token ``not`` so "don't", "do n't" (SST/RT tokenisation) and
  "do not" all give the bigram ``do not``; "cannot" gives ``can not``.
- URLs -> ``<url>``, @mentions -> ``<user>``, ``#tag`` -> ``tag``; emoticons keep their
  case (``:D`` differs from ``:d``); letters repeated 3+ times are cut to two ("soooo" ->
  "soo"); runs of ``!``/``?`` become ``!``, ``!!``, ``?``, ``??`` or ``?!``.
- Stop words are optional and never drop negations or degree words ("not", "no", "too").
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN_RE = re.compile(
    r"""
    (?P<url>(?:https?://|www\.)\S+)
  | (?P<user>@\w+)
  | (?P<tag>\#[^\W_]\w*)
  | (?P<emo>[<>]?[:;=8][\-o\*'^]?[\)\]\(\[dDpP/\\\}\{@\|3$*]+(?![A-Za-z0-9])
        | [\)\(][\-o']?[:;=](?![A-Za-z0-9])
        | </?3+ | \^_*\^ | -_+- | [tT]_[tT] | :'\( )
  | (?P<neg>n['\u2019]t\b)
  | (?P<word>[^\W_]+?(?=n['\u2019]t\b) | [^\W_](?:[\w\-]*[^\W_])?)
  | (?P<mark>[!?]+)
    """,
    re.VERBOSE,
)
_ELONGATED = re.compile(r"(\w)\1{2,}")

#: Common function words; negations and degree words are deliberately absent.
STOP_WORDS = frozenset(
    """a about above after again all am an and any are as at be because been before being
    below between both by could did do does doing down during each for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself
    just me my myself of off on once or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those
    through to under until up was we were what when where which while who whom why will with
    would you your yours yourself yourselves s t d ll m re ve""".split()
)

Token = tuple[str, int, int]


_CHUNK_RE = re.compile(r"\S+")


@lru_cache(maxsize=500_000)
def _chunk_tokens(chunk: str) -> tuple[Token, ...]:
    """Tokens of one whitespace-free chunk with spans relative to it (cached: chunks repeat)."""
    if chunk.isalpha():
        word = chunk.lower()
        if len(word) > 2:
            word = _ELONGATED.sub(r"\1\1", word)
        if word == "cannot":
            return (("can", 0, 3), ("not", 3, len(chunk)))
        return ((word, 0, len(chunk)),)
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(chunk):
        kind = m.lastgroup
        tok = m.group()
        start, end = m.start(), m.end()
        if kind == "word":
            sub = _chunk_tokens(tok) if tok.isalpha() else ((tok.lower(), 0, len(tok)),)
            out.extend((t, start + s, start + e) for t, s, e in sub)
            continue
        if kind == "neg":
            tok = "not"
        elif kind == "url":
            tok = "<url>"
        elif kind == "user":
            tok = "<user>"
        elif kind == "tag":
            tok = _chunk_tokens(tok[1:])[0][0] if tok[1:].isalpha() else tok[1:].lower()
        elif kind == "mark":
            if set(tok) == {"!"}:
                tok = "!" if len(tok) == 1 else "!!"
            elif set(tok) == {"?"}:
                tok = "?" if len(tok) == 1 else "??"
            else:
                tok = "?!"
        out.append((tok, start, end))
    return tuple(out)


@lru_cache(maxsize=500_000)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    return tuple(t for t, _, _ in _chunk_tokens(chunk))


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with their character span ``[start, end)``."""
    out: list[Token] = []
    for m in _CHUNK_RE.finditer(text):
        base = m.start()
        out.extend((t, base + s, base + e) for t, s, e in _chunk_tokens(m.group()))
    return out


def words(text: str) -> list[str]:
    """The tokens of ``text`` without spans: the batch-scoring fast path (same tokens)."""
    out: list[str] = []
    for chunk in text.split():
        out.extend(_chunk_words(chunk))
    return out


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    from nltk.stem.porter import PorterStemmer  # optional: only for models trained stemmed

    return _stemmer(PorterStemmer)(word)


@lru_cache(maxsize=1)
def _stemmer(cls: type) -> object:
    return cls().stem


class TextPipeline:
    """Tokens -> terms, with the options a model was trained with.

    Args:
        stem: Porter-stem words (needs ``nltk``).
        stop_words: drop ``STOP_WORDS`` before forming bigrams.
        ngrams: 1 (unigrams) or 2 (unigrams + bigrams).
    """

    def __init__(self, stem: bool = False, stop_words: bool = False, ngrams: int = 2) -> None:
        self.stem = stem
        self.stop_words = stop_words
        self.ngrams = ngrams
        if stem:
            try:
                import nltk.stem.porter  # noqa: F401
            except ImportError:
                from textseq_tui.plugin import BadInput

                raise BadInput("stemming needs the nltk package: pip install nltk") from None

    def options(self) -> dict[str, object]:
        """The options as a JSON-able dict (stored in the model's config)."""
        return {"stem": self.stem, "stop_words": self.stop_words, "ngrams": self.ngrams}

    def words(self, text: str) -> list[str]:
        """The kept tokens of ``text`` without spans (fast path of :meth:`tokens`)."""
        toks = words(text)
        if self.stop_words:
            toks = [t for t in toks if t not in STOP_WORDS]
        if self.stem:
            toks = [_stem(t) if t.isalpha() else t for t in toks]
        return toks

    def tokens(self, text: str) -> list[Token]:
        """The kept tokens of ``text`` (after stop words and stemming) with spans."""
        toks = tokenize(text)
        if self.stop_words:
            toks = [t for t in toks if t[0] not in STOP_WORDS]
        if self.stem:
            toks = [(_stem(t) if t.isalpha() else t, s, e) for t, s, e in toks]
        return toks

    def terms(self, words: list[str]) -> list[str]:
        """Unigrams then (when ngrams == 2) bigrams of a token list; repeats kept (counts)."""
        if self.ngrams < 2 or len(words) < 2:
            return list(words)
        return words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]

    def analyze(self, text: str) -> list[str]:
        """All terms of a text (the analyzer used to build the training matrix)."""
        return self.terms(self.words(text))

