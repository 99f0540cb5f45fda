r"""Lesson 07 (gradient descent, SGD, minibatches, schedules): figures, explorers, references.

Every figure is a pure function of its arguments, drawn from course_lib's reference
implementations (:mod:`course_lib.optim`, :mod:`course_lib.objectives`,
:mod:`course_lib.schedules`, :mod:`course_lib.data`). Three are registered as explorers
(:class:`course_lib.widgets.Explorer`), each with an in-place ``update``:

- ``l07_gradient_descent.gd_1d``: seed 002's ``gd(eta, f_grad)`` on :math:`f(x) = x^2`,
  the iterates on the parabola and the loss against the step, for a learning rate and a
  start point;
- ``l07_gradient_descent.gd_2d``: gradient descent on seed 002's :math:`E(w_1, w_2)` or
  its ellipsoid :math:`0.1x_1^2 + 2x_2^2`, the path on the contours and the loss against
  the step;
- ``l07_gradient_descent.schedules``: the learning-rate schedules of seeds 001 and 002
  against the step, and what each does to SGD with noisy gradients.

The module also holds the small reference implementations the notebook's later cells use
after the exercises: :func:`minibatch_indices`, :func:`minibatch_sgd_epoch` and
:func:`learning_rate_limits`.

Contour lines are computed once per surface and drawn as a single line (NaN-separated),
the noise of the SGD runs is drawn once from a fixed generator, and the figures avoid what
makes matplotlib slow (mathtext, minor log ticks, ``contour`` calls in an update), so a
slider change only recomputes a few short runs and redraws.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from course_lib import data, objectives, optim, schedules
from course_lib._validation import (
    CourseLibError,
    check_array,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
    check_rng,
)
from course_lib.widgets import Control, Explorer, artist_with_gid, register


def _log_axis(ax, ticks, lo: float, hi: float, axis: str = "y") -> None:
    """A fixed log-scale axis with plain labels and no minor ticks (cheap to draw)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    target.set_minor_locator(NullLocator())
    (ax.set_ylim if axis == "y" else ax.set_xlim)(lo, hi)


# --------------------------------------------------------------------------------------
# Reference implementations (used by the notebook after its exercises)
# --------------------------------------------------------------------------------------


def minibatch_indices(order: object, batch_size: int) -> list[np.ndarray]:
    """Split a visiting order into consecutive minibatches, the last one possibly smaller.

    ``order`` is a permutation of the example indices (draw it with
    ``rng.permutation(n)``, once per epoch); batch :math:`t` holds
    ``order[t*s:(t+1)*s]`` for :math:`t = 0, \\dots, \\lceil n/s\\rceil - 1`. Seed 000
    splits :math:`X` into :math:`X_{\\{1\\}}, \\dots, X_{\\{N/s\\}}`; when :math:`s` does
    not divide :math:`N` there are :math:`\\lceil N/s\\rceil` batches and the last holds
    the remaining :math:`N \\bmod s` examples (seed 002's ``range(1, m/batch_size)`` would
    skip one: see example ``002-minibatch-loop-range``). Each batch is a new array.
    """
    order = np.asarray(order)
    if order.ndim != 1 or order.size == 0 or not np.issubdtype(order.dtype, np.integer):
        raise CourseLibError(
            f"order must be a non-empty 1-D array of integer indices (e.g. "
            f"rng.permutation(n)), got {order.dtype} array of shape {order.shape}"
        )
    batch_size = check_int("batch_size", batch_size, minimum=1)
    return [order[start : start + batch_size].copy()
            for start in range(0, order.size, batch_size)]


def _linear_batch_gradient(theta: np.ndarray, Xb: np.ndarray, yb: np.ndarray) -> np.ndarray:
    # ∇ of (1/|B|) Σ ½(xᵢᵀθ − yᵢ)²: the mean over the batch (seeds 001 and 003)
    return Xb.T @ (Xb @ theta - yb) / len(yb)


def minibatch_sgd_epoch(theta: object, X: object, y: object, order: object,
                        batch_size: int, eta: float) -> np.ndarray:
    r"""One epoch of minibatch SGD on linear least squares, in the order given.

    For each batch :math:`B` of :func:`minibatch_indices` (``order``, ``batch_size``), one
    update of :class:`course_lib.optim.SGD`:

    .. math:: \hat g = \frac{1}{|B|}\sum_{i \in B} (x_i^\top\theta - y_i)\,x_i, \qquad
              \theta \leftarrow \theta - \epsilon\,\hat g,

    the gradient of the mean loss :math:`\frac{1}{|B|}\sum_i \tfrac12(x_i^\top\theta -
    y_i)^2` (Goodfellow's Algorithm 8.1, seed 001; seed 003's Algorithm 1). :math:`|B|` is
    the size of *this* batch, so the smaller last batch is averaged over its own size.
    Returns the new :math:`\theta`; the arguments are not modified.
    """
    theta = check_array("theta", theta, ndim=1)
    X = check_array("X", X, ndim=2)
    y = check_array("y", y, ndim=1)
    if X.shape != (y.size, theta.size):
        raise CourseLibError(
            f"X must have shape (len(y), len(theta)) = ({y.size}, {theta.size}), got {X.shape}"
        )
    eta = check_nonnegative("eta", eta)
    opt = optim.SGD(lr=eta)
    params = {"theta": theta}
    state = opt.init(params)
    for idx in minibatch_indices(order, batch_size):
        grads = {"theta": _linear_batch_gradient(params["theta"], X[idx], y[idx])}
        params, state = opt.update(params, grads, state)
    return params["theta"]


