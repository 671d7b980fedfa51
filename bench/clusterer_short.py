"""``bench/clusterer.py --short``: the clusterer on short lists (issue #28).

Lists come from bench/short_lists.py: 1,000 seeded lists of WordNet categories from the
*tuning* half of the categories (the short-list path's constants are chosen on them only),
1,000 from the *test* half (the figures), and 1,000 each from the AP and BLESS categories
(never used for choosing anything). Per list the default path (``cluster_vectors`` with the
list's words and WordNet, as the CLI runs it) is scored against the true groups: an *exact*
split (adjusted Rand index 1; a one-group list must come out as one group), the ARI, the
same given ``--clusters`` = the true number of groups, and the share of clusters the namer
names with a name that is not generic (every cluster counted, single words included).

``--fit`` first chooses the constants on 3,000 tuning lists (those 1,000 and 2,000 more of
the tuning categories, :data:`EXTRA_TUNING_SEEDS`) and prints them:

- the pair model (``shortlist.PAIR_WEIGHTS``): logistic regression (C = 10) on every pair
  of every tuning list, "same group" as the label;
- the partition score's constants (``GROUP_BIAS``, ``GROUP_COST``): the grid point
  (WORDNET_BIASES x WORDNET_COSTS) with the most exact splits on the tuning lists (ties:
  the higher mean ARI);
- the same for the path without WordNet (``VECTOR_WEIGHTS``, ``VECTOR_BIAS``,
  ``VECTOR_COST``: GloVe's features only).

    python bench/clusterer.py --short [--fit]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from short_lists import (  # noqa: E402
    concept_categories,
    concept_lists,
    split_categories,
    wordnet_lists,
)

LISTS = 1000
SEEDS = {"tune": 1, "test": 2, "ap": 3, "bless": 4}
#: --fit reads 3,000 tuning lists: the 1,000 of the "tune" row and 2,000 more of the same
#: (tuning) categories drawn with these seeds; never a list of the test half
EXTRA_TUNING_SEEDS = (101, 102)
BIASES = (-3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 1.0)
GROUP_COSTS = (0.0, 1.0, 2.0, 4.0, 8.0, 12.0, 16.0, 24.0)
#: the grid of the path with WordNet (its pair model with the sibling feature wants a higher
#: bias than BIASES reach)
WORDNET_BIASES = (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
WORDNET_COSTS = (8.0, 12.0, 16.0, 20.0, 24.0, 32.0)
#: the issue's own examples: shown, never used to choose anything
EXAMPLES = ("apple pear hammer saw dog cat",
            "apple pear banana hammer saw drill dog cat horse",
            "soccer tennis golf")


class GloveRows:
    """GloVe's unit rows of any words (one index for the whole bench)."""

    def __init__(self) -> None:
        from textseq_plugins.clusterer.graph import unit_rows

        from textseq_tui.ml import glove_matrix, glove_words

        self.index = {w: i for i, w in enumerate(glove_words())}
        self.matrix = glove_matrix()
        self.unit_rows = unit_rows

    def __call__(self, words: list[str]) -> np.ndarray:
        rows = np.asarray([self.index[w] for w in words], dtype=np.int64)
        return self.unit_rows(np.asarray(self.matrix[rows], dtype=np.float32))


def all_lists(wordnet) -> dict[str, list[list[tuple[str, str]]]]:
    halves = split_categories(wordnet)
    out = {half: wordnet_lists(wordnet, halves[half], LISTS, SEEDS[half])
           for half in ("tune", "test")}
    for name, cats in concept_categories().items():
        out[name] = concept_lists(cats, LISTS, SEEDS[name])
    return out


def ari(truth, labels) -> float:
    from sklearn.metrics import adjusted_rand_score

    if len(set(truth)) == 1 and len(set(labels)) == 1:
        return 1.0
    return float(adjusted_rand_score(truth, labels))


def featurise(glove, wordnet, lists) -> list[tuple]:
    from textseq_plugins.clusterer.shortlist import pair_features

    out = []
    for rows in lists:
        words = [w for w, _ in rows]
        truth = np.unique([c for _, c in rows], return_inverse=True)[1]
        out.append((words, truth, pair_features(glove(words), words, wordnet)))
    return out


