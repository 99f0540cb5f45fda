"""Lesson 06's figures, helpers and explorers draw what they claim, with numbers from course_lib.

Expected values come from hand derivations written out here, from PyTorch's autograd, or
from central differences.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib.explorations import l06_landscape as l06
from course_lib.widgets import all_explorers

LESSON = "06_optimization_landscape"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba(), dtype=np.int16)


def test_three_explorers_are_registered_for_the_lesson():
    names = {n for n, ex in all_explorers().items() if ex.lesson == LESSON}
    assert names == {"l06_landscape.surface", "l06_landscape.depth", "l06_landscape.cliff"}
    assert all(all_explorers()[n].update is not None for n in names)


@pytest.mark.parametrize("explorer", [l06.SURFACE, l06.DEPTH, l06.CLIFF])
def test_each_explorer_draws_both_ends_of_every_control(explorer):
    for control in explorer.controls:
        for value in control.values(2):
            fig = explorer.plot(**{**explorer.defaults(), control.name: value})
            assert len(fig.axes) == 2
            assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
            plt.close(fig)


@pytest.mark.parametrize(("explorer", "values"), [
    (l06.SURFACE, {"surface": "Rosenbrock", "x": -1.0, "y": 1.5, "eps": 0.002}),
    (l06.SURFACE, {"surface": "saddle x² − y²", "x": 0.5, "y": -0.3, "eps": 0.3}),
    (l06.DEPTH, {"activation": "relu", "init": "He N(0, 2/n_in)", "depth": 35}),
    (l06.DEPTH, {"activation": "sigmoid", "init": "fixed N(0, 0.01²)", "depth": 12}),
    (l06.CLIFF, {"lr": 0.35, "threshold": 0.4}),
])
def test_in_place_update_matches_a_fresh_plot_inside_the_range(explorer, values):
    # tests/test_widgets.py compares the ends of each range; these are mid-range values
    # with several controls changed at once.
    fig = explorer.plot(**explorer.defaults())
    fig.canvas.draw()
    explorer.update(fig, **values)
    fresh = explorer.plot(**values)
    diff = np.abs(_pixels(fig) - _pixels(fresh))
    assert (diff > 32).mean() < 1e-3


# --- the Hessian test ---------------------------------------------------------------------


def test_classify_hessian_on_the_seed_example_and_the_four_cases():
    # Seed 002's Hessian tridiag(−1, 2, −1): eigenvalues 2 − 2cos(kπ/4) = 2 − √2, 2, 2 + √2.
    vals, label = l06.classify_hessian([[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
    np.testing.assert_allclose(vals, [2 - math.sqrt(2), 2.0, 2 + math.sqrt(2)], rtol=1e-12)
    assert label == "minimum"
    assert l06.classify_hessian(np.diag([2.0, -2.0]))[1] == "saddle"
    assert l06.classify_hessian(-np.eye(3))[1] == "maximum"
    # positive diagonal, but eigenvalues 1 ± 2 = 3, −1: a saddle
    assert l06.classify_hessian([[1.0, 2.0], [2.0, 1.0]])[1] == "saddle"
    # a zero eigenvalue with no negative one: the second-order test cannot decide
    assert l06.classify_hessian(np.diag([2.0, 0.0]))[1] == "inconclusive"
    assert l06.classify_hessian(np.zeros((2, 2)))[1] == "inconclusive"
    # both signs decide even with a zero eigenvalue
    assert l06.classify_hessian(np.diag([1.0, 0.0, -1.0]))[1] == "saddle"
    # rounding-level eigenvalues count as zero
    assert l06.classify_hessian(np.diag([1.0, 1e-13]))[1] == "inconclusive"


def test_classify_hessian_is_rotation_invariant_and_refuses_non_square():
    theta = 0.7
    Q = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    H = Q @ np.diag([3.0, -0.5]) @ Q.T
    vals, label = l06.classify_hessian(H)
    np.testing.assert_allclose(vals, [-0.5, 3.0], atol=1e-12)
    assert label == "saddle"
    with pytest.raises(CourseLibError, match="square"):
        l06.classify_hessian(np.zeros((2, 3)))


def test_random_critical_points_are_rarely_minima():
    # For n = 1 the "matrix" is √2·a with a ~ N(0, 1): positive half of the time. For the
    # 2×2 Gaussian orthogonal ensemble P(both eigenvalues > 0) = (2 − √2)/4 ≈ 0.1464
    # (Dean and Majumdar 2006); 20 000 draws have a standard error of 0.0025.
    frac = l06.fraction_all_positive(np.random.default_rng(1), (1, 2, 6), n_samples=20_000)
    assert frac[0] == pytest.approx(0.5, abs=0.015)
    assert frac[1] == pytest.approx((2 - math.sqrt(2)) / 4, abs=0.012)
    assert frac[2] < 0.01
    S = l06.random_symmetric(np.random.default_rng(0), 4)
    np.testing.assert_array_equal(S, S.T)
    with pytest.raises(CourseLibError, match="rng"):
        l06.fraction_all_positive(0, (1, 2))


# --- the Taylor terms ---------------------------------------------------------------------


def test_taylor_terms_reproduce_seed_001s_example_by_hand():
    # H = diag(1, 100), x = (1, 1): g = Hx = (1, 100), gᵀg = 10001, gᵀHg = 1 + 100·100² =
    # 1000001. ε = 0.03: −εgᵀg = −300.03, ½ε²gᵀHg = 0.00045·1000001 = 450.00045.
    H = np.diag([1.0, 100.0])
    t = l06.taylor_terms(np.array([1.0, 100.0]), H, 0.03)
    assert t.first_order == pytest.approx(-300.03, rel=1e-12)
    assert t.second_order == pytest.approx(450.00045, rel=1e-12)
    assert t.predicted == pytest.approx(149.97045, rel=1e-12)
    assert t.threshold == pytest.approx(20002 / 1000001, rel=1e-12)
    # f is quadratic, so the prediction is exact: f(1, 1) = 50.5, f(0.97, −2) = 200.47045
    f = l06.surface_objective("ill-conditioned ½(x² + 100y²)")
    assert f.value([0.97, -2.0]) - f.value([1.0, 1.0]) == pytest.approx(t.predicted, rel=1e-12)


def test_taylor_threshold_is_infinite_without_positive_curvature():
    # Saddle x² − y² at (0.1, 1): g = (0.2, −2), H = diag(2, −2), gᵀHg = 0.08 − 8 < 0.
    t = l06.taylor_terms(np.array([0.2, -2.0]), np.diag([2.0, -2.0]), 0.1)
    assert math.isinf(t.threshold)
    assert t.second_order < 0
    with pytest.raises(CourseLibError, match="shape"):
        l06.taylor_terms(np.ones(2), np.eye(3), 0.1)


def test_surface_plot_draws_the_eigen_directions_and_the_step():
    fig = l06.plot_surface("ill-conditioned ½(x² + 100y²)", 1.0, 1.0, 0.03)
    art = fig._l06
    # eigenvectors of diag(1, 100): the x axis (λ = 1) and the y axis (λ = 100)
    np.testing.assert_allclose(np.abs(np.diff(art["eig0"].get_xdata())), 2 * l06.SURFACE_SEGMENT)
    np.testing.assert_allclose(np.abs(np.diff(art["eig1"].get_ydata())), 2 * l06.SURFACE_SEGMENT)
    np.testing.assert_allclose(art["step"].get_xydata()[-1], [0.97, -2.0], rtol=1e-12)
    assert art["thr"].get_xdata()[0] == pytest.approx(20002 / 1000001)
    assert "rises" in art["title2"].get_text()
    saddle = l06.plot_surface("saddle x² − y²", 0.5, 0.3, 0.1)._l06
    colors = {saddle["eig0"].get_color(), saddle["eig1"].get_color()}
    assert colors == {"C0", "C3"}  # one positive, one negative curvature
    with pytest.raises(CourseLibError, match="surface must be one of"):
        l06.plot_surface("bowl")


@pytest.mark.parametrize("surface", list(l06.SURFACES))
def test_surface_grid_is_the_objective(surface):
    gx, gy, z = l06.surface_grid(surface, n=21)
    f = l06.surface_objective(surface)
    for i, j in ((0, 0), (3, 17), (10, 10), (20, 5)):
        assert z[i, j] == pytest.approx(f.value([gx[i, j], gy[i, j]]), rel=1e-12, abs=1e-12)


# --- vanishing and exploding gradients -----------------------------------------------------


def test_matrix_power_figure_follows_the_eigenvalues():
    # W = [[0.5, 1], [0, 1.5]]: eigenvector (1, 0) for 0.5, so ‖Wᵗ(1, 0)‖ = 0.5ᵗ.
    fig = l06.plot_matrix_powers(t_max=10)
    first = fig.axes[0].lines[0]
    np.testing.assert_allclose(first.get_ydata(), 0.5 ** np.arange(11), rtol=1e-12)
    W10 = np.linalg.matrix_power(l06.MATRIX_POWER_W, 10)
    np.testing.assert_allclose(W10, [[0.5**10, 1.5**10 - 0.5**10], [0.0, 1.5**10]], rtol=1e-12)


def test_error_terms_match_pytorch_autograd():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    sizes = (4, 5, 3, 2)  # n_0 .. n_3: W[k] has shape (n_k, n_{k−1})
    Ws = [rng.normal(size=(sizes[k + 1], sizes[k])) for k in range(3)]
    z0 = rng.normal(size=4)
    r = rng.normal(size=2)
    tw = [torch.tensor(W, requires_grad=False) for W in Ws]
    z = torch.tensor(z0, requires_grad=True)
    xs = []
    for k, W in enumerate(tw):
        x = W @ z
        x.retain_grad()
        xs.append(x)
        z = torch.tanh(x) if k < 2 else x
    loss = (torch.tensor(r) * xs[-1]).sum()
    loss.backward()
    # δ is linear in δ[L], so feeding ∂L/∂x[L] gives ∂L/∂x[k] for every layer
    deltas = l06.error_terms(r, Ws, [xs[0].detach().numpy(), xs[1].detach().numpy()],
                             lambda x: 1 - np.tanh(x) ** 2)
    for d, x in zip(deltas, xs, strict=True):
        np.testing.assert_allclose(d, x.grad.numpy(), rtol=1e-12)


def test_error_terms_shrink_by_a_quarter_per_sigmoid_layer():
    # 10 hidden sigmoid layers of one unit, weights 1, inputs 0: each step multiplies by
    # σ'(0) = 1/4, so δ[1] = 0.25¹⁰ δ[11] (seed 004's vanishing chain).
    from course_lib.activations import sigmoid_derivative

    deltas = l06.error_terms(np.ones(1), [np.ones((1, 1))] * 11, [np.zeros(1)] * 10,
                             sigmoid_derivative)
    assert deltas[0][0] == pytest.approx(0.25**10, rel=1e-12)
    with pytest.raises(CourseLibError, match="pre_activations"):
        l06.error_terms(np.ones(1), [np.ones((1, 1))] * 3, [np.zeros(1)], sigmoid_derivative)


def test_depth_signal_matches_pytorch_on_a_small_network():
    torch = pytest.importorskip("torch")
    Z, X, R = l06._depth_draws()
    std = l06.init_std("He N(0, 2/n_in)")
    depth = 4
    Ws = [torch.tensor(std * Z[k], requires_grad=True) for k in range(depth)]
    h = torch.tensor(X)
    for k, W in enumerate(Ws):
        h = h @ W
        if k < depth - 1:
            h = torch.nn.functional.elu(h)
    loss = (torch.tensor(R) * h).sum() / X.shape[0]
    loss.backward()
    expected = [float(W.grad.norm()) for W in Ws]
    sig = l06.depth_signal("elu", "He N(0, 2/n_in)", depth)
    np.testing.assert_allclose(sig.grad_norm, expected, rtol=1e-10)
    assert sig.input_std[0] == pytest.approx(float(np.std(X @ (std * Z[0]))), rel=1e-12)


def test_init_std_uses_the_xavier_and_he_variances():
    # 64 units in and out: Xavier 2/(64 + 64) = 1/64, He 2/64 = 1/32.
    assert l06.init_std("Xavier N(0, 2/(n_in+n_out))") == pytest.approx(1 / 8)
    assert l06.init_std("He N(0, 2/n_in)") == pytest.approx(math.sqrt(1 / 32))
    assert l06.init_std("fixed N(0, 0.01²)") == 0.01
    with pytest.raises(CourseLibError, match="init must be one of"):
        l06.init_std("lecun")


def test_depth_signal_vanishes_and_explodes_where_it_should():
    def ratio(activation, init, depth):
        g = l06.depth_signal(activation, init, depth).grad_norm
        return g[0] / g[-1]

    # saturated sigmoids (σ' ≤ 1/4): the gradient shrinks towards the input
    assert ratio("sigmoid", "fixed N(0, 1)", 30) < 0.1
    # tiny weights: each layer multiplies the forward signal and the backward error by about
    # √64 · 0.01 = 0.08, so ∂L/∂W[k] = z[k−1]ᵀδ[k] ~ 0.08^(k−1) · 0.08^(L−k): every layer's
    # gradient is about 0.08^19 ≈ 1e-21, the top layer's too (its input has died out)
    tiny = l06.depth_signal("tanh", "fixed N(0, 0.01²)", 20)
    assert tiny.grad_norm.max() < 1e-15
    assert tiny.input_std[-1] < 1e-15 * tiny.input_std[0]
    # ReLU with He keeps the signal: within a factor 10 over 50 layers
    assert 0.1 < ratio("relu", "He N(0, 2/n_in)", 50) < 10
    # ReLU with N(0, 1): each layer multiplies the forward spread by about √32
    std = l06.depth_signal("relu", "fixed N(0, 1)", 10).input_std
    assert std[-1] / std[0] > 1e5
    with pytest.raises(CourseLibError, match="depth must be at most"):
        l06.depth_signal("relu", "He N(0, 2/n_in)", 51)


def test_depth_plot_shows_the_computed_norms():
    fig = l06.plot_depth("tanh", "Xavier N(0, 2/(n_in+n_out))", 8)
    sig = l06.depth_signal("tanh", "Xavier N(0, 2/(n_in+n_out))", 8)
    np.testing.assert_allclose(fig._l06["grad"].get_ydata(), sig.grad_norm)
    np.testing.assert_allclose(fig._l06["grad"].get_xdata(), np.arange(1, 9))


# --- the cliff and clipping ---------------------------------------------------------------


def test_cliff_gradient_and_hessian_match_central_differences():
    from course_lib.gradcheck import numerical_gradient

    f = l06.cliff_objective()
    for w in ([-1.0, 0.5], [0.45, -0.1], [0.6, 0.0]):  # far, near and on the wall
        w = np.array(w)
        num = numerical_gradient(f.value, w.copy(), h=1e-6)
        np.testing.assert_allclose(f.gradient(w), num, rtol=1e-5, atol=1e-6)
        num_h = np.array([(f.gradient(w + e) - f.gradient(w - e)) / 2e-6
                          for e in 1e-6 * np.eye(2)])
        np.testing.assert_allclose(f.hessian(w), num_h, rtol=1e-4, atol=1e-3)
    # beyond the wall the slope is h = 30 along n (plus the valley's own small gradient)
    w = l06.CLIFF_NORMAL * 2.0
    g = f.gradient(w) - l06.CLIFF_CURVATURE * (w - l06.CLIFF_CENTER)
    np.testing.assert_allclose(g, 30.0 * l06.CLIFF_NORMAL, rtol=1e-9)


def test_clipping_bounds_every_step_of_the_cliff_runs():
    lr, threshold = 0.2, 1.0
    runs = l06.cliff_runs(lr, threshold)
    steps = {m: np.diff(p, axis=0) for m, p in runs.items()}
    # clip by norm: ‖Δw‖ = ε‖clip(g)‖ ≤ ε·threshold; by value: every |Δwᵢ| ≤ ε·threshold
    assert np.linalg.norm(steps["clip by norm"], axis=1).max() <= lr * threshold + 1e-12
    assert np.abs(steps["clip by value"]).max() <= lr * threshold + 1e-12
    # without clipping the wall catapults the point: a step 20 times longer
    assert np.linalg.norm(steps["no clipping"], axis=1).max() > 20 * lr * threshold
    np.testing.assert_array_equal(runs["no clipping"][0], l06.CLIFF_START)
    with pytest.raises(CourseLibError, match="threshold must be > 0"):
        l06.cliff_runs(0.1, 0.0)


def test_clipping_figure_by_hand():
    # g = (3, 4), ‖g‖ = 5, threshold 2: by norm (1.2, 1.6); by value (2, 2)
    fig = l06.plot_clipping((3.0, 4.0), 2.0)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "by norm: (1.2, 1.6)" in labels
    assert "by value: (2, 2)" in labels


# --- static figures and helpers --------------------------------------------------------------


def test_activation_figure_draws_the_derivatives():
    fig = l06.plot_activations()
    ax = fig.axes[1]
    lines = {line.get_label(): line for line in ax.lines}
    x = lines["sigmoid"].get_xdata()
    i0 = int(np.argmin(np.abs(x)))
    assert x[i0] == 0.0
    assert lines["sigmoid"].get_ydata()[i0] == pytest.approx(0.25)
    assert lines["tanh"].get_ydata()[i0] == pytest.approx(1.0)
    # softplus' = σ (seed 004, 3.2 item 1(d)): the same curve as σ itself
    sig = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(lines["softplus"].get_ydata(), sig, rtol=1e-12)
    left = {line.get_label(): line for line in fig.axes[0].lines}
    np.testing.assert_allclose(left["leaky ReLU (α = 0.1)"].get_ydata(),
                               np.where(x >= 0, x, 0.1 * x))


def test_critical_points_and_saddle_fraction_figures():
    fig = l06.plot_critical_points_1d()
    assert len(fig.axes[0].get_legend().get_texts()) == 2
    assert len(fig.axes[1].get_legend().get_texts()) == 3
    fig = l06.plot_saddle_fraction(np.random.default_rng(0), dims=(1, 2, 3), n_samples=500)
    y = fig.axes[0].lines[0].get_ydata()
    assert y[0] > y[1] > y[2] > 0


def test_safe_norm_does_not_overflow():
    assert l06.safe_norm(np.array([3e200, 4e200])) == pytest.approx(5e200)
    assert l06.safe_norm(np.zeros(3)) == 0.0
    assert l06.safe_norm(np.array([[1.0, 2.0], [2.0, 4.0]])) == pytest.approx(5.0)
