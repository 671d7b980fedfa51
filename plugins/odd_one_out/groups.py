"""Groups mode: sixteen words, four groups of four named categories; find the groups.

Rules: pick four words and submit them. Right: the group and its category are revealed.
Three of the four in one group: "one away" (a mistake). Anything else: a mistake. Four
mistakes end the game. A repeated guess costs nothing. The daily puzzle is the same for
everyone on a date: its seed is the date (``YYYYMMDD``).

Puzzles come from the same WordNet categories as the odd-one-out puzzles, and are sound by
construction: no word belongs, in any WordNet noun sense, to another group's category.
Difficulty: *easy* = four mutually distant categories; *medium* = any four unrelated by
nesting; *hard* = at least two sibling categories (strings and wind instruments).

The AI solves a puzzle as a player would: the best partition of the words still on the board
into groups of four (maximum total within-group similarity of the AI's word vectors; an exact
search over all partitions), then it submits the most coherent group of that partition, learns
from the answer (a wrong guess rules out every group sharing three of its words; a one-away
guess rules out that exact group and asks for a group holding exactly three of its words) and
searches again.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from textseq_plugins.odd_one_out.puzzles import (
    _stem,
    check_difficulty,
    check_seed,
)

from textseq_tui.plugin import BadInput

GROUP_SIZE = 4
N_GROUPS = 4
MAX_MISTAKES = 4
MODE = "groups"


def daily_seed(day: _dt.date | None = None) -> int:
    """The seed of the daily puzzle for ``day`` (today, UTC, by default): YYYYMMDD."""
    day = day or _dt.datetime.now(_dt.timezone.utc).date()
    return day.year * 10000 + day.month * 100 + day.day


def parse_date(text: str) -> _dt.date:
    """An ISO date (``2026-11-30``); a one-line BadInput otherwise."""
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{text!r} is not a date: use YYYY-MM-DD") from None


@dataclass(frozen=True)
class GroupsPuzzle:
    """Four groups: ``groups`` holds (category name, its four words); ``words`` is the
    board (all sixteen, shuffled)."""

    groups: tuple[tuple[str, tuple[str, ...]], ...]
    words: tuple[str, ...]
    seed: int
    difficulty: str
    #: per group: its tier (yellow .. purple) and pool category id (tiered boards only)
    tiers: tuple[str, ...] = ()
    category_ids: tuple[str, ...] = ()

    def group_of(self, word: str) -> int:
        """Index of the group holding ``word``."""
        for k, (_, words) in enumerate(self.groups):
            if word in words:
                return k
        raise BadInput(f"{word!r} is not on the board")

    def to_json(self) -> dict[str, Any]:
        groups = [{"category": name, "words": list(words)} for name, words in self.groups]
        for g, tier, cid in zip(groups, self.tiers, self.category_ids, strict=False):
            g.update({"tier": tier, "id": cid})
        return {"words": list(self.words), "seed": self.seed, "difficulty": self.difficulty,
                "groups": groups}


def make_groups(categories: Any, seed: int, difficulty: str = "medium",
                avoid: Collection[str] = ()) -> GroupsPuzzle:
    """The groups puzzle of ``seed`` at ``difficulty`` (deterministic). ``categories``: a
    :class:`~connections.pool.CategoryPool` gives a tiered board (yellow .. purple, red
    herrings, one solution: ``connections/tiered.py``); plain :class:`Categories` give four
    WordNet categories. No category in ``avoid`` (pool ids, or names of plain categories) is
    drawn: the daily schedule passes those of recent boards; soundness is still judged
    against every category."""
    from textseq_plugins.odd_one_out.connections.pool import CategoryPool

    if isinstance(categories, CategoryPool):
        from textseq_plugins.odd_one_out.connections.tiered import make_board

        return make_board(categories, seed, difficulty, avoid=frozenset(avoid))
    check_seed(seed)
    check_difficulty(difficulty)
    rng = random.Random(f"groups:{seed}:{difficulty}")
    cats = categories.categories
    avoid = frozenset(avoid)
    usable = [k for k, c in enumerate(cats) if len(c.words) >= GROUP_SIZE
              and c.name not in avoid]
    if len(usable) < N_GROUPS:
        raise BadInput(f"only {len(usable)} categories are left to draw a groups puzzle from")

    def related(a: int, b: int) -> str | None:
        for d in ("easy", "medium", "hard"):
            if b in cats[a].partners[d]:
                return d
        return None  # nested (or the same)

    for _attempt in range(500):
        chosen = [rng.choice(usable)]
        if difficulty == "hard":
            siblings = [k for k in cats[chosen[0]].partners["hard"] if k in usable]
            if not siblings:
                continue
            chosen.append(rng.choice(siblings))
        while len(chosen) < N_GROUPS:
            options = [k for k in usable if k not in chosen
                       and all(related(k, c) is not None for c in chosen)
                       and (difficulty != "easy" or all(related(k, c) == "easy" for c in chosen))]
            if not options:
                break
            chosen.append(rng.choice(options))
        if len(chosen) < N_GROUPS:
            continue
        groups, stems = [], set()
        for k in chosen:
            pool = [w for w in cats[k].words
                    if not any(categories.belongs(w, j) for j in chosen if j != k)]
            rng.shuffle(pool)
            words = []
            for w in pool:
                if _stem(w) not in stems:
                    words.append(w)
                    stems.add(_stem(w))
                if len(words) == GROUP_SIZE:
                    break
            if len(words) < GROUP_SIZE:
                break
            groups.append((cats[k].name, tuple(words)))
        if len(groups) < N_GROUPS:
            continue
        board = [w for _, words in groups for w in words]
        rng.shuffle(board)
        return GroupsPuzzle(tuple(groups), tuple(board), seed, difficulty)
    raise BadInput(f"could not build a {difficulty} groups puzzle for seed {seed}; "
                   "try another --seed")


@dataclass
class Guess:
    """The answer to one submitted guess: ``result`` is "correct", "one away", "wrong" or
    "repeat" (already tried; not counted); ``category`` is revealed when correct."""

    words: tuple[str, ...]
    result: str
    category: str | None = None


@dataclass
class GroupsGame:
    """The state of one groups puzzle being played."""

    puzzle: GroupsPuzzle
    found: list[int] = field(default_factory=list)
    mistakes: int = 0
    guesses: list[Guess] = field(default_factory=list)

    @property
    def solved(self) -> bool:
        return len(self.found) == N_GROUPS

    @property
    def over(self) -> bool:
        return self.solved or self.mistakes >= MAX_MISTAKES

    def remaining(self) -> list[str]:
        """Words still on the board, in board order."""
        done = {w for k in self.found for w in self.puzzle.groups[k][1]}
        return [w for w in self.puzzle.words if w not in done]

    def guess(self, words: list[str] | tuple[str, ...]) -> Guess:
        """Submit four words; raises BadInput for anything but four distinct board words."""
        if self.over:
            raise BadInput("this puzzle is over: start a new one")
        chosen = tuple(dict.fromkeys(w.strip().lower() for w in words))
        left = self.remaining()
        if len(chosen) != GROUP_SIZE or len(words) != GROUP_SIZE:
            raise BadInput(f"choose exactly {GROUP_SIZE} different words")
        missing = [w for w in chosen if w not in left]
        if missing:
            raise BadInput(f"{missing[0]!r} is not on the board")
        key = frozenset(chosen)
        if any(frozenset(g.words) == key for g in self.guesses):
            result = Guess(chosen, "repeat")
            return result
        counts: dict[int, int] = {}
        for w in chosen:
            k = self.puzzle.group_of(w)
            counts[k] = counts.get(k, 0) + 1
        best_group, best = max(counts.items(), key=lambda kv: kv[1])
        if best == GROUP_SIZE:
            self.found.append(best_group)
            result = Guess(chosen, "correct", self.puzzle.groups[best_group][0])
        else:
            self.mistakes += 1
            result = Guess(chosen, "one away" if best == GROUP_SIZE - 1 else "wrong")
        self.guesses.append(result)
        return result

    def points(self) -> int:
        """10 per group found, plus 5 per mistake left when solved."""
        bonus = 5 * (MAX_MISTAKES - self.mistakes) if self.solved else 0
        return 10 * len(self.found) + bonus


# -- the AI -------------------------------------------------------------------------------


def best_partition(sim: Any, banned: set[frozenset[int]] | None = None,
                   one_away: list[frozenset[int]] | None = None) -> list[tuple[int, ...]]:
    """The partition of ``range(n)`` (n = 4, 8, 12 or 16) into groups of four with the
    largest total within-group similarity, no group in ``banned``, and for every set in
    ``one_away`` a group holding exactly three of its members; an exact search.

    Args:
        sim: (n, n) symmetric similarity matrix.
        banned: groups (sets of indices) that may not appear.
        one_away: four-word guesses answered "one away".
    Returns:
        the groups, each a sorted tuple of indices, most coherent first.
    """
    import numpy as np

    n = sim.shape[0]
    if n % GROUP_SIZE or not GROUP_SIZE <= n <= GROUP_SIZE * N_GROUPS:
        raise BadInput(f"cannot split {n} words into groups of {GROUP_SIZE}")
    banned = banned or set()
    quads = list(combinations(range(n), GROUP_SIZE))
    qmask = np.array([sum(1 << i for i in q) for q in quads], dtype=np.int64)
    qscore = np.array([sum(sim[a, b] for a, b in combinations(q, 2)) for q in quads])
    for k, q in enumerate(quads):
        if frozenset(q) in banned:
            qscore[k] = -np.inf
    score = {int(m): float(s) for m, s in zip(qmask, qscore, strict=True)}
    memo: dict[int, float] = {}
    if n == GROUP_SIZE * N_GROUPS:
        _fill_eights(n, qmask, qscore, memo)

    def options(mask: int) -> list[int]:
        """The quads inside ``mask`` holding its lowest element (each partition once)."""
        bits = [i for i in range(n) if mask >> i & 1]
        low = 1 << bits[0]
        return [low | sum(1 << i for i in rest)
                for rest in combinations(bits[1:], GROUP_SIZE - 1)]

    def value(mask: int) -> float:
        """Best total score of a partition of ``mask`` (-inf when none is allowed)."""
        if mask == 0:
            return 0.0
        if mask not in memo:
            if bin(mask).count("1") == GROUP_SIZE:
                memo[mask] = score[mask]
            else:
                memo[mask] = max(score[q] + value(mask ^ q) for q in options(mask))
        return memo[mask]

    def bits_of(ids: frozenset[int]) -> int:
        return sum(1 << i for i in ids)

    def constrained(mask: int, rules: list[int]) -> tuple[float, list[int]]:
        """Best value of ``mask`` meeting every one-away rule (a bit mask), and the quads
        fixed to meet them (the rest of the partition comes from ``value``)."""
        if not rules:
            return value(mask), []
        rule, best, fixed = rules[0], -np.inf, []
        inside = [i for i in range(n) if mask >> i & 1]
        for three in combinations([i for i in inside if rule >> i & 1], GROUP_SIZE - 1):
            for extra in (i for i in inside if not rule >> i & 1):
                q = bits_of(frozenset((*three, extra)))
                if score[q] == -np.inf:
                    continue
                left = [r for r in rules[1:] if bin(r & q).count("1") != GROUP_SIZE - 1]
                val, more = constrained(mask ^ q, left)
                if score[q] + val > best:
                    best, fixed = score[q] + val, [q, *more]
        return best, fixed

    full = (1 << n) - 1
    total, groups = constrained(full, [bits_of(g) for g in one_away or ()])
    if total == -np.inf:
        raise BadInput("no partition is left that avoids the ruled-out groups")
    mask = full
    for q in groups:
        mask ^= q
    while mask:
        q = max(options(mask), key=lambda q: score[q] + value(mask ^ q)) \
            if bin(mask).count("1") > GROUP_SIZE else mask
        groups.append(q)
        mask ^= q
    out = [tuple(i for i in range(n) if m >> i & 1) for m in groups]
    return sorted(out, key=lambda g: -score[sum(1 << i for i in g)])


def _fill_eights(n: int, qmask: Any, qscore: Any, memo: dict[int, float]) -> None:
    """Best two-quad split value of every 8-element mask, vectorised (for n = 16)."""
    import numpy as np

    a, b = np.triu_indices(len(qmask), k=1)
    disjoint = (qmask[a] & qmask[b]) == 0
    a, b = a[disjoint], b[disjoint]
    masks = qmask[a] | qmask[b]
    best = np.full(1 << n, -np.inf)
    np.maximum.at(best, masks, qscore[a] + qscore[b])
    for m in np.unique(masks).tolist():
        memo[m] = float(best[m])


def word_similarity(ai: Any, words: list[str]) -> Any:
    """(n, n) similarity of ``words`` by the AI's vectors (0 for a word it cannot read)."""
    import numpy as np

    vecs = [ai.item_vectors(w) for w in words]
    ok = [k for k, v in enumerate(vecs) if v is not None]
    sim = np.zeros((len(words), len(words)), dtype=np.float64)
    if len(ok) >= 2:
        sub = ai.similarity_matrix([vecs[k] for k in ok])
        sim[np.ix_(ok, ok)] = sub
    return sim


