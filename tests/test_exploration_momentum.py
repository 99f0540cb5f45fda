"""Lesson 08's figures and explorers draw what they claim, with numbers from course_lib.

Expected values come from hand derivations written out here or from independent formulas
(closed forms of gradient descent on a diagonal quadratic, the unrolled average).
"""

from __future__ import annotations

import math
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import CourseLibError, schedules
from course_lib.explorations import l08_momentum as l08
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
    names = {n for n, ex in all_explorers().items() if ex.lesson == "08_momentum"}
    assert names == {"l08_momentum.ellipsoid", "l08_momentum.ewa"}
    assert l08.ELLIPSOID.update is not None and l08.EWA.update is not None


@pytest.mark.parametrize("explorer", [l08.ELLIPSOID, l08.EWA])
def test_each_explorer_draws_both_ends_of_every_control(explorer):
    for control in explorer.controls:
        for value in control.values(2):
            fig = explorer.plot(**{**explorer.defaults(), control.name: value})
            fig.canvas.draw()
            assert fig.axes and all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
            plt.close(fig)


# --- runs on the ellipsoid --------------------------------------------------------------


def test_gradient_descent_path_is_the_closed_form():
    # GD on 0.1x1² + 2x2² multiplies x1 by 1 − 0.2η and x2 by 1 − 4η every step.
    for lr in (0.4, 0.6):
        path = l08.ellipsoid_path("gd", lr, n_steps=20)
        k = np.arange(21)
        np.testing.assert_allclose(path[:, 0], -5.0 * (1 - 0.2 * lr) ** k, rtol=1e-12)
        np.testing.assert_allclose(path[:, 1], -2.0 * (1 - 4.0 * lr) ** k, rtol=1e-12)


def test_sum_form_first_two_steps_by_hand():
    # η = 0.6, β = 0.5 from (−5, −2): g0 = (−1, −8), v1 = g0, x1 = (−4.4, 2.8);
    # g1 = (−0.88, 11.2), v2 = 0.5·(−1, −8) + g1 = (−1.38, 7.2), x2 = (−3.572, −1.52).
    path = l08.ellipsoid_path("sum", 0.6, 0.5, n_steps=2)
    np.testing.assert_allclose(path, [[-5.0, -2.0], [-4.4, 2.8], [-3.572, -1.52]], rtol=1e-12)


def test_classic_equals_sum_and_ema_equals_sum_with_a_larger_rate():
    # v_classic = −η v_sum at a constant η; ema with η/(1−β) is sum with η.
    classic = l08.ellipsoid_path("classic", 0.1, 0.9, 50)
    total = l08.ellipsoid_path("sum", 0.1, 0.9, 50)
    ema = l08.ellipsoid_path("ema", 0.1 / (1 - 0.9), 0.9, 50)
    np.testing.assert_allclose(classic, total, atol=1e-12)
    np.testing.assert_allclose(ema, total, atol=1e-12)
    assert not np.allclose(l08.ellipsoid_path("ema", 0.1, 0.9, 50), total)


def test_nesterov_two_steps_match_goodfellows_example():
    # ε = 0.4, α = 0.5: θ1 = (−4.6, 1.2), v1 = (0.4, 3.2); interim (−4.4, 2.8) has
    # gradient (−0.88, 11.2), v2 = (0.2, 1.6) − 0.4·(−0.88, 11.2) = (0.552, −2.88),
    # θ2 = (−4.048, −1.68). PyTorch stores θ + αv: (−4.6, 1.2) + 0.5·(0.4, 3.2) = (−4.4, 2.8)
    # after one step.
    path = l08.ellipsoid_path("nesterov", 0.4, 0.5, 2)
    np.testing.assert_allclose(path[1:], [[-4.6, 1.2], [-4.048, -1.68]], rtol=1e-12)
    pytorch = l08.ellipsoid_path("nesterov-pytorch", 0.4, 0.5, 2)
    np.testing.assert_allclose(pytorch[1], [-4.4, 2.8], rtol=1e-12)
    np.testing.assert_allclose(pytorch[2], [-4.048 + 0.276, -1.68 - 1.44], rtol=1e-12)


def test_a_diverging_run_stops_without_overflow():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = l08.ellipsoid_path("gd", 10.0, n_steps=300)
        loss = l08.ellipsoid_loss(path)
    # x2 is multiplied by 1 − 40 = −39 per step: |x2| = 2·39^k passes 1e6 at k = 4
    assert l08.diverged(path)
    assert np.isfinite(path[:5]).all() and np.isnan(path[5:]).all()
    assert abs(path[4, 1]) == pytest.approx(2 * 39**4)
    assert np.isnan(loss[5:]).all()
    assert not l08.diverged(l08.ellipsoid_path("gd", 0.4))


