"""Can the number of clusters be read off the data? Estimates of k for the clusterer's
linkage method, measured on the category sets of bench/clusterer.py (issue #12).

For each set the normalised graph Laplacian ``I - D^-1/2 W D^-1/2`` of a kNN cosine graph
(10-NN plain, 5-NN mutual, 15-NN plain with cosine weights; 10-NN plain with self-tuning
weights ``exp(-d^2 / (s_i s_j))``, ``s_i`` the distance to the 7th neighbour, after
Zelnik-Manor & Perona) gives its smallest ``min(n / 5, 300) + 1`` eigenvalues (dense below
600 words, else ``scipy.sparse.linalg.eigsh``). k is estimated by the largest eigengap
(absolute, or relative to the upper eigenvalue; k >= 2 or >= 5), or by the number of
eigenvalues below tau. Each estimate is fed to the existing machinery: the average-linkage
tree is cut at the fewest groups that give k groups of two words or more, their centroids
seed spherical k-means. The estimator is chosen leave-one-dataset-out with the objective of
bench/clusterer.py; the held-out set is scored with it. Also printed: the true k fed to the
same machinery (and 1.5x the true k: the ceiling of any k estimate), and the k that the
BIC of a spherical Gaussian mixture (X-means' criterion) picks.

The anchor (k-means given the true k, mean of 20 seeds) and the current default's held-out
figures are read from bench/results/clusterer.json (run ``bench/clusterer.py --lodo``
first). Writes bench/results/clusterer_k_estimates.json.

    OMP_NUM_THREADS=1 python bench/clusterer_k_estimates.py   # about 2 min on 1 core
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import clusterer as bench  # noqa: E402

OUT = bench.RESULTS.with_name("clusterer_k_estimates.json")
GRAPHS = [(10, "plain", "cos"), (5, "mutual", "cos"), (15, "plain", "cos"), (10, "plain", "self-tuning")]
RULES = [("gap", 2), ("gap", 5), ("rel-gap", 2), ("rel-gap", 5),
         ("count", 0.3), ("count", 0.4), ("count", 0.5)]
GRID = [(g, r) for g in GRAPHS for r in RULES]


def laplacian_spectrum(unit: np.ndarray, graph: tuple, m: int) -> np.ndarray:
    """The ``m`` smallest eigenvalues of the normalised Laplacian of a kNN graph."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import eigsh
    from textseq_plugins.clusterer.graph import KnnGraph

    k, kind, weight = graph
    n = unit.shape[0]
    knn = KnnGraph.build(unit, k)
    if weight == "cos":
        adj = knn.edges(mutual=kind == "mutual")
    else:
        dist = 1.0 - knn.sims.astype(np.float64)
        scale = dist[:, min(6, knn.k - 1)]
        w = np.exp(-dist ** 2 / np.maximum(scale[:, None] * scale[knn.indices], 1e-12))
        directed = sp.csr_matrix((w.ravel(), (np.repeat(np.arange(n), knn.k),
                                              knn.indices.ravel())), shape=(n, n))
        adj = directed.minimum(directed.T) if kind == "mutual" else directed.maximum(directed.T)
    deg = np.asarray(adj.sum(axis=1)).ravel()
    inv = sp.diags(1.0 / np.sqrt(np.maximum(deg, 1e-12)))
    norm = (inv @ adj @ inv).tocsr()
    m = min(m, n - 2)
    if n <= 600:
        top = np.linalg.eigvalsh(norm.toarray())[::-1][:m]
    else:
        top = np.sort(eigsh(norm, k=m, which="LA", return_eigenvectors=False, tol=1e-4,
                            v0=np.ones(n) / np.sqrt(n)))[::-1]
    return 1.0 - top


def estimate(lam: np.ndarray, rule: tuple) -> int:
    kind, arg = rule
    if kind == "count":
        return max(2, int((lam < arg).sum()))
    ks = np.arange(arg, lam.size)
    gap = lam[ks] - lam[ks - 1]
    if kind == "rel-gap":
        gap = gap / np.maximum(lam[ks], 1e-9)
    return int(ks[np.argmax(gap)])


