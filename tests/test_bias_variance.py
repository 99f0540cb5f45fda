"""Tests for course_lib.bias_variance: the Monte-Carlo decomposition and the diagnosis table.

Closed forms are derived in the comments; polynomial fits are checked against numpy's
polyfit and scikit-learn's Ridge; Monte-Carlo statements are checked within a few
standard errors with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.linear_model as sk

from course_lib import CourseLibError
from course_lib import bias_variance as bv
from course_lib.data import Dataset, truth_function
from course_lib.linear_models import polynomial_features, ridge

SIN = truth_function("sin", noise_std=0.3)
GRID = np.arange(40) / 40  # k/M, k = 0..M-1: the mean of sin²(2πx) over it is exactly 1/2


def within(value, expected, se, k=4.0):
    assert se > 0
    assert abs(value - expected) < k * se, f"{value} vs {expected}: {abs(value - expected) / se:.1f} SE"


# --- polynomial fits against oracles ----------------------------------------------------


@pytest.mark.parametrize("degree", [0, 1, 3, 6])
def test_least_squares_coefficients_match_numpy_polyfit(degree):
    data = SIN.sample(np.random.default_rng(degree), 25)
    model = bv.polynomial_fit(degree)(data)
    expected = np.polyfit(data.X[:, 0], data.y, degree)[::-1]  # polyfit: highest power first
    np.testing.assert_allclose(model.coef, expected, rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(model(GRID), np.polyval(expected[::-1], GRID), rtol=1e-8, atol=1e-8)


@pytest.mark.parametrize(("degree", "lam"), [(1, 0.5), (5, 1e-3), (9, 0.1)])
def test_ridge_coefficients_match_sklearn_with_unpenalized_intercept(degree, lam):
    # sklearn's Ridge(alpha=λ) minimizes ‖Xw + b - y‖² + λ‖w‖² with b unpenalized
    data = SIN.sample(np.random.default_rng(degree), 30)
    F = polynomial_features(data.X, degree, include_bias=False)
    oracle = sk.Ridge(alpha=lam, solver="cholesky").fit(F, data.y)
    model = bv.polynomial_fit(degree, lam)(data)
    np.testing.assert_allclose(model.coef[1:], oracle.coef_, rtol=1e-7, atol=1e-9)
    assert model.coef[0] == pytest.approx(oracle.intercept_, rel=1e-7, abs=1e-9)


def test_ridge_scalings_follow_linear_models_ridge():
    # "lambda_over_2": ‖·‖² + (λ/2)‖w‖², so λ = 0.2 there is λ = 0.1 in the "lambda" scaling
    data = SIN.sample(np.random.default_rng(0), 30)
    a = bv.polynomial_fit(4, 0.2, scaling="lambda_over_2")(data)
    b = bv.polynomial_fit(4, 0.1)(data)
    c = ridge(polynomial_features(data.X, 4, include_bias=False), data.y, 0.2,
              fit_intercept=True, scaling="lambda_over_2")
    np.testing.assert_allclose(a.coef, b.coef, rtol=1e-9)
    np.testing.assert_allclose(a.coef[1:], c.coef, rtol=1e-7)


def test_degree_at_least_n_gives_the_minimum_norm_interpolant():
    data = SIN.sample(np.random.default_rng(1), 5)
    model = bv.polynomial_fit(7)(data)
    V = polynomial_features(data.X, 7)
    np.testing.assert_allclose(model.coef, np.linalg.pinv(V) @ data.y, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(model(data.X), data.y, atol=1e-9)  # through every point


def test_batched_predictions_equal_one_fit_per_set():
    # the same draws through predict_many and through a plain callable (no predict_many)
    for fit in (bv.polynomial_fit(0), bv.polynomial_fit(3), bv.polynomial_fit(8, 1e-4)):
        a = bv.decompose(SIN, fit, n_train=15, n_sets=20, x_test=GRID, rng=np.random.default_rng(3))
        b = bv.decompose(SIN, lambda d, fit=fit: fit(d), n_train=15, n_sets=20, x_test=GRID,
                         rng=np.random.default_rng(3))
        np.testing.assert_allclose(a.predictions, b.predictions, rtol=1e-9, atol=1e-9)


# --- the decomposition identity ---------------------------------------------------------


@pytest.mark.parametrize("fit", [bv.polynomial_fit(0), bv.polynomial_fit(1), bv.polynomial_fit(3),
                                 bv.polynomial_fit(7), bv.polynomial_fit(9, 1e-3)])
def test_three_terms_sum_to_the_measured_expected_error(fit):
    r = bv.decompose(SIN, fit, n_train=25, n_sets=300, x_test=GRID, rng=np.random.default_rng(7))
    assert r.noise == pytest.approx(0.09, rel=1e-15)  # σ² = 0.3²
    assert r.expected_error_predicted == pytest.approx(r.bias2 + r.variance + r.noise, rel=1e-15)
    within(r.expected_error_measured, r.expected_error_predicted, r.gap_se)
    within(r.expected_error_measured, r.expected_error_predicted, r.expected_error_measured_se)


def test_terms_against_direct_formulas_on_the_predictions():
    # variance = mean over x of the unbiased sample variance over sets;
    # bias² + variance = mean over sets and x of (f̂ - f)² (the estimator's defining identity)
    r = bv.decompose(SIN, bv.polynomial_fit(3), n_train=20, n_sets=50, x_test=GRID,
                     rng=np.random.default_rng(8))
    P, f = r.predictions, np.sin(2 * np.pi * GRID)
    np.testing.assert_allclose(r.f_test, f, atol=1e-15)
    assert r.variance == pytest.approx(np.mean(np.var(P, axis=0, ddof=1)), rel=1e-12)
    assert r.bias2 + r.variance == pytest.approx(np.mean((P - f) ** 2), rel=1e-12)
    assert r.bias2 == pytest.approx(
        np.mean((P.mean(axis=0) - f) ** 2 - np.var(P, axis=0, ddof=1) / 50), rel=1e-12
    )


def test_jackknife_standard_error_of_the_variance_for_degree_0():
    # Degree 0 predicts ȳ everywhere, so variance = s² of the K means; for a normal sample
    # the standard error of s² is s²·sqrt(2/(K-1)). With a fixed design ȳ is exactly
    # normal; at K = 2000 the jackknife's own spread is about 3 %, so 15 % is a wide margin.
    r = bv.decompose(SIN, bv.polynomial_fit(0), n_train=10, n_sets=2000, x_test=GRID,
                     rng=np.random.default_rng(9), design="fixed")
    assert r.variance_se == pytest.approx(r.variance * np.sqrt(2 / 1999), rel=0.15)


# --- closed forms -----------------------------------------------------------------------


def test_exact_model_has_no_bias():
    # a "linear" truth 2x - 1 fitted by degree 1, the "cubic" truth by degree 3: least squares
    # is unbiased when the model contains the truth, so bias² = 0 up to Monte-Carlo error
    for name, degree in (("linear", 1), ("cubic", 3)):
        truth = truth_function(name, noise_std=0.5)
        r = bv.decompose(truth, bv.polynomial_fit(degree), n_train=20, n_sets=400, x_test=GRID,
                         rng=np.random.default_rng(11))
        within(r.bias2, 0.0, r.bias2_se)
        assert r.variance > 20 * r.bias2_se  # the noise is real, only the bias is absent


def test_constant_model_variance_fixed_design_is_sigma2_over_n():
    # Fixed design: f̂ = ȳ = (1/n)Σ f(x_i) + (1/n)Σ ε_i with the x_i the same in every set,
    # so only the noise varies: Var_D[ȳ] = σ²/n, at every test point.
    n = 10
    r = bv.decompose(SIN, bv.polynomial_fit(0), n_train=n, n_sets=4000, x_test=GRID,
                     rng=np.random.default_rng(12), design="fixed")
    within(r.variance, 0.09 / n, r.variance_se)
    np.testing.assert_allclose(r.variance_per_x, r.variance_per_x[0], rtol=1e-12)


def test_constant_model_random_design():
    # Random design: the x_i are redrawn too, so Var_D[ȳ] = (Var_X f(X) + σ²)/n, not σ²/n.
    # For f = sin 2πx on U[0, 1]: E f = 0 and E f² = 1/2, so Var_D[ȳ] = (1/2 + σ²)/n, and
    # E_D[ȳ] = 0 gives bias² = mean over the grid of sin²(2πk/40) = 1/2.
    n = 10
    r = bv.decompose(SIN, bv.polynomial_fit(0), n_train=n, n_sets=4000, x_test=GRID,
                     rng=np.random.default_rng(13))
    within(r.variance, (0.5 + 0.09) / n, r.variance_se)
    within(r.bias2, 0.5, r.bias2_se)
    # the linear truth 2x - 1: E f = 0, Var f = 4/12 = 1/3
    lin = truth_function("linear", noise_std=0.3)
    r = bv.decompose(lin, bv.polynomial_fit(0), n_train=n, n_sets=4000, x_test=GRID,
                     rng=np.random.default_rng(14))
    within(r.variance, (1 / 3 + 0.09) / n, r.variance_se)


# --- the trade-off curves ---------------------------------------------------------------


def test_bias_falls_and_variance_rises_with_degree():
    # Fixed design: Var f̂(x) = σ² φ(x)ᵀ(ΦᵀΦ)⁻¹φ(x), which can only grow when features are
    # added (nested models), so the variance is monotone by a theorem, not by luck. The bias
    # of sin on [0, 1] drops with every odd degree (even powers barely help an odd function
    # about x = 1/2), and is below the Monte-Carlo noise past degree 5.
    curve = bv.sweep(SIN, bv.polynomial_family([0, 1, 3, 5, 7]), n_train=30, n_sets=300,
                     x_test=GRID, rng=np.random.default_rng(0), design="fixed")
    assert curve.labels == (0, 1, 3, 5, 7)
    assert np.all(np.diff(curve.bias2[:4]) < 0)
    assert np.all(np.diff(curve.variance) > 0)
    assert curve.best_label == 3  # the sweet spot of seed 004 §1.6


def test_ridge_lambda_raises_bias_and_lowers_variance():
    lams = [1e-6, 1e-3, 1e-1, 10.0]
    curve = bv.sweep(SIN, bv.ridge_family(9, lams), n_train=30, n_sets=300, x_test=GRID,
                     rng=np.random.default_rng(0), design="fixed")
    assert curve.labels == tuple(lams)
    assert np.all(np.diff(curve.bias2) > 0)
    assert np.all(np.diff(curve.variance) < 0)


def test_random_design_variance_need_not_grow_with_degree():
    # With new inputs in every set, a misspecified model also varies with where the points
    # fall: the straight line through a sine swings much more than a cubic does. Seed 001's
    # "complex model: high variance" is a tendency, not a law (degree 1 vs 3, n = 30: about
    # 0.024 against 0.018, typically four standard errors apart).
    curve = bv.sweep(SIN, bv.polynomial_family([1, 3]), n_train=30, n_sets=400, x_test=GRID,
                     rng=np.random.default_rng(0))
    assert curve.variance[0] > curve.variance[1]


def test_sweep_uses_the_same_draws_as_decompose():
    fits = bv.polynomial_family([1, 3])
    curve = bv.sweep(SIN, fits, n_train=12, n_sets=10, x_test=GRID, rng=np.random.default_rng(4))
    single = bv.decompose(SIN, fits[3], n_train=12, n_sets=10, x_test=GRID,
                          rng=np.random.default_rng(4))
    np.testing.assert_array_equal(curve.result(3).predictions, single.predictions)
    assert curve.result(3).expected_error_measured == single.expected_error_measured
    np.testing.assert_array_equal(curve.bias2, [r.bias2 for r in curve.results])


# --- any fit callable -------------------------------------------------------------------


def test_generic_fit_callables():
    # a hand-written "predict the training mean" equals degree 0 on the same draws
    def mean_fit(data):
        mean = float(np.mean(data.y))
        return lambda x: np.full(len(x), mean)

    a = bv.decompose(SIN, mean_fit, n_train=8, n_sets=30, x_test=GRID, rng=np.random.default_rng(5))
    b = bv.decompose(SIN, bv.polynomial_fit(0), n_train=8, n_sets=30, x_test=GRID,
                     rng=np.random.default_rng(5))
    np.testing.assert_allclose(a.predictions, b.predictions, rtol=1e-12)

    # a fit returning an object with predict(X), here a LinearFit on (x, x²)
    def quadratic(data):
        model = ridge(polynomial_features(data.X, 2, include_bias=False), data.y, 0.0,
                      fit_intercept=True)
        return type("Model", (), {"predict": lambda self, x: model.predict(
            polynomial_features(x, 2, include_bias=False))})()

    c = bv.decompose(SIN, quadratic, n_train=8, n_sets=30, x_test=GRID, rng=np.random.default_rng(5))
    d = bv.decompose(SIN, bv.polynomial_fit(2), n_train=8, n_sets=30, x_test=GRID,
                     rng=np.random.default_rng(5))
    np.testing.assert_allclose(c.predictions, d.predictions, rtol=1e-7, atol=1e-9)


def test_fixed_design_reuses_the_inputs_and_random_design_does_not():
    seen = []

    def recording_fit(data):
        assert data.X.shape == (6, 1) and data.y.shape == (6,)
        seen.append(data.X.copy())
        return lambda x: np.zeros(len(x))

    bv.decompose(SIN, recording_fit, n_train=6, n_sets=4, x_test=GRID,
                 rng=np.random.default_rng(0), design="fixed")
    assert all(np.array_equal(x, seen[0]) for x in seen)
    seen.clear()
    bv.decompose(SIN, recording_fit, n_train=6, n_sets=4, x_test=GRID, rng=np.random.default_rng(0))
    assert not np.array_equal(seen[0], seen[1])


def test_zero_noise_decomposition_is_exact():
    # σ = 0: the measured error is exactly the mean of (f̂ - f)², i.e. bias² + variance
    truth = truth_function("sin", noise_std=0.0)
    r = bv.decompose(truth, bv.polynomial_fit(3), n_train=10, n_sets=5, x_test=GRID,
                     rng=np.random.default_rng(6))
    assert r.noise == 0.0
    assert r.expected_error_measured == pytest.approx(r.expected_error_predicted, rel=1e-12)
    assert r.bias2 > 0  # a cubic cannot be a sine


# --- the diagnosis table ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("train", "val", "label"),
    [
        (0.01, 0.11, "high variance"),
        (0.15, 0.16, "high bias"),
        (0.15, 0.30, "high bias and high variance"),
        (0.005, 0.01, "low bias and low variance"),
    ],
)
def test_andrew_ngs_four_examples(train, val, label):
    d = bv.diagnose(train, val)
    assert d.label == label
    assert d.high_bias == ("high bias" in label)
    assert d.high_variance == ("high variance" in label)
    assert d.avoidable_bias == pytest.approx(train)
    assert d.variance_gap == pytest.approx(val - train)


def test_remedies():
    bias = " ".join(bv.diagnose(0.15, 0.16).remedies)
    assert "bigger network" in bias and "train longer" in bias and "regularization" not in bias
    variance = " ".join(bv.diagnose(0.01, 0.11).remedies)
    assert "more training data" in variance and "regularization" in variance
    assert "bigger network" not in variance
    both = bv.diagnose(0.15, 0.30).remedies
    assert both[0].startswith("bigger network")  # bias first, as in Ng's recipe
    assert "regularization (L2, L1, dropout, ...)" in both
    assert len(both) == len(set(both))
    assert bv.diagnose(0.005, 0.01).remedies == bv.DONE


def test_bayes_error_changes_the_verdict():
    # train 8 %, val 12 %: against 0 % Bayes error both gaps are large; against 7.5 %
    # (human level) the avoidable bias is 0.5 point and only the variance is high
    assert bv.diagnose(0.08, 0.12).label == "high bias and high variance"
    d = bv.diagnose(0.08, 0.12, bayes_error=0.075)
    assert d.label == "high variance"
    assert d.avoidable_bias == pytest.approx(0.005)


def test_errors_in_other_units_need_a_tolerance():
    with pytest.raises(CourseLibError, match=r"val_error=11.0 is above 1: give error rates as fractions \(0.11 for 11 %\), or pass tolerance="):
        bv.diagnose(1.0, 11.0)
    assert bv.diagnose(1.0, 11.0, tolerance=2.0).label == "high variance"


# --- bad arguments -----------------------------------------------------------------------


def test_bad_arguments():
    rng = np.random.default_rng(0)
    kw = {"n_train": 5, "n_sets": 4, "x_test": GRID}
    with pytest.raises(CourseLibError, match=r"truth must be a course_lib\.data\.Truth.*got str"):
        bv.decompose("sin", bv.polynomial_fit(1), rng=rng, **kw)
    with pytest.raises(CourseLibError, match="n_sets must be >= 3, got 2"):
        bv.decompose(SIN, bv.polynomial_fit(1), rng=rng, n_train=5, n_sets=2, x_test=GRID)
    with pytest.raises(CourseLibError, match=r"x_test must be a non-empty 1-D array .* got shape \(3, 2\)"):
        bv.decompose(SIN, bv.polynomial_fit(1), rng=rng, n_train=5, n_sets=4, x_test=np.ones((3, 2)))
    with pytest.raises(CourseLibError, match="design must be one of 'random', 'fixed', got 'grid'"):
        bv.decompose(SIN, bv.polynomial_fit(1), rng=rng, design="grid", **kw)
    with pytest.raises(CourseLibError, match=r"rng must be a numpy\.random\.Generator"):
        bv.decompose(SIN, bv.polynomial_fit(1), rng=42, **kw)
    with pytest.raises(CourseLibError, match=r"fits must be a non-empty dict"):
        bv.sweep(SIN, {}, rng=rng, **kw)
    with pytest.raises(CourseLibError, match="fit must be a function dataset -> predict"):
        bv.decompose(SIN, 3, rng=rng, **kw)
    with pytest.raises(CourseLibError, match=r"have shape \(3,\), but there are 40 test points"):
        bv.decompose(SIN, lambda d: (lambda x: np.zeros(3)), rng=rng, **kw)
    with pytest.raises(CourseLibError, match="contain NaN or inf"):
        bv.decompose(SIN, lambda d: (lambda x: np.full(len(x), np.nan)), rng=rng, **kw)
    with pytest.raises(CourseLibError, match="fit must return a function x -> predictions"):
        bv.decompose(SIN, lambda d: 1.0, rng=rng, **kw)
    with pytest.raises(CourseLibError, match="degree must be >= 0, got -1"):
        bv.polynomial_fit(-1)
    with pytest.raises(CourseLibError, match="lam must be >= 0"):
        bv.polynomial_fit(2, -0.1)
    with pytest.raises(CourseLibError, match=r"a fit is called with a course_lib\.data\.Dataset"):
        bv.polynomial_fit(2)((np.ones(3), np.ones(3)))
    with pytest.raises(CourseLibError, match=r"needs one input feature: X of shape \(n, 1\) or \(n,\), got \(4, 2\)"):
        bv.polynomial_fit(2)(Dataset(np.ones((4, 2)), np.ones(4)))
    with pytest.raises(CourseLibError, match="no capacity labelled 4"):
        bv.sweep(SIN, bv.polynomial_family([1]), rng=rng, **kw).result(4)
    with pytest.raises(CourseLibError, match="train_error must be >= 0"):
        bv.diagnose(-0.1, 0.2)


def test_inputs_are_not_modified():
    x = GRID.copy()
    data = SIN.sample(np.random.default_rng(0), 10)
    X0, y0 = data.X.copy(), data.y.copy()
    bv.polynomial_fit(3, 0.1)(data)
    bv.decompose(SIN, bv.polynomial_fit(2), n_train=5, n_sets=3, x_test=x, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(x, GRID)
    np.testing.assert_array_equal(data.X, X0)
    np.testing.assert_array_equal(data.y, y0)
    assert isinstance(data, Dataset)
