"""KnnGraph, Chinese Whispers, DBSCAN and eps suggestion on synthetic and GloVe data."""

from __future__ import annotations

import random

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score
from textseq_plugins.clusterer.dbscan import dbscan, suggest_eps
from textseq_plugins.clusterer.graph import KnnGraph, unit_rows
from textseq_plugins.clusterer.model import ClusterSettings, cluster_vectors, renumber_by_size
from textseq_plugins.clusterer.whispers import _neighbour_factor, chinese_whispers

from textseq_tui.plugin import BadInput


def blobs(n_per: int = 30, centers: int = 4, dim: int = 16, spread: float = 0.15, seed: int = 0):
    """Points around ``centers`` random unit directions; returns (matrix, true labels)."""
    rng = np.random.default_rng(seed)
    c = unit_rows(rng.normal(size=(centers, dim)))
    y = np.repeat(np.arange(centers), n_per)
    x = c[y] + spread * rng.normal(size=(len(y), dim))
    return x.astype(np.float32), y


def test_knn_graph_is_exact_across_blocks():
    x, _ = blobs(n_per=25, centers=4)
    graph = KnnGraph.build(x, k=7, block_rows=9, workers=2)  # ragged last block, 2 threads
    u = unit_rows(x)
    sims = u @ u.T
    np.fill_diagonal(sims, -np.inf)
    expected = np.argsort(-sims, axis=1)[:, :7]
    assert graph.indices.shape == (100, 7)
    np.testing.assert_array_equal(np.sort(graph.indices, 1), np.sort(expected, 1))
    np.testing.assert_allclose(graph.sims, np.take_along_axis(sims, expected, 1), atol=1e-5)
    assert (np.diff(graph.sims, axis=1) <= 1e-6).all()  # most similar first
    assert not (graph.indices == np.arange(100)[:, None]).any()  # never itself


def test_k_is_clipped_to_n_minus_one():
    graph = KnnGraph.build(np.eye(3, dtype=np.float32) + 0.1, k=10)
    assert graph.k == 2


def test_mutual_edges_are_a_symmetric_subset_and_threshold_drops_weak_edges():
    x, _ = blobs()
    graph = KnnGraph.build(x, k=5)
    plain, mutual = graph.edges(), graph.edges(mutual=True)
    assert (plain != plain.T).nnz == 0 and (mutual != mutual.T).nnz == 0
    assert mutual.nnz < plain.nnz
    # every mutual edge i-j: j in i's list and i in j's list
    rows, cols = mutual.nonzero()
    for i, j in zip(rows[:200], cols[:200], strict=True):
        assert j in graph.indices[i] and i in graph.indices[j]
    strong = graph.edges(threshold=0.9)
    assert strong.nnz < plain.nnz and strong.data.min() > 0.9


def reference_cw(adj: sp.csr_matrix, passes: int, seed: int) -> np.ndarray:
    """A plain sequential Chinese Whispers ('top' weighting), as in the paper."""
    rng = random.Random(seed)
    labels = list(range(adj.shape[0]))
    nodes = list(range(adj.shape[0]))
    for _ in range(passes):
        rng.shuffle(nodes)
        for node in nodes:
            row = adj.getrow(node)
            scores: dict[int, float] = {}
            for j, w in zip(row.indices, row.data, strict=True):
                scores[labels[j]] = scores.get(labels[j], 0.0) + w
            if scores:
                labels[node] = max(scores, key=scores.get)
    return np.array(labels)


def planted_graph(groups: int = 5, size: int = 12, seed: int = 0) -> tuple[sp.csr_matrix, np.ndarray]:
    """Dense groups with a few weak edges between them."""
    rng = np.random.default_rng(seed)
    n = groups * size
    y = np.repeat(np.arange(groups), size)
    dense = np.where(y[:, None] == y[None, :], rng.uniform(0.6, 1.0, (n, n)), 0.0)
    noise = (rng.random((n, n)) < 0.02) * 0.3
    adj = np.triu(np.maximum(dense, noise), 1)
    adj = adj + adj.T
    return sp.csr_matrix(adj), y


@pytest.mark.parametrize("weighting", ["top", "linear", "log"])
def test_chinese_whispers_recovers_planted_groups_like_the_sequential_reference(weighting):
    adj, y = planted_graph()
    labels, info = chinese_whispers(adj, weighting=weighting, seed=3)
    assert info["converged"] and info["passes"] < 30
    assert adjusted_rand_score(y, labels) == 1.0
    assert adjusted_rand_score(y, reference_cw(adj, 20, seed=3)) == 1.0


def test_chinese_whispers_is_seeded_and_isolated_nodes_stay_alone():
    adj, _ = planted_graph(groups=3, size=8)
    adj = sp.block_diag([adj, sp.csr_matrix((2, 2))]).tocsr()  # two isolated nodes
    a, _ = chinese_whispers(adj, seed=1)
    b, _ = chinese_whispers(adj, seed=1)
    np.testing.assert_array_equal(a, b)
    assert a[-1] == adj.shape[0] - 1 and a[-2] == adj.shape[0] - 2


