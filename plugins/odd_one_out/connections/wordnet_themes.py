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


def anchors(tables: Tables, item: str) -> dict[tuple[str, int], tuple[bool, float]]:
    """(relation, synset) -> (reached through instance senses only, the share of the word's
    use -- its senses' frequency -- that reaches it), for every anchor of ``item``."""
    wn = tables.wordnet
    out: dict[tuple[str, int], tuple[bool, float]] = {}
    for s, share in tables.readings(item).items():
        inst = tables.is_instance(s)
        reached = {("isa", a) for a in tables.above(s)}
        reached.update(("part", h) for h in tables.holonyms(s))
        reached.update(("topic", d) for d in wn.topic_domains(s))
        for key in reached:
            was_inst, was_share = out.get(key, (True, 0.0))
            out[key] = (was_inst and inst and key[0] == "isa", was_share + share)
    return out


def find(items: list[str], tables: Tables, min_members: int = 3) -> list[Theme]:
    """Themes shared by ``min_members`` or more of ``items``."""
    members: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    proper: dict[tuple[str, int], int] = defaultdict(int)
    for i, item in enumerate(items):
        for key, (inst, share) in anchors(tables, item).items():
            members[key][i] = share
            proper[key] += inst
    out = []
    for (relation, synset), reading in members.items():
        if len(reading) < min_members:
            continue
        r = rate(tables.count(relation, synset), tables.size, len(reading))
        if r > MAX_RATE:
            continue
        kind = "proper names" if proper[(relation, synset)] * 2 > len(reading) else "category"
        name = _NAMES[relation].format(tables.synset_label(synset))
        out.append(Theme(name, kind, SOURCE, (relation, synset), frozenset(reading), r,
                         reading))
    return out


def holds(theme: Theme, item: str, tables: Tables) -> bool:
    """True when ``item`` has a sense with the theme's relation to its synset."""
    return (theme.key[0], theme.key[1]) in anchors(tables, item)
