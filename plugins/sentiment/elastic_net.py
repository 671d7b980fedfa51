"""Elastic net on sparse matrices: a warm-started lambda path and k-fold CV, like cv.glmnet.

The objective (glmnet's, with ``alpha`` the L1 share):

    gaussian:  1/(2n) ||y - b0 - X w||^2        + lam * (alpha |w|_1 + (1 - alpha)/2 |w|^2)
    binomial:  1/n sum log(1 + e^-(s_i f_i))     + the same penalty, s_i = +-1

solved by FISTA (accelerated proximal gradient with adaptive restart) on the scipy CSR
matrix, whose only costly steps are ``X @ w`` and ``X.T @ r``. Strong-rule screening keeps
each lambda's solve to the features that can enter (checked by the KKT conditions on all
features afterwards), and warm starts carry the solution down the path. Why not
scikit-learn's ``ElasticNetCV``: measured here, 717 s for 34k texts x 126k features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp


@dataclass
class PathFit:
    """Coefficients along a lambda path: ``coefs`` (n_lambda, n_features), ``intercepts``."""

    lambdas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    iterations: list[int] = field(default_factory=list)


@dataclass
class CVResult:
    """cv.glmnet's summary: mean and standard error of the held-out loss per lambda."""

    lambdas: np.ndarray
    cv_mean: np.ndarray
    cv_se: np.ndarray
    lambda_min: float
    lambda_1se: float
    folds: int
    loss: str

    def summary(self) -> dict[str, Any]:
        i_min = int(np.argmin(np.abs(self.lambdas - self.lambda_min)))
        i_1se = int(np.argmin(np.abs(self.lambdas - self.lambda_1se)))
        return {
            "lambda_min": float(self.lambda_min),
            "lambda_1se": float(self.lambda_1se),
            "cv_loss_min": float(self.cv_mean[i_min]),
            "cv_loss_1se": float(self.cv_mean[i_1se]),
            "folds": self.folds,
            "loss": self.loss,
            "n_lambda": len(self.lambdas),
        }


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _grad(X: sp.csr_matrix, mu: np.ndarray, y: np.ndarray, w: np.ndarray, b: float,
          family: str) -> tuple[np.ndarray, float, np.ndarray]:
    """Gradient of the smooth loss in (w, b) for the implicitly centred X - 1 mu^T.

    Centring the columns (without densifying X) takes the all-ones direction, which common
    words like "the" make the largest eigenvector, out of the Lipschitz constant: the step
    size grows several fold and FISTA needs far fewer iterations.
    """
    n = X.shape[0]
    f = X @ w + (b - float(mu @ w))
    r = (f - y) if family == "gaussian" else (_sigmoid(f) - y)
    rbar = float(r.mean())
    return (X.T @ r) / n - mu * rbar, rbar, r


def lipschitz(X: sp.csr_matrix, family: str, iters: int = 30, seed: int = 0,
              mu: np.ndarray | None = None) -> float:
    """An upper estimate of the smooth loss's gradient Lipschitz constant (power iteration
    on [1, Xc]^T [1, Xc] / n with Xc = X - 1 mu^T; a quarter of it for the logistic loss)."""
    n = X.shape[0]
    if mu is None:
        mu = np.asarray(X.mean(axis=0)).ravel()
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(X.shape[1] + 1)
    v /= np.linalg.norm(v)
    lam = 1.0
    for _ in range(iters):
        u = X @ v[1:] - float(mu @ v[1:]) + v[0]
        v_new = np.concatenate([[u.sum()], X.T @ u - mu * u.sum()]) / n
        lam = float(np.linalg.norm(v_new))
        v = v_new / max(lam, 1e-12)
    lam *= 1.05  # the power iteration approaches from below
    return lam / 4.0 if family == "binomial" else lam


def lambda_max(X: sp.csr_matrix, y: np.ndarray, alpha: float, family: str) -> float:
    """The smallest lambda at which every coefficient is zero."""
    ybar = y.mean()
    g = X.T @ (y - ybar) / X.shape[0]
    return float(np.abs(g).max() / max(alpha, 1e-3))


