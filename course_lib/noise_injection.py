r"""Noise injection as a regularizer: noisy inputs make least squares into ridge regression.

Seed 001 lists "Noise Robustness (adding noise to input/output)" among the regularizers
("Regularization - Others"); Bishop (1995, "Training with noise is equivalent to Tikhonov
regularization") made it precise. For a linear model :math:`\hat y = x^\top w + b` trained
on inputs :math:`x_l + \varepsilon_l` with :math:`\varepsilon_l \sim \mathcal N(0,
\sigma^2 I)` independent of everything else,

.. math:: \mathbb E_\varepsilon \sum_{l=1}^N \bigl((x_l + \varepsilon_l)^\top w + b - y_l\bigr)^2
          = \sum_{l=1}^N (x_l^\top w + b - y_l)^2 + N\sigma^2\lVert w\rVert^2 ,

because the cross term :math:`2(x_l^\top w + b - y_l)\,\varepsilon_l^\top w` has mean 0
and :math:`\mathbb E(\varepsilon_l^\top w)^2 = w^\top \mathbb E[\varepsilon_l\varepsilon_l^\top]
w = \sigma^2\lVert w\rVert^2`, once per example. The expected noisy loss is the ridge
objective of seed 004 §1.6, :math:`\lVert Xw - y\rVert^2 + \lambda\lVert w\rVert^2`, with

.. math:: \lambda = N\sigma^2

in the ``"lambda"`` scaling of :func:`course_lib.linear_models.ridge` (scikit-learn's
``Ridge(alpha=Nσ²)``), and :math:`\lambda = 2N\sigma^2` in the ``"lambda_over_2"`` and
``"lambda_over_2n"`` scalings (:func:`equivalent_ridge_lambda`). With the mean instead of
the sum, :math:`\frac1N\lVert Xw - y\rVert^2 + \sigma^2\lVert w\rVert^2`: the penalty per
example does not grow with :math:`N`. The intercept :math:`b` sees no noise (its input is
the constant 1), so it stays unpenalized, as seed 004 §1.6 item 3 recommends.

Two remarks for the notebook. Noise on the targets (:math:`y_l + \eta_l`) only adds the
constant :math:`N\sigma_y^2` to the expected squared loss and does not change the
minimizer; it matters for other losses (label smoothing, Goodfellow §7.5.1). For a
nonlinear model the equivalence holds only to first order in :math:`\sigma^2` (Bishop's
Tikhonov penalty on the input-output Jacobian).

>>> import numpy as np
>>> X, y = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([1.0, 1.0])
>>> float(expected_noisy_loss(np.array([1.0, 1.0]), X, y, sigma=0.5))   # 1 + 2·0.25·2
2.0
>>> equivalent_ridge_lambda(2, 0.5)
0.5

Seed numbers ("seed 001") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

import numpy as np

from course_lib._validation import (
    CourseLibError,
    check_array,
    check_bool,
    check_choice,
    check_int,
    check_nonnegative,
    check_real,
    check_rng,
)
from course_lib.linear_models import RIDGE_SCALINGS, LinearFit, ridge

REDUCTIONS = ("sum", "mean")
"""The squared loss summed over the examples (seed 004 §1.3) or averaged (seed 000)."""


def _data(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    X = check_array("X", X, ndim=2)
    y = check_array("y", y, ndim=1)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise CourseLibError(f"X must have at least one row and one column, got shape {X.shape}")
    if y.shape[0] != X.shape[0]:
        raise CourseLibError(
            f"y must have one target per row of X: X has {X.shape[0]} rows but y has "
            f"{y.shape[0]} entries"
        )
    return X, y


def _weights(w: object, d: int) -> np.ndarray:
    w = check_array("w", w, ndim=1)
    if w.shape != (d,):
        raise CourseLibError(f"w must have one weight per column of X ({d}), got shape {w.shape}")
    return w


def _reduce(total: float, n: int, reduction: str) -> float:
    check_choice("reduction", reduction, REDUCTIONS)
    return total if reduction == "sum" else total / n


def noisy_loss(
    w: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    noise: np.ndarray,
    *,
    intercept: float = 0.0,
    reduction: str = "sum",
) -> float:
    r"""The squared loss on noisy inputs for one draw of the noise:
    :math:`\sum_l ((x_l + \varepsilon_l)^\top w + b - y_l)^2` (or its mean).

    Parameters
    ----------
    w, intercept
        Weights ``(d,)`` and :math:`b`.
    X, y
        Inputs ``(N, d)`` and targets ``(N,)``.
    noise
        :math:`\varepsilon`, shape ``(N, d)``, e.g. ``sigma * rng.standard_normal(X.shape)``.
    reduction
        ``"sum"`` (seed 004) or ``"mean"``.
    """
    X, y = _data(X, y)
    w = _weights(w, X.shape[1])
    noise = check_array("noise", noise)
    if noise.shape != X.shape:
        raise CourseLibError(f"noise must have the shape of X {X.shape}, got {noise.shape}")
    b = check_real("intercept", intercept)
    residual = (X + noise) @ w + b - y
    return _reduce(float(residual @ residual), X.shape[0], reduction)


def expected_noisy_loss(
    w: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    sigma: float,
    *,
    intercept: float = 0.0,
    reduction: str = "sum",
) -> float:
    r"""The noisy loss averaged over :math:`\varepsilon \sim \mathcal N(0, \sigma^2 I)`, exactly.

    .. math:: \mathbb E_\varepsilon[\text{noisy\_loss}]
              = \lVert Xw + b - y\rVert^2 + N\sigma^2\lVert w\rVert^2

    (``reduction="sum"``), or that divided by :math:`N` (``"mean"``): the ridge objective.
    """
    X, y = _data(X, y)
    w = _weights(w, X.shape[1])
    sigma = check_nonnegative("sigma", sigma)
    b = check_real("intercept", intercept)
    residual = X @ w + b - y
    n = X.shape[0]
    return _reduce(float(residual @ residual) + n * sigma**2 * float(w @ w), n, reduction)


def equivalent_ridge_lambda(n: int, sigma: float, scaling: str = "lambda") -> float:
    r"""The ridge :math:`\lambda` whose minimizer is that of the expected noisy loss.

    Matching :math:`\lVert Xw - y\rVert^2 + N\sigma^2\lVert w\rVert^2` (or its mean: the
    minimizer is the same) with each scaling of :func:`course_lib.linear_models.ridge`:

    - ``"lambda"``: :math:`\lVert Xw - y\rVert^2 + \lambda\lVert w\rVert^2`, so
      :math:`\lambda = N\sigma^2` (also ``sklearn.linear_model.Ridge(alpha=λ)``);
    - ``"lambda_over_2"``: :math:`+\frac{\lambda}{2}\lVert w\rVert^2`, so
      :math:`\lambda = 2N\sigma^2`;
    - ``"lambda_over_2n"``: :math:`\frac1N\lVert Xw - y\rVert^2 + \frac{\lambda}{2N}\lVert
      w\rVert^2`, which is :math:`\frac1N` times the previous, so again
      :math:`\lambda = 2N\sigma^2`.

    Parameters
    ----------
    n
        Number of training examples :math:`N` (rows of ``X``, not counting noisy copies).
    sigma
        Standard deviation of the input noise.
    scaling
        One of ``"lambda"``, ``"lambda_over_2"``, ``"lambda_over_2n"``.

    >>> equivalent_ridge_lambda(10, 0.5, scaling="lambda_over_2n")   # 2 · 10 · 0.25
    5.0
    """
    n = check_int("n", n, minimum=1)
    sigma = check_nonnegative("sigma", sigma)
    check_choice("scaling", scaling, RIDGE_SCALINGS)
    factor = 1.0 if scaling == "lambda" else 2.0
    return factor * n * sigma**2


def noisy_least_squares(
    X: np.ndarray,
    y: np.ndarray,
    sigma: float,
    *,
    n_copies: int,
    rng: np.random.Generator,
    fit_intercept: bool = False,
) -> LinearFit:
    r"""Least squares on ``n_copies`` noisy replicas of the data (training with input noise).

    Stacks :math:`X + \varepsilon^{(1)}, \dots, X + \varepsilon^{(K)}` (each entry of each
    :math:`\varepsilon^{(k)}` drawn from :math:`\mathcal N(0, \sigma^2)`) over :math:`K`
    copies of ``y`` and solves ordinary least squares (with an unpenalized intercept if
    ``fit_intercept``). The objective is :math:`K` times an average of noisy losses, whose
    expectation is the ridge objective with :math:`\lambda = N\sigma^2`, so as
    :math:`K \to \infty` the weights tend to ``ridge(X, y, equivalent_ridge_lambda(N,
    sigma), fit_intercept=fit_intercept)``, not to the plain least-squares weights.

    The stacked matrix has ``n_copies * N`` rows: memory grows with ``n_copies``.

    Parameters
    ----------
    X, y
        Inputs ``(N, d)`` and targets ``(N,)``; not modified.
    sigma
        Standard deviation of the input noise, :math:`\ge 0`.
    n_copies
        Number :math:`K \ge 1` of noisy replicas.
    rng
        The generator the noise is drawn from.
    fit_intercept
        Fit :math:`b` (its input, the constant 1, gets no noise).
    """
    X, y = _data(X, y)
    sigma = check_nonnegative("sigma", sigma)
    n_copies = check_int("n_copies", n_copies, minimum=1)
    rng = check_rng(rng)
    fit_intercept = check_bool("fit_intercept", fit_intercept)
    noise = sigma * rng.standard_normal((n_copies, *X.shape))
    X_noisy = (X + noise).reshape(-1, X.shape[1])
    return ridge(X_noisy, np.tile(y, n_copies), 0.0, fit_intercept=fit_intercept)