def test_max_passes_bounds_the_run():
    adj, _ = planted_graph()
    _, info = chinese_whispers(adj, max_passes=1, seed=0)
    assert info["passes"] == 1


def test_neighbour_weighting_follows_the_reference_formulas():
    deg = np.array([1, 3, 7])
    np.testing.assert_allclose(_neighbour_factor("top", deg), [1, 1, 1])
    np.testing.assert_allclose(_neighbour_factor("linear", deg), [1, 1 / 3, 1 / 7])
    np.testing.assert_allclose(_neighbour_factor("log", deg), 1 / np.log2(deg + 1))
    with pytest.raises(BadInput, match="weighting"):
        chinese_whispers(sp.csr_matrix((2, 2)), weighting="bogus")


def test_renumber_by_size_orders_clusters_and_marks_small_ones_as_noise():
    labels = np.array([7, 7, 3, 3, 3, 9, -1])
    np.testing.assert_array_equal(renumber_by_size(labels), [1, 1, 0, 0, 0, 2, -1])
    np.testing.assert_array_equal(renumber_by_size(labels, min_size=2), [1, 1, 0, 0, 0, -1, -1])


def test_dbscan_on_the_knn_graph_matches_exact_dbscan():
    x, _ = blobs(n_per=40, centers=3, spread=0.3)
    full = KnnGraph.build(x, k=len(x) - 1)
    for eps in (0.05, 0.1, 0.2):
        exact = dbscan(x, eps, 4)
        approx = dbscan(None, eps, 4, graph=full)
        np.testing.assert_array_equal(exact == -1, approx == -1)
        assert adjusted_rand_score(exact, approx) == 1.0


def test_suggested_eps_separates_well_separated_blobs():
    x, y = blobs(n_per=40, centers=4, spread=0.1)
    knn = KnnGraph.build(x, k=10)
    for rule in ("most-clusters", "knee"):
        eps = suggest_eps(knn, 4, rule)
        assert 0 < eps < 0.5
        labels = dbscan(x, eps, 4)
        kept = labels >= 0
        assert kept.mean() > 0.75
        assert labels.max() + 1 == 4
        assert adjusted_rand_score(y[kept], labels[kept]) == 1.0


def test_cluster_vectors_settings_are_validated():
    x, _ = blobs()
    for bad in (dict(method="kmeans"), dict(k=0), dict(weighting="x"), dict(eps=3.0),
                dict(threshold=1.5), dict(min_size=0)):
        with pytest.raises(BadInput):
            cluster_vectors(x, ClusterSettings(**bad))
    for bad in (dict(method="kmeans"), dict(cut=2.5), dict(min_seed=0), dict(sample=2)):
        with pytest.raises(BadInput):
            cluster_vectors(x, ClusterSettings(**bad))
    for few in (1, 2):
        with pytest.raises(BadInput, match="at least 3"):
            cluster_vectors(x[:few], ClusterSettings())


def test_cluster_vectors_both_methods_find_the_blobs():
    x, y = blobs(n_per=30, centers=4, spread=0.1)
    cw = cluster_vectors(x, ClusterSettings(method="cw", k=15))
    assert adjusted_rand_score(y, cw.labels) == 1.0
    assert cw.info["clusters"] == 4 and cw.info["noise"] == 0
    db = cluster_vectors(x, ClusterSettings(method="dbscan"))
    assert adjusted_rand_score(y[db.labels >= 0], db.labels[db.labels >= 0]) == 1.0


def test_glove_words_fall_into_their_groups(glove):
    from textseq_plugins.clusterer.vectors import load_glove_words

    groups = [["cat", "dog", "horse", "cow", "sheep"], ["apple", "banana", "pear", "grape"],
              ["car", "truck", "bus", "train"], ["guitar", "piano", "violin", "drum"]]
    words = [w for g in groups for w in g]
    y = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    data = load_glove_words(glove, words)
    assert data.words == words and not data.missing
    result = cluster_vectors(data.matrix, ClusterSettings(method="cw", k=3))
    assert adjusted_rand_score(y, result.labels) > 0.8
    assert adjusted_rand_score(y, cluster_vectors(data.matrix, ClusterSettings()).labels) == 1.0


def test_grouped_topk_path_is_exact_on_long_rows():
    # n = 3000 columns and k = 6: the grouped top-k (k groups of 32 columns) is used.
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3000, 12)).astype(np.float32)
    graph = KnnGraph.build(x, k=6, block_rows=500)
    u = unit_rows(x)
    sims = u[:400] @ u.T
    sims[np.arange(400), np.arange(400)] = -np.inf
    expected = np.sort(sims, axis=1)[:, ::-1][:, :6]
    np.testing.assert_allclose(graph.sims[:400], expected, atol=1e-5)
    got = np.take_along_axis(sims, graph.indices[:400], 1)
    np.testing.assert_allclose(got, expected, atol=1e-5)


