"""Clustering without choosing k: :func:`cluster_vectors` ties a method to its settings.

One module per method: :mod:`.linkage` (default: average-linkage seeds refined by spherical
k-means), :mod:`.leiden` (Leiden communities as seeds), :mod:`.whispers` (Chinese Whispers on
a kNN graph), :mod:`.dbscan`; :mod:`.shortlist` is the default's path for lists of up to
30 words (every pair scored, every cut of the tree considered; WordNet senses when the
words are known); :mod:`.kmeans` is the spherical k-means they share, :mod:`.settings` the
knobs.

Cluster ids are renumbered 0, 1, 2, ... by decreasing size; -1 is noise (DBSCAN's noise, or
words in clusters smaller than ``min_size``).
"""

from __future__ import annotations

import time
from typing import Any

from textseq_plugins.clusterer.settings import METHODS, MIN_WORDS, Clustering, ClusterSettings

from textseq_tui.plugin import BadInput

__all__ = ["EXACT_GRAPH_LIMIT", "METHODS", "MIN_WORDS", "ClusterSettings", "Clustering",
           "all_identical", "cluster_vectors", "renumber_by_size"]

#: Up to this many words the neighbours graph is exact over all words (under a second at
#: 20,000); the linkage method searches larger sets within each cluster.
EXACT_GRAPH_LIMIT = 50_000


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


def all_identical(unit: Any, tol: float = 1e-6) -> bool:
    """True when every row of the unit-length ``unit`` ``(n, dim)`` is the same direction."""
    import numpy as np

    first = unit[0]
    return all(float(np.abs(unit[i:i + 65536] - first).max()) <= tol
               for i in range(0, unit.shape[0], 65536))


def takes_short_path(settings: ClusterSettings, n: int, words: list[str] | None) -> bool:
    """True when ``n`` rows with these settings go the short-list path: a list of at most
    :data:`~.shortlist.SHORT_MAX` ``words`` (lines of text are no list of words: None), the
    default method, its tree knobs (``--cut``, ``--min-seed``) left to the data."""
    from textseq_plugins.clusterer.shortlist import SHORT_MAX

    return (words is not None and settings.method == "linkage" and n <= SHORT_MAX
            and settings.cut is None and settings.min_seed is None)


def cluster_vectors(matrix: Any, settings: ClusterSettings, *, device: str = "cpu",
                    exact_dbscan_limit: int = 5_000, words: list[str] | None = None,
                    wordnet: Any = None) -> Clustering:
    """Cluster the rows of ``matrix`` ``(n, dim)`` with ``settings``; timings in info (s).

    Builds the kNN graph with ``max(k, min_samples)`` neighbours (the app's "nearest
    neighbours"; Chinese Whispers and DBSCAN work on it), then runs the method. The
    linkage method on more than ``EXACT_GRAPH_LIMIT`` words searches the neighbours within each
    cluster instead, after clustering (:meth:`KnnGraph.build_within`): exact over all
    words would cost n^2 (minutes at 400k). A short list of ``words`` (:func:`takes_short_path`)
    goes :func:`~.shortlist.short_cluster`, which reads the words in ``wordnet`` (a
    :class:`textseq_tui.ml.WordNet`) too when given; ``--clusters N`` is then exact.
    Fewer than :data:`MIN_WORDS` words are refused (BadInput); vectors that all point the
    same way give one cluster, with ``info["note"]`` saying so. ``info["central"]`` maps
    each of the largest (up to 2,000) clusters to the rows of its most central words.
    """
    import numpy as np
    from textseq_plugins.clusterer.graph import KnnGraph, unit_rows
    from textseq_plugins.clusterer.kmeans import central_words

    settings.check()
    n = int(matrix.shape[0])
    if n < MIN_WORDS:
        raise BadInput(f"clustering needs at least {MIN_WORDS} words with vectors, got {n}: "
                       "with two words or fewer there is nothing to group")
    info: dict[str, Any] = {"n": n, "method": settings.method}
    neighbours = max(settings.k, settings.min_samples)
    if settings.clusters is not None and settings.clusters > n:
        raise BadInput(f"--clusters {settings.clusters} is more than the {n} words with "
                       "vectors: give at most that many")
    # The linkage method on a sample needs no graph to cluster: the neighbours shown by
    # the app are then searched within each cluster, after clustering (see below).
    within = (settings.method in ("linkage", "leiden")
              and n > max(settings.sample, EXACT_GRAPH_LIMIT))
    t0 = time.perf_counter()
    knn = None if within else KnnGraph.build(matrix, neighbours, device=device)
    info["graph_s"] = round(time.perf_counter() - t0, 3)
    t1 = time.perf_counter()
    if all_identical(unit_rows(matrix)):
        raw = np.zeros(n, dtype=np.int64)
        info["note"] = f"all {n} vectors point the same way: one cluster"
    else:
        raw = _run_method(matrix, settings, knn, info, exact_dbscan_limit, words, wordnet)
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


def _run_method(matrix: Any, settings: ClusterSettings, knn: Any, info: dict[str, Any],
                exact_dbscan_limit: int, words: list[str] | None, wordnet: Any) -> Any:
    """The raw labels of ``settings.method`` (its details added to ``info``)."""
    from textseq_plugins.clusterer.dbscan import dbscan, suggest_eps
    from textseq_plugins.clusterer.leiden import leiden_kmeans
    from textseq_plugins.clusterer.linkage import hint_kmeans, linkage_kmeans
    from textseq_plugins.clusterer.shortlist import short_cluster
    from textseq_plugins.clusterer.whispers import chinese_whispers

    n = int(matrix.shape[0])
    if takes_short_path(settings, n, words):
        raw, extra = short_cluster(matrix, words, wordnet, settings.clusters)
    elif settings.method == "linkage" and settings.clusters is not None:
        raw, extra = hint_kmeans(matrix, settings.clusters, sample=settings.sample,
                                 seed=settings.seed)
    elif settings.method == "leiden":
        raw, extra = leiden_kmeans(matrix, neighbours=settings.neighbours,
                                   resolution=settings.resolution, min_seed=settings.min_seed,
                                   sample=settings.sample, seed=settings.seed,
                                   clusters=settings.clusters)
    elif settings.method == "linkage":
        raw, extra = linkage_kmeans(matrix, cut=settings.cut, min_seed=settings.min_seed,
                                    sample=settings.sample, seed=settings.seed)
    elif settings.method == "cw":
        edges = knn.edges(mutual=settings.mutual, threshold=settings.threshold, k=settings.k)
        info["edges"] = int(edges.nnz // 2)
        raw, extra = chinese_whispers(edges, weighting=settings.weighting,
                                      max_passes=settings.max_passes, seed=settings.seed)
    else:
        eps = settings.eps
        if eps is None:
            eps = suggest_eps(knn, settings.min_samples, settings.eps_rule)
        extra = {"eps": round(float(eps), 5)}
        raw = dbscan(matrix, eps, settings.min_samples,
                     graph=None if n <= exact_dbscan_limit else knn)
    info.update(extra)
    return raw
