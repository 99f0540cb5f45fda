r"""Lesson 10 (Newton's method): the figures, the reference answers and two explorers.

Everything is drawn from :mod:`course_lib.optim` (``Newton``, ``RegularizedNewton``,
``SGD``) and :mod:`course_lib.objectives`. Two explorers are registered
(:class:`course_lib.widgets.Explorer`), each with an in-place ``update``:

- ``l10_newton.model``: the second-order Taylor model of a one-dimensional double well at
  :math:`x_0` (seed 001, eq. 8.26), with :math:`\alpha` added to its curvature (eq. 8.28),
  the point the (regularized) Newton step jumps to, and the iterates that follow. Where
  :math:`f''(x_0) + \alpha < 0` the model is a hill and the step goes to its top.
- ``l10_newton.paths``: Newton, regularized Newton and gradient descent on a chosen 2-D
  surface (the saddle :math:`x^2 - y^2`, seed 002's ellipsoid :math:`0.1x_1^2 + 2x_2^2`,
  Rosenbrock's valley) from a chosen start: the paths on the contours and the loss
  against the step.

The contour lines of each surface are computed once (``functools.cache``) and drawn as a
single line, so a slider change only reruns three short optimizations and moves lines.
``plot_*`` builds the artists and then calls the same ``_apply_*`` function that
``update_*`` calls, so an updated figure looks exactly like a fresh one.

The module also holds the reference answers of the lesson's analysis exercises
(:func:`descent_damping`, :func:`gd_steps_to_tolerance`, :func:`max_newton_parameters`) and
the cost figures of section 5.
"""

from __future__ import annotations

import math
import time
from functools import cache
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from course_lib import objectives, optim
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

LESSON = "10_second_order"

COLORS = {"newton": "C3", "regularized": "C2", "gd": "C0"}
LABELS = {"newton": "Newton", "regularized": "regularized Newton (H + αI)",
          "gd": "gradient descent"}
METHODS = ("newton", "regularized", "gd")

ESCAPE = 1e3
"""A run stops once its iterate leaves the box ``|x|, |y| <= ESCAPE`` (it has diverged)."""

LOSS_FLOOR = 1e-16
"""Where a log-scale loss panel bottoms out: ``f - f*`` below this counts as reached."""


