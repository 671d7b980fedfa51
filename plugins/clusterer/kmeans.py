"""Spherical k-means from given seeds (block-wise, bounded memory), the seeds' mean
directions, and each cluster's most central words: the step every seeding method ends
with."""

from __future__ import annotations

from typing import Any


def nearest_centroids(unit: Any, centroids: Any, block: int = 32768) -> Any:
    """Index of the most similar centroid of every row (block-wise: memory ``block x k``)."""
    import numpy as np

    out = np.empty(unit.shape[0], dtype=np.int64)
    for start in range(0, unit.shape[0], block):
        out[start:start + block] = np.argmax(unit[start:start + block] @ centroids.T, axis=1)
    return out


def mean_directions(unit: Any, labels: Any, k: int) -> Any:
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

    labels = nearest_centroids(unit, centroids)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - reported after the loop
        used, labels = np.unique(labels, return_inverse=True)
        centroids = mean_directions(unit, labels, used.size)
        new = nearest_centroids(unit, centroids)
        changed = int(np.count_nonzero(new != labels))
        labels = new
        if changed <= tol * labels.size:
            break
    return np.unique(labels, return_inverse=True)[1], iterations


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
    return mean_directions(unit[ok], seeded[ok], int(keep.sum()))


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
    centroids = mean_directions(unit[keep], labels[keep], k)
    sims = np.einsum("ij,ij->i", unit[keep], centroids[labels[keep]])
    order = np.lexsort((-sims, labels[keep]))  # by cluster, most central first
    ordered = keep[order]
    bounds = np.searchsorted(labels[ordered], np.arange(k + 1))
    wanted = range(k) if limit is None else range(min(k, limit))
    return {c: ordered[bounds[c]:min(bounds[c + 1], bounds[c] + top)].tolist() for c in wanted}
