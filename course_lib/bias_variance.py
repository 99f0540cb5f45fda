r"""The bias-variance decomposition, measured by Monte Carlo, and the train/validation diagnosis.

Seed 001 ("The Bias-Variance Tradeoff (Dilemma)") writes, for :math:`y = f(x) + \varepsilon`
with :math:`\operatorname{Var}\varepsilon = \sigma^2` and a model :math:`\hat f` trained on
a random training set :math:`D`,

.. math:: \mathbb E_{D,\varepsilon}\bigl[(y - \hat f(x))^2\bigr]
          = \underbrace{\bigl(\mathbb E_D[\hat f(x)] - f(x)\bigr)^2}_{\text{bias}^2}
          + \underbrace{\operatorname{Var}_D[\hat f(x)]}_{\text{variance}}
          + \underbrace{\sigma^2}_{\text{noise}},

the noise being the lower bound on the expected error on unseen samples. :func:`decompose`
checks this by simulation: it draws many training sets from a :class:`~course_lib.data.Truth`,
fits a model to each, and measures both sides: the three terms on the right from the
spread of the fitted functions, and the left side directly from fresh noisy targets at
the test points. "Simple model: high bias, low variance; complex model: low bias, high
variance" (seed 001) is then a curve over the capacity, from :func:`sweep`, e.g. over the
polynomial degree of seed 004 §1.4-1.5 or the ridge :math:`\lambda` of §1.6. Any model
works: ``fit(dataset) -> predict`` is all the decomposition needs (an MLP can be plugged
in the same way as a polynomial).

:func:`diagnose` reads the other side of the same story from the two numbers a practitioner
has, the training and validation errors: seed 001's "Overfitting Challenge (What to do?)"
table and Andrew Ng's deep-learning recipe (the figures of seeds 000 and 002).

>>> import numpy as np
>>> from course_lib.data import truth_function
>>> truth = truth_function("sin", noise_std=0.3)
>>> bv = decompose(truth, polynomial_fit(3), n_train=20, n_sets=200,
...                x_test=np.linspace(0, 1, 50), rng=np.random.default_rng(0))
>>> bv.noise                                       # σ² = 0.3²
0.09
>>> abs(bv.gap) < 4 * bv.gap_se                    # both sides of the identity agree
True
>>> diagnose(0.01, 0.11).label                     # Andrew Ng: train 1 %, val 11 %
'high variance'

Seed numbers ("seed 001") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from course_lib._validation import (
    CourseLibError,
    check_array,
    check_choice,
    check_int,
    check_nonnegative,
    check_rng,
)
from course_lib.data import Dataset, Truth
from course_lib.linear_models import RIDGE_SCALINGS, polynomial_features

Predictor = Callable[[np.ndarray], np.ndarray]
"""A trained model: test inputs of shape ``(m, 1)`` -> predictions of shape ``(m,)``."""

FitFn = Callable[[Dataset], Any]
"""Trains one model on a :class:`~course_lib.data.Dataset` and returns a :data:`Predictor`
(or an object with a ``predict(X)`` method)."""

DESIGNS = ("random", "fixed")
"""How training sets are drawn: new inputs every time, or one set of inputs, new noise."""


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


class BiasVariance(NamedTuple):
    r"""One Monte-Carlo bias-variance decomposition (see :func:`decompose`).

    Per test point (arrays of shape ``(m,)``) and averaged over the test points (floats).
    ``bias2`` and ``variance`` are unbiased estimates (see :func:`decompose`), so
    ``bias2`` can come out slightly below 0 when the true bias is about 0.

    Attributes
    ----------
    x_test, f_test
        The test inputs and the noiseless truth :math:`f(x)` there.
    predictions
        ``(n_sets, m)``: :math:`\hat f_D(x)` for every training set :math:`D`.
    mean_prediction
        :math:`\bar f(x) \approx \mathbb E_D[\hat f(x)]`.
    bias2_per_x, variance_per_x
        The two terms at each test point.
    bias2, variance, noise
        Their means over the test points, and :math:`\sigma^2`.
    expected_error_predicted
        ``bias2 + variance + noise``.
    expected_error_measured
        :math:`\frac{1}{n_\text{sets}\, m}\sum_{D, x} (y - \hat f_D(x))^2` with a fresh
        noisy :math:`y = f(x) + \varepsilon` for every training set and test point.
    bias2_se, variance_se, expected_error_measured_se
        Monte-Carlo standard errors (over the training sets).
    gap_se
        Standard error of :attr:`gap`, the measured minus the predicted error.
    n_train, n_sets, design
        How the training sets were drawn.
    """

    x_test: np.ndarray
    f_test: np.ndarray
    predictions: np.ndarray
    mean_prediction: np.ndarray
    bias2_per_x: np.ndarray
    variance_per_x: np.ndarray
    bias2: float
    variance: float
    noise: float
    expected_error_predicted: float
    expected_error_measured: float
    bias2_se: float
    variance_se: float
    expected_error_measured_se: float
    gap_se: float
    n_train: int
    n_sets: int
    design: str

    @property
    def gap(self) -> float:
        """``expected_error_measured - expected_error_predicted``: 0 up to Monte-Carlo error."""
        return self.expected_error_measured - self.expected_error_predicted


class BiasVarianceCurve(NamedTuple):
    """The decompositions of :func:`sweep`, one per capacity, in the order given.

    The properties collect one term across the capacities as an array, ready to plot
    against :attr:`labels` (the polynomial degrees, the λ values, ...).
    """

    labels: tuple[Any, ...]
    results: tuple[BiasVariance, ...]

    def _collect(self, name: str) -> np.ndarray:
        return np.array([getattr(r, name) for r in self.results])

    @property
    def bias2(self) -> np.ndarray:
        return self._collect("bias2")

    @property
    def variance(self) -> np.ndarray:
        return self._collect("variance")

    @property
    def noise(self) -> np.ndarray:
        return self._collect("noise")

    @property
    def expected_error_predicted(self) -> np.ndarray:
        return self._collect("expected_error_predicted")

    @property
    def expected_error_measured(self) -> np.ndarray:
        return self._collect("expected_error_measured")

    @property
    def bias2_se(self) -> np.ndarray:
        return self._collect("bias2_se")

    @property
    def variance_se(self) -> np.ndarray:
        return self._collect("variance_se")

    @property
    def expected_error_measured_se(self) -> np.ndarray:
        return self._collect("expected_error_measured_se")

    @property
    def best_label(self) -> Any:
        """The capacity with the lowest measured expected error (the "sweet spot")."""
        return self.labels[int(np.argmin(self.expected_error_measured))]

    def result(self, label: Any) -> BiasVariance:
        """The decomposition for the capacity called ``label``."""
        for lab, res in zip(self.labels, self.results, strict=True):
            if lab == label:
                return res
        raise CourseLibError(f"no capacity labelled {label!r}; the labels are {self.labels!r}")


# --------------------------------------------------------------------------------------
# Polynomial models: one batched least-squares solve for many training sets
# --------------------------------------------------------------------------------------


class PolynomialModel(NamedTuple):
    r"""A fitted polynomial :math:`\hat f(x) = w_0 + w_1 x + \dots + w_m x^m`.

    ``coef`` holds :math:`w_0, \dots, w_m` in increasing powers. Calling the model (or
    :meth:`predict`) evaluates it at inputs of shape ``(k,)`` or ``(k, 1)``.
    """

    coef: np.ndarray

    @property
    def degree(self) -> int:
        return self.coef.size - 1

    def predict(self, x: np.ndarray) -> np.ndarray:
        return polynomial_features(x, self.degree) @ self.coef

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.predict(x)


@dataclass(frozen=True)
class PolynomialFit:
    r"""Fits :math:`w_0 + w_1 x + \dots + w_m x^m` by least squares or ridge (seed 004 §1.4-1.6).

    Use :func:`polynomial_fit` to build one. Calling it on a
    :class:`~course_lib.data.Dataset` returns a :class:`PolynomialModel`, which makes it a
    ``fit`` for :func:`decompose`; :meth:`predict_many` fits many training sets in one
    batched solve, and :func:`decompose` uses it when it is there.
    """

    degree: int
    lam: float = 0.0
    scaling: str = "lambda"

    def __post_init__(self) -> None:
        object.__setattr__(self, "degree", check_int("degree", self.degree, minimum=0))
        object.__setattr__(self, "lam", check_nonnegative("lam", self.lam))
        check_choice("scaling", self.scaling, RIDGE_SCALINGS)

    def coefficients(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        r"""The coefficients :math:`w_0, \dots, w_m` for a stack of training sets.

        Parameters
        ----------
        X
            Inputs, ``(n_sets, n)`` or ``(n_sets, n, 1)``.
        y
            Targets, ``(n_sets, n)``.

        Returns
        -------
        np.ndarray
            ``(n_sets, degree + 1)``, increasing powers.
        """
        X = check_array("X", X)
        if X.ndim == 3 and X.shape[2] == 1:
            X = X[:, :, 0]
        y = check_array("y", y)
        if X.ndim != 2 or y.shape != X.shape or X.shape[1] == 0:
            raise CourseLibError(
                "coefficients needs X of shape (n_sets, n) or (n_sets, n, 1) and y of shape "
                f"(n_sets, n) with n >= 1, got X {X.shape} and y {y.shape}"
            )
        powers = X[:, :, None] ** np.arange(self.degree + 1)  # (n_sets, n, degree + 1)
        if self.lam == 0.0:
            return _batched_lstsq(powers, y)
        kappa = self.lam if self.scaling == "lambda" else self.lam / 2.0
        return _batched_ridge_with_intercept(powers, y, kappa)

    def __call__(self, data: Dataset) -> PolynomialModel:
        if not isinstance(data, Dataset):
            raise CourseLibError(
                f"a fit is called with a course_lib.data.Dataset, got {type(data).__name__}"
            )
        X = np.asarray(data.X, dtype=np.float64)
        if not (X.ndim == 1 or (X.ndim == 2 and X.shape[1] == 1)):
            raise CourseLibError(
                f"polynomial_fit needs one input feature: X of shape (n, 1) or (n,), got {X.shape}"
            )
        return PolynomialModel(self.coefficients(X.reshape(1, -1), np.reshape(data.y, (1, -1)))[0])

    def predict_many(self, X: np.ndarray, y: np.ndarray, x_test: np.ndarray) -> np.ndarray:
        """Fit every training set of the stack and predict at ``x_test``: ``(n_sets, m)``."""
        return self.coefficients(X, y) @ polynomial_features(x_test, self.degree).T


def _batched_lstsq(A: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Minimum-norm least squares for each ``A[k] w = y[k]``, through the SVD.

    The SVD of the Vandermonde matrix itself, not the normal equations: those square its
    condition number (about 1e7 already at degree 7 on [0, 1]). Singular values below
    ``eps * max(n, p) * s_max`` count as zero, as in ``np.linalg.lstsq``, so a degree at
    or above the number of points gives the minimum-norm interpolant instead of an error.
    """
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    cutoff = np.finfo(np.float64).eps * max(A.shape[1:]) * s[:, :1]
    keep = s > cutoff
    s_inv = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    Uty = np.einsum("knr,kn->kr", U, y)
    return np.einsum("krp,kr->kp", Vt, s_inv * Uty)


