r"""Lesson 09 (AdaGrad, RMSProp, Adam and relatives): the figures and the widget explorations.

Every number drawn here comes from :mod:`course_lib.optim` (the reference optimizers) and
:mod:`course_lib.objectives` (the test surfaces). Two explorers are registered
(:class:`course_lib.widgets.Explorer`), each with an in-place ``update``:

- ``l09_adaptive.race``: SGD, momentum, RMSProp and Adam on one of three surfaces (seed
  002's ill-conditioned quadratic :math:`0.1x_1^2 + 2x_2^2`, the saddle :math:`x^2 - y^2`
  and Rosenbrock's valley), each with its own learning rate and decay rates: the paths on
  precomputed contours and the loss against the step;
- ``l09_adaptive.first_steps``: Adam's first steps on a constant gradient in each of the
  seeds' conventions (bias correction of the moments or of the step size, ε inside or
  outside the square root, no correction), and the first step against the size of the
  gradient: the forms agree while :math:`g^2 \gg \epsilon` and part when it is not.

The static figures: :func:`plot_effective_rates` (AdaGrad's decaying rate and its larger
rate for an infrequent feature, against RMSProp and Adam), :func:`plot_decay_comparison`
(L2 in the loss against AdamW's decoupled decay on a regression problem) and
:func:`plot_family` (every adaptive method of the lesson on two surfaces).

Runs are cached (:func:`functools.cache`), the contours are computed once per surface as
line vertices, and a slider change only reruns the optimizer it concerns and moves the
artists; a run that leaves the surface's box is stopped there (the optimizer diverged),
so no iterate overflows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType
from typing import NamedTuple

import contourpy
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from course_lib import objectives, optim
from course_lib._validation import (
    CourseLibError,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
    check_unit_interval,
)
from course_lib.widgets import Control, Explorer, register

# --------------------------------------------------------------------------------------
# Running an optimizer on a surface, stopping when it leaves the box
# --------------------------------------------------------------------------------------


class Surface(NamedTuple):
    """A 2-D test surface as the race draws it."""

    objective: objectives.Objective
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    levels: tuple[float, ...]
    n_steps: int
    bound: float
    """A run stops once a coordinate exceeds this in absolute value (it diverged)."""
    source: str


def _make_surfaces() -> Mapping[str, Surface]:
    return MappingProxyType({
        "ill-conditioned quadratic": Surface(
            objectives.ellipsoid(), (-5.0, -2.0), (-6.0, 2.0), (-3.0, 3.0),
            tuple(float(v) for v in np.geomspace(0.05, 40.0, 9)), 60, 50.0,
            "0.1x₁² + 2x₂² (seed 002)"),
        "saddle": Surface(
            objectives.saddle(), (1.4, 0.001), (-1.6, 1.6), (-1.6, 1.6),
            tuple(float(v) for v in np.linspace(-2.0, 2.0, 9)), 40, 3.0,
            "x² − y² (seed 002)"),
        "Rosenbrock": Surface(
            objectives.rosenbrock(), (-1.5, 2.0), (-2.0, 2.0), (-1.0, 3.0),
            tuple(float(v) for v in np.geomspace(0.1, 1000.0, 9)), 300, 50.0,
            "(1 − x)² + 100(y − x²)²"),
    })


SURFACES = _make_surfaces()
"""Name -> :class:`Surface` for the race (the dropdown's options)."""


def check_surface(name: object) -> Surface:
    return SURFACES[check_choice("surface", name, tuple(SURFACES))]


@cache
def path(surface: str, opt: optim.Optimizer) -> np.ndarray:
    """The iterates of ``opt`` on ``surface`` from its start, shape ``(k + 1, 2)``.

    ``k`` is the surface's ``n_steps``, or fewer when the run left the box
    ``|x_i| <= bound`` (it diverged, or escaped the saddle): the first iterate outside
    is the last row. The optimizers are frozen dataclasses, so the run is cached by
    their hyperparameters. Read-only.
    """
    spec = check_surface(surface)
    if not isinstance(opt, optim.Optimizer):
        raise CourseLibError(f"opt must be a course_lib optimizer, got {type(opt).__name__}")
    f = spec.objective
    params = f.params(spec.start)
    state = opt.init(params)
    points = [params["x"]]
    for _ in range(spec.n_steps):
        params, state = opt.update(params, f.grad_fn(opt.eval_point(params, state)), state)
        points.append(params["x"])
        if np.abs(params["x"]).max() > spec.bound:
            break
    out = np.array(points)
    out.setflags(write=False)
    return out


def loss_curve(surface: str, points: np.ndarray) -> np.ndarray:
    r"""What the race plots against the step: :math:`\log_{10}(f - f^*)`, or :math:`f`
    on the saddle (which has no minimum).

    :math:`f - f^*` is floored at :math:`10^{-16}` so an exact minimum shows as -16.
    """
    spec = check_surface(surface)
    f = spec.objective
    values = np.array([f.value(p) for p in points])
    if f.minimum is None:
        return values
    return np.log10(np.maximum(values - f.minimum, 1e-16))


@cache
def contour_vertices(surface: str) -> np.ndarray:
    """Every contour line of the surface at its levels, as one ``(n, 2)`` array.

    Lines are separated by a row of NaN, so a single ``Line2D`` draws them all (a
    ``contour`` call per redraw would cost more than the whole update budget).
    """
    spec = check_surface(surface)
    f = spec.objective
    xs = np.linspace(*spec.xlim, 160)
    ys = np.linspace(*spec.ylim, 160)
    gx, gy = np.meshgrid(xs, ys)
    # Objective.value takes one point at a time: 160² calls, once per surface (cached)
    z = np.array([f.value(p) for p in np.column_stack([gx.ravel(), gy.ravel()])])
    gen = contourpy.contour_generator(gx, gy, z.reshape(gx.shape))
    pieces = []
    for level in spec.levels:
        for line in gen.lines(level):
            pieces.append(np.vstack([line, [np.nan, np.nan]]))
    out = np.concatenate(pieces)
    out.setflags(write=False)
    return out


# --------------------------------------------------------------------------------------
# The race (explorer)
# --------------------------------------------------------------------------------------

RACERS = ("SGD", "momentum", "RMSProp", "Adam")
_RACE_COLORS = {"SGD": "C0", "momentum": "C1", "RMSProp": "C2", "Adam": "C3"}


def race_optimizers(lr_sgd: float = 0.4, lr_momentum: float = 0.05, beta: float = 0.9,
                    lr_rmsprop: float = 0.1, rho: float = 0.9, lr_adam: float = 0.3,
                    beta1: float = 0.9, beta2: float = 0.999) -> dict[str, optim.Optimizer]:
    """The four racers: ``optim.SGD``, ``optim.Momentum`` (Goodfellow's classic form),
    ``optim.RMSProp`` (ε outside the root, seed 000) and ``optim.Adam`` (corrected moments).
    """
    return {
        "SGD": optim.SGD(lr=check_positive("lr_sgd", lr_sgd)),
        "momentum": optim.Momentum(lr=check_positive("lr_momentum", lr_momentum),
                                   beta=check_unit_interval("beta", beta)),
        "RMSProp": optim.RMSProp(lr=check_positive("lr_rmsprop", lr_rmsprop),
                                 rho=check_unit_interval("rho", rho)),
        "Adam": optim.Adam(lr=check_positive("lr_adam", lr_adam),
                           beta1=check_unit_interval("beta1", beta1),
                           beta2=check_unit_interval("beta2", beta2)),
    }


def _race_label(name: str, surface: str, points: np.ndarray) -> str:
    spec = SURFACES[surface]
    steps = len(points) - 1
    if np.abs(points[-1]).max() > spec.bound:
        where = "escaped" if spec.objective.minimum is None else "diverged"
        return f"{name}: {where} at step {steps}"
    return f"{name}: f = {spec.objective.value(points[-1]):.2g}"


def plot_race(surface: str = "ill-conditioned quadratic", lr_sgd: float = 0.4,
              lr_momentum: float = 0.05, beta: float = 0.9, lr_rmsprop: float = 0.1,
              rho: float = 0.9, lr_adam: float = 0.3, beta1: float = 0.9,
              beta2: float = 0.999):
    """SGD, momentum, RMSProp and Adam on one surface: paths (left), loss (right).

    Left: the surface's contours, the start (black square), the minimizer (star) or the
    saddle point (cross), and each optimizer's iterates. Right: :func:`loss_curve` of each
    run against the step; a run that left the box ends early and says so in the legend.
    """
    values = {"lr_sgd": lr_sgd, "lr_momentum": lr_momentum, "beta": beta,
              "lr_rmsprop": lr_rmsprop, "rho": rho, "lr_adam": lr_adam, "beta1": beta1,
              "beta2": beta2}
    racers = race_optimizers(**values)
    # Warm the caches of every surface now, so that switching surface only redraws.
    for name in SURFACES:
        contour_vertices(name)
        for opt in racers.values():
            path(name, opt)
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(10.5, 4.2),
                                      gridspec_kw={"width_ratios": [1.0, 1.1]})
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.13, top=0.9, wspace=0.22)
    ax.plot([], [], color="0.78", lw=0.8, gid="contours")
    ax.plot([], [], "s", color="k", ms=6, gid="start")
    ax.plot([], [], "*", color="k", ms=12, gid="target")
    for name in RACERS:
        ax.plot([], [], "o-", color=_RACE_COLORS[name], ms=2.5, lw=1.2, gid=f"path-{name}")
        ax_loss.plot([], [], color=_RACE_COLORS[name], lw=1.5, label=name,
                     gid=f"loss-{name}")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax_loss.set_xlabel("step t")
    ax_loss.legend(loc="upper right", fontsize=8)
    # few tick labels: text is most of the cost of a redraw
    for axis in (ax.xaxis, ax.yaxis, ax_loss.xaxis, ax_loss.yaxis):
        axis.set_major_locator(MaxNLocator(5))
    update_race(fig, surface=surface, **values)
    return fig


