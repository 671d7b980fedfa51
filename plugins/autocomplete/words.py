"""The word layer: whole-word suggestions from the character model, a word prior and the
user's own words — the one suggestion policy of the chat, ``/type`` and ``eval``.

For the text before the cursor, the current word's typed part is the *prefix* ("" after a
space or punctuation: then the next word is offered). Candidates are whole words:

- the most frequent words with that prefix in wordfreq's English list (``WordPrior``, a
  sorted vocabulary with prefix sums: the prefix's frequency mass in O(log n));
- the words and phrases of the model's training text (``CountStore``: ``words.npz`` beside
  the weights, numpy arrays of words, word pairs and triples);
- the user's own words (``PersonalWords``: personal history from SQLite, plus the words of
  the text being typed, a per-document cache), unigrams and the words that followed the
  previous word (bigrams);
- after a space, words starting with the character model's likeliest first characters.

Each candidate's probability mixes two proper distributions over words:
``p = LAMBDA * P_char(rest of word + word end | text) + (1 - LAMBDA) * P_prior(word |
prefix, previous word)``, where ``P_prior`` interpolates the personal bigram, the personal
unigram and wordfreq (weights grow with the evidence, Witten-Bell style; the text's own words
weigh more, as a cache: ``SESSION_K``). What is shown (``WordCompleter.suggest``):

- the likeliest candidate when ``p >= MIN_PROB`` inside a word, ``p >= MIN_PROB +
  NEXT_WORD_MARGIN`` for a next word after a space (those probabilities are overconfident:
  on the validation text, next words at p 0.3-0.5 were right 22-34 % of the time);
- otherwise, inside a word, the longest beginning (two characters or more) shared by
  candidates whose probabilities add up to ``STEM_PROB`` ("inter" -> "nation" when
  "international", "nationally", "nations" share the mass), without a space;
- never a completion that saves nothing (one character without a space: one key for one).

Both thresholds follow the session's own hit rate (``TARGET_PRECISION``): each ghost text
taken lowers them a little, each one typed past raises them, so about 61 % of the ghost texts
shown are right whatever the text (chat, technical prose, a writer the model knows well),
where one fixed threshold was right 52-65 % of the time depending on the text.

A word suggestion ends with a space when the character model's likeliest character after the
word is a space (Tab takes the word, Shift+Tab the word and the space).
Case follows the typing: a capitalised prefix keeps its capital, an all-capitals prefix
(two letters or more) gets an all-capitals completion, and next-word suggestions take the case
of the character model's first character.

Cost per keystroke: the character state moves one step (``Completer.update``); candidates are
scored by the character model in one batched pass from the state where the word began and
cached for the word, so typing inside a word scores only candidates it had not seen (usually
none). A pass feeds each candidate at most the characters ``SCORE_BUDGET`` allows; a longer
word goes on from its saved state at the next keystroke.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # completer imports torch: the counting half of this module must not
    from textseq_plugins.autocomplete.completer import Suggestion


def is_word_char(char: str) -> bool:
    """Letters, digits, apostrophe and underscore make up words ("o'er", "king's")."""
    return char.isalnum() or char in "'_"

#: The policy shared by chat, /type and eval (tuned on the training corpus's validation
#: split, never on the test corpora; see bench/autocomplete.py).
LAMBDA = 0.4
MIN_PROB = 0.24
NEXT_WORD_MARGIN = 0.14  # a next word (after a space) needs MIN_PROB + this: those are overconfident
#: Inside a word, when no word reaches the threshold: the longest beginning shared by
#: candidates this likely together (> 1: never).
STEM_PROB = 0.40
SESSION_K = 2.0  # the text's own words: weight mass / (mass + SESSION_K) (a cache)
#: The shipped unigrams: this share of Kneser-Ney continuation counts (``CountStore``)
BACKGROUND_CONTINUATION = 1.0
IGNORED_LIMIT = 1  # a suggestion typed past (shown, not taken) is not shown again for the word
MAX_SCORED = 4  # candidates scored by the character model per keystroke, at most
#: Characters of each candidate fed to the character model per keystroke, at most: a longer
#: word is scored on from where it stopped at the next keystroke (so shown one key later),
#: and a keystroke's cost is bounded by this, not by the longest candidate. A step costs
#: about ``1 + SCORE_ROW_COST * (rows - 1)`` steps of one row (the 2 x 384 GRU on one CPU
#: thread: 0.20 ms for 1 row, 0.36 ms for 4), so the budget is ``SCORE_BUDGET`` one-row steps:
#: 20 characters for one candidate, 11 for four. A bound on the worst keystroke (a 20-letter
#: word cost 20 steps), not on the p99 (9 steps): a budget of 12.5 (7 characters for four)
#: cost 0.2-0.3 point of savings and did not move the replay's p99 beyond its noise.
SCORE_BUDGET = 20.0
SCORE_ROW_COST = 0.26
CANDIDATES = 8  # prior candidates scored per keystroke
FIRST_CHARS = 4  # next-word offers: the character model's likeliest first characters ...
PER_FIRST_CHAR = 4  # ... and this many prior words for each
VOCAB_SIZE = 80_000
MAX_WORD = 24
#: Your own words: while the text being typed looks like the personal history (the share of
#: its word pairs that the history holds goes from ``GATE_LOW`` to ``GATE_HIGH``, over at
#: least ``GATE_PAIRS`` pairs), the thresholds drop by up to ``PERSONAL_DROP`` (full from
#: ``PERSONAL_FULL`` words of history): there the shown words are right more often, so the
#: same precision allows more of them. Chosen on an earlier split of G. W. Bush's addresses
#: and on wine reviews (webtext), never on the reported test split: precision stays >= 60 %.
PERSONAL_DROP = 0.04
PERSONAL_FULL = 20_000
#: ... and when the character model is this home's adaptation to that history, it is trusted
#: more there: ``LAMBDA`` rises by up to ``ADAPTED_LAMBDA`` and the thresholds drop by up to
#: ``ADAPTED_DROP`` more (same gate). On the tuning split (learn the first 72 % of Bush's
#: addresses, measure the next 10,000 chars): 42.65 % at 59.6 % precision -> 43.12 % at
#: 60.5 %; wine reviews (webtext, learn 90 %): 36.32 % (58.4 %) -> 37.03 % (58.0 %); lambda
#: +0.1 alone +3 points of precision (the adapted model's words are right more often). Never
#: tuned on the test split.
ADAPTED_LAMBDA = 0.15
ADAPTED_DROP = 0.03
GATE_LOW, GATE_HIGH, GATE_PAIRS = 0.25, 0.40, 20
#: The thresholds follow the session's own hit rate: each shown suggestion that is taken
#: lowers them by ``CALIBRATION_STEP * (1 - TARGET_PRECISION)``, each one typed past raises
#: them by ``CALIBRATION_STEP * TARGET_PRECISION`` (a stochastic approximation: the share of
#: ghost texts taken settles at the target), within ``CALIBRATION_RANGE``. One threshold for
#: every text left precision between 52 % (NPS chat) and 65 % (Switchboard) on the test
#: corpora, and at 56-60 % on technical prose outside ../shared/data. Chosen on the
#: validation text alone (4 x 5,000 chars: every part >= 60 %, then the most savings):
#: target 0.61, step 0.002 -> 31.53 % at 60.0-61.1 % (0.61 / 0.004: 31.42 %; 0.61 / 0.008:
#: 31.25 %; 0.605 / 0.002: a part at 59.7 %; off: 31.43 % at 59.3-63.0 %). None: off.
TARGET_PRECISION: float | None = 0.61
CALIBRATION_STEP = 0.002
CALIBRATION_RANGE = (-0.05, 0.15)

_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*")
_LAST_TWO = re.compile(r"(?:(?<![A-Za-z'])([A-Za-z][A-Za-z']*) +)?([A-Za-z][A-Za-z']*)$")


def policy_settings(settings: Any) -> dict[str, Any]:
    """``WordCompleter``'s ``min_prob`` and ``target`` from the plugin's settings: ``min_prob``
    (a number from 0 to 1; absent: ``MIN_PROB``, the starting point of the calibration) and
    ``target_precision`` (from 0 to 1, or false for fixed thresholds; absent:
    ``TARGET_PRECISION``). ``BadInput`` naming the setting for anything else."""
    from textseq_tui.plugin import BadInput

    def fraction(key: str, default: float | None, off: str = "") -> float | None:
        value = settings.get(key)
        if value is None:
            return default
        if value is False and off:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
            return float(value)
        raise BadInput(f"settings: plugins.autocomplete.{key} must be a number from 0 to "
                       f"1{off}, not {value!r}")

    return {"min_prob": fraction("min_prob", MIN_PROB),
            "target": fraction("target_precision", TARGET_PRECISION,
                               " (or false: fixed thresholds)")}


def looks_binary(data: bytes) -> bool:
    """True when the first 64 KiB hold a NUL byte or over 1 % control bytes: not text."""
    head = data[:65536]
    controls = sum(b < 9 or 13 < b < 32 for b in head)
    return b"\x00" in head or controls > len(head) * 0.01


def words_of(text: str) -> list[str]:
    """The lower-cased words of ``text`` (letters and inner apostrophes)."""
    return [w.strip("'").lower() for w in _TOKEN.findall(text) if len(w) <= MAX_WORD]


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


_PRIOR: SortedVocab | None = None


def wordfreq_prior() -> SortedVocab:
    """wordfreq's English list (top ``VOCAB_SIZE`` words made of letters and apostrophes)."""
    global _PRIOR
    if _PRIOR is None:
        import wordfreq

        freqs = wordfreq.get_frequency_dict("en")
        words = {}
        for w in wordfreq.top_n_list("en", VOCAB_SIZE):
            if _TOKEN.fullmatch(w) and len(w) <= MAX_WORD:
                words[w] = freqs.get(w, 1e-9)
        _PRIOR = SortedVocab(words)
    return _PRIOR


