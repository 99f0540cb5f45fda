"""Lesson 01's figures draw what they claim, with numbers from course_lib."""

from __future__ import annotations

import inspect

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib.bias_variance import polynomial_family, polynomial_fit, ridge_family, sweep
from course_lib.data import Dataset, truth_function
from course_lib.explorations import l01_bias_variance as l01
from course_lib.linear_models import choose_lambda, holdout_split, mse
from course_lib.widgets import all_explorers


def _lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def _independent_degree_sweep(n_train=15, noise_std=0.3, truth="sin", design="fixed"):
    # the same experiment as l01.degree_curve, set up here from course_lib directly
    return sweep(truth_function(truth, noise_std=noise_std), polynomial_family(range(13)),
                 n_train=n_train, n_sets=50, x_test=np.linspace(0.0, 1.0, 101),
                 rng=np.random.default_rng(0), design=design)


def test_degree_figure_plots_the_course_lib_decomposition():
    fig = l01.plot_degree(degree=4)
    fig.canvas.draw()
    left, right = fig.axes[:2]
    curve = _independent_degree_sweep()
    lines = _lines(right)
    for label, values in (("bias² (± 2 s.e.)", curve.bias2), ("variance (± 2 s.e.)", curve.variance),
                          ("noise σ²", curve.noise),
                          ("bias² + variance + σ²", curve.expected_error_predicted),
                          ("measured E[(y − f̂)²]", curve.expected_error_measured)):
        np.testing.assert_array_equal(lines[label].get_xdata(), np.arange(13))
        np.testing.assert_allclose(lines[label].get_ydata(), np.maximum(values, l01.FLOOR),
                                   rtol=1e-12)
    # the chosen degree is marked, and the title quotes its two terms
    marks = [ln for ln in right.get_lines() if ln.get_label().startswith("_")]
    assert any(np.all(np.asarray(m.get_xdata()) == 4) for m in marks)
    res = curve.result(4)
    assert right.get_title() == f"m = 4: bias² {res.bias2:.2g}, variance {res.variance:.2g}"
    assert right.get_yscale() == "log" and right.get_legend() is not None
    assert right.get_xlabel() and right.get_ylabel() and left.get_xlabel() and left.get_ylabel()
    # left: N_CURVES fits of the first training sets, their mean, the truth
    fits = [ln for ln in left.get_lines() if ln.get_color() == "tab:orange"]
    assert len(fits) == l01.N_CURVES
    np.testing.assert_allclose(fits[0].get_ydata(), res.predictions[0], rtol=1e-12)
    left_lines = _lines(left)
    np.testing.assert_allclose(left_lines["mean of all 50 fits"].get_ydata(),
                               res.mean_prediction, rtol=1e-12)
    np.testing.assert_allclose(left_lines["truth f(x) = sin(2πx)"].get_ydata(),
                               np.sin(2 * np.pi * np.linspace(0, 1, 101)), atol=1e-12)


@pytest.mark.parametrize("values", [
    {"degree": 0, "n_train": 8, "noise_std": 0.05, "truth": "linear", "design": "random"},
    {"degree": 12, "n_train": 8, "noise_std": 1.0, "truth": "cubic", "design": "random"},
    {"degree": 12, "n_train": 60, "noise_std": 0.05, "truth": "sin", "design": "fixed"},
])
def test_degree_figure_at_the_extremes(values):
    fig = l01.plot_degree(**values)
    fig.canvas.draw()  # RuntimeWarnings (overflow, ...) are errors under pytest
    curve = _independent_degree_sweep(values["n_train"], values["noise_std"], values["truth"],
                                      values["design"])
    drawn = _lines(fig.axes[1])["bias² + variance + σ²"].get_ydata()
    np.testing.assert_allclose(drawn, np.maximum(curve.expected_error_predicted, l01.FLOOR),
                               rtol=1e-12)
    assert np.all(drawn >= l01.FLOOR)  # a log axis: nothing at or below 0


