r"""Linear and logistic regression with L2, L1 and elastic-net penalties, and choosing λ.

Seed 004 (COMP4211, sec. 1.3–1.6, 7–9) builds linear regression from the normal
equations, adds :math:`\lambda\lVert w\rVert^2`, leaves the bias unpenalized, and picks
:math:`\lambda` on a validation set; seed 001 adds L1 and the elastic net; seed 000
penalizes logistic regression with :math:`\lambda/(2N)`. Every solver here returns a
small NamedTuple with a ``predict`` method.

Objectives. The data term is the squared loss :math:`\lVert Xw - y\rVert^2` of seed 004
sec. 1.3 and the penalty is that of :mod:`course_lib.penalties` under ``scaling``:

- ``"lambda"`` (default): :math:`\lVert Xw - y\rVert^2 + \lambda\,\Omega(w)` (seed 004
  sec. 1.6 for L2; seed 001's :math:`\alpha\lVert w\rVert_1` for L1);
- ``"lambda_over_2"``: :math:`\lVert Xw - y\rVert^2 + \tfrac{\lambda}{2}\,\Omega(w)`
  (Goodfellow eq. 7.15 in seed 001);
- ``"lambda_over_2n"``: :math:`\tfrac1N\lVert Xw - y\rVert^2 + \tfrac{\lambda}{2N}\,\Omega(w)`
  (seed 000, with the mean loss); multiplying by :math:`N` shows it has the same
  minimizer as ``"lambda_over_2"``;
- ``"sklearn"`` (lasso and elastic net only): scikit-learn's
  :math:`\tfrac{1}{2N}\lVert y - Xw\rVert^2 + \lambda\rho\lVert w\rVert_1
  + \tfrac{\lambda(1-\rho)}{2}\lVert w\rVert^2`, i.e. ``Lasso(alpha=λ)`` and
  ``ElasticNet(alpha=λ, l1_ratio=ρ)``.

With an intercept (``fit_intercept=True``) the intercept is never penalized (seed 004
sec. 1.6 item 3): X and y are centered, the penalized problem is solved for the weights,
and the intercept is :math:`\bar y - \bar x^\top w`. For the squared loss this is exactly
the same as appending an unpenalized column of ones, because that column's normal
equation says the residuals sum to zero.

>>> import numpy as np
>>> X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
>>> normal_equations(X, np.array([1.0, 3.0, 5.0])).round(12).tolist()
[1.0, 2.0]
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from scipy.special import expit

from course_lib import optim
from course_lib._validation import (
    CourseLibError,
    Params,
    as_params,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
    check_rng,
)
from course_lib.penalties import (
    l1_penalty,
    l1_penalty_grad,
    l2_penalty,
    l2_penalty_grad,
    soft_threshold,
)

RIDGE_SCALINGS = ("lambda", "lambda_over_2", "lambda_over_2n")
CD_SCALINGS = (*RIDGE_SCALINGS, "sklearn")
LOGISTIC_PENALTIES = ("l2", "l1", "none")


class ConvergenceWarning(UserWarning):
    """A coordinate-descent solver stopped at ``max_iter`` before meeting its tolerance."""


# --------------------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------------------


def _as_matrix(name: str, value: object) -> np.ndarray:
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CourseLibError(f"{name} must be a numeric matrix: {err}") from None
    if a.ndim != 2 or a.shape[0] == 0 or a.shape[1] == 0:
        raise CourseLibError(
            f"{name} must be a 2-D array of shape (n_samples, n_features), got shape "
            f"{a.shape}" + (" (use X.reshape(-1, 1) for one feature)" if a.ndim == 1 else "")
        )
    if not np.isfinite(a).all():
        raise CourseLibError(f"{name} contains NaN or inf")
    return a


def _as_vector(name: str, value: object, length: int | None = None) -> np.ndarray:
    try:
        v = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CourseLibError(f"{name} must be a numeric vector: {err}") from None
    if v.ndim != 1 or v.size == 0:
        raise CourseLibError(f"{name} must be a non-empty 1-D array, got shape {v.shape}")
    if length is not None and v.size != length:
        raise CourseLibError(f"{name} has {v.size} entries but X has {length} rows")
    if not np.isfinite(v).all():
        raise CourseLibError(f"{name} contains NaN or inf")
    return v



# --------------------------------------------------------------------------------------
# Fitted models
# --------------------------------------------------------------------------------------


class LinearFit(NamedTuple):
    """A fitted linear model :math:`f(x) = w^\\top x + b`."""

    coef: np.ndarray
    intercept: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions :math:`Xw + b` for the rows of ``X``."""
        X = _as_matrix("X", X)
        if X.shape[1] != self.coef.size:
            raise CourseLibError(
                f"X has {X.shape[1]} features but the model was fit on {self.coef.size}"
            )
        return X @ self.coef + self.intercept


