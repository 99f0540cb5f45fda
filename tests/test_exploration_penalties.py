"""Lesson 02's figures and explorers draw what they claim, with numbers from course_lib.

Expected values come from hand derivations written out here or from scikit-learn.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib.explorations import l02_penalties as l02
from course_lib.widgets import all_explorers


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _by_gid(fig, gid):
    found = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found[0]


def test_four_explorers_are_registered_for_the_lesson():
    names = {n for n, ex in all_explorers().items() if ex.lesson == "02_parameter_penalties"}
    assert names == {"l02_penalties.paths", "l02_penalties.constraint",
                     "l02_penalties.shrinkage", "l02_penalties.bias"}


@pytest.mark.parametrize("explorer", [l02.PATHS, l02.CONSTRAINT, l02.SHRINKAGE, l02.BIAS])
def test_each_explorer_draws_both_ends_of_every_control(explorer):
    # (the defaults are drawn by tests/test_widgets.py)
    for control in explorer.controls:
        for value in control.values(2):
            fig = explorer.plot(**{**explorer.defaults(), control.name: value})
            fig.canvas.draw()
            # labelled axes (panels sharing y label it once, on the left)
            assert fig.axes and all(ax.get_xlabel() for ax in fig.axes)
            assert fig.axes[0].get_ylabel()
            plt.close(fig)


# --- coefficient paths -----------------------------------------------------------------


def test_ridge_path_matches_scikit_learn():
    from sklearn.linear_model import Ridge

    p = l02.path_problem()
    ridge_path, _ = l02.coefficient_paths("lasso")
    for i in (0, 30, 60):
        lam = float(l02.PATH_LAMS[i])
        ref = Ridge(alpha=lam, fit_intercept=True).fit(p.X, p.y).coef_
        np.testing.assert_allclose(ridge_path[i], ref, rtol=1e-9, atol=1e-12)


def test_lasso_and_elastic_net_paths_match_scikit_learn():
    from sklearn.linear_model import ElasticNet, Lasso

    p = l02.path_problem()
    n = p.X.shape[0]
    # ours: ‖r‖² + λ(α‖w‖² + (1−α)‖w‖₁). Divided by 2n it is sklearn's
    # 1/(2n)‖r‖² + a·ρ‖w‖₁ + a(1−ρ)/2 ‖w‖² with aρ = λ(1−α)/(2n) and a(1−ρ) = λα/n,
    # i.e. a = λ(1+α)/(2n), ρ = (1−α)/(1+α); the lasso (α = 0) is Lasso(alpha=λ/(2n)).
    _, lasso_path = l02.coefficient_paths("lasso")
    _, en_path = l02.coefficient_paths("elastic net, α = 0.5")
    for i in (10, 35):
        lam = float(l02.PATH_LAMS[i])
        ref = Lasso(alpha=lam / (2 * n), tol=1e-12, max_iter=100_000).fit(p.X, p.y).coef_
        np.testing.assert_allclose(lasso_path[i], ref, atol=1e-5)
        a, rho = lam * 1.5 / (2 * n), 0.5 / 1.5
        ref = ElasticNet(alpha=a, l1_ratio=rho, tol=1e-12, max_iter=100_000).fit(p.X, p.y).coef_
        np.testing.assert_allclose(en_path[i], ref, atol=1e-5)


def test_lasso_path_ends_with_every_weight_exactly_zero():
    # KKT at w = 0 with a free intercept: every |2 X_cᵀ y_c| ≤ λ. The largest is about 258
    # for this data, below the last λ of the grid (10^3.5 ≈ 3162).
    p = l02.path_problem()
    yc = p.y - p.y.mean()
    assert 2 * np.abs(p.X.T @ yc).max() < l02.PATH_LAMS[-1]
    ridge_path, lasso_path = l02.coefficient_paths("lasso")
    assert np.all(lasso_path[-1] == 0.0)
    assert np.all(lasso_path[0] != 0.0)  # at λ = 0.1 nothing is zeroed yet
    assert np.all(ridge_path != 0.0)     # ridge shrinks but never zeroes


def test_paths_plot_marks_the_fits_at_the_current_lambda():
    lam = 40.0
    fig = l02.plot_paths(lam=lam, penalty="lasso")
    ridge_dots = _by_gid(fig, "ridge-now").get_offsets()
    l1_dots = _by_gid(fig, "l1-now").get_offsets()
    np.testing.assert_allclose(ridge_dots[:, 0], lam)
    np.testing.assert_allclose(ridge_dots[:, 1], l02.ridge_coefficients(lam))
    lasso_now = l02.l1_coefficients(lam)
    np.testing.assert_allclose(l1_dots[:, 1], lasso_now)
    assert 0 < np.count_nonzero(lasso_now) < 8
    title = fig.axes[1].get_title()
    assert f"{np.count_nonzero(lasso_now)} of 8 weights" in title
    assert _by_gid(fig, "l1-lam").get_xdata()[0] == lam


def test_coefficient_paths_are_copies_and_bad_penalty_is_refused():
    ridge_path, _ = l02.coefficient_paths()
    ridge_path[:] = 0.0
    assert np.all(l02.coefficient_paths()[0] != 0.0)
    with pytest.raises(CourseLibError, match="penalty must be one of"):
        l02.plot_paths(10.0, "ridge")
    with pytest.raises(CourseLibError, match="lam must be > 0"):
        l02.plot_paths(0.0)
    with pytest.raises(CourseLibError, match="alpha"):
        l02.l1_coefficients(1.0, alpha=1.0)


# --- the constrained view -------------------------------------------------------------


def test_l1_constrained_optimum_at_budget_one_is_the_corner():
    # Hand derivation with H = diag(1, 2), w* = (2.5, 0.6): the soft threshold at α/Hᵢᵢ
    # gives w = (2.5 − α, max(0.6 − α/2, 0)). ‖w‖₁ = 1 with w₂ = 0 needs α = 1.5, and
    # then 0.6 − 0.75 < 0 indeed zeroes w₂: the optimum is the corner (1, 0).
    opt = l02.constrained_optimum("L1", 1.0)
    assert opt.active
    assert opt.alpha == pytest.approx(1.5, abs=1e-9)
    np.testing.assert_allclose(opt.w, [1.0, 0.0], atol=1e-9)
    assert opt.w[1] == 0.0


def test_l2_constrained_optimum_solves_the_kkt_conditions():
    # On the circle ‖w‖ = η the optimum is wᵢ = Hᵢᵢwᵢ*/(Hᵢᵢ + α) for the α making the
    # norm η (Lagrange). Check both the norm and that formula, with α from the result.
    opt = l02.constrained_optimum("L2", 1.0)
    h, w_star = l02.CONSTRAINT_H, l02.CONSTRAINT_W_STAR
    assert np.linalg.norm(opt.w) == pytest.approx(1.0, abs=1e-9)
    np.testing.assert_allclose(opt.w, h * w_star / (h + opt.alpha), rtol=1e-12)
    assert np.all(opt.w != 0.0)


@pytest.mark.parametrize("norm", ["L1", "L2"])
@pytest.mark.parametrize("budget", [0.3, 1.0, 2.0])
def test_constrained_optimum_beats_every_point_of_the_boundary(norm, budget):
    # Brute force, independent of the bisection: the loss at 20 000 boundary points.
    t = np.linspace(0.0, 2.0 * np.pi, 20_000)
    if norm == "L2":
        pts = budget * np.column_stack([np.cos(t), np.sin(t)])
    else:
        c, s = np.cos(t), np.sin(t)
        pts = budget * np.column_stack([c, s]) / (np.abs(c) + np.abs(s))[:, None]
    h, w_star = l02.CONSTRAINT_H, l02.CONSTRAINT_W_STAR
    losses = 0.5 * ((pts - w_star) ** 2 * h).sum(axis=1)
    opt = l02.constrained_optimum(norm, budget)
    ours = 0.5 * float(((opt.w - w_star) ** 2 * h).sum())
    assert ours <= losses.min() + 1e-9
    assert ours >= losses.min() - 1e-4  # and the brute force gets close to it


def test_inactive_constraint_returns_w_star():
    # ‖w*‖₁ = 3.1 and ‖w*‖₂ = √6.61 ≈ 2.571
    for norm in ("L1", "L2"):
        opt = l02.constrained_optimum(norm, 3.2)
        assert not opt.active and opt.alpha == 0.0
        np.testing.assert_array_equal(opt.w, l02.CONSTRAINT_W_STAR)
    with pytest.raises(CourseLibError, match="budget must be > 0"):
        l02.constrained_optimum("L1", 0.0)
    with pytest.raises(CourseLibError, match="norm must be one of"):
        l02.plot_constraint(1.0, "L3")


def test_constraint_plot_draws_the_region_and_the_optimum():
    fig = l02.plot_constraint(budget=1.0, norm="both")
    np.testing.assert_allclose(_by_gid(fig, "optimum-L1").get_xydata()[0], [1.0, 0.0],
                               atol=1e-9)
    l2 = _by_gid(fig, "optimum-L2").get_xydata()[0]
    assert np.hypot(*l2) == pytest.approx(1.0, abs=1e-9)
    diamond = _by_gid(fig, "region-L1").get_xy()
    assert np.abs(diamond).sum(axis=1).max() == pytest.approx(1.0)
    assert "α = 1.5" in fig.axes[0].get_title()
    only_l2 = l02.plot_constraint(budget=1.0, norm="L2")
    gids = {a.get_gid() for a in only_l2.axes[0].get_children()}
    assert "region-L2" in gids and "region-L1" not in gids


# --- eigen-shrinkage, bias, static figures --------------------------------------------


def test_shrinkage_plot_marks_the_three_eigenvalues_and_their_factors():
    # tridiag(−1, 2, −1) of size 3: eigenvalues 2 − 2cos(kπ/4) = 2 − √2, 2, 2 + √2.
    fig = l02.plot_shrinkage(alpha=2.0)
    eig = np.array([2 - math.sqrt(2), 2.0, 2 + math.sqrt(2)])
    xy = _by_gid(fig, "factors").get_xydata()
    np.testing.assert_allclose(xy[:, 0], eig, rtol=1e-12)
    np.testing.assert_allclose(xy[:, 1], eig / (eig + 2.0), rtol=1e-12)
    xy0 = _by_gid(l02.plot_shrinkage(alpha=0.0), "factors").get_xydata()
    np.testing.assert_allclose(xy0[:, 1], 1.0)  # no penalty keeps everything


def test_bias_fits_reproduce_seed_004_and_shift_with_a_free_bias():
    # Seed 004, λ = 1. Bias penalized: (XᵀX + I)w = Xᵀy with XᵀX + I = [[5, 6], [6, 15]],
    # Xᵀy = (9, 18): w = (27/39, 36/39). Bias free: w1 = Sxy/(Sxx + λ) = 4.5/6 = 0.75,
    # w0 = ȳ − w1·x̄ = 2.25 − 1.125 = 1.125.
    fits = l02.bias_fits(1.0, 0.0)
    np.testing.assert_allclose(fits["penalized"], (27 / 39, 36 / 39), rtol=1e-12)
    np.testing.assert_allclose(fits["free"], (1.125, 0.75), rtol=1e-12)
    shifted = l02.bias_fits(1.0, 10.0)
    np.testing.assert_allclose(shifted["free"], (11.125, 0.75), rtol=1e-12)
    assert shifted["penalized"][0] < 11.125 - 1.0  # the penalized bias lags behind
    fig = l02.plot_bias(1.0, 10.0)
    line = _by_gid(fig, "fit-free")
    np.testing.assert_allclose(line.get_ydata(), 11.125 + 0.75 * line.get_xdata(), rtol=1e-12)


def test_weight_decay_runs_converge_to_the_l2_optimum():
    runs = l02.weight_decay_runs(alpha=1.0, lr=0.2, n_steps=400)
    H, w_star = l02.WD_H, l02.WD_W_STAR
    # first step from 0: (1 − εα)·0 − ε·H(0 − w*) = εHw*
    np.testing.assert_allclose(runs["decay"][1], 0.2 * H @ w_star, rtol=1e-12)
    np.testing.assert_allclose(runs["plain"][-1], w_star, atol=1e-9)
    np.testing.assert_allclose(runs["decay"][-1],
                               np.linalg.solve(H + np.eye(2), H @ w_star), atol=1e-9)
    assert l02.plot_weight_decay(alpha=1.0).axes


def test_soft_threshold_figure_draws_the_operator():
    fig = l02.plot_soft_threshold(t=1.0)
    line = _by_gid(fig, "soft")
    z = line.get_xdata()
    expected = np.where(np.abs(z) <= 1.0, 0.0, z - np.sign(z))
    np.testing.assert_allclose(line.get_ydata(), expected, atol=1e-12)


def test_poly2d_features_lists_every_monomial():
    F = l02.poly2d_features(np.array([[2.0, 3.0]]), 2)
    # i + j in 1..2, ordered by i then j: x2, x2², x1, x1·x2, x1²
    np.testing.assert_allclose(F, [[3.0, 9.0, 2.0, 6.0, 4.0]])
    assert l02.poly2d_features(np.zeros((4, 2)), 6).shape == (4, 27)
    with pytest.raises(CourseLibError, match="shape"):
        l02.poly2d_features(np.zeros((4, 3)), 2)


def test_logistic_demo_penalties_shrink_the_weights():
    demo = l02.logistic_demo(np.random.default_rng(1), lam=5.0, n=40, degree=3, n_steps=300)
    norms = {k: np.linalg.norm(f.params["w"]) for k, f in demo.fits.items()}
    assert norms["L2"] < norms["no penalty"] and norms["L1"] < norms["no penalty"]
    fig = l02.plot_logistic(demo, lam=5.0)
    assert len(fig.axes) == 4
    with pytest.raises(CourseLibError, match="rng"):
        l02.logistic_demo(0)