def _solve(X: sp.csr_matrix, mu: np.ndarray, y: np.ndarray, lam: float, alpha: float, family: str, L: float,
           w0: np.ndarray, b0: float, tol: float, max_iter: int) -> tuple[np.ndarray, float, int]:
    """FISTA with gradient-based restart for one lambda, from (w0, b0)."""
    step = 1.0 / (L + lam * (1.0 - alpha))
    thresh = step * lam * alpha
    w, b = w0.copy(), b0
    zw, zb = w.copy(), b
    t = 1.0
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 — the count is returned
        gw, gb, _ = _grad(X, mu, y, zw, zb, family)
        gw = gw + lam * (1.0 - alpha) * zw
        vw = zw - step * gw
        w_new = np.sign(vw) * np.maximum(np.abs(vw) - thresh, 0.0)
        b_new = zb - step * gb
        dw = w_new - w
        db = b_new - b
        # adaptive restart (O'Donoghue & Candes): drop momentum when it points uphill
        if float(np.dot(zw - w_new, dw) + (zb - b_new) * db) > 0:
            t = 1.0
        t_new = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        mom = (t - 1.0) / t_new
        zw = w_new + mom * dw
        zb = b_new + mom * db
        # stop on the gradient mapping at the extrapolated point: the KKT conditions hold to
        # within ``tol`` times the soft threshold lam*alpha
        gap = max(float(np.abs(vw + step * gw - w_new).max(initial=0.0)), abs(gb) * step) / step
        w, b, t = w_new, b_new, t_new
        if gap < tol * lam * max(alpha, 1e-3):
            break
    return w, b, it