class LearningRateLimits(NamedTuple):
    """What the Hessian's eigenvalues say about gradient descent's learning rate."""

    largest: float
    """:math:`2/\\lambda_{\\max}`: gradient descent converges for :math:`0 < \\eta <` this."""
    fastest: float
    """:math:`2/(\\lambda_{\\min} + \\lambda_{\\max})`: the rate with the smallest worst factor."""
    rate: float
    """The worst factor there, :math:`(\\kappa - 1)/(\\kappa + 1)` (:math:`\\kappa` = λmax/λmin)."""


def learning_rate_limits(H: object) -> LearningRateLimits:
    r"""The largest convergent and the fastest learning rate of gradient descent on a quadratic.

    On :math:`f(w) = \tfrac12 (w - w^*)^\top H (w - w^*) + c` a step of gradient descent
    multiplies the component of :math:`w - w^*` along the eigenvector :math:`q_i` of
    :math:`H` by :math:`1 - \eta\lambda_i`. Every component shrinks iff
    :math:`|1 - \eta\lambda_i| < 1` for all :math:`i`, i.e. :math:`\eta < 2/\lambda_{\max}`;
    the worst factor :math:`\max_i |1 - \eta\lambda_i|` is smallest where
    :math:`1 - \eta\lambda_{\min} = \eta\lambda_{\max} - 1`, at
    :math:`\eta = 2/(\lambda_{\min} + \lambda_{\max})`, where it equals
    :math:`(\kappa - 1)/(\kappa + 1)` with :math:`\kappa = \lambda_{\max}/\lambda_{\min}`.
    Seed 002 "EXAMPLE" (:math:`3x^2 + 2y^2 + 4z^2 + 6`, :math:`H = \mathrm{diag}(6, 4, 8)`)
    gives 0.25, 1/6 and 1/3; the slide's 0.33 and 1/8 are errata (examples
    ``002-lr-largest-convergent`` and ``002-lr-fastest``).

    Parameters
    ----------
    H
        A symmetric positive definite ``(n, n)`` matrix (the Hessian).
    """
    H = check_array("H", H, ndim=2)
    if H.shape[0] != H.shape[1]:
        raise CourseLibError(f"H must be a square (n, n) matrix, got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-10, atol=1e-12):
        raise CourseLibError("H must be symmetric (a Hessian is)")
    eig = np.linalg.eigvalsh(H)
    if eig[0] <= 0:
        raise CourseLibError(
            f"H must be positive definite (a quadratic with a unique minimum), but its "
            f"smallest eigenvalue is {eig[0]:.4g}"
        )
    lo, hi = float(eig[0]), float(eig[-1])
    return LearningRateLimits(2.0 / hi, 2.0 / (lo + hi), (hi - lo) / (hi + lo))


# --------------------------------------------------------------------------------------
# Gradient descent runs
# --------------------------------------------------------------------------------------


def gd_iterates(objective: objectives.Objective, eta: float, start: object,
                n_steps: int) -> np.ndarray:
    """The iterates of ``optim.SGD(lr=eta)`` with exact gradients: shape ``(n_steps + 1, dim)``.

    Row 0 is ``start``; seed 002's ``gd(eta, f_grad)`` returns the same list (10 steps
    from :math:`x = 10`).
    """
    if not isinstance(objective, objectives.Objective):
        raise CourseLibError(
            f"objective must be a course_lib.objectives.Objective, got {type(objective).__name__}"
        )
    eta = check_nonnegative("eta", eta)
    n_steps = check_int("n_steps", n_steps)
    traj = optim.run(optim.SGD(lr=eta), objective.grad_fn, objective.params(start), n_steps)
    return traj.stack("x")


def _until(values: np.ndarray, beyond: np.ndarray) -> np.ndarray:
    """``values`` up to and including the first entry where ``beyond`` is True."""
    far = np.flatnonzero(beyond)
    return values if far.size == 0 else values[: far[0] + 1]


def _verdict(factor: float) -> str:
    if factor < 1.0 - 1e-12:
        return "converges"
    if factor <= 1.0 + 1e-12:
        return "neither converges nor diverges"
    return "diverges"


# --------------------------------------------------------------------------------------
# Static figures
# --------------------------------------------------------------------------------------


def plot_gd_examples(etas: tuple[float, ...] = (0.05, 1.1), n_steps: int = 10):
    r"""Seed 002's ``gd(eta = 0.05)`` and ``gd(eta = 1.1)`` on :math:`f(x) = x^2` from 10.

    Left: the iterates on the parabola; right: :math:`x_k` against the step. Each step
    multiplies :math:`x` by :math:`1 - 2\eta`: 0.9 (slow, steady) and −1.2 (oscillating
    and growing).
    """
    f = objectives.square()
    fig, (ax_f, ax_x) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.88, wspace=0.25)
    runs = [gd_iterates(f, eta, 10.0, n_steps)[:, 0] for eta in etas]
    reach = max(12.0, 1.05 * max(float(np.abs(x).max()) for x in runs))
    xs = np.linspace(-reach, reach, 300)
    ax_f.plot(xs, xs**2, color="0.6", lw=1.5, label="f(x) = x²")
    for i, (eta, x) in enumerate(zip(etas, runs, strict=True)):
        color = f"C{i}"
        ax_f.plot(x, x**2, "-o", color=color, ms=4, lw=1, label=f"gd(eta = {eta:g})")
        ax_x.plot(np.arange(n_steps + 1), x, "-o", color=color, ms=4,
                  label=f"η = {eta:g}: factor 1 − 2η = {1 - 2 * eta:+.2f}")
    ax_x.axhline(0.0, color="0.6", lw=0.8)
    ax_f.set_xlabel("x")
    ax_f.set_ylabel("f(x)")
    ax_f.set_title("the iterates on f(x) = x², from x = 10", fontsize=10)
    ax_f.legend(loc="upper center", fontsize=8)
    ax_x.set_xlabel("step k")
    ax_x.set_ylabel("x_k")
    ax_x.set_title(f"x_k against the step ({n_steps} steps, as in gd())", fontsize=10)
    ax_x.legend(loc="upper left", fontsize=8)
    return fig