def fit(tuning: list[tuple]) -> dict:
    """The pair weights and the partition constants chosen on the tuning lists."""
    from sklearn.linear_model import LogisticRegression
    from textseq_plugins.clusterer.shortlist import pair_log_odds, short_partition

    x, y = [], []
    for words, truth, feats in tuning:
        upper = np.triu_indices(len(words), 1)
        x.append(feats[upper][:, 1:])
        y.append((truth[:, None] == truth[None, :])[upper])
    model = LogisticRegression(C=10.0, max_iter=5000).fit(np.vstack(x), np.concatenate(y))
    weights = [round(float(model.intercept_[0]), 3), *(round(float(v), 3)
                                                       for v in model.coef_[0])]
    odds = [pair_log_odds(f, weights) for _, _, f in tuning]
    grid = []
    for bias in WORDNET_BIASES:
        for cost in WORDNET_COSTS:
            scores = [ari(truth, short_partition(o, bias=bias, group_cost=cost)[0])
                      for o, (_, truth, _) in zip(odds, tuning, strict=True)]
            grid.append(((float(np.mean(np.equal(scores, 1.0))), float(np.mean(scores))),
                         (bias, cost)))
    grid.sort(key=lambda g: g[0], reverse=True)
    (exact, mean_ari), (bias, cost) = grid[0]
    return {"pair_weights": weights, "group_bias": bias, "group_cost": cost,
            "vectors_only": fit_vectors_only(tuning), "tune_exact": round(exact, 4), "tune_ari": round(mean_ari, 4),
            "top": [[list(g[1]), round(g[0][0], 4), round(g[0][1], 4)] for g in grid[:8]]}


def fit_vectors_only(tuning: list[tuple]) -> dict:
    """The same choice for the pair model without WordNet (``shortlist.VECTOR_*``)."""
    from sklearn.linear_model import LogisticRegression
    from textseq_plugins.clusterer.shortlist import (
        FEATURES,
        VECTOR_FEATURES,
        pair_log_odds,
        short_partition,
        vector_weights,
    )

    columns = [FEATURES.index(name) for name in VECTOR_FEATURES[1:]]
    x, y = [], []
    for words, truth, feats in tuning:
        upper = np.triu_indices(len(words), 1)
        x.append(feats[upper][:, columns])
        y.append((truth[:, None] == truth[None, :])[upper])
    model = LogisticRegression(C=10.0, max_iter=5000).fit(np.vstack(x), np.concatenate(y))
    weights = [round(float(model.intercept_[0]), 3), *(round(float(v), 3)
                                                       for v in model.coef_[0])]
    odds = [pair_log_odds(f, vector_weights(weights)) for _, _, f in tuning]
    grid = []
    for bias in BIASES:
        for cost in GROUP_COSTS:
            scores = [ari(truth, short_partition(o, bias=bias, group_cost=cost)[0])
                      for o, (_, truth, _) in zip(odds, tuning, strict=True)]
            grid.append(((float(np.mean(np.equal(scores, 1.0))), float(np.mean(scores))),
                         (bias, cost)))
    (exact, mean_ari), (bias, cost) = max(grid, key=lambda g: g[0])
    return {"weights": weights, "bias": bias, "cost": cost, "tune_exact": round(exact, 4),
            "tune_ari": round(mean_ari, 4)}


def evaluate(glove, wordnet, lists) -> dict:
    """The shipped path on each list: exact splits, ARI, given the true k, named clusters."""
    from textseq_plugins.clusterer.model import ClusterSettings, cluster_vectors

    from textseq_tui.ml import is_generic_name, name_group

    exact = exact_k = named = clusters = exact_vectors = 0
    aris, seconds = [], []
    for rows in lists:
        words = [w for w, _ in rows]
        truth = np.unique([c for _, c in rows], return_inverse=True)[1]
        unit = glove(words)
        started = time.perf_counter()
        labels = cluster_vectors(unit, ClusterSettings(), words=words, wordnet=wordnet).labels
        seconds.append(time.perf_counter() - started)
        score = ari(truth, labels)
        aris.append(score)
        exact += score == 1.0
        given = cluster_vectors(unit, ClusterSettings(clusters=int(truth.max()) + 1),
                                words=words, wordnet=wordnet).labels
        exact_k += ari(truth, given) == 1.0
        alone = cluster_vectors(unit, ClusterSettings(), words=words).labels  # no WordNet
        exact_vectors += ari(truth, alone) == 1.0
        for c in np.unique(labels):
            members = [w for w, label in zip(words, labels, strict=True) if label == c]
            found = name_group(wordnet, members)
            named += found is not None and not is_generic_name(found.name)
            clusters += 1
    return {"lists": len(lists), "exact": round(exact / len(lists), 4),
            "mean_ari": round(float(np.mean(aris)), 4),
            "exact_given_k": round(exact_k / len(lists), 4),
            "exact_without_wordnet": round(exact_vectors / len(lists), 4),
            "named": round(named / max(clusters, 1), 4), "clusters": clusters,
            "words_mean": round(float(np.mean([len(r) for r in lists])), 1),
            "ms_per_list_median": round(1000 * float(np.median(seconds)), 1)}


