"""The daily groups board: one board per date, medium, no group twice within 60 days.

Day ``d`` (a local calendar date, from :data:`EPOCH` on) gets the board the generator
(``groups.make_groups``) deals for the date's seed (``YYYYMMDD``) while avoiding every category
on the boards of the :data:`WINDOW` days before it; a board whose four words of some group
were on one of those boards is redealt with the next seed. Each day depends on the days
before it, so the schedule is computed forwards from the epoch, once: boards already
computed are kept in the process and, through ``saved``, in the home (the same on every
machine for the same category pool: the pool's fingerprint is part of the key).

When the pool is too small to keep a whole window clear (the 72 WordNet categories hold
18 days of four groups), each day avoids as many of the latest days as the generator can:
the gap between two boards sharing a group is then as long as the pool allows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from textseq_tui.plugin import BadInput

#: the first daily board
EPOCH = dt.date(2026, 11, 1)
#: no group (same category or same four words) on two daily boards this many days apart
WINDOW = 60
DIFFICULTY = "medium"
#: redeals with another seed when a board repeats the four words of a recent group
MAX_SALTS = 8
#: bump when the way days are chained changes: saved boards of another version are ignored
VERSION = 1
_SALT_STEP = 100_000_000  # YYYYMMDD < 1e8: salted seeds never meet another date's seed


def today() -> dt.date:
    """The machine's local date (the daily board changes at local midnight)."""
    return dt.date.today()


def date_seed(day: dt.date) -> int:
    """``YYYYMMDD`` of ``day``."""
    return day.year * 10000 + day.month * 100 + day.day


def check_daily_date(day: dt.date, now: dt.date | None = None) -> dt.date:
    """``day`` when a daily board exists for it; a one-line BadInput for a date in the future
    or before the first daily board."""
    now = now or today()
    if day > now:
        raise BadInput(f"{day.isoformat()} is in the future: the daily board of a date opens "
                       f"on that date (today is {now.isoformat()})")
    if day < EPOCH:
        raise BadInput(f"there is no daily board before {EPOCH.isoformat()} "
                       f"(asked for {day.isoformat()})")
    return day


def group_keys(puzzle: Any) -> tuple[str, ...]:
    """What identifies each group's category: the pool's category ids when the board has
    them, else the category names."""
    ids = tuple(getattr(puzzle, "category_ids", ()) or ())
    return ids if ids else tuple(name for name, _ in puzzle.groups)


def word_sets(puzzle: Any) -> set[frozenset[str]]:
    """The board's groups as sets of words (lower case)."""
    return {frozenset(w.lower() for w in words) for _, words in puzzle.groups}


def pool_fingerprint(pool: Any) -> str:
    """A short hash of the pool's categories (id or name, and words): saved boards are
    valid for this pool only."""
    digest = hashlib.sha1(f"v{VERSION}".encode())
    for cat in pool.categories:
        key = getattr(cat, "id", None) or cat.name
        digest.update(json.dumps([key, list(cat.words)]).encode())
    return digest.hexdigest()[:16]


def schedule_capacity(pool: Any) -> int:
    """How many days of boards the pool holds before a category must come back: the size
    of the smallest tier when the categories have tiers (a board takes one group of each),
    else a quarter of the categories with four or more words."""
    usable = [c for c in pool.categories if len(c.words) >= 4]
    tiers: dict[str, int] = {}
    for cat in usable:
        tier = getattr(cat, "tier", None)
        if tier is not None:
            tiers[tier] = tiers.get(tier, 0) + 1
    return min(tiers.values()) if tiers else len(usable) // 4


def puzzle_to_json(puzzle: Any) -> dict[str, Any]:
    """Every field of a board (a ``GroupsPuzzle``), JSON-ready."""
    import dataclasses

    return {f.name: _plain(getattr(puzzle, f.name)) for f in dataclasses.fields(puzzle)}


def puzzle_from_json(data: dict[str, Any]) -> Any:
    """The ``GroupsPuzzle`` :func:`puzzle_to_json` wrote; ValueError when it is not one."""
    import dataclasses

    from textseq_plugins.odd_one_out.groups import GroupsPuzzle

    names = {f.name for f in dataclasses.fields(GroupsPuzzle)}
    try:
        fields = {k: v for k, v in data.items() if k in names}
        fields["groups"] = tuple((str(name), tuple(map(str, words)))
                                 for name, words in fields["groups"])
        for key in names - {"groups", "seed", "difficulty"}:
            if key in fields:
                fields[key] = tuple(fields[key])
        puzzle = GroupsPuzzle(**fields)
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"not a saved board: {err}") from None
    if len(puzzle.words) != 16 or len(puzzle.groups) != 4:
        raise ValueError("not a saved board: it needs 16 words in 4 groups")
    return puzzle


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