def plot_rate_factors(curvatures: tuple[float, ...] = (6.0, 4.0, 8.0),
                      names: tuple[str, ...] = ("x", "y", "z")):
    r"""The factor :math:`|1 - \eta h|` per axis against :math:`\eta`, and the worst of them.

    Seed 002's example :math:`3x^2 + 2y^2 + 4z^2 + 6` has second derivatives
    :math:`h = 6, 4, 8`. Marked: the slide's "optimal" 1/8, the fastest rate
    :math:`2/(h_{\min} + h_{\max}) = 1/6`, the edge of divergence :math:`2/h_{\max} = 0.25`
    and the slide's "largest" 0.33.
    """
    h = np.array(curvatures, dtype=np.float64)
    if h.ndim != 1 or h.size != len(names) or np.any(h <= 0):
        raise CourseLibError(
            f"curvatures must be positive numbers, one per name in {names}, got {curvatures}"
        )
    limits = learning_rate_limits(np.diag(h))
    top = max(1.6 * limits.largest, 2.4 / h[0])
    eta = np.linspace(0.0, top, 400)
    factors = np.abs(1.0 - np.outer(eta, h))
    fig, ax = plt.subplots(figsize=(10.0, 4.2))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.9)
    for i, name in enumerate(names):
        ax.plot(eta, factors[:, i], lw=1.2, color=f"C{i}",
                label=f"{name}: |1 − {h[i]:g}η|  (zero at η = 1/{h[i]:g})")
    ax.plot(eta, factors.max(axis=1), color="k", lw=2.5, label="worst axis (sets the speed)")
    ax.axhline(1.0, color="C3", ls="--", lw=1)
    ax.text(0.005, 1.03, "above 1: diverges", color="C3", fontsize=8)
    marks = ((1.0 / h.max(), f"slide's 'optimal' {1.0 / h.max():.3g}", "C7"),
             (limits.fastest, f"fastest {limits.fastest:.3g}", "k"),
             (limits.largest, f"largest {limits.largest:.3g}", "C3"),
             (2.0 / h[0], f"slide: {2.0 / h[0]:.2f}", "C1"))
    for value, text, color in marks:
        ax.axvline(value, color=color, ls=":", lw=1.2)
        ax.text(value + 0.005, 1.65, text, rotation=90, va="top", fontsize=8, color=color)
    ax.set_xlim(0.0, top)
    ax.set_ylim(0.0, 1.7)
    ax.set_xlabel("learning rate η")
    ax.set_ylabel("factor per step |1 − ηh|")
    ax.set_title("each step multiplies the error along an axis by 1 − ηh", fontsize=10)
    ax.legend(loc="lower left", fontsize=8)
    return fig


D2L_CURVATURES = np.array([2.0, 4.0])
"""Second derivatives of seed 002's (d2l's) SGD objective :math:`x_1^2 + 2x_2^2`."""
D2L_START = np.array([-5.0, -2.0])


def noisy_sgd_rms(lr: object, noise: object, start: object = D2L_START,
                  curvatures: object = D2L_CURVATURES) -> np.ndarray:
    r"""Root-mean-square distance to the minimum of SGD with noisy gradients, per step.

    Seed 002 "STOCHASTIC GRADIENT DESCENT": the gradient of
    :math:`\sum_i \tfrac{h_i}{2} x_i^2` (by default :math:`x_1^2 + 2x_2^2`) plus noise,
    :math:`g = h \odot x + \xi`. ``noise`` has shape ``(n_steps, n_chains, dim)``: chain
    :math:`c` at step :math:`k` gets ``noise[k, c]`` (pass it in, drawn from your own
    generator, so the runs are reproducible). All chains start at ``start`` and take
    :class:`course_lib.optim.SGD` steps with ``lr`` (a number or a schedule). Returns
    :math:`\sqrt{\operatorname{mean}_c \lVert x_k^{(c)}\rVert^2}` for
    :math:`k = 0, \dots, n_\text{steps}`.
    """
    noise = check_array("noise", noise, ndim=3)
    h = check_array("curvatures", curvatures, ndim=1)
    start = check_array("start", start, ndim=1)
    if not (noise.shape[2] == h.size == start.size):
        raise CourseLibError(
            f"noise must have shape (n_steps, n_chains, {h.size}) to match the {h.size} "
            f"curvatures and the start, got {noise.shape}"
        )
    draws = iter(noise)

    def grad_fn(params):
        return {"x": h * params["x"] + next(draws)}

    x0 = {"x": np.tile(start, (noise.shape[1], 1))}
    traj = optim.run(optim.SGD(lr=lr), grad_fn, x0, noise.shape[0])
    xs = traj.stack("x")
    return np.sqrt((xs**2).sum(axis=2).mean(axis=1))


