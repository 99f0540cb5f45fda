r"""Lesson 04 (dropout): the figures and widget explorations of the notebook.

Every number drawn here comes from course_lib (:mod:`course_lib.dropout`,
:mod:`course_lib.dropout_theory`, :mod:`course_lib.mlp`, :mod:`course_lib.training`);
this module only arranges and plots it. Four explorers are registered
(lesson ``"04_dropout"``):

- ``l04_dropout.thinned_networks``: the sub-networks that a few training steps of dropout
  train (seed 001, "(b) After applying dropout"; seed 004, 3.6 item 8b);
- ``l04_dropout.schemes``: the distribution of a unit's training pre-activation over all
  masks, its mean and the test-time value, for both schemes (seed 004, 3.6 item 9);
- ``l04_dropout.rate_vs_error``: the dropout rate against the training and validation error
  of a small network on two moons; the curves for a grid of rates are computed once
  (:func:`rate_experiment`, cached) so that moving the slider only redraws;
- ``l04_dropout.baldi_monte_carlo``: the Monte-Carlo average of dropout gradients
  converging to Baldi's closed form :math:`\partial E_N/\partial w_i + w_ip_i(1-p_i)I_i^2`
  (seed 001, "Understanding Dropout, Baldi, NIPS2013").

Each explorer redraws its figure in place when a slider moves (``update_*``: new data,
labels and limits, no new axes); each plot function draws the frame and calls the same
update, so an updated figure is what a fresh one would be. The other public functions
draw the notebook's static figures. Keep probabilities are
written ``p_keep`` (seed 001's :math:`p`) and dropout rates ``p_drop`` (seed 004's
:math:`p`), as everywhere in course_lib.
"""

# ruff: noqa: E741  (the inputs are called I, as on seed 001's slides)

from __future__ import annotations

import functools
import itertools
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, NullLocator

from course_lib import data, optim
from course_lib._validation import CourseLibError, check_int, check_real
from course_lib.dropout import (
    dropconnect_forward,
    dropout_forward,
    dropout_mask,
    gaussian_dropout_forward,
    gaussian_sigma,
    keep_probability,
)
from course_lib.dropout_theory import (
    baldi_closed_form,
    ensemble_gradient,
    expected_dropout_gradient_exact,
    expected_dropout_gradient_mc,
    regularization_strength,
)
from course_lib.mlp import MLPConfig, evaluate, forward, init_params
from course_lib.training import train
from course_lib.widgets import Control, Explorer, artists_by_gid, register, relabel_artist

LESSON = "04_dropout"

# The linear unit of seed 001's Baldi slides, as in course_lib.examples (seed_001.BALDI_*).
BALDI_W = (1.0, -2.0, 0.5)
BALDI_I = (0.5, 1.0, 2.0)
BALDI_T = 1.0

# The unit of seed 004, 3.6 item 9 (course_lib.examples "004-dropout-test-scaling").
SCHEME_W = (1.0, 2.0, 3.0, 4.0)

RATE_GRID = tuple(round(0.1 * k, 1) for k in range(10))
"""The dropout rates :func:`rate_experiment` trains a network for: 0.0, 0.1, ..., 0.9."""


def _p_drop(value: object, name: str = "p_drop") -> float:
    """A dropout rate in [0, 1) (1 would drop every unit)."""
    value = check_real(name, value)
    if not 0.0 <= value < 1.0:
        raise CourseLibError(f"{name} must lie in [0, 1), got {value}")
    return value


def _few_ticks(ax, nx: int = 5, ny: int = 5) -> None:
    """At most ``nx``/``ny`` major ticks and no minor ones: each tick label is a text to
    lay out and render, which is most of the cost of redrawing an explorer's figure.

    For the same reason the explorers' titles are set with ``y=1.0``: a title placed by
    hand skips matplotlib's search, on every draw, for tick labels above the axes (there
    are none, so the title lands where it would anyway).
    """
    ax.xaxis.set_major_locator(MaxNLocator(nx))
    ax.yaxis.set_major_locator(MaxNLocator(ny))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_locator(NullLocator())


# ----------------------------------------------------------------------------------------
# thinned networks


def _layer_positions(sizes: tuple[int, ...]) -> list[np.ndarray]:
    """(x, y) of every unit: layer k at x = k, each layer centred vertically."""
    middle = (max(sizes) - 1) / 2
    return [np.column_stack([np.full(n, float(k)), middle + (n - 1) / 2 - np.arange(n)])
            for k, n in enumerate(sizes)]


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


_KEPT_RGBA, _DROPPED_FACE, _DROPPED_EDGE = ((0.12, 0.47, 0.71, 1.0), (1.0, 1.0, 1.0, 1.0),
                                            (0.6, 0.6, 0.6, 1.0))


