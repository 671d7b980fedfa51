"""Endless, seeded odd-one-out puzzles from common English words.

The word pool: wordfreq's English list, Zipf frequency >= ``min_zipf`` (3.5 = a few times per
million words), lower-case letters only (no digits), not a stop word, not on the block list
(``blocklist.txt``: profanity, slurs, sexual and hateful terms), known to the vectors.

A puzzle: an anchor word and its nearest neighbours in the pool form the group; the intruder
is drawn by difficulty from a band of cosine similarity to the group's centre:

- ``easy`` (far away): similarity below 0.15;
- ``medium`` (same broad area): 0.30..0.50;
- ``hard`` (near miss): 0.50..0.65, and still below every group member's own similarity.

Stems are kept apart (no "cat" and "cats" in one puzzle), and the intruder is drawn from words
of a similar frequency to the group's when there are any (so frequency alone gives nothing away). ``PuzzleGenerator(pool, seed)``
gives the same sequence of puzzles for the same seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from textseq_tui.plugin import BadInput

DIFFICULTIES = ("easy", "medium", "hard")
BANDS = {"easy": (-1.0, 0.15), "medium": (0.30, 0.50), "hard": (0.50, 0.65)}
_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The stop words shipped in ``stopwords.txt``."""
    return _word_file(_HERE / "stopwords.txt")


@lru_cache(maxsize=1)
def block_list() -> frozenset[str]:
    """The offensive-word block list shipped in ``blocklist.txt``."""
    return _word_file(_HERE / "blocklist.txt")


def _word_file(path: Path) -> frozenset[str]:
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(w.lower() for w in line.split())
    return frozenset(words)


def is_blocked(word: str) -> bool:
    """True for a block-listed word or a simple inflection of one (-s, -es, -ed, -ing, -er)."""
    w = word.lower()
    blocked = block_list()
    if w in blocked:
        return True
    for suffix in ("s", "es", "ed", "ing", "er", "ers", "y"):
        if w.endswith(suffix) and w[: -len(suffix)] in blocked:
            return True
    return False


@lru_cache(maxsize=4)
def common_words(min_zipf: float = 3.5, limit: int = 30000) -> tuple[str, ...]:
    """wordfreq's English words with Zipf >= ``min_zipf``, lower-case letters only, no stop
    words, nothing blocked; most frequent first (computed once per process: about 2 s)."""
    from wordfreq import top_n_list, zipf_frequency

    stops = stop_words()
    out = []
    for w in top_n_list("en", limit):
        if not (w.isascii() and w.isalpha() and w.islower() and len(w) >= 3):
            continue
        if w in stops or is_blocked(w):
            continue
        if zipf_frequency(w, "en") < min_zipf:
            break  # the list is sorted by frequency
        out.append(w)
    return tuple(out)


def cached_common_words(cache_dir: Path | None, min_zipf: float = 3.5,
                        limit: int = 30000) -> tuple[str, ...]:
    """:func:`common_words`, kept as a text file in ``cache_dir`` so later processes skip
    wordfreq (seconds) — keyed by the wordfreq version and the filters."""
    if cache_dir is None:
        return common_words(min_zipf, limit)
    import zlib
    from importlib.metadata import version

    from textseq_tui.plugin import atomic_write_bytes

    blocked = " ".join(sorted(block_list() | stop_words())).encode("utf-8")
    tag = f"{version('wordfreq')}-{min_zipf}-{limit}-{zlib.crc32(blocked):08x}"
    path = Path(cache_dir) / f"puzzle-words-{tag}.txt"
    if path.is_file():
        return tuple(path.read_text(encoding="utf-8").split())
    words = common_words(min_zipf, limit)
    atomic_write_bytes(path, "\n".join(words).encode("utf-8"))
    return words


def puzzle_words(kv: Any, min_zipf: float = 3.5, limit: int = 30000,
                 cache_dir: Path | None = None) -> list[str]:
    """The pool: :func:`common_words` that the vectors know."""
    return [w for w in cached_common_words(cache_dir, min_zipf, limit) if w in kv.key_to_index]