def ai_next_guess(ai: Any, game: GroupsGame) -> tuple[str, ...]:
    """The AI's next guess on ``game``: the most coherent group of the best partition of the
    words left, given what earlier guesses ruled out."""
    words = game.remaining()
    index = {w: k for k, w in enumerate(words)}
    banned: set[frozenset[int]] = set()
    one_away: list[frozenset[int]] = []
    for g in game.guesses:
        if g.result == "correct" or not all(w in index for w in g.words):
            continue
        ids = frozenset(index[w] for w in g.words)
        banned.add(ids)
        if g.result == "one away":  # some group holds exactly three of its words
            one_away.append(ids)
        if g.result == "wrong":  # no group shares three of its words
            for three in combinations(sorted(ids), GROUP_SIZE - 1):
                others = [k for k in range(len(words)) if k not in three]
                banned.update(frozenset((*three, k)) for k in others)
    sim = word_similarity(ai, words)
    try:
        groups = best_partition(sim, banned, one_away)
    except BadInput:  # the rules contradict each other: fall back to the bans alone
        groups = best_partition(sim, banned)
    return tuple(words[k] for k in groups[0])


def ai_solve(ai: Any, puzzle: GroupsPuzzle) -> GroupsGame:
    """Let the AI play ``puzzle`` to the end; returns the finished game."""
    game = GroupsGame(puzzle)
    while not game.over:
        if len(game.remaining()) == GROUP_SIZE:
            game.guess(tuple(game.remaining()))
            continue
        try:
            guess = ai_next_guess(ai, game)
        except BadInput:
            break  # every partition ruled out: the AI gives up
        game.guess(guess)
    return game