class PersonalWords:
    """Counts of the user's words and word pairs (lower case), in memory.

    Filled from the personal history (``history.load_into``) and from the text being typed.
    """

    def __init__(self) -> None:
        self.unigrams: Counter[str] = Counter()
        self.bigrams: dict[str, Counter[str]] = defaultdict(Counter)
        self._vocab: SortedVocab | None = None
        self._tokens: int | None = None
        self._succ: dict[str, SortedVocab] = {}

    def __len__(self) -> int:
        return len(self.unigrams)

    @property
    def tokens(self) -> int:
        """How many words were counted (running words, not distinct ones; cached)."""
        if self._tokens is None:
            self._tokens = sum(self.unigrams.values())
        return self._tokens

    def add_words(self, words: Iterable[str], prev: str = "") -> str:
        """Count ``words`` (lower case, in order after ``prev``); returns the last two words
        (``"a b"``). Word pairs and triples share ``bigrams``: a triple ``a b c`` is counted
        as ``c`` following the context ``"a b"``."""
        prev2, _, prev = prev.rpartition(" ")
        for w in words:
            self.unigrams[w] += 1
            if prev:
                self.bigrams[prev][w] += 1
                if prev2:
                    self.bigrams[f"{prev2} {prev}"][w] += 1
            prev2, prev = prev, w
        prev = f"{prev2} {prev}".strip()
        self._vocab = None
        self._tokens = None
        self._succ = {}
        return prev

    def add_counts(self, unigrams: dict[str, int], bigrams: Iterable[tuple[str, str, int]]) -> None:
        self.unigrams.update(unigrams)
        for prev, word, n in bigrams:
            self.bigrams[prev][word] += n
        self._vocab = None
        self._tokens = None
        self._succ = {}

    def vocab(self) -> SortedVocab:
        if self._vocab is None:
            self._vocab = SortedVocab({w: float(n) for w, n in self.unigrams.items()})
        return self._vocab

    def follow(self, prev: str) -> SortedVocab | None:
        """The words seen after ``prev``, as a sorted vocabulary (built once per change)."""
        if not prev or prev not in self.bigrams:
            return None
        vocab = self._succ.get(prev)
        if vocab is None:
            vocab = self._succ[prev] = SortedVocab(
                {w: float(n) for w, n in self.bigrams[prev].items()})
        return vocab

    def successors(self, prev: str, prefix: str, k: int) -> list[str]:
        follow = self.follow(prev)
        return follow.top(prefix, k) if follow is not None else []


