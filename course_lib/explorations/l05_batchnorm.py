r"""Lesson 05 explorations: batch norm on and off in a deep narrow network.

Two explorers, both built on :mod:`course_lib.mlp` and :mod:`course_lib.training`:

- ``l05_batchnorm.training_curves``: the training loss of a deep narrow network (8 hidden
  layers of 10 units, a careless :math:`\mathcal N(0, 0.1^2)` initialisation) trained by
  plain SGD with and without batch norm, for a learning rate :math:`\eta` and an activation
  (sigmoid, tanh, ReLU). Seed 001 ("Batch Normalization", other benefits: "higher learning
  rate", "may use saturating active function") and seed 004 (3.5 item 3(c): BN reduces
  the vanishing gradient problem "even when saturating activation functions such as the
  sigmoid and hyperbolic tangent functions are used without relying on carefully designed
  weight initialisation"). Every run of the small grid (3 activations x 2 x 5 learning
  rates, about 3 s in all) is computed once, on first use, and cached: moving a slider
  only redraws.
- ``l05_batchnorm.signal_through_depth``: at initialisation, the spread of each hidden
  layer's pre-activation (the input of :math:`g`) and the relative size of each layer's
  weight gradient, with and without batch norm, against the initialisation scale.

The plotting functions are pure: same arguments, same figure. Each explorer redraws its
figure in place when a slider moves (:func:`update_training`, :func:`update_signal`: no
new axes); each plot function draws the frame and calls the same update, so an updated
figure is what a fresh one would be.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from course_lib import data, optim
from course_lib._validation import CourseLibError, check_choice, check_positive
from course_lib.mlp import MLPConfig, forward, init_params, loss_and_grads
from course_lib.training import train
from course_lib.widgets import Control, Explorer, register

ACTIVATIONS = ("sigmoid", "tanh", "relu")
"""The activations the explorers compare (two saturating, one not)."""

LEARNING_RATES = tuple(float(10.0**e) for e in (-2.0, -1.5, -1.0, -0.5, 0.0))
"""The grid of SGD learning rates, half a decade apart (0.01 ... 1)."""

DEPTH, WIDTH = 8, 10
"""The deep narrow network of the training explorer: 8 hidden layers of 10 units."""

INIT_STD = 0.1
"""The careless initialisation W ~ N(0, 0.1²) (no Xavier or He scaling)."""

EPOCHS, BATCH_SIZE, N_TRAIN = 15, 32, 128

SHOW = ("on and off", "on", "off")
"""Which runs :func:`plot_training` draws."""

SIGNAL_DEPTH, SIGNAL_WIDTH, SIGNAL_BATCH = 10, 32, 256


def _check_activation(activation: object) -> str:
    return check_choice("activation", activation, ACTIVATIONS)


# ----------------------------------------------------------------------------------------
# training runs


class TrainingRun(NamedTuple):
    """One run of the grid: per-epoch training loss, or ``diverged`` (then loss is empty)."""

    activation: str
    batchnorm: bool
    lr: float
    train_loss: np.ndarray
    diverged: bool


def deep_narrow_config(activation: str, batchnorm: bool) -> MLPConfig:
    """The network of the training explorer (two-moons input, 2 classes)."""
    return MLPConfig(sizes=(2,) + (WIDTH,) * DEPTH + (2,), activation=_check_activation(
        activation), batchnorm=bool(batchnorm), init="normal", init_std=INIT_STD)


@functools.cache
def _moons() -> data.Dataset:
    return data.two_moons(np.random.default_rng(0), N_TRAIN, noise=0.1)


def nearest_learning_rate(lr: float) -> float:
    """The grid's learning rate closest to ``lr`` on a log scale."""
    lr = check_positive("lr", lr)
    return min(LEARNING_RATES, key=lambda g: abs(math.log10(g) - math.log10(lr)))


