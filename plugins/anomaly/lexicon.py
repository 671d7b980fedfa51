"""What text mode knows about words without a network: how common each is, and which common
words are one slip away from it.

Two sources of counts, both offline:

- wordfreq's English list (``large``, 321,000 words down to Zipf 1: once per 10^8 words),
  what people write across the web, subtitles, books and chat;
- the counts shipped beside the character model (``words.npz`` in its registry directory: the
  words of the text it was trained on), reached through the registry, never by importing the
  plugin that owns them. Only ``words`` and ``unigrams`` are read: a sorted vocabulary (one
  UTF-8 blob, newline-separated) and its counts, the format autocomplete documents.

Frequencies are on the Zipf scale (log10 of occurrences per 10^9 words): 7.7 for "the", 3 for
once per million words, 0 for a word neither source has seen.
"""

from __future__ import annotations

import math
import string
import threading
from pathlib import Path
from typing import Any

#: The character model's word counts, beside its weights (autocomplete's ``words.npz``).
WORD_STORE = "words.npz"
#: A word the model's training text has only once may be one of its typos: two or more count.
MIN_STORE_COUNT = 2
_LETTERS = string.ascii_lowercase
_lock = threading.Lock()
_wordfreq: dict[str, float] | None = None


def wordfreq_zipf() -> dict[str, float]:
    """wordfreq's English words and their Zipf frequencies (loaded once per process, ~1 s)."""
    global _wordfreq
    with _lock:
        if _wordfreq is None:
            from wordfreq import get_frequency_dict

            _wordfreq = {w: math.log10(f) + 9 for w, f in
                         get_frequency_dict("en", wordlist="large").items()}
        return _wordfreq


def store_zipf(path: Path) -> dict[str, float]:
    """Zipf frequencies of the words a ``words.npz`` counts at least ``MIN_STORE_COUNT``
    times (``{}`` when the file is missing or unreadable: the lexicon then uses wordfreq)."""
    import zipfile

    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as z:
            blob = z["words"].tobytes().decode("utf-8")
            counts = z["unigrams"].astype(np.int64)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return {}
    vocab = blob.split("\n") if blob else []
    if len(vocab) != len(counts) or not len(counts):
        return {}
    total = float(counts.sum())
    return {w: math.log10(int(c) / total) + 9 for w, c in zip(vocab, counts.tolist(), strict=True)
            if c >= MIN_STORE_COUNT}


class Lexicon:
    """Word frequencies (Zipf) from wordfreq and the model's own counts, and the frequent
    words one edit away. Read-only once built: safe to share between threads."""

    def __init__(self, general: dict[str, float], own: dict[str, float] | None = None) -> None:
        self.general = general
        self.own = own or {}

    def zipf(self, word: str) -> float:
        """How common ``word`` (lower case) is: the larger of the two sources' Zipf values;
        a possessive ("kubrick's") counts as its base word; 0.0 when neither knows it."""
        best = max(self.general.get(word, 0.0), self.own.get(word, 0.0))
        if best == 0.0 and word.endswith("'s"):
            return self.zipf(word[:-2])
        return best

    def neighbours(self, word: str, min_zipf: float, limit: int = 8) -> list[tuple[str, float]]:
        """Known words one slip away from ``word`` (a letter dropped, doubled or added, two
        neighbours swapped, one letter replaced) at least ``min_zipf`` common, the most
        common first, at most ``limit``."""
        found = {}
        for cand in edits1(word):
            z = self.zipf(cand)
            if z >= min_zipf:
                found[cand] = z
        return sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def edits1(word: str) -> set[str]:
    """Every string one edit from ``word``: deletion, adjacent transposition, substitution
    or insertion of a lower-case letter (Damerau-Levenshtein distance 1)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1 and b[0] != b[1]}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS if c != b[0]}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | replaces | inserts) - {word, ""}


_lexicons: dict[str, Lexicon] = {}


def lexicon_for(model_dir: Any) -> Lexicon:
    """The lexicon for a character model's registry directory (its ``words.npz``, if any,
    beside wordfreq), built once per directory."""
    key = str(model_dir or "")
    with _lock:
        cached = _lexicons.get(key)
    if cached is not None:
        return cached
    own = store_zipf(Path(key) / WORD_STORE) if key else {}
    lex = Lexicon(wordfreq_zipf(), own)
    with _lock:
        return _lexicons.setdefault(key, lex)