def _merge(*layers: PersonalWords | None) -> list[PersonalWords]:
    return [p for p in layers if p is not None and len(p)]


WORD_COUNTS = "words.tsv.gz"


def read_word_counts(path: Any) -> PersonalWords:
    """The older shipped counts (``words.tsv.gz``, before ``words.npz``): ``word<TAB>n`` and
    ``prev<TAB>word<TAB>n`` lines, gzipped."""
    import gzip

    uni: dict[str, int] = {}
    pairs = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2:
                uni[parts[0]] = int(parts[1])
            elif len(parts) == 3:
                pairs.append((parts[0], parts[1], int(parts[2])))
    words = PersonalWords()
    words.add_counts(uni, pairs)
    return words


WORD_STORE = "words.npz"
#: The shipped store's n-gram orders (2: word pairs, 3: triples, ...) and the least count
#: kept for each (every word is kept).
STORE_ORDER = 3
STORE_MIN_COUNTS = {2: 1, 3: 1}


def _fold(ids: Iterable[int], base: int) -> int:
    """Word ids of a context folded into one int64 key (base = the vocabulary size), as
    ``CountStore.count`` folds them with numpy."""
    key = 0
    for i in ids:
        key = key * base + i
    return key


class _CountSlice:
    """The words of one context (or the whole vocabulary) with their counts: ``SortedVocab``'s
    queries (``mass``, ``weight``, ``top``) over numpy arrays. ``ids`` are word ids in
    ascending order, which is alphabetical order (None: every word, id = position)."""

    __slots__ = ("store", "ids", "counts", "cum", "_top")

    def __init__(self, store: CountStore, ids: Any, counts: Any) -> None:
        import numpy as np

        self.store, self.ids, self.counts = store, ids, counts
        total = np.int64 if counts.dtype.kind in "iu" else np.float64
        self.cum = np.concatenate(([0], np.cumsum(counts, dtype=total)))
        self._top: dict[tuple[str, int], list[str]] = {}

    def __len__(self) -> int:
        return len(self.counts)

    def span(self, prefix: str) -> tuple[int, int]:
        a, b = self.store.id_span(prefix)
        if self.ids is None:
            return a, b
        if a == b:
            return 0, 0
        lo, hi = self.ids.searchsorted((a, b))
        return int(lo), int(hi)

    def mass(self, prefix: str) -> float:
        lo, hi = self.span(prefix)
        return float(self.cum[hi] - self.cum[lo])

    def weight(self, word: str) -> float:
        i = self.store.index.get(word)
        if i is None:
            return 0.0
        if self.ids is None:
            return float(self.counts[i])
        pos = int(self.ids.searchsorted(i))
        return float(self.counts[pos]) if pos < len(self.ids) and self.ids[pos] == i else 0.0

    def top(self, prefix: str, k: int) -> list[str]:
        """The ``k`` heaviest words starting with ``prefix`` (ties: alphabetical order)."""
        import numpy as np

        lo, hi = self.span(prefix)
        if hi - lo > 2000:  # short prefixes: computed once
            key = (prefix, k)
            found = self._top.get(key)
            if found is None:
                found = self._top[key] = self._top_of(lo, hi, k, np)
            return found
        return self._top_of(lo, hi, k, np)

    def _top_of(self, lo: int, hi: int, k: int, np: Any) -> list[str]:
        if hi <= lo:
            return []
        counts = self.counts[lo:hi]
        if hi - lo > k:  # the k largest, then the ties at the k-th resolved by position
            kth = np.partition(counts, hi - lo - k)[hi - lo - k]
            pos = np.flatnonzero(counts >= kth)
        else:
            pos = np.arange(hi - lo)
        pos = pos[np.argsort(-counts[pos], kind="stable")][:k] + lo
        ids = pos if self.ids is None else self.ids[pos]
        words = self.store.words
        return [words[i] for i in ids.tolist()]