def _log_axis(ax, ticks, axis: str = "y") -> None:
    """A log axis with a few plain labels and no minor ticks (mathtext labels are slow)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    target.set_minor_locator(NullLocator())


# --------------------------------------------------------------------------------------
# Reference answers of the analysis exercises
# --------------------------------------------------------------------------------------


def descent_damping(H: object, margin: float = 1e-3) -> float:
    r"""The smallest :math:`\alpha \ge 0` making every eigenvalue of :math:`H + \alpha I` >= margin.

    Adding :math:`\alpha I` adds :math:`\alpha` to every eigenvalue of the symmetric
    :math:`H` (seed 001, eq. 8.28), so the answer is
    :math:`\max(0,\ \text{margin} - \lambda_{\min}(H))`. With ``margin > 0`` the damped
    matrix is positive definite, so :math:`-(H + \alpha I)^{-1} g` is a descent direction.
    """
    H = check_array("H", H, ndim=2)
    if H.shape[0] != H.shape[1]:
        raise CourseLibError(f"H must be a square matrix, got shape {H.shape}")
    if not np.allclose(H, H.T, rtol=1e-12, atol=1e-12):
        raise CourseLibError("H must be symmetric (a Hessian is)")
    margin = check_positive("margin", margin)
    return max(0.0, margin - float(np.linalg.eigvalsh(H)[0]))


def gd_steps_to_tolerance(eigenvalues: object, x0: object, lr: float, tol: float,
                          max_steps: int = 100_000) -> int | None:
    r"""Gradient-descent steps on :math:`\tfrac12\sum_i \lambda_i x_i^2` until ``‖x_t‖₂ <= tol``.

    Each step multiplies coordinate :math:`i` by :math:`1 - \eta\lambda_i`, so
    :math:`x_{t,i} = (1 - \eta\lambda_i)^t x_{0,i}`; the answer is the smallest such
    :math:`t \ge 0` (0 if :math:`x_0` is already within ``tol``), or None if no
    :math:`t \le` ``max_steps`` qualifies (the run diverges or is too slow). Any quadratic
    is of this form in the eigenbasis of its Hessian, with :math:`x` measured from the
    minimizer. Newton's method needs one step.

    The norms are computed in closed form, in blocks of steps and in log space (no
    overflow when a coordinate grows).
    """
    lam = check_array("eigenvalues", eigenvalues, ndim=1)
    x0 = check_array("x0", x0, ndim=1)
    if lam.shape != x0.shape:
        raise CourseLibError(f"eigenvalues and x0 must have the same shape, got {lam.shape} "
                             f"and {x0.shape}")
    lr = check_positive("lr", lr)
    tol = check_positive("tol", tol)
    max_steps = check_int("max_steps", max_steps)
    keep = x0 != 0.0
    if not keep.any() or np.linalg.norm(x0) <= tol:
        return 0
    log_x0 = np.log(np.abs(x0[keep]))
    rate = np.abs(1.0 - lr * lam[keep])
    with np.errstate(divide="ignore"):
        log_rate = np.log(rate)  # -inf where a coordinate is zeroed in one step
    log_tol2 = 2.0 * math.log(tol)
    block = 4096
    for start in range(1, max_steps + 1, block):
        t = np.arange(start, min(start + block, max_steps + 1), dtype=np.float64)
        with np.errstate(invalid="ignore"):
            logs = log_x0[None, :] + t[:, None] * log_rate[None, :]
        logs = np.where(np.isnan(logs), -np.inf, logs)  # 0 * -inf: that coordinate is 0
        # log ‖x_t‖² by log-sum-exp: finite even when a coordinate is astronomically large
        top = np.max(2.0 * logs, axis=1)
        safe = np.where(np.isfinite(top), top, 0.0)
        with np.errstate(divide="ignore"):
            log_norm2 = safe + np.log(np.sum(np.exp(2.0 * logs - safe[:, None]), axis=1))
        log_norm2 = np.where(np.isfinite(top), log_norm2, -np.inf)
        hit = np.nonzero(log_norm2 <= log_tol2)[0]
        if hit.size:
            return int(t[hit[0]])
    return None


def max_newton_parameters(memory_bytes: float, bytes_per_number: int = 8) -> int:
    r"""The largest :math:`k` whose :math:`k \times k` Hessian fits in ``memory_bytes``.

    A dense Hessian of :math:`k` parameters holds :math:`k^2` numbers, each
    ``bytes_per_number`` bytes (8 for float64, 4 for float32), so :math:`k` is the largest
    integer with :math:`b\,k^2 \le M`: :math:`\lfloor\sqrt{\lfloor M/b\rfloor}\rfloor`.
    """
    memory = check_nonnegative("memory_bytes", memory_bytes)
    b = check_int("bytes_per_number", bytes_per_number, minimum=1)
    return math.isqrt(int(memory // b))


class CostRow(NamedTuple):
    """Per-step cost of gradient descent and Newton's method for ``k`` parameters."""

    k: int
    gd_bytes: float
    newton_bytes: float
    solve_flops: float
    solve_seconds: float


def cost_rows(ks: tuple[int, ...] = (10, 1_000, 100_000, 10_000_000),
              flops_per_second: float = 1e11) -> list[CostRow]:
    r"""What one step stores and computes, beyond :math:`\theta` itself, in float64.

    Gradient descent: the gradient, :math:`k` numbers. Newton: the gradient and the
    Hessian, :math:`k + k^2` numbers, and a Cholesky solve of :math:`H d = g`, about
    :math:`k^3/3` flops, timed at ``flops_per_second`` (1e11 is a good laptop).
    """
    rate = check_positive("flops_per_second", flops_per_second)
    rows = []
    for k in ks:
        k = check_int("k", k, minimum=1)
        flops = k**3 / 3.0
        rows.append(CostRow(k, 8.0 * k, 8.0 * (k + k * k), flops, flops / rate))
    return rows


# --------------------------------------------------------------------------------------
# Runs of the three methods on a 2-D surface
# --------------------------------------------------------------------------------------


class Surface(NamedTuple):
    """A 2-D test surface and how the explorer draws it."""

    label: str
    objective: objectives.Objective
    window: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    levels: tuple[float, ...]
    critical: tuple[float, float]
    critical_label: str
    loss_scale: str  # "log": plot f − f*; "linear": plot f
    loss_limits: tuple[float, float]


SURFACE_NAMES = ("saddle", "ellipsoid", "rosenbrock")


