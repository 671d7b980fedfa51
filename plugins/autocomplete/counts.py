"""Word counts: the words, word pairs and word triples of a text, and their queries.

Two stores with the same queries (``vocab()``: every word with its weight; ``follow(context)``:
the words seen after a context of one word ``"a"`` or two ``"a b"``; ``successors(context,
prefix, k)``), each answering with a ``SortedVocab``-like slice (``mass(prefix)``,
``weight(word)``, ``top(prefix, k)``):

- ``PersonalWords``: Python dicts, cheap to grow word by word: the personal history and the
  text being typed.
- ``CountStore``: numpy arrays, about 10x less memory and a fraction of a second to load:
  the counts of a model's training text, saved as ``words.npz`` (the format is described on
  the class). ``CountStore.count`` builds one from a word sequence, ``merged`` adds two.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from textseq_plugins.autocomplete.vocabulary import SortedVocab

WORD_STORE = "words.npz"
#: A store's n-gram orders (2: word pairs, 3: triples) and the least count kept for each
#: (every word is kept).
STORE_ORDER = 3
STORE_MIN_COUNTS = {2: 1, 3: 1}


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

    def merged(self, other: CountStore) -> CountStore:
        """The counts of both stores added up: every word, pair and triple of either (the
        word layer of a model trained further with ``--init``)."""
        import numpy as np

        vocab = sorted(set(self.words) | set(other.words))
        v = len(vocab)
        if v ** max(max(self.orders | other.orders, default=2) - 1, 1) >= 2 ** 62:
            raise ValueError(f"too many words ({v}) for the n-grams in int64 keys")
        index = {w: i for i, w in enumerate(vocab)}
        unigrams = np.zeros(v, dtype=np.int64)
        rows: dict[int, list[tuple[Any, Any, Any]]] = defaultdict(list)
        for store in (self, other):
            remap = np.array([index[w] for w in store.words], dtype=np.int64)
            np.add.at(unigrams, remap, np.asarray(store.counts, dtype=np.int64))
            for n, (keys, ptr, nxt, counts) in store.orders.items():
                ctx = np.repeat(keys, np.diff(ptr))  # each row's context key
                refolded = np.zeros_like(ctx)
                for j in range(n - 2, -1, -1):  # the context's words, first to last
                    word = (ctx // len(store.words) ** j) % len(store.words)
                    refolded = refolded * v + remap[word]
                rows[n].append((refolded, remap[nxt], counts.astype(np.int64)))
        orders = {}
        for n, parts in sorted(rows.items()):
            ctx, nxt, counts = (np.concatenate(column) for column in zip(*parts, strict=True))
            sort = np.lexsort((nxt, ctx))
            ctx, nxt, counts = ctx[sort], nxt[sort], counts[sort]
            new = np.concatenate(([True], (ctx[1:] != ctx[:-1]) | (nxt[1:] != nxt[:-1])))
            starts = np.flatnonzero(new)
            orders[n] = self._table(ctx[starts], nxt[starts], np.add.reduceat(counts, starts)
                                    if len(counts) else counts)
        return CountStore(vocab, unigrams, orders)

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