def _draw_network(ax, sizes: tuple[int, ...], masks: list[np.ndarray], title: str,
                  layer_names: bool = False) -> None:
    """Units as circles (hollow when dropped), edges drawn strong between kept units only.

    One collection per kind of artist: a redraw costs a few artists, not a hundred lines.
    :func:`_set_network` changes the masks in place.
    """
    ax.add_collection(LineCollection([], colors="0.9", linewidths=0.5, zorder=1, gid="dead"))
    ax.add_collection(LineCollection([], colors="tab:blue", linewidths=0.9, zorder=1,
                                     gid="alive"))
    xy = np.concatenate(_layer_positions(sizes))
    ax.scatter(xy[:, 0], xy[:, 1], s=150, zorder=2, linewidths=1.2, gid="units")
    if layer_names:
        names = ["input"] + [f"hidden {k}" for k in range(1, len(sizes) - 1)] + ["output"]
        for k, name in enumerate(names):
            ax.text(k, -0.9, name, ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-1.6, max(sizes) - 0.4)
    ax.set_axis_off()
    _set_network(ax, sizes, masks, title)


def _set_network(ax, sizes: tuple[int, ...], masks: list[np.ndarray], title: str) -> None:
    """Show the keep ``masks`` on a network drawn by :func:`_draw_network`."""
    pos = _layer_positions(sizes)
    alive, dead = [], []
    for k in range(len(sizes) - 1):
        for i, j in itertools.product(range(sizes[k]), range(sizes[k + 1])):
            edge = (pos[k][i], pos[k + 1][j])
            (alive if masks[k][i] and masks[k + 1][j] else dead).append(edge)
    art = artists_by_gid(ax)
    art["dead"].set_segments(dead)
    art["alive"].set_segments(alive)
    kept = np.concatenate(masks).astype(bool)[:, None]
    art["units"].set_facecolors(np.where(kept, _KEPT_RGBA, _DROPPED_FACE))
    art["units"].set_edgecolors(np.where(kept, _KEPT_RGBA, _DROPPED_EDGE))
    ax.set_title(title, fontsize=10, y=1.0)  # y given: see _few_ticks


_NETWORK_SIZES = (4, 6, 6, 2)


def plot_thinned_networks(p_drop: float = 0.5, p_drop_input: float = 0.2,
                          step: int = 0) -> Figure:
    r"""The full network and the thinned sub-networks of three consecutive training steps.

    Each step draws a fresh keep mask (:func:`course_lib.dropout.dropout_mask`): hidden
    units are dropped with probability ``p_drop``, inputs with ``p_drop_input`` (seed 001:
    input layer :math:`p > 0.8` kept, hidden :math:`p = 0.5`, output always kept). Steps
    ``step``, ``step + 1``, ``step + 2`` use the generators ``default_rng(step + k)``.
    Dropped units are hollow; the edges of a dropped unit are pale (not trained this step).
    :func:`update_thinned_networks` draws the masks into the networks drawn here.
    """
    _p_drop(p_drop)
    _p_drop(p_drop_input, "p_drop_input")
    check_int("step", step)
    sizes = _NETWORK_SIZES
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.3))
    full = [np.ones(n) for n in sizes]
    _draw_network(axes[0], sizes, full, "the full network (test time)", layer_names=True)
    for ax in axes[1:]:
        _draw_network(ax, sizes, full, "")
    # fixed margins: tight_layout would cost more than the whole drawing of a redraw
    fig.subplots_adjust(left=0.01, right=0.99, top=0.82, bottom=0.02, wspace=0.04)
    update_thinned_networks(fig, p_drop, p_drop_input, step)
    return fig


def update_thinned_networks(fig: Figure, p_drop: float = 0.5, p_drop_input: float = 0.2,
                            step: int = 0) -> None:
    """Redraw a figure of :func:`plot_thinned_networks` in place for new slider values."""
    p_drop = _p_drop(p_drop)
    p_drop_input = _p_drop(p_drop_input, "p_drop_input")
    step = check_int("step", step)
    sizes = _NETWORK_SIZES
    n_droppable = sum(sizes[:-1])
    for k, ax in enumerate(fig.axes[1:4]):
        rng = np.random.default_rng(step + k)
        masks = [dropout_mask(rng, sizes[0], p_drop=p_drop_input)]
        masks += [dropout_mask(rng, n, p_drop=p_drop) for n in sizes[1:-1]]
        masks.append(np.ones(sizes[-1]))
        kept = int(sum(m.sum() for m in masks[:-1]))
        _set_network(ax, sizes, masks, f"training step {step + k + 1}: "
                                       f"{kept} of {n_droppable} units kept")
    count = str(n_droppable).translate(_SUPERSCRIPT)
    fig.suptitle(f"Each step trains one of 2{count} = {2 ** n_droppable:,} sub-networks "
                 f"(hollow = dropped; hidden p_drop = {p_drop:.2f}, input p_drop = "
                 f"{p_drop_input:.2f})", fontsize=11)


# ----------------------------------------------------------------------------------------
# training and test schemes on one unit


class SchemeDistribution(NamedTuple):
    """Every training pre-activation of one unit, its probability, mean and test value."""

    values: np.ndarray
    probabilities: np.ndarray
    mean: float
    test_value: float


