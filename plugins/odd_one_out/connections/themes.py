"""What every source hands the solver: themes, each true of some of the board's words.

A :class:`Theme` names a property ("___ ball", "kinds of fastener", "sounds like a letter"),
the board words that have it, and its *base rate*: the share of a universe of ~94,000 common
English words (wordfreq) that have it too. ``surprise = -ln(base rate)`` is what makes four
words sharing a rare property a likelier group than four sharing a common one; the solver
turns surprises into a group's score.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

#: kinds of theme, as the figures report them
KINDS = ("category", "proper names", "phrase", "sound", "letters", "similarity")
#: the smallest base rate a theme is given (a property no universe word has but a board word)
MIN_RATE = 1e-6


@dataclass(frozen=True)
class Theme:
    """A property shared by ``members`` (board indices).

    Attributes:
        name: what a player reads ("___ ball", "kinds of fastener").
        kind: one of :data:`KINDS`.
        source: the module that found it ("wordnet", "phrases", "sounds", "letters",
            "similarity"); its ``holds(theme, word, tables)`` re-checks one word.
        key: what identifies the property in its source (a synset id, a partner word...).
        members: board indices of the words that have it.
        base_rate: share of universe words that have it (0..1).
        reading: member -> the share of that word's use (its senses' frequency) that has
            the property, for the sources that know senses (WordNet); 1.0 when absent.
    """

    name: str
    kind: str
    source: str
    key: tuple
    members: frozenset[int]
    base_rate: float
    reading: dict[int, float] = field(default_factory=dict, compare=False)

    @property
    def surprise(self) -> float:
        """-ln(base rate): how unlikely a random word is to have the property."""
        return -math.log(max(self.base_rate, MIN_RATE))


def shared_keys(items: list[str], keys_of: Callable[[str], Iterable[Hashable]],
                min_members: int) -> dict[Hashable, set[int]]:
    """Theme key -> the indices of the items having it, for keys ``min_members`` items share."""
    members: dict[Hashable, set[int]] = defaultdict(set)
    for i, item in enumerate(items):
        for key in keys_of(item):
            members[key].add(i)
    return {k: ids for k, ids in members.items() if len(ids) >= min_members}


def rare_themes(items: list[str], keys_of: Callable[[str], Iterable[Hashable]],
                describe: Callable[[tuple, set[int]], tuple[int, str]], kind: str, source: str,
                universe: int, max_rate: float, min_members: int) -> list[Theme]:
    """The themes ``min_members`` or more items share whose base rate is at most
    ``max_rate``: ``describe(key, ids)`` gives each key's universe count and its name."""
    out = []
    for key, ids in shared_keys(items, keys_of, min_members).items():
        count, name = describe(key, ids)
        r = rate(count, universe, len(ids))
        if r <= max_rate:
            out.append(Theme(name, kind, source, key, frozenset(ids), r))
    return out


def rate(count: int, size: int, members: int) -> float:
    """A base rate from a universe count, never below the board's own evidence."""
    return max(count, members, 1) / max(size, 1)


def with_article(noun: str) -> str:
    """``noun`` with "a" or "an" before it ("an animal", "a fish")."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"
