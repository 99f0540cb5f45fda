r"""Lesson 08 (Momentum and Nesterov): the figures and the widget explorations.

Every figure is a pure function of its arguments, drawn from course_lib's reference
implementations (:mod:`course_lib.averages`, :mod:`course_lib.optim`,
:mod:`course_lib.objectives`); the notebook calls them, and two are registered as explorers
(:class:`course_lib.widgets.Explorer`), each with an in-place ``update``:

- ``l08_momentum.ellipsoid``: gradient descent with momentum (any form of
  :class:`course_lib.optim.Momentum`, or Nesterov) on seed 002's "moderately distorted
  ellipsoid" :math:`f(x) = 0.1x_1^2 + 2x_2^2` from :math:`(-5, -2)`: the path on the
  contours and :math:`f` against the step, with gradient descent (or classic momentum) at
  the same learning rate for reference (seed 002 "MOMENTUM METHOD EXAMPLE");
- ``l08_momentum.ewa``: the exponentially weighted average of a share price with and
  without bias correction for a chosen :math:`\beta`, and the weights of its unrolled form
  (seed 000, "Example: How to model/forecast the stock/share price").

Runs are short (2-D, at most a few hundred steps) and cached; the contour rings are
computed once. A run stops when it leaves the box :math:`|x_i| < 10^6` (the rest of its
path is NaN), so a diverging learning rate never overflows. The figures avoid what makes
matplotlib slow (minor log ticks, mathtext) so an update stays under 100 ms.
"""

from __future__ import annotations

from functools import cache

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from course_lib import averages, objectives, optim, schedules
from course_lib._validation import (
    CourseLibError,
    LearningRate,
    check_choice,
    check_int,
    check_learning_rate,
    check_positive,
    check_unit_interval,
)
from course_lib.widgets import Control, Explorer, artist_with_gid, register

# --------------------------------------------------------------------------------------
# Runs on the ellipsoid (seed 002 "MOMENTUM METHOD EXAMPLE")
# --------------------------------------------------------------------------------------

START = (-5.0, -2.0)
"""Where seed 002's figures (d2l's) start on the ellipsoid."""

METHODS = ("gd", "classic", "ema", "sum", "nesterov", "nesterov-pytorch")
"""The optimizers the figures run, by short name (see :func:`make_optimizer`)."""

LABELS = {
    "gd": "gradient descent",
    "classic": "momentum, classic form (seed 001)",
    "ema": "momentum, ema form (seeds 000, 002)",
    "sum": "momentum, sum form (seed 003, PyTorch)",
    "nesterov": "Nesterov momentum (seed 001)",
    "nesterov-pytorch": "Nesterov, PyTorch form",
}

BOUND = 1e6
"""A run stops once a coordinate reaches this size (it has diverged)."""


@cache
def _ellipsoid() -> objectives.Objective:
    return objectives.ellipsoid()


def make_optimizer(method: str, lr: LearningRate, beta: float = 0.9) -> optim.Optimizer:
    """The optimizer named ``method`` (a key of :data:`METHODS`).

    ``"gd"`` is :class:`course_lib.optim.SGD`; ``"classic"``, ``"ema"`` and ``"sum"`` are
    the forms of :class:`course_lib.optim.Momentum`; ``"nesterov"`` and
    ``"nesterov-pytorch"`` are :class:`course_lib.optim.Nesterov` with ``form="lookahead"``
    and ``form="pytorch"``. ``beta`` is ignored by gradient descent.
    """
    check_choice("method", method, METHODS)
    if method == "gd":
        return optim.SGD(lr=lr)
    if method in optim.MOMENTUM_FORMS:
        return optim.Momentum(lr=lr, beta=beta, form=method)
    form = "lookahead" if method == "nesterov" else "pytorch"
    return optim.Nesterov(lr=lr, beta=beta, form=form)


def _run(opt: optim.Optimizer, n_steps: int, start: tuple[float, float]) -> np.ndarray:
    f = _ellipsoid()
    params = f.params(start)
    state = opt.init(params)
    path = np.full((n_steps + 1, 2), np.nan)
    path[0] = start
    for k in range(n_steps):
        grads = f.grad_fn(opt.eval_point(params, state))
        params, state = opt.update(params, grads, state)
        path[k + 1] = params["x"]
        if not np.all(np.abs(params["x"]) < BOUND):
            break  # diverged: stop before the numbers overflow
    path.setflags(write=False)
    return path


@cache
def _cached_path(method: str, lr: float, beta: float, n_steps: int,
                 start: tuple[float, float]) -> np.ndarray:
    return _run(make_optimizer(method, lr, beta), n_steps, start)