def noise_floor(eta: float, sigma: float = 1.0, curvatures: object = D2L_CURVATURES) -> float:
    r"""The stationary root-mean-square distance of constant-rate SGD from the minimum.

    Along an axis of curvature :math:`h` the step is :math:`x \leftarrow (1 - \eta h)x -
    \eta\xi` with :math:`\operatorname{Var}\xi = \sigma^2`, so the variance settles at
    :math:`v = \eta^2\sigma^2 / (1 - (1 - \eta h)^2)`; summed over the axes and square-rooted.
    For :math:`\eta = 0.1` on :math:`x_1^2 + 2x_2^2`: :math:`\sqrt{1/36 + 1/64} \approx 0.21`
    (example ``002-sgd-noise-floor``). Requires :math:`0 < \eta < 2/h_{\max}`.
    """
    eta = check_positive("eta", eta)
    sigma = check_nonnegative("sigma", sigma)
    h = check_array("curvatures", curvatures, ndim=1)
    factor = 1.0 - eta * h
    if np.any(np.abs(factor) >= 1.0):
        raise CourseLibError(
            f"eta = {eta} does not converge on curvatures {h.tolist()} (needs eta < "
            f"{2.0 / h.max():.4g}): there is no stationary spread"
        )
    return float(np.sqrt(np.sum(eta**2 * sigma**2 / (1.0 - factor**2))))


def plot_noise_floor(rng: np.random.Generator, etas: tuple[float, ...] = (0.1, 0.03, 0.01),
                     n_steps: int = 300, n_chains: int = 200):
    r"""SGD with unit gradient noise on :math:`x_1^2 + 2x_2^2`: the noise floor of each rate.

    Each curve is :func:`noisy_sgd_rms` over ``n_chains`` runs from (−5, −2); the dashed
    line is :func:`noise_floor`. A smaller constant rate settles lower but later.
    """
    rng = check_rng(rng)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    n_chains = check_int("n_chains", n_chains, minimum=1)
    noise = rng.standard_normal((n_steps, n_chains, 2))
    fig, ax = plt.subplots(figsize=(10.0, 4.0))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.9)
    steps = np.arange(n_steps + 1)
    for i, eta in enumerate(etas):
        floor = noise_floor(eta)
        ax.plot(steps, noisy_sgd_rms(eta, noise), color=f"C{i}", lw=1.5,
                label=f"η = {eta:g} (mean over {n_chains} runs)")
        ax.axhline(floor, color=f"C{i}", ls="--", lw=1,
                   label=f"predicted floor {floor:.3f}")
    _log_axis(ax, (0.01, 0.03, 0.1, 0.3, 1.0, 3.0), 0.01, 8.0)
    ax.set_xlim(0, n_steps)
    ax.set_xlabel("step k")
    ax.set_ylabel("RMS distance to the minimum")
    ax.set_title("SGD with N(0, 1) gradient noise on x₁² + 2x₂²: a constant rate stops at a "
                 "noise floor ∝ √η", fontsize=10)
    ax.legend(loc="upper right", fontsize=8, ncol=2)
    return fig


class BatchSizeRun(NamedTuple):
    """Training loss of minibatch SGD after every update, and the epoch of each update."""

    batch_size: int
    losses: np.ndarray
    epochs: np.ndarray


def batch_size_runs(rng: np.random.Generator, batch_sizes: tuple[int, ...] = (1, 16, 256),
                    n: int = 256, eta: float = 0.05, n_epochs: int = 10) -> list[BatchSizeRun]:
    r"""Minibatch SGD on a linear regression, one run per batch size, same learning rate.

    The data: :math:`y = x^\top(2, -1) + 0.5\,\varepsilon` with :math:`x \sim N(0, I_2)`,
    ``n`` examples drawn from ``rng``. Each epoch visits the batches of
    :func:`course_lib.data.minibatches` (a fresh permutation from ``rng``, last batch
    smaller) with one :class:`course_lib.optim.SGD` update of the mean gradient each.
    The loss is the full training loss :math:`\frac{1}{n}\sum_i \tfrac12(x_i^\top\theta
    - y_i)^2`, recorded after every update.
    """
    rng = check_rng(rng)
    eta = check_positive("eta", eta)
    X = rng.standard_normal((n, 2))
    y = X @ np.array([2.0, -1.0]) + 0.5 * rng.standard_normal(n)
    opt = optim.SGD(lr=eta)
    runs = []
    for s in batch_sizes:
        params = {"theta": np.zeros(2)}
        state = opt.init(params)
        losses, epochs = [0.5 * float(np.mean(y**2))], [0.0]
        for epoch in range(n_epochs):
            batches = list(data.minibatches(rng, n, s))
            for j, idx in enumerate(batches):
                grads = {"theta": _linear_batch_gradient(params["theta"], X[idx], y[idx])}
                params, state = opt.update(params, grads, state)
                r = X @ params["theta"] - y
                losses.append(0.5 * float(r @ r) / n)
                epochs.append(epoch + (j + 1) / len(batches))
        runs.append(BatchSizeRun(s, np.array(losses), np.array(epochs)))
    return runs


