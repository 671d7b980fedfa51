"""The default method: average-linkage seeds refined by spherical k-means.

Average-linkage agglomerative clustering of (a sample of at most ``sample`` of) the words,
cut at a cosine distance derived from the data (:func:`default_cut`: the sample's median
pairwise distance and its size), gives the number of groups and their seeds; spherical
k-means started from those seeds then assigns every word. Memory is bounded (a ``sample x
sample`` distance vector and block-wise k-means), so it runs up to the 400k GloVe
vocabulary. ``--clusters N`` cuts the tree into :func:`hint_seeds` groups instead.
"""

from __future__ import annotations

from typing import Any

from textseq_plugins.clusterer.kmeans import group_seeds, mean_directions, spherical_kmeans

#: The linkage method's default cut (cosine distance) is
#: ``CUT_SCALE * median pairwise distance + CUT_LOG * log10(n)``: both constants were chosen
#: by leave-one-dataset-out over AP, BLESS and WordNet category sets (bench/clusterer.py).
CUT_SCALE = 0.98
CUT_LOG = -0.10
#: Groups of the cut smaller than ``SEED_SCALE * sqrt(n)`` words seed no cluster (also LODO).
SEED_SCALE = 0.15
#: A merge more than GAP times higher than every merge inside its two (seed-sized) children
#: is a clear gap and is never taken (on the word sets of the benchmark the largest such
#: ratio below the cut is 2.3; between well-separated synthetic blobs it is 3 to 5).
GAP = 2.5
#: ``--clusters N`` (the linkage method): seeds are taken at ``HINT_FACTOR * N`` groups of
#: the tree for sets of at least HINT_MIN_WORDS words, at N groups below (LODO given the
#: true number of categories, bench/clusterer.py: more seeds than categories fit the uneven
#: categories of large sets better, and split the 12-15-word lists).
HINT_FACTOR = 1.75
HINT_MIN_WORDS = 30


def default_cut(median_distance: float, n: int) -> float:
    """The cosine distance at which the average-linkage tree is cut when ``--cut`` is not
    given: ``CUT_SCALE * median pairwise distance + CUT_LOG * log10(n)``, in [0.05, 1.5].

    A set whose words are all close (BLESS: median distance 0.79) is cut lower than a
    spread-out one (WordNet categories: 0.96), and a larger set a little lower (its groups
    are denser, so their average distance is smaller than in a 12-word list).
    """
    import math

    return float(min(1.5, max(0.05, CUT_SCALE * median_distance
                              + CUT_LOG * math.log10(max(n, 2)))))


def linkage_tree(unit: Any, sample: int = 4000, seed: int = 0) -> tuple[Any, Any, float]:
    """Average-linkage tree (scipy) of at most ``sample`` rows of ``unit`` on cosine
    distance (float64; ``sample^2`` x 8 bytes while the distances are built):
    ``(rows, tree, median pairwise distance)``; ``rows`` are the sampled row
    indices (all rows when there are at most ``sample``; else a seeded random sample)."""
    import numpy as np
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    n = unit.shape[0]
    rows = np.arange(n)
    if n > sample:
        rows = np.sort(np.random.default_rng(seed).choice(n, sample, replace=False))
    part = unit[rows].astype(np.float64)
    part /= np.maximum(np.linalg.norm(part, axis=1, keepdims=True), 1e-300)
    # 1 - cosine as one matrix product (3x faster than pdist's loop), condensed like pdist.
    square = part @ part.T
    np.subtract(1.0, square, out=square)
    np.clip(square, 0.0, 2.0, out=square)
    np.fill_diagonal(square, 0.0)
    dist = squareform(square, checks=False)
    del square
    return rows, linkage(dist, "average"), float(np.median(dist))


def default_min_seed(n: int, sampled: int | None = None) -> int:
    """Fewest words of a cut group that seeds a cluster: ``SEED_SCALE * sqrt(n)`` words of
    the whole set, which is ``SEED_SCALE * sampled / sqrt(n)`` of a sample; at least 2."""
    import math

    sampled = n if sampled is None else sampled
    return max(2, round(SEED_SCALE * math.sqrt(n) * sampled / max(n, 1)))


