"""The category pool of the groups boards: ~300 named categories in four tiers.

Every category is a theme one of the solver's sources checks (``source.holds``), so a board
built from the pool is sound by the same checks the solver uses:

- yellow (a plain category): the 72 hand-named WordNet categories of ``wordnet-categories``
  (*fruits*, *musical instruments*);
- green (a narrower category): other concrete WordNet noun synsets with 15..60 common words
  whose first sense lies under them ("fasteners");
- blue (narrower still, or proper names): such synsets with 12..14 words, and WordNet classes
  with enough famous instances ("famous composers", "famous rivers");
- purple (wordplay): phrase completions ("___ ball", "fire ___", from WordNet's compounds
  and closed compounds, never from corpus counts alone), homophones ("sounds like a letter",
  "sounds like a vegetable"), hidden words ("hides an animal"), palindromes.

Category ids are stable strings (``wn:bird.n.01``, ``phrase:after:ball``,
``sound:letter``, ``letters:hidden:animal.n.01``): the games schedule checks repeats by id.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from textseq_plugins.odd_one_out.connections import (
    letter_themes,
    phrase_themes,
    sound_themes,
    wordnet_themes,
)
from textseq_plugins.odd_one_out.connections.tables import PHRASES_FILE, Tables, read_lines
from textseq_plugins.odd_one_out.connections.themes import with_article

TIERS = ("yellow", "green", "blue", "purple")
#: words a board may use: this common (wordfreq Zipf) and 3..12 letters
BOARD_ZIPF = 3.3
MIN_WORDS = 6
MAX_WORDS = 40
#: a narrower WordNet category (fewer common words under it than this) is blue, not green;
#: 15 leaves both tiers over 60 categories, so a 60-day schedule repeats none
NARROW_WORDS = 15
_SOURCES = {"wordnet": wordnet_themes, "phrases": phrase_themes, "sounds": sound_themes,
            "letters": letter_themes}


@dataclass(frozen=True)
class PoolCategory:
    """One category: ``key`` is the theme key its ``source`` checks (``holds``)."""

    id: str
    name: str
    tier: str
    kind: str
    source: str
    key: tuple
    words: tuple[str, ...]


def fits(category: PoolCategory, word: str, tables: Tables) -> bool:
    """The category's source's own check of ``word``."""
    return category.key in _keys(category.source, word, tables)


def _keys(source: str, word: str, tables: Tables) -> Any:
    if source == "wordnet":
        return wordnet_themes.anchors(tables, word)
    if source == "phrases":
        return phrase_themes.partners(word, tables)
    return _SOURCES[source].keys(word, tables)


POOL_FILE = "pool.json.gz"
#: the wordplay and phrase categories use words at least this common
WORDPLAY_ZIPF = 3.5


class CategoryPool:
    """The categories (read from the tables' ``pool.json.gz``, built by the table builder
    with :func:`build_pool`), and a cache of each board word's theme keys."""

    def __init__(self, tables: Tables, categories: list[PoolCategory]) -> None:
        self.tables = tables
        self.categories = categories
        self.by_id = {c.id: c for c in categories}
        self._keys: dict[tuple[str, str], Any] = {}

    @classmethod
    def load(cls, tables: Tables) -> CategoryPool:
        import gzip
        import json

        rows = json.loads(gzip.decompress((tables.directory / POOL_FILE).read_bytes()))
        return cls(tables, [PoolCategory(r["id"], r["name"], r["tier"], r["kind"], r["source"],
                                         decode_key(tables, r["key"]), tuple(r["words"]))
                            for r in rows])

    def tier(self, tier: str) -> list[PoolCategory]:
        return [c for c in self.categories if c.tier == tier]

    def fits(self, category: PoolCategory, word: str) -> bool:
        """:func:`fits`, with each word's keys computed once."""
        slot = (category.source, word)
        if slot not in self._keys:
            self._keys[slot] = _keys(category.source, word, self.tables)
        return category.key in self._keys[slot]


#: theme keys whose second part is a synset (saved by name: "bird.n.01")
SYNSET_KEYS = frozenset({"isa", "part", "topic", "homophone", "hidden", "anagram", "drop"})


