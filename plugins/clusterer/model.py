"""Clustering without choosing k: average-linkage seeds refined by spherical k-means (the
default), Chinese Whispers on a kNN graph, or DBSCAN.

- :func:`linkage_kmeans` (default, ``method="linkage"``): average-linkage agglomerative
  clustering of (a sample of at most ``sample`` of) the words, cut at a cosine distance
  derived from the data (:func:`default_cut`: the sample's median pairwise distance and its
  size), gives the number of groups and their seeds; spherical k-means started from those
  seeds then assigns every word. Memory is bounded (a ``sample x sample`` distance vector
  and block-wise k-means), so it runs from 3 words to the 400k GloVe vocabulary.
- :func:`chinese_whispers` (Biemann 2006) on a sparse graph, vectorised with numpy: nodes
  are visited in a seeded random order in small chunks; each node of a chunk takes the
  label with the largest summed (weighted) edge weight among its neighbours. A chunk is
  updated at once, so a node sees its neighbours' labels from earlier chunks of the same
  pass, as in the sequential algorithm, except for neighbours in its own chunk (a small
  fraction of 1/64 of the graph).
- :func:`dbscan` (scikit-learn) with cosine distance, and :func:`suggest_eps` from the
  k-distance curve.
- :func:`cluster_vectors` ties a :class:`~.graph.KnnGraph` and a method together with the
  settings in :class:`ClusterSettings`.

Cluster ids are renumbered 0, 1, 2, ... by decreasing size; -1 is noise (DBSCAN's noise, or
words in clusters smaller than ``min_size``).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from textseq_tui.plugin import BadInput

WEIGHTINGS = ("top", "linear", "log")
METHODS = ("linkage", "cw", "dbscan", "leiden")
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
#: Up to this many words the neighbours graph is exact over all words (under a second at
#: 20,000); the linkage method searches larger sets within each cluster.
EXACT_GRAPH_LIMIT = 50_000
#: Leiden (``method="leiden"``): a kNN graph of ``LEIDEN_K * ln(n)`` neighbours (at least 3),
#: edges weighted by LEIDEN_WEIGHTS (cosine | snn), modularity at resolution
#: ``LEIDEN_RESOLUTION * (n / 1000) ** LEIDEN_RESOLUTION_LOG``; communities of at least
#: ``LEIDEN_SEED_SCALE * sqrt(n)`` words seed spherical k-means. Chosen by
#: leave-one-dataset-out (bench/clusterer.py).
LEIDEN_K = 1.5
LEIDEN_WEIGHTS = "cosine"
LEIDEN_RESOLUTION = 6.4
LEIDEN_RESOLUTION_LOG = 0.4
LEIDEN_SEED_SCALE = 0.1
#: ``--clusters N`` (the linkage method): seeds are taken at ``HINT_FACTOR * N`` groups of
#: the tree for sets of at least HINT_MIN_WORDS words, at N groups below (LODO given the
#: true number of categories, bench/clusterer.py: more seeds than categories fit the uneven
#: categories of large sets better, and split the 12-15-word lists).
HINT_FACTOR = 1.75
HINT_MIN_WORDS = 30
#: Fewest words for the clustering to mean anything.
MIN_WORDS = 3
_ALIASES = {"lin": "linear", "nolog": "linear"}


@dataclass
class ClusterSettings:
    """Every knob of a clustering run (stored with the run).

    Graph: ``k`` neighbours per word, ``mutual`` kNN (keep i-j only if each lists the other),
    ``threshold`` minimum cosine of an edge. Chinese Whispers: ``weighting`` (top | linear |
    log, by neighbour degree), ``max_passes``, ``seed``. DBSCAN: ``eps`` (cosine distance;
    None: suggested from the k-distance curve by ``eps_rule``), ``min_samples``. Both: ``min_size``: words in
    smaller clusters are reported as noise (-1). Linkage: ``cut`` (cosine distance at which
    the average-linkage tree is cut; None: :func:`default_cut`), ``min_seed`` (groups of the
    cut with fewer words do not seed a cluster; None: :func:`default_min_seed`), ``sample`` (at most this many words build
    the tree, or the Leiden graph). Leiden: ``resolution`` (None: :data:`LEIDEN_RESOLUTION`),
    ``neighbours`` (None: :func:`leiden_neighbours`), ``min_seed``. Linkage and Leiden:
    ``clusters``, a hint of about how many groups are wanted (None: read off the data).
    """

    method: str = "linkage"
    k: int = 10
    mutual: bool = True
    threshold: float | None = None
    weighting: str = "top"
    max_passes: int = 30
    seed: int = 0
    eps: float | None = None
    min_samples: int = 4
    eps_rule: str = "most-clusters"
    min_size: int = 1
    cut: float | None = None
    min_seed: int | None = None
    sample: int = 4000
    clusters: int | None = None
    resolution: float | None = None
    neighbours: int | None = None

    def check(self) -> ClusterSettings:
        """Validate (raising BadInput with the bad option) and normalise aliases."""
        self.weighting = _ALIASES.get(self.weighting, self.weighting)
        if self.method not in METHODS:
            raise BadInput(f"--method must be one of {', '.join(METHODS)}, not {self.method!r}")
        if self.cut is not None and not 0.0 < self.cut < 2.0:
            raise BadInput(f"--cut is a cosine distance in (0, 2), got {self.cut}")
        if self.min_seed is not None and self.min_seed < 1:
            raise BadInput(f"--min-seed must be at least 1 (got {self.min_seed})")
        if self.clusters is not None and self.clusters < 1:
            raise BadInput(f"--clusters must be at least 1 (got {self.clusters})")
        if self.clusters is not None and self.method not in ("linkage", "leiden"):
            raise BadInput("--clusters is a hint for --method linkage or leiden, "
                           f"not {self.method}")
        if self.resolution is not None and not self.resolution > 0.0:
            raise BadInput(f"--resolution must be positive (got {self.resolution})")
        if self.neighbours is not None and self.neighbours < 1:
            raise BadInput(f"--neighbours must be at least 1 (got {self.neighbours})")
        if self.sample < 3:
            raise BadInput(f"--sample must be at least 3 (got {self.sample})")
        if self.weighting not in WEIGHTINGS:
            raise BadInput(f"--weighting must be one of {', '.join(WEIGHTINGS)}, "
                           f"not {self.weighting!r}")
        if self.k < 1:
            raise BadInput(f"--k must be at least 1 (got {self.k})")
        if self.max_passes < 1:
            raise BadInput(f"--max-passes must be at least 1 (got {self.max_passes})")
        if self.threshold is not None and not -1.0 <= self.threshold < 1.0:
            raise BadInput(f"--threshold is a cosine in [-1, 1), got {self.threshold}")
        if self.eps is not None and not 0.0 < self.eps <= 2.0:
            raise BadInput(f"--eps is a cosine distance in (0, 2], got {self.eps}")
        if self.min_samples < 1:
            raise BadInput(f"--min-samples must be at least 1 (got {self.min_samples})")
        if self.eps_rule not in ("knee", "most-clusters"):
            raise BadInput(f"--eps-rule must be knee or most-clusters, not {self.eps_rule!r}")
        if self.min_size < 1:
            raise BadInput(f"--min-size must be at least 1 (got {self.min_size})")
        return self

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Clustering:
    """A clustering: ``labels[i]`` is word i's cluster (0 = largest; -1 = noise)."""

    labels: Any
    settings: ClusterSettings
    info: dict[str, Any] = field(default_factory=dict)
    graph: Any = None  # the KnnGraph used (for neighbours in the app), when one was built

    @property
    def n_clusters(self) -> int:
        return int(self.labels.max()) + 1 if len(self.labels) else 0