@cache
def surface(name: str) -> Surface:
    """The saddle :math:`x^2 - y^2`, seed 002's ellipsoid, or Rosenbrock's valley."""
    check_choice("surface", name, SURFACE_NAMES)
    if name == "saddle":
        return Surface("saddle f = x² − y² (seed 002)", objectives.saddle(),
                       (-2.5, 2.5, -2.5, 2.5), tuple(float(v) for v in range(-5, 6)),
                       (0.0, 0.0), "saddle point", "linear", (-10.0, 6.0))
    if name == "ellipsoid":
        return Surface("ellipsoid f = 0.1x² + 2y² (seed 002)", objectives.ellipsoid(),
                       (-2.5, 2.5, -2.5, 2.5),
                       tuple(0.02 * 2.0**i for i in range(11)),
                       (0.0, 0.0), "minimum", "log", (LOSS_FLOOR, 1e3))
    return Surface("Rosenbrock f = (1 − x)² + 100(y − x²)²", objectives.rosenbrock(),
                   (-2.2, 2.2, -1.5, 3.0), tuple(0.25 * 3.0**i for i in range(9)),
                   (1.0, 1.0), "minimum", "log", (LOSS_FLOOR, 1e5))


@cache
def contour_lines(name: str) -> np.ndarray:
    """Every contour of a surface as one ``(n, 2)`` polyline, NaN rows between pieces.

    Computed once (contourpy) and drawn as a single line: much faster than ``ax.contour``
    at every redraw. The quadratics are evaluated exactly from the objective's value,
    gradient and Hessian at the origin, on a grid twice the window's size (a start outside
    the window still sits on contours); Rosenbrock point by point on a finer grid a little
    larger than its window, since its narrow valley needs the resolution.
    """
    import contourpy

    s = surface(name)
    f = s.objective
    x0, x1, y0, y1 = s.window
    quadratic = name != "rosenbrock"
    scale, n = (2.0, 201) if quadratic else (1.2, 281)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hx, hy = scale * (x1 - x0) / 2, scale * (y1 - y0) / 2
    X, Y = np.meshgrid(np.linspace(cx - hx, cx + hx, n), np.linspace(cy - hy, cy + hy, n))
    if quadratic:
        # a quadratic equals its second-order Taylor expansion (8.26) about any point
        origin = np.zeros(2)
        g, h = f.gradient(origin), f.hessian(origin)
        P = np.stack([X, Y], axis=-1)
        Z = f.value(origin) + P @ g + 0.5 * np.einsum("...i,ij,...j->...", P, h, P)
    else:
        Z = np.array([[f.value((x, y)) for x, y in zip(xr, yr, strict=True)]
                      for xr, yr in zip(X, Y, strict=True)])
    gen = contourpy.contour_generator(X, Y, Z)
    pieces = []
    for level in s.levels:
        for line in gen.lines(level):
            pieces.append(np.vstack([line, [np.nan, np.nan]]))
    out = np.concatenate(pieces) if pieces else np.empty((0, 2))
    out.setflags(write=False)
    return out


class Path(NamedTuple):
    """The iterates of one run (``points[0]`` is the start) and why it stopped early."""

    points: np.ndarray
    stopped: str  # "" (ran every step), "diverged" or "singular"


def method_path(name: str, method: str, start: tuple[float, float], alpha: float = 1.0,
                lr: float = 0.1, n_steps: int = 20) -> Path:
    r"""Run Newton, regularized Newton (:math:`\alpha`) or gradient descent (``lr``).

    Uses ``optim.Newton``, ``optim.RegularizedNewton`` and ``optim.SGD`` on the surface's
    objective. The run stops early when an iterate leaves the box of half-width
    :data:`ESCAPE` (kept, so its line leaves the window) or when :math:`H + \alpha I` is
    singular (the step is undefined).
    """
    s = surface(name)
    check_choice("method", method, METHODS)
    alpha = check_nonnegative("alpha", alpha)
    lr = check_positive("lr", lr)
    n_steps = check_int("n_steps", n_steps)
    f = s.objective
    if method == "newton":
        opt = optim.Newton(hessian=f.hessian_fn)
    elif method == "regularized":
        opt = optim.RegularizedNewton(hessian=f.hessian_fn, alpha=alpha)
    else:
        opt = optim.SGD(lr=lr)
    params = f.params(start)
    state = opt.init(params)
    points = [params["x"]]
    stopped = ""
    for _ in range(n_steps):
        try:
            params, state = opt.update(params, f.grad_fn(params), state)
        except CourseLibError:
            stopped = "singular"
            break
        points.append(params["x"])
        if np.abs(params["x"]).max() > ESCAPE:
            stopped = "diverged"
            break
    return Path(np.array(points), stopped)


def _loss_curve(s: Surface, points: np.ndarray) -> np.ndarray:
    values = np.array([s.objective.value(p) for p in points])
    if s.loss_scale == "log":
        return np.maximum(values - s.objective.minimum, LOSS_FLOOR)
    return values


def _window(s: Surface, x0: float, y0: float) -> tuple[float, float, float, float]:
    """The surface's window, widened to show a start that lies outside it."""
    a, b, c, d = s.window
    pad = 0.3
    return min(a, x0 - pad), max(b, x0 + pad), min(c, y0 - pad), max(d, y0 + pad)


