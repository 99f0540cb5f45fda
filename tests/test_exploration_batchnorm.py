"""Lesson 05's explorers: they draw what they claim, with numbers that come from course_lib.

Every curve is compared with an independent call of course_lib's training loop or
network (or, for the batch-norm pre-activations, with the fact that a normalised unit
has standard deviation sqrt(σ²/(σ²+ε)) ≈ 1), not with the explorer's own helpers.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import CourseLibError, data, optim
from course_lib.explorations import l05_batchnorm as l05
from course_lib.mlp import MLPConfig, forward, init_params, loss_and_grads
from course_lib.training import train
from course_lib.widgets import all_explorers


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _lines(ax) -> dict[str, np.ndarray]:
    return {line.get_label(): np.asarray(line.get_ydata(), float) for line in ax.get_lines()}


def _train_independently(activation: str, batchnorm: bool, lr: float) -> np.ndarray:
    # The setup the module documents: two moons (128, noise 0.1, default_rng(0)), 8 hidden
    # layers of 10 units, W ~ N(0, 0.1²) from default_rng(1), SGD for 15 epochs of
    # batches of 32 shuffled by default_rng(2).
    config = MLPConfig(sizes=(2,) + (10,) * 8 + (2,), activation=activation,
                       batchnorm=batchnorm, init="normal", init_std=0.1)
    moons = data.two_moons(np.random.default_rng(0), 128, noise=0.1)
    result = train(config, init_params(config, np.random.default_rng(1)), moons, None,
                   optim.SGD(lr=lr), epochs=15, batch_size=32, rng=np.random.default_rng(2))
    return result.history.train_loss


def test_both_explorers_are_registered_for_lesson_05():
    explorers = all_explorers()
    for name in ("l05_batchnorm.training_curves", "l05_batchnorm.signal_through_depth"):
        assert explorers[name].lesson == "05_batch_norm"


def test_learning_rates_snap_to_the_grid_on_a_log_scale():
    assert l05.nearest_learning_rate(0.1) == 0.1
    assert l05.nearest_learning_rate(0.05) == pytest.approx(10**-1.5)  # log10: −1.30
    assert l05.nearest_learning_rate(0.07) == 0.1                       # log10: −1.15
    assert l05.nearest_learning_rate(1e-4) == 0.01
    assert l05.nearest_learning_rate(50.0) == 1.0


def test_training_curves_are_course_lib_runs():
    fig = l05.plot_training(lr=0.1, activation="tanh")
    left, right = fig.axes
    curves = _lines(left)
    expected_bn = _train_independently("tanh", True, 0.1)
    np.testing.assert_allclose(curves["with batch norm"], expected_bn, rtol=1e-12)
    assert curves["without batch norm"].shape == (15,)
    # the right panel ends each curve at the last epoch of the left one
    finals = _lines(right)
    assert finals["with batch norm"][l05.LEARNING_RATES.index(0.1)] == pytest.approx(
        expected_bn[-1], rel=1e-12)
    assert left.get_xlabel() == "epoch" and "learning rate" in right.get_xlabel()
    assert "chance level ln 2" in curves
    assert curves["chance level ln 2"][0] == pytest.approx(math.log(2.0))


def test_batch_norm_trains_the_deep_sigmoid_network_and_plain_sgd_does_not():
    # The claim the lesson makes from this figure (seed 004, 3.5 item 3(c)).
    with_bn = l05.final_losses("sigmoid", True)
    without = l05.final_losses("sigmoid", False)
    assert (without > 0.69).all()               # never leaves chance level ln 2 ≈ 0.693
    assert (with_bn < 0.62).all() and with_bn.min() < 0.4


@pytest.mark.parametrize("show, labels", [("on", {"with batch norm"}),
                                          ("off", {"without batch norm"}),
                                          ("on and off", {"with batch norm",
                                                          "without batch norm"})])
def test_the_batchnorm_control_selects_the_runs(show, labels):
    fig = l05.plot_training(lr=1.0, activation="relu", batchnorm=show)
    drawn = set(_lines(fig.axes[0])) - {"chance level ln 2"}
    assert drawn == labels


def test_a_diverged_run_is_reported_not_drawn(monkeypatch):
    run = l05.training_run("relu", True, 100.0)   # SGD with η = 100 overflows
    assert run.diverged and run.train_loss.size == 0
    grid = dict(l05.training_grid())
    grid[("relu", True, 1.0)] = run._replace(lr=1.0)
    monkeypatch.setattr(l05, "training_grid", lambda: grid)
    fig = l05.plot_training(lr=1.0, activation="relu")
    left, right = fig.axes
    assert "with batch norm" not in _lines(left)
    assert any("diverged" in t.get_text() for t in left.texts)
    assert "diverged (with BN)" in _lines(right)


def test_lr_sweep_has_one_panel_per_activation():
    fig = l05.plot_lr_sweep()
    assert [ax.get_title() for ax in fig.axes] == list(l05.ACTIVATIONS)
    for ax, activation in zip(fig.axes, l05.ACTIVATIONS, strict=True):
        lines = _lines(ax)
        np.testing.assert_array_equal(lines["with batch norm"], l05.final_losses(activation, True))


@pytest.mark.parametrize("init_std", [0.01, 0.1, 10**0.5])
@pytest.mark.parametrize("activation", l05.ACTIVATIONS)
def test_signal_plot_draws_course_lib_numbers(init_std, activation):
    fig = l05.plot_signal(init_std=init_std, activation=activation)
    left, right = fig.axes
    spread, rel = _lines(left), _lines(right)
    config = MLPConfig(sizes=(2,) + (32,) * 10 + (2,), activation=activation,
                       init="normal", init_std=init_std)
    params = init_params(config, np.random.default_rng(4))
    X, y = data.two_moons(np.random.default_rng(3), 256, noise=0.1)
    # With batch norm (γ = 1, β = 0 at initialisation) unit j of a layer has mean 0 and
    # variance σ²_j/(σ²_j + ε): about 1, less when σ²_j is not much larger than ε.
    # In the first layer σ²_j is the variance of X W1; deeper, the batch variances that
    # course_lib's forward pass records.
    v = (X @ params["W1"]).var(axis=0)
    assert spread["with batch norm"][0] == pytest.approx(np.sqrt(np.mean(v / (v + 1e-5))),
                                                         rel=1e-9)
    bn_config = MLPConfig(sizes=config.sizes, activation=activation, batchnorm=True,
                          init="normal", init_std=init_std)
    _, caches, _ = forward(init_params(bn_config, np.random.default_rng(4)), X, bn_config,
                           train=True)
    expected = [np.sqrt(np.mean(c.batchnorm.var / (c.batchnorm.var + 1e-5)))
                for c in caches[:-1]]
    np.testing.assert_allclose(spread["with batch norm"], expected, rtol=1e-9)
    assert (spread["with batch norm"] > 0.85).all()
    # Without: the first layer's pre-activation is X W1 (biases start at 0).
    assert spread["without batch norm"][0] == pytest.approx((X @ params["W1"]).std(), rel=1e-12)
    _, grads, _ = loss_and_grads(params, X, y, config)
    expected = [np.linalg.norm(grads[f"W{k}"]) / np.linalg.norm(params[f"W{k}"])
                for k in range(1, 12)]
    np.testing.assert_allclose(rel["without batch norm"], expected, rtol=1e-12)
    assert left.get_yscale() == right.get_yscale() == "log"


def test_without_batch_norm_the_sigmoid_gradient_vanishes_towards_the_input():
    s_off = l05.depth_signal(0.1, "sigmoid", False)
    s_on = l05.depth_signal(0.1, "sigmoid", True)
    off_span = s_off.relative_gradient.max() / s_off.relative_gradient.min()
    on_span = s_on.relative_gradient.max() / s_on.relative_gradient.min()
    assert off_span > 1e6 and on_span < 1e3


def test_bad_arguments_name_the_problem():
    with pytest.raises(CourseLibError, match="activation must be one of"):
        l05.plot_training(activation="softmax")
    with pytest.raises(CourseLibError, match="batchnorm must be one of"):
        l05.plot_training(batchnorm="maybe")
    with pytest.raises(CourseLibError, match="lr must be > 0"):
        l05.plot_training(lr=-0.1)
    with pytest.raises(CourseLibError, match="init_std must be > 0"):
        l05.plot_signal(init_std=0.0)