@functools.cache
def training_run(activation: str, batchnorm: bool, lr: float) -> TrainingRun:
    """Train the deep narrow network with SGD(``lr``) for :data:`EPOCHS` epochs (cached).

    The initial weights (``default_rng(1)``), the data and the minibatch order
    (``default_rng(2)``) are the same for every run, so two runs differ only in what the
    arguments say.
    """
    config = deep_narrow_config(activation, batchnorm)
    lr = check_positive("lr", lr)
    params0 = init_params(config, np.random.default_rng(1))
    try:
        result = train(config, params0, _moons(), None, optim.SGD(lr=lr), epochs=EPOCHS,
                       batch_size=BATCH_SIZE, rng=np.random.default_rng(2))
    except CourseLibError as err:
        if "diverged" not in str(err):
            raise
        return TrainingRun(activation, bool(batchnorm), lr, np.empty(0), True)
    loss = result.history.train_loss
    loss.flags.writeable = False  # shared by the cache
    return TrainingRun(activation, bool(batchnorm), lr, loss, False)


@functools.cache
def training_grid() -> Mapping[tuple[str, bool, float], TrainingRun]:
    """Every run of the grid, keyed ``(activation, batchnorm, lr)``; computed once."""
    return MappingProxyType({(a, bn, lr): training_run(a, bn, lr)
                             for a in ACTIVATIONS for bn in (False, True)
                             for lr in LEARNING_RATES})


def final_losses(activation: str, batchnorm: bool) -> np.ndarray:
    """Last-epoch training loss for each of :data:`LEARNING_RATES` (NaN where it diverged)."""
    grid = training_grid()
    runs = [grid[(_check_activation(activation), bool(batchnorm), lr)] for lr in LEARNING_RATES]
    return np.array([math.nan if r.diverged else float(r.train_loss[-1]) for r in runs])


def _two_panels(sharey: bool = False):
    # Fixed margins rather than a layout engine: constrained layout measures every tick
    # label again on each draw and would double the time of a slider update. For the same
    # reason the figures keep their text (ticks, legends) to what is read, and the titles
    # are set with y=1.0: a title placed by hand skips matplotlib's search, on every draw,
    # for tick labels above the axes (there are none, so it lands where it would anyway).
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=sharey)
    fig.subplots_adjust(left=0.07, right=0.99, bottom=0.13, top=0.92, wspace=0.2)
    return fig, axes


def _log_lr_axis(ax) -> None:
    # Ticks at the grid's learning rates only: minor log ticks cost more to draw than
    # the whole data.
    ax.set_xscale("log")
    ax.set_xticks(LEARNING_RATES, [f"{lr:.2g}" for lr in LEARNING_RATES])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("learning rate η")


def _log_y(ax) -> None:
    # Decades only, plain labels, no minor ticks.
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10.0, numticks=7))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}" if 1e-3 <= v <= 1e3
                                               else f"{v:.0e}"))
    ax.yaxis.set_minor_locator(NullLocator())


def _log_ylim(ax, values: np.ndarray) -> None:
    # At least two decades, so that a flat curve still has labelled ticks.
    positive = values[np.isfinite(values) & (values > 0)]
    lo, hi = (float(positive.min()), float(positive.max())) if positive.size else (1e-3, 1.0)
    centre = math.sqrt(lo * hi)
    span = max(hi / lo, 100.0) ** 0.5 * 1.5
    ax.set_ylim(centre / span, centre * span)


_STYLE = {False: dict(color="C0", linestyle="--", label="without batch norm"),
          True: dict(color="C3", linestyle="-", label="with batch norm")}


def plot_training(lr: float = 0.1, activation: str = "sigmoid",
                  batchnorm: str = "on and off") -> Figure:
    """Loss curves at the grid learning rate nearest ``lr`` (left) and the final loss
    against the learning rate (right), with and/or without batch norm.

    The axes are drawn here and the runs by :func:`update_training` (which alone redraws
    them when a slider moves).
    """
    nearest_learning_rate(lr)
    _check_activation(activation)
    check_choice("batchnorm", batchnorm, SHOW)
    fig, (left, right) = _two_panels(sharey=True)
    chance = math.log(2.0)
    left.set_ylim(0.0, 1.6 * chance)
    left.set_yticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    left.set_ylabel("training loss (cross-entropy)")
    left.set_xticks([1, 5, 10, EPOCHS])
    left.set_xlabel("epoch")
    _log_lr_axis(right)
    right.set_title(f"after {EPOCHS} epochs (vertical line: η on the left)", y=1.0)
    update_training(fig, lr, activation, batchnorm)
    return fig