def test_a_schedule_makes_classic_and_sum_part():
    # Up to the drop the forms agree; at the first step with the new rate they part: the
    # sum form multiplies its whole velocity by the new η, the classic form only the new
    # gradient (its velocity already holds the old η).
    sched = schedules.PiecewiseConstant((5,), (0.1, 0.01))
    classic = l08.ellipsoid_path("classic", sched, 0.9, 10)
    total = l08.ellipsoid_path("sum", sched, 0.9, 10)
    np.testing.assert_allclose(classic[:6], total[:6], atol=1e-12)
    assert not np.allclose(classic[6], total[6])
    # sum: the 6th step is −0.01·v_sum; classic: 0.9·(step 5) − 0.01·g.
    v_sum5 = (total[4] - total[5]) / 0.1
    g5 = np.array([0.2, 4.0]) * total[5]
    np.testing.assert_allclose(total[6] - total[5], -0.01 * (0.9 * v_sum5 + g5), atol=1e-12)
    np.testing.assert_allclose(classic[6] - classic[5],
                               0.9 * (classic[5] - classic[4]) - 0.01 * g5, atol=1e-12)


def test_step_lengths_and_loss_by_hand():
    path = np.array([[0.0, 0.0], [3.0, 4.0], [3.0, 5.0]])
    np.testing.assert_allclose(l08.step_lengths(path), [5.0, 1.0])
    np.testing.assert_allclose(l08.ellipsoid_loss(path), [0.0, 0.9 + 32.0, 0.9 + 50.0])
    with pytest.raises(CourseLibError, match="shape"):
        l08.ellipsoid_loss(np.zeros(3))


def test_convergence_factor_matches_the_roots_by_hand():
    # x2 (h = 4) at η = 0.6: GD |1 − 2.4| = 1.4. β = 0.5: r² + 0.9r + 0.5 has complex roots
    # of modulus √0.5. β = 0.25: r² + 1.15r + 0.25, roots (−1.15 ± √0.3225)/2, the larger
    # in size (1.15 + 0.5679)/2 = 0.8589.
    assert l08.convergence_factor(4.0, 0.6) == pytest.approx(1.4)
    assert l08.convergence_factor(4.0, 0.6, 0.5) == pytest.approx(math.sqrt(0.5))
    assert l08.convergence_factor(4.0, 0.6, 0.25) == pytest.approx(
        (1.15 + math.sqrt(0.3225)) / 2)
    # and the runs agree: after 200 steps of β = 0.25 the error shrinks like 0.8589^t
    path = l08.ellipsoid_path("sum", 0.6, 0.25, 200)
    ratio = abs(path[200, 1] / path[199, 1])
    assert ratio == pytest.approx((1.15 + math.sqrt(0.3225)) / 2, rel=1e-6)
    with pytest.raises(CourseLibError, match="beta must lie in"):
        l08.convergence_factor(4.0, 0.6, 1.0)


def test_bad_arguments_are_refused():
    with pytest.raises(CourseLibError, match="method must be one of"):
        l08.ellipsoid_path("adam", 0.1)
    with pytest.raises(CourseLibError, match="start"):
        l08.ellipsoid_path("gd", 0.1, start=(1.0, 2.0, 3.0))
    with pytest.raises(CourseLibError, match="form must be one of"):
        l08.plot_ellipsoid(form="gd")
    with pytest.raises(CourseLibError, match="lr must be > 0"):
        l08.plot_ellipsoid(lr=0.0)
    with pytest.raises(CourseLibError, match="view must be one of"):
        l08.plot_ewa(0.9, "a week")


# --- figures ----------------------------------------------------------------------------


def test_ellipsoid_plot_draws_the_runs_and_updates_in_place():
    fig = l08.plot_ellipsoid(form="sum", lr=0.6, beta=0.5, n_steps=20)
    np.testing.assert_allclose(_by_gid(fig, "path").get_xydata(),
                               l08.ellipsoid_path("sum", 0.6, 0.5, 20), rtol=1e-12)
    gd = _by_gid(fig, "ref-path").get_xydata()
    np.testing.assert_allclose(gd[:, 1], np.clip(-2.0 * (-1.4) ** np.arange(21), -1e3, 1e3))
    assert "GD: f = 5.60e+06" in fig.axes[1].get_title()  # 2·(2·1.4²⁰)² + 0.1·(5·0.88²⁰)²

    l08.update_ellipsoid(fig, form="nesterov", lr=0.4, beta=0.5, n_steps=2,
                         reference="classic momentum")
    np.testing.assert_allclose(_by_gid(fig, "path").get_xydata()[2], [-4.048, -1.68])
    np.testing.assert_allclose(_by_gid(fig, "ref-path").get_xydata()[2], [-4.032, 0.88])
    loss = _by_gid(fig, "loss").get_ydata()
    np.testing.assert_allclose(loss, [10.5, 0.1 * 4.6**2 + 2 * 1.2**2,
                                      0.1 * 4.048**2 + 2 * 1.68**2])
    assert fig.axes[1].get_xlim() == (0.0, 2.0)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert texts == ["classic momentum (same η, β)", l08.LABELS["nesterov"]]


