"""Tests for course_lib.noise_injection: input noise on least squares is ridge regression.

Expected values come from hand derivations (in the comments), scikit-learn's Ridge, or
direct sampling written out in the test.
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.linear_model as sk

from course_lib import CourseLibError
from course_lib import noise_injection as ni
from course_lib.gradcheck import numerical_gradient
from course_lib.linear_models import ridge


def regression_data(seed=0, n=20, d=3, intercept=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, X @ np.array([2.0, -1.0, 0.5])[:d] + intercept + 0.3 * rng.normal(size=n)


# --- the closed form -----------------------------------------------------------------------


def test_expected_noisy_loss_by_hand():
    # X = [[1, 0], [0, 2]], y = [1, 1], w = [1, 1], σ = 0.5, N = 2:
    # Xw - y = [0, 1] -> 1;  Nσ²‖w‖² = 2 · 0.25 · 2 = 1;  sum 2, mean 1
    X, y, w = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([1.0, 1.0]), np.array([1.0, 1.0])
    assert ni.expected_noisy_loss(w, X, y, 0.5) == 2.0
    assert ni.expected_noisy_loss(w, X, y, 0.5, reduction="mean") == 1.0
    # with b = 1: Xw + b - y = [1, 2] -> 5, plus the same 1 (b gets no noise)
    assert ni.expected_noisy_loss(w, X, y, 0.5, intercept=1.0) == 6.0


def test_noisy_loss_by_hand():
    # (X + E)w - y with E = [[1, 0], [0, -1]]: rows [2, 0]·w - 1 = 1 and [0, 1]·w - 1 = 0
    X, y, w = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([1.0, 1.0]), np.array([1.0, 1.0])
    E = np.array([[1.0, 0.0], [0.0, -1.0]])
    assert ni.noisy_loss(w, X, y, E) == 1.0
    assert ni.noisy_loss(w, X, y, E, reduction="mean") == 0.5


@pytest.mark.parametrize(("reduction", "intercept"), [("sum", 0.0), ("mean", 0.7)])
def test_closed_form_equals_the_mean_of_sampled_noisy_losses(reduction, intercept):
    X, y = regression_data(1, n=15)
    w, sigma = np.array([1.5, -0.5, 1.0]), 0.8
    rng = np.random.default_rng(2)
    m = 40_000
    E = sigma * rng.standard_normal((m, *X.shape))
    # each draw's loss written out directly (not through noisy_loss)
    losses = np.sum(((X + E) @ w + intercept - y) ** 2, axis=1)
    if reduction == "mean":
        losses /= X.shape[0]
    se = losses.std(ddof=1) / np.sqrt(m)
    closed = ni.expected_noisy_loss(w, X, y, sigma, intercept=intercept, reduction=reduction)
    assert abs(losses.mean() - closed) < 4 * se
    # the noise term is not negligible here, so the check has teeth
    plain = np.sum((X @ w + intercept - y) ** 2) / (1 if reduction == "sum" else X.shape[0])
    assert closed - plain > 20 * se
    # and noisy_loss agrees with the direct computation draw by draw
    assert ni.noisy_loss(w, X, y, E[0], intercept=intercept, reduction=reduction) == pytest.approx(losses[0], rel=1e-12)


# --- the ridge equivalence, by exact algebra ------------------------------------------------


def test_equivalent_lambda_values():
    # "lambda": Nσ²; "lambda_over_2": λ/2 = Nσ²; "lambda_over_2n": λ/(2N) = σ² (mean form)
    assert ni.equivalent_ridge_lambda(20, 0.5) == 5.0
    assert ni.equivalent_ridge_lambda(20, 0.5, scaling="lambda_over_2") == 10.0
    assert ni.equivalent_ridge_lambda(20, 0.5, scaling="lambda_over_2n") == 10.0
    assert ni.equivalent_ridge_lambda(7, 0.0) == 0.0


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_minimizer_of_the_expected_noisy_loss_is_sklearn_ridge(fit_intercept):
    # ∇_w [‖Xw + b - y‖² + Nσ²‖w‖²] = 2Xᵀ(Xw + b - y) + 2Nσ²w = 0 and ∂_b = 2Σ(Xw + b - y) = 0:
    # the normal equations of sklearn's Ridge(alpha = Nσ²) (which leaves b unpenalized)
    X, y = regression_data(3, n=25, intercept=1.3)
    sigma = 0.6
    alpha = 25 * sigma**2
    oracle = sk.Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky").fit(X, y)
    w, b = oracle.coef_, float(oracle.intercept_)

    def loss(v):
        return ni.expected_noisy_loss(v[:-1], X, y, sigma, intercept=v[-1])

    grad = numerical_gradient(loss, np.append(w, b))
    np.testing.assert_allclose(grad[:-1], 0.0, atol=1e-5)
    if fit_intercept:
        assert abs(grad[-1]) < 1e-5
    assert ni.equivalent_ridge_lambda(25, sigma) == pytest.approx(alpha, rel=1e-15)


@pytest.mark.parametrize("scaling", ["lambda", "lambda_over_2", "lambda_over_2n"])
def test_course_ridge_with_the_equivalent_lambda_matches_sklearn(scaling):
    X, y = regression_data(4, n=30, intercept=-0.4)
    sigma = 0.5
    lam = ni.equivalent_ridge_lambda(30, sigma, scaling=scaling)
    ours = ridge(X, y, lam, scaling=scaling, fit_intercept=True)
    oracle = sk.Ridge(alpha=30 * sigma**2, solver="cholesky").fit(X, y)
    np.testing.assert_allclose(ours.coef, oracle.coef_, rtol=1e-10, atol=1e-12)
    assert ours.intercept == pytest.approx(oracle.intercept_, rel=1e-10)


# --- training on noisy copies ------------------------------------------------------------


def test_noisy_fit_approaches_ridge_and_stays_away_from_least_squares():
    X, y = regression_data(5, n=20)
    sigma = 0.7
    target = ridge(X, y, ni.equivalent_ridge_lambda(20, sigma)).coef
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    shrinkage = np.linalg.norm(target - ols)
    assert shrinkage > 0.1  # σ is large enough for ridge and least squares to differ
    distances = []
    for k, n_copies in enumerate([4, 64, 1024, 16384]):
        fit = ni.noisy_least_squares(X, y, sigma, n_copies=n_copies, rng=np.random.default_rng(10 + k))
        distances.append(np.linalg.norm(fit.coef - target))
        assert fit.intercept == 0.0
    # the sampling error shrinks like 1/sqrt(K): 16x more copies, about 4x closer each time
    assert distances[3] < distances[2] < distances[1] < distances[0]
    assert distances[3] < 0.05 * shrinkage
    final = ni.noisy_least_squares(X, y, sigma, n_copies=16384, rng=np.random.default_rng(99))
    assert np.linalg.norm(final.coef - ols) > 0.9 * shrinkage


def test_noisy_fit_with_intercept_approaches_ridge_with_unpenalized_intercept():
    X, y = regression_data(6, n=20, intercept=2.0)
    sigma = 0.7
    target = sk.Ridge(alpha=20 * sigma**2).fit(X, y)
    fit = ni.noisy_least_squares(X, y, sigma, n_copies=16384, rng=np.random.default_rng(0), fit_intercept=True)
    np.testing.assert_allclose(fit.coef, target.coef_, atol=0.03)
    assert fit.intercept == pytest.approx(target.intercept_, abs=0.03)


def test_zero_noise_gives_least_squares():
    X, y = regression_data(7)
    fit = ni.noisy_least_squares(X, y, 0.0, n_copies=3, rng=np.random.default_rng(0))
    np.testing.assert_allclose(fit.coef, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10)


def test_noisy_fit_is_reproducible_and_does_not_modify_inputs():
    X, y = regression_data(8)
    X0, y0 = X.copy(), y.copy()
    a = ni.noisy_least_squares(X, y, 0.3, n_copies=5, rng=np.random.default_rng(1))
    b = ni.noisy_least_squares(X, y, 0.3, n_copies=5, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.coef, b.coef)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


# --- bad arguments -----------------------------------------------------------------------


def test_bad_arguments():
    X, y = regression_data(9, n=5)
    w = np.ones(3)
    with pytest.raises(CourseLibError, match=r"sigma must be >= 0, got -1\.0"):
        ni.expected_noisy_loss(w, X, y, -1.0)
    with pytest.raises(CourseLibError, match=r"w must have one weight per column of X \(3\), got shape \(2,\)"):
        ni.expected_noisy_loss(np.ones(2), X, y, 0.1)
    with pytest.raises(CourseLibError, match="y must have one target per row of X: X has 5 rows but y has 4"):
        ni.expected_noisy_loss(w, X, y[:4], 0.1)
    with pytest.raises(CourseLibError, match="X must be a 2-D array"):
        ni.expected_noisy_loss(w, X[:, 0], y, 0.1)
    with pytest.raises(CourseLibError, match="reduction must be one of 'sum', 'mean'"):
        ni.expected_noisy_loss(w, X, y, 0.1, reduction="average")
    with pytest.raises(CourseLibError, match=r"noise must have the shape of X \(5, 3\)"):
        ni.noisy_loss(w, X, y, np.zeros((5, 2)))
    with pytest.raises(CourseLibError, match="n_copies must be >= 1, got 0"):
        ni.noisy_least_squares(X, y, 0.1, n_copies=0, rng=np.random.default_rng(0))
    with pytest.raises(CourseLibError, match=r"rng must be a numpy\.random\.Generator"):
        ni.noisy_least_squares(X, y, 0.1, n_copies=2, rng=None)
    with pytest.raises(CourseLibError, match="fit_intercept must be True or False"):
        ni.noisy_least_squares(X, y, 0.1, n_copies=2, rng=np.random.default_rng(0), fit_intercept=1)
    with pytest.raises(CourseLibError, match="scaling must be one of"):
        ni.equivalent_ridge_lambda(5, 0.1, scaling="lambda_over_n")
    with pytest.raises(CourseLibError, match="n must be >= 1, got 0"):
        ni.equivalent_ridge_lambda(0, 0.1)