def update_training(fig: Figure, lr: float = 0.1, activation: str = "sigmoid",
                    batchnorm: str = "on and off") -> None:
    """Draw the runs of a :func:`plot_training` figure for new slider values.

    Which runs are shown changes with the sliders, so the previous lines, notes and
    legends are removed and the new ones drawn; the axes stay. The runs are cached.
    """
    lr = nearest_learning_rate(lr)
    activation = _check_activation(activation)
    check_choice("batchnorm", batchnorm, SHOW)
    shown = {"on and off": (False, True), "on": (True,), "off": (False,)}[batchnorm]
    grid = training_grid()
    left, right = fig.axes[:2]
    for ax in (left, right):
        for artist in [*ax.lines, *ax.texts]:
            artist.remove()
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    chance = math.log(2.0)
    notes = []
    for bn in shown:
        run = grid[(activation, bn, lr)]
        if run.diverged:
            notes.append(f"{_STYLE[bn]['label']}: diverged")
        else:
            left.plot(np.arange(1, run.train_loss.size + 1), run.train_loss, **_STYLE[bn])
        finals = final_losses(activation, bn)
        ok = ~np.isnan(finals)
        right.plot(np.array(LEARNING_RATES)[ok], finals[ok], marker="o", **_STYLE[bn])
        if (~ok).any():
            right.plot(np.array(LEARNING_RATES)[~ok], np.full((~ok).sum(), 1.5 * chance),
                       "x", color=_STYLE[bn]["color"], markersize=9, linestyle="none",
                       label=f"diverged ({'with' if bn else 'without'} BN)")
    for ax in (left, right):
        ax.axhline(chance, color="grey", linewidth=0.8, linestyle=":",
                   label="chance level ln 2")
    left.set_title(f"{activation}, SGD with η = {lr:.2g}", y=1.0)  # y given: see _two_panels
    if notes:
        left.text(0.5, 0.5, "\n".join(notes), transform=left.transAxes, ha="center")
    left.legend(loc="lower left", fontsize=8)
    right.axvline(lr, color="black", linewidth=0.8, label=f"η = {lr:.2g} (left)")
    if any(line.get_label().startswith("diverged") for line in right.get_lines()):
        right.legend(loc="lower left", fontsize=8)
    for ax in (left, right):
        ax.relim()  # the lines changed: the x range as a fresh plot would find it
        ax.autoscale_view()


def plot_lr_sweep() -> Figure:
    """The final training loss against η for every activation, with and without BN."""
    fig, axes = plt.subplots(1, len(ACTIVATIONS), figsize=(12, 3.5), sharey=True,
                             layout="constrained")
    chance = math.log(2.0)
    for ax, activation in zip(axes, ACTIVATIONS, strict=True):
        for bn in (False, True):
            finals = final_losses(activation, bn)
            ok = ~np.isnan(finals)
            ax.plot(np.array(LEARNING_RATES)[ok], finals[ok], marker="o", **_STYLE[bn])
            if (~ok).any():
                ax.plot(np.array(LEARNING_RATES)[~ok], np.full((~ok).sum(), 1.5 * chance),
                        "x", color=_STYLE[bn]["color"], markersize=9, label="diverged")
        ax.axhline(chance, color="grey", linewidth=0.8, linestyle=":", label="chance level ln 2")
        _log_lr_axis(ax)
        ax.set_title(activation)
        ax.set_ylim(0.0, 1.6 * chance)
    axes[0].set_ylabel(f"training loss after {EPOCHS} epochs")
    axes[0].legend(loc="lower left", fontsize=8)
    return fig


# ----------------------------------------------------------------------------------------
# the signal through depth at initialisation


class DepthSignal(NamedTuple):
    """Per hidden layer k: std of the activation's input; per affine layer: ‖∇W_k‖/‖W_k‖."""

    pre_activation_std: np.ndarray
    relative_gradient: np.ndarray


@functools.cache
def _signal_inputs() -> data.Dataset:
    return data.two_moons(np.random.default_rng(3), SIGNAL_BATCH, noise=0.1)