def _batched_ridge_with_intercept(A: np.ndarray, y: np.ndarray, kappa: float) -> np.ndarray:
    r"""Ridge with an unpenalized intercept, for each stacked set (column 0 of A is ones).

    As in :func:`course_lib.linear_models.ridge` with ``fit_intercept=True``: center the
    features and targets, solve :math:`(F_c^\top F_c + \kappa I) w = F_c^\top y_c`, and
    the intercept is :math:`\bar y - \bar x^\top w`.
    """
    y_mean = y.mean(axis=1)
    if A.shape[2] == 1:  # degree 0: only the intercept, which is not penalized
        return y_mean[:, None]
    F = A[:, :, 1:]
    x_mean = F.mean(axis=1)
    Fc = F - x_mean[:, None, :]
    yc = y - y_mean[:, None]
    gram = np.einsum("knp,knq->kpq", Fc, Fc) + kappa * np.eye(F.shape[2])
    w = np.linalg.solve(gram, np.einsum("knp,kn->kp", Fc, yc)[:, :, None])[:, :, 0]
    intercept = y_mean - np.einsum("kp,kp->k", x_mean, w)
    return np.concatenate([intercept[:, None], w], axis=1)


def polynomial_fit(degree: int, lam: float = 0.0, *, scaling: str = "lambda") -> PolynomialFit:
    r"""A ``fit`` for polynomial regression of the given degree (seed 004 §1.4 (e)).

    - ``lam == 0``: least squares on :math:`[1, x, \dots, x^m]` (minimum-norm when the
      degree reaches the number of points, so over-fitting can be watched to the end);
    - ``lam > 0``: ridge on :math:`[x, \dots, x^m]` with an unpenalized intercept
      (seed 004 §1.6 item 3), :math:`\lVert Xw + w_0 - y\rVert^2 + \lambda\lVert w\rVert^2`
      for ``scaling="lambda"``; the other scalings as in
      :func:`course_lib.linear_models.ridge`.

    >>> from course_lib.data import Dataset
    >>> x = np.array([[0.0], [1.0], [2.0]])
    >>> model = polynomial_fit(1)(Dataset(x, np.array([1.0, 3.0, 5.0])))
    >>> model.coef.round(12).tolist(), model(np.array([3.0])).round(12).tolist()
    ([1.0, 2.0], [7.0])
    """
    return PolynomialFit(degree, lam, scaling)