def _artist(ax, gid: str):
    for artist in ax.get_children():
        if artist.get_gid() == gid:
            return artist
    raise CourseLibError(f"this figure was not made by this module (no artist {gid!r})")


def update_race(fig, surface: str = "ill-conditioned quadratic", lr_sgd: float = 0.4,
                lr_momentum: float = 0.05, beta: float = 0.9, lr_rmsprop: float = 0.1,
                rho: float = 0.9, lr_adam: float = 0.3, beta1: float = 0.9,
                beta2: float = 0.999) -> None:
    """Redraw a figure made by :func:`plot_race` for new values, in place."""
    spec = check_surface(surface)
    racers = race_optimizers(lr_sgd, lr_momentum, beta, lr_rmsprop, rho, lr_adam, beta1,
                             beta2)
    ax, ax_loss = fig.axes
    contours = contour_vertices(surface)
    _artist(ax, "contours").set_data(contours[:, 0], contours[:, 1])
    _artist(ax, "start").set_data([spec.start[0]], [spec.start[1]])
    target = _artist(ax, "target")
    f = spec.objective
    if f.minimizer is None:  # the saddle point
        target.set_data([0.0], [0.0])
        target.set_marker("X")
    else:
        target.set_data([f.minimizer[0]], [f.minimizer[1]])
        target.set_marker("*")
    legend = ax_loss.get_legend()
    for i, name in enumerate(RACERS):
        points = path(surface, racers[name])
        _artist(ax, f"path-{name}").set_data(points[:, 0], points[:, 1])
        # the iterate that left the box is drawn as a path but not as a loss: its value
        # (1e15 after a divergence) would squash every other curve
        inside = points if np.abs(points[-1]).max() <= spec.bound else points[:-1]
        _artist(ax_loss, f"loss-{name}").set_data(np.arange(len(inside)),
                                                 loss_curve(surface, inside))
        legend.get_texts()[i].set_text(_race_label(name, surface, points))
    ax.set_xlim(*spec.xlim)
    ax.set_ylim(*spec.ylim)
    ax.set_title(f"{surface}: {spec.source}", fontsize=10)
    bounded = f.minimum is not None
    ax_loss.set_ylabel("log₁₀(f − f*)" if bounded else "f(x₁, x₂)")
    ax_loss.set_title(f"loss over {spec.n_steps} steps", fontsize=10)
    ax_loss.set_xlim(0, spec.n_steps)
    ax_loss.relim()
    ax_loss.autoscale_view(scalex=False)