def plot_paths(surface: str = "saddle", x0: float = 1.0, y0: float = 0.5,
               alpha: float = 3.0, lr: float = 0.1, n_steps: int = 20):
    """Newton, regularized Newton and gradient descent from ``(x0, y0)`` on a surface.

    Left: the contours, the critical point, the start and the three paths. Right: the
    loss against the step, :math:`f - f^*` on a log scale where the surface has a minimum
    (reaching ``LOSS_FLOOR`` means converged to machine precision) and :math:`f` itself on
    the saddle, which has none.
    """
    for name in SURFACE_NAMES:  # every surface's contours now, so no slider change waits
        contour_lines(name)
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(10.0, 4.2))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.82, wspace=0.25)
    ax.plot([], [], color="0.78", lw=0.8, gid="contours")
    ax.plot([], [], "k*", ms=12, zorder=4, gid="critical")
    ax.plot([], [], "ko", ms=6, mfc="w", zorder=5, gid="start")
    for m in METHODS:
        ax.plot([], [], "-o", color=COLORS[m], ms=3, lw=1.3, gid=f"path-{m}")
        ax_loss.plot([], [], "-o", color=COLORS[m], ms=3, lw=1.3, gid=f"loss-{m}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax_loss.set_xlabel("step t")
    ax_loss.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    handles = [Line2D([], [], color=COLORS[m], marker="o", ms=3, label=LABELS[m])
               for m in METHODS]
    handles.append(Line2D([], [], color="k", marker="o", mfc="w", ls="", label="start"))
    handles.append(Line2D([], [], color="k", marker="*", ms=10, ls="",
                          label="critical point"))
    fig.legend(handles=handles, loc="upper center", ncol=5, frameon=False, fontsize=8.5)
    fig.text(0.5, 0.885, "", ha="center", fontsize=9, gid="status")
    _apply_paths(fig, surface, x0, y0, alpha, lr, n_steps)
    return fig


def _apply_paths(fig, surface_name, x0, y0, alpha, lr, n_steps) -> None:
    s = surface(surface_name)
    x0, y0 = check_real("x0", x0), check_real("y0", y0)
    ax, ax_loss = fig.axes
    contours = contour_lines(surface_name)
    artist_with_gid(fig, "contours").set_data(contours[:, 0], contours[:, 1])
    artist_with_gid(fig, "critical").set_data([s.critical[0]], [s.critical[1]])
    artist_with_gid(fig, "start").set_data([x0], [y0])
    status = []
    finals = []
    for m in METHODS:
        path = method_path(surface_name, m, (x0, y0), alpha, lr, n_steps)
        artist_with_gid(fig, f"path-{m}").set_data(path.points[:, 0], path.points[:, 1])
        loss = _loss_curve(s, path.points)
        artist_with_gid(fig, f"loss-{m}").set_data(np.arange(len(loss)), loss)
        short = {"newton": "Newton", "regularized": "reg. Newton", "gd": "GD"}[m]
        if path.stopped == "singular":
            status.append(f"{short}: H + αI singular, stopped at step {len(loss) - 1}")
        elif path.stopped == "diverged":
            status.append(f"{short}: diverged (|θ| > {ESCAPE:g}) at step {len(loss) - 1}")
        elif s.loss_scale == "log" and loss[-1] <= LOSS_FLOOR:
            finals.append(f"{short} < {LOSS_FLOOR:g}")
        else:
            finals.append(f"{short} {loss[-1]:.3g}")
    what = "f − f*" if s.loss_scale == "log" else "f"
    line = f"after {n_steps} steps, {what}: " + ", ".join(finals) if finals else ""
    artist_with_gid(fig, "status").set_text("; ".join([line, *status] if line else status))
    a, b, c, d = _window(s, x0, y0)
    ax.set_xlim(a, b)
    ax.set_ylim(c, d)
    ax.set_title(s.label, fontsize=10, y=1.0)
    if s.loss_scale == "log":
        _log_axis(ax_loss, [10.0**e for e in range(-16, 6, 4)])
        ax_loss.set_ylabel("f(θₜ) − f*  (log scale)")
    else:
        ax_loss.set_yscale("linear")
        ax_loss.set_ylabel("f(θₜ)")
    ax_loss.set_ylim(*s.loss_limits)
    ax_loss.set_xlim(0, max(n_steps, 1))
    ax_loss.set_title(f"loss against step (α = {alpha:.3g}, GD η = {lr:.3g})", fontsize=10,
                      y=1.0)


def update_paths(fig, surface: str = "saddle", x0: float = 1.0, y0: float = 0.5,
                 alpha: float = 3.0, lr: float = 0.1, n_steps: int = 20) -> None:
    """Redraw a figure made by :func:`plot_paths` for new values, in place."""
    _apply_paths(fig, surface, x0, y0, alpha, lr, n_steps)


PATHS = register(Explorer(
    name="l10_newton.paths",
    lesson=LESSON,
    plot=plot_paths,
    update=update_paths,
    controls=(
        Control("surface", "saddle", options=SURFACE_NAMES, description="surface"),
        Control("x0", 1.0, -2.0, 2.0, step=0.1, description="start x₀"),
        Control("y0", 0.5, -1.5, 2.0, step=0.1, description="start y₀"),
        Control("alpha", 3.0, 0.0, 20.0, step=0.1, description="α"),
        Control("lr", 0.1, -3.5, 0.0, step=0.1, log=True, description="GD η"),
        Control("n_steps", 20, 1, 100, description="steps"),
    ),
    source="seed 001, eqs. 8.27 and 8.28; seed 002, 'SADDLE POINTS' and the ellipsoid",
))


# --------------------------------------------------------------------------------------
# The quadratic model in one dimension (seed 001, eq. 8.26)
# --------------------------------------------------------------------------------------


@cache
def double_well() -> objectives.Objective:
    r""":math:`f(x) = x^4/4 - x^2`: minima at :math:`\pm\sqrt2`, a maximum at 0.

    :math:`f'(x) = x^3 - 2x` and :math:`f''(x) = 3x^2 - 2`, negative for
    :math:`|x| < \sqrt{2/3}`: there the quadratic model is a hill.
    """
    return objectives.Objective(
        name="double_well", dim=1, source="lesson 10 (a one-dimensional non-convex example)",
        _value=lambda x: float(x[0] ** 4 / 4 - x[0] ** 2),
        _gradient=lambda x: np.array([x[0] ** 3 - 2 * x[0]]),
        _hessian=lambda x: np.array([[3 * x[0] ** 2 - 2]]),
    )


MODEL_X = np.linspace(-2.4, 2.4, 241)
MODEL_X.setflags(write=False)
CRITICAL_1D = (-math.sqrt(2.0), 0.0, math.sqrt(2.0))


class ModelStep(NamedTuple):
    """The damped quadratic model at ``x0`` and where its step goes."""

    x0: float
    slope: float       # f'(x0)
    curvature: float   # f''(x0) + α, the model's curvature
    x1: float          # x0 − f'(x0)/(f''(x0) + α), NaN when the curvature is 0


def model_step(x0: float, alpha: float = 0.0) -> ModelStep:
    r"""One (regularized) Newton step on :func:`double_well` from ``x0``.

    The model :math:`m(x) = f(x_0) + f'(x_0)(x - x_0) + \tfrac12(f''(x_0) + \alpha)(x - x_0)^2`
    is stationary at :math:`x_1 = x_0 - f'(x_0)/(f''(x_0) + \alpha)`: its minimum when the
    curvature is positive, its maximum when negative, nowhere when 0 (x1 is NaN then).
    """
    x0 = check_real("x0", x0)
    alpha = check_nonnegative("alpha", alpha)
    f = double_well()
    slope = float(f.gradient(x0)[0])
    curv = float(f.hessian(x0)[0, 0]) + alpha
    x1 = x0 - slope / curv if abs(curv) > 1e-12 else math.nan
    return ModelStep(x0, slope, curv, x1)


def newton_iterates_1d(x0: float, alpha: float = 0.0, n_steps: int = 12) -> np.ndarray:
    """Regularized Newton (``optim.RegularizedNewton``) on :func:`double_well` from ``x0``.

    Stops early if the step is undefined or an iterate leaves ``|x| <= ESCAPE``.
    """
    f = double_well()
    opt = optim.RegularizedNewton(hessian=f.hessian_fn, alpha=check_nonnegative("alpha", alpha))
    params = f.params(check_real("x0", x0))
    state = opt.init(params)
    xs = [float(params["x"][0])]
    for _ in range(check_int("n_steps", n_steps)):
        try:
            params, state = opt.update(params, f.grad_fn(params), state)
        except CourseLibError:
            break
        xs.append(float(params["x"][0]))
        if abs(xs[-1]) > ESCAPE:
            break
    return np.array(xs)


MODEL_STEPS = 12


def plot_model(x0: float = 0.5, alpha: float = 0.0):
    """The double well, its damped quadratic model at ``x0`` and the Newton iterates.

    Left: :math:`f`, the model (dashed), the current point and the point the step jumps
    to (on the model and on :math:`f`); the title says whether the step went down or up.
    Right: the iterates :math:`x_t` of the same method, with the two minima and the
    maximum of :math:`f` marked.
    """
    fig, (ax, ax_it) = plt.subplots(1, 2, figsize=(10.0, 4.0),
                                    gridspec_kw={"width_ratios": [1.35, 1.0]})
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.85, wspace=0.22)
    f = double_well()
    ax.plot(MODEL_X, [f.value(x) for x in MODEL_X], color="k", lw=1.6, label="f(x) = x⁴/4 − x²")
    ax.plot([], [], "--", color="C1", lw=1.4, label="model m(x) (eq. 8.26, + α)", gid="model")
    ax.plot([], [], "o", color="k", ms=7, mfc="w", zorder=4, label="x₀", gid="x0")
    ax.plot([], [], "o", color="C1", ms=6, zorder=4, label="step target on the model",
            gid="x1-model")
    ax.plot([], [], "s", color="C3", ms=6, zorder=4, label="f at the new point x₁",
            gid="x1-f")
    ax.set_xlim(MODEL_X[0], MODEL_X[-1])
    ax.set_ylim(-2.0, 3.0)
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.legend(loc="upper center", fontsize=8)
    for value, name in zip(CRITICAL_1D, ("minimum", "maximum", "minimum"), strict=True):
        ax_it.axhline(value, color="0.6", ls=":" if name == "maximum" else "--", lw=1)
        ax_it.text(MODEL_STEPS + 0.2, value, name, fontsize=8, va="bottom", ha="right",
                   color="0.4")
    ax_it.plot([], [], "-o", color="C1", ms=4, gid="iterates")
    ax_it.set_xlim(0, MODEL_STEPS + 0.3)
    ax_it.set_ylim(-2.6, 2.6)
    ax_it.set_xlabel("step t")
    ax_it.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    ax_it.set_ylabel("xₜ")
    _apply_model(fig, x0, alpha)
    return fig