class CoordinateDescentFit(NamedTuple):
    """A linear model fit by coordinate descent, with how the solver ended.

    ``n_iter`` counts full sweeps over the coordinates; ``max_change`` is the largest
    coordinate change of the last sweep.
    """

    coef: np.ndarray
    intercept: float
    n_iter: int
    converged: bool
    max_change: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions :math:`Xw + b` for the rows of ``X``."""
        return LinearFit(self.coef, self.intercept).predict(X)


# --------------------------------------------------------------------------------------
# Features and least squares
# --------------------------------------------------------------------------------------


def polynomial_features(x: np.ndarray, degree: int, include_bias: bool = True) -> np.ndarray:
    r"""The design matrix :math:`[1, x, x^2, \dots, x^m]` of polynomial regression.

    Seed 004 sec. 1.4 (e): :math:`f(x; w) = w_0 + w_1 x + \dots + w_m x^m = w^\top\tilde x`,
    linear in :math:`w` although not in :math:`x`.

    Parameters
    ----------
    x
        One input feature: shape ``(n,)`` or ``(n, 1)``.
    degree
        The highest power :math:`m \ge 0` (:math:`\ge 1` without the bias column).
    include_bias
        Whether the first column is the constant :math:`x^0 = 1`.

    >>> polynomial_features(np.array([2.0, -1.0]), 3).tolist()
    [[1.0, 2.0, 4.0, 8.0], [1.0, -1.0, 1.0, -1.0]]
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    x = _as_vector("x", x)
    degree = check_int("degree", degree, minimum=0 if include_bias else 1)
    powers = np.vander(x, degree + 1, increasing=True)
    return powers if include_bias else powers[:, 1:]


def _check_full_rank(X: np.ndarray, what: str) -> None:
    n, d = X.shape
    rank = np.linalg.matrix_rank(X)
    if rank < d:
        why = f"there are fewer examples ({n}) than features ({d})" if n < d else (
            "some columns are linear combinations of the others"
        )
        raise CourseLibError(
            f"{what} is singular: X has rank {rank} < {d} features ({why}), so the "
            "least-squares solution is not unique. Use ridge(X, y, lam) with lam > 0, "
            "or remove features"
        )