RACE = register(Explorer(
    name="l09_adaptive.race",
    lesson="09_adaptive_methods",
    plot=plot_race,
    update=update_race,
    controls=(
        Control("surface", "ill-conditioned quadratic", options=tuple(SURFACES),
                description="surface"),
        Control("lr_sgd", 0.4, -3.0, 0.0, step=0.05, log=True, description="SGD η"),
        Control("lr_momentum", 0.05, -3.0, 0.0, step=0.05, log=True,
                description="momentum η"),
        Control("beta", 0.9, 0.0, 0.99, step=0.01, description="momentum β"),
        Control("lr_rmsprop", 0.1, -3.0, 0.0, step=0.05, log=True, description="RMSProp η"),
        Control("rho", 0.9, 0.0, 0.999, step=0.001, description="RMSProp ρ"),
        Control("lr_adam", 0.3, -3.0, 0.0, step=0.05, log=True, description="Adam η"),
        Control("beta1", 0.9, 0.0, 0.99, step=0.01, description="Adam β₁"),
        Control("beta2", 0.999, 0.5, 0.999, step=0.001, description="Adam β₂"),
    ),
    source=__name__,
))


# --------------------------------------------------------------------------------------
# Adam's first steps in each convention (explorer)
# --------------------------------------------------------------------------------------

