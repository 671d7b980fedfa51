"""Phrase themes: "___ ball", "fire ___" — board words that make a compound with one word.

The phrase table (``phrases.tsv.gz``) holds two-word compounds from WordNet's multiword
lemmas, closed compounds of two common words (*broad+cast*), hyphenated GloVe tokens and
frequent adjacent pairs of the modern English corpora. A theme ``___ X`` holds the board words
``w`` with ``(w, X)`` in the table; ``X ___`` those with ``(X, w)``. Base rate: the share of
universe words that precede (follow) ``X`` in the table.
"""

from __future__ import annotations

from textseq_plugins.odd_one_out.connections.tables import Tables, normal
from textseq_plugins.odd_one_out.connections.themes import Theme, rate, shared_keys

SOURCE = "phrases"
MAX_RATE = 0.05


def forms(item: str, tables: Tables) -> list[str]:
    """How a board item may appear in a compound: as written, run together, and its noun
    base forms by WordNet's morphy (*balls* -> ball, *geese* -> goose)."""
    w = normal(item)
    out = [w, w.replace(" ", "")]
    if " " not in w:
        out += [b for b in tables.wordnet.morphy(w, "n") if "_" not in b]
    return list(dict.fromkeys(out))


def partners(item: str, tables: Tables) -> dict[tuple[str, str], bool]:
    """("after" X | "before" X) for each word X the item makes a compound with."""
    out = {}
    for f in forms(item, tables):
        for x in tables.followers(f):
            out[("after", x)] = True
        for x in tables.leaders(f):
            out[("before", x)] = True
    return out


def find(items: list[str], tables: Tables, min_members: int = 3) -> list[Theme]:
    """Compound themes shared by ``min_members`` or more of ``items``."""
    members = shared_keys(items, lambda item: partners(item, tables), min_members)
    board = {normal(x) for x in items}
    out = []
    for (side, x), ids in members.items():
        if len(ids) < min_members or x in board:
            continue
        r = rate(tables.phrase_count(side, x), tables.size, len(ids))
        if r > MAX_RATE:
            continue
        name = f"___ {x}" if side == "after" else f"{x} ___"
        out.append(Theme(name, "phrase", SOURCE, (side, x), frozenset(ids), r))
    return out


def holds(theme: Theme, item: str, tables: Tables) -> bool:
    return theme.key in partners(item, tables)
