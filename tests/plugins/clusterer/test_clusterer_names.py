"""Likely cluster names from the WordNet-derived names table (the category-names model)."""

from __future__ import annotations

from textseq_plugins.clusterer.names import CategoryNames, cluster_names

TABLE = {"categories": ["fruit", "food", "tool"], "counts": [40, 900, 60],
         "words": {"apple": [0, 1], "pear": [0, 1], "bread": [1], "cake": [1], "hammer": [2],
                   "drill": [2]}}


def test_the_most_specific_category_most_words_share_names_the_group():
    names = CategoryNames(TABLE)
    assert names.name(["apple", "pear", "Banana"]) == "fruit"
    assert names.name(["apple", "pear", "bread", "cake"]) == "food"  # fruit: 2 of 4
    assert names.name(["apple", "hammer"]) is None  # nothing shared
    assert names.name(["apple", "qwzxvvq"]) is None  # one known word is not enough


def test_the_shipped_names_model_names_the_issue_lists(host):
    registry = host.plugin("clusterer").context.registry
    names = cluster_names(registry, {
        0: "apple pear banana cherry grape".split(), 1: "cat dog horse cow sheep".split(),
        2: "red blue green yellow".split(), 3: "piano guitar violin drum".split(),
        4: "hammer chisel drill wrench screwdriver".split()})
    assert names == {0: "edible fruit", 1: "mammal", 2: "color", 3: "musical instrument",
                     4: "tool"}


def test_a_missing_names_model_means_no_names():
    class NoModels:
        def load(self, name, kind=None):
            from textseq_tui.plugin import ModelError

            raise ModelError(f"no model named {name!r}")

    assert cluster_names(NoModels(), {0: ["apple", "pear"]}) == {}
