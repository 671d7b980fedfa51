"""Category themes from WordNet 3.0: shared hypernyms, wholes, topic domains, instances.

For every sense of every board word (its base forms by WordNet's morphy):

- ``isa``: every synset above the sense, the sense itself included ("kinds of fastener"; a
  shared synset means synonyms: *curl, lock, ringlet, tress*); named after the synset; when
  the words reach it through instance senses (*Paris* is an instance of *city*) the theme's
  kind is "proper names";
- ``part``: the wholes the sense is part or member of ("parts of a door");
- ``topic``: the sense's topic domain ("golf terms").

Base rate: the share of universe words with some sense under the synset (counted by the
builder with the same rules).
"""

from __future__ import annotations

from collections import defaultdict

from textseq_plugins.odd_one_out.connections.tables import Tables
from textseq_plugins.odd_one_out.connections.themes import Theme, rate

SOURCE = "wordnet"
#: themes more common than this (a fifth of all words: *entity*, *act*) carry no information
MAX_RATE = 0.2
RELATIONS = ("isa", "part", "topic")
_NAMES = {"isa": "{}", "part": "parts of {}", "topic": "{} terms"}


def anchors(tables: Tables, item: str) -> dict[tuple[str, int], bool]:
    """(relation, synset) -> reached through an instance sense, for every anchor of ``item``."""
    wn = tables.wordnet
    out: dict[tuple[str, int], bool] = {}
    for s in tables.senses(item):
        inst = tables.is_instance(s)
        for a in tables.above(s):
            out[("isa", a)] = out.get(("isa", a), True) and inst
        for h in tables.holonyms(s):
            out[("part", h)] = False
        for d in wn.topic_domains(s):
            out[("topic", d)] = False
    return out


def find(items: list[str], tables: Tables, min_members: int = 3) -> list[Theme]:
    """Themes shared by ``min_members`` or more of ``items``."""
    members: dict[tuple[str, int], set[int]] = defaultdict(set)
    proper: dict[tuple[str, int], int] = defaultdict(int)
    for i, item in enumerate(items):
        for key, inst in anchors(tables, item).items():
            members[key].add(i)
            proper[key] += inst
    out = []
    for (relation, synset), ids in members.items():
        if len(ids) < min_members:
            continue
        r = rate(tables.count(relation, synset), tables.size, len(ids))
        if r > MAX_RATE:
            continue
        kind = "proper names" if proper[(relation, synset)] * 2 > len(ids) else "category"
        name = _NAMES[relation].format(tables.synset_label(synset))
        out.append(Theme(name, kind, SOURCE, (relation, synset), frozenset(ids), r))
    return out


def holds(theme: Theme, item: str, tables: Tables) -> bool:
    """True when ``item`` has a sense with the theme's relation to its synset."""
    return (theme.key[0], theme.key[1]) in anchors(tables, item)