class DailySchedule:
    """The daily boards of one category pool.

    Args:
        pool: what the generator draws from (``Categories`` or a tiered pool).
        make: the generator, ``make(pool, seed, difficulty, avoid=keys)`` (``make_groups``).
        saved: boards computed before, by ``"YYYY-MM-DD"`` (a :class:`SavedBoards` in the
            home, or a plain dict); new days are written into it.
        window: days within which no group may come back.
    """

    def __init__(self, pool: Any, make: Callable[..., Any] | None = None,
                 saved: MutableMapping[str, Any] | None = None, window: int = WINDOW,
                 epoch: dt.date = EPOCH) -> None:
        if make is None:
            from textseq_plugins.odd_one_out.groups import make_groups as make
        self.pool = pool
        self.make = make
        self.saved = saved if saved is not None else {}
        self.window = window
        self.epoch = epoch
        self.capacity = max(1, schedule_capacity(pool))
        self._boards: dict[dt.date, Any] = {}
        self._spans: dict[dt.date, int] = {}

    def board(self, day: dt.date, progress: Callable[[int, int], None] | None = None
              ) -> Any:
        """The daily board of ``day`` (on or after the epoch; any date, future ones too).

        ``progress(k, n)`` is called before the k-th (from 1) of the n days still to deal:
        a new home deals every day since the epoch once (tens of seconds), and says so."""
        if day < self.epoch:
            raise BadInput(f"there is no daily board before {self.epoch.isoformat()}")
        if day in self._boards:
            return self._boards[day]
        start = max((d for d in self._boards if d < day), default=self.epoch)
        days = [start + dt.timedelta(days=k) for k in range((day - start).days + 1)]
        for d in days:
            if d not in self._boards and (board := self._load(d)) is not None:
                self._boards[d] = board
        to_deal = [d for d in days if d not in self._boards]
        for k, d in enumerate(to_deal, 1):
            if progress is not None:
                progress(k, len(to_deal))
            self._boards[d] = self._deal(d)
        return self._boards[day]

    def boards(self, start: dt.date, days: int) -> list[Any]:
        """The boards of ``days`` consecutive dates from ``start``."""
        return [self.board(start + dt.timedelta(days=k)) for k in range(days)]

    def _load(self, day: dt.date) -> Any:
        data = self.saved.get(day.isoformat())
        if data is None:
            return None
        try:
            puzzle = puzzle_from_json(data["board"])
            self._spans[day] = int(data["span"])
        except (ValueError, KeyError, TypeError):
            return None  # damaged: dealt again
        return puzzle

    def _recent(self, day: dt.date, span: int) -> list[Any]:
        return [self._boards[d] for k in range(1, span + 1)
                if (d := day - dt.timedelta(days=k)) in self._boards]

    def _deal(self, day: dt.date) -> Any:
        """Deal ``day``'s board: the longest span of recent days whose categories the
        generator can avoid (the previous day's span plus one at most), and no group's four
        words from the whole window."""
        previous = self._spans.get(day - dt.timedelta(days=1), self.window)
        span = min(self.window, previous + 1, self.capacity)
        recent_words = set().union(*(word_sets(b) for b in self._recent(day, self.window)))
        while True:
            avoid = {k for b in self._recent(day, span) for k in group_keys(b)}
            puzzle = self._try_seeds(day, avoid, recent_words)
            if puzzle is not None or span == 0:
                break
            span -= 1
        if puzzle is None:  # even no avoidance could not escape a repeat of four words
            puzzle = self.make(self.pool, date_seed(day), DIFFICULTY, avoid=())
        self._spans[day] = span
        self.saved[day.isoformat()] = {"board": puzzle_to_json(puzzle), "span": span}
        return puzzle

    def _try_seeds(self, day: dt.date, avoid: set[str], recent_words: set) -> Any:
        """A board avoiding ``avoid`` whose groups all have four words new to the window;
        a category that dealt recent words again is avoided too (a small category can only
        deal the same words). None when the generator cannot avoid that much."""
        avoid = set(avoid)
        for salt in range(MAX_SALTS):
            seed = date_seed(day) + salt * _SALT_STEP
            try:
                puzzle = self.make(self.pool, seed, DIFFICULTY, avoid=frozenset(avoid))
            except BadInput:
                return None  # too much to avoid: the caller shortens the span
            again = [key for key, (_, words) in zip(group_keys(puzzle), puzzle.groups,
                                                    strict=True)
                     if frozenset(w.lower() for w in words) in recent_words]
            if not again:
                return puzzle
            avoid.update(again)
        return None


def repeat_gaps(boards: Iterable[Any]) -> dict[str, Any]:
    """For consecutive daily boards: the fewest days between two boards sharing a group, by
    category and by the same four words (``None`` when nothing repeats), the fewer of the two
    (``days``), and how many repeats come within :data:`WINDOW` days."""
    boards = list(boards)
    by_category = _gaps([group_keys(b) for b in boards])
    by_words = _gaps([word_sets(b) for b in boards])
    close = sum(g < WINDOW for g in by_category + by_words)
    fewest = [min(g) if g else None for g in (by_category, by_words)]
    days = min((g for g in fewest if g is not None), default=None)
    return {"category": fewest[0], "words": fewest[1], "days": days,
            "repeats_within_window": close}


def _gaps(days: list[Iterable[Any]]) -> list[int]:
    """The distance in days of every repeat of a key to its previous appearance."""
    last: dict[Any, int] = {}
    gaps = []
    for n, keys in enumerate(days):
        for key in keys:
            if key in last:
                gaps.append(n - last[key])
            last[key] = n
    return gaps