ADAM_FORMS = MappingProxyType({
    "moments, ε out (000)": ("moments", False),
    "moments, ε in (001, 002)": ("moments", True),
    "step size, ε in (003)": ("step_size", True),
    "step size, ε out": ("step_size", False),
    "no correction": ("none", False),
})
"""Label -> ``(bias_correction, eps_inside_sqrt)`` of ``optim.Adam``, with the seeds that
write it: corrected moments with ε outside the root (seed 000, seed 002's worked example,
PyTorch), inside (seed 001 Alg. 8.7, seed 002 Alg. 6); the correction folded into the step
size with ε inside (seed 003), or outside (Kingma & Ba's sec. 2); no correction (ε outside).
"""

_FORM_STYLE = (("C0", "-", "o"), ("C1", "--", "s"), ("C2", "-", "^"), ("C4", ":", "v"),
               ("0.45", "-", "x"))
FIRST_STEPS = 30
G_GRID = np.logspace(-7.0, 0.0, 57)
"""The gradient sizes of the right panel of :func:`plot_first_steps`."""


def adam_form(form: str, eps: float, beta1: float = 0.9, beta2: float = 0.999,
              lr: float = 1.0) -> optim.Adam:
    """The ``optim.Adam`` of one of :data:`ADAM_FORMS`."""
    bias_correction, inside = ADAM_FORMS[check_choice("form", form, tuple(ADAM_FORMS))]
    return optim.Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                      bias_correction=bias_correction, eps_inside_sqrt=inside)


@cache
def constant_gradient_steps(form: str, g: float, eps: float, beta2: float,
                            n_steps: int = FIRST_STEPS) -> np.ndarray:
    r"""The step sizes :math:`|\Delta w_t|/\eta`, t = 1..n, of Adam on a constant gradient g.

    With a constant gradient the corrected moments are exactly g and g², so a corrected
    Adam step is :math:`\eta\,|g|/(|g| + \epsilon)` (or with ε inside the root, and the
    step-size form's ε acting on the raw moments): exactly η when ε = 0. β1 = 0.9.
    """
    g = check_positive("g", g)
    opt = adam_form(form, check_nonnegative("eps", eps), beta2=check_unit_interval("beta2",
                                                                                   beta2))
    traj = optim.run(opt, lambda p: {"w": np.full_like(p["w"], g)}, {"w": np.zeros(1)},
                     check_int("n_steps", n_steps, minimum=1))
    w = traj.stack("w")[:, 0]
    out = np.abs(np.diff(w))
    out.setflags(write=False)
    return out


@cache
def first_step_sweep(form: str, eps: float, beta2: float) -> np.ndarray:
    r"""Adam's first step :math:`|\Delta w_1|/\eta` for every gradient of :data:`G_GRID`.

    One ``update`` on an array of parameters: Adam is element-wise, so each entry is the
    first step of a separate coordinate with that gradient.
    """
    opt = adam_form(form, check_nonnegative("eps", eps),
                    beta2=check_unit_interval("beta2", beta2))
    params = {"w": np.zeros(G_GRID.size)}
    new, _ = opt.update(params, {"w": G_GRID.copy()}, opt.init(params))
    out = np.abs(new["w"])
    out.setflags(write=False)
    return out


STEP_LIMITS = (1e-3, 20.0)
"""The y range of :func:`plot_first_steps` (log scale): a step below 1e-3·η is frozen."""


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(value: float, _pos=None) -> str:
    """``1e-06`` as ``10⁻⁶`` in plain text (mathtext would cost a few ms per label)."""
    exponent = round(float(np.log10(value)))
    return f"{value:g}" if -3 <= exponent <= 1 else "10" + str(exponent).translate(_SUPERSCRIPT)


