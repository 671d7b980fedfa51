"""Likely cluster names from the one WordNet namer (textseq_tui.ml.name_group)."""

from __future__ import annotations

import numpy as np
from textseq_plugins.clusterer.clusterings import name_clusters

GROUPS = ["apple pear banana cherry grape", "cat dog horse cow sheep", "red blue green yellow",
          "piano guitar violin drum", "hammer chisel drill wrench screwdriver",
          "even but so because not"]


def _clustering() -> tuple[list[str], np.ndarray, dict[int, list[int]]]:
    words, labels = [], []
    for label, group in enumerate(GROUPS):
        words += group.split()
        labels += [label] * len(group.split())
    central = {c: [i for i, label in enumerate(labels) if label == c][:2]
               for c in range(len(GROUPS))}
    return words, np.array(labels), central


def test_the_shipped_wordnet_names_the_issue_lists(host):
    registry = host.plugin("clusterer").context.registry
    names = name_clusters(registry, *_clustering())
    # function words have no WordNet category, but are of one grammatical kind
    assert names == {0: "fruit", 1: "mammal", 2: "color", 3: "musical instrument", 4: "tool",
                     5: "function words"}


def test_a_missing_wordnet_model_means_no_names():
    class NoModels:
        def load_default(self, kind):
            from textseq_tui.plugin import ModelError

            raise ModelError(f"no default model of kind {kind!r}")

    assert name_clusters(NoModels(), *_clustering()) == {}