def plot_batch_sizes(runs: list[BatchSizeRun]):
    """The runs of :func:`batch_size_runs`: loss against epochs and against updates."""
    fig, (ax_e, ax_u) = plt.subplots(1, 2, figsize=(10.0, 4.0), sharey=True)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.88, wspace=0.08)
    for i, run in enumerate(runs):
        label = f"s = {run.batch_size}: {run.losses.size - 1} updates"
        ax_e.plot(run.epochs, run.losses, color=f"C{i}", lw=1.2, label=label)
        ax_u.plot(np.arange(run.losses.size), run.losses, color=f"C{i}", lw=1.2)
    for ax in (ax_e, ax_u):
        _log_axis(ax, (0.1, 0.2, 0.5, 1.0, 2.0), 0.1, 3.0)
    ax_u.set_xscale("log")
    ax_u.set_xlim(1, max(run.losses.size for run in runs))
    ax_e.set_xlabel("epochs (passes over the data)")
    ax_u.set_xlabel("updates (log scale)")
    ax_e.set_ylabel("training loss")
    ax_e.set_title("per epoch: small batches make more progress", fontsize=10)
    ax_u.set_title("per update: large batches take cleaner steps", fontsize=10)
    ax_e.legend(loc="upper right", fontsize=8)
    return fig


# --------------------------------------------------------------------------------------
# Explorer 1: gd(eta) on f(x) = x² (seed 002 "Gradient Descent")
# --------------------------------------------------------------------------------------

GD1_STEPS = 10
"""As many steps as seed 002's ``gd``."""
_LOSS_FLOOR = 1e-12


def plot_gd_1d(eta: float = 0.3, x0: float = 10.0):
    r"""Gradient descent on :math:`f(x) = x^2`: the iterates on the curve, the loss per step.

    :data:`GD1_STEPS` steps of :class:`course_lib.optim.SGD` from ``x0`` (seed 002's
    ``gd(eta, f_grad)`` starts at 10). Each step multiplies :math:`x` by
    :math:`1 - 2\eta`; the loss panel is logarithmic (a loss of exactly 0 is drawn at its
    bottom, :math:`10^{-12}`).
    """
    fig, (ax_f, ax_l) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.88, wspace=0.25)
    ax_f.plot([], [], color="0.6", lw=1.5, gid="curve")
    ax_f.plot([], [], "-o", color="C0", ms=4, lw=1, gid="path", label="iterates x_k")
    ax_f.plot([], [], "s", color="C3", ms=7, gid="start", label="start x₀")
    ax_f.set_xlabel("x")
    ax_f.set_ylabel("f(x) = x²")
    ax_f.xaxis.set_major_locator(MaxNLocator(5))
    ax_f.yaxis.set_major_locator(MaxNLocator(4))
    ax_f.legend(loc="upper center", fontsize=8)
    ax_l.plot([], [], "-o", color="C0", ms=4, gid="loss")
    _log_axis(ax_l, (1e-12, 1e-6, 1.0, 1e6), _LOSS_FLOOR, 1e6)
    ax_l.set_xlim(-0.3, GD1_STEPS + 0.3)
    ax_l.xaxis.set_major_locator(FixedLocator((0, 5, 10)))
    ax_l.set_xlabel("step k")
    ax_l.set_ylabel("loss f(x_k) (log scale)")
    update_gd_1d(fig, eta, x0)
    return fig


def update_gd_1d(fig, eta: float = 0.3, x0: float = 10.0) -> None:
    """Redraw a figure of :func:`plot_gd_1d` in place for new values."""
    eta = check_nonnegative("eta", eta)
    x0 = check_real("x0", x0)
    f = objectives.square()
    x = gd_iterates(f, eta, x0, GD1_STEPS)[:, 0]
    loss = x**2
    reach = max(12.0, 1.08 * float(np.abs(x).max()))
    xs = np.linspace(-reach, reach, 300)
    ax_f, ax_l = fig.axes
    artist_with_gid(fig, "curve").set_data(xs, xs**2)
    artist_with_gid(fig, "path").set_data(x, loss)
    artist_with_gid(fig, "start").set_data([x0], [x0**2])
    ax_f.set_xlim(-reach, reach)
    ax_f.set_ylim(-0.04 * reach**2, 1.1 * reach**2)
    factor = 1.0 - 2.0 * eta
    ax_f.set_title(f"η = {eta:.3g}: x ← (1 − 2η)x = {factor:+.3g}·x", fontsize=10)
    artist_with_gid(fig, "loss").set_data(np.arange(GD1_STEPS + 1), np.maximum(loss, _LOSS_FLOOR))
    ax_l.set_title(f"x₁₀ = {x[-1]:.4g}: {_verdict(abs(factor))}", fontsize=10)


# --------------------------------------------------------------------------------------
# Explorer 2: gradient descent on a 2-D surface (seed 002's E(w1, w2) and ellipsoid)
# --------------------------------------------------------------------------------------

SURFACES = {
    "E(w1, w2), seed 002": objectives.error_surface,
    "ellipsoid 0.1x₁² + 2x₂²": objectives.ellipsoid,
}
"""Dropdown label -> objective constructor."""
_SURFACE_LEVELS = {
    "E(w1, w2), seed 002": np.geomspace(0.05, 40.0, 9),
    "ellipsoid 0.1x₁² + 2x₂²": np.geomspace(0.1, 150.0, 9),
}
"""Contour levels of f − f* (geometric, so the lines are evenly spread near the minimum)."""
VIEW = (-7.0, 10.0)
"""Both axes of the 2-D view (the same box for every surface)."""
GD2_STEPS = 40
_VIEW_REACH = 2.0 * (VIEW[1] - VIEW[0])  # a diverging path is drawn until it is this far out
_LOSS_FLOOR2, _LOSS_TOP = 1e-10, 1e3


