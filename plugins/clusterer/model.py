"""Clustering without choosing k: Chinese Whispers on a kNN graph, or DBSCAN.

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
_ALIASES = {"lin": "linear", "nolog": "linear"}


@dataclass
class ClusterSettings:
    """Every knob of a clustering run (stored with the run).

    Graph: ``k`` neighbours per word, ``mutual`` kNN (keep i-j only if each lists the other),
    ``threshold`` minimum cosine of an edge. Chinese Whispers: ``weighting`` (top | linear |
    log, by neighbour degree), ``max_passes``, ``seed``. DBSCAN: ``eps`` (cosine distance;
    None: suggested from the k-distance curve by ``eps_rule``), ``min_samples``. Both: ``min_size``: words in
    smaller clusters are reported as noise (-1).
    """

    method: str = "cw"
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

    def check(self) -> ClusterSettings:
        """Validate (raising BadInput with the bad option) and normalise aliases."""
        self.weighting = _ALIASES.get(self.weighting, self.weighting)
        if self.method not in ("cw", "dbscan"):
            raise BadInput(f"--method must be cw or dbscan, not {self.method!r}")
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


def cluster_vectors(matrix: Any, settings: ClusterSettings, *, device: str = "cpu",
                    exact_dbscan_limit: int = 5_000) -> Clustering:
    """Cluster the rows of ``matrix`` ``(n, dim)`` with ``settings``; timings in info (s).

    Builds the kNN graph with ``max(k, min_samples)`` neighbours (also used by the app for
    "nearest neighbours"), then runs Chinese Whispers or DBSCAN.
    """
    from textseq_plugins.clusterer.graph import KnnGraph

    settings.check()
    n = int(matrix.shape[0])
    if n < 2:
        raise BadInput(f"clustering needs at least 2 words, got {n}")
    info: dict[str, Any] = {"n": n}
    t0 = time.perf_counter()
    knn = KnnGraph.build(matrix, max(settings.k, settings.min_samples), device=device)
    info["graph_s"] = round(time.perf_counter() - t0, 3)
    t1 = time.perf_counter()
    if settings.method == "cw":
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
    labels = renumber_by_size(raw, settings.min_size)
    info["clusters"] = int(labels.max()) + 1 if n else 0
    info["noise"] = int((labels < 0).sum())
    return Clustering(labels, settings, info, knn)