def bic_k(unit: np.ndarray, labels_at) -> int:
    """k of largest BIC (spherical Gaussian mixture, shared variance) over a k grid."""
    x = unit.astype(np.float64)
    n, d = x.shape
    best, best_k = -np.inf, 2
    for k in np.unique(np.geomspace(2, min(400, n // 3), 18).astype(int)):
        lab = labels_at(int(k))
        used = lab.max() + 1
        nc = np.bincount(lab, minlength=used).astype(float)
        mu = np.zeros((used, d))
        np.add.at(mu, lab, x)
        mu /= np.maximum(nc, 1)[:, None]
        var = ((x - mu[lab]) ** 2).sum() / (d * max(n - used, 1))
        nz = nc[nc > 0]
        ll = (nz * np.log(nz / n)).sum() - n * d / 2 * np.log(2 * np.pi * var) - d * (n - used) / 2
        score = ll - used * (d + 1) / 2 * np.log(n)
        if score > best:
            best, best_k = score, int(k)
    return best_k


class Case:
    def __init__(self, name: str, labels: dict, stored: dict):
        from textseq_plugins.clusterer.graph import unit_rows
        from textseq_plugins.clusterer.linkage import linkage_tree

        data, self.truth = bench.load_set(name, labels)
        self.name, self.unit = name, unit_rows(np.asarray(data.matrix))
        self.n, self.k = len(self.truth), len(set(self.truth))
        self.kmeans, self.current = stored["kmeans"], stored["lodo"]
        self.rows, self.tree, _ = linkage_tree(self.unit)
        m = min(max(self.n // 5, 10), 300) + 1
        spectra = {g: laplacian_spectrum(self.unit, g, m) for g in GRAPHS}
        self.khat = {(g, r): min(estimate(spectra[g], r), max(2, self.n // 3)) for g, r in GRID}
        self.cache: dict = {}

    def labels(self, k: int):
        from textseq_plugins.clusterer.kmeans import spherical_kmeans
        from textseq_plugins.clusterer.linkage import tree_seeds_k

        if ("labels", k) not in self.cache:
            seeds = tree_seeds_k(self.unit, self.rows, self.tree, k)
            self.cache["labels", k] = spherical_kmeans(self.unit, seeds)[0]
        return self.cache["labels", k]

    def at(self, k: int) -> dict:
        if k not in self.cache:
            self.cache[k] = bench.scores(self.truth, self.labels(k))
        return self.cache[k]

    def worse(self, k: int) -> float:
        return min(bench.gain(self.at(k), self.kmeans))


def objective(cases: list[Case], choice: tuple) -> float:
    worse = np.array([c.worse(c.khat[choice]) for c in cases])
    return float(worse.mean() + 2 * np.minimum(worse, 0).mean())


def regression(cases: list[Case]) -> dict:
    """k predicted by least squares from log n (and log of the count of 10-NN Laplacian
    eigenvalues below tau), fitted leave-one-dataset-out to ``mult`` x the true k: does
    the spectrum add anything to the number of words?"""
    graph = (10, "plain", "cos")

    def feats(c: Case, tau: float | None) -> list[float]:
        extra = [] if tau is None else [np.log(c.khat[(graph, ("count", tau))])]
        return [1.0, np.log(c.n), *extra]

    out = {}
    for tau in (None, 0.3, 0.4, 0.5):
        for mult in (1.0, 1.5, 2.0):
            ks, worse = {}, {}
            for held in cases:
                train = [c for c in cases if c is not held]
                coef = np.linalg.lstsq(np.array([feats(c, tau) for c in train]),
                                       np.log([mult * c.k for c in train]), rcond=None)[0]
                k = int(max(2, min(round(np.exp(np.array(feats(held, tau)) @ coef)),
                                   held.n // 3)))
                ks[held.name], worse[held.name] = k, held.worse(k)
            res = [c.at(ks[c.name]) for c in cases]
            out[f"count<{tau} x{mult}" if tau else f"log n only x{mult}"] = {
                "mean_v": round(float(np.mean([r["v_measure"] for r in res])), 3),
                "mean_ari": round(float(np.mean([r["ari"] for r in res])), 3),
                "large_missed": sum(worse[c.name] < 0 for c in cases if c.n >= bench.LARGE),
                "small_missed": sum(worse[c.name] < -bench.SMALL_TOL
                                    for c in cases if c.n < bench.LARGE),
                "k": ks}
    return out


def main() -> None:
    stored = json.loads(bench.RESULTS.read_text())["quality"]["sets"]
    cases = []
    for name, labels in bench.label_sets().items():
        cases.append(Case(name, labels, stored[name]))
        print("spectra", name, file=sys.stderr, flush=True)
    grid = {}
    for choice in GRID:
        res = [c.at(c.khat[choice]) for c in cases]
        grid[f"{choice}"] = {
            "mean_v": round(float(np.mean([r["v_measure"] for r in res])), 3),
            "mean_ari": round(float(np.mean([r["ari"] for r in res])), 3),
            "large_missed": sum(c.worse(c.khat[choice]) < 0 for c in cases if c.n >= bench.LARGE),
            "small_missed": sum(c.worse(c.khat[choice]) < -bench.SMALL_TOL
                                for c in cases if c.n < bench.LARGE),
            "k_hat_large": [c.khat[choice] for c in cases if c.n >= bench.LARGE]}
    sets = {}
    for held in cases:
        choice = max(GRID, key=lambda g: objective([c for c in cases if c is not held], g))
        k = held.khat[choice]
        sets[held.name] = {
            "words": held.n, "classes": held.k, "kmeans": held.kmeans, "current_lodo": held.current,
            "choice": f"{choice}", "k_hat": k, "lodo": held.at(k),
            "true_k": held.at(held.k), "true_k_x1.5": held.at(max(2, round(1.5 * held.k))),
            "bic_k": bic_k(held.unit, held.labels) if held.n >= 96 else None}
        print("scored", held.name, file=sys.stderr, flush=True)
    out = {"grid": grid, "sets": sets, "regression": regression(cases)}
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(json.dumps(out, indent=1) + "\n")
    tmp.replace(OUT)
    print("| set | words | true k | k-means V / ARI | current LODO: clusters, dV / dARI | "
          "spectrum LODO: k-hat, dV / dARI | true k: dV / dARI | 1.5 x true k: dV / dARI | BIC k |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, s in sets.items():
        def d(r, s=s):
            return (f"{r['v_measure'] - s['kmeans']['v_measure']:+.3f} / "
                    f"{r['ari'] - s['kmeans']['ari']:+.3f}")
        print(f"| {name} | {s['words']} | {s['classes']} | {s['kmeans']['v_measure']:.3f} / "
              f"{s['kmeans']['ari']:.3f} | {s['current_lodo']['clusters']}, {d(s['current_lodo'])} "
              f"| {s['k_hat']}, {d(s['lodo'])} | {d(s['true_k'])} | {d(s['true_k_x1.5'])} "
              f"| {s['bic_k'] if s['bic_k'] is not None else '-'} |")
    for key, g in {**grid, **out["regression"]}.items():
        print(key, json.dumps(g))


if __name__ == "__main__":
    main()