def normal_equations(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    r"""The least-squares weights from the normal equations :math:`X^\top X w = X^\top y`.

    Seed 004 sec. 1.3 (5): :math:`\tilde w = (X^\top X)^{-1} X^\top y`, computed by solving
    the linear system rather than forming the inverse (cheaper and more accurate). As in
    the seed, ``X`` carries its own column of ones if a bias :math:`w_0` is wanted.

    Raises :class:`CourseLibError` when :math:`X^\top X` is singular (rank-deficient
    ``X``), where ridge regression still has a unique solution.
    """
    X = _as_matrix("X", X)
    y = _as_vector("y", y, X.shape[0])
    gram = X.T @ X
    _check_full_rank(X, "XᵀX")
    return np.linalg.solve(gram, X.T @ y)


def _center(X: np.ndarray, y: np.ndarray, fit_intercept: bool):
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = X.mean(axis=0), float(y.mean())
    return X - x_mean, y - y_mean, x_mean, y_mean


def ridge(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    *,
    fit_intercept: bool = False,
    scaling: str = "lambda",
) -> LinearFit:
    r"""Ridge regression in closed form: :math:`w = (X^\top X + \kappa I)^{-1} X^\top y`.

    Seed 004 sec. 1.6 minimizes :math:`\lVert Xw - y\rVert^2 + \lambda\lVert w\rVert^2`
    and gets :math:`(X^\top X + \lambda I)\,w = X^\top y`, so :math:`\kappa = \lambda`
    (``scaling="lambda"``, the default, which is also ``sklearn.linear_model.Ridge(alpha=λ)``).
    With ``"lambda_over_2"`` (Goodfellow eq. 7.15, :math:`+\tfrac{\lambda}{2}w^\top w`) and
    ``"lambda_over_2n"`` (seed 000) the same derivation gives :math:`\kappa = \lambda/2`.
    (Goodfellow's eq. 7.17 writes :math:`X^\top X + \alpha I` after eq. 7.15's
    :math:`\tfrac{\alpha}{2}w^\top w`; the factor 2 is lost there.)

    Parameters
    ----------
    X, y
        Design matrix ``(n, d)`` and targets ``(n,)``; not modified.
    lam
        :math:`\lambda \ge 0`; with 0 this is least squares and needs a full-rank ``X``.
    fit_intercept
        Fit an unpenalized intercept by centering (see the module docstring); otherwise
        every weight is penalized, including a column of ones in ``X`` if there is one.
    scaling
        ``"lambda"``, ``"lambda_over_2"`` or ``"lambda_over_2n"``.
    """
    X = _as_matrix("X", X)
    y = _as_vector("y", y, X.shape[0])
    lam = check_nonnegative("lam", lam)
    check_choice("scaling", scaling, RIDGE_SCALINGS)
    kappa = lam if scaling == "lambda" else lam / 2.0
    Xc, yc, x_mean, y_mean = _center(X, y, fit_intercept)
    gram = Xc.T @ Xc
    if kappa == 0.0:
        _check_full_rank(Xc, "XᵀX" + (" (of the centered X)" if fit_intercept else ""))
    coef = np.linalg.solve(gram + kappa * np.eye(X.shape[1]), Xc.T @ yc)
    return LinearFit(coef, float(y_mean - x_mean @ coef))


# --------------------------------------------------------------------------------------
# Coordinate descent: lasso and elastic net
# --------------------------------------------------------------------------------------


def _canonical_strengths(scaling: str, lam: float, l1_ratio: float, n: int) -> tuple[float, float]:
    r"""``(a, b)`` of the same minimization written as ½‖y − Xw‖² + a‖w‖₁ + (b/2)‖w‖²."""
    if scaling == "sklearn":  # multiply 1/(2n)‖r‖² + λρ‖w‖₁ + λ(1−ρ)/2 ‖w‖² by n
        return n * lam * l1_ratio, n * lam * (1.0 - l1_ratio)
    # ‖r‖² + κ(ρ‖w‖₁ + (1−ρ)‖w‖²), halved; κ = λ, λ/2, and λ/2 once seed 000's
    # (1/N)‖r‖² + λ/(2N)(...) is multiplied by N
    kappa = lam if scaling == "lambda" else lam / 2.0
    return kappa * l1_ratio / 2.0, kappa * (1.0 - l1_ratio)


def _coordinate_descent(X, y, a, b, tol, max_iter):
    """Cyclic coordinate descent on ½‖y − Xw‖² + a‖w‖₁ + (b/2)‖w‖², from w = 0."""
    X = np.asfortranarray(X)  # contiguous columns, one per coordinate update
    d = X.shape[1]
    col_sq = np.einsum("ij,ij->j", X, X)
    w = np.zeros(d)
    residual = y.copy()  # y − Xw, kept up to date so each update costs O(n)
    max_change = 0.0
    for sweep in range(1, max_iter + 1):
        max_change, w_max = 0.0, 0.0
        for j in range(d):
            denom = col_sq[j] + b
            if denom == 0.0:  # an all-zero column with no L2 part: w_j stays 0
                continue
            old = w[j]
            # minimize over w_j alone: ½‖r_j − X_j w_j‖² + a|w_j| + (b/2) w_j², where
            # r_j = residual + X_j·old is the residual without coordinate j
            rho = X[:, j] @ residual + col_sq[j] * old
            new = float(soft_threshold(rho, a)) / denom
            if new != old:
                residual -= X[:, j] * (new - old)
                w[j] = new
            max_change = max(max_change, abs(new - old))
            w_max = max(w_max, abs(new))
        if max_change <= tol * w_max:
            return w, sweep, True, max_change
    return w, max_iter, False, max_change


def elastic_net(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    l1_ratio: float,
    *,
    fit_intercept: bool = False,
    scaling: str = "lambda",
    tol: float = 1e-10,
    max_iter: int = 100_000,
    on_no_convergence: str = "warn",
) -> CoordinateDescentFit:
    r"""Elastic-net regression by cyclic coordinate descent with the soft-threshold operator.

    Minimizes, for ``scaling="lambda"`` (seed 004's squared loss with seed 001's
    elastic net),

    .. math:: \lVert Xw - y\rVert^2
              + \lambda\bigl(\rho\lVert w\rVert_1 + (1-\rho)\lVert w\rVert_2^2\bigr)

    so ``l1_ratio`` :math:`\rho` is :math:`1 - \alpha` in seed 001's
    :math:`\lambda(\alpha\lVert w\rVert_2^2 + (1-\alpha)\lVert w\rVert_1)`. The other
    scalings are in the module docstring; ``"sklearn"`` is exactly
    ``sklearn.linear_model.ElasticNet(alpha=λ, l1_ratio=ρ)``.

    Each coordinate is minimized in turn with the others fixed; writing the problem as
    :math:`\tfrac12\lVert y - Xw\rVert^2 + a\lVert w\rVert_1 + \tfrac b2\lVert w\rVert^2`,
    the update is

    .. math:: w_j \leftarrow \frac{S_a\bigl(X_j^\top r_{(j)}\bigr)}{\lVert X_j\rVert^2 + b},
              \qquad r_{(j)} = y - Xw + X_j w_j,

    with :math:`S_a` the soft threshold (:func:`course_lib.penalties.soft_threshold`).
    Sweeps stop when the largest change in a sweep is at most ``tol`` times the largest
    :math:`|w_j|`.

    Parameters
    ----------
    X, y
        Design matrix ``(n, d)`` and targets ``(n,)``; not modified.
    lam
        :math:`\lambda \ge 0`.
    l1_ratio
        :math:`\rho \in [0, 1]`: 1 is the lasso, 0 ridge.
    fit_intercept
        Fit an unpenalized intercept by centering.
    scaling
        ``"lambda"``, ``"lambda_over_2"``, ``"lambda_over_2n"`` or ``"sklearn"``.
    tol, max_iter
        Relative stopping tolerance and the maximum number of sweeps.
    on_no_convergence
        ``"warn"`` (a :class:`ConvergenceWarning`) or ``"raise"`` (a
        :class:`CourseLibError`) when ``max_iter`` sweeps are not enough; the result's
        ``converged`` says which happened.
    """
    return _fit_cd(
        "elastic_net", X, y, lam, l1_ratio, fit_intercept, scaling, tol, max_iter,
        on_no_convergence,
    )


def lasso(
    X: np.ndarray,
    y: np.ndarray,
    lam: float,
    *,
    fit_intercept: bool = False,
    scaling: str = "lambda",
    tol: float = 1e-10,
    max_iter: int = 100_000,
    on_no_convergence: str = "warn",
) -> CoordinateDescentFit:
    r"""The lasso (seed 004 sec. 7 (c)) by cyclic coordinate descent.

    Minimizes :math:`\lVert Xw - y\rVert^2 + \lambda\lVert w\rVert_1` with the default
    ``scaling="lambda"``. scikit-learn's ``Lasso(alpha=a)`` minimizes
    :math:`\frac{1}{2n}\lVert y - Xw\rVert^2 + a\lVert w\rVert_1`; multiplying that by
    :math:`2n` shows the two agree for :math:`\lambda = 2na` (or pass
    ``scaling="sklearn"`` and ``lam=a``). Each coordinate update is a soft threshold,
    :math:`w_j \leftarrow S_{\lambda/2}(X_j^\top r_{(j)}) / \lVert X_j\rVert^2`, so exact
    zeros appear: the lasso has no closed form (seed 004 sec. 7 (d)) but each
    one-dimensional problem does. Arguments as in :func:`elastic_net` with
    ``l1_ratio=1``.
    """
    return _fit_cd(
        "lasso", X, y, lam, 1.0, fit_intercept, scaling, tol, max_iter, on_no_convergence
    )


def _fit_cd(what, X, y, lam, l1_ratio, fit_intercept, scaling, tol, max_iter, on_no_convergence):
    X = _as_matrix("X", X)
    y = _as_vector("y", y, X.shape[0])
    lam = check_nonnegative("lam", lam)
    l1_ratio = check_real("l1_ratio", l1_ratio)
    if not 0.0 <= l1_ratio <= 1.0:
        raise CourseLibError(f"l1_ratio must lie in [0, 1], got {l1_ratio}")
    check_choice("scaling", scaling, CD_SCALINGS)
    tol = check_positive("tol", tol)
    max_iter = check_int("max_iter", max_iter, minimum=1)
    check_choice("on_no_convergence", on_no_convergence, ("warn", "raise"))
    a, b = _canonical_strengths(scaling, lam, l1_ratio, X.shape[0])
    Xc, yc, x_mean, y_mean = _center(X, y, fit_intercept)
    coef, n_iter, converged, max_change = _coordinate_descent(Xc, yc, a, b, tol, max_iter)
    if not converged:
        message = (
            f"{what} did not converge in max_iter={max_iter} sweeps: the last sweep still "
            f"changed a weight by {max_change:.3g}, more than tol={tol} times the largest "
            "weight. Increase max_iter or tol, or standardize the columns of X"
        )
        if on_no_convergence == "raise":
            raise CourseLibError(message)
        warnings.warn(message, ConvergenceWarning, stacklevel=3)
    intercept = float(y_mean - x_mean @ coef)
    return CoordinateDescentFit(coef, intercept, n_iter, converged, max_change)


# --------------------------------------------------------------------------------------
# Metrics (seed 004 sec. 8-9)
# --------------------------------------------------------------------------------------


def _pair(y_true, y_pred):
    y_true = _as_vector("y_true", y_true)
    y_pred = _as_vector("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise CourseLibError(
            f"y_true has {y_true.size} entries but y_pred has {y_pred.size}"
        )
    return y_true, y_pred


def mse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    r"""Mean squared error :math:`\frac1N\sum_l (f(x^{(l)}) - y^{(l)})^2` (seed 004 sec. 8)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return float(np.mean((y_pred - y_true) ** 2))


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    r"""Root mean squared error :math:`\sqrt{\text{MSE}}` (seed 004 sec. 8 (b)), in y's units."""
    return float(np.sqrt(mse(y_true, y_pred)))


def r2_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    r"""The coefficient of determination :math:`R^2 = 1 - \text{MSE}/\text{variance}`.

    Seed 004 sec. 9:

    .. math:: R^2 = 1 - \frac{\sum_l (f(x^{(l)}) - y^{(l)})^2}{\sum_l (\bar y - y^{(l)})^2}

    1 for a perfect fit, 0 for always predicting :math:`\bar y`, negative for worse.
    Undefined (an error here) when every :math:`y^{(l)}` is the same.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    total = float(np.sum((y_true - y_true.mean()) ** 2))
    if total == 0.0:
        raise CourseLibError(
            "R² is undefined when every y_true is the same value (its variance is 0)"
        )
    return 1.0 - float(np.sum((y_pred - y_true) ** 2)) / total


# --------------------------------------------------------------------------------------
# Validation: holdout, k-fold, choosing λ (seed 004 sec. 1.6 (5)-(6))
# --------------------------------------------------------------------------------------


class Split(NamedTuple):
    """A holdout split; ``train_idx`` and ``val_idx`` (sorted) index the original rows."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    train_idx: np.ndarray
    val_idx: np.ndarray


def _holdout_indices(rng, n, val_fraction):
    val_fraction = check_real("val_fraction", val_fraction)
    if not 0.0 < val_fraction < 1.0:
        raise CourseLibError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction}")
    n_val = round(val_fraction * n)
    if not 1 <= n_val <= n - 1:
        raise CourseLibError(
            f"val_fraction={val_fraction} of {n} examples leaves {n_val} for validation and "
            f"{n - n_val} for training; both need at least one"
        )
    perm = rng.permutation(n)
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


