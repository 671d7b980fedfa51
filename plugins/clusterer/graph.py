"""Exact k-nearest-neighbour cosine graphs, built block by block with a torch matmul.

For n vectors the full similarity matrix is n x n (640 GB for the 400k GloVe vocabulary),
so rows are processed in blocks: each block's similarities to every vector are computed,
the top k kept, and the block freed. Peak extra memory is about
``block_rows * n * 4`` bytes, which :func:`block_rows_for` keeps under a budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Extra memory one block of the similarity matrix may take (bytes).
DEFAULT_BLOCK_BYTES = 256 * 2**20


def block_rows_for(n: int, budget_bytes: int = DEFAULT_BLOCK_BYTES) -> int:
    """Rows per block so that the float32 ``(rows, n)`` block buffer fits in
    ``budget_bytes``; at least 1, at most 256 (larger blocks were slower: cache)."""
    return max(1, min(256, budget_bytes // max(1, 4 * n)))


def unit_rows(matrix: Any) -> Any:
    """Rows scaled to unit length, float32 numpy ``(n, dim)`` (zero rows stay zero)."""
    import numpy as np

    x = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


#: Column group width of the grouped top-k.
GROUP = 32


def _block_topk(block: Any, k: int) -> tuple[Any, Any]:
    """Exact top-``k`` per row of ``block`` ``(rows, width)``, width a multiple of GROUP.

    The k-th largest element is at least the k-th largest of the group maxima, so every
    top-k element lies in one of the k groups with the largest maxima: a cheap max over
    groups, then a top-k over k * GROUP candidates instead of the whole row (about twice
    as fast as ``torch.topk`` on the full row).
    """
    import torch

    rows, width = block.shape
    groups = width // GROUP
    if groups <= 4 * k:  # small rows: the plain top-k is as fast
        top = torch.topk(block, k, dim=1, sorted=True)
        return top.values, top.indices
    best = torch.topk(block.view(rows, groups, GROUP).amax(dim=2), k, dim=1).indices
    cols = (best.unsqueeze(2) * GROUP + torch.arange(GROUP, device=block.device)).reshape(rows, -1)
    top = torch.topk(torch.gather(block, 1, cols), k, dim=1, sorted=True)
    return top.values, torch.gather(cols, 1, top.indices)


@dataclass
class KnnGraph:
    """The k nearest neighbours of every vector by cosine similarity.

    Attributes:
        indices: int64 ``(n, k)``: row i's neighbours, most similar first (never i itself).
        sims: float32 ``(n, k)``: their cosine similarities, in [-1, 1], descending.
    """

    indices: Any
    sims: Any

    @property
    def n(self) -> int:
        return int(self.indices.shape[0])

    @property
    def k(self) -> int:
        return int(self.indices.shape[1])

    @classmethod
    def build(
        cls,
        matrix: Any,
        k: int = 25,
        *,
        block_rows: int | None = None,
        device: str = "cpu",
        workers: int | None = None,
    ) -> KnnGraph:
        """Exact top-``k`` cosine neighbours of every row of ``matrix`` ``(n, dim)``.

        ``k`` is clipped to ``n - 1``. ``block_rows`` defaults to :func:`block_rows_for`;
        ``device`` is a torch device string ("cpu", "cuda"). On CPU, ``workers`` threads
        (default: ``torch.get_num_threads()``) each take whole blocks with one torch
        thread apiece: on a shared machine, OpenMP threads splitting one matmul spin at
        their barriers and were 3x slower than one thread, independent blocks are not.
        Extra memory: ``workers`` block buffers of ``block_rows x n`` float32.
        """
        import numpy as np
        import torch

        x = unit_rows(matrix)
        n = x.shape[0]
        if n < 2:
            raise ValueError("a kNN graph needs at least 2 vectors")
        k = max(1, min(int(k), n - 1))
        rows = min(n, block_rows or block_rows_for(n))
        starts = list(range(0, n, rows))
        on_cpu = torch.device(device).type == "cpu"
        workers = max(1, min(len(starts), workers or torch.get_num_threads())) if on_cpu else 1
        # Columns are padded to a multiple of GROUP for the grouped top-k (see _block_topk).
        width = -(-n // GROUP) * GROUP
        indices = np.empty((n, k), dtype=np.int64)
        sims = np.empty((n, k), dtype=np.float32)
        with torch.no_grad():
            xt = torch.zeros(x.shape[1], width, device=device)
            xt[:, :n] = torch.from_numpy(x).to(device).T
            xs = torch.from_numpy(x).to(device)

            def run(my_starts: list[int]) -> None:
                # One block buffer per worker, reused: a fresh (rows, n) tensor per block
                # costs page faults that took as long as the matmul itself.
                buf = torch.empty(rows, width, device=device)
                for start in my_starts:
                    stop = min(n, start + rows)
                    block = buf[: stop - start]
                    torch.mm(xs[start:stop], xt, out=block)  # cosine similarities
                    block[:, n:] = -3.0  # padding never wins
                    diag = torch.arange(start, stop, device=block.device)
                    block[diag - start, diag] = -2.0  # a word is not its own neighbour
                    values, idx = _block_topk(block, k)
                    sims[start:stop] = values.cpu().numpy()
                    indices[start:stop] = idx.cpu().numpy()

            if workers == 1:
                run(starts)
            else:
                from concurrent.futures import ThreadPoolExecutor

                previous = torch.get_num_threads()
                torch.set_num_threads(1)
                try:
                    with ThreadPoolExecutor(workers) as pool:
                        # Interleaved blocks: every worker gets the same amount of work.
                        for future in [pool.submit(run, starts[w::workers])
                                       for w in range(workers)]:
                            future.result()
                finally:
                    torch.set_num_threads(previous)
        return cls(indices, sims)

    @classmethod
    def build_within(cls, matrix: Any, labels: Any, k: int = 10, *,
                     device: str = "cpu") -> KnnGraph:
        """Top-``k`` cosine neighbours of every row searched among the rows of the same
        label only (exact within each group): a group of m rows costs m^2 instead of
        m * n, so the 400k vocabulary split into clusters takes seconds, not minutes. A
        row whose group has ``k`` rows or fewer is searched against every row."""
        import numpy as np

        x = unit_rows(matrix)
        n = x.shape[0]
        k = max(1, min(int(k), n - 1))
        labels = np.asarray(labels)
        indices = np.empty((n, k), dtype=np.int64)
        sims = np.empty((n, k), dtype=np.float32)
        order = np.argsort(labels, kind="stable")
        bounds = np.flatnonzero(np.r_[True, labels[order][1:] != labels[order][:-1], True])
        small = []
        for begin, end in zip(bounds[:-1], bounds[1:], strict=True):
            members = order[begin:end]
            if members.size <= k:
                small.append(members)
                continue
            sub = cls.build(x[members], k, device=device)
            indices[members] = members[sub.indices]
            sims[members] = sub.sims
        if small:
            rows = np.concatenate(small)
            for start in range(0, rows.size, 1024):
                part = rows[start:start + 1024]
                block = x[part] @ x.T
                block[np.arange(part.size), part] = -2.0  # not its own neighbour
                top = np.argpartition(-block, k - 1, axis=1)[:, :k]
                vals = np.take_along_axis(block, top, 1)
                rank = np.argsort(-vals, axis=1)
                indices[part] = np.take_along_axis(top, rank, 1)
                sims[part] = np.take_along_axis(vals, rank, 1)
        return cls(indices, sims)

    def edges(self, *, mutual: bool = False, threshold: float | None = None,
              k: int | None = None) -> Any:
        """The graph as a symmetric scipy CSR matrix ``(n, n)`` of cosine weights.

        - ``k``: use only the first ``k`` neighbours (default all stored).
        - ``mutual``: keep an edge i-j only when each is among the other's k nearest;
          without it an edge is kept when either lists the other (a plain kNN graph).
        - ``threshold``: drop edges with cosine below it.
        Weights are the cosines; edges with cosine <= 0 are always dropped because a
        Chinese Whispers vote must be positive.
        """
        import numpy as np
        import scipy.sparse as sp

        kk = self.k if k is None else max(1, min(int(k), self.k))
        n = self.n
        rows = np.repeat(np.arange(n, dtype=np.int64), kk)
        cols = self.indices[:, :kk].reshape(-1)
        vals = self.sims[:, :kk].reshape(-1).astype(np.float32)
        directed = sp.csr_matrix((vals, (rows, cols)), shape=(n, n))
        if mutual:
            # Both directions present: the elementwise minimum keeps exactly those pairs.
            graph = directed.minimum(directed.T)
        else:
            graph = directed.maximum(directed.T)
        graph = graph.tocsr()
        floor = 0.0 if threshold is None else max(0.0, float(threshold))
        graph.data[graph.data <= floor] = 0.0
        graph.eliminate_zeros()
        graph.sort_indices()
        return graph

    def neighbours(self, row: int, count: int = 10) -> list[tuple[int, float]]:
        """Row ``row``'s nearest ``count`` neighbours as ``(index, cosine)`` pairs."""
        count = min(count, self.k)
        return [(int(i), float(s)) for i, s in zip(self.indices[row, :count],
                                                   self.sims[row, :count], strict=True)]