def enet_path(X: sp.csr_matrix, y: np.ndarray, *, alpha: float = 0.5, family: str = "gaussian",
              lambdas: np.ndarray | None = None, n_lambda: int = 20, ratio: float = 1e-2,
              tol: float = 0.05, max_iter: int = 500, L: float | None = None) -> PathFit:
    """Fit the elastic net along a decreasing lambda path with warm starts and strong rules.

    Args:
        X: (n, p) CSR matrix (float64). y: (n,) targets; 0/1 for ``family="binomial"``.
        alpha: the L1 share of the penalty (glmnet's alpha; 0.5 = the seed's).
        lambdas: the path (default: ``n_lambda`` values log-spaced from lambda_max down to
            ``ratio * lambda_max``).
    """
    X = sp.csr_matrix(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    if lambdas is None:
        lmax = lambda_max(X, y, alpha, family)
        lambdas = lmax * np.logspace(0, np.log10(ratio), n_lambda)
    Xc = X.tocsc()
    mu = np.asarray(X.mean(axis=0)).ravel()
    w = np.zeros(p)
    ybar = y.mean()
    b = ybar if family == "gaussian" else float(np.log(ybar / (1 - ybar)))
    coefs = np.zeros((len(lambdas), p))
    intercepts = np.zeros(len(lambdas))
    iters: list[int] = []
    prev_lam = lambdas[0]
    L_full = L if L is not None else lipschitz(X, family, mu=mu)
    for k, lam in enumerate(lambdas):
        gw, _, _ = _grad(X, mu, y, w, b, family)
        # sequential strong rule: a zero coefficient stays zero when |grad| < alpha(2lam - prev)
        strong = (np.abs(gw) >= alpha * (2 * lam - prev_lam)) | (w != 0)
        total = 0
        while True:
            idx = np.flatnonzero(strong)
            Xs = Xc[:, idx].tocsr()
            ws, b, it = _solve(Xs, mu[idx], y, lam, alpha, family, L_full, w[idx], b, tol,
                               max_iter)
            total += it
            w = np.zeros(p)
            w[idx] = ws
            gw, _, _ = _grad(X, mu, y, w, b, family)
            # KKT on the screened-out features: |grad_j| <= lam*alpha (with some slack)
            viol = (~strong) & (np.abs(gw) > lam * alpha * 1.01)
            if not viol.any():
                break
            strong |= viol
        coefs[k] = w
        intercepts[k] = b - float(mu @ w)  # back to the uncentred X
        iters.append(total)
        prev_lam = lam
    return PathFit(np.asarray(lambdas), coefs, intercepts, iters)


def predict_path(fit: PathFit, X: sp.csr_matrix) -> np.ndarray:
    """(n, n_lambda) linear predictions (log-odds for a binomial fit)."""
    return np.asarray(X @ fit.coefs.T) + fit.intercepts[None, :]


def _loss(pred: np.ndarray, y: np.ndarray, family: str, measure: str = "default"
          ) -> np.ndarray:
    """Per-sample, per-lambda loss: squared error, binomial deviance, or misclassification
    (``measure="class"``, cv.glmnet's type.measure)."""
    if measure == "class":
        return ((pred > 0) != (y[:, None] > 0.5)).astype(float)
    if family == "gaussian":
        return (pred - y[:, None]) ** 2
    p = np.clip(_sigmoid(pred), 1e-12, 1 - 1e-12)
    return -2 * (y[:, None] * np.log(p) + (1 - y[:, None]) * np.log(1 - p))


def _fold_loss(Xtr: sp.csr_matrix, ytr: np.ndarray, Xte: sp.csr_matrix, yte: np.ndarray,
               kw: dict[str, Any]) -> np.ndarray:
    kw = dict(kw)
    measure = kw.pop("measure", "default")
    fit = enet_path(Xtr, ytr, **kw)
    return _loss(predict_path(fit, Xte), yte, kw["family"], measure).mean(axis=0)


def cv_enet(X: sp.csr_matrix, y: np.ndarray, *, alpha: float = 0.5, family: str = "gaussian",
            folds: int = 5, n_lambda: int = 20, ratio: float = 1e-2, seed: int = 0,
            fold_ids: np.ndarray | None = None, tol: float = 0.05, max_iter: int = 500,
            n_jobs: int = 1, measure: str = "default") -> CVResult:
    """k-fold CV over one lambda path (from the full data): lambda.min and lambda.1se.

    lambda.1se is the largest lambda whose mean CV loss is within one standard error of the
    minimum (cv.glmnet's rule), the sparser choice.
    """
    X = sp.csr_matrix(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    lmax = lambda_max(X, y, alpha, family)
    lambdas = lmax * np.logspace(0, np.log10(ratio), n_lambda)
    if fold_ids is None:
        fold_ids = np.random.default_rng(seed).permutation(len(y)) % folds
    L = lipschitz(X, family, mu=np.asarray(X.mean(axis=0)).ravel())  # a row subset's constant is close to the full one; 5% margin
    jobs = [(X[fold_ids != f], y[fold_ids != f], X[fold_ids == f], y[fold_ids == f])
            for f in range(folds)]
    kw = dict(alpha=alpha, family=family, lambdas=lambdas, tol=tol, max_iter=max_iter, L=L * 1.1,
              measure=measure)
    if n_jobs > 1:
        from joblib import Parallel, delayed  # joblib comes with scikit-learn

        per_fold = Parallel(n_jobs=n_jobs)(delayed(_fold_loss)(*job, kw) for job in jobs)
    else:
        per_fold = [_fold_loss(*job, kw) for job in jobs]
    losses = np.vstack(per_fold)
    mean = losses.mean(axis=0)
    se = losses.std(axis=0, ddof=1) / np.sqrt(folds)
    i_min = int(np.argmin(mean))
    ok = np.flatnonzero(mean <= mean[i_min] + se[i_min])
    i_1se = int(ok.min())
    loss = "class" if measure == "class" else "mse" if family == "gaussian" else "deviance"
    return CVResult(lambdas, mean, se, float(lambdas[i_min]), float(lambdas[i_1se]), folds, loss)
