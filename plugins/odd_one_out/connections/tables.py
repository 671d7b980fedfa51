"""The solver's offline tables (``models/connections-tables``) over the shared WordNet.

WordNet itself is the host's reader (``textseq_tui.ml.WordNet``, registry model
``wordnet-3.0``): senses through its morphy, hypernym and instance closures, holonyms, topic
domains, verb groups. The tables add only what WordNet lacks (built by ``build_tables.py``,
see its docstring):

- ``words.tsv.gz``: the word universe (sorted) with wordfreq Zipf frequencies (every base
  rate's denominator);
- ``counts.npz``: per WordNet synset, how many universe words reach it by each relation (the
  base rates of the category and wordplay themes), numpy arrays;
- ``phrases.tsv.gz`` / ``phrases-right.tsv.gz``: two-word compounds sorted by their left /
  right word; ``sounds.tsv.gz`` (pronunciations), ``homophones.tsv.gz`` (words said alike),
  ``rhymes.tsv.gz`` (universe words per rhyme); ``nouns.txt.gz`` (the common nouns wordplay
  finds) and ``anagrams.tsv.gz`` (those nouns by their sorted letters).

Sorted text is read once and searched by bisection: nothing is parsed into per-word Python
objects at load time (a cold ``groups --board`` reads a few MB), and each file is read only
when a source first asks for it.
"""

from __future__ import annotations

import gzip
import threading
from bisect import bisect_left
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

from textseq_tui.plugin import ModelError

WORDS_FILE = "words.tsv.gz"
COUNTS_FILE = "counts.npz"
NOUNS_FILE = "nouns.txt.gz"
ANAGRAMS_FILE = "anagrams.tsv.gz"
PHRASES_FILE = "phrases.tsv.gz"
PHRASES_RIGHT_FILE = "phrases-right.tsv.gz"
SOUNDS_FILE = "sounds.tsv.gz"
HOMOPHONES_FILE = "homophones.tsv.gz"
RHYMES_FILE = "rhymes.tsv.gz"
TABLE_FILES = (WORDS_FILE, COUNTS_FILE, NOUNS_FILE, ANAGRAMS_FILE, PHRASES_FILE,
               PHRASES_RIGHT_FILE, SOUNDS_FILE, HOMOPHONES_FILE, RHYMES_FILE)
#: WordNet relations a synset's category reaches through (``counts.npz`` arrays)
HOLONYMS = ("member_holonyms", "part_holonyms", "substance_holonyms")


def read_lines(path: Path) -> list[str]:
    """The lines of a gzipped UTF-8 text file (no trailing empty line)."""
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise ModelError(f"cannot read {path}: {err}") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