def _apply_model(fig, x0, alpha) -> None:
    step = model_step(x0, alpha)
    f = double_well()
    fx0 = f.value(step.x0)
    d = MODEL_X - step.x0
    model = fx0 + step.slope * d + 0.5 * step.curvature * d * d
    artist_with_gid(fig, "model").set_data(MODEL_X, model)
    artist_with_gid(fig, "x0").set_data([step.x0], [fx0])
    ax, ax_it = fig.axes
    if math.isnan(step.x1):
        artist_with_gid(fig, "x1-model").set_data([], [])
        artist_with_gid(fig, "x1-f").set_data([], [])
        title = (f"f''(x₀) + α = {step.curvature:.2f}: the model is a straight line, "
                 "the step is undefined")
    else:
        dx = step.x1 - step.x0
        model_at_x1 = fx0 + step.slope * dx + 0.5 * step.curvature * dx * dx
        shape = "a bowl: x₁ is its minimum" if step.curvature > 0 else "a hill: x₁ is its TOP"
        if abs(step.x1) <= ESCAPE:
            f_x1 = f.value(step.x1)
            artist_with_gid(fig, "x1-model").set_data([step.x1], [model_at_x1])
            artist_with_gid(fig, "x1-f").set_data([step.x1], [f_x1])
            trend = "down" if f_x1 < fx0 else "UP"
            where = f"x₁ = {step.x1:.3g}; f goes {trend}: {fx0:.3g} → {f_x1:.3g}"
        else:
            artist_with_gid(fig, "x1-model").set_data([], [])
            artist_with_gid(fig, "x1-f").set_data([], [])
            where = f"x₁ = {step.x1:.3g}: far off the plot (a nearly flat model)"
        title = f"f''(x₀) + α = {step.curvature:.2f}, the model is {shape}\n{where}"
    ax.set_title(title, fontsize=9.5, y=1.0)
    xs = newton_iterates_1d(step.x0, alpha, MODEL_STEPS)
    artist_with_gid(fig, "iterates").set_data(np.arange(len(xs)), xs)
    where = ("≈ a minimum" if abs(abs(xs[-1]) - math.sqrt(2.0)) < 1e-4
             else "≈ the maximum" if abs(xs[-1]) < 1e-4 else "no critical point yet")
    ax_it.set_title(f"α = {alpha:.3g}: after {len(xs) - 1} steps x = {xs[-1]:.4g}\n({where})",
                    fontsize=9.5, y=1.0)