def _neighbour_factor(weighting: str, degree: Any) -> Any:
    """Per-node vote multiplier of the reference implementation: 1, 1/deg, 1/log2(deg+1)."""
    import numpy as np

    deg = np.maximum(degree.astype(np.float64), 1.0)
    if weighting == "top":
        return np.ones_like(deg)
    if weighting == "linear":
        return 1.0 / deg
    return 1.0 / np.log2(deg + 1.0)


def chinese_whispers(
    graph: Any,
    *,
    weighting: str = "top",
    max_passes: int = 30,
    seed: int = 0,
    chunk: int | None = None,
) -> tuple[Any, dict[str, Any]]:
    """Chinese Whispers labels of a symmetric sparse graph ``(n, n)`` with positive weights.

    Returns ``(labels, info)``: int64 labels ``(n,)`` (arbitrary ids: node ids of the
    winning seeds) and ``{"passes", "converged", "changed_last"}``. Each node starts in its
    own class; a pass visits every node with neighbours in a random order; the run stops
    when a pass changes nothing (converged) or after ``max_passes``. Ties between labels
    are broken at random (seeded), as in the reference implementation.
    """
    import numpy as np
    import scipy.sparse as sp

    weighting = _ALIASES.get(weighting, weighting)
    if weighting not in WEIGHTINGS:
        raise BadInput(f"weighting must be one of {', '.join(WEIGHTINGS)}, not {weighting!r}")
    csr = sp.csr_matrix(graph)
    n = csr.shape[0]
    indptr = csr.indptr.astype(np.int64)
    nbrs = csr.indices.astype(np.int64)
    degree = np.diff(indptr)
    weights = csr.data.astype(np.float64) * _neighbour_factor(weighting, degree)[nbrs]
    labels = np.arange(n, dtype=np.int64)
    rng = np.random.default_rng(seed)
    active = np.flatnonzero(degree > 0)
    size = chunk or int(min(8192, max(1, n // 64)))
    # Jitter far below any real weight difference breaks exact ties at random.
    jitter_scale = 1e-9 * (float(weights.max()) if weights.size else 1.0)
    passes, changed = 0, 0
    while passes < max_passes:
        passes += 1
        order = rng.permutation(active)
        changed = 0
        for begin in range(0, order.size, size):
            nodes = order[begin:begin + size]
            starts, lengths = indptr[nodes], degree[nodes]
            total = int(lengths.sum())
            before = np.cumsum(lengths) - lengths
            edge = np.arange(total, dtype=np.int64) + np.repeat(starts - before, lengths)
            local = np.repeat(np.arange(nodes.size, dtype=np.int64), lengths)
            key = local * n + labels[nbrs[edge]]
            uniq, inverse = np.unique(key, return_inverse=True)
            score = np.bincount(inverse, weights=weights[edge], minlength=uniq.size)
            score += rng.random(uniq.size) * jitter_scale
            row = uniq // n
            best = np.lexsort((-score, row))  # by row, then by score descending
            first = best[np.r_[True, row[best][1:] != row[best][:-1]]]
            winners = uniq[first] % n
            targets = nodes[row[first]]
            changed += int(np.count_nonzero(labels[targets] != winners))
            labels[targets] = winners
        if changed == 0:
            break
    return labels, {"passes": passes, "converged": changed == 0, "changed_last": changed}


def renumber_by_size(labels: Any, min_size: int = 1) -> Any:
    """Labels renumbered 0.. by decreasing cluster size (ties: first occurrence first).

    Clusters smaller than ``min_size`` and existing noise (-1) become -1.
    """
    import numpy as np

    labels = np.asarray(labels)
    out = np.full(labels.shape, -1, dtype=np.int64)
    keep = labels >= 0
    if not keep.any():
        return out
    uniq, first, inverse, counts = np.unique(labels[keep], return_index=True,
                                             return_inverse=True, return_counts=True)
    order = np.lexsort((first, -counts))
    new_id = np.full(uniq.size, -1, dtype=np.int64)
    big = order[counts[order] >= min_size]
    new_id[big] = np.arange(big.size)
    out[keep] = new_id[inverse]
    return out


def k_distances(knn: Any, min_samples: int = 4) -> Any:
    """Sorted k-distance curve: each point's cosine distance to its ``(min_samples - 1)``-th
    nearest neighbour (min_samples counts the point itself, as in scikit-learn), ascending."""
    import numpy as np

    col = min(max(min_samples - 2, 0), knn.sims.shape[1] - 1)
    return np.sort(1.0 - np.asarray(knn.sims[:, col], dtype=np.float64))


def suggest_eps(knn: Any, min_samples: int = 4, rule: str = "most-clusters") -> float:
    """An eps (cosine distance) for DBSCAN read off the k-distance curve of a KnnGraph.

    - ``knee``: the point of the sorted curve farthest below the chord from its first to
      its last point (the "kneedle" rule). Word vectors rarely have a sharp knee, and this
      eps tends to merge most words into one cluster.
    - ``most-clusters`` (default): try the curve's 5th..60th percentiles and keep the eps
      with the most clusters weighted by the fraction of points they cover
      (``clusters x (1 - noise share)``; ties: the larger eps). It needs no labels and
      avoids both "all noise / many splinters" (tiny eps) and "one giant cluster" (large).
    """
    import numpy as np

    dist = k_distances(knn, min_samples)
    if rule == "knee":
        if dist.size < 3 or dist[-1] - dist[0] < 1e-12:
            return float(max(dist[-1], 1e-6))
        x = np.linspace(0.0, 1.0, dist.size)
        y = (dist - dist[0]) / (dist[-1] - dist[0])
        return float(max(dist[int(np.argmax(x - y))], 1e-6))
    if rule != "most-clusters":
        raise BadInput(f"eps rule must be knee or most-clusters, not {rule!r}")
    best_eps, best_count = float(np.quantile(dist, 0.5)), -1
    for q in np.linspace(0.05, 0.60, 12):
        eps = float(max(np.quantile(dist, q), 1e-6))
        labels = dbscan(None, eps, min_samples, graph=knn)
        count = (int(labels.max()) + 1) * float((labels >= 0).mean())
        if count >= best_count:
            best_eps, best_count = eps, count
    return best_eps


def dbscan(matrix: Any, eps: float, min_samples: int = 4, graph: Any = None) -> Any:
    """DBSCAN with cosine distance; int64 labels ``(n,)``, -1 = noise.

    Without ``graph``: scikit-learn's exact DBSCAN on unit vectors (memory bounded by its
    chunked distances; about 20 s for 20,000 words). With a :class:`~.graph.KnnGraph`:
    the same definition on the graph, vectorised with scipy: a point is core when it has
    ``min_samples`` points (itself included) within ``eps``, clusters are the connected
    components of core points within ``eps`` of each other, and a border point joins its
    nearest core neighbour's cluster. Core points are exact when
    ``k >= min_samples - 1``; only chains through pairs outside both kNN lists are missed
    (the tests check it equals scikit-learn's result when k covers the data).
    """
    import numpy as np

    if graph is None:
        from sklearn.cluster import DBSCAN
        from textseq_plugins.clusterer.graph import unit_rows

        model = DBSCAN(eps=eps, min_samples=min_samples, metric="cosine", algorithm="brute")
        return model.fit_predict(unit_rows(matrix)).astype(np.int64)
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    n, k = graph.indices.shape
    dist = 1.0 - graph.sims.astype(np.float64)
    near = dist <= eps
    # Distances are nudged above 0 so a stored zero is never mistaken for a missing edge.
    rows = np.repeat(np.arange(n), k)[near.reshape(-1)]
    adj = sp.csr_matrix((np.maximum(dist[near], 1e-12), (rows, graph.indices[near])),
                        shape=(n, n))
    adj = adj.maximum(adj.T).tocsr()
    core = np.diff(adj.indptr) + 1 >= min_samples
    labels = np.full(n, -1, dtype=np.int64)
    core_idx = np.flatnonzero(core)
    if core_idx.size == 0:
        return labels
    _, comp = connected_components(adj[core_idx][:, core_idx], directed=False)
    labels[core_idx] = comp
    border = adj[~core][:, core_idx].tocoo()
    if border.nnz:
        order = np.lexsort((border.data, border.row))  # by row, nearest core first
        first = order[np.r_[True, border.row[order][1:] != border.row[order][:-1]]]
        labels[np.flatnonzero(~core)[border.row[first]]] = comp[border.col[first]]
    return labels


def all_identical(unit: Any, tol: float = 1e-6) -> bool:
    """True when every row of the unit-length ``unit`` ``(n, dim)`` is the same direction."""
    import numpy as np

    first = unit[0]
    return all(float(np.abs(unit[i:i + 65536] - first).max()) <= tol
               for i in range(0, unit.shape[0], 65536))


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


def _assign(unit: Any, centroids: Any, block: int = 32768) -> Any:
    """Index of the most similar centroid of every row (block-wise: memory ``block x k``)."""
    import numpy as np

    out = np.empty(unit.shape[0], dtype=np.int64)
    for start in range(0, unit.shape[0], block):
        out[start:start + block] = np.argmax(unit[start:start + block] @ centroids.T, axis=1)
    return out


def _centroids(unit: Any, labels: Any, k: int) -> Any:
    """Unit-length mean direction of each label 0..k-1 (an empty label gets a zero row)."""
    import numpy as np
    import scipy.sparse as sp

    n = unit.shape[0]
    member = sp.csr_matrix((np.ones(n, dtype=np.float32), (labels, np.arange(n))), shape=(k, n))
    sums = np.asarray(member @ unit, dtype=np.float32)
    return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)


def spherical_kmeans(unit: Any, centroids: Any, max_iter: int = 30,
                     tol: float = 1e-3) -> tuple[Any, int]:
    """Lloyd iterations on the sphere from ``centroids`` ``(k, dim)``: each word joins the
    centroid of largest cosine, centroids become their members' mean direction; clusters
    that empty are dropped. Stops when at most a share ``tol`` of the words (1 in
    1,000 by default) changed cluster, or after ``max_iter``. Returns ``(labels, iterations)``."""
    import numpy as np

    labels = _assign(unit, centroids)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - reported after the loop
        used, labels = np.unique(labels, return_inverse=True)
        centroids = _centroids(unit, labels, used.size)
        new = _assign(unit, centroids)
        changed = int(np.count_nonzero(new != labels))
        labels = new
        if changed <= tol * labels.size:
            break
    return np.unique(labels, return_inverse=True)[1], iterations


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
    return _centroids(unit[rows[ok]], seeded[ok], keep.size)


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


def leiden_neighbours(n: int, scale: float | None = None) -> int:
    """Neighbours per word of the Leiden graph: ``scale * ln(n)`` (default
    :data:`LEIDEN_K`), at least 3, at most n - 1: more words, a denser graph."""
    import math

    k = round((LEIDEN_K if scale is None else scale) * math.log(max(n, 2)))
    return int(max(1, min(n - 1, max(3, k))))


def _igraph() -> Any:
    try:
        import igraph
    except ImportError as err:
        raise BadInput("--method leiden needs python-igraph: "
                       "pip install 'textseq[leiden]'") from err
    return igraph


def leiden_graph(unit: Any, neighbours: int, weights: str = "cosine") -> Any:
    """The plain kNN cosine graph of the unit rows ``unit`` as a weighted igraph Graph:
    edges weighted by cosine (positive only), or with ``weights="snn"`` by the Jaccard
    overlap of the two words' neighbour lists (each with the word itself), as single-cell
    clustering does."""
    import numpy as np
    import scipy.sparse as sp
    from textseq_plugins.clusterer.graph import KnnGraph

    igraph = _igraph()
    n = unit.shape[0]
    knn = KnnGraph.build(unit, neighbours)
    edges = knn.edges(mutual=False)
    if weights == "snn":
        lists = np.column_stack([np.arange(n), knn.indices])
        member = sp.csr_matrix((np.ones(lists.size, dtype=np.float32),
                                (np.repeat(np.arange(n), lists.shape[1]), lists.ravel())),
                               shape=(n, n))
        shared = (member @ member.T).multiply(edges > 0).tocsr()
        shared.data = shared.data / (2.0 * lists.shape[1] - shared.data)
        shared.eliminate_zeros()
        edges = shared
    upper = sp.triu(edges, k=1).tocoo()
    graph = igraph.Graph(n=n, edges=np.column_stack([upper.row, upper.col]).tolist())
    graph.es["weight"] = upper.data.astype(np.float64).tolist()
    return graph


def leiden_partition(graph: Any, resolution: float, seed: int = 0) -> Any:
    """Leiden communities (Traag et al. 2019, igraph's implementation; modularity with
    ``resolution``, the configuration null model, run until stable) of a weighted igraph
    Graph; int64 labels. Seeded: the same input gives the same communities."""
    import random

    import numpy as np

    igraph = _igraph()
    # igraph draws from Python's random module: a seeded generator of our own, then back.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        part = graph.community_leiden(objective_function="modularity", weights="weight",
                                      resolution=float(resolution), n_iterations=-1)
    finally:
        igraph.set_random_number_generator(random)
    return np.asarray(part.membership, dtype=np.int64)


def leiden_communities(unit: Any, neighbours: int, resolution: float,
                       seed: int = 0, weights: str = "cosine") -> Any:
    """Leiden communities of the kNN graph of the unit rows ``unit``
    (:func:`leiden_graph`, :func:`leiden_partition`); int64 labels ``(n,)``."""
    return leiden_partition(leiden_graph(unit, neighbours, weights), resolution, seed)


def leiden_resolution(n: int) -> float:
    """The default Leiden resolution for a graph of ``n`` words."""
    return float(LEIDEN_RESOLUTION * (max(n, 2) / 1000.0) ** LEIDEN_RESOLUTION_LOG)


def group_seeds(unit: Any, groups: Any, min_seed: int) -> Any:
    """Unit centroids ``(k, dim)`` of the groups (labels of the rows of ``unit``) with at
    least ``min_seed`` rows; the largest group when none is that big."""
    import numpy as np

    ids, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    keep = counts >= min_seed
    if not keep.any():
        keep[np.argmax(counts)] = True
    lookup = np.full(ids.size, -1, dtype=np.int64)
    lookup[keep] = np.arange(int(keep.sum()))
    seeded = lookup[inverse]
    ok = seeded >= 0
    return _centroids(unit[ok], seeded[ok], int(keep.sum()))


def leiden_kmeans(matrix: Any, *, neighbours: int | None = None,
                  resolution: float | None = None, min_seed: int | None = None,
                  sample: int = 4000, seed: int = 0, clusters: int | None = None,
                  max_iter: int = 30) -> tuple[Any, dict[str, Any]]:
    """Leiden communities as seeds of spherical k-means; ``(labels, info)``.

    1. At most ``sample`` words (a seeded random sample when there are more) form a kNN
       cosine graph of ``neighbours`` per word (default :func:`leiden_neighbours`).
    2. Leiden (modularity at ``resolution``, default :func:`leiden_resolution`) splits it
       into communities; those of at least ``min_seed`` words (default
       ``LEIDEN_SEED_SCALE * sqrt(n)`` of the whole set, at least 2) give the number of
       clusters and their starting centroids; smaller ones are not clusters of their own.
    3. Spherical k-means from those centroids assigns every word (block-wise).

    With ``clusters`` (about how many groups are wanted) the resolution is searched
    (bisection on its logarithm, at most 12 Leiden runs) for ``round(HINT_FACTOR *
    clusters)`` seed communities of at least 2 words.
    """
    import math

    import numpy as np
    from textseq_plugins.clusterer.graph import unit_rows

    _igraph()
    unit = unit_rows(matrix)
    n = unit.shape[0]
    rows = np.arange(n)
    if n > sample:
        rows = np.sort(np.random.default_rng(seed).choice(n, sample, replace=False))
    part = unit[rows]
    k = leiden_neighbours(rows.size) if neighbours is None else min(int(neighbours), rows.size - 1)
    gamma = leiden_resolution(rows.size) if resolution is None else float(resolution)
    smallest = (max(2, round(LEIDEN_SEED_SCALE * math.sqrt(n) * rows.size / n))
                if min_seed is None else int(min_seed))
    graph = leiden_graph(part, k, LEIDEN_WEIGHTS)
    if clusters is None:
        groups = leiden_partition(graph, gamma, seed)
    else:
        smallest = 2 if min_seed is None else smallest
        wanted = min(rows.size, hint_seeds(clusters, n))
        lo, hi, best = math.log(1e-3), math.log(1e3), None
        for _ in range(12):
            gamma = math.exp((lo + hi) / 2)
            groups = leiden_partition(graph, gamma, seed)
            count = int((np.unique(groups, return_counts=True)[1] >= smallest).sum())
            if best is None or abs(count - wanted) < abs(best[0] - wanted):
                best = (count, gamma, groups)
            if count == wanted:
                break
            lo, hi = (math.log(gamma), hi) if count < wanted else (lo, math.log(gamma))
        _, gamma, groups = best
    centroids = group_seeds(part, groups, smallest)
    labels, iterations = spherical_kmeans(unit, centroids, max_iter)
    info = {"graph_k": k, "resolution": round(gamma, 4), "communities": int(np.unique(groups).size),
            "sampled": int(rows.size), "min_seed": smallest,
            "seeds": int(centroids.shape[0]), "iterations": iterations}
    if clusters is not None:
        info["hint"] = int(clusters)
    return labels, info


def central_words(matrix: Any, labels: Any, top: int = 8,
                  limit: int | None = None) -> dict[int, list[int]]:
    """Per cluster (``labels`` >= 0; the ``limit`` largest when given), the rows of its
    ``top`` most central words: largest cosine to the cluster's mean direction first."""
    import numpy as np
    from textseq_plugins.clusterer.graph import unit_rows

    labels = np.asarray(labels)
    keep = np.flatnonzero(labels >= 0)
    if keep.size == 0:
        return {}
    k = int(labels[keep].max()) + 1
    unit = unit_rows(matrix)
    centroids = _centroids(unit[keep], labels[keep], k)
    sims = np.einsum("ij,ij->i", unit[keep], centroids[labels[keep]])
    order = np.lexsort((-sims, labels[keep]))  # by cluster, most central first
    ordered = keep[order]
    bounds = np.searchsorted(labels[ordered], np.arange(k + 1))
    wanted = range(k) if limit is None else range(min(k, limit))
    return {c: ordered[bounds[c]:min(bounds[c + 1], bounds[c] + top)].tolist() for c in wanted}


def cluster_vectors(matrix: Any, settings: ClusterSettings, *, device: str = "cpu",
                    exact_dbscan_limit: int = 5_000) -> Clustering:
    """Cluster the rows of ``matrix`` ``(n, dim)`` with ``settings``; timings in info (s).

    Builds the kNN graph with ``max(k, min_samples)`` neighbours (the app's "nearest
    neighbours"; Chinese Whispers and DBSCAN work on it), then runs the method. The
    linkage method on more than ``EXACT_GRAPH_LIMIT`` words searches the neighbours within each
    cluster instead, after clustering (:meth:`KnnGraph.build_within`): exact over all
    words would cost n^2 (minutes at 400k). Fewer than
    :data:`MIN_WORDS` words are refused (BadInput); vectors that all point the same way
    give one cluster, with ``info["note"]`` saying so. ``info["central"]`` maps each of
    the largest (up to 2,000) clusters to the rows of its most central words.
    """
    import numpy as np
    from textseq_plugins.clusterer.graph import KnnGraph, unit_rows

    settings.check()
    n = int(matrix.shape[0])
    if n < MIN_WORDS:
        raise BadInput(f"clustering needs at least {MIN_WORDS} words with vectors, got {n}: "
                       "with two words or fewer there is nothing to group")
    info: dict[str, Any] = {"n": n, "method": settings.method}
    neighbours = max(settings.k, settings.min_samples)
    # The linkage method on a sample needs no graph to cluster: the neighbours shown by
    # the app are then searched within each cluster, after clustering (see below).
    if settings.clusters is not None and settings.clusters > n:
        raise BadInput(f"--clusters {settings.clusters} is more than the {n} words with "
                       "vectors: give at most that many")
    within = (settings.method in ("linkage", "leiden")
              and n > max(settings.sample, EXACT_GRAPH_LIMIT))
    t0 = time.perf_counter()
    knn = None if within else KnnGraph.build(matrix, neighbours, device=device)
    info["graph_s"] = round(time.perf_counter() - t0, 3)
    t1 = time.perf_counter()
    if all_identical(unit_rows(matrix)):
        raw = np.zeros(n, dtype=np.int64)
        info["note"] = f"all {n} vectors point the same way: one cluster"
    elif settings.method == "linkage" and settings.clusters is not None:
        raw, link_info = hint_kmeans(matrix, settings.clusters, sample=settings.sample,
                                     seed=settings.seed)
        info.update(link_info)
    elif settings.method == "leiden":
        raw, leiden_info = leiden_kmeans(matrix, neighbours=settings.neighbours,
                                         resolution=settings.resolution,
                                         min_seed=settings.min_seed, sample=settings.sample,
                                         seed=settings.seed, clusters=settings.clusters)
        info.update(leiden_info)
    elif settings.method == "linkage":
        raw, link_info = linkage_kmeans(matrix, cut=settings.cut, min_seed=settings.min_seed,
                                        sample=settings.sample, seed=settings.seed)
        info.update(link_info)
    elif settings.method == "cw":
        edges = knn.edges(mutual=settings.mutual, threshold=settings.threshold, k=settings.k)
        info["edges"] = int(edges.nnz // 2)
        raw, cw_info = chinese_whispers(edges, weighting=settings.weighting,
                                        max_passes=settings.max_passes, seed=settings.seed)
        info.update(cw_info)
    else:
        eps = settings.eps
        if eps is None:
            eps = suggest_eps(knn, settings.min_samples, settings.eps_rule)
        info["eps"] = round(float(eps), 5)
        raw = dbscan(matrix, eps, settings.min_samples,
                     graph=None if n <= exact_dbscan_limit else knn)
    info["cluster_s"] = round(time.perf_counter() - t1, 3)
    if knn is None:
        t2 = time.perf_counter()
        knn = KnnGraph.build_within(matrix, raw, neighbours, device=device)
        info["graph_s"] = round(time.perf_counter() - t2, 3)
        info["neighbours"] = "within each cluster"
    labels = renumber_by_size(raw, settings.min_size)
    info["clusters"] = int(labels.max()) + 1 if n else 0
    info["noise"] = int((labels < 0).sum())
    info["central"] = central_words(matrix, labels, limit=2000)
    return Clustering(labels, settings, info, knn)