def encode_key(tables: Tables, key: tuple) -> list[Any]:
    """A theme key as JSON, synsets by their stable names."""
    if key and key[0] in SYNSET_KEYS:
        return [key[0], tables.synset_name(key[1]), *key[2:]]
    return list(key)


def decode_key(tables: Tables, key: list[Any]) -> tuple:
    """:func:`encode_key` undone."""
    if key and key[0] in SYNSET_KEYS:
        return (key[0], tables.synset_id(key[1]), *key[2:])
    return tuple(key)


def build_pool(tables: Tables, curated: Any) -> list[dict[str, Any]]:
    """Every category of the pool as plain JSON rows (run by the table builder)."""
    return _PoolBuilder(tables, curated).rows


def plural(noun: str) -> str:
    """A simple English plural ("city" -> "cities", "fish" -> "fishes")."""
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "sh", "ch", "x", "z")):
        return noun + "es"
    return noun + "s"


class _PoolBuilder:
    def __init__(self, tables: Tables, curated: Any) -> None:
        from textseq_plugins.odd_one_out.puzzles import is_blocked, stop_words

        self.tables = tables
        self.physical = tables.synset_id("physical_entity.n.01")
        blocked = stop_words()
        self.words = sorted(
            (w for w, z in tables.zipf.items() if z >= BOARD_ZIPF and 3 <= len(w) <= 12
             and w not in blocked and not is_blocked(w)), key=lambda w: -tables.zipf[w])
        self.rows: list[dict[str, Any]] = []
        self.under = self._first_sense_under()
        self._curated(curated)
        self._narrower()
        self._famous()
        self._phrases()
        self._wordplay()

    def add(self, cid: str, name: str, tier: str, kind: str, source: str, key: tuple,
            words: list[str]) -> None:
        words = list(dict.fromkeys(words))[:MAX_WORDS]
        if len(words) >= MIN_WORDS and cid not in {r["id"] for r in self.rows}:
            self.rows.append({"id": cid, "name": name, "tier": tier, "kind": kind,
                              "source": source, "key": encode_key(self.tables, key),
                              "words": words})

    def plain_sense(self, word: str) -> int | None:
        """The first noun sense of ``word`` when it is a common noun (lower-case lemma,
        not an instance), else None."""
        senses = self.tables.noun_senses(word)
        if not senses or self.tables.is_instance(senses[0]):
            return None
        return senses[0] if word in self.tables.wordnet.lemma_names(senses[0]) else None

    def concrete(self, synset: int) -> bool:
        return self.physical in self.tables.above(synset)

    def _first_sense_under(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = defaultdict(list)
        for w in self.words:
            s = self.plain_sense(w)
            if s is not None:
                for a in self.tables.above(s):
                    out[a].append(w)
        return out

    def _curated(self, curated: Any) -> None:
        """Yellow: the hand-named categories (their words as curated)."""
        for c in curated.categories:
            try:
                synset = self.tables.synset_id(c.synset)
            except KeyError:
                continue
            if synset is not None:
                words = [w for w in c.words if w in self.tables.zipf]
                self.add(f"wn:{c.synset}", c.name, "yellow", "category", "wordnet",
                         ("isa", synset), words)

    def _narrower(self) -> None:
        """Green: concrete noun synsets with 12..150 common words whose first sense is
        under them."""
        name = self.tables.synset_name
        for synset, words in sorted(self.under.items(), key=lambda kv: name(kv[0])):
            if (12 <= len(words) <= 60 and self.tables.count("isa", synset) <= 300
                    and self.concrete(synset)
                    and len(self.tables.above(synset)) >= 6):
                label = plural(self.tables.synset_label(synset))
                # the narrower half (fewer common words) is harder to see: blue
                tier = "green" if len(words) >= NARROW_WORDS else "blue"
                self.add(f"wn:{name(synset)}", label, tier, "category", "wordnet",
                         ("isa", synset), words)

    def _famous(self) -> None:
        """Blue: classes of famous instances, from words that are only ever names."""
        famous: dict[int, list[str]] = defaultdict(list)
        tables = self.tables
        for w in self.words:
            senses = tables.senses(w)
            if senses and all(tables.is_instance(s) for s in senses):
                for parent in tables.parents(senses[0]):
                    famous[parent].append(w)
        for synset, words in sorted(famous.items(), key=lambda kv: tables.synset_name(kv[0])):
            label = plural(tables.synset_label(synset))
            self.add(f"wn:{tables.synset_name(synset)}", f"famous {label}", "blue", "proper names",
                     "wordnet", ("isa", synset), words)

    def _phrases(self) -> None:
        """Purple: ``___ X`` and ``X ___`` from WordNet compounds and closed compounds."""
        from textseq_plugins.odd_one_out.connections.build_tables import AFFIXES

        zipf, usable = self.tables.zipf, set(self.words)
        after: dict[str, list[str]] = defaultdict(list)
        before: dict[str, list[str]] = defaultdict(list)
        for a, b in sorted(_strong_pairs(self.tables)):
            if a in AFFIXES or b in AFFIXES or not (a in usable or b in usable):
                continue
            if a in usable and zipf[a] >= WORDPLAY_ZIPF and self.plain_sense(a) is not None:
                after[b].append(a)
            if b in usable and zipf[b] >= WORDPLAY_ZIPF and self.plain_sense(b) is not None:
                before[a].append(b)
        for side, table, fmt in (("after", after, "___ {}"), ("before", before, "{} ___")):
            for x, words in sorted(table.items()):
                if zipf.get(x, 0) >= 4.0 and len(x) >= 3 and self.tables.noun_senses(x):
                    words = sorted((w for w in words if w != x), key=lambda w: -zipf[w])
                    self.add(f"phrase:{side}:{x}", fmt.format(x), "purple", "phrase",
                             "phrases", (side, x), words)

    def _wordplay(self) -> None:
        """Purple: homophones of letters, numbers and concrete categories; hidden words;
        palindromes."""
        from textseq_plugins.odd_one_out.connections.wordplay import related

        tables, zipf = self.tables, self.tables.zipf
        sound: dict[tuple, list[str]] = defaultdict(list)
        hidden: dict[int, list[str]] = defaultdict(list)
        palindromes = []
        for w in self.words:
            if zipf[w] < WORDPLAY_ZIPF or self.plain_sense(w) is None:
                continue
            for what in ("letter", "number"):
                if sound_themes.says(w, what, tables):
                    sound[(what,)].append(w)
            for h in related(tables, "sound", w):
                s = self.plain_sense(h)
                for a in tables.above(s) if s is not None else ():
                    sound[("homophone", a)].append(w)
            for h in related(tables, "hidden", w):
                inside = 0 < w.find(h) and w.find(h) + len(h) < len(w)
                s = self.plain_sense(h) if len(h) >= 4 and inside else None
                for a in tables.above(s) if s is not None else ():
                    hidden[a].append(w)
            if len(w) >= 3 and w == w[::-1]:
                palindromes.append(w)
        for key, words in sorted(sound.items(), key=lambda kv: str(kv[0])):
            if key[0] != "homophone":
                self.add(f"sound:{key[0]}", f"sounds like a {key[0]}", "purple", "sound",
                         "sounds", key, words)
            elif self.specific(key[1]):
                label = with_article(tables.synset_label(key[1]))
                self.add(f"sound:homophone:{tables.synset_name(key[1])}", f"sounds like {label}",
                         "purple", "sound", "sounds", key, words)
        for synset, words in sorted(hidden.items()):
            if self.specific(synset):
                label = with_article(tables.synset_label(synset))
                self.add(f"letters:hidden:{tables.synset_name(synset)}", f"hides {label}", "purple",
                         "letters", "letters", ("hidden", synset), words)
        self.add("letters:palindrome", "palindromes", "purple", "letters", "letters",
                 ("palindrome",), palindromes)

    def specific(self, synset: int) -> bool:
        """Narrow and concrete enough to name a wordplay category (*animal*, not *entity*)."""
        isa = self.tables.count("isa", synset)
        return 20 <= isa <= 1500 and len(self.tables.above(synset)) >= 5 \
            and self.concrete(synset)


def _strong_pairs(tables: Tables) -> set[tuple[str, str]]:
    """Compounds attested by WordNet or as a closed compound (not only by corpus counts or
    a hyphenated token): what a board's phrase category may rest on."""
    out = set()
    for line in read_lines(tables.directory / PHRASES_FILE):
        a, b, src = line.split("\t")
        if set(src) & set("wc"):
            out.add((a, b))
    return out