def scheme_distribution(p_drop: float, scheme: str,
                        w: tuple[float, ...] = SCHEME_W) -> SchemeDistribution:
    r"""The pre-activation :math:`z = \sum_i w_i\,\text{dropout}(x)_i` of a unit with inputs
    :math:`x_i = 1`, over all :math:`2^n` masks, by :func:`course_lib.dropout.dropout_forward`.

    The test value is its eval-mode output. With ``scheme="scale_at_test"`` this is seed
    004's method (a) (multiply by the keep probability after training); with
    ``"inverted"``, method (b). Both have mean = test value.
    """
    w_arr = np.asarray(w, dtype=np.float64)
    x = np.ones_like(w_arr)
    keep = keep_probability(p_drop=p_drop)
    values, probs = [], []
    for bits in itertools.product((0.0, 1.0), repeat=w_arr.size):
        mask = np.array(bits)
        out, _ = dropout_forward(x, p_drop=p_drop, train=True, scheme=scheme, mask=mask)
        values.append(float(w_arr @ out))
        probs.append(float(np.prod(np.where(mask == 1.0, keep, 1.0 - keep))))
    values_arr, probs_arr = np.array(values), np.array(probs)
    test, _ = dropout_forward(x, p_drop=p_drop, train=False, scheme=scheme)
    return SchemeDistribution(values_arr, probs_arr, float(probs_arr @ values_arr),
                              float(w_arr @ test))


_SCHEMES = (("scale_at_test", "(a) scale at test (seed 001; seed 004 (a))"),
            ("inverted", "(b) inverted dropout (seed 004 (b), PyTorch)"))


def plot_schemes(p_drop: float = 0.5) -> Figure:
    """The two schemes of seed 004 (3.6 item 9) on the unit with weights (1, 2, 3, 4).

    :func:`update_schemes` fills in the frame drawn here.
    """
    _p_drop(p_drop)
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), sharey=True)
    for ax in axes:
        ax.vlines([0.0], 0, [0.0], color="tab:blue", lw=3, gid="bars",
                  label="P(z) in training (16 masks)")
        ax.axvline(0.0, color="tab:orange", lw=3, gid="mean", label="training mean E[z]")
        ax.axvline(0.0, color="k", ls="--", lw=1.5, gid="test", label="test-time z")
        ax.set_xlabel("pre-activation z = Σᵢ wᵢ · dropout(x)ᵢ")
        _few_ticks(ax, 6, 4)
    axes[1].legend(fontsize=8, loc="upper center", ncol=3)
    fig.subplots_adjust(left=0.06, right=0.99, top=0.85, bottom=0.15, wspace=0.05)
    update_schemes(fig, p_drop)
    return fig


def update_schemes(fig: Figure, p_drop: float = 0.5) -> None:
    """Redraw a figure of :func:`plot_schemes` in place for a new ``p_drop``."""
    p_drop = _p_drop(p_drop)
    axes = fig.axes[:2]
    for ax, (scheme, title) in zip(axes, _SCHEMES, strict=True):
        dist = scheme_distribution(p_drop, scheme)
        values, index = np.unique(np.round(dist.values, 12), return_inverse=True)
        probs = np.bincount(index, weights=dist.probabilities)
        art = artists_by_gid(ax)
        art["bars"].set_segments([[(v, 0.0), (v, q)] for v, q in zip(values, probs,
                                                                     strict=True)])
        art["mean"].set_xdata([dist.mean, dist.mean])
        art["test"].set_xdata([dist.test_value, dist.test_value])
        ax.set_title(f"{title}\nE[z] = {dist.mean:.3g}, test z = {dist.test_value:.3g}",
                     fontsize=10, y=1.0)
        ax.set_ylim(0.0, 1.45 * float(probs.max()))  # room for the legend above the bars
        # x follows the values, as in a fresh plot. relim skips the bars (vlines adds its
        # extent once, by hand, and leaves the collection out of relim), so add them back.
        ax.relim()
        ax.update_datalim(np.column_stack([np.concatenate([values, values]),
                                           np.concatenate([np.zeros_like(probs), probs])]))
        ax.autoscale_view()
    axes[0].set_ylabel(f"probability (p_drop = {p_drop:.2f})")


# ----------------------------------------------------------------------------------------
# the ensemble view: weight scaling = normalized geometric mean of all sub-networks


