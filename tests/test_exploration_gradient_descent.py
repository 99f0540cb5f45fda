"""Lesson 07's figures, explorers and reference helpers draw and compute what they claim.

Expected values come from hand derivations written out here (gradient descent on a
quadratic multiplies each eigen-direction by 1 − ηλ), never from the code under test.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import CourseLibError, objectives
from course_lib.explorations import l07_gradient_descent as l07
from course_lib.widgets import all_explorers

EXPLORERS = (l07.GD_1D, l07.GD_2D, l07.SCHEDULES)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _by_gid(fig, gid):
    found = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found[0]


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba(), dtype=np.int16)


def test_three_explorers_are_registered_for_the_lesson():
    names = {n for n, ex in all_explorers().items()
             if ex.lesson == "07_gradient_descent_and_sgd"}
    assert names == {"l07_gradient_descent.gd_1d", "l07_gradient_descent.gd_2d",
                     "l07_gradient_descent.schedules"}
    assert all(ex.update is not None for ex in EXPLORERS)


@pytest.mark.parametrize("explorer", EXPLORERS, ids=lambda e: e.name)
def test_each_explorer_draws_both_ends_of_every_control(explorer):
    for control in explorer.controls:
        for value in control.values(2):
            fig = explorer.plot(**{**explorer.defaults(), control.name: value})
            fig.canvas.draw()
            assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
            plt.close(fig)


@pytest.mark.parametrize("explorer, values", [
    (l07.GD_1D, {"eta": 1.0, "x0": -4.0}),
    (l07.GD_2D, {"surface": "ellipsoid 0.1x₁² + 2x₂²", "eta": 0.4, "w1": -5.0, "w2": -2.0}),
    (l07.SCHEDULES, {"kind": "piecewise constant", "lr0": 0.2, "tau": 60}),
    (l07.SCHEDULES, {"kind": "exponential", "lam": 0.0}),
], ids=["gd_1d", "gd_2d", "schedules-piecewise", "schedules-exponential"])
def test_updates_in_the_middle_of_the_range_look_like_fresh_plots(explorer, values):
    # tests/test_widgets.py compares the extremes; these are the settings the notebook names.
    values = {**explorer.defaults(), **values}
    fig = explorer.plot(**explorer.defaults())
    explorer.update(fig, **values)
    fresh = explorer.plot(**values)
    assert (np.abs(_pixels(fig) - _pixels(fresh)) > 32).mean() < 1e-3


# --- reference implementations ---------------------------------------------------------


def test_minibatch_indices_keeps_the_order_and_the_last_smaller_batch():
    order = np.array([4, 0, 3, 1, 2, 6, 5])
    batches = l07.minibatch_indices(order, 3)
    assert [b.tolist() for b in batches] == [[4, 0, 3], [1, 2, 6], [5]]
    assert len(l07.minibatch_indices(np.arange(12), 4)) == 3      # no empty batch
    assert len(l07.minibatch_indices(np.arange(5), 9)) == 1
    # seed 002: 4 million examples in batches of 1000 are 4000 batches, not range(1, 4000)'s 3999
    assert len(l07.minibatch_indices(np.arange(4_000_000), 1000)) == 4000
    batches[0][0] = 99                                            # a copy, not a view
    assert order[0] == 4


def test_minibatch_indices_refuses_bad_arguments():
    with pytest.raises(CourseLibError, match="order must be a non-empty 1-D array of integer"):
        l07.minibatch_indices(np.array([0.0, 1.0]), 1)
    with pytest.raises(CourseLibError, match="order must be"):
        l07.minibatch_indices(np.zeros((2, 2), dtype=int), 1)
    with pytest.raises(CourseLibError, match="batch_size must be >= 1, got 0"):
        l07.minibatch_indices(np.arange(3), 0)


def test_minibatch_sgd_epoch_reproduces_algorithm_8_1():
    # Seed 001: θ = 0, minibatch {(1, 2), (2, 3)}, ε = 0.1: ĝ = ½((0−2)·1 + (0−3)·2) = −4 → 0.4.
    X, y = np.array([[1.0], [2.0]]), np.array([2.0, 3.0])
    theta0 = np.array([0.0])
    theta = l07.minibatch_sgd_epoch(theta0, X, y, np.array([0, 1]), 2, 0.1)
    assert theta == pytest.approx([0.4], abs=1e-15)
    assert theta0[0] == 0.0
    # batch size 1, same order: 0 − 0.1·(0 − 2)·1 = 0.2, then 0.2 − 0.1·(0.4 − 3)·2 = 0.72
    assert l07.minibatch_sgd_epoch(theta0, X, y, np.array([0, 1]), 1, 0.1) == pytest.approx(
        [0.72], abs=1e-15)


def test_minibatch_sgd_epoch_averages_the_last_batch_over_its_own_size():
    # N = 3, batches {0, 1} and {2}; X = I-like rows so each step is easy to follow by hand.
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0]])
    y = np.array([1.0, 1.0, 1.0])
    # step 1 from 0: ĝ = ½((−1)(1, 0) + (−1)(0, 1)) = (−½, −½) → θ = (0.05, 0.05) with η = 0.1
    # step 2 on example 2 alone: r = 2·0.05 − 1 = −0.9, ĝ = −0.9·(2, 0) → θ₁ = 0.05 + 0.18
    theta = l07.minibatch_sgd_epoch(np.zeros(2), X, y, np.array([0, 1, 2]), 2, 0.1)
    np.testing.assert_allclose(theta, [0.23, 0.05], rtol=1e-14)
    with pytest.raises(CourseLibError, match="X must have shape"):
        l07.minibatch_sgd_epoch(np.zeros(3), X, y, np.arange(3), 2, 0.1)


def test_learning_rate_limits_of_the_seed_examples():
    # Seed 002's 3x² + 2y² + 4z² + 6: H = diag(6, 4, 8): 2/8, 2/(4 + 8), (8 − 4)/(8 + 4).
    limits = l07.learning_rate_limits(np.diag([6.0, 4.0, 8.0]))
    assert limits == pytest.approx((0.25, 1 / 6, 1 / 3), rel=1e-14)
    # E(w1, w2): trace 13/18, determinant 1/12, λ = (13 ± √61)/36.
    E = objectives.error_surface()
    limits = l07.learning_rate_limits(E.hessian(np.zeros(2)))
    assert limits.largest == pytest.approx(72 / (13 + math.sqrt(61)), rel=1e-12)
    assert limits.fastest == pytest.approx(36 / 13, rel=1e-12)
    assert limits.rate == pytest.approx(math.sqrt(61) / 13, rel=1e-12)


def test_learning_rate_limits_refuses_what_is_not_a_convex_hessian():
    with pytest.raises(CourseLibError, match="symmetric"):
        l07.learning_rate_limits(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(CourseLibError, match="positive definite"):
        l07.learning_rate_limits(np.diag([1.0, -1.0]))
    with pytest.raises(CourseLibError, match="square"):
        l07.learning_rate_limits(np.ones((2, 3)))


def test_gd_iterates_on_the_square_multiply_by_one_minus_two_eta():
    x = l07.gd_iterates(objectives.square(), 0.05, 10.0, 10)
    np.testing.assert_allclose(x[:, 0], 10.0 * 0.9 ** np.arange(11), rtol=1e-12)
    with pytest.raises(CourseLibError, match="objective must be"):
        l07.gd_iterates(lambda x: 2 * x, 0.1, 1.0, 3)


def test_noise_floor_matches_the_stationary_variance():
    # v = η²/(1 − (1 − ηh)²): 1/36 along x1 (h = 2) and 1/64 along x2 (h = 4) at η = 0.1.
    assert l07.noise_floor(0.1) == pytest.approx(math.sqrt(1 / 36 + 1 / 64), rel=1e-14)
    with pytest.raises(CourseLibError, match="does not converge"):
        l07.noise_floor(0.5)


def test_noisy_sgd_rms_without_noise_is_gradient_descent():
    # From (−5, −2) with η = 0.1: x1 = −5·0.8^k, x2 = −2·0.6^k.
    k = np.arange(21)
    rms = l07.noisy_sgd_rms(0.1, np.zeros((20, 3, 2)))
    np.testing.assert_allclose(rms, np.sqrt(25 * 0.64**k + 4 * 0.36**k), rtol=1e-12)


def test_noisy_sgd_rms_settles_at_the_noise_floor():
    noise = np.random.default_rng(0).standard_normal((400, 400, 2))
    rms = l07.noisy_sgd_rms(0.1, noise)
    # averaged over the last 200 steps and 400 chains: within a few percent of the formula
    settled = math.sqrt(np.mean(rms[200:] ** 2))
    assert settled == pytest.approx(l07.noise_floor(0.1), rel=0.05)
    with pytest.raises(CourseLibError, match="noise must have shape"):
        l07.noisy_sgd_rms(0.1, np.zeros((5, 2, 3)))


def test_make_schedule_gives_each_seed_formula():
    lr0, lam, alpha, tau = 0.2, 0.1, 0.5, 10
    rates = {kind: [l07.make_schedule(kind, lr0, lam, alpha, tau)(t) for t in (0, 4, 5, 10, 12)]
             for kind in l07.SCHEDULE_KINDS}
    assert rates["constant"] == pytest.approx([0.2] * 5)
    # ÷10 from step τ/2 = 5, ÷100 from step τ = 10
    assert rates["piecewise constant"] == pytest.approx([0.2, 0.2, 0.02, 0.002, 0.002])
    assert rates["exponential"] == pytest.approx([0.2 * math.exp(-0.1 * t) for t in (0, 4, 5, 10, 12)])
    assert rates["polynomial"] == pytest.approx([0.2 / math.sqrt(0.1 * t + 1) for t in (0, 4, 5, 10, 12)])
    # eq. 8.14 to ε_τ = ε0/100 = 0.002: (1 − k/10)·0.2 + (k/10)·0.002, then constant
    assert rates["linear decay"] == pytest.approx([0.2, 0.1208, 0.101, 0.002, 0.002])
    with pytest.raises(CourseLibError, match="kind must be one of"):
        l07.make_schedule("cosine", 0.1)


# --- the figures draw what they claim ---------------------------------------------------


def test_gd_1d_figure_draws_the_iterates_and_the_verdict():
    fig = l07.plot_gd_1d(eta=1.1, x0=10.0)
    path = _by_gid(fig, "path")
    x = 10.0 * (-1.2) ** np.arange(11)
    np.testing.assert_allclose(path.get_xdata(), x, rtol=1e-12)
    np.testing.assert_allclose(path.get_ydata(), x**2, rtol=1e-12)
    assert "diverges" in fig.axes[1].get_title()
    assert "−1.2" in fig.axes[0].get_title() or "-1.2" in fig.axes[0].get_title()
    l07.update_gd_1d(fig, eta=0.5, x0=3.0)                  # one step to the minimum
    loss = _by_gid(fig, "loss").get_ydata()
    assert loss[0] == 9.0 and np.all(loss[1:] == 1e-12)     # 0 is drawn at the axis floor
    l07.update_gd_1d(fig, eta=1.0, x0=3.0)
    assert "neither" in fig.axes[1].get_title()


def test_gd_2d_figure_starts_with_the_worked_step():
    fig = l07.plot_gd_2d()
    xy = _by_gid(fig, "path").get_xydata()
    np.testing.assert_allclose(xy[0], [1.5, 2.0])
    np.testing.assert_allclose(xy[1], [1.625, 2 + 0.3 * 7 / 36], rtol=1e-12)
    assert len(xy) == l07.GD2_STEPS + 1
    assert "converges" in fig.axes[1].get_title()
    np.testing.assert_allclose(_by_gid(fig, "minimum").get_xydata()[0], [3.0, 4.0])


def test_gd_2d_figure_cuts_a_diverging_path_and_marks_it():
    # Ellipsoid, η = 0.6: x2 is multiplied by 1 − 0.6·4 = −1.4 per step.
    fig = l07.plot_gd_2d("ellipsoid 0.1x₁² + 2x₂²", 0.6, -5.0, -2.0)
    xy = _by_gid(fig, "path").get_xydata()
    reach = l07._VIEW_REACH
    assert len(xy) < l07.GD2_STEPS + 1
    assert np.abs(xy[-1] - 1.5).max() > reach >= np.abs(xy[-2] - 1.5).max()
    np.testing.assert_allclose(xy[:, 1], -2.0 * (-1.4) ** np.arange(len(xy)), rtol=1e-12)
    assert "diverges" in fig.axes[1].get_title()
    assert _by_gid(fig, "loss").get_ydata().max() <= 1e3


def test_surface_contours_lie_on_their_levels():
    lines = l07.surface_contours("ellipsoid 0.1x₁² + 2x₂²")
    pts = lines[~np.isnan(lines[:, 0])]
    values = 0.1 * pts[:, 0] ** 2 + 2 * pts[:, 1] ** 2
    levels = np.geomspace(0.1, 150.0, 9)
    # every point lies near one of the levels (linear interpolation on a 150² grid is off by
    # up to ~7 % on the smallest ellipse, whose half-width is two grid cells)
    nearest = np.min(np.abs(values[:, None] / levels[None, :] - 1.0), axis=1)
    assert nearest.max() < 0.1
    assert np.all((pts >= l07.VIEW[0]) & (pts <= l07.VIEW[1]))


def test_schedules_figure_shows_the_schedule_and_the_floor():
    fig = l07.plot_schedules("linear decay", lr0=0.1, tau=100)
    rates = _by_gid(fig, "rates").get_ydata()
    assert rates[0] == pytest.approx(0.1) and rates[50] == pytest.approx(0.0505)
    assert rates[100] == pytest.approx(0.001) and rates[-1] == pytest.approx(0.001)
    assert _by_gid(fig, "tau").get_visible()
    floor = _by_gid(fig, "floor").get_ydata()
    assert floor[0] == pytest.approx(math.sqrt(1 / 36 + 1 / 64))
    l07.update_schedules(fig, "exponential", lr0=0.1, lam=0.1)
    assert not _by_gid(fig, "tau").get_visible()
    # exponential decay with λ = 0.1 freezes far above the constant rate's floor
    selected = _by_gid(fig, "rms-selected").get_ydata()
    assert selected[-1] > 2 * floor[0]


def test_batch_size_runs_take_one_update_per_batch():
    runs = l07.batch_size_runs(np.random.default_rng(1), batch_sizes=(1, 16, 256), n=256,
                               eta=0.05, n_epochs=2)
    assert [r.losses.size - 1 for r in runs] == [512, 32, 2]
    # the full batch is gradient descent: rebuild the data the function draws first
    rng = np.random.default_rng(1)
    X = rng.standard_normal((256, 2))
    y = X @ np.array([2.0, -1.0]) + 0.5 * rng.standard_normal(256)
    theta, expected = np.zeros(2), [0.5 * np.mean(y**2)]
    for _ in range(2):
        theta = theta - 0.05 * X.T @ (X @ theta - y) / 256
        expected.append(0.5 * np.mean((X @ theta - y) ** 2))
    np.testing.assert_allclose(runs[2].losses, expected, rtol=1e-12)
    np.testing.assert_allclose(runs[2].epochs, [0.0, 1.0, 2.0])
    assert l07.plot_batch_sizes(runs).axes


def test_static_figures_draw():
    fig = l07.plot_gd_examples()
    assert len(fig.axes[1].lines) == 3                       # two runs and the zero line
    fig = l07.plot_rate_factors()
    worst = fig.axes[0].lines[3]
    eta, factor = worst.get_xdata(), worst.get_ydata()
    assert eta[np.argmin(factor)] == pytest.approx(1 / 6, abs=1e-3)
    assert l07.plot_schedule_shapes().axes
    assert l07.plot_noise_floor(np.random.default_rng(0), etas=(0.1,), n_steps=20,
                                n_chains=5).axes
    with pytest.raises(CourseLibError, match="rng"):
        l07.plot_noise_floor(0)
    with pytest.raises(CourseLibError, match="curvatures must be positive"):
        l07.plot_rate_factors((1.0, -1.0, 2.0))