def update_model(fig, x0: float = 0.5, alpha: float = 0.0) -> None:
    """Redraw a figure made by :func:`plot_model` for new values, in place."""
    _apply_model(fig, x0, alpha)


MODEL = register(Explorer(
    name="l10_newton.model",
    lesson=LESSON,
    plot=plot_model,
    update=update_model,
    controls=(
        Control("x0", 0.5, -2.2, 2.2, step=0.05, description="x₀"),
        Control("alpha", 0.0, 0.0, 6.0, step=0.1, description="α"),
    ),
    source="seed 001, eqs. 8.26–8.28",
))


# --------------------------------------------------------------------------------------
# Static figures: damping as an interpolation, GD steps against conditioning, cost
# --------------------------------------------------------------------------------------


def damped_steps(theta0: object = (1.0, 0.5), alphas: object = None) -> dict[str, np.ndarray]:
    r"""On the saddle, the regularized Newton point and the GD point with rate :math:`1/\alpha`.

    Returns ``alphas`` and, for each, :math:`\theta_0 - (H + \alpha I)^{-1} g` (from
    ``optim.RegularizedNewton``) and :math:`\theta_0 - g/\alpha` (from ``optim.SGD``), with
    :math:`H = \mathrm{diag}(2, -2)`. For large :math:`\alpha` the two differ by about
    :math:`Hg/\alpha^2`.
    """
    f = objectives.saddle()
    if alphas is None:
        alphas = np.logspace(math.log10(2.2), 3, 80)
    alphas = check_array("alphas", alphas, ndim=1)
    params = f.params(theta0)
    grads = f.grad_fn(params)
    newton, gd = [], []
    for a in alphas:
        a = check_positive("alpha", float(a))
        opt = optim.RegularizedNewton(hessian=f.hessian_fn, alpha=a)
        newton.append(opt.update(params, grads, opt.init(params))[0]["x"])
        sgd = optim.SGD(lr=1.0 / a)
        gd.append(sgd.update(params, grads, sgd.init(params))[0]["x"])
    return {"alphas": alphas, "regularized": np.array(newton), "gd": np.array(gd)}


