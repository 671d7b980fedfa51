"""Leiden communities (Traag et al. 2019, igraph's implementation) of a kNN cosine graph as
seeds of spherical k-means (``method="leiden"``; needs the ``leiden`` extra)."""

from __future__ import annotations

from typing import Any

from textseq_plugins.clusterer.kmeans import group_seeds, spherical_kmeans
from textseq_plugins.clusterer.linkage import hint_seeds

from textseq_tui.plugin import BadInput

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
