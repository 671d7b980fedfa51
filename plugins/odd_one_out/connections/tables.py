"""The solver's offline tables (``models/connections-tables``), read lazily, once per process.

Built by ``build_tables.py``; see its docstring for what each file holds and where it comes
from. Every accessor parses its file on first use only, so a board that needs no
pronunciations never reads them.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections import Counter, defaultdict
from functools import cached_property
from pathlib import Path
from typing import Any

WORDNET_FILE = "wordnet.json.gz"
PHRASES_FILE = "phrases.tsv.gz"
SOUNDS_FILE = "sounds.tsv.gz"
WORDS_FILE = "words.tsv.gz"
WORDPLAY_FILE = "wordplay.json.gz"
TABLE_FILES = (WORDNET_FILE, PHRASES_FILE, SOUNDS_FILE, WORDS_FILE, WORDPLAY_FILE)


def _lines(path: Path) -> list[str]:
    return gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()


def normal(item: str) -> str:
    """An item as the tables spell it: lower case, single spaces."""
    return " ".join(item.lower().split())


def base_forms(item: str) -> list[str]:
    """``item`` and the forms an -s, -es, -ies, -ed or -ing ending may hide (a small morphy):
    ``beans`` -> beans, bean; ``ponies`` -> ponies, pony; ``hiking`` -> hiking, hike, hik."""
    w = normal(item)
    forms = [w]
    if " " in w:
        return forms + [w.replace(" ", "_"), w.replace(" ", "")]
    if w.endswith("ies") and len(w) > 4:
        forms.append(w[:-3] + "y")
    if w.endswith("es") and len(w) > 3:
        forms.append(w[:-2])
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        forms.append(w[:-1])
    for ending in ("ed", "ing"):
        if w.endswith(ending) and len(w) > len(ending) + 2:
            stem = w[: -len(ending)]
            forms += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                forms.append(stem[:-1])
    return list(dict.fromkeys(forms))


class Tables:
    """Lazy view of a ``connections-tables`` model directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.RLock()
        self._memo: dict[str, Any] = {}

    # -- the word universe --------------------------------------------------------------

    @cached_property
    def zipf(self) -> dict[str, float]:
        """Universe word -> Zipf frequency (wordfreq)."""
        out = {}
        for line in _lines(self.directory / WORDS_FILE):
            word, z = line.split("\t")
            out[word] = float(z)
        return out

    @property
    def size(self) -> int:
        """How many words the universe holds (the denominator of every base rate)."""
        return len(self.zipf)

    # -- WordNet ------------------------------------------------------------------------

    @cached_property
    def wordnet(self) -> dict[str, Any]:
        """The raw WordNet graph (see ``build_tables.wordnet_graph``)."""
        return json.loads(gzip.decompress((self.directory / WORDNET_FILE).read_bytes()))

    def senses(self, item: str) -> list[int]:
        """Synset ids of every sense of ``item`` and its base forms, most frequent first."""
        index = self.wordnet["index"]
        out: list[int] = []
        for form in base_forms(item):
            out += index.get(form.replace(" ", "_"), [])
        return list(dict.fromkeys(out))

    def above(self, synset: int) -> frozenset[int]:
        """``synset`` and every synset above it (hypernyms and instance hypernyms)."""
        cache = self._above_cache
        if synset not in cache:
            out = {synset}
            for p in self.wordnet["parents"][synset]:
                out |= self.above(p)
            cache[synset] = frozenset(out)
        return cache[synset]

    @cached_property
    def _above_cache(self) -> dict[int, frozenset[int]]:
        return {}

    @cached_property
    def instance_set(self) -> frozenset[int]:
        """Synsets that are instances (*Paris*, *Mars*), not classes."""
        return frozenset(self.wordnet["instances"])

    def memo(self, key: str, build: Any) -> Any:
        """``build()`` once per tables object (per-source derived indexes)."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = build()
            return self._memo[key]

    def noun_senses(self, word: str) -> list[int]:
        """Synset ids of the noun senses of exactly ``word``, most frequent first."""
        names = self.wordnet["names"]
        return [s for s in self.wordnet["index"].get(word, []) if ".n." in names[s]]

    @cached_property
    def common_nouns(self) -> set[str]:
        """Universe words of 3+ letters, Zipf >= 3, with a noun sense: what wordplay finds."""
        from textseq_plugins.odd_one_out.connections.wordplay import RELATED_ZIPF

        return {w for w, z in self.zipf.items()
                if z >= RELATED_ZIPF and len(w) >= 3 and self.noun_senses(w)}

    @cached_property
    def noun_anagrams(self) -> dict[str, set[str]]:
        """Sorted letters -> the common nouns spelt with them."""
        from textseq_plugins.odd_one_out.connections.wordplay import anagram_key

        out: dict[str, set[str]] = defaultdict(set)
        for w in self.common_nouns:
            out[anagram_key(w)].add(w)
        return dict(out)

    @cached_property
    def wordplay_counts(self) -> dict[str, dict[int, int]]:
        """Relation -> synset -> how many universe words reach it by that relation."""
        raw = json.loads(gzip.decompress((self.directory / WORDPLAY_FILE).read_bytes()))
        return {rel: {int(k): v for k, v in counts.items()} for rel, counts in raw.items()}

    def synset_label(self, synset: int) -> str:
        """A readable name of a synset: its first lemma, spaces for underscores."""
        return self.wordnet["lemmas"][synset][0].replace("_", " ")

    # -- phrases ------------------------------------------------------------------------

    @cached_property
    def phrases(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """(left word -> right words, right word -> left words) of the two-word compounds."""
        right: dict[str, set[str]] = defaultdict(set)
        left: dict[str, set[str]] = defaultdict(set)
        for line in _lines(self.directory / PHRASES_FILE):
            a, b, _ = line.split("\t")
            right[a].add(b)
            left[b].add(a)
        return dict(right), dict(left)

    @cached_property
    def phrase_degree(self) -> tuple[Counter, Counter]:
        """(how many universe words precede X, how many follow X): base rates of themes."""
        right, left = self.phrases
        words = self.zipf
        before = Counter({x: sum(1 for a in lefts if a in words) for x, lefts in left.items()})
        after = Counter({x: sum(1 for b in rights if b in words) for x, rights in right.items()})
        return before, after

    # -- sounds -------------------------------------------------------------------------

    @cached_property
    def pronunciations(self) -> dict[str, list[str]]:
        """Word -> its CMU pronunciations (ARPAbet with stress digits)."""
        out = {}
        for line in _lines(self.directory / SOUNDS_FILE):
            word, prons = line.split("\t")
            out[word] = prons.split("|")
        return out

    @cached_property
    def homophones(self) -> dict[str, set[str]]:
        """Pronunciation (stress removed) -> the words that say it."""
        out: dict[str, set[str]] = defaultdict(set)
        for word, prons in self.pronunciations.items():
            for p in prons:
                out[strip_stress(p)].add(word)
        return dict(out)


def strip_stress(pron: str) -> str:
    """An ARPAbet pronunciation without its stress digits."""
    return "".join(ch for ch in pron if not ch.isdigit())