class EnsembleAverages(NamedTuple):
    """P(class 1) along a line of inputs, for every way of averaging the sub-networks."""

    x1: np.ndarray
    weight_scaling: np.ndarray
    geometric_mean: np.ndarray
    arithmetic_mean: np.ndarray
    some_subnetworks: np.ndarray
    n_subnetworks: int


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@functools.cache
def ensemble_averages(hidden: int = 8, p_drop: float = 0.5) -> EnsembleAverages:
    r"""Weight scaling against averaging all :math:`2^{\text{hidden}}` sub-networks.

    A network with one hidden layer of ``hidden`` units and a softmax output is trained
    briefly with dropout on two moons (:func:`course_lib.training.train`); then, along the
    line :math:`x_2 = 0.25`, its eval-mode output (the weight-scaling rule) is compared
    with the average over every keep mask of the hidden layer, each weighted by its
    probability (:func:`course_lib.mlp.forward` with those masks): the arithmetic mean of
    the sub-networks' probabilities and their normalized geometric mean. For one hidden
    layer the logits are linear in the mask, so the geometric mean is *exactly* the weight
    scaling rule (Goodfellow et al., section 7.12, the text behind seed 001).
    """
    hidden = check_int("hidden", hidden, minimum=1)
    if hidden > 12:
        raise CourseLibError(f"hidden must be at most 12 (2^hidden sub-networks), got {hidden}")
    rng = np.random.default_rng(3)
    X, y = data.two_moons(rng, 200, noise=0.2)
    config = MLPConfig(sizes=(2, hidden, 2), p_drop=p_drop)
    params = train(config, init_params(config, np.random.default_rng(0)), (X, y), None,
                   optim.Adam(lr=0.02), epochs=150, batch_size=200,
                   rng=np.random.default_rng(1)).params
    x1 = np.linspace(-1.5, 2.5, 81)
    line = np.column_stack([x1, np.full_like(x1, 0.25)])
    eval_out, _, _ = forward(params, line, config, train=False)
    keep = keep_probability(p_drop=p_drop)
    masks = np.array(list(itertools.product((0.0, 1.0), repeat=hidden)))
    weights = np.prod(np.where(masks == 1.0, keep, 1.0 - keep), axis=1)
    n_masks, n_points = masks.shape[0], x1.size
    rep = np.tile(line, (n_masks, 1))
    rep_masks = np.repeat(masks, n_points, axis=0)
    logits, _, _ = forward(params, rep, config, train=True, masks=(rep_masks,))
    logits = logits.reshape(n_masks, n_points, 2)
    probs = _softmax(logits)
    arithmetic = np.einsum("m,mnk->nk", weights, probs)
    log_geo = np.einsum("m,mnk->nk", weights, np.log(probs))
    geometric = _softmax(log_geo)  # renormalized: exp of the mean log, divided by its sum
    pick = np.random.default_rng(2).choice(n_masks, size=12, replace=False)
    return EnsembleAverages(x1, _softmax(eval_out)[:, 1], geometric[:, 1], arithmetic[:, 1],
                            probs[pick, :, 1], n_masks)


def plot_ensemble_averages(hidden: int = 8, p_drop: float = 0.5) -> Figure:
    """:func:`ensemble_averages` drawn: the three averages and a few sub-networks."""
    avg = ensemble_averages(hidden, p_drop)
    fig, ax = plt.subplots(figsize=(8, 4))
    for k, row in enumerate(avg.some_subnetworks):
        ax.plot(avg.x1, row, color="0.75", lw=0.8,
                label="a few of the sub-networks" if k == 0 else None)
    ax.plot(avg.x1, avg.arithmetic_mean, color="tab:green", lw=2.5,
            label=f"arithmetic mean of all {avg.n_subnetworks}")
    ax.plot(avg.x1, avg.geometric_mean, color="tab:orange", lw=4, alpha=0.6,
            label=f"normalized geometric mean of all {avg.n_subnetworks}")
    ax.plot(avg.x1, avg.weight_scaling, "k--", lw=1.5,
            label="one pass of the full network (weight scaling)")
    ax.set_xlabel("input x₁ (with x₂ = 0.25)")
    ax.set_ylabel("P(class 1)")
    ax.set_title(f"The ensemble view: {avg.n_subnetworks} sub-networks, one forward pass "
                 f"(p_drop = {p_drop:g})", fontsize=11)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------
# dropout rate against training and validation error (precomputed)


class RateRun(NamedTuple):
    """One network trained with dropout rate ``p_drop`` (all numbers in eval mode)."""

    p_drop: float
    train_error: float
    val_error: float
    train_loss: float
    val_loss: float
    epochs: np.ndarray
    train_objective: np.ndarray
    val_epochs: np.ndarray
    val_loss_curve: np.ndarray
    grid_proba: np.ndarray


class RateExperiment(NamedTuple):
    """The data, the evaluation grid and one :class:`RateRun` per rate of ``rates``."""

    train_set: data.Dataset
    val_set: data.Dataset
    grid_x: np.ndarray
    grid_y: np.ndarray
    runs: tuple[RateRun, ...]
    config_text: str

    @property
    def rates(self) -> np.ndarray:
        return np.array([r.p_drop for r in self.runs])

    def nearest(self, p_drop: float) -> RateRun:
        """The run whose rate is closest to ``p_drop`` (the slider may fall between)."""
        return self.runs[int(np.argmin(np.abs(self.rates - p_drop)))]


@functools.cache
def rate_experiment(rates: tuple[float, ...] = RATE_GRID, epochs: int = 200,
                    hidden: int = 64) -> RateExperiment:
    r"""Train the same network once per dropout rate and keep everything the plot needs.

    Two moons (noise 0.3, ``course_lib.data.two_moons`` with ``default_rng(3)``): 50
    training and 500 validation examples. The network is ``(2, hidden, hidden, 2)`` with
    ReLU, dropout with rate ``p_drop`` on both hidden layers (inverted scheme), softmax
    cross-entropy, Adam (lr 0.01), full batch, ``epochs`` epochs, the same initial
    weights for every rate (``default_rng(1)``) and no early stopping: the last weights
    are evaluated. Cached, so a slider only redraws. About 1-2 s for the default grid.
    """
    rates = tuple(_p_drop(r, "rates[i]") for r in rates)
    if not rates:
        raise CourseLibError("rates must hold at least one dropout rate")
    epochs = check_int("epochs", epochs, minimum=1)
    hidden = check_int("hidden", hidden, minimum=1)
    X, y = data.two_moons(np.random.default_rng(3), 550, noise=0.3)
    train_set, val_set = data.Dataset(X[:50], y[:50]), data.Dataset(X[50:], y[50:])
    gx, gy = np.meshgrid(np.linspace(-2.0, 3.0, 70), np.linspace(-1.5, 2.0, 50))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    eval_every = 10 if epochs % 10 == 0 else 1
    # The matrices are tiny (50 × 64): BLAS threads only add overhead, and on a busy
    # machine they make training several times slower. threadpoolctl ships with sklearn.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        runs = tuple(_train_at_rate(p, train_set, val_set, grid, gx.shape, epochs, hidden,
                                    eval_every) for p in rates)
    text = (f"(2, {hidden}, {hidden}, 2) ReLU net, Adam, {epochs} full-batch epochs, "
            "50 training / 500 validation points")
    return RateExperiment(train_set, val_set, gx, gy, runs, text)


