"""Chinese Whispers (Biemann 2006) on a sparse graph, vectorised with numpy: nodes are
visited in a seeded random order in small chunks; each node of a chunk takes the label with
the largest summed (weighted) edge weight among its neighbours. A chunk is updated at once,
so a node sees its neighbours' labels from earlier chunks of the same pass, as in the
sequential algorithm, except for neighbours in its own chunk (a small fraction of 1/64 of
the graph)."""

from __future__ import annotations

from typing import Any

from textseq_plugins.clusterer.settings import _ALIASES, WEIGHTINGS

from textseq_tui.plugin import BadInput


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
