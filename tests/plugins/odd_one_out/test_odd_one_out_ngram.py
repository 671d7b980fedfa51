"""Character n-gram OOV vectors: hashing, n-grams, a tiny ridge fit, the shipped model."""

from __future__ import annotations

import numpy as np
from textseq_plugins.odd_one_out.ngram import NgramModel, char_ngrams, fnv1a, ngram_buckets
from textseq_plugins.odd_one_out.train import evaluate_ngram, ngram_design, ridge_cg


def test_fnv1a_matches_the_published_test_vectors():
    # FNV-1a 32-bit reference values (fnv test suite)
    assert fnv1a(b"") == 0x811C9DC5
    assert fnv1a(b"a") == 0xE40C292C
    assert fnv1a(b"foobar") == 0xBF9CF968


def test_char_ngrams_are_3_to_6_with_boundaries():
    grams = char_ngrams("cat")
    assert grams == ["<ca", "cat", "at>", "<cat", "cat>", "<cat>"]
    assert all(3 <= len(g) <= 6 for g in char_ngrams("kingdom"))
    ids = ngram_buckets("kingdom", 1000)
    assert ids and all(0 <= i < 1000 for i in ids)
    assert ngram_buckets("Kingdom".lower(), 1000) == ids


def test_ridge_fit_generalises_to_unseen_words_sharing_ngrams():
    rng = np.random.default_rng(4)
    stems = ["walk", "talk", "jump", "play", "cook", "paint", "clean", "climb", "kick", "pull"]
    direction = {"": rng.normal(size=8), "ing": rng.normal(size=8), "ed": rng.normal(size=8)}
    words, targets = [], []
    for stem in stems:
        base = rng.normal(size=8)
        for suffix, d in direction.items():
            words.append(stem + suffix)
            targets.append(base * 0.3 + d)
    y = np.array(targets, np.float32)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    train = [i for i, w in enumerate(words) if not w.startswith("kick")]
    x = ngram_design([words[i] for i in train], 4096)
    w = ridge_cg(x, y[train], ridge=0.01, iterations=50, log=lambda *_: None)
    model = NgramModel(w)
    unseen = model.vector("kicked")
    cos = lambda a, b: float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))  # noqa: E731
    # "kicked" was never seen: its -ed n-grams pull it toward the -ed direction
    assert cos(unseen, direction["ed"]) > cos(unseen, direction["ing"])


def test_shipped_model_puts_a_typo_near_its_word(ngram, kv):
    v = ngram.vector("kingdomz")
    k = np.asarray(kv["kingdom"])
    assert float(v @ k / (np.linalg.norm(v) * np.linalg.norm(k))) > 0.4
    assert ngram.dim == kv.vector_size
    assert ngram.vector("a") is not None  # "<a>" is one 3-gram
    assert ngram.vector("") is None or ngram.vector("").shape == (50,)


def test_heldout_metrics_are_computed_on_given_words(ngram, kv):
    m = evaluate_ngram(ngram.matrix, kv, ["winter", "kingdom", "happily"], top=50000)
    assert 0.0 < m["heldout_cosine"] <= 1.0
    assert m["heldout_top10_words"] == 3


def test_train_save_and_load_a_tiny_model_through_the_registry(tmp_path, kv):
    from gensim.models import KeyedVectors
    from textseq_plugins.odd_one_out.ngram import load_ngram_model
    from textseq_plugins.odd_one_out.train import save_ngram_dir, train_ngram

    from textseq_tui.registry import read_card, verify_dir

    small = KeyedVectors(vector_size=kv.vector_size)
    words = [w for w in kv.index_to_key[:3000] if w.isalpha()]
    small.add_vectors(words, np.asarray(kv.vectors[[kv.key_to_index[w] for w in words]]))
    params = {"buckets": 8192, "max_words": 2000, "cg_iterations": 15, "holdout": 0.1}
    weight, metrics = train_ngram(small, params, log=lambda *_: None)
    assert tuple(weight.shape) == (8192, kv.vector_size) and str(weight.dtype) == "torch.float16"
    assert metrics["heldout_words"] == 200 and metrics["train_words"] == 1800
    assert metrics["heldout_cosine"] > 0.05  # better than chance (0) on words never seen
    out = save_ngram_dir(tmp_path / "tiny-oov", weight, metrics, {**params, "seed": 4})
    assert verify_dir(out) == []
    assert read_card(out).kind == "char-ngram-oov" and read_card(out).name == "tiny-oov"
    model = load_ngram_model(out)
    assert model.buckets == 8192 and model.vector("winter").shape == (kv.vector_size,)


def test_textseq_train_odd_one_out_fits_the_oov_model_and_records_the_run(
        cli, host, tmp_path, kv, monkeypatch):
    import json

    from gensim.models import KeyedVectors
    from textseq_plugins.odd_one_out import vectors

    from textseq_tui.registry import read_card, verify_dir

    small = KeyedVectors(vector_size=kv.vector_size)
    words = [w for w in kv.index_to_key[:1500] if w.isalpha()]
    small.add_vectors(words, np.asarray(kv.vectors[[kv.key_to_index[w] for w in words]]))
    monkeypatch.setattr(vectors, "as_keyed_vectors", lambda glove: small)
    out = tmp_path / "my-oov"
    result = cli("train", "odd-one-out", "--out", str(out), "--steps", "3")
    assert result.exit_code == 0, result.stderr
    assert verify_dir(out) == [] and read_card(out).hyperparameters["cg_iterations"] == 3
    run = host.store.runs("odd-one-out")[0]
    assert run["status"] == "done" and run["model"] == "my-oov"
    assert json.loads(run["metrics"])["heldout_cosine"] == read_card(out).metrics["heldout_cosine"]