def test_ewa_plot_draws_the_averages_from_the_unrolled_formula():
    beta = 0.8
    fig = l08.plot_ewa(beta=0.9)
    l08.update_ewa(fig, beta=beta, view="first 30 days")
    prices = l08.price_series()
    t = np.arange(1, prices.size + 1)
    # m_t = Σ_{i ≤ t} (1 − β) β^(t−i) x_i, a lower-triangular matrix times the prices
    lower = np.tril((1 - beta) * beta ** np.subtract.outer(t, t).clip(min=0))
    m = lower @ prices
    np.testing.assert_allclose(_by_gid(fig, "ewa").get_ydata(), m, rtol=1e-12)
    np.testing.assert_allclose(_by_gid(fig, "ewa-corrected").get_ydata(), m / (1 - beta**t),
                               rtol=1e-12)
    np.testing.assert_allclose(_by_gid(fig, "weights").get_ydata(),
                               (1 - beta) * beta ** np.arange(l08.WEIGHT_DAYS), rtol=1e-12)
    assert _by_gid(fig, "window").get_xdata()[0] == pytest.approx(5.0)
    assert fig.axes[0].get_xlim() == (0.0, 31.0)
    assert "= 5 days" in fig.axes[0].get_title()


def test_price_series_starts_with_the_examples_prices():
    prices = l08.price_series()
    assert prices.shape == (l08.N_DAYS,)
    assert prices[:2].tolist() == [100.0, 110.0]
    assert 50 < prices.min() and prices.max() < 200
    with pytest.raises(ValueError):
        prices[0] = 1.0  # read-only: the cached series cannot be changed by a caller


def test_static_figures_draw_what_they_claim():
    fig = l08.plot_forms(lr=0.1, beta=0.9, n_steps=30, drop_at=10)
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    np.testing.assert_allclose(lines["classic, η = 0.1"].get_xydata(),
                               lines["ema, η/(1−β) = 1"].get_xydata(), atol=1e-12)
    assert len(fig.axes[1].get_lines()) == 3  # classic, sum and the drop marker

    fig = l08.plot_error_surface_step()
    points = {line.get_label().split(":")[0]: line.get_xydata()[0]
              for line in fig.axes[0].get_lines() if ":" in line.get_label()}
    # w(t) − η∇E + βΔw with ∇E(1.5, 2) = (−0.75 + 1/3, −4/9 + 1/4): (1.925, 2.6583)
    np.testing.assert_allclose(points["momentum, β = 0.6"], [1.925, 2.0 + 0.3 * (4 / 9 - 1 / 4)
                                                             + 0.6], rtol=1e-12)
    np.testing.assert_allclose(points["the slide (uses 0.9)"], [2.075, 2.958333333], rtol=1e-9)

    fig = l08.plot_nesterov_step()
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert any("(-4.048, -1.68)" in s for s in labels)
    assert any("(-4.032, 0.88)" in s for s in labels)

    for fig in (l08.plot_gd_ellipsoid(), l08.plot_momentum_ellipsoid(), l08.plot_ewa_weights(),
                l08.plot_bias_correction()):
        fig.canvas.draw()
        assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
    assert "diverged" not in l08.plot_gd_ellipsoid().axes[1].get_title()  # f is 5.6e6, finite


def test_nesterov_factor_and_seed_001s_example_diverging():
    # Nesterov along h: x_t = c((1 + β)x_{t−1} − βx_{t−2}), c = 1 − ηh. For seed 001's
    # ε = 0.4, α = 0.5 on x2 (h = 4): c = −0.6, r² + 0.9r − 0.3 = 0, largest root in size
    # (0.9 + √2.01)/2 = 1.1589 > 1, while classic momentum has complex roots of size √0.5.
    assert l08.convergence_factor(4.0, 0.4, 0.5, method="nesterov") == pytest.approx(
        (0.9 + math.sqrt(2.01)) / 2)
    assert l08.convergence_factor(4.0, 0.4, 0.5) == pytest.approx(math.sqrt(0.5))
    # η = 0.1, β = 0.9: c = 0.6, r² − 1.14r + 0.54 has complex roots of size √0.54.
    assert l08.convergence_factor(4.0, 0.1, 0.9, method="nesterov") == pytest.approx(
        math.sqrt(0.54))
    assert l08.diverged(l08.ellipsoid_path("nesterov", 0.4, 0.5, 200))
    assert not l08.diverged(l08.ellipsoid_path("classic", 0.4, 0.5, 200))
    with pytest.raises(CourseLibError, match="method must be one of"):
        l08.convergence_factor(4.0, 0.1, 0.9, method="adam")