def _log_axis(ax, axis: str, ticks) -> None:
    # Fixed decade ticks with plain labels: matplotlib's default log axis builds minor
    # ticks and mathtext labels that cost most of a 100 ms redraw.
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(FuncFormatter(_power_of_ten))
    target.set_minor_locator(NullLocator())


def plot_first_steps(g: float = 1e-4, eps: float = 1e-8, beta2: float = 0.999):
    """Adam's step sizes in each convention: over the first steps, and at t = 1 against g.

    Left: :func:`constant_gradient_steps` for the five forms of :data:`ADAM_FORMS`.
    Right: :func:`first_step_sweep` over :data:`G_GRID`, the current g dashed. Both on a
    log scale. The corrected forms coincide while :math:`g^2 \\gg \\epsilon` (and
    exactly for ε = 0); without correction the first steps are too large.
    """
    fig, (ax, ax_g) = plt.subplots(1, 2, figsize=(10.5, 4.2))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.2, top=0.92, wspace=0.2)
    t = np.arange(1, FIRST_STEPS + 1)
    for (label, _), (color, ls, marker) in zip(ADAM_FORMS.items(), _FORM_STYLE, strict=True):
        ax.plot(t, np.ones(t.size), color=color, ls=ls, marker=marker, ms=3, lw=1.3,
                label=label)
        ax_g.plot(G_GRID, np.ones(G_GRID.size), color=color, ls=ls, lw=1.5)
    ax_g.axvline(g, color="k", ls="--", lw=0.8, gid="g-now")
    ax.set_xlabel("step t (the same gradient g at every step)")
    ax.set_ylabel("step size |Δw_t| / η (log scale)")
    ax.set_xlim(0, FIRST_STEPS + 1)
    _log_axis(ax_g, "x", (1e-6, 1e-4, 1e-2, 1.0))
    ax_g.set_xlabel("gradient g (log scale)")
    ax_g.set_ylabel("first step |Δw₁| / η (log scale)")
    for axis in (ax, ax_g):
        _log_axis(axis, "y", (0.001, 0.01, 0.1, 1.0, 10.0))
        axis.xaxis.set_minor_locator(NullLocator())
        axis.set_ylim(*STEP_LIMITS)
        axis.axhline(1.0, color="0.6", lw=0.6, zorder=0)
    ax.xaxis.set_major_locator(FixedLocator([1, 10, 20, 30]))
    fig.legend(loc="lower center", ncol=5, fontsize=8, frameon=False)
    update_first_steps(fig, g=g, eps=eps, beta2=beta2)
    return fig


def update_first_steps(fig, g: float = 1e-4, eps: float = 1e-8, beta2: float = 0.999) -> None:
    """Redraw a figure made by :func:`plot_first_steps` in place."""
    g, eps = check_positive("g", g), check_nonnegative("eps", eps)
    beta2 = check_unit_interval("beta2", beta2)
    ax, ax_g = fig.axes
    for i, form in enumerate(ADAM_FORMS):
        # floored at the bottom of the axis: a step of 0 has no logarithm
        ax.lines[i].set_ydata(np.maximum(constant_gradient_steps(form, g, eps, beta2),
                                         STEP_LIMITS[0] / 2))
        ax_g.lines[i].set_ydata(np.maximum(first_step_sweep(form, eps, beta2),
                                           STEP_LIMITS[0] / 2))
    _artist(ax_g, "g-now").set_xdata([g, g])
    ratio = f"{g * g / eps:.3g}" if eps > 0 else "∞"
    ax.set_title(f"g = {g:.2g}, ε = {eps:.2g}, β₂ = {beta2:g}: g²/ε = {ratio}", fontsize=10)
    ax_g.set_title(f"the first step against g (ε = {eps:.2g}, β₂ = {beta2:g})", fontsize=10)


FIRST_STEPS_EXPLORER = register(Explorer(
    name="l09_adaptive.first_steps",
    lesson="09_adaptive_methods",
    plot=plot_first_steps,
    update=update_first_steps,
    controls=(
        Control("g", 1e-4, -7.0, 0.0, step=0.25, log=True, description="gradient g"),
        Control("eps", 1e-8, -12.0, -2.0, step=0.5, log=True, description="ε"),
        Control("beta2", 0.999, options=(0.9, 0.99, 0.999), description="β₂"),
    ),
    source=__name__,
))


# --------------------------------------------------------------------------------------
# AdaGrad's rates (static figure)
# --------------------------------------------------------------------------------------


