"""The figures and explorers of lesson 04 (course_lib.explorations.l04_dropout).

Each plotting function runs on its default and extreme values, and draws what it claims:
the numbers on the figure are checked against hand derivations written out here or
against independent formulas, and the claims the notebook's text makes about the
dropout-rate experiment are pinned down.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib._validation import CourseLibError
from course_lib.explorations import l04_dropout as l04
from course_lib.widgets import all_explorers


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_the_four_explorers_are_registered_for_the_lesson():
    explorers = {k: v for k, v in all_explorers().items() if k.startswith("l04_dropout.")}
    assert sorted(explorers) == ["l04_dropout.baldi_monte_carlo", "l04_dropout.rate_vs_error",
                                 "l04_dropout.schemes", "l04_dropout.thinned_networks"]
    assert all(e.lesson == "04_dropout" for e in explorers.values())


# --- thinned networks ------------------------------------------------------------------


@pytest.mark.parametrize("values", [{}, {"p_drop": 0.0, "p_drop_input": 0.0, "step": 0},
                                    {"p_drop": 0.9, "p_drop_input": 0.9, "step": 30}])
def test_thinned_networks_hollow_units_are_the_dropped_ones(values):
    fig = l04.plot_thinned_networks(**values)
    p_drop, p_input = values.get("p_drop", 0.5), values.get("p_drop_input", 0.2)
    step = values.get("step", 0)
    assert len(fig.axes) == 4
    # the full network: all 18 units filled
    full = fig.axes[0].collections[-1].get_facecolors()
    assert full.shape[0] == 18 and np.allclose(full[:, :3], full[0, :3])
    for k, ax in enumerate(fig.axes[1:]):
        # the same draws as dropout_mask: uniform < keep, input layer first, then hidden
        rng = np.random.default_rng(step + k)
        kept = [rng.random(4) < 1 - p_input, rng.random(6) < 1 - p_drop,
                rng.random(6) < 1 - p_drop]
        n_kept = int(sum(m.sum() for m in kept))
        assert ax.get_title().endswith(f"{n_kept} of 16 units kept")
        hollow = np.all(ax.collections[-1].get_facecolors()[:, :3] == 1.0, axis=1)
        assert hollow.sum() == 16 - n_kept
    if p_drop == 0.0 and p_input == 0.0:
        assert all(ax.get_title().endswith("16 of 16 units kept") for ax in fig.axes[1:])


# --- schemes -----------------------------------------------------------------------------


def test_scheme_distribution_of_seed_004s_unit_by_hand():
    # w = (1, 2, 3, 4), x = 1, p_drop = 0.5: scale at test trains z = Σ wᵢmᵢ with mean
    # 0.5·10 = 5 and tests with 0.5·10 = 5; inverted trains 2·Σ wᵢmᵢ (mean 10), tests 10.
    a = l04.scheme_distribution(0.5, "scale_at_test")
    b = l04.scheme_distribution(0.5, "inverted")
    assert a.mean == pytest.approx(5.0) and a.test_value == pytest.approx(5.0)
    assert b.mean == pytest.approx(10.0) and b.test_value == pytest.approx(10.0)
    assert a.probabilities.sum() == pytest.approx(1.0)
    assert np.allclose(a.probabilities, 1 / 16) and a.values.size == 16
    assert sorted(set(np.round(a.values, 12))) == list(range(11))  # subset sums of 1..4
    # p_drop = 0: every unit kept, z = 10 with probability 1 in both schemes
    for scheme in ("scale_at_test", "inverted"):
        d = l04.scheme_distribution(0.0, scheme)
        assert d.probabilities[d.values == 10.0].sum() == pytest.approx(1.0)
        assert d.mean == pytest.approx(10.0) and d.test_value == pytest.approx(10.0)


@pytest.mark.parametrize("p_drop", [0.0, 0.5, 0.9])
def test_plot_schemes_marks_the_mean_and_the_test_value(p_drop):
    fig = l04.plot_schemes(p_drop)
    keep = 1.0 - p_drop
    # E[z] = keep·10 = test value (scale at test); 10 for inverted
    for ax, value in zip(fig.axes, (keep * 10.0, 10.0), strict=True):
        vertical = [line.get_xdata()[0] for line in ax.get_lines()]
        assert vertical == pytest.approx([value, value])
    # every bar is in view: z runs over the subset sums 0..10 of the weights (scale at
    # test), divided by the keep probability when inverted
    for ax, top in zip(fig.axes, (10.0, 10.0 / keep), strict=True):
        low, high = ax.get_xlim()
        assert low <= 0.0 and high >= top


# --- ensemble view ---------------------------------------------------------------------


def test_weight_scaling_is_the_geometric_mean_of_all_subnetworks():
    avg = l04.ensemble_averages(hidden=8, p_drop=0.5)
    assert avg.n_subnetworks == 2**8
    assert np.allclose(avg.geometric_mean, avg.weight_scaling, atol=1e-12)
    # the arithmetic mean is a different average (not identical on this network)
    assert np.abs(avg.arithmetic_mean - avg.weight_scaling).max() > 1e-3
    for probs in (avg.weight_scaling, avg.arithmetic_mean, avg.some_subnetworks):
        assert np.all((probs >= 0.0) & (probs <= 1.0))
    fig = l04.plot_ensemble_averages(hidden=8, p_drop=0.5)
    drawn = {line.get_label(): line.get_ydata() for line in fig.axes[0].get_lines()}
    assert np.array_equal(drawn["one pass of the full network (weight scaling)"],
                          avg.weight_scaling)


def test_ensemble_averages_refuses_too_many_masks():
    with pytest.raises(CourseLibError, match="hidden must be at most 12"):
        l04.ensemble_averages(hidden=13)


# --- the dropout rate against the error ---------------------------------------------------


def test_rate_experiment_on_a_tiny_grid():
    exp = l04.rate_experiment(rates=(0.0, 0.5), epochs=20, hidden=8)
    assert exp.rates.tolist() == [0.0, 0.5]
    assert exp.nearest(0.2).p_drop == 0.0 and exp.nearest(0.3).p_drop == 0.5
    for run in exp.runs:
        assert 0.0 <= run.train_error <= 1.0 and 0.0 <= run.val_error <= 1.0
        assert run.epochs.tolist() == list(range(1, 21))
        assert run.val_epochs.tolist() == [10, 20]
        assert run.grid_proba.shape == exp.grid_x.shape
    assert exp.train_set.X.shape == (50, 2) and exp.val_set.X.shape == (500, 2)


def test_rate_experiment_refuses_bad_rates():
    with pytest.raises(CourseLibError, match="rates must hold at least one"):
        l04.rate_experiment(rates=())
    with pytest.raises(CourseLibError, match=r"rates\[i\] must lie in \[0, 1\)"):
        l04.rate_experiment(rates=(0.5, 1.0))


def test_the_notebooks_claims_about_the_default_experiment():
    # Lesson 04, section 7: without dropout every training point is fitted; training error
    # grows with the rate; validation error is lowest in the middle, around 0.4-0.6.
    exp = l04.rate_experiment()
    train = np.array([r.train_error for r in exp.runs])
    val = np.array([r.val_error for r in exp.runs])
    assert exp.rates.tolist() == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert train[0] == 0.0 and train[-1] > 0.05
    assert np.all(np.diff(train) >= 0.0)
    assert 0.3 <= exp.rates[np.argmin(val)] <= 0.6
    assert val[0] > val.min() + 0.03 and val[-1] > val.min() + 0.02


@pytest.mark.parametrize("p_drop", [0.0, 0.5, 0.9, 0.44])
def test_plot_rate_vs_error_draws_the_precomputed_numbers(p_drop):
    exp = l04.rate_experiment()
    fig = l04.plot_rate_vs_error(p_drop)
    lines = fig.axes[0].get_lines()
    assert np.array_equal(lines[0].get_ydata(), [r.train_error for r in exp.runs])
    assert np.array_equal(lines[1].get_ydata(), [r.val_error for r in exp.runs])
    chosen = exp.nearest(p_drop)
    assert lines[2].get_xdata()[0] == chosen.p_drop  # the marker snaps to the grid
    assert np.array_equal(fig.axes[1].images[0].get_array(), chosen.grid_proba)
    assert fig.axes[1].get_title().startswith(f"p_drop = {chosen.p_drop:.1f}")


def test_learning_curves_draw_each_requested_run():
    exp = l04.rate_experiment()
    fig = l04.plot_learning_curves(rates=(0.0, 0.5))
    lines = fig.axes[0].get_lines()
    assert len(lines) == 4
    assert np.array_equal(lines[3].get_ydata(), exp.nearest(0.5).val_loss_curve)


# --- Baldi's expected gradient -----------------------------------------------------------


def test_plot_baldi_monte_carlo_bars_by_hand():
    # Seed 001's unit with every p_i = 0.5: Σ pᵢwᵢIᵢ = 0.5·(0.5 − 2 + 1) = −0.25, so
    # ∂E_N/∂wᵢ = −(1 + 0.25)·0.5·Iᵢ = (−0.3125, −0.625, −1.25); the penalty terms
    # wᵢ·0.25·Iᵢ² = (0.0625, −0.5, 0.5); Baldi's closed form is their sum.
    fig = l04.plot_baldi_monte_carlo(n_samples=1000, p_keep=0.5)
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    assert heights[:3] == pytest.approx([-0.3125, -0.625, -1.25])
    assert heights[3:6] == pytest.approx([-0.25, -1.125, -0.75])
    exact = next(line for line in ax.get_lines() if line.get_label().startswith("exact"))
    assert exact.get_ydata() == pytest.approx([-0.25, -1.125, -0.75])


@pytest.mark.parametrize("n_samples, p_keep", [(10, 0.05), (100000, 1.0), (1000.0, 0.5),
                                               (31.6, 0.35)])
def test_plot_baldi_monte_carlo_extremes(n_samples, p_keep):
    fig = l04.plot_baldi_monte_carlo(n_samples=n_samples, p_keep=p_keep)
    marker = next(line for line in fig.axes[1].get_lines() if line.get_label().startswith("n ="))
    assert marker.get_xdata()[0] == round(n_samples)


def test_monte_carlo_error_shrinks_and_vanishes_without_dropout():
    conv = l04.baldi_convergence(0.5)
    assert conv.n[0] == 10 and conv.n[-1] == 100000
    assert conv.max_error[-1] < conv.max_error[0] / 10
    # the reported standard error falls like 1/sqrt(n): 10^4 times the samples, 1/100
    assert conv.max_stderr[-1] == pytest.approx(conv.max_stderr[0] / 100, rel=0.5)
    still = l04.baldi_convergence(1.0)
    assert np.all(still.max_error == 0.0) and np.all(still.max_stderr == 0.0)


def test_baldi_plot_refuses_a_zero_keep_probability():
    with pytest.raises(CourseLibError, match="p_keep must lie in"):
        l04.plot_baldi_monte_carlo(p_keep=0.0)


def test_penalty_strength_peaks_at_one_half():
    fig = l04.plot_penalty_strength()
    curve = fig.axes[0].get_lines()[0]
    x, y = curve.get_xdata(), curve.get_ydata()
    assert x[np.argmax(y)] == pytest.approx(0.5) and y.max() == pytest.approx(0.25)
    marks = [line.get_ydata()[0] for line in fig.axes[0].get_lines()[1:]]
    assert marks == pytest.approx([0.25, 0.16, 0.0])  # p = 0.5, 0.8, 1


# --- variations --------------------------------------------------------------------------


@pytest.mark.parametrize("p_drop, sigma", [(0.5, 1.0), (0.2, 0.5), (0.0, 0.0)])
def test_gaussian_vs_bernoulli_matches_the_moments(p_drop, sigma):
    # σ² = p_drop / p_keep: 0.5/0.5 = 1, 0.2/0.8 = 1/4, 0
    fig = l04.plot_gaussian_vs_bernoulli(p_drop=p_drop, n=4000)
    assert f"σ = {sigma:.3g}" in fig.axes[0].get_legend().get_texts()[0].get_text()
    atoms = fig.axes[1].get_lines()[0].get_xdata()
    keep = 1.0 - p_drop
    assert set(np.round(atoms, 12)) <= {0.0, round(1.0 / keep, 12)}


@pytest.mark.parametrize("p_drop, seed", [(0.5, 2), (0.0, 0), (0.9, 5)])
def test_dropout_zeroes_rows_and_dropconnect_single_weights(p_drop, seed):
    fig = l04.plot_dropout_vs_dropconnect(p_drop=p_drop, seed=seed)
    W, unit, connect = (np.asarray(ax.images[0].get_array()) for ax in fig.axes[:3])
    for row_w, row_u in zip(W, unit, strict=True):
        assert np.array_equal(row_u, row_w) or np.all(row_u == 0.0)  # whole rows
    assert np.all((connect == W) | (connect == 0.0))  # single entries, values unchanged
    if p_drop == 0.0:
        assert np.array_equal(unit, W) and np.array_equal(connect, W)


def test_bad_rates_are_refused_with_the_argument_named():
    with pytest.raises(CourseLibError, match=r"p_drop must lie in \[0, 1\), got 1.0"):
        l04.plot_schemes(1.0)
    with pytest.raises(CourseLibError, match="p_drop_input must lie"):
        l04.plot_thinned_networks(p_drop_input=-0.1)