@dataclass(frozen=True)
class Puzzle:
    """One puzzle: ``items`` in display order, the ``intruder`` among them, its difficulty."""

    items: tuple[str, ...]
    intruder: str
    difficulty: str
    seed: int
    index: int

    def to_json(self) -> dict[str, Any]:
        return {"items": list(self.items), "intruder": self.intruder,
                "difficulty": self.difficulty, "seed": self.seed, "index": self.index}


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word.rstrip("s")


class WordPool:
    """The puzzle words and their unit vectors, (words, dim) float32; built once, shared."""

    def __init__(self, kv: Any, words: list[str] | None = None,
                 cache_dir: Path | None = None) -> None:
        import numpy as np

        self.words = words if words is not None else puzzle_words(kv, cache_dir=cache_dir)
        if len(self.words) < 100:
            raise BadInput("too few common words known to these vectors to make puzzles")
        m = np.asarray(kv.vectors[[kv.key_to_index[w] for w in self.words]], dtype=np.float32)
        self.unit = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-8)


class PuzzleGenerator:
    """Seeded puzzles over a :class:`WordPool`.

    Args:
        pool: the words (build it once: about 0.3 s).
        seed: puzzles ``0, 1, 2, ...`` of a seed are always the same.
        size: items per puzzle (3..9; 4 by default: three related words and one intruder).
    """

    def __init__(self, pool: WordPool, seed: int = 0, size: int = 4) -> None:
        if not 3 <= size <= 9:
            raise BadInput(f"a puzzle has 3 to 9 words (got {size})")
        self.words = pool.words
        self.unit = pool.unit
        self.seed = seed
        self.size = size
        self.index = 0

    def next(self, difficulty: str = "medium") -> Puzzle:
        """The next puzzle of this generator's sequence."""
        puzzle = self.make(self.index, difficulty)
        self.index += 1
        return puzzle

    def make(self, index: int, difficulty: str = "medium") -> Puzzle:
        """Puzzle number ``index`` of the seed at ``difficulty`` (deterministic)."""
        import numpy as np

        if difficulty not in BANDS:
            raise BadInput(f"unknown difficulty {difficulty!r}: use {', '.join(DIFFICULTIES)}")
        rng = random.Random(f"{self.seed}:{index}:{difficulty}")
        lo, hi = BANDS[difficulty]
        n_group = self.size - 1
        # anchors come from the most frequent 5,000 words so groups are familiar
        n_anchor = min(5000, len(self.words))
        for _attempt in range(200):
            anchor = rng.randrange(n_anchor)
            sims = self.unit @ self.unit[anchor]
            group = [anchor]
            stems = {_stem(self.words[anchor])}
            for j in np.argsort(-sims)[1:60]:
                if sims[j] < 0.6:
                    break
                stem = _stem(self.words[j])
                if stem in stems or any(self.words[j] in self.words[g] or self.words[g] in
                                        self.words[j] for g in group):
                    continue
                group.append(int(j))
                stems.add(stem)
                if len(group) == n_group:
                    break
            if len(group) < n_group:
                continue
            centre = self.unit[group].mean(axis=0)
            centre /= np.linalg.norm(centre)
            to_centre = self.unit @ centre
            floor = float(to_centre[group].min())
            band = (to_centre > lo) & (to_centre < min(hi, floor - 0.05))
            band[group] = False
            candidates = [int(j) for j in np.flatnonzero(band)
                          if _stem(self.words[j]) not in stems]
            # an intruder much more (or less) common than the group gives itself away by
            # frequency alone ("particular" among "scientists, experts, researchers"); the pool
            # is in frequency order, so a position is a frequency rank
            median = float(np.median(group)) + 1
            similar = [j for j in candidates if 0.25 <= (j + 1) / median <= 4.0]
            candidates = similar or candidates
            if not candidates:
                continue
            intruder = self.words[rng.choice(candidates)]
            items = [self.words[g] for g in group] + [intruder]
            rng.shuffle(items)
            return Puzzle(tuple(items), intruder, difficulty, self.seed, index)
        raise BadInput("could not build a puzzle for this seed; try another --seed")