@pytest.mark.parametrize(("n_per", "centers"), [(4, 3), (30, 4), (60, 12)])
def test_linkage_default_finds_separate_blobs_at_every_size(n_per, centers):
    # 12 to 720 points: neither shattered nor merged, with no k given
    x, y = blobs(n_per=n_per, centers=centers, spread=0.08, seed=1)
    result = cluster_vectors(x, ClusterSettings())
    assert adjusted_rand_score(y, result.labels) == 1.0
    assert result.info["clusters"] == centers and result.info["noise"] == 0
    assert 0.05 <= result.info["cut"] <= 1.5 and result.info["seeds"] == centers


def test_gap_merges_are_never_taken_even_under_a_high_cut():
    x, y = blobs(n_per=20, centers=3, spread=0.05, seed=2)
    result = cluster_vectors(x, ClusterSettings(cut=1.9))
    assert adjusted_rand_score(y, result.labels) == 1.0


def test_linkage_on_a_sample_assigns_every_word():
    x, y = blobs(n_per=100, centers=5, spread=0.08, seed=3)
    result = cluster_vectors(x, ClusterSettings(sample=60))
    assert result.info["sampled"] == 60
    assert (result.labels >= 0).all()
    assert adjusted_rand_score(y, result.labels) == 1.0


def test_default_cut_follows_the_data_and_the_size():
    from textseq_plugins.clusterer.linkage import default_cut, default_min_seed

    assert default_cut(0.8, 200) < default_cut(0.96, 200)  # denser set, lower cut
    assert default_cut(0.9, 4000) < default_cut(0.9, 12)
    assert default_min_seed(12) == 2 and default_min_seed(4000) > default_min_seed(400)
    # a 4,000-word sample of 400,000 words: a seed stands for 0.15 * sqrt(400,000) words
    assert default_min_seed(400_000, 4000) == 2 and default_min_seed(20_000, 4000) == 4


def test_shipped_constants_are_the_recorded_leave_one_dataset_out_choice():
    """The defaults must be what the benchmark chose on all category sets (bench/clusterer.py
    --lodo writes that choice to bench/results/clusterer.json), never hand-set."""
    import json
    from pathlib import Path

    from textseq_plugins.clusterer.linkage import CUT_LOG, CUT_SCALE, SEED_SCALE

    results = Path(__file__).resolve().parents[3] / "bench" / "results" / "clusterer.json"
    if not results.is_file():
        pytest.skip("no benchmark results")
    quality = json.loads(results.read_text()).get("quality", {})
    if "chosen_on_all" not in quality:
        pytest.skip("benchmark results without a leave-one-dataset-out run")
    assert quality["chosen_on_all"] == pytest.approx([CUT_SCALE, CUT_LOG, SEED_SCALE])
    assert {k: quality["defaults"][k] for k in ("cut_scale", "cut_log", "seed_scale")} == {
        "cut_scale": CUT_SCALE, "cut_log": CUT_LOG, "seed_scale": SEED_SCALE}
    # Leiden's constants and the --clusters hint's seeds: the same all-set choice
    from textseq_plugins.clusterer import leiden, linkage

    if "leiden_chosen_on_all" in quality:
        k, weights, gamma, gamma_log, seed_scale = quality["leiden_chosen_on_all"]
        assert (k, weights, gamma, gamma_log, seed_scale) == pytest.approx(
            (leiden.LEIDEN_K, leiden.LEIDEN_WEIGHTS, leiden.LEIDEN_RESOLUTION,
             leiden.LEIDEN_RESOLUTION_LOG, leiden.LEIDEN_SEED_SCALE))
    if "hint_chosen_on_all" in quality:
        assert quality["hint_chosen_on_all"] == pytest.approx(
            [linkage.HINT_FACTOR, linkage.HINT_MIN_WORDS])


def test_central_words_are_closest_to_the_cluster_direction():
    from textseq_plugins.clusterer.kmeans import central_words

    x = np.array([[1, 0.6], [1, 0], [1, -0.5], [0.2, 1], [0, 1], [-0.2, 1]], dtype=np.float32)
    central = central_words(x, np.array([0, 0, 0, 1, 1, 1]), top=2)
    assert central[0][0] == 1 and central[1][0] == 4 and len(central[0]) == 2


def test_neighbours_within_clusters_are_exact_inside_each_cluster():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(300, 8)).astype(np.float32)
    labels = np.r_[np.zeros(150, int), np.ones(145, int), np.full(5, 2)]
    within = KnnGraph.build_within(x, labels, 6)
    inside = KnnGraph.build(x[:150], 6)
    np.testing.assert_array_equal(within.indices[:150], inside.indices)
    np.testing.assert_allclose(within.sims[:150], inside.sims, atol=1e-5)
    # a group of 5 (not more than k) is searched against every row
    everywhere = KnnGraph.build(x, 6)
    np.testing.assert_array_equal(within.indices[295:], everywhere.indices[295:])
    assert (within.indices != np.arange(300)[:, None]).all()