def _train_at_rate(p: float, train_set: data.Dataset, val_set: data.Dataset, grid: np.ndarray,
                   grid_shape: tuple[int, ...], epochs: int, hidden: int,
                   eval_every: int) -> RateRun:
    """One run of :func:`rate_experiment`."""
    config = MLPConfig(sizes=(2, hidden, hidden, 2), p_drop=p)
    result = train(config, init_params(config, np.random.default_rng(1)), train_set,
                   val_set, optim.Adam(lr=0.01), epochs=epochs, batch_size=50,
                   rng=np.random.default_rng(2), eval_every=eval_every,
                   restore_best=False)
    tr = evaluate(result.params, *train_set, config)
    va = evaluate(result.params, *val_set, config)
    out, _, _ = forward(result.params, grid, config, train=False)
    return RateRun(p, 1.0 - tr.metric, 1.0 - va.metric, tr.loss, va.loss,
                   result.history.epochs, result.history.train_loss,
                   result.history.val_epochs, result.history.val_loss,
                   _softmax(out)[:, 1].reshape(grid_shape))


def plot_rate_vs_error(p_drop: float = 0.5) -> Figure:
    r"""Dropout rate against training and validation error, and the decision boundary of
    the network trained with the rate nearest ``p_drop``.

    The numbers come from :func:`rate_experiment` (computed once): a redraw only plots,
    and :func:`update_rate_vs_error` only changes what depends on ``p_drop``.
    """
    _p_drop(p_drop)
    exp = rate_experiment()
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    ax = axes[0]
    ax.plot(exp.rates, [r.train_error for r in exp.runs], "o-", label="training error")
    ax.plot(exp.rates, [r.val_error for r in exp.runs], "s-", label="validation error")
    ax.axvline(exp.rates[0], color="k", ls=":", lw=1.2, gid="rate", label="p_drop")
    ax.set_xlabel("dropout rate p_drop (seed 004's p) on both hidden layers")
    ax.set_ylabel("classification error (eval mode)")
    _few_ticks(ax, 4, 4)
    ax.set_title(exp.config_text, fontsize=9, y=1.0)
    ax.legend(fontsize=8)

    ax = axes[1]
    ax.imshow(exp.runs[0].grid_proba, origin="lower", cmap="RdBu_r", alpha=0.45, vmin=0,
              vmax=1, aspect="auto", extent=(exp.grid_x.min(), exp.grid_x.max(),
                                             exp.grid_y.min(), exp.grid_y.max()), gid="proba")
    X, y = exp.train_set
    ax.scatter(X[:, 0], X[:, 1], c=np.where(y == 1, "tab:red", "tab:blue"), edgecolors="k",
               s=28)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    _few_ticks(ax, 4, 4)
    fig.subplots_adjust(left=0.06, right=0.99, top=0.88, bottom=0.12, wspace=0.18)
    update_rate_vs_error(fig, p_drop)
    return fig


def update_rate_vs_error(fig: Figure, p_drop: float = 0.5) -> None:
    """Redraw a figure of :func:`plot_rate_vs_error` for a new ``p_drop``.

    The image and the marker change in place; the decision boundary (a contour) is drawn
    again.
    """
    p_drop = _p_drop(p_drop)
    exp = rate_experiment()
    run = exp.nearest(p_drop)
    left, right = fig.axes[:2]
    marker = artists_by_gid(left)["rate"]
    marker.set_xdata([run.p_drop, run.p_drop])
    relabel_artist(left, marker, f"p_drop = {run.p_drop:.1f}")
    art = artists_by_gid(right)
    art["proba"].set_data(run.grid_proba)
    if "boundary" in art:
        art["boundary"].remove()
    right.contour(exp.grid_x, exp.grid_y, run.grid_proba, levels=[0.5], colors="k",
                  linewidths=1.5).set_gid("boundary")
    right.set_title(f"p_drop = {run.p_drop:.1f}: training error {run.train_error:.2f}, "
                    f"validation error {run.val_error:.2f}\n(colour: P(class 1); line: the "
                    "decision boundary; dots: the 50 training points)", fontsize=9, y=1.0)