def ellipsoid_path(method: str, lr: LearningRate, beta: float = 0.9, n_steps: int = 20,
                   start: tuple[float, float] = START) -> np.ndarray:
    r"""The iterates of ``method`` on :math:`f(x) = 0.1x_1^2 + 2x_2^2`, shape ``(n_steps + 1, 2)``.

    Row ``k`` is the point after ``k`` updates (row 0 is ``start``), computed with
    :func:`course_lib.optim` through the same loop as :func:`course_lib.optim.run`. For
    Nesterov's look-ahead form the rows are Goodfellow's :math:`\theta`; for its PyTorch
    form, PyTorch's stored parameters :math:`\theta + \beta v`. If a coordinate reaches
    :data:`BOUND` the run stops and the remaining rows are NaN. ``lr`` may be a schedule
    ``step -> lr`` (:mod:`course_lib.schedules`); constant runs are cached.
    """
    check_choice("method", method, METHODS)
    check_learning_rate(lr)
    beta = check_unit_interval("beta", beta)
    n_steps = check_int("n_steps", n_steps)
    start_arr = np.asarray(start, dtype=np.float64)
    if start_arr.shape != (2,) or not np.isfinite(start_arr).all():
        raise CourseLibError(f"start must be a finite point (x1, x2), got {start!r}")
    start_t = (float(start_arr[0]), float(start_arr[1]))
    if callable(lr):
        return _run(make_optimizer(method, lr, beta), n_steps, start_t).copy()
    return _cached_path(method, float(lr), beta, n_steps, start_t).copy()


def ellipsoid_loss(path: np.ndarray) -> np.ndarray:
    r""":math:`f = 0.1x_1^2 + 2x_2^2` at every row of ``path`` (NaN rows stay NaN)."""
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2:
        raise CourseLibError(f"path must have shape (n, 2), got {path.shape}")
    return 0.1 * path[:, 0] ** 2 + 2.0 * path[:, 1] ** 2


def step_lengths(path: np.ndarray) -> np.ndarray:
    r"""The length :math:`\lVert x_t - x_{t-1}\rVert` of every step of a path, shape ``(n,)``."""
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != 2:
        raise CourseLibError(f"path must have shape (n, 2), got {path.shape}")
    return np.linalg.norm(np.diff(path, axis=0), axis=1)


def diverged(path: np.ndarray) -> bool:
    """Whether a run of :func:`ellipsoid_path` stopped because it left the box."""
    return bool(np.isnan(path).any())


def convergence_factor(h: float, lr: float, beta: float = 0.0, method: str = "momentum") -> float:
    r"""How much momentum shrinks the error per step along a direction of curvature ``h``.

    On :math:`f = \tfrac{h}{2}x^2` (the ellipsoid has :math:`h = 0.2` along :math:`x_1`
    and :math:`h = 4` along :math:`x_2`) the sum form :math:`v_t = \beta v_{t-1} + h
    x_{t-1}`, :math:`x_t = x_{t-1} - \eta v_t` (and the classic form, which gives the same
    iterates) eliminates to the linear recurrence

    .. math:: x_t = (1 + \beta - \eta h)\, x_{t-1} - \beta\, x_{t-2},

    whose solutions are combinations of :math:`r^t` for the roots :math:`r` of
    :math:`r^2 - (1 + \beta - \eta h)\, r + \beta = 0`. With ``method="nesterov"``
    (Goodfellow's Algorithm 8.3, gradient at :math:`x + \beta v`) the recurrence is
    :math:`x_t = (1 - \eta h)\bigl((1 + \beta) x_{t-1} - \beta x_{t-2}\bigr)`. The factor
    returned is the largest :math:`|r|`: below 1 the coordinate converges, above 1 it
    diverges; negative or complex roots make it oscillate. With :math:`\beta = 0` both are
    gradient descent's :math:`|1 - \eta h|`. (For the ema form, pass :math:`(1-\beta)\eta`
    as ``lr``.) Momentum is stable for :math:`\eta h < 2(1 + \beta)`, Nesterov only for
    :math:`\eta h < 2(1 + \beta)/(1 + 2\beta)`.
    """
    h = check_positive("h", h)
    lr = check_positive("lr", lr)
    beta = check_unit_interval("beta", beta)
    check_choice("method", method, ("momentum", "nesterov"))
    if beta == 0.0:
        return abs(1.0 - lr * h)
    if method == "momentum":
        coeffs = [1.0, -(1.0 + beta - lr * h), beta]
    else:
        c = 1.0 - lr * h
        coeffs = [1.0, -c * (1.0 + beta), c * beta]
    return float(np.max(np.abs(np.roots(coeffs))))


# --------------------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------------------

ELLIPSOID_LEVELS = (0.1, 0.4, 1.0, 2.0, 4.0, 7.0, 10.5, 15.0)
"""Contour levels of the ellipsoid; 10.5 is f at the start (−5, −2)."""

XLIM, YLIM = (-6.0, 3.0), (-3.2, 3.2)
LOSS_LIM = (1e-10, 1e4)
LOSS_TICKS = (1e-10, 1e-7, 1e-4, 1e-1, 1e2)
DRAW_LIMIT = 1e3  # coordinates beyond this are clipped before drawing (out of view anyway)


