"""Word transformations the letter and sound themes rest on, shared by the solver and the
table builder (so a theme's base rate counts exactly what the theme checks).

- :func:`hidden_words`: words of 3+ letters inside a longer word (``scatter`` hides *cat*);
- :func:`anagrams_of`: other words with the same letters (``night`` -> *thing*);
- :func:`minus_one_letter`: words left after deleting one letter (``pearl`` -> *pear*, *earl*);
- :func:`rhyme_key`: the sounds from the last stressed vowel on (``station`` -> ``EY1 SH AH0 N``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

MIN_HIDDEN = 3


def hidden_words(word: str, known: set[str] | dict) -> set[str]:
    """Known words of ``MIN_HIDDEN`` or more letters strictly inside ``word`` (spaces removed)."""
    w = word.replace(" ", "").lower()
    out = set()
    for i in range(len(w)):
        for j in range(i + MIN_HIDDEN, len(w) + 1):
            if j - i < len(w) and w[i:j] in known:
                out.add(w[i:j])
    return out


def anagram_key(word: str) -> str:
    """The sorted letters of ``word`` (spaces removed): equal keys are anagrams."""
    return "".join(sorted(word.replace(" ", "").lower()))


def anagrams_of(word: str, spelt: Callable[[str], Iterable[str]]) -> set[str]:
    """Other words with exactly the letters of ``word``; ``spelt(key)`` lists the known words
    whose :func:`anagram_key` is ``key``."""
    w = word.replace(" ", "").lower()
    return {a for a in spelt(anagram_key(w)) or () if a != w}


def minus_one_letter(word: str, known: set[str] | dict) -> set[str]:
    """Known words (3+ letters) left after deleting one letter of ``word``."""
    w = word.replace(" ", "").lower()
    out = {w[:i] + w[i + 1:] for i in range(len(w))}
    return {x for x in out if len(x) >= MIN_HIDDEN and x in known and x != w}


def rhyme_key(pron: str) -> str:
    """The phones from the last primary-stressed vowel to the end (the whole word when none
    is stressed): words with equal keys rhyme."""
    phones = pron.split()
    for k in range(len(phones) - 1, -1, -1):
        if phones[k].endswith("1"):
            return " ".join(phones[k:])
    return " ".join(phones)


#: how a board word reaches the word whose category it borrows, for each wordplay relation
RELATIONS = ("sound", "hidden", "anagram", "drop")
#: the related word's noun senses that count (WordNet orders senses by frequency)
RELATED_SENSES = 3
#: the related words are common words (wordfreq Zipf at least this)
RELATED_ZIPF = 2.5


def related(tables: Any, relation: str, item: str) -> set[str]:
    """The common words ``item`` turns into by ``relation``: "sound" (homophones), "hidden"
    (words inside it), "anagram", "drop" (one letter deleted)."""
    common = tables.common_nouns
    w = " ".join(item.lower().split())
    if relation == "hidden":
        return hidden_words(w, common)
    if relation == "anagram":
        return anagrams_of(w, tables.nouns_spelt)
    if relation == "drop":  # a dropped plural -s is the word itself, not wordplay
        return minus_one_letter(w, common) - {w[:-1]}
    if relation == "sound":
        out: set[str] = set()
        for pron in tables.pronunciations(w.replace(" ", "")):
            out.update(tables.said_alike(strip_digits(pron)))
        stems = {w, w + "s", w + "es", w[:-1] if w.endswith("s") else w}
        return {h for h in out if h not in stems and h in common}
    raise ValueError(f"unknown relation {relation!r}")


def related_anchors(tables: Any, relation: str, item: str) -> dict[int, str]:
    """Synset -> the related word that reaches it (through its first noun senses)."""
    out: dict[int, str] = {}
    for r in sorted(related(tables, relation, item)):
        for s in tables.noun_senses(r)[:RELATED_SENSES]:
            for a in tables.above(s):
                out.setdefault(a, r)
    return out


def strip_digits(pron: str) -> str:
    return "".join(ch for ch in pron if not ch.isdigit())
