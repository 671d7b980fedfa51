"""Likely names of clusters from a WordNet-derived table (the ``category-names`` model).

The registry model ``wordnet-category-names`` (built by ``bench/wordnet_sets.py --names``)
lists, for about 10,000 common words, the nameable WordNet categories above the word's
first noun sense. A cluster's likely name is the most specific category (fewest words in
WordNet under it) that at least 60 % of the cluster's known words, and two or more, share.
Pure Python and JSON: no WordNet at run time, nothing unpickled.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

KIND = "category-names"
DEFAULT_MODEL = "wordnet-category-names"
#: Share of a cluster's known words a name must cover (0.5 named piano guitar violin drum
#: "percussion instrument" after piano and drum).
MIN_SHARE = 0.6


class CategoryNames:
    """The names table: ``categories[i]`` (a name), ``counts[i]`` (its WordNet size) and
    ``words`` (word -> category ids)."""

    def __init__(self, table: dict[str, Any]) -> None:
        self.categories: list[str] = list(table["categories"])
        self.counts: list[int] = list(table["counts"])
        self.words: dict[str, list[int]] = table["words"]

    def name(self, words: Iterable[str]) -> str | None:
        """The likely name of a group of words, or None when no category covers enough."""
        known = [self.words[w.lower()] for w in words if w.lower() in self.words]
        if len(known) < 2:
            return None
        hits = Counter(c for ids in known for c in ids)
        needed = max(2, MIN_SHARE * len(known))
        covering = [c for c, count in hits.items() if count >= needed]
        if not covering:
            return None
        best = min(covering, key=lambda c: (self.counts[c], -hits[c], self.categories[c]))
        return self.categories[best]


def load(model_dir: Path | str, device: str = "cpu") -> CategoryNames:
    """Registry loader of a ``category-names`` model directory (``names.json``)."""
    return CategoryNames(json.loads((Path(model_dir) / "names.json").read_text("utf-8")))


def cluster_names(registry: Any, groups: dict[int, list[str]]) -> dict[int, str]:
    """``{cluster: likely name}`` for the clusters that get one; empty when the names model
    cannot be loaded (a missing optional model must not stop a clustering)."""
    from textseq_tui.plugin import TextseqError

    try:
        table = registry.load(DEFAULT_MODEL, kind=KIND)
    except TextseqError:
        return {}
    out = {}
    for cluster, words in groups.items():
        name = table.name(words)
        if name:
            out[cluster] = name
    return out


def name_clusters(registry: Any, words: list[str], labels: Any,
                  central: dict[int, Any]) -> dict[int, str]:
    """Likely names of the clusters listed in ``central`` (those the run keeps central
    words for), from all their words: ``labels[i]`` is ``words[i]``'s cluster."""
    groups: dict[int, list[str]] = {int(c): [] for c in central}
    for word, label in zip(words, labels.tolist(), strict=True):
        if label in groups:
            groups[label].append(word)
    return cluster_names(registry, groups)