def plot_learning_curves(rates: tuple[float, ...] = (0.0, 0.5)) -> Figure:
    """Training objective (with dropout noise) and validation loss per epoch, for the runs
    of :func:`rate_experiment` nearest each of ``rates``."""
    exp = rate_experiment()
    fig, ax = plt.subplots(figsize=(8, 4))
    for p, color in zip(rates, itertools.cycle(("tab:gray", "tab:orange", "tab:green")),
                        strict=False):
        run = exp.nearest(_p_drop(p))
        ax.plot(run.epochs, run.train_objective, color=color, lw=0.8,
                label=f"training loss (train mode), p_drop = {run.p_drop:.1f}")
        ax.plot(run.val_epochs, run.val_loss_curve, color=color, ls="--", lw=2,
                label=f"validation loss (eval mode), p_drop = {run.p_drop:.1f}")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy")
    ax.set_title("Learning curves of " + exp.config_text, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------
# Baldi's expected gradient, by Monte Carlo


N_GRID = tuple(int(n) for n in np.round(np.logspace(1, 5, 9)))
"""Sample sizes 10 ... 100 000 of the convergence curve."""


class Convergence(NamedTuple):
    """Monte-Carlo estimates of the expected dropout gradient for each ``n`` of ``n``."""

    n: np.ndarray
    max_error: np.ndarray
    max_stderr: np.ndarray


@functools.cache
def baldi_convergence(p_keep: float) -> Convergence:
    r"""For each sample size of :data:`N_GRID`: the largest :math:`|\text{MC} - \text{closed
    form}|` over the weights, and the largest standard error the estimate reports
    (:func:`course_lib.dropout_theory.expected_dropout_gradient_mc` with ``default_rng(n)``,
    on seed 001's unit). Cached per ``p_keep``.
    """
    w, I = np.array(BALDI_W), np.array(BALDI_I)
    exact = baldi_closed_form(w, I, BALDI_T, p_keep=p_keep)
    errors, stderrs = [], []
    for n in N_GRID:
        mc = expected_dropout_gradient_mc(w, I, BALDI_T, p_keep=p_keep, n_samples=n,
                                          rng=np.random.default_rng(n))
        errors.append(float(np.max(np.abs(mc.mean - exact))))
        stderrs.append(float(np.max(mc.stderr)))
    return Convergence(np.array(N_GRID), np.array(errors), np.array(stderrs))


def _power_of_ten(value: float) -> str:
    """``10⁻³`` for 0.001: plain text, because mathtext labels are parsed on every redraw."""
    exponent = str(round(np.log10(value))).replace("-", "⁻").translate(_SUPERSCRIPT)
    return "10" + exponent


def _baldi_args(n_samples: float, p_keep: float) -> tuple[int, float]:
    n_samples = max(2, round(check_real("n_samples", n_samples)))
    p_keep = check_real("p_keep", p_keep)
    if not 0.0 < p_keep <= 1.0:
        raise CourseLibError(f"p_keep must lie in (0, 1], got {p_keep}")
    return n_samples, p_keep


_BALDI_LOW, _BALDI_HIGH = 1e-5, 10.0
"""The error axis of the convergence panel (fixed: no rescaling on a redraw)."""


def plot_baldi_monte_carlo(n_samples: int = 1000, p_keep: float = 0.5) -> Figure:
    r"""The average of ``n_samples`` dropout gradients against Baldi's closed form.

    Left: per weight of seed 001's unit (:math:`w = (1, -2, 0.5)`, :math:`I = (0.5, 1, 2)`,
    :math:`t = 1`, every input kept with probability ``p_keep``), the ensemble gradient
    :math:`\partial E_N/\partial w_i`, the closed form (ensemble gradient plus the
    weight-decay term), the exact expectation over all 8 masks, and the Monte-Carlo mean
    with ±2 standard errors. Right: the error of the Monte-Carlo mean against the number
    of samples, which falls like :math:`1/\sqrt{n}`. :func:`update_baldi_monte_carlo`
    fills in the frame drawn here.
    """
    _baldi_args(n_samples, p_keep)
    w, I = np.array(BALDI_W), np.array(BALDI_I)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
    ax = axes[0]
    idx = np.arange(3)
    zeros = np.zeros(3)
    ax.bar(idx - 0.2, zeros, width=0.35, color="0.75", gid="ensemble",
           label="∂E_N/∂wᵢ (full network)")
    ax.bar(idx + 0.2, zeros, width=0.35, color="tab:blue", alpha=0.6, gid="closed",
           label="∂E_N/∂wᵢ + wᵢpᵢ(1−pᵢ)Iᵢ² (Baldi)")
    ax.plot(idx + 0.2, zeros, "kx", ms=10, mew=2, gid="exact",
            label="exact E[∂E_D/∂wᵢ] (all 8 masks)")
    ax.errorbar(idx + 0.2, zeros, yerr=zeros, fmt="o", color="tab:red", capsize=4,
                label="Monte Carlo")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xticks(idx, [f"w{i + 1} = {w[i]:g}, I{i + 1} = {I[i]:g}" for i in idx])
    ax.set_ylabel("gradient")
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.legend(fontsize=8)

    ax = axes[1]
    # At p_keep = 1 every mask keeps everything, so the error is exactly 0: drawn on the
    # bottom edge. Fixed limits, every other decade labelled and no minor ticks keep a
    # redraw cheap.
    ones = np.ones(len(N_GRID))
    ax.loglog(N_GRID, ones, "o-", gid="error", label="max |Monte Carlo − closed form|")
    ax.loglog(N_GRID, ones, "--", gid="stderr", label="max standard error reported (∝ 1/√n)")
    ax.axvline(N_GRID[0], color="k", ls=":", lw=1.2, gid="n", label="n")
    ax.set_ylim(_BALDI_LOW, _BALDI_HIGH)
    for axis, ticks in ((ax.xaxis, 10.0 ** np.arange(1, 6)),
                        (ax.yaxis, 10.0 ** np.arange(-5, 2, 2))):
        axis.set_ticks(ticks, [_power_of_ten(t) for t in ticks])
        axis.set_minor_locator(NullLocator())
    ax.set_xlabel("number of dropout masks n")
    ax.set_ylabel("error (largest over the 3 weights)")
    ax.set_title("The Monte-Carlo average converges to the closed form", fontsize=10, y=1.0)
    ax.legend(fontsize=8, loc="upper right")
    fig.subplots_adjust(left=0.07, right=0.99, top=0.92, bottom=0.12, wspace=0.2)
    update_baldi_monte_carlo(fig, n_samples, p_keep)
    return fig


def update_baldi_monte_carlo(fig: Figure, n_samples: int = 1000, p_keep: float = 0.5) -> None:
    """Redraw a figure of :func:`plot_baldi_monte_carlo` in place for new slider values."""
    n_samples, p_keep = _baldi_args(n_samples, p_keep)
    w, I = np.array(BALDI_W), np.array(BALDI_I)
    ens = ensemble_gradient(w, I, BALDI_T, p_keep=p_keep)
    closed = baldi_closed_form(w, I, BALDI_T, p_keep=p_keep)
    exact = expected_dropout_gradient_exact(w, I, BALDI_T, p_keep=p_keep)
    mc = expected_dropout_gradient_mc(w, I, BALDI_T, p_keep=p_keep, n_samples=n_samples,
                                      rng=np.random.default_rng(0))
    left, right = fig.axes[:2]
    for gid, heights in (("ensemble", ens), ("closed", closed)):
        bars = [p for p in left.patches if p.get_gid() == gid]
        for bar, height in zip(bars, heights, strict=True):
            bar.set_height(height)
    artists_by_gid(left)["exact"].set_ydata(exact)
    # the error bars in place: the marker line, the two rows of caps and the bars
    (errorbar,) = [c for c in left.containers if isinstance(c, ErrorbarContainer)]
    points, caps, (bars,) = errorbar
    low, high = mc.mean - 2 * mc.stderr, mc.mean + 2 * mc.stderr
    points.set_ydata(mc.mean)
    for cap, ends in zip(caps, (low, high), strict=True):
        cap.set_ydata(ends)
    x = points.get_xdata()
    bars.set_segments([[(xi, lo), (xi, hi)] for xi, lo, hi in zip(x, low, high, strict=True)])
    label = f"mean of {n_samples} dropout gradients ± 2 s.e."
    for text in left.get_legend().get_texts():
        if text.get_text() == errorbar.get_label():
            text.set_text(label)
    errorbar.set_label(label)
    left.set_title(f"Expected dropout gradient, p_keep = {p_keep:.2f}", fontsize=10, y=1.0)
    # the gradients set the y range, as in a fresh plot (the caps stand for the bars,
    # which relim leaves out)
    left.relim()
    left.autoscale_view()

    conv = baldi_convergence(p_keep)
    art = artists_by_gid(right)
    art["error"].set_ydata(np.clip(conv.max_error, _BALDI_LOW, _BALDI_HIGH))
    art["stderr"].set_ydata(np.clip(conv.max_stderr, _BALDI_LOW, _BALDI_HIGH))
    art["n"].set_xdata([n_samples, n_samples])
    relabel_artist(right, art["n"], f"n = {n_samples}")
    right.relim()
    right.autoscale_view()


def plot_penalty_strength() -> Figure:
    r"""The weight :math:`p(1-p)` of Baldi's penalty against the keep probability."""
    p = np.linspace(0.0, 1.0, 201)
    strength = np.array([regularization_strength(p_keep=v) for v in p])
    fig, ax = plt.subplots(figsize=(6.5, 3.6))
    ax.plot(p, strength, lw=2, label="Var(δ) = p(1 − p)")
    for v, text in ((0.5, "hidden layer, p = 0.5"), (0.8, "input layer, p = 0.8"),
                    (1.0, "output layer, p = 1")):
        s = regularization_strength(p_keep=v)
        ax.plot(v, s, "o", ms=7, label=f"{text}: {s:.2f}")
    ax.set_xlabel("keep probability p (seed 001's p)")
    ax.set_ylabel("penalty weight p(1 − p)")
    ax.set_title("Dropout's L2 penalty is strongest at p = 0.5", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------------------
# variations: Gaussian dropout and DropConnect


def plot_gaussian_vs_bernoulli(p_drop: float = 0.5, n: int = 20000) -> Figure:
    r"""The multiplier of inverted Bernoulli dropout (:math:`m/p_\text{keep}`) and of
    multiplicative Gaussian dropout with the same mean 1 and variance
    :math:`p_\text{drop}/p_\text{keep}` (:func:`course_lib.dropout.gaussian_sigma`), each
    sampled ``n`` times through its layer on an input of ones (``default_rng(0)``).
    """
    p_drop = _p_drop(p_drop)
    n = check_int("n", n, minimum=2)
    ones = np.ones(n)
    bern, _ = dropout_forward(ones, p_drop=p_drop, train=True, scheme="inverted",
                              rng=np.random.default_rng(0))
    sigma = gaussian_sigma(p_drop=p_drop)
    gauss, _ = gaussian_dropout_forward(ones, sigma=sigma, train=True,
                                        rng=np.random.default_rng(0))
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.hist(gauss, bins=80, density=True, color="tab:orange", alpha=0.6,
            label=f"Gaussian δ ~ N(1, σ²), σ = {sigma:.3g}: mean {gauss.mean():.3f}, "
                  f"var {gauss.var():.3f}")
    values, counts = np.unique(bern, return_counts=True)
    ax2 = ax.twinx()
    ax2.vlines(values, 0, counts / n, color="tab:blue", lw=3)
    ax2.plot(values, counts / n, "o", color="tab:blue",
             label=f"Bernoulli m / p_keep: mean {bern.mean():.3f}, var {bern.var():.3f}")
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel("probability (Bernoulli)")
    ax.set_ylabel("density (Gaussian)")
    ax.set_xlabel("the factor a unit's activation is multiplied by in training")
    ax.set_title(f"Same mean and variance (p_drop = {p_drop:g}): Gaussian dropout "
                 f"σ² = p_drop / p_keep = {sigma ** 2:.3g}", fontsize=10)
    lines = ax.get_legend_handles_labels()
    more = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def plot_dropout_vs_dropconnect(p_drop: float = 0.5, seed: int = 2) -> Figure:
    r"""Which weights of a ``(6, 4)`` layer one training step uses: dropout on the 6 inputs
    zeroes whole rows of :math:`W`; DropConnect (Wan et al. 2013) zeroes single entries.

    The effective weights are the layer's own: ``x * mask`` for dropout
    (:func:`course_lib.dropout.dropout_forward`) and the cache of
    :func:`course_lib.dropout.dropconnect_forward`, both in the scale-at-test scheme so
    that a kept weight keeps its value.
    """
    p_drop = _p_drop(p_drop)
    seed = check_int("seed", seed)
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(6, 4))
    unit_mask = dropout_mask(rng, 6, p_drop=p_drop)
    kept_inputs, _ = dropout_forward(np.ones(6), p_drop=p_drop, train=True,
                                     scheme="scale_at_test", mask=unit_mask)
    dropout_w = kept_inputs[:, None] * W  # x ⊙ m feeding W is W with the dropped rows zeroed
    _, cache = dropconnect_forward(np.ones((1, 6)), W, np.zeros(4), p_drop=p_drop, train=True,
                                   scheme="scale_at_test", rng=rng)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6))
    limit = float(np.abs(W).max())
    for ax, M, title in zip(axes, (W, dropout_w, cache.effective_w), (
            "W (test time)", "dropout on the inputs:\nwhole rows dropped",
            "DropConnect:\nsingle weights dropped"), strict=True):
        image = ax.imshow(M, cmap="RdBu_r", vmin=-limit, vmax=limit)
        zero = np.argwhere(M == 0.0)
        ax.plot(zero[:, 1], zero[:, 0], "kx", ms=8)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("output unit j")
        ax.set_ylabel("input unit i")
    fig.colorbar(image, ax=axes, shrink=0.8, label="weight w_ij used in this step")
    return fig