@cache
def _rings() -> np.ndarray:
    """Every contour ellipse of :data:`ELLIPSOID_LEVELS` as one NaN-separated polyline."""
    t = np.linspace(0.0, 2.0 * np.pi, 160)
    rings = []
    for c in ELLIPSOID_LEVELS:
        ring = np.column_stack([np.sqrt(c / 0.1) * np.cos(t), np.sqrt(c / 2.0) * np.sin(t)])
        rings.append(np.vstack([ring, [np.nan, np.nan]]))
    out = np.concatenate(rings)
    out.setflags(write=False)
    return out


def _draw_contours(ax) -> None:
    rings = _rings()
    ax.plot(rings[:, 0], rings[:, 1], color="0.82", lw=0.8)
    ax.plot(0.0, 0.0, "k*", ms=10)
    ax.set_xlim(*XLIM)
    ax.set_ylim(*YLIM)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")


def _for_drawing(path: np.ndarray) -> np.ndarray:
    return np.clip(path, -DRAW_LIMIT, DRAW_LIMIT)


def _loss_for_drawing(path: np.ndarray) -> np.ndarray:
    # log axis: keep the values inside a range Agg draws well (far outside the limits)
    return np.clip(ellipsoid_loss(path), 1e-30, 1e30)


def _log_axis(ax) -> None:
    """A log-scale y axis with a few plain labels and no minor ticks (fast to draw)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(FixedLocator(LOSS_TICKS))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0e}".replace("e+0", "e")
                                               .replace("e-0", "e-")))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_ylim(*LOSS_LIM)


def _describe(path: np.ndarray) -> str:
    if diverged(path):
        last = int(np.flatnonzero(~np.isnan(path[:, 0]))[-1])
        return f"diverged (|x| > 1e6 at step {last})"
    return f"f = {ellipsoid_loss(path)[-1]:.2e}"


def plot_paths(runs: dict[str, np.ndarray], title: str = "", ax=None, styles=None):
    """Paths on the ellipsoid's contours: ``runs`` maps a legend label to a path.

    ``styles`` (optional) maps a label to keyword arguments of ``Axes.plot``. Returns the
    figure.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.0, 4.0))
        fig.subplots_adjust(left=0.12, right=0.97, bottom=0.13, top=0.9)
    _draw_contours(ax)
    for i, (label, path) in enumerate(runs.items()):
        kw = {"color": f"C{i}", "marker": "o", "ms": 3, "lw": 1.2}
        kw.update((styles or {}).get(label, {}))
        p = _for_drawing(path)
        ax.plot(p[:, 0], p[:, 1], label=label, **kw)
    ax.legend(loc="upper right", fontsize=8)
    ax.set_title(title, fontsize=10)
    return ax.figure


def plot_gd_ellipsoid(lrs: tuple[float, ...] = (0.4, 0.6), n_steps: int = 20):
    """Seed 002's figures: gradient descent on the ellipsoid, one panel per learning rate.

    With η = 0.4 the x₂ coordinate flips sign every step (it is multiplied by 1 − 4η =
    −0.6); with η = 0.6 x₁ moves faster (×0.88 per step) but x₂ is multiplied by −1.4 and
    the run diverges.
    """
    fig, axes = plt.subplots(1, len(lrs), figsize=(5.0 * len(lrs), 3.8), squeeze=False)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.88, wspace=0.22)
    for ax, lr in zip(axes[0], lrs, strict=True):
        path = ellipsoid_path("gd", lr, n_steps=n_steps)
        plot_paths({f"gradient descent, η = {lr:g}": path}, ax=ax,
                   title=f"η = {lr:g}, {n_steps} steps: {_describe(path)}")
    return fig


def plot_momentum_ellipsoid(lr: float = 0.6, betas: tuple[float, ...] = (0.5, 0.25),
                            n_steps: int = 20, form: str = "sum"):
    """Seed 002's momentum figures: η = 0.6 with β = 0.5 and β = 0.25, gradient descent grey.

    The slide's figures come from d2l, whose momentum is the ``"sum"`` form.
    """
    check_choice("form", form, optim.MOMENTUM_FORMS)
    gd = ellipsoid_path("gd", lr, n_steps=n_steps)
    fig, axes = plt.subplots(1, len(betas), figsize=(5.0 * len(betas), 3.8), squeeze=False)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.88, wspace=0.22)
    for ax, beta in zip(axes[0], betas, strict=True):
        path = ellipsoid_path(form, lr, beta, n_steps)
        plot_paths({"gradient descent": gd, f"momentum ({form}), β = {beta:g}": path}, ax=ax,
                   styles={"gradient descent": {"color": "0.6", "ms": 2, "lw": 0.8}},
                   title=f"η = {lr:g}, β = {beta:g}: {_describe(path)}")
    return fig