@cache
def _eigenvalues(surface: str) -> np.ndarray:
    # The surfaces are quadratics: one Hessian everywhere.
    eig = np.linalg.eigvalsh(SURFACES[surface]().hessian(np.zeros(2)))
    eig.setflags(write=False)
    return eig


@cache
def surface_contours(surface: str) -> np.ndarray:
    """Contour lines of a :data:`SURFACES` entry over :data:`VIEW`, as one NaN-separated array.

    Shape ``(m, 2)``; computed once per surface (``contourpy`` on a 150×150 grid).
    """
    import contourpy

    check_choice("surface", surface, tuple(SURFACES))
    f = SURFACES[surface]()
    g = np.linspace(*VIEW, 150)
    W1, W2 = np.meshgrid(g, g)
    Z = np.array([f.value(p) for p in np.column_stack([W1.ravel(), W2.ravel()])])
    Z = Z.reshape(W1.shape) - f.minimum
    gen = contourpy.contour_generator(W1, W2, Z)
    pieces = []
    for level in _SURFACE_LEVELS[surface]:
        for line in gen.lines(float(level)):
            pieces.append(np.vstack([line, [np.nan, np.nan]]))
    out = np.concatenate(pieces)
    out.setflags(write=False)
    return out


def plot_gd_2d(surface: str = "E(w1, w2), seed 002", eta: float = 0.3, w1: float = 1.5,
               w2: float = 2.0):
    r"""Gradient descent on a 2-D quadratic: the path on the contours, the loss per step.

    :data:`GD2_STEPS` steps of :class:`course_lib.optim.SGD` (exact gradients) from
    :math:`(w_1, w_2)`; the default is seed 002's worked step (η = 0.3 from (1.5, 2.0) on
    :math:`E`). The right panel's title gives the factors :math:`|1 - \eta\lambda_i|` of
    the Hessian's eigenvalues: gradient descent converges iff both are below 1. A diverging
    path is drawn until it leaves the view by far.
    """
    fig, (ax_c, ax_l) = plt.subplots(1, 2, figsize=(10.0, 4.3),
                                     gridspec_kw={"width_ratios": [1.0, 1.15]})
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.12, top=0.88, wspace=0.22)
    ax_c.plot([], [], color="0.72", lw=0.8, gid="contours")
    ax_c.plot([], [], "-o", color="C0", ms=3, lw=1, gid="path", label="GD iterates")
    ax_c.plot([], [], "s", color="C3", ms=7, gid="start", label="start")
    ax_c.plot([], [], "k*", ms=12, gid="minimum", label="minimum")
    ax_c.set_xlim(*VIEW)
    ax_c.set_ylim(*VIEW)
    ax_c.set_aspect("equal")
    ax_c.xaxis.set_major_locator(FixedLocator((-5, 0, 5, 10)))
    ax_c.yaxis.set_major_locator(FixedLocator((-5, 0, 5, 10)))
    ax_c.set_xlabel("w₁")
    ax_c.set_ylabel("w₂")
    ax_c.legend(loc="lower right", fontsize=8)
    ax_l.plot([], [], "-o", color="C0", ms=3, lw=1, gid="loss")
    _log_axis(ax_l, (1e-10, 1e-6, 1e-2, 1e2), _LOSS_FLOOR2, _LOSS_TOP)
    ax_l.set_xlim(-0.5, GD2_STEPS + 0.5)
    ax_l.xaxis.set_major_locator(FixedLocator((0, 10, 20, 30, 40)))
    for name in SURFACES:  # both contour sets now, so a switch of surface costs nothing
        surface_contours(name)
    ax_l.set_xlabel("step k")
    ax_l.set_ylabel("f(w_k) − f* (log scale)")
    update_gd_2d(fig, surface, eta, w1, w2)
    return fig


def update_gd_2d(fig, surface: str = "E(w1, w2), seed 002", eta: float = 0.3,
                 w1: float = 1.5, w2: float = 2.0) -> None:
    """Redraw a figure of :func:`plot_gd_2d` in place for new values."""
    check_choice("surface", surface, tuple(SURFACES))
    eta = check_nonnegative("eta", eta)
    start = np.array([check_real("w1", w1), check_real("w2", w2)])
    f = SURFACES[surface]()
    points = gd_iterates(f, eta, start, GD2_STEPS)
    gap = np.array([f.value(p) for p in points]) - f.minimum
    shown = _until(points, np.abs(points - np.mean(VIEW)).max(axis=1) > _VIEW_REACH)
    gap = _until(gap, gap > _LOSS_TOP)
    ax_c, ax_l = fig.axes
    lines = surface_contours(surface)
    artist_with_gid(fig, "contours").set_data(lines[:, 0], lines[:, 1])
    artist_with_gid(fig, "path").set_data(shown[:, 0], shown[:, 1])
    artist_with_gid(fig, "start").set_data([start[0]], [start[1]])
    artist_with_gid(fig, "minimum").set_data([f.minimizer[0]], [f.minimizer[1]])
    eig = _eigenvalues(surface)
    ax_c.set_title(f"{surface.split(',')[0]}: eigenvalues of H {eig[0]:.3g}, {eig[1]:.3g}",
                   fontsize=10)
    artist_with_gid(fig, "loss").set_data(np.arange(gap.size),
                                          np.clip(gap, _LOSS_FLOOR2, _LOSS_TOP))
    factors = np.abs(1.0 - eta * eig)
    ax_l.set_title(f"η = {eta:.3g}: |1 − ηλᵢ| = {factors[0]:.3g}, {factors[1]:.3g} → "
                   f"{_verdict(float(factors.max()))}", fontsize=10)