def plot_damping(theta0: object = (1.0, 0.5)):
    r"""How :math:`\alpha` trades Newton for gradient descent with step :math:`1/\alpha`.

    Left: on the saddle's contours, the regularized Newton point for every
    :math:`\alpha > 2` (where :math:`H + \alpha I` is positive definite) and the GD point
    with rate :math:`1/\alpha`, with :math:`\alpha = 3` (seed 001's example) marked, and the
    plain Newton point (the saddle). Right: the distance between the two points against
    :math:`\alpha`, which falls like :math:`1/\alpha^2`.
    """
    out = damped_steps(theta0)
    f = objectives.saddle()
    start = f.params(theta0)["x"]
    fig, (ax, ax_d) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.9, wspace=0.25)
    contours = contour_lines("saddle")
    ax.plot(contours[:, 0], contours[:, 1], color="0.8", lw=0.8)
    reg, gd = out["regularized"], out["gd"]
    ax.plot(reg[:, 0], reg[:, 1], color=COLORS["regularized"], lw=2,
            label="θ₀ − (H + αI)⁻¹g, α from 2.2 to 1000")
    ax.plot(gd[:, 0], gd[:, 1], color=COLORS["gd"], lw=1.5, ls="--",
            label="θ₀ − g/α (GD, η = 1/α)")
    for a in (3.0, 10.0):
        r = damped_steps(theta0, [a])
        ax.plot(*r["regularized"][0], "o", color=COLORS["regularized"], ms=6)
        ax.plot(*r["gd"][0], "o", color=COLORS["gd"], ms=5)
        ax.annotate(f"α = {a:g}", r["regularized"][0], xytext=(6, 2),
                    textcoords="offset points", fontsize=8)
    ax.plot(0.0, 0.0, "*", color=COLORS["newton"], ms=13, label="α = 0: Newton → saddle")
    ax.plot(*start, "ko", mfc="w", ms=7, label="θ₀ = (1, 0.5)")
    ax.set_xlim(-1.0, 2.0)
    ax.set_ylim(-0.5, 2.0)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title("saddle x² − y²: one step from θ₀ for each α", fontsize=10)
    dist = np.linalg.norm(reg - gd, axis=1)
    alphas = out["alphas"]
    ax_d.loglog(alphas, dist, color="k", lw=1.8, label="‖regularized Newton − GD(1/α)‖")
    g = f.gradient(start)
    hg = np.linalg.norm(f.hessian(start) @ g)
    ax_d.loglog(alphas, hg / alphas**2, color="0.5", ls="--", label="‖Hg‖/α²")
    ax_d.set_xlabel("α (log scale)")
    ax_d.set_ylabel("distance between the two points")
    ax_d.legend(fontsize=8)
    ax_d.set_title("large α: regularized Newton ≈ GD with η = 1/α", fontsize=10)
    return fig


