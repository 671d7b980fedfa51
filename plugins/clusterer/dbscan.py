"""DBSCAN with cosine distance (scikit-learn's, or the same definition on a kNN graph) and an
eps suggested from the k-distance curve."""

from __future__ import annotations

from typing import Any

from textseq_tui.plugin import BadInput


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
