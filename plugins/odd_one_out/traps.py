"""Second senses: what makes a *hard* intruder look like it belongs (WordNet 3.0).

Two words *share a second sense* when some sense of each, not both their first (most common)
ones, lie under one specific WordNet synset (information content >= :data:`MIN_IC`: *vine*,
*fur*, *meat*, *protective covering*; not *object* or *food*), which is not above either
puzzle category. *pea* (a vegetable) and *grape* (a fruit) are both vines; *squirrel* and *fox*
both furs; *buffalo* and *poultry* both meats. An intruder that shares a second sense with a
group word tempts the player (and the AI) to split the group along that sense instead.
"""

from __future__ import annotations

import threading
from typing import Any

#: only synsets this specific count (WordNet's information content, from wordfreq counts)
MIN_IC = 7.0
_LOCK = threading.Lock()


class SecondSenses:
    """Memoised second-sense checks over one WordNet (the host's ``wordnet`` model)."""

    def __init__(self, wordnet: Any) -> None:
        self.wordnet = wordnet
        self._lock = threading.Lock()
        self._words: dict[str, tuple[frozenset[int], frozenset[int]]] = {}
        self._above: dict[str, frozenset[int]] = {}

    def _specific(self, synset: int) -> frozenset[int]:
        wn = self.wordnet
        return frozenset(s for s in wn.hypernym_closure(synset) | {synset}
                         if wn.ic(s) >= MIN_IC)

    def _ancestors(self, word: str) -> tuple[frozenset[int], frozenset[int]]:
        """(specific synsets above any sense, above the first sense) of ``word``."""
        with self._lock:
            if word not in self._words:
                senses = self.wordnet.synsets(word)
                every = frozenset().union(*(self._specific(s) for s in senses)) \
                    if senses else frozenset()
                first = self._specific(senses[0]) if senses else frozenset()
                self._words[word] = (every, first)
            return self._words[word]

    def above(self, synset_name: str) -> frozenset[int]:
        """A category's synset and every synset above it (never a trap's theme)."""
        with self._lock:
            if synset_name not in self._above:
                try:
                    top = self.wordnet.synset(synset_name)
                    self._above[synset_name] = self.wordnet.hypernym_closure(top) | {top}
                except KeyError:
                    self._above[synset_name] = frozenset()
            return self._above[synset_name]

    def shared(self, word: str, other: str, exclude: frozenset[int] = frozenset()) -> bool:
        """True when ``word`` and ``other`` share a second sense (not under ``exclude``)."""
        every_a, first_a = self._ancestors(word)
        every_b, first_b = self._ancestors(other)
        return bool((every_a & every_b) - (first_a & first_b) - exclude)


_SHARED: dict[int, SecondSenses] = {}


def second_senses(plugin: Any) -> SecondSenses | None:
    """The plugin's :class:`SecondSenses` over the host's WordNet (None without it)."""
    from textseq_tui.plugin import TextseqError

    try:
        wordnet = plugin.context.load_default("wordnet")
    except TextseqError:
        return None
    with _LOCK:
        if id(wordnet) not in _SHARED or _SHARED[id(wordnet)].wordnet is not wordnet:
            _SHARED[id(wordnet)] = SecondSenses(wordnet)
        return _SHARED[id(wordnet)]