def plot_forms(lr: float = 0.1, beta: float = 0.9, n_steps: int = 40, drop_at: int = 10,
               drop_factor: float = 0.1):
    r"""The three momentum forms on the same problem, at a constant and a changing η.

    Left: the paths at the same :math:`(\eta, \beta)`: "classic" and "sum" coincide, "ema"
    takes :math:`1 - \beta` times smaller steps, and "ema" with :math:`\eta/(1 - \beta)`
    coincides with "sum" again. Right: the length of each step when :math:`\eta` is cut by
    ``drop_factor`` after ``drop_at`` updates (a :class:`course_lib.schedules.PiecewiseConstant`
    schedule): "sum" applies the new :math:`\eta` to the whole remembered velocity at once,
    so its steps shrink at once; "classic" applies it only to the new gradients, and its
    steps shrink gradually, by about β per step.
    """
    lr = check_positive("lr", lr)
    beta = check_unit_interval("beta", beta)
    drop_at = check_int("drop_at", drop_at, minimum=1)
    drop_factor = check_positive("drop_factor", drop_factor)
    constant = {
        f"classic, η = {lr:g}": ellipsoid_path("classic", lr, beta, n_steps),
        f"sum, η = {lr:g}": ellipsoid_path("sum", lr, beta, n_steps),
        f"ema, η = {lr:g}": ellipsoid_path("ema", lr, beta, n_steps),
        f"ema, η/(1−β) = {lr / (1 - beta):g}": ellipsoid_path("ema", lr / (1 - beta), beta,
                                                               n_steps),
    }
    styles = {
        f"classic, η = {lr:g}": {"color": "C0", "marker": "o", "ms": 6, "mfc": "none",
                                 "lw": 2.5, "alpha": 0.6},
        f"sum, η = {lr:g}": {"color": "C1", "marker": "x", "ms": 4, "lw": 1},
        f"ema, η = {lr:g}": {"color": "C2", "marker": ".", "ms": 4, "lw": 1},
        f"ema, η/(1−β) = {lr / (1 - beta):g}": {"color": "C3", "marker": "", "ls": "--",
                                                 "lw": 1},
    }
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.0))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.88, wspace=0.25)
    plot_paths(constant, ax=axes[0], styles=styles,
               title=f"constant η: same (η, β) = ({lr:g}, {beta:g}) in every form")
    schedule = schedules.PiecewiseConstant((drop_at,), (lr, lr * drop_factor))
    ax = axes[1]
    steps = np.arange(1, n_steps + 1)
    for i, form in enumerate(("classic", "sum")):
        path = ellipsoid_path(form, schedule, beta, n_steps)
        ax.plot(steps, step_lengths(path), color=f"C{i}", marker="o" if i == 0 else "x",
                ms=3, lw=1.2, label=form)
    ax.axvline(drop_at + 0.5, color="0.5", ls=":", lw=1, label="η drops")
    ax.set_yscale("log")
    ax.set_xlim(0, n_steps + 1)
    ax.set_xlabel("step t")
    ax.set_ylabel("step length ‖xₜ − xₜ₋₁‖ (log scale)")
    ax.set_title(f"η = {lr:g} for {drop_at} steps, then {lr * drop_factor:g}: the forms part",
                 fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    return fig


def plot_nesterov_step(theta=(-4.6, 1.2), v=(0.4, 3.2), lr: float = 0.4, beta: float = 0.5):
    r"""One step of classic and of Nesterov momentum from the same :math:`(\theta, v)`.

    The defaults are the second step of seed 001's worked example (ε = 0.4, α = 0.5 on
    the ellipsoid): classic momentum takes the gradient at :math:`\theta`, Nesterov at the
    interim point :math:`\tilde\theta = \theta + \alpha v`, and both move by
    :math:`v \leftarrow \alpha v - \epsilon g`.
    """
    lr = check_positive("lr", lr)
    beta = check_unit_interval("beta", beta)
    f = _ellipsoid()
    theta, v = np.asarray(theta, dtype=float), np.asarray(v, dtype=float)
    look = theta + beta * v
    classic = theta + beta * v - lr * f.gradient(theta)
    nesterov = theta + beta * v - lr * f.gradient(look)
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.13, top=0.9)
    _draw_contours(ax)
    arrow = {"arrowstyle": "->", "lw": 1.6, "shrinkA": 0, "shrinkB": 0}
    ax.annotate("", look, theta, arrowprops={**arrow, "color": "0.35"})
    ax.annotate("", classic, look, arrowprops={**arrow, "color": "C0"})
    ax.annotate("", nesterov, look, arrowprops={**arrow, "color": "C3"})
    ax.plot(*theta, "ko", ms=6, label=f"θ = ({theta[0]:g}, {theta[1]:g})")
    ax.plot(*look, "o", color="0.35", ms=6, mfc="white",
            label=f"θ + αv = ({look[0]:.3g}, {look[1]:.3g})")
    ax.plot(*classic, "o", color="C0", ms=7,
            label=f"classic: θ + αv − ε∇f(θ) = ({classic[0]:.4g}, {classic[1]:.4g})")
    ax.plot(*nesterov, "o", color="C3", ms=7,
            label=f"Nesterov: θ + αv − ε∇f(θ + αv) = ({nesterov[0]:.4g}, {nesterov[1]:.4g})")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"one step, ε = {lr:g}, α = {beta:g}: where the gradient is taken",
                 fontsize=10)
    return fig


