"""Words: what a word is, its case, and the English word list the word layer starts from.

- ``is_word_char``, ``words_of``, ``adapt_case``: how text is cut into words (letters, digits,
  apostrophes; counted in lower case) and how a suggested word follows the typed case.
- ``SortedVocab``: words sorted with their weights and prefix sums, so the words with a
  prefix are one slice and its frequency mass is found in O(log n).
- ``english_prior()``: wordfreq's English list (its ``VOCAB_SIZE`` most frequent words),
  read straight from wordfreq's data file (``read_wordfreq_list``), which takes about 0.1 s:
  importing wordfreq itself costs 0.4 s more (it pulls in ftfy, langcodes and regex) and its
  frequency dictionary another 0.4 s, time the first ghost text after launch cannot spare.

Pure Python (and gzip/msgpack for the word list): no numpy, no torch.
"""

from __future__ import annotations

import bisect
import re
import threading
from itertools import accumulate

VOCAB_SIZE = 80_000
MAX_WORD = 24

TOKEN = re.compile(r"[A-Za-z][A-Za-z']*")
_NUMBER = re.compile(r"\d[\d.,]+")  # wordfreq's MULTI_DIGIT_RE


def is_word_char(char: str) -> bool:
    """Letters, digits, apostrophe and underscore make up words ("o'er", "king's")."""
    return char.isalnum() or char in "'_"


def words_of(text: str) -> list[str]:
    """The lower-cased words of ``text`` (letters and inner apostrophes)."""
    return [w.strip("'").lower() for w in TOKEN.findall(text) if len(w) <= MAX_WORD]


def adapt_case(prefix: str, word: str) -> str:
    """``word`` (lower case) spelled to follow the case of the typed ``prefix``."""
    if not prefix:
        return word
    if len(prefix) > 1 and prefix.isupper():
        return word.upper()
    return prefix + word[len(prefix):]


class SortedVocab:
    """Words sorted, with weights and prefix sums: the words with a prefix are one slice."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.words = sorted(weights)
        self.weights = [weights[w] for w in self.words]
        self.cum = [0.0, *accumulate(self.weights)]
        self._top: dict[str, list[int]] = {}

    def span(self, prefix: str) -> tuple[int, int]:
        lo = bisect.bisect_left(self.words, prefix)
        hi = bisect.bisect_left(self.words, prefix + "\U0010ffff", lo)
        return lo, hi

    def mass(self, prefix: str) -> float:
        lo, hi = self.span(prefix)
        return self.cum[hi] - self.cum[lo]

    def weight(self, word: str) -> float:
        i = bisect.bisect_left(self.words, word)
        return self.weights[i] if i < len(self.words) and self.words[i] == word else 0.0

    def top(self, prefix: str, k: int) -> list[str]:
        """The ``k`` heaviest words starting with ``prefix``."""
        lo, hi = self.span(prefix)
        if hi - lo > 256:  # short prefixes: computed once (the vocabulary never changes)
            key = f"{prefix}\x00{k}"
            if key not in self._top:
                order = sorted(range(lo, hi), key=lambda i: -self.weights[i])[:k]
                self._top[key] = order
            return [self.words[i] for i in self._top[key]]
        import heapq

        return [self.words[i] for i in heapq.nlargest(k, range(lo, hi),
                                                      key=self.weights.__getitem__)]


def read_wordfreq_buckets(language: str = "en") -> list[list[str]]:
    """wordfreq's word list for ``language``: bucket ``i`` holds the words of frequency
    ``10 ** (-i / 100)`` (``i`` centibels below 1), most frequent first.

    Reads the package's "cBpack" data file (documented in ``wordfreq.read_cBpack``: a gzipped
    msgpack list, a header then the buckets) without importing wordfreq: the same words and
    frequencies as ``wordfreq.get_frequency_list``. Falls back to that when the file is not
    where or what this expects (another wordfreq version)."""
    import gzip
    from importlib.util import find_spec
    from pathlib import Path

    try:
        import msgpack

        spec = find_spec("wordfreq")
        folder = Path(next(iter(spec.submodule_search_locations)))  # type: ignore[union-attr]
        raw = gzip.decompress((folder / "data" / f"large_{language}.msgpack.gz").read_bytes())
        data = msgpack.unpackb(raw, raw=False)
        if data[0] != {"format": "cB", "version": 1}:
            raise ValueError(f"unknown wordlist header {data[0]!r}")
        return data[1:]
    except Exception:  # noqa: BLE001 — any surprise: ask wordfreq itself (slower to import)
        import wordfreq

        return wordfreq.get_frequency_list(language)


_PRIOR_LOCK = threading.Lock()
_PRIOR: list[SortedVocab] = []  # the loaded English prior (one per process: read-only data)


def english_prior() -> SortedVocab:
    """wordfreq's English list: its top ``VOCAB_SIZE`` words (as ``wordfreq.top_n_list``)
    that are made of letters and apostrophes, at most ``MAX_WORD`` long, weighted by their
    frequency; read once per process."""
    with _PRIOR_LOCK:
        if not _PRIOR:
            _PRIOR.append(SortedVocab(_top_words(read_wordfreq_buckets("en"), VOCAB_SIZE)))
        return _PRIOR[0]


def _top_words(buckets: list[list[str]], n: int) -> dict[str, float]:
    words: dict[str, float] = {}
    listed = 0
    for cb, bucket in enumerate(buckets):
        freq = 10 ** (-cb / 100)  # wordfreq.cB_to_freq(-cb)
        for word in bucket:
            if word[:1].isdigit() and _NUMBER.match(word):
                continue  # as top_n_list: numbers are not in its count
            listed += 1
            if listed > n:
                return words
            # TOKEN.fullmatch(word), in string methods: 5x faster over 80,000 words
            if (len(word) <= MAX_WORD and word.isascii() and word[:1].isalpha()
                    and word.replace("'", "").isalpha()):
                words[word] = freq  # a word listed twice keeps its lower frequency, as
                # wordfreq.get_frequency_dict
    return words