# --------------------------------------------------------------------------------------
# Explorer 3: learning-rate schedules and SGD with noisy gradients
# --------------------------------------------------------------------------------------

SCHEDULE_KINDS = ("constant", "piecewise constant", "exponential", "polynomial",
                  "linear decay")
SCHEDULE_STEPS = 200
_CHAINS = 100
_POLY_BETA = 0.1  # seed 002's polynomial_lr


def make_schedule(kind: str, lr0: float, lam: float = 0.1, alpha: float = 0.5,
                  tau: int = 100) -> schedules.Schedule:
    r"""The schedule of one kind, from :mod:`course_lib.schedules` (step 0 gives ``lr0``).

    - ``"constant"``: :math:`\eta_0`;
    - ``"piecewise constant"`` (seed 002): :math:`\eta_0`, then :math:`\eta_0/10` from step
      :math:`\lfloor\tau/2\rfloor` and :math:`\eta_0/100` from step :math:`\tau`;
    - ``"exponential"`` (seed 002): :math:`\eta_0 e^{-\lambda t}`;
    - ``"polynomial"`` (seed 002): :math:`\eta_0(\beta t + 1)^{-\alpha}` with
      :math:`\beta = 0.1`, as in the seed's ``polynomial_lr``;
    - ``"linear decay"`` (seed 001, eq. 8.14): from :math:`\epsilon_0 = \eta_0` to
      :math:`\epsilon_\tau = \eta_0/100` at step :math:`\tau`, then constant.
    """
    check_choice("kind", kind, SCHEDULE_KINDS)
    lr0 = check_nonnegative("lr0", lr0)
    tau = check_int("tau", tau, minimum=2)
    if kind == "constant":
        return schedules.Constant(lr0)
    if kind == "piecewise constant":
        return schedules.PiecewiseConstant((tau // 2, tau), (lr0, lr0 / 10, lr0 / 100))
    if kind == "exponential":
        return schedules.ExponentialDecay(lr0, lam)
    if kind == "polynomial":
        return schedules.PolynomialDecay(lr0, alpha, _POLY_BETA)
    return schedules.LinearDecay(lr0, lr0 / 100, tau)


@cache
def _schedule_noise() -> np.ndarray:
    noise = np.random.default_rng(7).standard_normal((SCHEDULE_STEPS, _CHAINS, 2))
    noise.setflags(write=False)
    return noise


@lru_cache(maxsize=1024)
def _schedule_rates(schedule: schedules.Schedule) -> np.ndarray:
    rates = schedules.values(schedule, SCHEDULE_STEPS)
    rates.setflags(write=False)
    return rates


@lru_cache(maxsize=512)
def _schedule_rms(schedule: schedules.Schedule) -> np.ndarray:
    # Schedules are frozen dataclasses (hashable): a slider position seen before is free.
    return noisy_sgd_rms(schedule, _schedule_noise())


def plot_schedule_shapes(lr0: float = 0.1, lam: float = 0.1, alpha: float = 0.5,
                         tau: int = 100, n_steps: int = SCHEDULE_STEPS):
    """Every kind of :func:`make_schedule` with the same parameters, against the step."""
    n_steps = check_int("n_steps", n_steps, minimum=2)
    fig, ax = plt.subplots(figsize=(10.0, 3.8))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.9)
    steps = np.arange(n_steps)
    for i, name in enumerate(SCHEDULE_KINDS):
        rates = schedules.values(make_schedule(name, lr0, lam, alpha, tau), n_steps)
        ax.plot(steps, rates, color=f"C{i}", lw=1.8, drawstyle="steps-post", label=name)
    ax.axvline(tau, color="0.4", ls=":", lw=1)
    ax.text(tau + 2, 0.9 * lr0, f"τ = {tau}", fontsize=9, color="0.3")
    ax.set_xlim(0, n_steps)
    ax.set_ylim(0, 1.08 * lr0)
    ax.set_xlabel("step t (updates completed; the first update uses t = 0)")
    ax.set_ylabel("learning rate η(t)")
    ax.set_title(f"η₀ = {lr0:g}; exponential λ = {lam:g}; polynomial α = {alpha:g}, "
                 f"β = {_POLY_BETA:g}; piecewise ÷10 at τ/2 and τ; linear to η₀/100 at τ",
                 fontsize=10)
    ax.legend(loc="center right", fontsize=9)
    return fig


def plot_schedules(kind: str = "polynomial", lr0: float = 0.1, lam: float = 0.1,
                   alpha: float = 0.5, tau: int = 100):
    r"""One learning-rate schedule against the step, and noisy SGD under it.

    Left: :math:`\eta(t)` of :func:`make_schedule` (step 0 is the first update), with
    :math:`\tau` marked. Right: the RMS distance to the minimum of SGD with N(0, 1)
    gradient noise on seed 002's :math:`x_1^2 + 2x_2^2` from (−5, −2)
    (:func:`noisy_sgd_rms`, 100 runs, the same noise for every schedule), under this
    schedule and under the constant :math:`\eta_0`, with the constant rate's noise floor
    (:func:`noise_floor`). Parameters a kind does not use are ignored (λ: exponential;
    α: polynomial; τ: piecewise and linear decay).
    """
    fig, (ax_s, ax_r) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.9, wspace=0.22)
    ax_s.plot(np.arange(SCHEDULE_STEPS), np.zeros(SCHEDULE_STEPS), color="C0", lw=2,
              drawstyle="steps-post", gid="rates")
    ax_s.axvline(0.0, color="0.4", ls=":", lw=1, gid="tau")
    ax_s.set_xlim(0, SCHEDULE_STEPS)
    ax_s.xaxis.set_major_locator(FixedLocator((0, 50, 100, 150, 200)))
    ax_s.yaxis.set_major_locator(MaxNLocator(4))
    ax_s.set_xlabel("step t")
    ax_s.set_ylabel("learning rate η(t)")
    k = np.arange(SCHEDULE_STEPS + 1)
    ax_r.plot(k, np.ones(k.size), color="0.6", lw=1.2, gid="rms-constant", label="constant η₀")
    ax_r.plot(k, np.ones(k.size), color="k", lw=1.5, gid="rms-selected", label="schedule")
    ax_r.axhline(1.0, color="C3", ls="--", lw=1, gid="floor", label="floor of η₀")
    _log_axis(ax_r, (0.01, 0.1, 1.0), 0.01, 8.0)
    ax_r.set_xlim(0, SCHEDULE_STEPS)
    ax_r.xaxis.set_major_locator(FixedLocator((0, 50, 100, 150, 200)))
    ax_r.set_xlabel("step k")
    ax_r.set_ylabel("RMS distance to the minimum")
    ax_r.legend(loc="upper right", fontsize=8)
    update_schedules(fig, kind, lr0, lam, alpha, tau)
    return fig