def examples(glove, wordnet) -> list[dict]:
    from textseq_plugins.clusterer.model import ClusterSettings, cluster_vectors

    from textseq_tui.ml import name_group

    out = []
    for text in EXAMPLES:
        words = text.split()
        labels = cluster_vectors(glove(words), ClusterSettings(), words=words,
                                 wordnet=wordnet).labels
        groups = []
        for c in np.unique(labels):
            members = [w for w, label in zip(words, labels, strict=True) if label == c]
            found = name_group(wordnet, members)
            groups.append({"words": members, "name": found.name if found else None})
        out.append({"list": text, "groups": groups})
    return out


def short_figures(do_fit: bool = False, previous: dict | None = None) -> dict:
    from textseq_plugins.clusterer import shortlist

    from textseq_tui.wordnet import WordNet, shipped_model_dir

    wordnet = WordNet(shipped_model_dir())
    glove = GloveRows()
    lists = all_lists(wordnet)
    out: dict = {}
    if do_fit:
        halves = split_categories(wordnet)
        tuning = lists["tune"] + [rows for seed in EXTRA_TUNING_SEEDS
                                  for rows in wordnet_lists(wordnet, halves["tune"], LISTS, seed)]
        out["chosen"] = chosen = fit(featurise(glove, wordnet, tuning))
        print(chosen, flush=True)
        # the figures below are the fit's choice (ship it: tests check the two agree)
        shortlist.PAIR_WEIGHTS = tuple(chosen["pair_weights"])
        shortlist.GROUP_BIAS, shortlist.GROUP_COST = chosen["group_bias"], chosen["group_cost"]
        alone = chosen["vectors_only"]
        shortlist.VECTOR_WEIGHTS = tuple(alone["weights"])
        shortlist.VECTOR_BIAS, shortlist.VECTOR_COST = alone["bias"], alone["cost"]
    elif previous and "chosen" in previous:
        out["chosen"] = previous["chosen"]  # the last fit's record, kept
    out["evaluated"] = {"pair_weights": list(shortlist.PAIR_WEIGHTS),
                        "group_bias": shortlist.GROUP_BIAS,
                        "group_cost": shortlist.GROUP_COST,
                        "vector_weights": list(shortlist.VECTOR_WEIGHTS),
                        "vector_bias": shortlist.VECTOR_BIAS,
                        "vector_cost": shortlist.VECTOR_COST}
    out["sets"] = {name: evaluate(glove, wordnet, rows) for name, rows in lists.items()}
    out["examples"] = examples(glove, wordnet)
    return out


def short_table(short: dict) -> str:
    lines = ["| short lists (1 to 5 groups of 2 to 6 words) | lists | exact splits | mean ARI "
             "| exact given the true k | exact without WordNet | clusters named (not "
             "generic) | ms per list |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in short["sets"].items():
        lines.append(f"| {name} | {r['lists']} | {r['exact']:.1%} | {r['mean_ari']:.3f} | "
                     f"{r['exact_given_k']:.1%} | {r['exact_without_wordnet']:.1%} | "
                     f"{r['named']:.1%} of {r['clusters']} | {r['ms_per_list_median']} |")
    for example in short.get("examples", []):
        groups = "; ".join(f"{g['name'] or '-'}: {' '.join(g['words'])}"
                           for g in example["groups"])
        lines.append(f"\n`{example['list']}` -> {groups}")
    return "\n".join(lines)