class SortedLines:
    """Lines ``key<TAB>rest`` sorted by the whole line (so by key): :meth:`get` finds a key's
    lines by binary search, without building an index."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def get(self, key: str) -> list[str]:
        """The ``rest`` of every line whose key is ``key`` (in file order)."""
        probe = key + "\t"
        lines = self.lines
        i = bisect_left(lines, probe)
        out = []
        while i < len(lines) and lines[i].startswith(probe):
            out.append(lines[i][len(probe):])
            i += 1
        return out


def normal(item: str) -> str:
    """An item as the tables spell it: lower case, single spaces."""
    return " ".join(item.lower().split())


class Tables:
    """Lazy view of a ``connections-tables`` model directory over a WordNet reader.

    Args:
        directory: the model directory.
        wordnet: a ``textseq_tui.ml.WordNet``, a callable returning one (called on first
            use), or None for the one shipped with textseq.
    """

    def __init__(self, directory: Path, wordnet: Any = None) -> None:
        self.directory = Path(directory)
        self._wordnet_source = wordnet
        self._lock = threading.RLock()
        self._memo: dict[str, Any] = {}
        self._above: dict[int, frozenset[int]] = {}

    # -- WordNet ------------------------------------------------------------------------

    @cached_property
    def wordnet(self) -> Any:
        """The shared WordNet reader (``textseq_tui.ml.WordNet``)."""
        source = self._wordnet_source
        if source is None:
            from textseq_tui.ml import WordNet, shipped_wordnet_dir

            source = WordNet(shipped_wordnet_dir())
        elif callable(source) and not hasattr(source, "synsets"):
            source = source()
        if (self.directory / COUNTS_FILE).is_file():  # (absent while the builder runs)
            built_on = len(self.counts["isa"])
            if built_on != len(source):
                raise ModelError(f"{self.directory} was built on a WordNet of {built_on} "
                                 f"synsets, this one has {len(source)}: rebuild the tables")
        return source

    def senses(self, item: str) -> list[int]:
        """Synset ids of every sense of ``item`` (WordNet's morphy: *beans* -> bean, *geese*
        -> goose, *hiking* -> hike), most frequent first; a multiword item also run together
        (*fire fly* -> firefly)."""
        w = normal(item)
        out = self.wordnet.synsets(w)
        if " " in w:
            out += self.wordnet.synsets(w.replace(" ", ""))
        return list(dict.fromkeys(out))

    def readings(self, item: str) -> dict[int, float]:
        """Each sense of ``item`` (see :meth:`senses`) -> its share of the word's use: SemCor
        tag count + 1 over the sum of them (a word's dominant sense takes most; an untagged
        word's senses share equally)."""
        w = normal(item)
        found = self.wordnet.senses(w)
        if " " in w:
            found += self.wordnet.senses(w.replace(" ", ""))
        weights: dict[int, float] = {}
        for sense in found:
            weights[sense.synset] = weights.get(sense.synset, 0.0) + sense.count + 1.0
        total = sum(weights.values()) or 1.0
        return {s: v / total for s, v in weights.items()}

    def noun_senses(self, word: str) -> list[int]:
        """Synset ids of the noun senses of exactly ``word`` (no morphy), most frequent
        first."""
        key = "_".join(word.split())
        return [s.synset for s in self.wordnet.senses(key, "n") if s.lemma == key]

    def parents(self, synset: int) -> list[int]:
        """Hypernyms and instance hypernyms; an adjective satellite (*tiny*) also hangs under
        its head (*small*) like a hyponym."""
        wn = self.wordnet
        out = wn.hypernyms(synset) + wn.instance_hypernyms(synset)
        if wn.pos(synset) == "s":
            out = out + wn.similar_tos(synset)
        return out

    def above(self, synset: int) -> frozenset[int]:
        """``synset`` and every synset above it (see :meth:`parents`)."""
        cached = self._above.get(synset)
        if cached is None:
            out = {synset}
            for p in self.parents(synset):
                out |= self.above(p)
            cached = self._above[synset] = frozenset(out)
        return cached

    def is_instance(self, synset: int) -> bool:
        """An instance (*Paris*, *Mars*), not a class."""
        return bool(self.wordnet.instance_hypernyms(synset))

    def holonyms(self, synset: int) -> list[int]:
        """The wholes and groups ``synset`` is a part, member or substance of."""
        wn = self.wordnet
        return [h for rel in HOLONYMS for h in wn.related(synset, rel)]

    def synset_label(self, synset: int) -> str:
        """A readable name of a synset: its first lemma, spaces for underscores."""
        return self.wordnet.label(synset)

    def synset_name(self, synset: int) -> str:
        """NLTK's name of a synset ("bird.n.01"): stable across rebuilds."""
        return self.wordnet.name(synset)

    def synset_id(self, name: str) -> int:
        """The id of a synset named like "bird.n.01"."""
        return self.wordnet.synset(name)

    @cached_property
    def counts(self) -> dict[str, Any]:
        """Relation -> (synsets,) int array: universe words reaching each synset by it."""
        import numpy as np

        try:
            with np.load(self.directory / COUNTS_FILE, allow_pickle=False) as z:
                return {name: z[name] for name in z.files}
        except (OSError, ValueError) as err:
            raise ModelError(f"cannot read {self.directory / COUNTS_FILE}: {err}") from None

    def count(self, relation: str, synset: int) -> int:
        """How many universe words reach ``synset`` by ``relation`` ("isa", "part", "topic",
        "verb_group", or a wordplay relation: "sound", "hidden", "anagram", "drop")."""
        return int(self.counts[relation][synset])

    # -- the word universe --------------------------------------------------------------

    @cached_property
    def zipf(self) -> dict[str, float]:
        """Universe word -> Zipf frequency (wordfreq)."""
        out = {}
        for line in read_lines(self.directory / WORDS_FILE):
            word, z = line.split("\t")
            out[word] = float(z)
        return out

    @cached_property
    def universe(self) -> list[str]:
        """The universe's words, sorted (searched by bisection)."""
        return [line[:line.index("\t")] for line in read_lines(self.directory / WORDS_FILE)]

    def in_universe(self, word: str) -> bool:
        """Whether ``word`` is one of the universe's words."""
        words = self.universe
        i = bisect_left(words, word)
        return i < len(words) and words[i] == word

    @property
    def size(self) -> int:
        """How many words the universe holds (the denominator of every base rate)."""
        return int(self.counts["universe_size"][0])

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()`` once per tables object (per-source derived indexes)."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = build()
            return self._memo[key]

    @cached_property
    def common_nouns(self) -> frozenset[str]:
        """Universe words of 3+ letters, Zipf >= 2.5, with a noun sense: what wordplay finds."""
        return frozenset(read_lines(self.directory / NOUNS_FILE))

    @cached_property
    def _anagrams(self) -> SortedLines:
        return SortedLines(read_lines(self.directory / ANAGRAMS_FILE))

    def nouns_spelt(self, letters: str) -> list[str]:
        """The common nouns whose sorted letters are ``letters`` (``wordplay.anagram_key``)."""
        rows = self._anagrams.get(letters)
        return rows[0].split(" ") if rows else []

    # -- phrases ------------------------------------------------------------------------

    @cached_property
    def _phrases_left(self) -> SortedLines:
        return SortedLines(read_lines(self.directory / PHRASES_FILE))

    @cached_property
    def _phrases_right(self) -> SortedLines:
        return SortedLines(read_lines(self.directory / PHRASES_RIGHT_FILE))

    def followers(self, word: str) -> list[str]:
        """The words X of the compounds ``word X`` ("fire" -> engine, fly, ...)."""
        return [rest.split("\t", 1)[0] for rest in self._phrases_left.get(word)]

    def leaders(self, word: str) -> list[str]:
        """The words X of the compounds ``X word`` ("ball" -> foot, snow, ...)."""
        return self._phrases_right.get(word)

    def compound_sources(self, left: str, right: str) -> str:
        """Where the compound ``left right`` comes from ("w" WordNet, "c" a closed compound,
        "h" a hyphenated GloVe token, "b" corpus bigrams); "" when not in the table."""
        for rest in self._phrases_left.get(left):
            b, _, src = rest.partition("\t")
            if b == right:
                return src
        return ""

    def phrase_count(self, side: str, word: str) -> int:
        """How many universe words precede (``side`` "after": ``___ word``) or follow
        (``side`` "before": ``word ___``) ``word`` in the table: a phrase theme's base count."""
        def build() -> dict[tuple[str, str], int]:
            return {}
        cache = self.memo("phrase_counts", build)
        key = (side, word)
        if key not in cache:
            partners = self.leaders(word) if side == "after" else self.followers(word)
            cache[key] = sum(1 for p in partners if self.in_universe(p))
        return cache[key]

    # -- sounds -------------------------------------------------------------------------

    @cached_property
    def _sounds(self) -> SortedLines:
        return SortedLines(read_lines(self.directory / SOUNDS_FILE))

    @cached_property
    def _homophones(self) -> SortedLines:
        return SortedLines(read_lines(self.directory / HOMOPHONES_FILE))

    @cached_property
    def _rhymes(self) -> SortedLines:
        return SortedLines(read_lines(self.directory / RHYMES_FILE))

    def pronunciations(self, word: str) -> list[str]:
        """The CMU pronunciations of ``word`` (ARPAbet with stress digits; [] if none)."""
        rows = self._sounds.get(word)
        return rows[0].split("|") if rows else []

    def said_alike(self, pron: str) -> list[str]:
        """The words said ``pron`` (ARPAbet, stress removed), when two or more are."""
        rows = self._homophones.get(pron)
        return rows[0].split(" ") if rows else []

    def rhyme_count(self, key: str) -> int:
        """How many universe words have a pronunciation with this rhyme (``rhyme_key``)."""
        rows = self._rhymes.get(key)
        return int(rows[0]) if rows else 0


def strip_stress(pron: str) -> str:
    """An ARPAbet pronunciation without its stress digits."""
    return "".join(ch for ch in pron if not ch.isdigit())