def feed(opt: optim.Optimizer, gradients: np.ndarray) -> list[optim.State]:
    """The states of ``opt`` after each of a given sequence of gradients.

    ``gradients`` has shape ``(T, d)``: row t is the gradient of update t + 1 (for one
    parameter vector ``w`` of size d, starting at 0). Returns the T + 1 states.
    """
    gradients = np.asarray(gradients, dtype=np.float64)
    if gradients.ndim != 2:
        raise CourseLibError(f"gradients must have shape (T, d), got {gradients.shape}")
    params = {"w": np.zeros(gradients.shape[1])}
    state = opt.init(params)
    states = [state]
    for g in gradients:
        params, state = opt.update(params, {"w": g}, state)
        states.append(state)
    return states


def sparse_gradients(n_steps: int = 100, every: int = 10) -> np.ndarray:
    """Gradients of a dense feature (1 at every step) and a sparse one (1 every ``every``)."""
    n_steps = check_int("n_steps", n_steps, minimum=1)
    every = check_int("every", every, minimum=1)
    t = np.arange(1, n_steps + 1)
    return np.column_stack([np.ones(n_steps), (t % every == 0).astype(float)])


def adagrad_rates(lr: float = 0.1, n_steps: int = 100, every: int = 10,
                  eps: float = 1e-10) -> np.ndarray:
    r"""AdaGrad's per-coordinate rate :math:`\eta/(\delta + \sqrt{r_t})` after each step.

    Shape ``(n_steps, 2)``: the dense and the sparse feature of :func:`sparse_gradients`
    (the rate that applies to the next non-zero gradient). ``optim.AdaGrad``'s state
    ``sum_sq`` is :math:`r_t`.
    """
    states = feed(optim.AdaGrad(lr=lr, eps=eps), sparse_gradients(n_steps, every))
    r = np.array([s.sum_sq["w"] for s in states[1:]])
    return lr / (eps + np.sqrt(r))


def plot_effective_rates(lr: float = 0.1, n_steps: int = 100, every: int = 10):
    r"""AdaGrad's decaying rate, and its larger rate for an infrequent feature.

    Left: the step taken under a constant gradient g = 1 by AdaGrad (:math:`\eta/\sqrt t`),
    RMSProp (ρ = 0.9, ε inside as seeds 001–004) and Adam. Right: AdaGrad's rate
    :math:`\eta/\sqrt{r_t}` for a feature whose gradient is 1 at every step and one whose
    gradient is 1 every ``every`` steps (0 otherwise).
    """
    lr = check_positive("lr", lr)
    t = np.arange(1, n_steps + 1)
    runs = {
        "AdaGrad: η/√t": optim.AdaGrad(lr=lr, eps=0.0),
        "RMSProp, ρ = 0.9": optim.RMSProp(lr=lr, rho=0.9, eps=0.0),
        "Adam, β₁ = 0.9, β₂ = 0.999": optim.Adam(lr=lr, eps=0.0),
    }
    fig, (ax, ax_sparse) = plt.subplots(1, 2, figsize=(10.5, 4.0))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.9, wspace=0.22)
    for (label, opt), color in zip(runs.items(), ("C0", "C2", "C3"), strict=True):
        traj = optim.run(opt, lambda p: {"w": np.ones_like(p["w"])}, {"w": np.zeros(1)},
                         n_steps)
        ax.plot(t, -np.diff(traj.stack("w")[:, 0]), color=color, lw=1.8, label=label)
    ax.axhline(lr, color="0.5", ls=":", lw=1)
    ax.set_xlabel("step t")
    ax.set_ylabel("step taken (gradient g = 1 every step)")
    ax.set_title("AdaGrad's rate decays whatever the landscape", fontsize=10)
    ax.legend(fontsize=8)
    # before its first gradient the sparse feature's rate is η/δ: not drawn
    rates = adagrad_rates(lr, n_steps, every)
    rates = np.where(rates <= lr * (1 + 1e-9), rates, np.nan)
    ax_sparse.plot(t, rates[:, 0], color="C0", lw=1.8, label="dense feature: g = 1 every step")
    ax_sparse.plot(t, rates[:, 1], color="C1", lw=1.8,
                   label=f"sparse feature: g = 1 every {every}th step")
    ax_sparse.set_xlabel("step t")
    ax_sparse.set_ylabel("AdaGrad rate η / √r_t")
    ax_sparse.set_title("the rarely updated weight keeps a larger rate", fontsize=10)
    ax_sparse.set_ylim(0, 1.05 * lr)
    ax_sparse.legend(fontsize=8)
    return fig


