"""Letter themes: shared beginnings and endings, palindromes, hidden words, anagrams, one
letter dropped.

- "starts with 'ab'" / "ends with 'ing'" (2 to 5 letters, never the whole word);
- "palindromes" (3+ letters, read the same both ways);
- "hides a <category>" (*sCATter*), "anagram of a <category>", "<category> plus a letter":
  a common word inside the item / with its letters / left after deleting one letter has one of
  its first noun senses under a WordNet synset (:mod:`wordplay`).

Base rates: the share of universe words with the property (wordplay counted by the builder).
"""

from __future__ import annotations

from bisect import bisect_left

from textseq_plugins.odd_one_out.connections.tables import Tables, normal
from textseq_plugins.odd_one_out.connections.themes import (
    Theme,
    rare_themes,
    with_article,
)
from textseq_plugins.odd_one_out.connections.wordplay import related_anchors

SOURCE = "letters"
MAX_RATE = 0.05
AFFIX_LENGTHS = range(2, 6)
_WORDPLAY_NAMES = {"hidden": "hides {}", "anagram": "anagram of {}",
                   "drop": "{} plus a letter"}


def _letters(item: str) -> str:
    return "".join(ch for ch in normal(item) if ch.isalpha())


def keys(item: str, tables: Tables, wordplay: bool = True) -> set[tuple]:
    """Every letter-theme key ``item`` fits."""
    w = _letters(item)
    out: set[tuple] = set()
    for k in AFFIX_LENGTHS:
        if len(w) > k:
            out.add(("prefix", w[:k]))
            out.add(("suffix", w[-k:]))
    if len(w) >= 3 and w == w[::-1]:
        out.add(("palindrome",))
    if wordplay:
        for relation in _WORDPLAY_NAMES:
            out.update((relation, s) for s in related_anchors(tables, relation, item))
    return out


def _sorted(tables: Tables) -> tuple[list[str], list[str], int]:
    """(universe words sorted, the same reversed and sorted, how many are palindromes)."""
    def build() -> tuple[list[str], list[str], int]:
        words = tables.universe
        return (words, sorted(w[::-1] for w in words),
                sum(1 for w in words if len(w) >= 3 and w == w[::-1]))
    return tables.memo("letters:sorted", build)


def _starting(ordered: list[str], prefix: str) -> int:
    """How many words of the sorted list start with ``prefix``."""
    return bisect_left(ordered, prefix + "\uffff") - bisect_left(ordered, prefix)


def count(key: tuple, tables: Tables) -> int:
    """How many universe words fit the affix or palindrome theme ``key``."""
    forward, backward, palindromes = _sorted(tables)
    if key[0] == "prefix":
        return _starting(forward, key[1])
    if key[0] == "suffix":
        return _starting(backward, key[1][::-1])
    return palindromes


def find(items: list[str], tables: Tables, min_members: int = 3) -> list[Theme]:
    def describe(key: tuple, ids: set[int]) -> tuple[int, str]:
        if key[0] in _WORDPLAY_NAMES:
            return (tables.count(key[0], key[1]),
                    _WORDPLAY_NAMES[key[0]].format(with_article(tables.synset_label(key[1]))))
        return count(key, tables), {"prefix": "starts with '{}'", "suffix": "ends with '{}'",
                                    "palindrome": "palindromes"}[key[0]].format(*key[1:])

    return rare_themes(items, lambda item: keys(item, tables), describe, "letters", SOURCE,
                       tables.size, MAX_RATE, min_members)


def holds(theme: Theme, item: str, tables: Tables) -> bool:
    return theme.key in keys(item, tables)