def plot_convergence_factors(lr: float = 0.6, marks: tuple[float, ...] = (0.25, 0.5)):
    r"""The per-step convergence factor of momentum along :math:`x_1` and :math:`x_2` against β.

    :func:`convergence_factor` with the ellipsoid's curvatures :math:`h = 0.2` and
    :math:`h = 4`, at learning rate ``lr`` (sum or classic form); the slower of the two
    directions sets the speed. Where the roots are complex the factor is :math:`\sqrt\beta`
    (dotted). ``marks`` are the β values of seed 002's figures.
    """
    lr = check_positive("lr", lr)
    betas = np.linspace(0.0, 0.99, 199)
    x1 = np.array([convergence_factor(0.2, lr, float(b)) for b in betas])
    x2 = np.array([convergence_factor(4.0, lr, float(b)) for b in betas])
    worst = np.maximum(x1, x2)
    best = int(np.argmin(worst))
    fig, ax = plt.subplots(figsize=(8.0, 3.8))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.14, top=0.9)
    ax.plot(betas, x1, color="C0", lw=1.5, label="x₁ (h = 0.2)")
    ax.plot(betas, x2, color="C1", lw=1.5, label="x₂ (h = 4)")
    ax.plot(betas, np.sqrt(betas), color="0.6", ls=":", lw=1, label="√β")
    ax.axhline(1.0, color="C3", lw=0.8)
    for b in marks:
        b = check_unit_interval("beta", b)
        ax.axvline(b, color="0.5", ls="--", lw=0.8)
        ax.text(b + 0.01, 1.3, f"β = {b:g}", fontsize=8)
    ax.plot(betas[best], worst[best], "k*", ms=10,
            label=f"fastest overall: β ≈ {betas[best]:.2f}, factor {worst[best]:.3f}")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.5)
    ax.set_xlabel("momentum β")
    ax.set_ylabel("error factor per step (max |root|)")
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"η = {lr:g}: below 1 converges, above 1 diverges", fontsize=10)
    return fig


# --------------------------------------------------------------------------------------
# The worked step on E(w1, w2) (seed 002 "NUMERICAL EXAMPLE")
# --------------------------------------------------------------------------------------


@cache
def _error_surface_grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    f = objectives.error_surface()
    w1, w2 = np.meshgrid(np.linspace(0.0, 5.0, 100), np.linspace(0.0, 6.0, 100))
    e = np.array([f.value(point) for point in np.column_stack([w1.ravel(), w2.ravel()])])
    e = e.reshape(w1.shape)
    for a in (w1, w2, e):
        a.setflags(write=False)
    return w1, w2, e


def plot_error_surface_step(beta: float = 0.6, lr: float = 0.3, slide_beta: float = 0.9):
    r"""Seed 002's momentum step on :math:`E(w_1, w_2)`: from :math:`w(t-1) = (1, 1)` and
    :math:`w(t) = (1.5, 2)`, the point :math:`w(t) - \eta\nabla E + \beta\Delta w` for the
    stated β, the plain gradient step, and the slide's point (computed with β = 0.9).
    """
    f = objectives.error_surface()
    w_prev, w = np.array([1.0, 1.0]), np.array([1.5, 2.0])
    gd = w - lr * f.gradient(w)
    ours = gd + beta * (w - w_prev)
    slide = gd + slide_beta * (w - w_prev)
    w1, w2, e = _error_surface_grid()
    fig, ax = plt.subplots(figsize=(7.0, 4.4))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.12, top=0.9)
    ax.contour(w1, w2, e, levels=(0.1, 0.3, 0.6, 1.0, 1.5, 2.2), colors="0.8", linewidths=0.8)
    ax.plot(3.0, 4.0, "k*", ms=10, label="minimum (3, 4), E = 0.05")
    ax.plot(*np.column_stack([w_prev, w]), "k--", lw=1)
    ax.plot(*w_prev, "o", color="0.5", label="w(t−1) = (1, 1)")
    ax.plot(*w, "ko", label="w(t) = (1.5, 2)")
    ax.plot(*gd, "s", color="C2", label=f"gradient step only: ({gd[0]:.4g}, {gd[1]:.4g})")
    ax.plot(*ours, "o", color="C0", ms=8,
            label=f"momentum, β = {beta:g}: ({ours[0]:.4g}, {ours[1]:.4g})")
    ax.plot(*slide, "x", color="C3", ms=9, mew=2,
            label=f"the slide (uses {slide_beta:g}): ({slide[0]:.4g}, {slide[1]:.4g})")
    ax.set_xlim(0.0, 5.0)
    ax.set_ylim(0.0, 6.0)
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"w(t+1) = w(t) − η∇E(w(t)) + βΔw, η = {lr:g}", fontsize=10)
    return fig


# --------------------------------------------------------------------------------------
# Exponentially weighted averages (seed 000, the share-price example)
# --------------------------------------------------------------------------------------

N_DAYS = 150