@functools.lru_cache(maxsize=256)
def depth_signal(init_std: float, activation: str, batchnorm: bool) -> DepthSignal:
    r"""One training-mode forward and backward of a freshly initialised deep network.

    :data:`SIGNAL_DEPTH` hidden layers of :data:`SIGNAL_WIDTH` units, weights
    :math:`\mathcal N(0, \text{init\_std}^2)`, one batch of two moons. Returns the standard
    deviation of the input of the activation in each hidden layer (after batch norm when
    it is on) and :math:`\lVert\partial J/\partial W_k\rVert_F / \lVert W_k\rVert_F` for
    every layer: the relative change one SGD step with :math:`\eta = 1` would make.
    """
    init_std = check_positive("init_std", init_std)
    config = MLPConfig(sizes=(2,) + (SIGNAL_WIDTH,) * SIGNAL_DEPTH + (2,),
                       activation=_check_activation(activation), batchnorm=bool(batchnorm),
                       init="normal", init_std=init_std)
    params = init_params(config, np.random.default_rng(4))
    X, y = _signal_inputs()
    _, caches, _ = forward(params, X, config, train=True)
    _, grads, _ = loss_and_grads(params, X, y, config, train=True)
    z_std = np.array([c.activation.x.std() for c in caches[:-1]])
    rel = np.array([np.linalg.norm(grads[f"W{k}"]) / np.linalg.norm(params[f"W{k}"])
                    for k in range(1, config.n_layers + 1)])
    return DepthSignal(z_std, rel)


def plot_signal(init_std: float = 0.1, activation: str = "sigmoid") -> Figure:
    """Pre-activation spread and relative weight gradients per layer, BN off and on.

    :func:`update_signal` fills in the frame drawn here.
    """
    check_positive("init_std", init_std)
    _check_activation(activation)
    fig, (left, right) = _two_panels()
    for bn in (False, True):
        left.plot(np.arange(1, SIGNAL_DEPTH + 1), np.ones(SIGNAL_DEPTH), marker="o",
                  gid=f"spread-{bn}", **_STYLE[bn])
        right.plot(np.arange(1, SIGNAL_DEPTH + 2), np.ones(SIGNAL_DEPTH + 1), marker="o",
                   gid=f"gradient-{bn}", **_STYLE[bn])
    _log_y(left)
    left.set_xlabel("hidden layer k")
    left.set_ylabel("std of the activation's input")
    _log_y(right)
    right.set_xlabel("layer k (the last is the output layer)")
    right.set_ylabel("‖∂J/∂W_k‖ / ‖W_k‖")
    right.set_title("backward signal: relative weight gradient", y=1.0)
    left.set_xticks(range(1, SIGNAL_DEPTH + 1, 2))
    right.set_xticks(range(1, SIGNAL_DEPTH + 2, 2))
    left.legend(fontsize=8)
    update_signal(fig, init_std, activation)
    return fig


def update_signal(fig: Figure, init_std: float = 0.1, activation: str = "sigmoid") -> None:
    """Redraw a figure of :func:`plot_signal` in place for new slider values."""
    signals = [depth_signal(init_std, activation, bn) for bn in (False, True)]
    left, right = fig.axes[:2]
    lines = {line.get_gid(): line for ax in (left, right) for line in ax.get_lines()}
    for bn, s in zip((False, True), signals, strict=True):
        lines[f"spread-{bn}"].set_ydata(s.pre_activation_std)
        lines[f"gradient-{bn}"].set_ydata(s.relative_gradient)
    _log_ylim(left, np.concatenate([s.pre_activation_std for s in signals]))
    _log_ylim(right, np.concatenate([s.relative_gradient for s in signals]))
    left.set_title(f"{activation}, W ~ N(0, {init_std:.3g}²): forward signal", y=1.0)


training_explorer = register(Explorer(
    name="l05_batchnorm.training_curves",
    lesson="05_batch_norm",
    plot=plot_training,
    update=update_training,
    controls=(
        Control("lr", 0.1, -2.0, 0.0, step=0.5, log=True, description="η"),
        Control("activation", "sigmoid", options=ACTIVATIONS, description="activation"),
        Control("batchnorm", "on and off", options=SHOW, description="batch norm"),
    ),
    source="seed 001, 'Batch Normalization' (other benefits); seed 004, 3.5 item 3(c)",
))

signal_explorer = register(Explorer(
    name="l05_batchnorm.signal_through_depth",
    lesson="05_batch_norm",
    plot=plot_signal,
    update=update_signal,
    controls=(
        Control("init_std", 0.1, -2.0, 0.5, step=0.1, log=True, description="init std"),
        Control("activation", "sigmoid", options=ACTIVATIONS, description="activation"),
    ),
    source="seed 004, 3.5 items 1 and 3(c)",
))
