"""The sparse elastic-net solver: same optimum as scikit-learn, CV picks lambda like glmnet."""

import numpy as np
import scipy.sparse as sp
from textseq_plugins.sentiment.elastic_net import cv_enet, enet_path, predict_path


def _problem(n=400, p=300, seed=0, binary=False, density=0.05):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, random_state=seed, format="csr",
                  data_rvs=lambda k: rng.integers(1, 3, k).astype(float))
    w = np.zeros(p)
    w[:10] = rng.choice([-1.0, 1.0], 10)
    f = X @ w + 0.1 * rng.standard_normal(n)
    y = (f > 0).astype(float) if binary else f
    return X, y, w


def test_gaussian_path_reaches_the_sklearn_optimum():
    from sklearn.linear_model import ElasticNet

    X, y, _ = _problem()
    fit = enet_path(X, y, alpha=0.5, n_lambda=10, ratio=0.01, tol=1e-3, max_iter=5000)
    lam = fit.lambdas[-1]
    ref = ElasticNet(alpha=lam, l1_ratio=0.5, tol=1e-10, max_iter=100000).fit(X, y)

    def objective(w, b):
        r = y - X @ w - b
        return r @ r / (2 * len(y)) + lam * (0.5 * np.abs(w).sum() + 0.25 * w @ w)

    ours = objective(fit.coefs[-1], fit.intercepts[-1])
    theirs = objective(ref.coef_, ref.intercept_)
    assert abs(ours - theirs) / theirs < 1e-3


def test_cv_finds_the_true_features_and_orders_the_lambdas():
    X, y, w = _problem(seed=1)
    res = cv_enet(X, y, folds=5, n_lambda=15, ratio=0.01)
    assert res.lambda_1se >= res.lambda_min
    assert res.cv_mean.min() < 0.5 * res.cv_mean[0]  # CV error falls well below the null
    fit = enet_path(X, y, lambdas=res.lambdas[res.lambdas >= res.lambda_min])
    top = set(np.argsort(-np.abs(fit.coefs[-1]))[:10])
    assert len(top & set(np.flatnonzero(w))) >= 8


def test_binomial_fit_classifies_held_out_rows_as_well_as_sklearn():
    from sklearn.linear_model import LogisticRegression

    X, y, _ = _problem(n=800, seed=2, binary=True, density=0.3)
    res = cv_enet(X[:600], y[:600], family="binomial", folds=5, n_lambda=15, ratio=0.01)
    fit = enet_path(X[:600], y[:600], family="binomial",
                    lambdas=res.lambdas[res.lambdas >= res.lambda_min])
    acc = ((predict_path(fit, X[600:])[:, -1] > 0) == (y[600:] == 1)).mean()
    ref = LogisticRegression(C=10.0, max_iter=2000).fit(X[:600], y[:600]).score(X[600:], y[600:])
    assert acc > 0.8
    assert acc >= ref - 0.03