@cache
def price_series() -> np.ndarray:
    """A share price over :data:`N_DAYS` days, near 100 (a seeded random walk).

    Seed 000 shows a price chart but gives no data; this one starts at 100 and 110 (the
    first two prices of the course's bias-correction example) and then moves by daily
    returns of :math:`N(0.001, 0.02^2)` plus a slow swing, from ``default_rng(8)``.
    """
    rng = np.random.default_rng(8)
    days = np.arange(2, N_DAYS)
    returns = rng.normal(0.001, 0.02, N_DAYS - 2) + 0.004 * np.sin(days / 12.0)
    prices = np.concatenate([[100.0, 110.0], 110.0 * np.exp(np.cumsum(returns))])
    prices.setflags(write=False)
    return prices


def plot_ewa_weights(betas: tuple[float, ...] = (0.5, 0.9, 0.98), t: int = 60):
    r"""The weights :math:`(1-\beta)\beta^{k}` the average :math:`m_t` puts on the value
    :math:`k` days back, for several β, with the window :math:`1/(1-\beta)` marked.

    Computed by :func:`course_lib.averages.ewa_weights`.
    """
    t = check_int("t", t, minimum=1)
    fig, ax = plt.subplots(figsize=(8.0, 3.8))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.14, top=0.9)
    back = np.arange(t)
    for i, beta in enumerate(betas):
        beta = check_unit_interval("beta", beta)
        w = averages.ewa_weights(beta, t)[::-1]  # newest first: k = 0, 1, ...
        window = 1.0 / (1.0 - beta)
        ax.plot(back, w, "o-", color=f"C{i}", ms=3, lw=1,
                label=f"β = {beta:g}: window 1/(1−β) = {window:.3g}, Σ = 1−β^{t} = "
                      f"{w.sum():.3f}")
        if window < t:
            ax.axvline(window, color=f"C{i}", ls=":", lw=1.2)
    ax.set_xlabel("days back k (0 = today)")
    ax.set_ylabel("weight (1−β)βᵏ on the value k days back")
    ax.set_xlim(-0.5, t - 0.5)
    ax.set_ylim(0.0, None)
    ax.legend(fontsize=8)
    ax.set_title(f"the unrolled average m_{t}: the weights decay geometrically", fontsize=10)
    return fig


def plot_bias_correction(beta: float = 0.9, days: int = 40,
                         divisor_betas: tuple[float, ...] = (0.9, 0.98, 0.999)):
    r"""Seed 000's orange and red lines, and the divisor :math:`1 - \beta^t` over time.

    Left: the first ``days`` prices with :math:`m_t` (orange: starts at 0 and lags) and
    :math:`m_t / (1 - \beta^t)` (red). Right: :math:`1 - \beta^t` for ``divisor_betas``.
    """
    beta = check_unit_interval("beta", beta)
    days = check_int("days", days, minimum=2)
    prices = price_series()[:days]
    t = np.arange(1, days + 1)
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 3.9))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.88, wspace=0.22)
    ax = axes[0]
    ax.plot(t, prices, ".", color="0.5", label="price")
    ax.plot(t, averages.ewa(prices, beta), color="C1", lw=2, label="m_t (no correction)")
    ax.plot(t, averages.ewa(prices, beta, bias_correction=True), color="C3", lw=2,
            label="m_t / (1 − βᵗ) (corrected)")
    ax.set_xlabel("day t")
    ax.set_ylabel("price")
    ax.set_xlim(0, days + 1)
    ax.set_ylim(0.0, None)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title(f"β = {beta:g}: the uncorrected average starts at 0", fontsize=10)
    ax = axes[1]
    steps = np.arange(1, 1001)
    for i, b in enumerate(divisor_betas):
        ax.plot(steps, 1.0 - np.asarray(b) ** steps, color=f"C{i}", lw=1.5, label=f"β = {b:g}")
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator((1, 10, 100, 1000)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("step t (log scale)")
    ax.set_ylabel("divisor 1 − βᵗ")
    ax.set_ylim(0.0, 1.05)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("the correction matters while βᵗ is not small", fontsize=10)
    return fig


# --------------------------------------------------------------------------------------
# Explorer: exponentially weighted average of the price
# --------------------------------------------------------------------------------------

EWA_VIEWS = ("all 150 days", "first 30 days")
WEIGHT_DAYS = 60


def _ewa_titles(beta: float) -> tuple[str, str]:
    window = 1.0 / (1.0 - beta)
    left = f"β = {beta:.2f}: averages about 1/(1−β) = {window:.3g} days"
    right = (f"weights on the last {WEIGHT_DAYS} days of m_{N_DAYS} "
             f"(they sum to {1 - beta ** WEIGHT_DAYS:.3f})")
    return left, right


def plot_ewa(beta: float = 0.9, view: str = "all 150 days"):
    r"""The price, its EWA :math:`m_t` and the corrected :math:`m_t/(1-\beta^t)`; the weights.

    Left: :func:`price_series` with :func:`course_lib.averages.ewa` without (orange) and
    with (red) bias correction, over all days or the first 30. Right: the weights
    :math:`(1-\beta)\beta^k` that :math:`m_{150}` puts on the price :math:`k` days back
    (:func:`course_lib.averages.ewa_weights`), the window :math:`1/(1-\beta)` dotted.
    """
    beta = check_unit_interval("beta", beta)
    check_choice("view", view, EWA_VIEWS)
    prices = price_series()
    t = np.arange(1, N_DAYS + 1)
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.0))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.88, wspace=0.22)
    ax = axes[0]
    ax.plot(t, prices, ".", color="0.55", ms=4, label="price")
    ax.plot(t, averages.ewa(prices, beta), color="C1", lw=2, gid="ewa",
            label="m_t (no correction)")
    ax.plot(t, averages.ewa(prices, beta, bias_correction=True), color="C3", lw=1.5,
            gid="ewa-corrected", label="m_t / (1 − βᵗ)")
    ax.set_xlabel("day t")
    ax.set_ylabel("price")
    ax.set_ylim(0.0, 1.08 * float(prices.max()))
    ax.legend(fontsize=8, loc="lower right")
    ax = axes[1]
    back = np.arange(WEIGHT_DAYS)
    ax.plot(back, averages.ewa_weights(beta, N_DAYS)[::-1][:WEIGHT_DAYS], "o-", color="C0",
            ms=3, lw=1, gid="weights", label="(1−β)βᵏ")
    ax.axvline(1.0 / (1.0 - beta), color="C3", ls=":", lw=1.5, gid="window",
               label="1/(1−β)")
    ax.set_xlabel("days back k (0 = today)")
    ax.set_ylabel("weight on the price k days back")
    ax.set_xlim(-0.5, WEIGHT_DAYS - 0.5)
    ax.legend(fontsize=8, loc="upper right")
    _fixed_layout(fig.axes[0], -0.08)
    _fixed_layout(fig.axes[1], -0.1)
    _set_ewa_view(fig, beta, view)
    return fig