def cut_tree(tree: Any, threshold: float, min_seed: int, gap: float | None = None) -> Any:
    """Flat groups (ids from 1) of an average-linkage ``tree``: no merge above ``threshold``
    and no *gap merge*, one whose height is more than ``gap`` (default :data:`GAP`) times
    the highest merge inside either child while both children have ``min_seed`` words or
    more: two tight groups far apart stay two, wherever the threshold is."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster

    gap = GAP if gap is None else gap
    n = tree.shape[0] + 1
    height = np.zeros(2 * n - 1)
    size = np.ones(2 * n - 1)
    worst = np.zeros(2 * n - 1)  # the largest "cost" in each subtree (monotone)
    for i, (a, b, h, count) in enumerate(tree):
        a, b = int(a), int(b)
        height[n + i], size[n + i] = h, count
        cost = h / max(threshold, 1e-12)
        if size[a] >= min_seed and size[b] >= min_seed and h > gap * max(height[a], height[b]):
            cost = max(cost, 2.0)
        worst[n + i] = max(cost, worst[a], worst[b])
    return fcluster(tree, 1.0, "monocrit", monocrit=worst[n:])


def tree_seeds(unit: Any, rows: Any, tree: Any, threshold: float, min_seed: int) -> Any:
    """Unit centroids ``(k, dim)`` of the groups of at least ``min_seed`` rows that cutting
    ``tree`` (over ``unit[rows]``) at ``threshold`` gives; the largest group when none is
    that big."""
    return group_seeds(unit[rows], cut_tree(tree, threshold, min_seed), min_seed)


def linkage_kmeans(matrix: Any, *, cut: float | None = None, min_seed: int | None = None,
                   sample: int = 4000, seed: int = 0,
                   max_iter: int = 30) -> tuple[Any, dict[str, Any]]:
    """Average-linkage seeds refined by spherical k-means; ``(labels, info)``.

    1. At most ``sample`` words (a seeded random sample when there are more) are clustered
       by average linkage on cosine distance (:func:`linkage_tree`).
    2. The tree is cut at ``cut`` (default :func:`default_cut` of the sample's median
       pairwise distance and the number of words); the groups of at least ``min_seed``
       words (default :func:`default_min_seed`: a group of a sample must stand for as many
       words of the whole set as a group of the whole set would need) give the number of
       clusters and their starting centroids; smaller groups are outliers or fragments,
       not clusters of their own.
    3. Spherical k-means from those centroids assigns every word (block-wise).
    """
    from textseq_plugins.clusterer.graph import unit_rows

    unit = unit_rows(matrix)
    n = unit.shape[0]
    rows, tree, median = linkage_tree(unit, sample, seed)
    # On a sample, the cut and the seed size are those the whole set would get.
    threshold = default_cut(median, n) if cut is None else float(cut)
    smallest = default_min_seed(n, rows.size) if min_seed is None else int(min_seed)
    centroids = tree_seeds(unit, rows, tree, threshold, smallest)
    labels, iterations = spherical_kmeans(unit, centroids, max_iter)
    info = {"cut": round(threshold, 4), "median_distance": round(median, 4),
            "sampled": int(rows.size), "min_seed": smallest, "seeds": int(centroids.shape[0]),
            "iterations": iterations}
    return labels, info


def tree_seeds_k(unit: Any, rows: Any, tree: Any, k: int, min_seed: int = 2) -> Any:
    """Unit centroids of the cut of ``tree`` (over ``unit[rows]``) into the fewest groups
    that give ``k`` groups of ``min_seed`` rows or more (the cut with the most such groups
    when ``k`` is out of reach): seeds for a wanted number of clusters."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster

    m = rows.size

    def big(t: int) -> tuple[Any, Any]:
        groups = fcluster(tree, t, "maxclust")
        ids, counts = np.unique(groups, return_counts=True)
        return groups, ids[counts >= min_seed]

    k = max(1, min(int(k), m))
    lo, hi = k, m
    while lo < hi:  # the fewest groups with k big ones (their count grows with t, mostly)
        mid = (lo + hi) // 2
        if big(mid)[1].size >= k:
            hi = mid
        else:
            lo = mid + 1
    groups, keep = big(lo)
    if keep.size < k:
        tries = np.unique(np.geomspace(max(k, 2), max(m, 2), 25).astype(int))
        groups, keep = max((big(int(t)) for t in tries), key=lambda r: r[1].size)
    if keep.size == 0:
        keep = np.unique(groups)[:1]
    lookup = np.full(groups.max() + 1, -1, dtype=np.int64)
    lookup[keep] = np.arange(keep.size)
    seeded = lookup[groups]
    ok = seeded >= 0
    return mean_directions(unit[rows[ok]], seeded[ok], keep.size)


def hint_seeds(clusters: int, n: int, factor: float | None = None,
               min_words: int | None = None) -> int:
    """Seeds for ``--clusters N`` on ``n`` words: ``round(factor * N)`` (default
    :data:`HINT_FACTOR`) from ``min_words`` words up (default :data:`HINT_MIN_WORDS`),
    N below; never more than ``n``."""
    factor = HINT_FACTOR if factor is None else factor
    small = n < (HINT_MIN_WORDS if min_words is None else min_words)
    return int(max(1, min(n, clusters if small else round(factor * clusters))))


def hint_kmeans(matrix: Any, clusters: int, *, factor: float | None = None,
                sample: int = 4000, seed: int = 0,
                max_iter: int = 30) -> tuple[Any, dict[str, Any]]:
    """The linkage method given ``--clusters N`` ("about N groups"): the average-linkage
    tree is cut into :func:`hint_seeds` seed groups (on the benchmark's sets the tree's
    groups are uneven, so a few more seeds than groups wanted fit the categories better),
    then spherical k-means from them assigns every word."""
    from textseq_plugins.clusterer.graph import unit_rows

    unit = unit_rows(matrix)
    rows, tree, median = linkage_tree(unit, sample, seed)
    wanted = hint_seeds(clusters, unit.shape[0], factor)
    centroids = tree_seeds_k(unit, rows, tree, min(wanted, rows.size))
    labels, iterations = spherical_kmeans(unit, centroids, max_iter)
    return labels, {"hint": int(clusters), "median_distance": round(median, 4),
                    "sampled": int(rows.size), "seeds": int(centroids.shape[0]),
                    "iterations": iterations}
