"""Names shown with their usual capitals: "Ohio", "New York", "March", but "apple".

Puzzle words are lower case (the word vectors and the category lists are); what a player reads
takes WordNet 3.0's own spelling of the sense in play: the sense under the puzzle's category
when it is known (turkey among countries is "Turkey", among birds "turkey"), else the word's
first noun sense. Without WordNet the words stay as they are.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

_LOCK = threading.Lock()
#: one memo per loaded WordNet (the registry caches one instance per process)
_SHARED: dict[int, Capitals] = {}


def usual_capitals(wordnet: Any, word: str, synset: str | None = None) -> str:
    """``word`` as WordNet spells the sense in play (a lemma differing only in case), or
    ``word`` itself. ``synset``: the category's synset name ("american_state.n.01"); the
    first noun sense under it decides."""
    key = "_".join(word.lower().split())
    senses = wordnet.senses(word, "n")
    if not senses:
        return word
    chosen = senses[0].synset
    if synset:
        try:
            top = wordnet.synset(synset)
        except KeyError:
            top = None
        for sense in senses:
            if top is not None and (sense.synset == top
                                    or top in wordnet.hypernym_closure(sense.synset)):
                chosen = sense.synset
                break
    for lemma in wordnet.lemma_names(chosen):
        if lemma.lower() == key:
            return lemma.replace("_", " ")
    return word


class Capitals:
    """A memo of :func:`usual_capitals` over one WordNet (or none: words as they are)."""

    def __init__(self, wordnet: Any | None) -> None:
        self.wordnet = wordnet
        self._memo: dict[tuple[str, str | None], str] = {}

    def __call__(self, word: str, synset: str | None = None) -> str:
        if self.wordnet is None:
            return word
        key = (word, synset)
        with _LOCK:
            if key not in self._memo:
                self._memo[key] = usual_capitals(self.wordnet, word, synset)
            return self._memo[key]

    def labels(self, groups: Iterable[tuple[Iterable[str], str | None]]) -> dict[str, str]:
        """word -> how to show it, for groups of words each under a category synset."""
        return {w: self(w, synset) for words, synset in groups for w in words}


def capitals_of(plugin: Any) -> Capitals:
    """The plugin's :class:`Capitals` over the host's WordNet (loaded once; blocking)."""
    from textseq_tui.plugin import TextseqError

    try:
        wordnet = plugin.context.load_default("wordnet")
    except TextseqError:
        wordnet = None
    with _LOCK:
        if id(wordnet) not in _SHARED or _SHARED[id(wordnet)].wordnet is not wordnet:
            _SHARED[id(wordnet)] = Capitals(wordnet)
        return _SHARED[id(wordnet)]


def category_synsets(categories: Any) -> dict[str, str]:
    """Category name -> its WordNet synset name, for the categories that have one."""
    out = {}
    for cat in getattr(categories, "categories", ()):
        synset = getattr(cat, "synset", "") or ""
        cid = getattr(cat, "id", "") or ""
        if not synset and cid.startswith("wn:"):
            synset = cid[3:]
        if synset:
            out[cat.name] = synset
    return out


def board_labels(plugin: Any, pool: Any, puzzle: Any) -> dict[str, str]:
    """word -> how to show it, for a groups board drawn from ``pool`` (blocking: WordNet)."""
    synsets = category_synsets(pool)
    return capitals_of(plugin).labels((words, synsets.get(name))
                                      for name, words in puzzle.groups)