def _set_ewa_view(fig, beta: float, view: str) -> None:
    left, right = _ewa_titles(beta)
    fig.axes[0].set_title(left, fontsize=10, y=1.0)
    fig.axes[1].set_title(right, fontsize=10, y=1.0)
    fig.axes[0].set_xlim(0, 31 if view == EWA_VIEWS[1] else N_DAYS + 1)
    fig.axes[1].set_ylim(0.0, 1.1 * (1.0 - beta) + 1e-3)


def _fixed_layout(ax, ylabel_x: float = -0.1) -> None:
    """Fix where the axis labels go, so a redraw need not measure every tick label.

    Matplotlib otherwise places each axis label (and the title) after measuring the tick
    labels of the axes at every draw, a third of an explorer's redraw time.
    """
    ax.xaxis.set_label_coords(0.5, -0.09)
    ax.yaxis.set_label_coords(ylabel_x, 0.5)


def update_ewa(fig, beta: float = 0.9, view: str = "all 150 days") -> None:
    """Redraw a figure made by :func:`plot_ewa` in place for new ``beta`` and ``view``."""
    beta = check_unit_interval("beta", beta)
    check_choice("view", view, EWA_VIEWS)
    prices = price_series()
    artist_with_gid(fig, "ewa").set_ydata(averages.ewa(prices, beta))
    corrected = averages.ewa(prices, beta, bias_correction=True)
    artist_with_gid(fig, "ewa-corrected").set_ydata(corrected)
    weights = averages.ewa_weights(beta, N_DAYS)[::-1][:WEIGHT_DAYS]
    artist_with_gid(fig, "weights").set_ydata(weights)
    window = 1.0 / (1.0 - beta)
    artist_with_gid(fig, "window").set_xdata([window, window])
    _set_ewa_view(fig, beta, view)


# --------------------------------------------------------------------------------------
# Explorer: momentum on the ellipsoid
# --------------------------------------------------------------------------------------

FORMS = ("sum", "classic", "ema", "nesterov")
"""The methods of the ellipsoid explorer's dropdown."""
REFERENCES = ("gradient descent", "classic momentum")


def _ellipsoid_runs(form, lr, beta, n_steps, reference):
    path = ellipsoid_path(form, lr, beta, n_steps)
    ref_method = "gd" if reference == REFERENCES[0] else "classic"
    ref = ellipsoid_path(ref_method, lr, beta, n_steps)
    return path, ref


def _ellipsoid_texts(form, lr, beta, n_steps, reference, path, ref):
    left = f"{LABELS[form]}: η = {lr:.3g}, β = {beta:.2f}"
    short = "GD" if reference == REFERENCES[0] else "classic"
    right = f"after {n_steps} steps: {_describe(path)}  ({short}: {_describe(ref)})"
    ref_label = ("gradient descent (same η)" if reference == REFERENCES[0]
                 else "classic momentum (same η, β)")
    return left, right, LABELS[form], ref_label


def _check_ellipsoid_args(form, lr, beta, n_steps, reference):
    check_choice("form", form, FORMS)
    lr = check_positive("lr", lr)
    beta = check_unit_interval("beta", beta)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    check_choice("reference", reference, REFERENCES)
    return form, lr, beta, n_steps, reference