def test_ridge_figure_plots_the_course_lib_decomposition():
    lam = 0.01
    fig = l01.plot_ridge(lam=lam, degree=9)
    fig.canvas.draw()
    left, right = fig.axes[:2]
    truth = truth_function("sin", noise_std=0.3)
    common = dict(n_train=15, n_sets=50, x_test=np.linspace(0.0, 1.0, 101), design="fixed")
    curve = sweep(truth, ridge_family(9, np.logspace(-8, 2, 21)), rng=np.random.default_rng(0),
                  **common)
    lines = _lines(right)
    np.testing.assert_allclose(lines["variance (± 2 s.e.)"].get_xdata(), np.logspace(-8, 2, 21))
    np.testing.assert_allclose(lines["variance (± 2 s.e.)"].get_ydata(),
                               np.maximum(curve.variance, l01.FLOOR), rtol=1e-12)
    np.testing.assert_allclose(lines["bias² (± 2 s.e.)"].get_ydata(),
                               np.maximum(curve.bias2, l01.FLOOR), rtol=1e-12)
    assert right.get_xscale() == "log"
    here = sweep(truth, {lam: polynomial_fit(9, lam)}, rng=np.random.default_rng(0),
                 **common).results[0]
    assert right.get_title().endswith(f"variance {here.variance:.2g}")
    np.testing.assert_allclose(_lines(left)["mean of all 50 fits"].get_ydata(),
                               here.mean_prediction, rtol=1e-12)
    # more penalty, less variance: the curve it draws falls from left to right overall
    assert curve.variance[0] > 10 * curve.variance[-1]


@pytest.mark.parametrize("lam,degree,n_train,noise_std", [(1e-8, 1, 8, 0.05), (1e2, 12, 60, 1.0)])
def test_ridge_figure_at_the_extremes(lam, degree, n_train, noise_std):
    fig = l01.plot_ridge(lam=lam, degree=degree, n_train=n_train, noise_std=noise_std)
    fig.canvas.draw()
    assert len(fig.axes) == 2


def test_fits_by_degree_draws_one_panel_per_degree():
    fig = l01.plot_fits_by_degree((1, 3, 9), n_curves=5)
    fig.canvas.draw()
    assert len(fig.axes) == 3
    curve = _independent_degree_sweep()
    for ax, m in zip(fig.axes, (1, 3, 9), strict=True):
        fits = [ln for ln in ax.get_lines() if ln.get_color() == "tab:orange"]
        assert len(fits) == 5
        np.testing.assert_allclose(fits[4].get_ydata(), curve.result(m).predictions[4], rtol=1e-12)
        assert ax.get_title().startswith(f"degree {m}:")


def test_overfitting_figure_draws_the_least_squares_polynomials():
    truth = truth_function("sin", noise_std=0.3)
    data = truth.sample(np.random.default_rng(1), 10)
    fig = l01.plot_overfitting(data, truth, degrees=(1, 3))
    fig.canvas.draw()
    ax = fig.axes[0]
    lines = _lines(ax)
    grid = np.linspace(0.0, 1.0, 301)
    # an independent fit: numpy's polyfit on the same points
    cubic = np.polyval(np.polyfit(data.X[:, 0], data.y, 3), grid)
    (label,) = [k for k in lines if k.startswith("degree 3:")]
    np.testing.assert_allclose(lines[label].get_ydata(), cubic, rtol=1e-8, atol=1e-10)
    train_mse = mse(data.y, np.polyval(np.polyfit(data.X[:, 0], data.y, 3), data.X[:, 0]))
    assert label == f"degree 3: training MSE {train_mse:.3f}"
    np.testing.assert_array_equal(lines["training set (10 points)"].get_ydata(), data.y)
    assert ax.get_xlabel() == "x" and ax.get_ylabel() == "y"