# --------------------------------------------------------------------------------------
# L2 in the loss against decoupled weight decay (static figure)
# --------------------------------------------------------------------------------------


class DecayProblem(NamedTuple):
    """Linear regression with features of very different scales."""

    X: np.ndarray
    y: np.ndarray
    lam: float


FEATURE_SCALES = (10.0, 3.0, 1.0, 0.3)


@cache
def decay_problem(lam: float = 0.5) -> DecayProblem:
    r"""200 examples, 4 features of standard deviations :data:`FEATURE_SCALES`, all true
    weights 1, noise :math:`N(0, 0.5^2)`, from ``default_rng(0)``; the loss is the mean
    squared error :math:`\tfrac{1}{2n}\lVert Xw - y\rVert^2`.
    """
    lam = check_nonnegative("lam", lam)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 4)) * np.array(FEATURE_SCALES)
    y = X @ np.ones(4) + 0.5 * rng.standard_normal(200)
    for a in (X, y):
        a.setflags(write=False)
    return DecayProblem(X, y, lam)


def minibatch_grad_fn(problem: DecayProblem, rng: np.random.Generator,
                      batch_size: int = 10) -> Callable[[dict], dict]:
    r"""Minibatch gradients :math:`\tfrac1B X_B^\top(X_Bw - y_B)` of the data loss only."""
    n = problem.X.shape[0]

    def grad(params: dict) -> dict:
        idx = rng.integers(0, n, batch_size)
        Xb, yb = problem.X[idx], problem.y[idx]
        return {"w": Xb.T @ (Xb @ params["w"] - yb) / batch_size}

    return grad


