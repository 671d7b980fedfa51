"""Endless, seeded odd-one-out puzzles from named WordNet categories.

The categories are the shipped ``wordnet-categories`` model (built once from WordNet 3.0 by
``build_categories.py``): each has a name ("musical instruments") and common words whose first
noun sense lies under it. A puzzle: ``size - 1`` words of one category (the group) and one
intruder from another category, chosen by difficulty from the WordNet distance between the
two categories, never by what any AI answers:

- ``easy``: a distant category (another lexicographer file, lowest common hypernym no deeper
  than *whole* / *abstraction*): fruits vs musical instruments;
- ``medium``: related (a shared hypernym such as *food* or *artifact*): fruits vs meats;
- ``hard``: a sibling or cousin category: stringed vs wind instruments, birds vs reptiles.

Unambiguous by construction: the intruder belongs to the group's category in none of its
WordNet noun senses, and no group word belongs to the intruder's category in any sense. Words
within a puzzle have different stems; the intruder is about as common as the group (wordfreq).
``PuzzleGenerator(categories, seed)`` gives the same puzzles for the same seed, and no two
puzzles of one generator share a group.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from textseq_tui.plugin import BadInput

DIFFICULTIES = ("easy", "medium", "hard")
#: no word (by stem) comes back within this many puzzles of one generator (one game)
WORD_MEMORY = 20
#: seeds are 0..MAX_SEED (a daily puzzle's seed is its date, YYYYMMDD)
MAX_SEED = 2**32 - 1
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




def check_difficulty(difficulty: str) -> str:
    """``difficulty`` when it is one of :data:`DIFFICULTIES`, else a one-line BadInput."""
    if difficulty not in DIFFICULTIES:
        raise BadInput(f"unknown difficulty {difficulty!r}: use {', '.join(DIFFICULTIES)}")
    return difficulty


def check_seed(seed: int) -> int:
    """``seed`` when it is in 0..MAX_SEED, else a one-line BadInput."""
    if not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise BadInput(f"seed {seed} is out of range: use 0 to {MAX_SEED}")
    return seed


def fresh_seed(seed: int | None, difficulty: str) -> int:
    """``seed`` checked, or a fresh random one said on stderr (``--seed`` repeats a run)."""
    import sys

    check_difficulty(difficulty)
    if seed is not None:
        return check_seed(seed)
    seed = random.SystemRandom().randrange(MAX_SEED + 1)
    print(f"seed {seed} (--seed {seed} gives these puzzles again)", file=sys.stderr)
    return seed


@dataclass(frozen=True)
class Category:
    """One named category: ``name`` ("musical instruments"), ``singular`` ("a musical
    instrument"), its WordNet synset, its words (most frequent first) and its partner
    categories (indices) by difficulty."""

    name: str
    singular: str
    synset: str
    words: tuple[str, ...]
    partners: dict[str, tuple[int, ...]]


class Categories:
    """The category source: named categories, and for each word every category any of its
    senses falls under (so a puzzle never has a second right answer).

    Args:
        data: the content of a ``categories.json`` (see ``build_categories.py``).
    """

    def __init__(self, data: dict[str, Any]) -> None:
        try:
            self.categories = [
                Category(c["name"], c["singular"], c.get("synset", ""),
                         tuple(c["words"]),
                         {d: tuple(c["partners"].get(d, ())) for d in DIFFICULTIES})
                for c in data["categories"]
            ]
            anywhere = {w: set(v["any"]) for w, v in data["words"].items()}
            self.zipf = {w: float(v.get("zipf", 0.0)) for w, v in data["words"].items()}
        except (KeyError, TypeError, AttributeError) as err:
            raise BadInput(f"not a categories file: missing or malformed {err}") from None
        n = len(self.categories)
        for cat in self.categories:
            bad = [k for ks in cat.partners.values() for k in ks
                   if not isinstance(k, int) or not 0 <= k < n]
            if bad or not all(isinstance(w, str) and w for w in cat.words):
                raise BadInput(f"not a categories file: category {cat.name!r} has a bad word "
                               "or a partner index out of range")
        for k, cat in enumerate(self.categories):
            for w in cat.words:  # a word always belongs to its own category
                anywhere.setdefault(w, set()).add(k)
        self.any = {w: frozenset(v) for w, v in anywhere.items()}

    @classmethod
    def from_dir(cls, model_dir: Path) -> Categories:
        """Read ``categories.json`` from a model directory."""
        import json

        path = Path(model_dir) / "categories.json"
        try:
            return cls(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as err:
            raise BadInput(f"cannot read categories from {path}: {err}") from None

    def belongs(self, word: str, category: int) -> bool:
        """True when some sense of ``word`` falls under category number ``category``."""
        return category in self.any.get(word, ())


@dataclass(frozen=True)
class Puzzle:
    """One puzzle: ``items`` in display order, the ``intruder`` among them, its difficulty,
    the group's ``category`` ("musical instruments") and the intruder's ("a vegetable")."""

    items: tuple[str, ...]
    intruder: str
    difficulty: str
    seed: int
    index: int
    category: str = ""
    intruder_category: str = ""

    def group(self) -> frozenset[str]:
        """The words other than the intruder."""
        return frozenset(w for w in self.items if w != self.intruder)

    def reveal(self) -> str:
        """What the round was about: "The others are all fruits; carrot is a vegetable." """
        if not self.category:
            return f"The intruder was {self.intruder}."
        tail = f"; {self.intruder} is {self.intruder_category}" if self.intruder_category else ""
        return f"The others are all {self.category}{tail}."

    def to_json(self) -> dict[str, Any]:
        return {"items": list(self.items), "intruder": self.intruder,
                "category": self.category, "intruder_category": self.intruder_category,
                "difficulty": self.difficulty, "seed": self.seed, "index": self.index}


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word.rstrip("s")


class PuzzleGenerator:
    """Seeded puzzles over :class:`Categories`.

    Args:
        categories: the category source.
        seed: 0..MAX_SEED; puzzles ``0, 1, 2, ...`` of a seed are always the same.
        size: items per puzzle (3..9; 4 by default: three of a category and one intruder).
    """

    def __init__(self, categories: Categories, seed: int = 0, size: int = 4,
                 second_senses: Any = None) -> None:
        if not 3 <= size <= 9:
            raise BadInput(f"a puzzle has 3 to 9 words (got {size})")
        self.categories = categories
        self.seed = check_seed(seed)
        self.size = size
        self.index = 0
        self.used: set[frozenset[str]] = set()
        self.recent_stems: deque[frozenset[str]] = deque(maxlen=WORD_MEMORY)
        #: a :class:`~traps.SecondSenses` (WordNet): hard intruders sharing a second sense
        self.second_senses = second_senses
        cats = categories.categories
        self.eligible = {d: [k for k, c in enumerate(cats)
                             if len(c.words) >= size - 1 and c.partners[d]]
                         for d in DIFFICULTIES}

    def capacity(self, difficulty: str = "medium") -> int:
        """How many distinct groups the categories allow at ``difficulty`` (an upper bound
        on the distinct puzzles one generator can make)."""
        from math import comb

        check_difficulty(difficulty)
        cats = self.categories.categories
        return sum(comb(len(cats[k].words), self.size - 1) for k in self.eligible[difficulty])

    def next(self, difficulty: str = "medium") -> Puzzle:
        """The next puzzle of this generator's sequence: its group is new to the generator,
        and none of its words (by stem) was in the last :data:`WORD_MEMORY` puzzles, unless
        the categories are too few for that."""
        recent = frozenset().union(*self.recent_stems)
        puzzle = self._new_group(difficulty, recent)
        if puzzle is None and recent:
            puzzle = self._new_group(difficulty, frozenset())
        if puzzle is None:
            raise BadInput(f"the categories ran out of new {difficulty} groups after "
                           f"{len(self.used)} puzzles")
        self.used.add(puzzle.group())
        self.recent_stems.append(frozenset(_stem(w) for w in puzzle.items))
        self.index += 1
        return puzzle

    def _new_group(self, difficulty: str, exclude: frozenset[str]) -> Puzzle | None:
        for salt in range(64):
            try:
                puzzle = self.make(self.index, difficulty, salt, exclude=exclude)
            except BadInput:
                if not exclude:
                    raise
                return None
            if puzzle.group() not in self.used:
                return puzzle
        return None

    def make(self, index: int, difficulty: str = "medium", salt: int = 0,
             exclude: frozenset[str] = frozenset()) -> Puzzle:
        """Puzzle number ``index`` of the seed at ``difficulty`` (deterministic), with no
        word whose stem is in ``exclude``."""
        import statistics

        check_difficulty(difficulty)
        rng = random.Random(f"{self.seed}:{index}:{difficulty}:{salt}")
        cats = self.categories.categories
        eligible = self.eligible[difficulty]
        if not eligible:
            raise BadInput(f"the categories hold no {difficulty} pairs for {self.size}-word puzzles")
        for _attempt in range(200):
            k = rng.choice(eligible)
            pool = [w for w in cats[k].words if _stem(w) not in exclude]
            rng.shuffle(pool)
            group: list[str] = []
            for w in pool:
                if _stem(w) not in {_stem(g) for g in group}:
                    group.append(w)
                if len(group) == self.size - 1:
                    break
            if len(group) < self.size - 1:
                continue
            other = rng.choice(cats[k].partners[difficulty])
            stems = {_stem(g) for g in group} | exclude
            candidates = [w for w in cats[other].words
                          if not self.categories.belongs(w, k) and _stem(w) not in stems
                          and not any(self.categories.belongs(g, other) for g in group)]
            if not candidates:
                continue
            # an intruder much rarer (or commoner) than the group gives itself away by
            # frequency alone: prefer one within one Zipf unit of the group's median
            median = statistics.median(self.categories.zipf.get(g, 0.0) for g in group)
            similar = [w for w in candidates
                       if abs(self.categories.zipf.get(w, 0.0) - median) <= 1.0]
            options = similar or candidates
            if difficulty == "hard":  # the intruders that look most like the group
                scores = [self.trap(w, group, k, other) for w in options]
                options = [w for w, sc in zip(options, scores, strict=True)
                           if sc == max(scores)]
            intruder = rng.choice(options)
            items = [*group, intruder]
            rng.shuffle(items)
            return Puzzle(tuple(items), intruder, difficulty, self.seed, index,
                          cats[k].name, cats[other].singular)
        raise BadInput(f"could not build a {difficulty} puzzle for seed {self.seed}; "
                       "try another --seed")

    def trap(self, word: str, group: list[str], k: int, other: int) -> int:
        """How much ``word`` (of category ``other``) looks like it belongs with ``group``
        (category ``k``): 2 when it shares a second sense with a group word (WordNet, when
        the generator has it: *pea* and *grape* are both vines), plus 1 for each surface
        feature it shares with a group word (the first letter, the last two letters)."""
        score = 2 if self._second_sense(word, group, k, other) else 0
        score += any(g[0] == word[0] for g in group)
        score += any(g[-2:] == word[-2:] for g in group)
        return score

    def _second_sense(self, word: str, group: list[str], k: int, other: int) -> bool:
        cats = self.categories.categories
        anywhere = self.categories.any
        mine = anywhere.get(word, frozenset()) - {other}
        if any(mine & (anywhere.get(g, frozenset()) - {k}) for g in group):
            return True  # a third category of the list holds both
        senses = self.second_senses
        if senses is None:
            return False
        exclude = senses.above(cats[k].synset) | senses.above(cats[other].synset)
        return any(senses.shared(word, g, exclude) for g in group)