class CountStore:
    """Word counts in numpy arrays: the shipped background prior (``words.npz``).

    The same queries as ``PersonalWords`` (``vocab()``, ``follow(context)``,
    ``successors(context, prefix, k)``; a context is ``"a"`` or ``"a b"``), about 10x less
    memory than dicts and a fraction of a second to load. Words are sorted (id = rank), so
    the words with a prefix are one id range, and the followers of a context, stored by id,
    are one slice of it. Per order n (2 = word pairs, 3 = triples), the contexts (n - 1 word
    ids folded into one int64 key) are sorted and unique, ``ptr`` points into the followers'
    ids and counts. Saved as a compressed ``.npz`` of plain integer arrays, read with
    ``allow_pickle=False``.
    """

    def __init__(self, words: list[str], unigrams: Any,
                 orders: dict[int, tuple[Any, Any, Any, Any]], continuation: float = 0.0) -> None:
        self.words = words
        self.index = {w: i for i, w in enumerate(words)}
        self.orders = orders  # n -> (context keys, ptr, next ids, counts)
        self.counts = unigrams
        self._vocab = _CountSlice(self, None, self._unigram_weights(continuation))
        self._follow: dict[str, _CountSlice | None] = {}

    def _unigram_weights(self, continuation: float) -> Any:
        """The counts, or with ``continuation`` > 0 a blend with Kneser-Ney continuation
        counts (in how many different word pairs a word comes second: "francisco", always
        after "san", weighs less than its count), scaled to the same total."""
        import numpy as np

        if not continuation or 2 not in self.orders or not len(self.words):
            return self.counts
        raw = self.counts.astype(np.float64)
        cont = np.bincount(self.orders[2][2], minlength=len(self.words)).astype(np.float64)
        total = raw.sum()
        return ((1 - continuation) * raw / total
                + continuation * cont / max(cont.sum(), 1.0)) * total

    def __len__(self) -> int:
        return len(self.words)

    @property
    def unigrams(self) -> dict[str, int]:
        return dict(zip(self.words, self.counts.tolist(), strict=True))

    def id_span(self, prefix: str) -> tuple[int, int]:
        lo = bisect.bisect_left(self.words, prefix)
        return lo, bisect.bisect_left(self.words, prefix + "\U0010ffff", lo)

    def vocab(self) -> _CountSlice:
        return self._vocab

    def _key(self, context: str) -> tuple[int, int] | None:
        ids = [self.index.get(w) for w in context.split(" ")]
        if None in ids or len(ids) + 1 not in self.orders:
            return None
        return len(ids) + 1, _fold(ids, len(self.words))

    def follow(self, prev: str) -> _CountSlice | None:
        """The words seen after ``prev`` (one word or two), or None."""
        if not prev:
            return None
        if prev in self._follow:
            return self._follow[prev]
        found = None
        key = self._key(prev)
        if key is not None:
            keys, ptr, nxt, counts = self.orders[key[0]]
            pos = int(keys.searchsorted(key[1]))
            if pos < len(keys) and keys[pos] == key[1]:
                a, b = int(ptr[pos]), int(ptr[pos + 1])
                found = _CountSlice(self, nxt[a:b], counts[a:b])
        if len(self._follow) > 4096:  # a bounded cache of the contexts met while typing
            self._follow.clear()
        self._follow[prev] = found
        return found

    def successors(self, prev: str, prefix: str, k: int) -> list[str]:
        follow = self.follow(prev)
        return follow.top(prefix, k) if follow is not None else []

    # -- building and saving ------------------------------------------------------------------

    @classmethod
    def count(cls, words: Iterable[str], order: int = STORE_ORDER,
              min_counts: dict[int, int] | None = None) -> CountStore:
        """Count the words (lower case, in order) and their n-grams up to ``order``, keeping
        those seen at least ``min_counts[n]`` times (default 1)."""
        import numpy as np

        seq = list(words)
        vocab = sorted(set(seq))
        if len(vocab) ** max(order - 1, 1) >= 2 ** 62:
            raise ValueError(f"too many words ({len(vocab)}) for {order}-grams in int64 keys")
        index = {w: i for i, w in enumerate(vocab)}
        ids = np.fromiter((index[w] for w in seq), dtype=np.int64, count=len(seq))
        v = len(vocab)
        orders = {}
        for n in range(2, order + 1):
            if len(ids) < n:
                break
            ctx = np.zeros(len(ids) - n + 1, dtype=np.int64)
            for j in range(n - 1):
                ctx = ctx * v + ids[j: len(ids) - n + 1 + j]
            nxt = ids[n - 1:]
            sort = np.lexsort((nxt, ctx))
            ctx, nxt = ctx[sort], nxt[sort]
            new = np.concatenate(([True], (ctx[1:] != ctx[:-1]) | (nxt[1:] != nxt[:-1])))
            starts = np.flatnonzero(new)
            counts = np.diff(np.append(starts, len(ctx)))
            ctx, nxt = ctx[starts], nxt[starts]
            keep = counts >= (min_counts or {}).get(n, 1)
            orders[n] = cls._table(ctx[keep], nxt[keep], counts[keep])
        return cls(vocab, np.bincount(ids, minlength=v).astype(np.int64), orders)

    @staticmethod
    def _table(ctx: Any, nxt: Any, counts: Any) -> tuple[Any, Any, Any, Any]:
        import numpy as np

        first = np.concatenate(([True], ctx[1:] != ctx[:-1])) if len(ctx) else np.zeros(0, bool)
        starts = np.flatnonzero(first)
        ptr = np.append(starts, len(ctx)).astype(np.int64)
        return (ctx[starts].astype(np.int64), ptr, nxt.astype(np.int32),
                counts.astype(np.int32))

    @classmethod
    def from_words(cls, words: PersonalWords) -> CountStore:
        """The same counts as a ``PersonalWords`` (its pairs and triples)."""
        import numpy as np

        vocab = sorted(set(words.unigrams) | {w for f in words.bigrams.values() for w in f}
                       | {w for c in words.bigrams for w in c.split(" ")})
        index = {w: i for i, w in enumerate(vocab)}
        v = len(vocab)
        rows: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for context, follow in words.bigrams.items():
            parts = context.split(" ")
            key = _fold((index[w] for w in parts), v)
            for w, n in follow.items():
                if n > 0:
                    rows[len(parts) + 1].append((key, index[w], n))
        orders = {}
        for n, table in sorted(rows.items()):
            table.sort()
            arr = np.array(table, dtype=np.int64).reshape(-1, 3)
            orders[n] = cls._table(arr[:, 0], arr[:, 1], arr[:, 2])
        uni = np.array([words.unigrams.get(w, 0) for w in vocab], dtype=np.int64)
        return cls(vocab, uni, orders)

    def save(self, path: Any) -> None:
        """An ``.npz`` of plain integer arrays (no pickled objects), written atomically."""
        import io

        import numpy as np

        from textseq_tui.plugin import atomic_write_bytes

        arrays = {"version": np.array([1], dtype=np.int32),
                  "words": np.frombuffer("\n".join(self.words).encode("utf-8"), dtype=np.uint8),
                  "unigrams": np.asarray(self.counts, dtype=np.int32)}
        for n, (keys, ptr, nxt, counts) in self.orders.items():
            # keys and ptr as deltas: small numbers that compress well
            arrays[f"keys{n}"] = np.diff(keys, prepend=0)
            arrays[f"len{n}"] = np.diff(ptr).astype(np.int32)
            arrays[f"next{n}"] = nxt
            arrays[f"count{n}"] = counts
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        atomic_write_bytes(path, buf.getvalue())

    @classmethod
    def load(cls, path: Any, continuation: float = 0.0) -> CountStore:
        import numpy as np

        with np.load(path, allow_pickle=False) as z:
            if int(z["version"][0]) != 1:
                raise ValueError(f"{path}: unknown word-store version {int(z['version'][0])}")
            blob = z["words"].tobytes().decode("utf-8")
            words = blob.split("\n") if blob else []
            orders = {}
            for name in z.files:
                if name.startswith("keys"):
                    n = int(name[4:])
                    ptr = np.concatenate(([0], np.cumsum(z[f"len{n}"], dtype=np.int64)))
                    orders[n] = (np.cumsum(z[name]), ptr, z[f"next{n}"], z[f"count{n}"])
            return cls(words, z["unigrams"].astype(np.int64), orders, continuation)


