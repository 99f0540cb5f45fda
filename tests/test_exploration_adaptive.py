"""Lesson 09's figures and explorers draw what they claim, with numbers from course_lib.

Expected values come from hand derivations written out here, or from scikit-learn.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import CourseLibError, optim
from course_lib.explorations import l09_adaptive as l09
from course_lib.widgets import all_explorers


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _by_gid(fig, gid):
    found = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found[0]


def test_two_explorers_are_registered_for_the_lesson():
    names = {n for n, ex in all_explorers().items() if ex.lesson == "09_adaptive_methods"}
    assert names == {"l09_adaptive.race", "l09_adaptive.first_steps"}
    assert all(all_explorers()[n].update is not None for n in names)


@pytest.mark.parametrize("explorer", [l09.RACE, l09.FIRST_STEPS_EXPLORER])
def test_each_explorer_draws_both_ends_of_every_control(explorer):
    # (the defaults, and update against plot, are checked by tests/test_widgets.py)
    for control in explorer.controls:
        for value in control.values(2):
            fig = explorer.plot(**{**explorer.defaults(), control.name: value})
            fig.canvas.draw()
            assert len(fig.axes) == 2
            assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
            plt.close(fig)


# --- the race ------------------------------------------------------------------------------


def test_sgd_path_on_the_quadratic_is_geometric():
    # f = 0.1x₁² + 2x₂²: gradient (0.2x₁, 4x₂), so SGD multiplies x₁ by 1 − 0.2η and x₂ by
    # 1 − 4η at every step: with η = 0.4, by 0.92 and −0.6.
    points = l09.path("ill-conditioned quadratic", optim.SGD(lr=0.4))
    k = np.arange(61)[:, None]
    np.testing.assert_allclose(points, np.array([-5.0, -2.0]) * np.array([0.92, -0.6]) ** k,
                               rtol=1e-12, atol=1e-300)
    assert not points.flags.writeable


def test_a_diverging_run_stops_at_the_first_iterate_outside_the_box():
    # η = 0.6: x₂ is multiplied by 1 − 2.4 = −1.4; |x₂| = 2·1.4^k first exceeds 50 at k = 10
    # (1.4⁹ = 20.7, 1.4¹⁰ = 28.9).
    points = l09.path("ill-conditioned quadratic", optim.SGD(lr=0.6))
    assert len(points) == 11
    assert abs(points[-1, 1]) > 50 >= np.abs(points[:-1]).max()
    fig = l09.plot_race(lr_sgd=0.6)
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert legend[0] == "SGD: diverged at step 10"
    # the escaped iterate is a point of the path but not of the loss curve
    assert len(_by_gid(fig, "path-SGD").get_xdata()) == 11
    assert len(_by_gid(fig, "loss-SGD").get_xdata()) == 10


def test_sgd_escapes_the_saddle_at_the_step_a_hand_count_gives():
    # f = x² − y² from (1.4, 0.001), η = 0.4: y is multiplied by 1 + 2η = 1.8 at each step and
    # first exceeds the bound 3 at k = 14 (0.001·1.8¹³ = 2.08, 0.001·1.8¹⁴ = 3.75).
    points = l09.path("saddle", optim.SGD(lr=0.4))
    assert len(points) == 15
    np.testing.assert_allclose(points[:, 1], 0.001 * 1.8 ** np.arange(15), rtol=1e-12)
    fig = l09.plot_race(surface="saddle")
    assert fig.axes[1].get_legend().get_texts()[0].get_text() == "SGD: escaped at step 14"
    assert fig.axes[1].get_ylabel() == "f(x₁, x₂)"


def test_race_draws_each_optimizer_path_and_its_loss():
    values = dict(lr_sgd=0.1, lr_momentum=0.02, beta=0.8, lr_rmsprop=0.05, rho=0.95,
                  lr_adam=0.2, beta1=0.85, beta2=0.99)
    fig = l09.plot_race(surface="Rosenbrock", **values)
    racers = l09.race_optimizers(**values)
    assert racers["Adam"] == optim.Adam(lr=0.2, beta1=0.85, beta2=0.99)
    points = l09.path("Rosenbrock", racers["Adam"])
    np.testing.assert_array_equal(_by_gid(fig, "path-Adam").get_xydata(), points)
    # Rosenbrock's minimum is 0, so the loss panel shows log10 f
    f = l09.SURFACES["Rosenbrock"].objective
    loss = _by_gid(fig, "loss-Adam").get_ydata()
    assert loss[0] == pytest.approx(np.log10(f.value([-1.5, 2.0])))  # 6.25 + 100·0.0625
    assert f.value([-1.5, 2.0]) == pytest.approx(12.5)
    assert fig.axes[1].get_ylabel() == "log₁₀(f − f*)"
    np.testing.assert_array_equal(_by_gid(fig, "target").get_xydata(), [[1.0, 1.0]])


def test_update_race_moves_the_artists_of_the_same_figure():
    fig = l09.plot_race()
    l09.update_race(fig, surface="saddle", lr_adam=0.05)
    adam = l09.path("saddle", optim.Adam(lr=0.05))
    np.testing.assert_array_equal(_by_gid(fig, "path-Adam").get_xydata(), adam)
    np.testing.assert_array_equal(_by_gid(fig, "start").get_xydata(), [[1.4, 0.001]])
    assert fig.axes[0].get_xlim() == (-1.6, 1.6)
    assert "saddle" in fig.axes[0].get_title()


def test_contours_lie_on_the_surface_levels():
    spec = l09.SURFACES["ill-conditioned quadratic"]
    vertices = l09.contour_vertices("ill-conditioned quadratic")
    points = vertices[~np.isnan(vertices[:, 0])]
    values = 0.1 * points[:, 0] ** 2 + 2 * points[:, 1] ** 2
    levels = np.array(spec.levels)
    nearest = levels[np.argmin(np.abs(np.log(values[:, None] / levels[None, :])), axis=1)]
    # linear interpolation on a 160 × 160 grid: within 2 % of the level
    np.testing.assert_allclose(values, nearest, rtol=0.02)
    assert np.isnan(vertices[:, 0]).sum() >= len(levels)  # one break per line at least


def test_bad_arguments_are_refused():
    with pytest.raises(CourseLibError, match="surface must be one of"):
        l09.plot_race(surface="beale")
    with pytest.raises(CourseLibError, match="lr_sgd must be > 0"):
        l09.race_optimizers(lr_sgd=0.0)
    with pytest.raises(CourseLibError, match="beta2 must lie in"):
        l09.race_optimizers(beta2=1.0)
    with pytest.raises(CourseLibError, match="opt must be a course_lib optimizer"):
        l09.path("saddle", "adam")
    with pytest.raises(CourseLibError, match="form must be one of"):
        l09.adam_form("AMSGrad", 1e-8)
    with pytest.raises(CourseLibError, match="g must be > 0"):
        l09.plot_first_steps(g=0.0)
    with pytest.raises(CourseLibError, match="gradients must have shape"):
        l09.feed(optim.SGD(lr=0.1), np.ones(3))


# --- Adam's forms ------------------------------------------------------------------------


def _hand_steps(form: str, g: float, eps: float, beta2: float, t: np.ndarray) -> np.ndarray:
    """Adam's steps (η = 1, β1 = 0.9) on a constant gradient g, written out by hand.

    With a constant gradient m_t = (1 − β1^t)g and s_t = (1 − β2^t)g² exactly.
    """
    bc1, bc2 = 1 - 0.9**t, 1 - beta2**t
    m, s = bc1 * g, bc2 * g * g
    return {
        "moments, ε out (000)": (m / bc1) / (np.sqrt(s / bc2) + eps),
        "moments, ε in (001, 002)": (m / bc1) / np.sqrt(s / bc2 + eps),
        "step size, ε in (003)": np.sqrt(bc2) / bc1 * m / np.sqrt(s + eps),
        "step size, ε out": np.sqrt(bc2) / bc1 * m / (np.sqrt(s) + eps),
        "no correction": m / (np.sqrt(s) + eps),
    }[form]


@pytest.mark.parametrize("form", list(l09.ADAM_FORMS))
@pytest.mark.parametrize("g, eps, beta2", [(1e-4, 1e-8, 0.999), (0.3, 1e-3, 0.9), (2.0, 0.0, 0.99)])
def test_constant_gradient_steps_match_the_hand_formula(form, g, eps, beta2):
    t = np.arange(1, l09.FIRST_STEPS + 1)
    np.testing.assert_allclose(l09.constant_gradient_steps(form, g, eps, beta2),
                               _hand_steps(form, g, eps, beta2, t), rtol=1e-9)
    np.testing.assert_allclose(l09.first_step_sweep(form, eps, beta2),
                               _hand_steps(form, l09.G_GRID, eps, beta2, np.array(1)), rtol=1e-9)


def test_with_eps_zero_every_corrected_form_steps_exactly_eta():
    for form in list(l09.ADAM_FORMS)[:4]:
        np.testing.assert_allclose(l09.constant_gradient_steps(form, 0.01, 0.0, 0.999), 1.0,
                                   rtol=1e-12)
    # without correction the first step is (1 − β1)/√(1 − β2) = 0.1/√0.001 = 3.1623 η
    assert l09.constant_gradient_steps("no correction", 0.01, 0.0, 0.999)[0] == pytest.approx(
        0.1 / np.sqrt(0.001))
    iterates = l09.adam_form_iterates(lambda p: {"w": 2 * p["w"]}, 1.0, 2, 0.0)
    for form in list(l09.ADAM_FORMS)[:4]:
        np.testing.assert_allclose(iterates[form], iterates["moments, ε out (000)"], rtol=1e-12)
    assert iterates["moments, ε out (000)"][1] == pytest.approx(0.9)  # first step η·sign(g)


def test_first_steps_figure_draws_the_steps_and_marks_g():
    fig = l09.plot_first_steps(g=1e-3, eps=1e-8, beta2=0.99)
    left = fig.axes[0]
    for i, form in enumerate(l09.ADAM_FORMS):
        np.testing.assert_allclose(left.lines[i].get_ydata(),
                                   np.maximum(l09.constant_gradient_steps(form, 1e-3, 1e-8, 0.99),
                                              l09.STEP_LIMITS[0] / 2))
    assert _by_gid(fig, "g-now").get_xdata()[0] == 1e-3
    assert "g²/ε = 100" in left.get_title()
    assert [t.get_text() for t in fig.legends[0].get_texts()] == list(l09.ADAM_FORMS)


# --- static figures ------------------------------------------------------------------------


def test_adagrad_rates_of_a_dense_and_a_sparse_feature():
    # dense: r_t = t, rate η/(δ + √t); sparse (gradient every 10th step): r_t = ⌊t/10⌋.
    rates = l09.adagrad_rates(lr=0.1, n_steps=30, every=10, eps=1e-10)
    t = np.arange(1, 31)
    np.testing.assert_allclose(rates[:, 0], 0.1 / (1e-10 + np.sqrt(t)), rtol=1e-12)
    seen = t // 10
    np.testing.assert_allclose(rates[seen > 0, 1], 0.1 / (1e-10 + np.sqrt(seen[seen > 0])),
                               rtol=1e-12)
    assert np.all(rates[:, 1] >= rates[:, 0])  # the rare feature keeps the larger rate
    fig = l09.plot_effective_rates(lr=0.1, n_steps=30, every=10)
    adagrad = fig.axes[0].lines[0].get_ydata()
    np.testing.assert_allclose(adagrad, 0.1 / np.sqrt(t), rtol=1e-12)  # the η/√t schedule
    rmsprop = fig.axes[0].lines[1].get_ydata()
    assert rmsprop[0] == pytest.approx(0.1 / np.sqrt(0.1))  # 3.16η at the start
    assert np.isnan(fig.axes[1].lines[1].get_ydata()[:9]).all()  # no gradient seen yet


def test_decay_runs_l2_reaches_ridge_and_adamw_does_not():
    from sklearn.linear_model import Ridge

    p = l09.decay_problem(0.5)
    runs = l09.decay_runs(0.5)
    # ours: (1/2n)‖Xw − y‖² + (λ/2)‖w‖²; times 2n it is sklearn's ‖Xw − y‖² + λn‖w‖².
    ref = Ridge(alpha=0.5 * p.X.shape[0], fit_intercept=False).fit(p.X, p.y).coef_
    np.testing.assert_allclose(runs["ridge"], ref, rtol=1e-10)
    np.testing.assert_allclose(runs["SGD + L2"], ref, atol=0.05)
    np.testing.assert_allclose(runs["Adam + L2"], ref, atol=0.05)
    assert abs(runs["AdamW"][3] - ref[3]) > 0.2  # the small-scale weight: far from ridge
    assert runs["AdamW"][0] < runs["Adam + L2"][0] - 0.03  # the large-scale one: shrunk more
    np.testing.assert_allclose(runs["Adam"], 1.0, atol=0.1)  # no penalty: near the truth
    fig = l09.plot_decay_comparison(0.5)
    assert len(fig.axes[0].patches) == 5 * 4


def test_family_figure_runs_every_optimizer_on_two_surfaces():
    opts = l09.family_optimizers("Rosenbrock")
    assert set(opts) == {"AdaGrad", "RMSProp", "RMSProp + Nesterov", "Adadelta", "Adam",
                         "Adamax", "NAdam"}
    fig = l09.plot_family()
    paths_ax, loss_ax = fig.axes
    assert len(loss_ax.lines) == 7
    assert len(paths_ax.get_legend().get_texts()) == 7


def test_feed_and_sparse_gradients():
    g = l09.sparse_gradients(6, every=3)
    np.testing.assert_array_equal(g, [[1, 0], [1, 0], [1, 1], [1, 0], [1, 0], [1, 1]])
    states = l09.feed(optim.Adamax(lr=0.1, beta1=0.9, beta2=0.9, eps=0.0),
                      np.array([[3.0], [-1.0], [0.5], [-4.0]]))
    # seed 001: u = max(0.9u, |g|) = 3, 2.7, 2.43, 4
    np.testing.assert_allclose([s.u["w"][0] for s in states[1:]], [3.0, 2.7, 2.43, 4.0])