def polynomial_family(
    degrees: Iterable[int], *, lam: float = 0.0, scaling: str = "lambda"
) -> dict[int, PolynomialFit]:
    """``{degree: polynomial_fit(degree, lam)}``, the capacity axis of seed 004 §1.5."""
    return {int(check_int("degree", d)): polynomial_fit(d, lam, scaling=scaling) for d in degrees}


def ridge_family(
    degree: int, lams: Iterable[float], *, scaling: str = "lambda"
) -> dict[float, PolynomialFit]:
    """``{λ: polynomial_fit(degree, λ)}``: a fixed polynomial, more and more regularized."""
    return {
        float(check_nonnegative("lam", lam)): polynomial_fit(degree, lam, scaling=scaling)
        for lam in lams
    }


# --------------------------------------------------------------------------------------
# The Monte-Carlo decomposition
# --------------------------------------------------------------------------------------


def _check_x_test(x_test: object) -> np.ndarray:
    x = check_array("x_test", x_test)
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1 or x.size == 0:
        raise CourseLibError(
            f"x_test must be a non-empty 1-D array of test inputs (or shape (m, 1)), "
            f"got shape {x.shape}"
        )
    return x


def _draw_training_sets(
    truth: Truth, n_train: int, n_sets: int, rng: np.random.Generator, design: str
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``(n_sets, n_train, 1)`` and targets ``(n_sets, n_train)``."""
    if design == "random":
        sets = [truth.sample(rng, n_train) for _ in range(n_sets)]
        return np.stack([s.X for s in sets]), np.stack([s.y for s in sets])
    X0 = truth.sample(rng, n_train).X
    y = np.stack([truth.observe(rng, X0) for _ in range(n_sets)])
    return np.broadcast_to(X0, (n_sets, *X0.shape)), y


def _as_predictions(model: object, x_col: np.ndarray, where: str) -> np.ndarray:
    if hasattr(model, "predict"):
        out = model.predict(x_col)
    elif callable(model):
        out = model(x_col)
    else:
        raise CourseLibError(
            f"fit must return a function x -> predictions (or a model with predict(x)), "
            f"but {where} it returned {type(model).__name__}"
        )
    return _check_prediction_array(out, x_col.shape[0], where)


def _check_prediction_array(out: object, m: int, where: str) -> np.ndarray:
    try:
        out = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CourseLibError(f"the predictions {where} are not numeric: {err}") from None
    if out.shape == (m, 1):
        out = out[:, 0]
    if out.shape != (m,):
        raise CourseLibError(
            f"the predictions {where} have shape {out.shape}, but there are {m} test "
            f"points: a model must return one prediction per row of x_test, shape ({m},)"
        )
    if not np.isfinite(out).all():
        raise CourseLibError(f"the predictions {where} contain NaN or inf")
    return out


def _predict_all(fit: FitFn, X: np.ndarray, y: np.ndarray, x_test: np.ndarray, label) -> np.ndarray:
    x_col = x_test[:, None]  # the test inputs shaped like Dataset.X
    m = x_test.size
    name = "fit" if label is None else f"fit {label!r}"
    batched = getattr(fit, "predict_many", None)
    if callable(batched):
        out = np.asarray(batched(X, y, x_col), dtype=np.float64)
        if out.shape != (X.shape[0], m) or not np.isfinite(out).all():
            raise CourseLibError(
                f"{name}.predict_many must return finite predictions of shape "
                f"({X.shape[0]}, {m}), got shape {out.shape}"
            )
        return out
    if not callable(fit):
        raise CourseLibError(
            f"{name} must be a function dataset -> predict, e.g. polynomial_fit(3), "
            f"got {fit!r}"
        )
    out = np.empty((X.shape[0], m))
    for k in range(X.shape[0]):
        # each model sees its own copy, so a fit that edits its data cannot affect the next
        model = fit(Dataset(np.array(X[k]), np.array(y[k])))
        out[k] = _as_predictions(model, x_col, f"of {name} on training set {k}")
    return out


def _jackknife_se(estimates: np.ndarray) -> float:
    """Jackknife standard error from the leave-one-out estimates."""
    d = estimates.size
    return float(math.sqrt((d - 1) / d * np.sum((estimates - estimates.mean()) ** 2)))


def _bias2_se(dev: np.ndarray, bias: np.ndarray) -> float:
    r"""Standard error of the bias² estimate, including its quadratic part.

    With :math:`e = \bar f - \mathbb E_D\hat f` (approximately :math:`\mathcal N(0, C/K)`
    by the central limit theorem, :math:`C` the covariance of :math:`\hat f` over the test
    points) the estimate is :math:`\frac1m\lVert b + e\rVert^2` minus a small correction,
    so its variance is :math:`\frac{4}{Km^2} b^\top C b + \frac{2}{K^2m^2}\operatorname{tr}
    C^2`. The jackknife (or the delta method) sees only the first term, which vanishes when
    the model is unbiased, exactly where the question "is bias² zero?" is asked. Plugging in
    :math:`\hat b = \bar f - f` overstates :math:`b^\top C b` by
    :math:`\operatorname{tr} C^2 / K` on average, which is subtracted; the quadratic term
    alone is the floor.
    """
    d, m = dev.shape
    b_cov_b = float(np.sum((dev @ bias) ** 2)) / (d - 1) / m**2
    gram = dev.T @ dev if m <= d else dev @ dev.T  # same Frobenius norm, smaller matrix
    tr_c2 = float(np.sum(gram**2)) / (d - 1) ** 2 / m**2
    quadratic = 2.0 * tr_c2 / d**2
    return math.sqrt(max(4.0 * b_cov_b / d - quadratic, quadratic))


def _decomposition(
    preds: np.ndarray,
    x_test: np.ndarray,
    f_test: np.ndarray,
    y_test: np.ndarray,
    sigma2: float,
    n_train: int,
    design: str,
) -> BiasVariance:
    d = preds.shape[0]
    mean_pred = preds.mean(axis=0)
    dev = preds - mean_pred
    ss = np.sum(dev**2, axis=0)
    variance_x = ss / (d - 1)
    # (mean - f)² overestimates bias² by Var/D on average; subtracting the estimate of that
    # makes it unbiased, and bias² + variance is still exactly the mean over the sets of
    # (f̂_D - f)²: (mean - f)² + ss/D.
    bias2_x = (mean_pred - f_test) ** 2 - variance_x / d

    # Leave-one-set-out versions, in closed form (deviations from the full mean keep the
    # sums of squares free of cancellation): mean_{-k} - mean = -dev_k/(D-1) and
    # ss_{-k} = ss - dev_k² D/(D-1).
    var_loo = (ss - dev**2 * d / (d - 1)) / (d - 2)

    err_per_set = np.mean((y_test - preds) ** 2, axis=1)
    fit_err_per_set = np.mean((preds - f_test) ** 2, axis=1)
    gap_per_set = err_per_set - fit_err_per_set - sigma2
    bias2, variance = float(bias2_x.mean()), float(variance_x.mean())
    return BiasVariance(
        x_test=x_test,
        f_test=f_test,
        predictions=preds,
        mean_prediction=mean_pred,
        bias2_per_x=bias2_x,
        variance_per_x=variance_x,
        bias2=bias2,
        variance=variance,
        noise=sigma2,
        expected_error_predicted=bias2 + variance + sigma2,
        expected_error_measured=float(err_per_set.mean()),
        bias2_se=_bias2_se(dev, mean_pred - f_test),
        variance_se=_jackknife_se(var_loo.mean(axis=1)),
        expected_error_measured_se=float(err_per_set.std(ddof=1) / math.sqrt(d)),
        gap_se=float(gap_per_set.std(ddof=1) / math.sqrt(d)),
        n_train=n_train,
        n_sets=d,
        design=design,
    )


def sweep(
    truth: Truth,
    fits: Mapping[Any, FitFn],
    *,
    n_train: int,
    n_sets: int,
    x_test: np.ndarray,
    rng: np.random.Generator,
    design: str = "random",
) -> BiasVarianceCurve:
    r"""The decomposition of :func:`decompose` for every model in ``fits``: the U-shaped curve.

    Every model is trained on the same ``n_sets`` training sets and scored against the
    same noisy test targets (common random numbers), so the differences between two
    capacities come from the models, not from different draws of the data.

    Parameters
    ----------
    truth, n_train, n_sets, x_test, rng, design
        As in :func:`decompose`.
    fits
        ``{label: fit}`` in the order to plot, e.g. :func:`polynomial_family` ``(range(10))``
        (labels = degrees) or :func:`ridge_family` ``(9, [1e-6, 1e-3, 1])`` (labels = λ).

    Returns
    -------
    BiasVarianceCurve
        ``labels`` and one :class:`BiasVariance` per label, in the order of ``fits``.
    """
    if not isinstance(truth, Truth):
        raise CourseLibError(
            "truth must be a course_lib.data.Truth, e.g. truth_function('sin', noise_std=0.3), "
            f"got {type(truth).__name__}"
        )
    if not isinstance(fits, Mapping) or not fits:
        raise CourseLibError(
            "fits must be a non-empty dict {label: fit}, e.g. polynomial_family([1, 3, 9]), "
            f"got {fits!r}"
        )
    n_train = check_int("n_train", n_train, minimum=1)
    n_sets = check_int("n_sets", n_sets, minimum=3)
    x_test = _check_x_test(x_test)
    rng = check_rng(rng)
    design = check_choice("design", design, DESIGNS)
    X, y = _draw_training_sets(truth, n_train, n_sets, rng, design)
    f_test = truth(x_test)
    # one fresh noisy target per training set and test point: the left-hand side's ε
    y_test = f_test + truth.noise_std * rng.standard_normal((n_sets, x_test.size))
    sigma2 = truth.noise_std**2
    results = tuple(
        _decomposition(
            _predict_all(fit, X, y, x_test, label), x_test, f_test, y_test, sigma2, n_train, design
        )
        for label, fit in fits.items()
    )
    return BiasVarianceCurve(tuple(fits), results)


def decompose(
    truth: Truth,
    fit: FitFn,
    *,
    n_train: int,
    n_sets: int,
    x_test: np.ndarray,
    rng: np.random.Generator,
    design: str = "random",
) -> BiasVariance:
    r"""Monte-Carlo bias-variance decomposition of one model family (seed 001).

    Draws ``n_sets`` independent training sets :math:`D_1, \dots, D_K` of ``n_train``
    points from ``truth``, trains :math:`\hat f_k` = ``fit(D_k)`` on each and predicts at
    the test inputs :math:`x_1, \dots, x_m`. With :math:`\bar f(x) = \frac1K\sum_k \hat
    f_k(x)` and :math:`s^2(x) = \frac{1}{K-1}\sum_k (\hat f_k(x) - \bar f(x))^2`:

    .. math:: \text{variance} = \frac1m\sum_x s^2(x), \qquad
              \text{bias}^2 = \frac1m\sum_x \Bigl[(\bar f(x) - f(x))^2 - \frac{s^2(x)}{K}\Bigr],
              \qquad \text{noise} = \sigma^2.

    Both are unbiased for the true terms averaged over the test points (the plain
    :math:`(\bar f - f)^2` is too large by :math:`\operatorname{Var}_D[\hat f]/K` on
    average), and their sum is exactly :math:`\frac{1}{Km}\sum_{k,x}(\hat f_k(x) -
    f(x))^2`. The left-hand side is measured on its own, with a fresh
    :math:`y_{kx} = f(x) + \varepsilon_{kx}` for every set and test point:

    .. math:: \text{expected\_error\_measured} = \frac{1}{Km}\sum_{k,x} (y_{kx} - \hat f_k(x))^2 .

    Standard errors: the measured error and :attr:`~BiasVariance.gap` are means of
    independent per-set terms (standard deviation over :math:`\sqrt K`); the variance uses
    the jackknife over the training sets; bias² a normal approximation that keeps the
    quadratic term the jackknife misses when the bias is about 0 (then the estimate is
    skewed, like a :math:`\chi^2`). All are estimates themselves, and noisy ones when the
    predictions are heavy-tailed (high degrees on few points). The mean over ``x_test``
    stands for the expectation over the inputs: pass a grid over ``truth.x_range`` (or
    draws from it) to weight the inputs as the data do. With ``design="fixed"`` every
    result, standard errors included, is conditional on the one drawn set of inputs.

    Parameters
    ----------
    truth
        The :class:`~course_lib.data.Truth` (:math:`f` and :math:`\sigma`) to sample from.
    fit
        ``fit(dataset) -> predict``: trains one model on a
        :class:`~course_lib.data.Dataset` (``X`` of shape ``(n_train, 1)``) and returns a
        function (or an object with ``predict``) mapping test inputs of shape ``(m, 1)``
        to ``m`` predictions, e.g. :func:`polynomial_fit` ``(3)``. If ``fit`` has a method
        ``predict_many(X, y, x_test)`` (stacked sets ``(K, n, 1)``, ``(K, n)``), it is used
        instead of ``K`` separate calls.
    n_train
        Points per training set.
    n_sets
        Number :math:`K \ge 3` of training sets.
    x_test
        Test inputs, shape ``(m,)`` or ``(m, 1)``.
    rng
        The generator every training set and test target is drawn from.
    design
        ``"random"`` (default): every training set has new inputs drawn from
        ``truth.x_range``, so the variance includes the spread of where the points fall;
        ``"fixed"``: one set of inputs is drawn and only the noise is redrawn (the
        "fixed design" of many textbook derivations).

    Returns
    -------
    BiasVariance
    """
    curve = sweep(
        truth, {None: fit}, n_train=n_train, n_sets=n_sets, x_test=x_test, rng=rng,
        design=design,
    )
    return curve.results[0]


# --------------------------------------------------------------------------------------
# The train/validation diagnosis
# --------------------------------------------------------------------------------------

BIAS_REMEDIES: tuple[str, ...] = (
    "bigger network: more hidden units or layers (seed 001: increase model complexity)",
    "train longer (seed 001: train for more epochs)",
    "try another network architecture",
)
"""High bias (under-fitting): Andrew Ng's recipe (seeds 000 and 002) and seed 001's table."""

VARIANCE_REMEDIES: tuple[str, ...] = (
    "more training data (e.g. dataset augmentation)",
    "regularization (L2, L1, dropout, ...)",
    "early stopping (train less)",
    "try another network architecture",
)
"""High variance (over-fitting): Andrew Ng's recipe and seed 001's table."""

DONE: tuple[str, ...] = ("nothing: you are done (seed 001: 'Perfect tradeoff')",)

_DEFAULT_TOLERANCE = 0.02


class Diagnosis(NamedTuple):
    """What :func:`diagnose` concludes from a training and a validation error.

    ``avoidable_bias`` is the training error above the Bayes (best possible) error,
    ``variance_gap`` the validation error above the training error; ``high_bias`` and
    ``high_variance`` say whether each exceeds the tolerance. ``remedies`` lists what to
    try, the bias remedies first (Andrew Ng's recipe fixes bias before variance).
    """

    label: str
    high_bias: bool
    high_variance: bool
    avoidable_bias: float
    variance_gap: float
    remedies: tuple[str, ...]


def diagnose(
    train_error: float,
    val_error: float,
    *,
    bayes_error: float = 0.0,
    tolerance: float | None = None,
) -> Diagnosis:
    r"""Bias or variance? The train/validation error table of seed 001 and Andrew Ng's recipe.

    .. math:: \text{avoidable bias} = E_\text{train} - E_\text{Bayes}, \qquad
              \text{variance gap} = E_\text{val} - E_\text{train},

    each "high" when it exceeds ``tolerance``. Andrew Ng's examples (Bayes error about
    0 %, errors as fractions):

    ========  ========  ==============================
    train     val       diagnosis
    ========  ========  ==============================
    1 %       11 %      high variance
    15 %      16 %      high bias
    15 %      30 %      high bias and high variance
    0.5 %     1 %       low bias and low variance
    ========  ========  ==============================

    Seed 001's table has three of the four rows ("High/High: high bias", "Low/High: high
    variance", "Low/Low: perfect tradeoff"); its first row is the 15 %/16 % case, where
    both errors are high but close. Remedies: :data:`BIAS_REMEDIES` (bigger network,
    train longer), :data:`VARIANCE_REMEDIES` (more data, regularization, early stopping),
    both for the mixed case, :data:`DONE` otherwise.

    Parameters
    ----------
    train_error, val_error
        Error rates, as fractions (0.11 for 11 %) unless ``tolerance`` is given, in which
        case any non-negative error measure (an MSE, say) in the same units as it.
    bayes_error
        The best achievable error (human-level error as its proxy, in Ng's course).
    tolerance
        How large a gap counts as "high". Default 0.02, i.e. two percentage points, which
        classifies all four of Ng's examples as he does (their small gaps are at most one
        point, their large ones ten or more).

    >>> diagnose(0.15, 0.30).label
    'high bias and high variance'
    >>> diagnose(0.15, 0.16).remedies[1]
    'train longer (seed 001: train for more epochs)'
    """
    train_error = check_nonnegative("train_error", train_error)
    val_error = check_nonnegative("val_error", val_error)
    bayes_error = check_nonnegative("bayes_error", bayes_error)
    if tolerance is None:
        for name, value in (("train_error", train_error), ("val_error", val_error),
                            ("bayes_error", bayes_error)):
            if value > 1.0:
                raise CourseLibError(
                    f"{name}={value} is above 1: give error rates as fractions (0.11 for "
                    "11 %), or pass tolerance= in the units of your errors"
                )
        tolerance = _DEFAULT_TOLERANCE
    tolerance = check_nonnegative("tolerance", tolerance)
    avoidable_bias = train_error - bayes_error
    variance_gap = val_error - train_error
    high_bias, high_variance = avoidable_bias > tolerance, variance_gap > tolerance
    if high_bias and high_variance:
        label = "high bias and high variance"
        # "try another architecture" is in both lists; list it once
        remedies = BIAS_REMEDIES + tuple(r for r in VARIANCE_REMEDIES if r not in BIAS_REMEDIES)
    elif high_bias:
        label, remedies = "high bias", BIAS_REMEDIES
    elif high_variance:
        label, remedies = "high variance", VARIANCE_REMEDIES
    else:
        label, remedies = "low bias and low variance", DONE
    return Diagnosis(label, high_bias, high_variance, avoidable_bias, variance_gap, remedies)