def background_words(model: Any) -> CountStore | PersonalWords | None:
    """The word counts shipped beside a character model (``words.npz`` in its directory, a
    ``CountStore``: the words, word pairs and triples of its training text; an older model's
    ``words.tsv.gz`` is read too), read once per loaded model."""
    from pathlib import Path

    cached = getattr(model, "_word_counts", False)
    if cached is not False:
        return cached
    where = str(getattr(model, "info", {}).get("path", "") or "")
    base = Path(where)
    words: CountStore | PersonalWords | None = None
    if where:
        import zipfile

        try:  # damaged counts never break typing: the word layer goes on without them
            if (base / WORD_STORE).is_file():
                words = CountStore.load(base / WORD_STORE, BACKGROUND_CONTINUATION)
            elif (base / WORD_COUNTS).is_file():
                words = read_word_counts(base / WORD_COUNTS)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            words = None
    try:
        model._word_counts = words
    except AttributeError:
        pass
    return words


@dataclass
class _Entry:
    """A candidate scored by the character model from the state after ``base`` chars of the
    word: cumulative log-probs of its characters, of a word end after it, and whether a space
    is the likeliest character after it."""

    base: int
    cum: list[float]
    end: float
    space: bool
    #: Scoring not finished (a long word: ``SCORE_BUDGET`` bounds the characters a keystroke):
    #: the network's state after ``fed`` characters of the word's rest, to go on from. ``cum``
    #: then covers the first ``fed + 1`` characters, and ``end`` is not known yet.
    state: Any = None
    fed: int = 0