# ----------------------------------------------------------------------------------------
# the registered explorers

THINNED_NETWORKS = register(Explorer(
    name="l04_dropout.thinned_networks",
    lesson=LESSON,
    plot=plot_thinned_networks,
    update=update_thinned_networks,
    controls=(
        Control("p_drop", 0.5, 0.0, 0.9, 0.05, description="hidden p_drop"),
        Control("p_drop_input", 0.2, 0.0, 0.9, 0.05, description="input p_drop"),
        Control("step", 0, 0, 30, 1, description="step"),
    ),
    source="seed 001, 'Regularization – Dropout' (training phase); seed 004, 3.6 item 8(b)",
))

SCHEMES = register(Explorer(
    name="l04_dropout.schemes",
    lesson=LESSON,
    plot=plot_schemes,
    update=update_schemes,
    controls=(Control("p_drop", 0.5, 0.0, 0.9, 0.05, description="p_drop"),),
    source="seed 004, 3.6 item 9; seed 001, 'Test Phase'",
))

RATE_VS_ERROR = register(Explorer(
    name="l04_dropout.rate_vs_error",
    lesson=LESSON,
    plot=plot_rate_vs_error,
    update=update_rate_vs_error,
    controls=(Control("p_drop", 0.5, 0.0, 0.9, 0.1, description="p_drop"),),
    source="seed 004, 3.6 items 3-4 (the dropout rate); course_lib.mlp, course_lib.training",
))

BALDI_MONTE_CARLO = register(Explorer(
    name="l04_dropout.baldi_monte_carlo",
    lesson=LESSON,
    plot=plot_baldi_monte_carlo,
    update=update_baldi_monte_carlo,
    controls=(
        Control("n_samples", 1000, 1, 5, 0.25, description="masks n", log=True),
        Control("p_keep", 0.5, 0.05, 1.0, 0.05, description="p_keep"),
    ),
    source="seed 001, 'Understanding Dropout, Baldi, NIPS2013'",
))