@cache
def decay_runs(lam: float = 0.5, n_steps: int = 2000) -> Mapping[str, np.ndarray]:
    r"""The weights each way of regularizing ends at (the mean of the last quarter).

    - ``"ridge"``: the minimizer of :math:`\tfrac{1}{2n}\lVert Xw-y\rVert^2 + \tfrac\lambda2
      \lVert w\rVert^2`, in closed form;
    - ``"SGD + L2"``: ``optim.SGD`` on the penalized gradient (``optim.l2_regularized``);
    - ``"Adam + L2"``: ``optim.Adam`` on the same penalized gradient (seed 003's option 1);
    - ``"AdamW"``: ``optim.AdamW`` with the decay outside the moments (seed 003's option 2);
    - ``"Adam"``: no regularization.

    Every run uses the same minibatches (``default_rng(1)``).
    """
    p = decay_problem(lam)
    n, d = p.X.shape
    out = {"ridge": np.linalg.solve(p.X.T @ p.X / n + lam * np.eye(d), p.X.T @ p.y / n)}
    runs = {
        "SGD + L2": (optim.SGD(lr=0.002), True),
        "Adam + L2": (optim.Adam(lr=0.01), True),
        "AdamW": (optim.AdamW(lr=0.01, weight_decay=lam), False),
        "Adam": (optim.Adam(lr=0.01), False),
    }
    for label, (opt, penalized) in runs.items():
        grad = minibatch_grad_fn(p, np.random.default_rng(1))
        if penalized:
            grad = optim.l2_regularized(grad, lam)
        w = optim.run(opt, grad, {"w": np.zeros(d)}, n_steps).stack("w")
        out[label] = w[-(n_steps // 4):].mean(axis=0)
    for v in out.values():
        v.setflags(write=False)
    return MappingProxyType(out)


def plot_decay_comparison(lam: float = 0.5, n_steps: int = 2000):
    """Bars: the weights reached by ridge, SGD + L2, Adam + L2, AdamW and plain Adam.

    SGD + L2 and Adam + L2 both minimize the penalized loss, so they end at the ridge
    weights (a large-scale feature is barely shrunk, a small-scale one a lot); AdamW's
    decay does not go through the gradient normalization, so it shrinks every weight at
    the same rate ηλ and ends elsewhere: it is not L2 regularization.
    """
    runs = decay_runs(lam, n_steps)
    fig, ax = plt.subplots(figsize=(9.0, 3.8))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.15, top=0.9)
    idx = np.arange(len(FEATURE_SCALES))
    width = 0.8 / len(runs)
    colors = ("0.3", "C0", "C2", "C3", "0.7")
    for k, ((label, w), color) in enumerate(zip(runs.items(), colors, strict=True)):
        ax.bar(idx + (k - (len(runs) - 1) / 2) * width, w, width=width, color=color,
               label=label)
    ax.axhline(1.0, color="k", ls=":", lw=1)
    ax.set_xticks(idx, [f"w{i + 1} (feature scale {s:g})" for i, s in
                        enumerate(FEATURE_SCALES)])
    ax.set_ylabel("weight reached (true weight 1)")
    ax.set_title(f"L2 in the loss versus decoupled decay, λ = {lam:g}", fontsize=10)
    ax.set_ylim(0.0, 1.25)
    ax.legend(fontsize=8, ncol=5, loc="upper center")
    return fig


# --------------------------------------------------------------------------------------
# The whole family on two surfaces (static figure)
# --------------------------------------------------------------------------------------


def family_optimizers(surface: str) -> dict[str, optim.Optimizer]:
    """Every adaptive optimizer of the lesson, with learning rates that suit ``surface``."""
    check_surface(surface)
    if surface == "Rosenbrock":
        lr = {"AdaGrad": 1.0, "RMSProp": 0.1, "RMSProp + Nesterov": 0.003,
              "Adadelta": 1.0, "Adam": 0.1, "Adamax": 0.3, "NAdam": 0.1}
    else:
        lr = {"AdaGrad": 1.0, "RMSProp": 0.1, "RMSProp + Nesterov": 0.05,
              "Adadelta": 1.0, "Adam": 0.3, "Adamax": 0.5, "NAdam": 0.3}
    return {
        "AdaGrad": optim.AdaGrad(lr=lr["AdaGrad"]),
        "RMSProp": optim.RMSProp(lr=lr["RMSProp"]),
        "RMSProp + Nesterov": optim.RMSPropNesterov(lr=lr["RMSProp + Nesterov"]),
        "Adadelta": optim.Adadelta(lr=lr["Adadelta"], eps=1e-3),
        "Adam": optim.Adam(lr=lr["Adam"]),
        "Adamax": optim.Adamax(lr=lr["Adamax"]),
        "NAdam": optim.NAdam(lr=lr["NAdam"]),
    }


def plot_family():
    """Every optimizer of :func:`family_optimizers`: paths on the ill-conditioned quadratic
    (left) and the loss against the step on Rosenbrock's valley (right).
    """
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(10.5, 4.3))
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.12, top=0.9, wspace=0.2)
    surface = "ill-conditioned quadratic"
    spec = SURFACES[surface]
    contours = contour_vertices(surface)
    ax.plot(contours[:, 0], contours[:, 1], color="0.8", lw=0.8)
    for k, (label, opt) in enumerate(family_optimizers(surface).items()):
        points = path(surface, opt)
        final = spec.objective.value(points[-1])
        ax.plot(points[:, 0], points[:, 1], "-", color=f"C{k}", lw=1.3,
                label=f"{label} (f = {final:.2g})")
    ax.plot(*spec.start, "ks", ms=6)
    ax.plot(*spec.objective.minimizer, "k*", ms=12)
    ax.set_xlim(*spec.xlim)
    ax.set_ylim(*spec.ylim)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(f"{surface} {spec.source}, {spec.n_steps} steps", fontsize=10)
    ax.legend(fontsize=7, loc="lower right")
    surface = "Rosenbrock"
    for k, (label, opt) in enumerate(family_optimizers(surface).items()):
        points = path(surface, opt)
        ax_loss.plot(np.arange(len(points)), loss_curve(surface, points), color=f"C{k}",
                     lw=1.3, label=label)
    ax_loss.set_xlabel("step t")
    ax_loss.set_ylabel("log₁₀(f − f*)")
    ax_loss.set_title(f"Rosenbrock from {SURFACES[surface].start}: loss against step",
                      fontsize=10)
    ax_loss.legend(fontsize=7, loc="lower left")
    return fig


# --------------------------------------------------------------------------------------
# Side by side: the same problem in each convention
# --------------------------------------------------------------------------------------


def adam_form_iterates(g_fn: Callable[[dict], dict], w0: float, n_steps: int, eps: float,
                       lr: float = 0.1, beta1: float = 0.9,
                       beta2: float = 0.999) -> dict[str, np.ndarray]:
    """The iterates ``w_0..w_n`` of a scalar problem under each of :data:`ADAM_FORMS`."""
    w0 = check_real("w0", w0)
    return {
        form: optim.run(adam_form(form, eps, beta1, beta2, lr), g_fn, {"w": np.array(w0)},
                        n_steps).stack("w")
        for form in ADAM_FORMS
    }