def update_schedules(fig, kind: str = "polynomial", lr0: float = 0.1, lam: float = 0.1,
                     alpha: float = 0.5, tau: int = 100) -> None:
    """Redraw a figure of :func:`plot_schedules` in place for new values."""
    check_choice("kind", kind, SCHEDULE_KINDS)
    lr0 = check_positive("lr0", lr0)
    ax_s, ax_r = fig.axes
    schedule = make_schedule(kind, lr0, lam, alpha, tau)
    artist_with_gid(fig, "rates").set_ydata(_schedule_rates(schedule))
    tau_line = artist_with_gid(fig, "tau")
    tau_line.set_xdata([tau, tau])
    tau_line.set_visible(kind in ("piecewise constant", "linear decay"))
    ax_s.set_ylim(0.0, 1.08 * lr0)
    ax_s.set_title(_SCHEDULE_TITLES[kind].format(lr0=lr0, lam=lam, alpha=alpha, tau=tau),
                   fontsize=10)
    selected = _schedule_rms(schedule)
    constant = _schedule_rms(schedules.Constant(lr0))
    artist_with_gid(fig, "rms-selected").set_ydata(np.clip(selected, 0.01, 8.0))
    artist_with_gid(fig, "rms-constant").set_ydata(np.clip(constant, 0.01, 8.0))
    floor = noise_floor(lr0)
    artist_with_gid(fig, "floor").set_ydata([floor, floor])
    ax_r.set_title(f"after {SCHEDULE_STEPS} steps: {selected[-1]:.3f} (constant: "
                   f"{constant[-1]:.3f})", fontsize=10)


_SCHEDULE_TITLES = {
    "constant": "constant: η = {lr0:.3g}",
    "piecewise constant": "piecewise: {lr0:.3g}, ÷10 at τ/2, ÷100 at τ = {tau}",
    "exponential": "exponential: {lr0:.3g}·exp(−{lam:.3g}t)",
    "polynomial": "polynomial: {lr0:.3g}·(0.1t + 1)^−{alpha:.3g}",
    "linear decay": "linear decay: {lr0:.3g} → η₀/100 at τ = {tau}",
}


# --------------------------------------------------------------------------------------
# Registered explorers
# --------------------------------------------------------------------------------------

GD_1D = register(Explorer(
    name="l07_gradient_descent.gd_1d",
    lesson="07_gradient_descent_and_sgd",
    plot=plot_gd_1d,
    controls=(
        Control("eta", 0.3, 0.01, 1.2, step=0.01, description="η"),
        Control("x0", 10.0, -10.0, 10.0, step=0.5, description="start x₀"),
    ),
    source=__name__,
    update=update_gd_1d,
))

GD_2D = register(Explorer(
    name="l07_gradient_descent.gd_2d",
    lesson="07_gradient_descent_and_sgd",
    plot=plot_gd_2d,
    controls=(
        Control("surface", "E(w1, w2), seed 002", options=tuple(SURFACES),
                description="surface"),
        Control("eta", 0.3, -2.0, 0.6, step=0.02, log=True, description="η"),
        Control("w1", 1.5, -6.0, 9.0, step=0.5, description="start w₁"),
        Control("w2", 2.0, -6.0, 9.0, step=0.5, description="start w₂"),
    ),
    source=__name__,
    update=update_gd_2d,
))

SCHEDULES = register(Explorer(
    name="l07_gradient_descent.schedules",
    lesson="07_gradient_descent_and_sgd",
    plot=plot_schedules,
    controls=(
        Control("kind", "polynomial", options=SCHEDULE_KINDS, description="schedule"),
        Control("lr0", 0.1, 0.01, 0.45, step=0.01, description="η₀"),
        Control("lam", 0.1, 0.0, 0.2, step=0.005, description="λ (exp.)"),
        Control("alpha", 0.5, 0.0, 1.5, step=0.05, description="α (poly.)"),
        Control("tau", 100, 2, 200, step=2, description="τ (lin., piec.)"),
    ),
    source=__name__,
    update=update_schedules,
))