class WordCompleter:
    """The suggestion policy over one text buffer (not thread-safe; one per input).

    ``personal`` is the user's stored history (None: none); ``session`` (default on) also
    counts the words of the text being typed. Has the ``update``/``suggest`` interface of
    ``Completer`` so ``keystroke_savings`` replays it exactly as the app shows it.
    """

    #: Skip candidates that cannot win (False: score all of them, for experiments).
    prune = True

    def __init__(self, model: Any, personal: PersonalWords | None = None, *,
                 session: bool = True, lam: float = LAMBDA, min_prob: float = MIN_PROB,
                 prior: SortedVocab | None = None, target: Any = ...) -> None:
        from textseq_plugins.autocomplete.completer import Completer

        self.chars = Completer(model)
        self.model = model
        self.prior = prior if prior is not None else wordfreq_prior()
        self.personal = personal
        self.background = background_words(model)
        self.session = PersonalWords() if session else None
        self.lam = lam
        self.min_prob = min_prob
        self._pairs = [0, 0]  # the typed text's word pairs: seen, also in the history
        vocab = model.vocab.chars
        self._word_ids = [i for i, c in enumerate(vocab) if i and is_word_char(c)]
        self._nonword = [i for i, c in enumerate(vocab) if not is_word_char(c) and c != "\n"
                         and i]
        import torch

        self._word_ids_t = torch.tensor(self._word_ids, dtype=torch.long)
        self._nonword_t = torch.tensor(self._nonword, dtype=torch.long)
        self._space = model.vocab.id(" ")
        self._shown: tuple[Any, str, int] = (None, "", 0)  # (word key, word, prefix length)
        self._offered: tuple[str, str] | None = None  # (text, completion) shown last
        #: the share of shown suggestions to be taken (``...``: ``TARGET_PRECISION``; None:
        #: fixed thresholds) and what the session's hit rate adds to the thresholds
        self.target = TARGET_PRECISION if target is ... else target
        self.calibration = 0.0
        self._ignored: Counter[str] = Counter()  # times typed past, in the current word
        self._counted = ""  # the text whose complete words ``session`` holds
        self._last = ""
        self._word_key: tuple[int, str] | None = None
        self._cache: dict[str, _Entry] = {}

    # -- the Completer interface ---------------------------------------------------------

    def update(self, text: str, should_stop: Any = None) -> bool:
        return self.chars.update(text, should_stop)

    def suggest(self, text: str, *, n: int = 1, words: int = 1, min_prob: float | None = None,
                space: bool = True, **_: Any) -> list[Suggestion]:
        """The suggestion shown after ``text`` (a list of at most one ``Suggestion``)."""
        if not text:
            self.chars.update(text)
            return []
        self._calibrate(text)
        floor = self.min_prob if min_prob is None else min_prob
        if not text[-1:] or not is_word_char(text[-1]):
            floor += NEXT_WORD_MARGIN  # a whole next word must be likelier than a word's end
        floor += self.calibration - self.personal_drop()
        ranked = self.ranked(text, floor)
        key = self._word_key
        plen = len(text) - key[0] if key is not None else 0
        # A word typed past (shown, the next key typed still matching it, not taken) is not
        # offered again for this word: the ghost text gets out of the way (once, not twice: on
        # the validation text +1.4 points of savings at the same precision). Only one key
        # past: when the app skipped the suggestions of a fast burst of keys, the user never
        # saw them.
        shown_key, shown_word, shown_len = self._shown
        if key != shown_key:
            self._ignored = Counter()
        elif plen == shown_len + 1 and \
                shown_word.lower().startswith(text[len(text) - plen:].lower()):
            self._ignored[shown_word.lower()] += 1
        prefix = text[len(text) - plen:]
        # never a completion that saves nothing (one character, no space: one key for one)
        ranked = [r for r in ranked
                  if self._ignored[(prefix + r[0]).lower()] < IGNORED_LIMIT
                  and len(r[0]) + (1 if space and r[2] else 0) >= 2]
        if ranked and ranked[0][1] >= floor:
            completion, prob, spaced = ranked[0]
        else:
            stem = self._stem(ranked) if plen else None
            if stem is None:
                self._shown = (key, "", plen)
                return []
            (completion, prob), spaced = stem, False
        self._shown = (key, prefix + completion, plen)
        from textseq_plugins.autocomplete.completer import Suggestion

        shown = completion + (" " if space and spaced else "")
        self._offered = (text, shown)
        return [Suggestion(shown, prob)]

    def _calibrate(self, text: str) -> None:
        """Score the suggestion shown last against what came next: taken (the text grew by
        it, with or without its space) or typed past (one other key); anything else (an
        edit, a burst of keys) says nothing."""
        offered, self._offered = self._offered, None
        if offered is None or self.target is None:
            return
        before, shown = offered
        if not text.startswith(before):
            return
        added = text[len(before):]
        if added in (shown, shown.rstrip(" ")):
            hit = 1.0
        elif len(added) == 1:
            hit = 0.0
        else:
            return
        low, high = CALIBRATION_RANGE
        self.calibration = min(high, max(low, self.calibration
                                         + CALIBRATION_STEP * (self.target - hit)))

    def personal_drop(self) -> float:
        """How much lower the thresholds are now: ``PERSONAL_DROP`` (+ ``ADAPTED_DROP`` with a
        model adapted to the history) times ``personal_share()``."""
        share = self.personal_share()
        return share * (PERSONAL_DROP + (ADAPTED_DROP if self._adapted() else 0.0))

    def personal_share(self) -> float:
        """0-1: how far the text typed so far looks like the history (the share of its word
        pairs the history holds, between ``GATE_LOW`` and ``GATE_HIGH``), scaled by the
        history's size."""
        seen, hit = self._pairs
        most = self._history_weight()
        if not most or seen < GATE_PAIRS:
            return 0.0
        return most * min(1.0, max(0.0, (hit / seen - GATE_LOW) / (GATE_HIGH - GATE_LOW)))

    def _history_weight(self) -> float:
        """The history's size, 0-1 (full from ``PERSONAL_FULL`` words; 0: no history, nothing
        changes; the app sets ``personal`` before each keystroke)."""
        mine = self.personal
        if mine is None or not len(mine):
            return 0.0
        return min(1.0, mine.tokens / PERSONAL_FULL)

    def _adapted(self) -> bool:
        """Is the character model this home's adaptation (``adapt.load_adapted``)?"""
        return bool(getattr(self.model, "info", {}).get("adapted"))

    @staticmethod
    def _stem(ranked: list[tuple[str, float, bool]]) -> tuple[str, float] | None:
        """When no word is likely enough: the longest common beginning (two characters or
        more, short of a whole candidate) of candidates whose probabilities add up to
        ``STEM_PROB`` ("inter|nation|al", "inter|nation|s" -> "nation")."""
        best: tuple[str, float] | None = None
        for c, _, _ in ranked:
            for n in range(len(c) - 1, max(1, len(best[0]) if best else 1), -1):
                mass = sum(p for d, p, _ in ranked if d.startswith(c[:n]))
                if mass >= STEM_PROB:
                    best = (c[:n], mass)
                    break
        return best

    def complete(self, text: str, *, n: int = 3, words: int = 1) -> dict[str, Any]:
        ranked = self.ranked(text)[:n]  # floor 0: every candidate scored
        return {"text": text, "suggestions": [
            {"completion": c, "prob": round(p, 4), "space_after": s} for c, p, s in ranked]}

    # -- the policy ------------------------------------------------------------------------

    def best(self, text: str, floor: float | None = None) -> tuple[str, float, bool] | None:
        ranked = self.ranked(text, self.min_prob if floor is None else floor)
        return ranked[0] if ranked else None

    def ranked(self, text: str, floor: float = 0.0) -> list[tuple[str, float, bool]]:
        """Candidates ``(completion, probability, space after)``, best first. Candidates that
        cannot reach ``floor`` nor beat the best one are not scored by the character model
        (``P_char`` of a word is at most that of its first character, known for free)."""
        if not text:
            self.chars.update(text)
            return []
        start = len(text)
        while start > 0 and is_word_char(text[start - 1]):
            start -= 1
        prefix = text[start:]
        if len(prefix) > MAX_WORD or (prefix and not prefix[0].isalpha()):
            self.chars.update(text)
            self._word_key = None
            return []
        self._count_session(text, start)
        before = text[:start]
        key = (start, before[-64:])
        if key != self._word_key:
            self._word_key, self._cache = key, {}
        self.chars.update(text)
        low = prefix.lower()
        personal = _merge(self.background, self.personal, self.session)
        tail = before.rstrip(" ")
        found = _LAST_TWO.search(tail[-80:]) if tail != before else None
        # the previous word, or the previous two ("a b") when only spaces separate them
        prev = ""
        if found:
            prev = found.group(2).lower()
            if found.group(1):
                prev = f"{found.group(1).lower()} {prev}"
        cands = self._candidates(prefix, low, prev, personal)
        plen = len(prefix)
        if not cands:
            return []
        prefix_mass = self.prior.mass(low)
        priors = self._priors(cands, low, prev, personal, prefix_mass)
        lam = self.lam
        if self._adapted():  # the model adapted to the history knows text like it best
            lam += ADAPTED_LAMBDA * self.personal_share()
        exact: dict[str, float] = {}
        bounds: dict[str, float] = {}
        for c in cands:
            e = self._cache.get(c)
            if e is None or e.base > plen:
                continue
            if e.state is None:
                exact[c] = lam * self._p_char(e, plen) + (1 - lam) * priors[c]
            elif plen - e.base < len(e.cum):  # part scored: a bound from that part
                bounds[c] = lam * self._p_char(e, plen) + (1 - lam) * priors[c]
        # (stems use the candidates scored here: scoring the unlikely ones too cost 1-6 ms a
        # keystroke and gave no more savings on the validation text)
        bar = max(floor, max(exact.values(), default=0.0))
        logp0 = self.chars.logp[0]
        vocab = self.model.vocab
        for c in cands:
            if c not in exact:
                ub = lam * math.exp(float(logp0[vocab.id(c[plen])])) + (1 - lam) * priors[c]
                bounds[c] = min(ub, bounds.get(c, ub))
        if self.prune:
            bounds = {c: ub for c, ub in bounds.items() if ub >= bar}
        # the most promising few only: a keystroke's cost stays bounded
        todo = sorted(bounds, key=lambda c: -bounds[c])[:MAX_SCORED if self.prune else None]
        self._score(prefix, todo)
        out = []
        for c in cands:
            if c in exact:
                p = exact[c]
            elif c in todo and self._cache[c].state is None:
                p = lam * self._p_char(self._cache[c], plen) + (1 - lam) * priors[c]
            else:  # not scored (yet)
                continue
            e = self._cache[c]
            out.append((c[plen:], p, e.space))
        out.sort(key=lambda t: -t[1])
        return out

    @staticmethod
    def _p_char(e: _Entry, plen: int) -> float:
        """``P_char`` of the candidate's characters after the typed ``plen`` and of a word end
        (an upper bound when its scoring is not finished: its characters scored so far)."""
        rest_lp = e.cum[-1] + e.end - (e.cum[plen - e.base - 1] if plen > e.base else 0.0)
        return math.exp(min(0.0, rest_lp))

    def _priors(self, words: Iterable[str], low: str, prev: str,
                personal: list[PersonalWords], prefix_mass: float) -> dict[str, float]:
        """``P_prior`` of each of ``words`` (as typed; looked up in lower case). Each layer's
        mass of the prefix is the same for every word: found once per keystroke."""
        layers = []  # (vocabulary, its mass of the prefix, weight): in the order they mix
        known = prefix_mass > 0
        for pw in personal:  # the personal unigram, then the personal bigram, on top
            vocab = pw.vocab()
            mass = vocab.mass(low)
            if mass > 0:
                k = SESSION_K if pw is self.session else 20.0
                w = mass / (mass + k) if known else 1.0  # no English word has this prefix
                layers.append((vocab, mass, w))
                known = True
        for context, k in ((prev.rpartition(" ")[2], 3.0), (prev if " " in prev else "", 2.0)):
            for pw in personal:  # the word pairs, then the triples (the phrase cache)
                follow = pw.follow(context)
                if follow is not None:
                    n = follow.mass(low)
                    if n:
                        layers.append((follow, n, n / (n + k)))
        out = {}
        for c in words:
            word = c.lower()
            p = self.prior.weight(word) / prefix_mass if prefix_mass > 0 else 0.0
            for vocab, mass, w in layers:
                p = (1 - w) * p + w * vocab.weight(word) / mass
            out[c] = p
        return out

    def _candidates(self, prefix: str, low: str, prev: str,
                    personal: list[PersonalWords]) -> list[str]:
        found: dict[str, None] = {}
        if prefix:
            for w in self.prior.top(low, CANDIDATES):
                found[adapt_case(prefix, w)] = None
            last = prev.rpartition(" ")[2]
            for pw in personal:
                for w in (pw.successors(prev, low, 3) + pw.successors(last, low, 4)
                          + pw.vocab().top(low, 4)):
                    found[adapt_case(prefix, w)] = None
            return [c for c in found if len(c) > len(prefix)]
        logp = self.chars.next_char_logprobs()
        top = logp[self._word_ids_t].topk(min(FIRST_CHARS, len(self._word_ids)))
        ids = self._word_ids_t[top.indices].tolist()
        chars = self.model.vocab.chars
        for i in ids:
            first = chars[i]
            if not first.isalpha():
                continue
            pool = self.prior.top(first.lower(), PER_FIRST_CHAR)
            for pw in personal:
                pool += (pw.successors(prev, first.lower(), 2)
                         + pw.successors(prev.rpartition(" ")[2], first.lower(), 3)
                         + pw.vocab().top(first.lower(), 2))
            for w in pool:
                found[first + w[1:]] = None
        # the phrases' own next words, whatever the character model's first guesses
        upper = bool(ids) and chars[ids[0]].isupper()
        for pw in personal:
            for w in pw.successors(prev, "", 2):
                found[w[:1].upper() + w[1:] if upper else w] = None
        return list(found)

    def _score(self, prefix: str, cands: list[str]) -> None:
        """Score ``cands`` (each starting with ``prefix``) in one batched pass of the network
        and cache them for this word: from the current state, or, for a word whose scoring
        stopped at an earlier keystroke, from where it stopped. Each feeds at most the
        characters ``SCORE_BUDGET`` allows for this many candidates; a longer one is cached
        unfinished (``_Entry.state``)."""
        if not cands:
            return
        import torch
        from textseq_plugins.autocomplete.completer import _select

        model, plen, vocab = self.model, len(prefix), self.model.vocab
        rows = []  # (candidate, base, its rest, characters of it fed already, earlier cum)
        states = []
        for c in cands:
            e = self._cache.get(c)
            if e is not None and e.state is not None and e.base <= plen:
                rows.append((c, e.base, c[e.base:], e.fed, e.cum))
                states.append(e.state)
            else:
                rows.append((c, plen, c[plen:], 0, None))
                states.append(self.chars.h)
        most = max(1, int(SCORE_BUDGET / (1 + SCORE_ROW_COST * (len(rows) - 1))))
        width = max(min(len(rest) - fed, most) for _, _, rest, fed, _ in rows)
        feed = torch.zeros(len(rows), width, dtype=torch.long)
        target = torch.zeros(len(rows), width, dtype=torch.long)  # what each step predicts
        for row, (_, _, rest, fed, _) in enumerate(rows):
            part = rest[fed : fed + width]
            feed[row, : len(part)] = vocab.encode(part)
            after = rest[fed + 1 : fed + width + 1]
            target[row, : len(after)] = vocab.encode(after)
        h = (tuple(torch.cat([s[k] for s in states], 1) for k in range(len(states[0])))
             if isinstance(states[0], tuple) else torch.cat(states, 1))
        # One call of the network over all the candidates' characters: 15-50 % cheaper than
        # feeding them one time step at a time through the per-layer cells (2-24 chars, 4
        # candidates, 1 thread), and the p99 of a keystroke is this scoring at word starts.
        with model.lock, torch.no_grad():
            logits, h_out = model.fast(feed.to(model.device), h)
        logp = torch.log_softmax(logits.float(), dim=-1).cpu()  # (candidates, width, vocab)
        got = logp.gather(2, target[:, :, None])[:, :, 0].tolist()
        lens = [min(len(rest) - fed, width) for _, _, rest, fed, _ in rows]
        last = logp[torch.arange(len(rows)), torch.tensor(lens) - 1]  # after each fed part
        nonword = last[:, self._nonword_t]
        ends = torch.logsumexp(nonword, 1).tolist()
        spaces = ((last[:, self._space] >= nonword.max(1).values).tolist() if self._space
                  else [False] * len(rows))
        first = self.chars.logp[0, feed[:, 0].to(self.chars.logp.device)].tolist()
        for row, (c, base, rest, fed, cum) in enumerate(rows):
            n = lens[row]
            done = fed + n >= len(rest)
            lps = got[row][: n - 1 if done else n]  # the characters after the first fed
            if cum is None:  # a new candidate: its first character from the current state
                cum = list(accumulate(lps, initial=first[row]))
            else:  # going on: ``cum`` already has the first fed character
                cum = cum + list(accumulate(lps, initial=cum[-1]))[1:]
            state = None
            if not done:
                state = _select(h_out, torch.tensor([row], device=model.device))
            self._cache[c] = _Entry(base=base, cum=cum, end=ends[row] if done else 0.0,
                                    space=bool(spaces[row]) and done, state=state,
                                    fed=fed + n)

    def _count_session(self, text: str, start: int) -> None:
        """Keep ``session`` counting the complete words before the current one."""
        if self.session is None:
            return
        done = text[:start]
        if done.startswith(self._counted):
            new = done[len(self._counted):]
        else:  # an edit before the current word: count the text again (its last 4,000 chars)
            self.session = PersonalWords()
            self._last, new = "", done[-4000:]
            self._pairs = [0, 0]
        if new:
            new_words = words_of(new)
            if self._history_weight():  # how much the typed text looks like the history
                prev = self._last.rpartition(" ")[2]
                for w in new_words:
                    if prev:
                        self._pairs[0] += 1
                        self._pairs[1] += w in self.personal.bigrams.get(prev, ())
                    prev = w
            self._last = self.session.add_words(new_words, self._last)
        self._counted = done
