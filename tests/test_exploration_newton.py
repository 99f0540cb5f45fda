"""Lesson 10's figures, explorers and reference answers draw and compute what they claim.

Expected values come from hand derivations written out here, or from independent loops.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib.explorations import l10_newton as l10
from course_lib.widgets import all_explorers, artist_with_gid


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba(), dtype=np.int16)


def test_two_explorers_are_registered_for_the_lesson():
    names = {n for n, ex in all_explorers().items() if ex.lesson == "10_second_order"}
    assert names == {"l10_newton.paths", "l10_newton.model"}
    assert all(all_explorers()[n].update is not None for n in names)


@pytest.mark.parametrize("explorer", [l10.PATHS, l10.MODEL])
def test_each_explorer_draws_both_ends_of_every_control(explorer):
    for control in explorer.controls:
        for value in control.values(2):
            fig = explorer.plot(**{**explorer.defaults(), control.name: value})
            fig.canvas.draw()
            assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
            plt.close(fig)


@pytest.mark.parametrize("values", [
    {"surface": "rosenbrock", "x0": -1.2, "y0": 1.0, "alpha": 3.0, "lr": 0.002, "n_steps": 30},
    {"surface": "ellipsoid", "x0": 2.0, "y0": -1.5, "alpha": 0.0, "lr": 1.0, "n_steps": 5},
    {"surface": "saddle", "x0": 0.3, "y0": 0.0, "alpha": 2.0, "lr": 0.01, "n_steps": 100},
])
def test_paths_update_in_place_looks_like_a_fresh_plot(values):
    # tests/test_widgets.py compares the ends of each control's range; these switch the
    # surface and the loss scale (log <-> linear) together with the other values.
    fig = l10.PATHS.plot(**l10.PATHS.defaults())
    fig.canvas.draw()
    l10.PATHS.update(fig, **values)
    fresh = l10.PATHS.plot(**values)
    diff = np.abs(_pixels(fig) - _pixels(fresh))
    assert (diff > 32).mean() < 1e-3
    # and back to the defaults
    l10.PATHS.update(fig, **l10.PATHS.defaults())
    again = l10.PATHS.plot(**l10.PATHS.defaults())
    assert (np.abs(_pixels(fig) - _pixels(again)) > 32).mean() < 1e-3


@pytest.mark.parametrize("values", [{"x0": 0.0, "alpha": 2.0}, {"x0": 1.8, "alpha": 0.0},
                                    {"x0": 0.8, "alpha": 0.0}])
def test_model_update_in_place_looks_like_a_fresh_plot(values):
    fig = l10.MODEL.plot(**l10.MODEL.defaults())
    fig.canvas.draw()
    l10.MODEL.update(fig, **values)
    fresh = l10.MODEL.plot(**values)
    assert (np.abs(_pixels(fig) - _pixels(fresh)) > 32).mean() < 1e-3


# --- the runs of the paths explorer ----------------------------------------------------


def test_newton_lands_on_the_quadratics_critical_point_in_one_step():
    # ellipsoid: H = diag(0.2, 4), g = (0.2x, 4y): x − H⁻¹g = 0 from anywhere.
    path = l10.method_path("ellipsoid", "newton", (-5.0, -2.0), n_steps=3)
    np.testing.assert_allclose(path.points[1:], 0.0, atol=1e-15)
    # saddle: H = diag(2, −2), g = (2x, −2y): also (0, 0), the saddle point
    path = l10.method_path("saddle", "newton", (1.0, 0.5), n_steps=2)
    np.testing.assert_allclose(path.points, [[1.0, 0.5], [0.0, 0.0], [0.0, 0.0]], atol=1e-15)
    assert path.stopped == ""


def test_regularized_and_gd_first_steps_by_hand():
    # seed 001's example: H + 3I = diag(5, 1), g = (2, −1): step (0.4, −1) → (0.6, 1.5)
    reg = l10.method_path("saddle", "regularized", (1.0, 0.5), alpha=3.0, n_steps=1)
    np.testing.assert_allclose(reg.points[1], [0.6, 1.5], rtol=1e-12)
    # GD on the ellipsoid with η = 0.4 multiplies x by 0.92 and y by −0.6
    gd = l10.method_path("ellipsoid", "gd", (-5.0, -2.0), lr=0.4, n_steps=2)
    np.testing.assert_allclose(gd.points[1:], [[-4.6, 1.2], [-4.232, -0.72]], rtol=1e-12)


def test_runs_stop_when_they_diverge_or_the_step_is_undefined():
    # GD with η = 1 on the saddle: y ← y − 1·(−2y) = 3y; from 0.5, 0.5·3⁷ = 1093.5 > 1000
    gd = l10.method_path("saddle", "gd", (1.0, 0.5), lr=1.0, n_steps=50)
    assert gd.stopped == "diverged" and len(gd.points) == 8
    assert gd.points[-1][1] == pytest.approx(1093.5)
    # α = 2: H + 2I = diag(4, 0) is singular, so not even the first step exists
    sing = l10.method_path("saddle", "regularized", (1.0, 0.5), alpha=2.0, n_steps=5)
    assert sing.stopped == "singular" and len(sing.points) == 1
    fig = l10.plot_paths("saddle", 1.0, 0.5, alpha=2.0)
    assert "singular" in artist_with_gid(fig, "status").get_text()


def test_paths_plot_draws_the_runs_and_the_loss():
    fig = l10.plot_paths("ellipsoid", -2.0, 1.0, alpha=1.0, lr=0.4, n_steps=10)
    for m in l10.METHODS:
        path = l10.method_path("ellipsoid", m, (-2.0, 1.0), alpha=1.0, lr=0.4, n_steps=10)
        line = artist_with_gid(fig, f"path-{m}")
        np.testing.assert_allclose(np.column_stack(line.get_data()), path.points)
    # f − f* with f* = 0: the start has 0.1·4 + 2·1 = 2.4; Newton's next value is the floor
    loss = artist_with_gid(fig, "loss-newton").get_ydata()
    assert loss[0] == pytest.approx(2.4)
    assert loss[1] == l10.LOSS_FLOOR
    assert fig.axes[1].get_yscale() == "log"
    assert l10.plot_paths("saddle").axes[1].get_yscale() == "linear"


def test_a_start_outside_the_window_widens_it():
    fig = l10.plot_paths("ellipsoid", -5.0, -2.0, alpha=1.0, lr=0.4, n_steps=20)
    assert fig.axes[0].get_xlim()[0] <= -5.0


def test_contours_lie_on_their_levels():
    for name in l10.SURFACE_NAMES:
        s = l10.surface(name)
        pts = l10.contour_lines(name)
        pts = pts[~np.isnan(pts[:, 0])][::37]
        values = np.array([s.objective.value(p) for p in pts])
        grads = np.array([np.linalg.norm(s.objective.gradient(p)) for p in pts])
        levels = np.array(s.levels)
        nearest = levels[np.argmin(np.abs(values[:, None] - levels[None, :]), axis=1)]
        # |f − level| / ‖∇f‖ is (to first order) how far the point is from the true level
        # curve: within a fraction of the plot's size (the grid spacing is about 0.02-0.05)
        assert np.all(np.abs(values - nearest) <= 0.01 * grads + 1e-9), name


def test_bad_arguments_are_refused():
    with pytest.raises(CourseLibError, match="surface must be one of"):
        l10.plot_paths("beale")
    with pytest.raises(CourseLibError, match="method must be one of"):
        l10.method_path("saddle", "adam", (0.0, 1.0))
    with pytest.raises(CourseLibError, match="alpha must be >= 0"):
        l10.method_path("saddle", "regularized", (0.0, 1.0), alpha=-1.0)
    with pytest.raises(CourseLibError, match="lr must be > 0"):
        l10.plot_paths("saddle", lr=0.0)


# --- the one-dimensional model ---------------------------------------------------------


def test_model_step_by_hand():
    # f = x⁴/4 − x²: f'(0.5) = 0.125 − 1 = −0.875, f''(0.5) = 0.75 − 2 = −1.25
    step = l10.model_step(0.5, 0.0)
    assert step.slope == pytest.approx(-0.875)
    assert step.curvature == pytest.approx(-1.25)
    assert step.x1 == pytest.approx(0.5 - 0.875 / 1.25)  # −0.2: towards the maximum at 0
    damped = l10.model_step(0.5, 2.0)
    assert damped.curvature == pytest.approx(0.75)
    assert damped.x1 == pytest.approx(0.5 + 0.875 / 0.75)  # 1.667: past the minimum √2
    assert math.isnan(l10.model_step(0.0, 2.0).x1)  # f''(0) + 2 = 0: a flat model


def test_newton_iterates_find_the_maximum_or_a_minimum():
    # from 0.5 the map x − (x³ − 2x)/(3x² − 2) heads to the maximum 0
    assert abs(l10.newton_iterates_1d(0.5)[-1]) < 1e-12
    # from 1: x₁ = 1 − (1 − 2)/1 = 2, x₂ = 2 − 4/10 = 1.6, ... → √2
    xs = l10.newton_iterates_1d(1.0)
    np.testing.assert_allclose(xs[1:3], [2.0, 1.6], rtol=1e-12)
    assert xs[-1] == pytest.approx(math.sqrt(2.0), abs=1e-12)
    # undefined first step: only x₀
    np.testing.assert_array_equal(l10.newton_iterates_1d(0.0, 2.0), [0.0])
    fig = l10.plot_model(0.0, 2.0)
    assert "undefined" in fig.axes[0].get_title()
    assert "TOP" in l10.plot_model(0.5, 0.0).axes[0].get_title()


# --- reference answers ------------------------------------------------------------------


def test_descent_damping_by_hand():
    assert l10.descent_damping(np.diag([2.0, -2.0]), 0.5) == pytest.approx(2.5)
    # [[1, 2], [2, 1]]: eigenvalues −1 and 3 although both diagonal entries are 1
    assert l10.descent_damping([[1.0, 2.0], [2.0, 1.0]], 0.5) == pytest.approx(1.5)
    assert l10.descent_damping(np.diag([3.0, 1.0]), 0.5) == 0.0
    with pytest.raises(CourseLibError, match="square"):
        l10.descent_damping(np.ones((2, 3)))
    with pytest.raises(CourseLibError, match="symmetric"):
        l10.descent_damping([[1.0, 2.0], [0.0, 1.0]])
    with pytest.raises(CourseLibError, match="margin must be > 0"):
        l10.descent_damping(np.eye(2), 0.0)


def test_gd_steps_by_hand():
    # ellipsoid, η = 0.4: x₁ × 0.92 per step; 5·0.92^129 ≈ 1.066e-4 > 1e-4 ≥ 5·0.92^130
    assert l10.gd_steps_to_tolerance([0.2, 4.0], [-5.0, -2.0], 0.4, 1e-4) == 130
    # λ = (1, 4), η = 0.25: x₂ is zeroed in one step, x₁ × 0.75: 0.75⁸ ≈ 0.1001, 0.75⁹ ≈ 0.075
    assert l10.gd_steps_to_tolerance([1.0, 4.0], [1.0, 1.0], 0.25, 0.1) == 9
    assert l10.gd_steps_to_tolerance([2.0], [3.0], 0.5, 1e-9) == 1  # ηλ = 1: one step
    assert l10.gd_steps_to_tolerance([1.0, 2.0], [1e-5, 0.0], 0.1, 1e-4) == 0
    # η = 2/λ_max: x₂ × (−1) forever; and a fast divergence (× −99) without overflow
    assert l10.gd_steps_to_tolerance([0.2, 4.0], [-5.0, -2.0], 0.5, 1e-6, 5000) is None
    assert l10.gd_steps_to_tolerance([1.0, 100.0], [1.0, 1.0], 1.0, 1e-6) is None


def test_gd_steps_agree_with_a_plain_loop():
    lam, x0 = np.array([1.0, 1000.0]), np.array([1.0, 1.0])
    x, t = x0.copy(), 0
    while np.linalg.norm(x) > 1e-3:
        x, t = x - 1e-3 * lam * x, t + 1
    assert l10.gd_steps_to_tolerance(lam, x0, 1e-3, 1e-3) == t == 6905
    with pytest.raises(CourseLibError, match="same shape"):
        l10.gd_steps_to_tolerance([1.0, 2.0], [1.0], 0.1, 1e-3)


def test_max_newton_parameters_by_hand():
    assert l10.max_newton_parameters(16e9) == 44721  # ⌊√(2·10⁹)⌋ = ⌊44721.36⌋
    assert l10.max_newton_parameters(800) == 10
    assert l10.max_newton_parameters(799) == 9
    assert l10.max_newton_parameters(1e12, bytes_per_number=4) == 500_000
    with pytest.raises(CourseLibError, match="memory_bytes must be >= 0"):
        l10.max_newton_parameters(-1.0)


def test_cost_rows_by_hand():
    row = l10.cost_rows((1000,), flops_per_second=1e9)[0]
    assert row.gd_bytes == 8000.0
    assert row.newton_bytes == 8.0 * (1000 + 1000**2)
    assert row.solve_flops == pytest.approx(1e9 / 3)
    assert row.solve_seconds == pytest.approx(1 / 3)


# --- static figures ---------------------------------------------------------------------


def test_damped_steps_interpolate_between_newton_and_gd():
    out = l10.damped_steps((1.0, 0.5), [3.0, 1000.0])
    # α = 3: (0.6, 1.5) as in seed 001's example; GD with η = 1/3: (1 − 2/3, 0.5 + 1/3)
    np.testing.assert_allclose(out["regularized"][0], [0.6, 1.5], rtol=1e-12)
    np.testing.assert_allclose(out["gd"][0], [1 / 3, 5 / 6], rtol=1e-12)
    # α = 1000: they differ by about ‖Hg‖/α² = ‖(4, 2)‖/10⁶ = √20·1e-6
    dist = np.linalg.norm(out["regularized"][1] - out["gd"][1])
    assert dist == pytest.approx(math.sqrt(20.0) * 1e-6, rel=0.01)
    assert l10.plot_damping().axes[1].get_xscale() == "log"


def test_steps_vs_condition_plots_gd_counts():
    fig = l10.plot_steps_vs_condition([1.0, 100.0], tol=1e-6)
    best = fig.axes[0].lines[1].get_ydata()
    # κ = 100, η = 2/101: both coordinates shrink by 99/101 per step (in absolute value)
    x, t = np.array([1.0, 1.0]), 0
    while np.linalg.norm(x) > 1e-6:
        x, t = x - 2 / 101 * np.array([1.0, 100.0]) * x, t + 1
    assert best[1] == t
    assert best[0] == 1  # κ = 1: η = 1 zeroes both coordinates at once


def test_solve_times_measure_and_plot():
    times = l10.solve_times((10, 20), np.random.default_rng(0), repeats=1)
    assert list(times["k"]) == [10, 20]
    assert np.all(times["solve"] > 0) and np.all(times["inv"] > 0)
    assert len(l10.plot_solve_times(times).axes[0].lines) == 3
    with pytest.raises(CourseLibError, match="rng"):
        l10.solve_times((10,), 0)
