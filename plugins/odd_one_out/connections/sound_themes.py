"""Sound themes from the CMU Pronouncing Dictionary: homophones and rhymes.

- "sounds like a letter" (*bee, sea, tea, eye*) and "sounds like a number" (*won, ate*):
  a pronunciation of the word is that of a letter's or a number's name, and the word is not
  the name itself;
- "sounds like a <category>": a homophone of the word (another common word said the same:
  *knows* / *nose*) has one of its first noun senses under a WordNet synset (*body part*);
- "rhymes with ...": the same sounds from the last stressed vowel on.

Base rates: the share of universe words with the property (homophone categories counted by
the builder through :func:`wordplay.related_anchors`).
"""

from __future__ import annotations

from textseq_plugins.odd_one_out.connections.tables import Tables, normal, strip_stress
from textseq_plugins.odd_one_out.connections.themes import (
    Theme,
    rare_themes,
    with_article,
)
from textseq_plugins.odd_one_out.connections.wordplay import related_anchors, rhyme_key

SOURCE = "sounds"
MAX_RATE = 0.05
#: how the letters' names are said (ARPAbet, no stress)
LETTER_NAMES = {
    "a": "EY", "b": "B IY", "c": "S IY", "d": "D IY", "e": "IY", "f": "EH F", "g": "JH IY",
    "h": "EY CH", "i": "AY", "j": "JH EY", "k": "K EY", "l": "EH L", "m": "EH M", "n": "EH N",
    "o": "OW", "p": "P IY", "q": "K Y UW", "r": "AA R", "s": "EH S", "t": "T IY", "u": "Y UW",
    "v": "V IY", "x": "EH K S", "y": "W AY", "z": "Z IY",
}
NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen "
                "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty "
                "fifty sixty seventy eighty ninety hundred thousand million").split()


def _prons(item: str, tables: Tables) -> list[str]:
    return tables.pronunciations(normal(item).replace(" ", ""))


def _named(tables: Tables) -> dict[str, dict[str, str]]:
    """"letter" / "number" -> pronunciation (no stress) -> the name it says."""
    def build() -> dict[str, dict[str, str]]:
        numbers = {}
        for n in NUMBER_WORDS:
            for p in tables.pronunciations(n):
                numbers[strip_stress(p)] = n
        return {"letter": {p: k for k, p in LETTER_NAMES.items()}, "number": numbers}
    return tables.memo("sound:named", build)


def says(item: str, what: str, tables: Tables) -> str | None:
    """The letter or number (``what``) a pronunciation of ``item`` says, if any (the name
    itself does not count: *one* is not a homophone of a number)."""
    w = normal(item).replace(" ", "")
    names = _named(tables)[what]
    for p in _prons(item, tables):
        name = names.get(strip_stress(p))
        if name is not None and name != w:
            return name
    return None


def _named_counts(tables: Tables) -> dict[str, int]:
    """Universe words that say a letter's / a number's name (not the name itself)."""
    def build() -> dict[str, int]:
        out = {}
        for what, names in _named(tables).items():
            out[what] = sum(1 for pron, name in names.items() for w in tables.said_alike(pron)
                            if w != name and tables.in_universe(w))
        return out
    return tables.memo("sound:counts", build)


def keys(item: str, tables: Tables) -> dict[tuple, str]:
    """Theme key -> the word or sound that makes ``item`` fit it."""
    out: dict[tuple, str] = {}
    for what in ("letter", "number"):
        name = says(item, what, tables)
        if name:
            out[(what,)] = name
    for p in _prons(item, tables):
        out[("rhyme", rhyme_key(p))] = normal(item)
    for synset, word in related_anchors(tables, "sound", item).items():
        out[("homophone", synset)] = word
    return out


def find(items: list[str], tables: Tables, min_members: int = 3) -> list[Theme]:
    def describe(key: tuple, ids: set[int]) -> tuple[int, str]:
        if key[0] in ("letter", "number"):
            return _named_counts(tables)[key[0]], f"sounds like a {key[0]}"
        if key[0] == "rhyme":
            return tables.rhyme_count(key[1]), f"rhymes with {normal(items[min(ids)])}"
        return (tables.count("sound", key[1]),
                f"sounds like {with_article(tables.synset_label(key[1]))}")

    return rare_themes(items, lambda item: keys(item, tables), describe, "sound", SOURCE,
                       tables.size, MAX_RATE, min_members)


def holds(theme: Theme, item: str, tables: Tables) -> bool:
    return theme.key in keys(item, tables)