def plot_ellipsoid(form: str = "sum", lr: float = 0.6, beta: float = 0.5, n_steps: int = 20,
                   reference: str = "gradient descent"):
    r"""Momentum (or Nesterov) on :math:`0.1x_1^2 + 2x_2^2` from :math:`(-5, -2)`, with a reference.

    Left: the path on the contours (the reference grey). Right: :math:`f` against the step
    on a log scale. ``form`` is a key of :data:`FORMS`; ``reference`` is gradient descent
    at the same η or classic momentum at the same η and β (to compare with Nesterov). The
    defaults are seed 002's experiment (d2l's sum form, η = 0.6, β = 0.5, 20 steps).
    """
    form, lr, beta, n_steps, reference = _check_ellipsoid_args(form, lr, beta, n_steps,
                                                               reference)
    path, ref = _ellipsoid_runs(form, lr, beta, n_steps, reference)
    left, right, label, ref_label = _ellipsoid_texts(form, lr, beta, n_steps, reference, path,
                                                     ref)
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.0))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.88, wspace=0.22)
    ax = axes[0]
    _draw_contours(ax)
    r, p = _for_drawing(ref), _for_drawing(path)
    ax.plot(r[:, 0], r[:, 1], "o-", color="0.6", ms=2.5, lw=0.9, gid="ref-path",
            label=ref_label)
    ax.plot(p[:, 0], p[:, 1], "o-", color="C0", ms=3, lw=1.3, gid="path", label=label)
    ax.legend(loc="upper right", fontsize=8)
    ax = axes[1]
    steps = np.arange(n_steps + 1)
    ax.plot(steps, _loss_for_drawing(ref), color="0.6", lw=1.2, gid="ref-loss",
            label=ref_label)
    ax.plot(steps, _loss_for_drawing(path), color="C0", lw=1.5, gid="loss", label=label)
    _log_axis(ax)
    ax.set_xlabel("step t")
    ax.set_ylabel("f(x) (log scale)")
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    _fixed_layout(axes[0], -0.07)
    _fixed_layout(axes[1], -0.11)
    _set_ellipsoid_texts(fig, n_steps, left, right)
    return fig


def _set_ellipsoid_texts(fig, n_steps, left, right) -> None:
    fig.axes[0].set_title(left, fontsize=10, y=1.0)
    fig.axes[1].set_title(right, fontsize=9, y=1.0)
    fig.axes[1].set_xlim(0, n_steps)


def update_ellipsoid(fig, form: str = "sum", lr: float = 0.6, beta: float = 0.5,
                     n_steps: int = 20, reference: str = "gradient descent") -> None:
    """Redraw a figure made by :func:`plot_ellipsoid` in place."""
    form, lr, beta, n_steps, reference = _check_ellipsoid_args(form, lr, beta, n_steps,
                                                               reference)
    path, ref = _ellipsoid_runs(form, lr, beta, n_steps, reference)
    left, right, label, ref_label = _ellipsoid_texts(form, lr, beta, n_steps, reference, path,
                                                     ref)
    r, p = _for_drawing(ref), _for_drawing(path)
    steps = np.arange(n_steps + 1)
    for gid, x, y, text in (("ref-path", r[:, 0], r[:, 1], ref_label),
                            ("path", p[:, 0], p[:, 1], label),
                            ("ref-loss", steps, _loss_for_drawing(ref), ref_label),
                            ("loss", steps, _loss_for_drawing(path), label)):
        line = artist_with_gid(fig, gid)
        line.set_data(x, y)
        line.set_label(text)
    for ax in fig.axes[:1]:
        legend = ax.get_legend()
        for handle_text, line_gid in zip(legend.get_texts(), ("ref-path", "path"), strict=True):
            handle_text.set_text(artist_with_gid(fig, line_gid).get_label())
    _set_ellipsoid_texts(fig, n_steps, left, right)


# --------------------------------------------------------------------------------------
# Registered explorers
# --------------------------------------------------------------------------------------

ELLIPSOID = register(Explorer(
    name="l08_momentum.ellipsoid",
    lesson="08_momentum",
    plot=plot_ellipsoid,
    controls=(
        Control("form", "sum", options=FORMS, description="method"),
        Control("lr", 0.6, -2.0, 1.0, step=0.05, log=True, description="η"),
        Control("beta", 0.5, 0.0, 0.95, step=0.05, description="β"),
        Control("n_steps", 20, 5, 100, step=5, description="steps"),
        Control("reference", "gradient descent", options=REFERENCES, description="compare"),
    ),
    source=__name__,
    update=update_ellipsoid,
))

EWA = register(Explorer(
    name="l08_momentum.ewa",
    lesson="08_momentum",
    plot=plot_ewa,
    controls=(
        Control("beta", 0.9, 0.5, 0.98, step=0.01, description="β"),
        Control("view", "all 150 days", options=EWA_VIEWS, description="show"),
    ),
    source=__name__,
    update=update_ewa,
))