def plot_steps_vs_condition(kappas: object = None, tol: float = 1e-6):
    r"""GD steps to reach ``tol`` on :math:`\tfrac12(x_1^2 + \kappa x_2^2)`, against :math:`\kappa`.

    From :math:`x_0 = (1, 1)`, with the best fixed rate :math:`\eta = 2/(1 + \kappa)` and
    with :math:`\eta = 1/\kappa` (:func:`gd_steps_to_tolerance`); Newton needs one step for
    every :math:`\kappa`.
    """
    if kappas is None:
        kappas = np.logspace(0, 4, 17)
    kappas = check_array("kappas", kappas, ndim=1)
    tol = check_positive("tol", tol)
    best, safe = [], []
    for k in kappas:
        lam = np.array([1.0, float(k)])
        best.append(gd_steps_to_tolerance(lam, [1.0, 1.0], 2.0 / (1.0 + k), tol,
                                          max_steps=10**7))
        safe.append(gd_steps_to_tolerance(lam, [1.0, 1.0], 1.0 / k, tol, max_steps=10**7))
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.14, top=0.9)
    ax.loglog(kappas, [max(s, 1) for s in safe], "-o", color=COLORS["gd"], ms=4,
              label="GD, η = 1/λ_max")
    ax.loglog(kappas, [max(s, 1) for s in best], "-s", color="C9", ms=4,
              label="GD, best η = 2/(λ_min + λ_max)")
    ax.loglog(kappas, np.ones_like(kappas), "-", color=COLORS["newton"], lw=2,
              label="Newton: 1 step")
    ax.set_xlabel("condition number κ = λ_max/λ_min (log scale)")
    ax.set_ylabel(f"steps until ‖x‖ ≤ {tol:g} (log scale)")
    ax.set_title("f = ½(x₁² + κx₂²) from (1, 1)", fontsize=10)
    ax.legend(fontsize=8)
    return fig


def solve_times(sizes: tuple[int, ...], rng: np.random.Generator,
                repeats: int = 3) -> dict[str, np.ndarray]:
    r"""Measured seconds of ``np.linalg.solve`` and of ``np.linalg.inv`` then a product.

    For each :math:`k` a random symmetric positive definite
    :math:`H = (A + A^\top)/(2\sqrt k) + 3I` (the symmetric part's eigenvalues lie within
    about :math:`\pm\sqrt2`, so :math:`H`'s are positive) and vector :math:`g` (from
    ``rng``); the best of ``repeats`` runs. Wall-clock times: they vary with the machine and
    its load.
    """
    from threadpoolctl import threadpool_limits

    check_rng(rng)
    repeats = check_int("repeats", repeats, minimum=1)
    ks = [check_int("k", k, minimum=1) for k in sizes]
    with threadpool_limits(limits=1):  # one BLAS thread: steadier timings on a busy machine
        best = np.array([_best_times(k, rng, repeats) for k in ks]).reshape(-1, 2)
    return {"k": np.array(ks), "solve": best[:, 0], "inv": best[:, 1]}


def _best_times(k: int, rng: np.random.Generator, repeats: int) -> tuple[float, float]:
    """The best of ``repeats`` times of solve and of inv-then-product, for one size."""
    a = rng.standard_normal((k, k))
    h = (a + a.T) / (2.0 * math.sqrt(k)) + 3.0 * np.eye(k)  # O(k²) to build, unlike AAᵀ
    g = rng.standard_normal(k)
    best_s = best_i = math.inf
    for _ in range(repeats):
        t = time.perf_counter()
        np.linalg.solve(h, g)
        best_s = min(best_s, time.perf_counter() - t)
        t = time.perf_counter()
        np.linalg.inv(h) @ g
        best_i = min(best_i, time.perf_counter() - t)
    return best_s, best_i


def plot_solve_times(times: dict[str, np.ndarray]):
    """Measured solve and inverse times against :math:`k`, with a :math:`k^3` guide line."""
    k = np.asarray(times["k"], dtype=np.float64)
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    fig.subplots_adjust(left=0.13, right=0.97, bottom=0.14, top=0.9)
    ax.loglog(k, times["solve"], "-o", color="C2", label="np.linalg.solve(H, g)")
    ax.loglog(k, times["inv"], "-s", color="C3", label="np.linalg.inv(H) @ g")
    guide = times["solve"][-1] * (k / k[-1]) ** 3
    ax.loglog(k, guide, "--", color="0.5", label="∝ k³")
    _log_axis(ax, [float(v) for v in k], axis="x")
    ax.set_xlabel("number of parameters k (log scale)")
    ax.set_ylabel("seconds per Newton step (log scale)")
    ax.set_title("the cost of one Newton step grows like k³", fontsize=10)
    ax.legend(fontsize=8)
    return fig