def holdout_split(
    rng: np.random.Generator, X: np.ndarray, y: np.ndarray, val_fraction: float
) -> Split:
    """Split the rows at random into a training set and a validation set.

    Seed 004 sec. 1.6 (5): "holdout validation", training on one part and validating on
    a separate part that mimics the test set. ``round(val_fraction * n)`` rows go to
    validation; which ones is drawn from ``rng``.
    """
    rng = check_rng(rng)
    X = _as_matrix("X", X)
    y = _as_vector("y", y, X.shape[0])
    train_idx, val_idx = _holdout_indices(rng, X.shape[0], val_fraction)
    return Split(X[train_idx], y[train_idx], X[val_idx], y[val_idx], train_idx, val_idx)


def kfold_indices(
    rng: np.random.Generator, n: int, k: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` pairs ``(train_idx, val_idx)`` whose validation parts partition ``range(n)``.

    The rows are shuffled with ``rng`` and cut into ``k`` folds whose sizes differ by at
    most one; fold ``i`` validates a model trained on the other ``k - 1``. Indices are
    sorted within each part.
    """
    rng = check_rng(rng)
    n = check_int("n", n, minimum=2)
    k = check_int("k", k, minimum=2)
    if k > n:
        raise CourseLibError(f"k={k} folds need at least k examples, but n={n}")
    folds = np.array_split(rng.permutation(n), k)
    out = []
    for i, fold in enumerate(folds):
        train = np.concatenate([f for j, f in enumerate(folds) if j != i])
        out.append((np.sort(train), np.sort(fold)))
    return out


class LambdaSearch(NamedTuple):
    """A validation curve: errors for every λ, and the λ with the lowest validation error."""

    lams: np.ndarray
    train_errors: np.ndarray
    val_errors: np.ndarray
    best_lam: float
    best_index: int


FitFn = Callable[[np.ndarray, np.ndarray, float], Any]


def _predictions(model: Any, X: np.ndarray) -> np.ndarray:
    if hasattr(model, "predict"):
        return np.asarray(model.predict(X), dtype=np.float64)
    if callable(model):
        return np.asarray(model(X), dtype=np.float64)
    raise CourseLibError(
        "fit(X, y, lam) must return a model with a predict(X) method (such as the result "
        f"of ridge) or a function X -> predictions, got {type(model).__name__}"
    )


def choose_lambda(
    X: np.ndarray,
    y: np.ndarray,
    lams: Sequence[float],
    fit: FitFn,
    *,
    method: str = "holdout",
    rng: np.random.Generator,
    val_fraction: float = 0.2,
    k: int = 5,
    metric: Callable[[np.ndarray, np.ndarray], float] = mse,
) -> LambdaSearch:
    """Training and validation error for every λ, and the λ with the lowest validation error.

    Seed 004 sec. 1.6 (5)-(6): "look for the sweet spot in the validation error curve".
    With ``method="holdout"`` one split (:func:`holdout_split` with ``val_fraction``) is
    used for every λ; with ``method="kfold"`` the errors are averaged over the ``k``
    folds of :func:`kfold_indices`. Both draw the split once from ``rng``, so every λ
    sees the same data. Ties go to the first λ in ``lams``.

    Parameters
    ----------
    X, y
        All the labelled data.
    lams
        The candidate values of λ (at least one, each >= 0).
    fit
        ``fit(X_train, y_train, lam)`` returning a model with ``predict(X)``, e.g.
        ``lambda X, y, lam: ridge(X, y, lam, fit_intercept=True)``.
    method
        ``"holdout"`` or ``"kfold"``.
    rng
        The generator that draws the split.
    metric
        ``metric(y_true, y_pred)``, lower is better; :func:`mse` by default.
    """
    X = _as_matrix("X", X)
    y = _as_vector("y", y, X.shape[0])
    lam_array = np.asarray(lams, dtype=np.float64)
    if lam_array.ndim != 1 or lam_array.size == 0:
        raise CourseLibError(f"lams must be a non-empty list of numbers, got {lams!r}")
    for lam in lam_array:
        check_nonnegative("each value in lams", lam)
    if not callable(fit):
        raise CourseLibError(f"fit must be a function fit(X, y, lam), got {fit!r}")
    check_choice("method", method, ("holdout", "kfold"))
    rng = check_rng(rng)
    if method == "holdout":
        splits = [_holdout_indices(rng, X.shape[0], val_fraction)]
    else:
        splits = kfold_indices(rng, X.shape[0], k)
    train_errors = np.zeros(lam_array.size)
    val_errors = np.zeros(lam_array.size)
    for i, lam in enumerate(lam_array):
        for train, val in splits:
            model = fit(X[train], y[train], float(lam))
            train_errors[i] += metric(y[train], _predictions(model, X[train]))
            val_errors[i] += metric(y[val], _predictions(model, X[val]))
    train_errors /= len(splits)
    val_errors /= len(splits)
    best = int(np.argmin(val_errors))
    return LambdaSearch(lam_array, train_errors, val_errors, float(lam_array[best]), best)


# --------------------------------------------------------------------------------------
# Penalized logistic regression (seed 000 "Regularization - Logistic Regression")
# --------------------------------------------------------------------------------------


def _logistic_params(params: object, d: int) -> Params:
    params = as_params(params)
    if set(params) != {"w", "b"}:
        raise CourseLibError(
            f"logistic regression needs params {{'w': array of shape ({d},), 'b': scalar}}, "
            f"got keys {sorted(params)}"
        )
    if params["w"].shape != (d,):
        raise CourseLibError(
            f"params['w'] must have shape ({d},) to match X, got {params['w'].shape}"
        )
    if params["b"].shape != ():
        raise CourseLibError(f"params['b'] must be a scalar, got shape {params['b'].shape}")
    return params


def _labels(y: object, n: int) -> np.ndarray:
    y = _as_vector("y", y, n)
    if not np.isin(y, (0.0, 1.0)).all():
        raise CourseLibError(f"y must hold labels 0 and 1, got the values {np.unique(y)[:5]}")
    return y


def _penalty_terms(params, penalty, lam, scaling, n):
    check_choice("penalty", penalty, LOGISTIC_PENALTIES)
    lam = check_nonnegative("lam", lam)
    if penalty == "none":
        return 0.0, {"w": np.zeros_like(params["w"]), "b": np.zeros(())}
    kwargs = {"scaling": scaling, "n": n if scaling == "lambda_over_2n" else None,
              "exclude": ("b",)}
    if penalty == "l2":
        return l2_penalty(params, lam, **kwargs), l2_penalty_grad(params, lam, **kwargs)
    return l1_penalty(params, lam, **kwargs), l1_penalty_grad(params, lam, **kwargs)


def logistic_predict_proba(params: Params, X: np.ndarray) -> np.ndarray:
    r"""The predicted probabilities :math:`\sigma(Xw + b)` of the label 1."""
    X = _as_matrix("X", X)
    params = _logistic_params(params, X.shape[1])
    return expit(X @ params["w"] + params["b"])


def logistic_loss_and_grad(
    params: Params,
    X: np.ndarray,
    y: np.ndarray,
    *,
    penalty: str = "l2",
    lam: float = 0.0,
    scaling: str = "lambda_over_2n",
) -> tuple[float, Params]:
    r"""The penalized cross-entropy of logistic regression and its gradient.

    Seed 000 "Regularization - Logistic Regression", with :math:`z = Xw + b`,
    :math:`a = \sigma(z)` and labels :math:`y \in \{0, 1\}`:

    .. math:: L(w, b) = \frac1N\sum_{i=1}^N \Bigl[-y_i\log a_i - (1-y_i)\log(1-a_i)\Bigr]
              + \frac{\lambda}{2N}\lVert w\rVert_2^2

    (or :math:`\frac{\lambda}{2N}\lVert w\rVert_1` with ``penalty="l1"``; ``scaling``
    picks another factor, see :mod:`course_lib.penalties`). The bias :math:`b` is never
    penalized (the seed's "we can omit regularization on :math:`w_0`"). Each example's
    loss is computed as :math:`\log(1 + e^{-s z})` with :math:`s = 2y - 1` through
    ``np.logaddexp``, which neither overflows nor takes the log of 0. The gradient is

    .. math:: \nabla_w L = \frac1N X^\top(a - y) + \nabla_w\Omega, \qquad
              \partial_b L = \frac1N\sum_i (a_i - y_i),

    with the L1 subgradient taken as 0 at :math:`w_j = 0`.

    Parameters
    ----------
    params
        ``{"w": (d,), "b": scalar}``; not modified.
    X, y
        Features ``(N, d)`` and labels ``(N,)`` in {0, 1}.
    penalty
        ``"l2"``, ``"l1"`` or ``"none"``.
    lam
        :math:`\lambda \ge 0`.
    scaling
        ``"lambda_over_2n"`` (default, seed 000; :math:`N` is the number of rows of X),
        ``"lambda_over_2"`` or ``"lambda"``.

    Returns
    -------
    (loss, grads)
        ``grads`` has the keys of ``params``.
    """
    X = _as_matrix("X", X)
    n = X.shape[0]
    y = _labels(y, n)
    params = _logistic_params(params, X.shape[1])
    pen, pen_grad = _penalty_terms(params, penalty, lam, scaling, n)
    z = X @ params["w"] + params["b"]
    data_loss = float(np.mean(np.logaddexp(0.0, -(2.0 * y - 1.0) * z)))
    error = expit(z) - y
    grads = {
        "w": X.T @ error / n + pen_grad["w"],
        "b": np.asarray(np.mean(error)),
    }
    return data_loss + pen, grads


class LogisticFit(NamedTuple):
    """The result of :func:`fit_logistic`: final params, the loss at every iterate, the run."""

    params: Params
    losses: np.ndarray
    trajectory: optim.Trajectory

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """:math:`\\sigma(Xw + b)` with the final params."""
        return logistic_predict_proba(self.params, X)


def fit_logistic(
    X: np.ndarray,
    y: np.ndarray,
    *,
    penalty: str = "l2",
    lam: float = 0.0,
    scaling: str = "lambda_over_2n",
    optimizer: optim.Optimizer,
    n_steps: int,
    params0: Params | None = None,
) -> LogisticFit:
    r"""Train penalized logistic regression with any optimizer of :mod:`course_lib.optim`.

    Runs ``optim.run(optimizer, grad, params0, n_steps)`` on the full batch, with the
    gradient of :func:`logistic_loss_and_grad`. With ``penalty="l1"`` this is subgradient
    descent: weights hover around zero rather than becoming exactly zero (the lasso's
    exact zeros need a soft threshold, as in :func:`lasso`).

    Parameters
    ----------
    X, y
        Features ``(N, d)`` and labels ``(N,)`` in {0, 1}; not modified.
    penalty, lam, scaling
        As in :func:`logistic_loss_and_grad`.
    optimizer
        E.g. ``optim.SGD(lr=0.5)`` or ``optim.Adam(lr=0.05)``.
    n_steps
        Number of updates.
    params0
        Starting point ``{"w": (d,), "b": scalar}``; zeros by default.

    Returns
    -------
    LogisticFit
        ``params`` after the last step, ``losses`` (``n_steps + 1`` values, the first at
        ``params0``) and the full ``trajectory``.
    """
    X = _as_matrix("X", X)
    y = _labels(y, X.shape[0])
    if params0 is None:
        params0 = {"w": np.zeros(X.shape[1]), "b": np.zeros(())}
    params0 = _logistic_params(params0, X.shape[1])
    options = {"penalty": penalty, "lam": lam, "scaling": scaling}
    logistic_loss_and_grad(params0, X, y, **options)  # check the options before training

    def grad(params: Params) -> Params:
        return logistic_loss_and_grad(params, X, y, **options)[1]

    def loss(params: Params) -> float:
        return logistic_loss_and_grad(params, X, y, **options)[0]

    trajectory = optim.run(optimizer, grad, params0, n_steps)
    return LogisticFit(trajectory.final, trajectory.values(loss), trajectory)