def test_validation_curves_use_one_split_for_both_curves():
    truth = truth_function("sin", noise_std=0.3)
    data = truth.sample(np.random.default_rng(3), 25)
    curves = l01.validation_curves(data, degrees=(1, 3, 9), lams=(1e-6, 1e-3, 1.0), seed=3)
    split = holdout_split(np.random.default_rng(3), data.X, data.y, 0.3)
    for i, m in enumerate((1, 3, 9)):
        coef = np.polyfit(split.X_train[:, 0], split.y_train, m)  # independent least squares
        assert curves.train_mse[i] == pytest.approx(
            np.mean((np.polyval(coef, split.X_train[:, 0]) - split.y_train) ** 2), rel=1e-6)
        assert curves.val_mse[i] == pytest.approx(
            np.mean((np.polyval(coef, split.X_val[:, 0]) - split.y_val) ** 2), rel=1e-6)
    assert curves.best_degree == (1, 3, 9)[int(np.argmin(curves.val_mse))]
    search = choose_lambda(data.X, data.y, (1e-6, 1e-3, 1.0),
                           lambda X, y, lam: polynomial_fit(9, lam)(Dataset(X, y)),
                           rng=np.random.default_rng(3), val_fraction=0.3)
    np.testing.assert_allclose(curves.lam_search.val_errors, search.val_errors, rtol=1e-12)

    fig = l01.plot_validation_curves(curves)
    fig.canvas.draw()
    left, right = fig.axes
    np.testing.assert_allclose(_lines(left)["validation MSE"].get_ydata(), curves.val_mse)
    np.testing.assert_allclose(_lines(right)["training MSE"].get_ydata(), search.train_errors)
    assert f"sweet spot: degree {curves.best_degree}" in _lines(left)
    assert left.get_xlabel() and right.get_xlabel() and right.get_xscale() == "log"


def test_the_explorers_are_registered_for_lesson_01():
    explorers = all_explorers()
    for name, plot in (("l01_bias_variance.degree", l01.plot_degree),
                       ("l01_bias_variance.ridge", l01.plot_ridge)):
        ex = explorers[name]
        assert ex.lesson == "01_bias_variance" and ex.plot is plot
        # every control is an argument of the plot function, with the same default
        params = inspect.signature(plot).parameters
        for control in ex.controls:
            assert params[control.name].default == control.default


def test_the_curves_are_computed_once_per_data_setting():
    a = l01.degree_curve(15, 0.3, "sin", "fixed")
    assert l01.degree_curve(15, 0.3, "sin", "fixed") is a
    assert l01.degree_curve(16, 0.3, "sin", "fixed") is not a


@pytest.mark.parametrize("call,match", [
    (lambda: l01.plot_degree(degree=13), "degree must be between 0 and 12, got 13"),
    (lambda: l01.plot_degree(degree=2.5), "degree must be an integer"),
    (lambda: l01.plot_degree(truth="quartic"), "truth must be one of"),
    (lambda: l01.plot_degree(design="grid"), "design must be one of"),
    (lambda: l01.plot_degree(n_train=1), "n_train must be >= 2, got 1"),
    (lambda: l01.plot_degree(noise_std=-0.1), "noise_std"),
    (lambda: l01.plot_ridge(lam=0.0), "lam"),
    (lambda: l01.plot_ridge(degree=0), "degree must be >= 1, got 0"),
    (lambda: l01.plot_fits_by_degree((1, 20)), "each degree must be in 0..12, got 20"),
    (lambda: l01.plot_overfitting("data", truth_function()), "needs a course_lib.data.Dataset"),
    (lambda: l01.validation_curves([1, 2, 3]), "data must be a course_lib.data.Dataset"),
    (lambda: l01.plot_validation_curves(None), "takes the result of validation_curves"),
])
def test_bad_arguments_say_what_is_wrong(call, match):
    with pytest.raises(CourseLibError, match=match):
        call()
