r"""Lesson 06 (where optimization gets hard): the figures, small helpers and three explorers.

Every figure is a pure function of its arguments, computed with course_lib
(:mod:`course_lib.objectives`, :mod:`course_lib.activations`, :mod:`course_lib.init`,
:mod:`course_lib.layers`, :mod:`course_lib.optim`). Three are registered as explorers
(:class:`course_lib.widgets.Explorer`), each with an in-place ``update``:

- ``l06_landscape.surface``: a 2-D surface (the ill-conditioned quadratic of seed 001's
  Taylor example, the saddle :math:`x^2 - y^2` of seed 002, Rosenbrock) with the Hessian's
  eigen-directions drawn at a chosen point (blue: positive curvature, red: negative), the
  gradient step :math:`x - \epsilon g`, and the loss along that step next to seed 001's
  second-order Taylor prediction :math:`f(x) - \epsilon g^\top g + \tfrac12\epsilon^2
  g^\top H g` ("Ill-Conditioning");
- ``l06_landscape.depth``: the spread of each layer's activations and the norm of each
  layer's weight gradient at initialisation, for an activation, an initialisation
  (Xavier, He, or a fixed normal) and a depth (seed 004, 2.7 item 9, 3.1, 3.2 and 3.4;
  seed 001 "Vanishing/Exploding Gradient");
- ``l06_landscape.cliff``: gradient descent on a surface with a cliff (seed 001 "Exploding
  Gradient in Cliff Structure"), plain and with the gradient clipped by norm or by value,
  for a learning rate and a threshold.

The helpers :func:`taylor_terms`, :func:`error_terms` and :func:`classify_hessian` are the
reference answers of the notebook's exercises (course_lib has no function for them), used
by the cells after each exercise.

Speed: every figure is built once by a ``_skeleton`` function, and ``plot`` is ``update``
applied to a fresh skeleton, so an update looks exactly like a fresh plot. Contour lines
are computed once per surface (cached) and drawn as a single line with NaN breaks; the
log axes use plain-text labels at a few decades (mathtext and minor log ticks are what
make matplotlib slow). All randomness comes from fixed ``numpy.random.Generator`` seeds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from types import MappingProxyType
from typing import NamedTuple

import contourpy
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator
from threadpoolctl import threadpool_limits

from course_lib import activations, layers, objectives, optim
from course_lib import init as initializers
from course_lib._validation import (
    CourseLibError,
    check_array,
    check_choice,
    check_int,
    check_positive,
    check_real,
    check_rng,
)
from course_lib.widgets import Control, Explorer, register

# --------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------


def _new_figure(width: float = 10.0, height: float = 4.0, **margins: float) -> Figure:
    """A figure on an Agg canvas with fixed margins (a layout engine re-measures every draw)."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(**{"left": 0.07, "right": 0.98, "bottom": 0.13, "top": 0.88,
                           "wspace": 0.25, **margins})
    return fig


def _decade_axis(ax, lo: float, hi: float, axis: str = "y", max_ticks: int = 7) -> None:
    """A log axis spanning whole decades around [lo, hi], labelled "1e-5" in plain text."""
    lo_e = math.floor(math.log10(lo))
    hi_e = math.ceil(math.log10(hi))
    if hi_e <= lo_e:
        hi_e = lo_e + 1
    step = max(1, math.ceil((hi_e - lo_e) / (max_ticks - 1)))
    ticks = [10.0**e for e in range(lo_e, hi_e + 1, step)]
    target = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_ylim if axis == "y" else ax.set_xlim)(10.0**lo_e, 10.0**hi_e)
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(FuncFormatter(_decade_label))
    target.set_minor_locator(NullLocator())


def _decade_label(value: float, _pos: object = None) -> str:
    exponent = round(math.log10(value))
    return {0: "1", 1: "10", -1: "0.1"}.get(exponent, f"1e{exponent}")


def _lines_with_breaks(lines: Sequence[np.ndarray]) -> np.ndarray:
    """Several polylines as one ``(n, 2)`` array with NaN rows between them (one artist)."""
    if not lines:
        return np.full((1, 2), np.nan)
    parts = []
    for line in lines:
        parts.append(np.asarray(line, dtype=np.float64))
        parts.append(np.full((1, 2), np.nan))
    return np.concatenate(parts)


def safe_norm(a: np.ndarray) -> float:
    """The Euclidean (Frobenius) norm, without overflow for entries as large as 1e200."""
    a = np.asarray(a, dtype=np.float64)
    scale = float(np.max(np.abs(a))) if a.size else 0.0
    if scale == 0.0:
        return 0.0
    return scale * float(np.sqrt(np.sum((a / scale) ** 2)))


# --------------------------------------------------------------------------------------
# 1. Critical points in one variable (seed 002 "DERIVATIVES OF A FUNCTION")
# --------------------------------------------------------------------------------------

CRITICAL_1D = MappingProxyType({
    "x²  (f'' = 2 > 0: minimum)": (lambda x: x**2, "C0", "-"),
    "−x²  (f'' = −2 < 0: maximum)": (lambda x: -(x**2), "C3", "-"),
    "x³  (f'' = 0: neither)": (lambda x: x**3, "C2", "-"),
    "x⁴  (f'' = 0: minimum)": (lambda x: x**4, "C1", "--"),
    "−x⁴  (f'' = 0: maximum)": (lambda x: -(x**4), "C4", "--"),
})
"""Five functions with f'(0) = 0: the second derivative decides only when it is not 0."""


def plot_critical_points_1d() -> Figure:
    """Left: f'' ≠ 0 decides (x², −x²). Right: f'' = 0 cannot (x³, x⁴, −x⁴ all have f''(0) = 0).

    Seed 002 says "if f''(x) is zero, x is a saddle point"; the right panel shows a minimum,
    a maximum and an inflection point that all have f'(0) = f''(0) = 0.
    """
    fig = _new_figure(10.0, 3.8, wspace=0.18)
    axes = fig.subplots(1, 2, sharey=True)
    x = np.linspace(-1.3, 1.3, 201)
    for k, (label, (fn, color, ls)) in enumerate(CRITICAL_1D.items()):
        ax = axes[0] if k < 2 else axes[1]
        ax.plot(x, fn(x), color=color, ls=ls, lw=2, label=label)
    for ax, title in zip(axes, ("f''(0) ≠ 0: the sign decides", "f''(0) = 0: inconclusive"),
                         strict=True):
        ax.plot([0.0], [0.0], "ko", ms=5)
        ax.axhline(0.0, color="0.7", lw=0.6)
        ax.set_xlabel("x")
        ax.set_title(title, fontsize=11)
        ax.set_ylim(-1.8, 1.8)
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel("f(x)   (every curve has f'(0) = 0)")
    return fig


# --------------------------------------------------------------------------------------
# 2. The Hessian test and saddles in high dimension (seed 001, seed 002)
# --------------------------------------------------------------------------------------

HESSIAN_LABELS = ("minimum", "maximum", "saddle", "inconclusive")


def classify_hessian(H: object, tol: float = 1e-8) -> tuple[np.ndarray, str]:
    r"""The second-derivative test at a critical point: eigenvalues (ascending) and a label.

    Seed 002 "SOLUTION OF UNCONSTRAINED MINIMIZATION": all eigenvalues of
    :math:`\nabla^2 f` positive: local minimum; all negative: local maximum; both signs:
    saddle point (seed 001 "Optimization Challenges"). Eigenvalues within ``tol`` of 0 are
    treated as 0; if some are 0 and the others do not have both signs the test is
    ``"inconclusive"`` (higher derivatives decide: :math:`x^4` and :math:`x^3`).
    """
    H = check_array("H", H, ndim=2)
    if H.shape[0] != H.shape[1]:
        raise CourseLibError(f"H must be a square matrix, got shape {H.shape}")
    tol = check_positive("tol", tol)
    eigenvalues = np.linalg.eigvalsh((H + H.T) / 2)
    positive, negative = eigenvalues > tol, eigenvalues < -tol
    if positive.any() and negative.any():
        return eigenvalues, "saddle"
    if positive.all():
        return eigenvalues, "minimum"
    if negative.all():
        return eigenvalues, "maximum"
    return eigenvalues, "inconclusive"


def random_symmetric(rng: np.random.Generator, n: int) -> np.ndarray:
    r"""A random symmetric matrix :math:`(A + A^\top)/\sqrt{2n}`, :math:`A_{ij} \sim N(0, 1)`.

    The Gaussian orthogonal ensemble, a stand-in for "the Hessian at a random critical point
    of a random function" in seed 001's remark that saddles outnumber minima.
    """
    rng = check_rng(rng)
    n = check_int("n", n, minimum=1)
    a = rng.standard_normal((n, n))
    return (a + a.T) / math.sqrt(2.0 * n)


def fraction_all_positive(rng: np.random.Generator, dims: Sequence[int],
                          n_samples: int = 2000) -> np.ndarray:
    """For each n in ``dims``, the fraction of random symmetric n×n matrices whose
    eigenvalues are all positive (a minimum), estimated from ``n_samples`` draws."""
    rng = check_rng(rng)
    n_samples = check_int("n_samples", n_samples, minimum=1)
    out = []
    for n in dims:
        n = check_int("n", n, minimum=1)
        a = rng.standard_normal((n_samples, n, n))
        sym = (a + np.swapaxes(a, 1, 2)) / math.sqrt(2.0 * n)
        smallest = np.linalg.eigvalsh(sym)[:, 0]
        out.append(float(np.mean(smallest > 0)))
    return np.array(out)


def plot_saddle_fraction(rng: np.random.Generator, dims: Sequence[int] = tuple(range(1, 8)),
                         n_samples: int = 20_000) -> Figure:
    """The fraction of random symmetric matrices that are positive definite, against n.

    Estimates of 0 (no positive definite matrix among the draws) are not drawn: the title
    says from which n on that happens.
    """
    fractions = fraction_all_positive(rng, dims, n_samples)
    dims = np.asarray(list(dims), dtype=float)
    fig = _new_figure(7.0, 3.6, left=0.12, right=0.96, bottom=0.15)
    ax = fig.subplots()
    shown = np.where(fractions > 0, fractions, np.nan)
    ax.semilogy(dims, shown, "o-", color="C0",
                label=f"all eigenvalues > 0 (a minimum), {n_samples} draws each")
    ax.semilogy(dims, 0.5**dims, "--", color="0.5", label="2⁻ⁿ (n independent coin flips)")
    _decade_axis(ax, 0.5 / n_samples, 1.0)
    ax.xaxis.set_major_locator(MaxNLocator(8, integer=True))
    ax.set_xlabel("dimension n of the Hessian")
    ax.set_ylabel("fraction that is a minimum")
    zero = dims[fractions == 0]
    note = f"; none among the draws for n ≥ {zero[0]:g}" if zero.size else ""
    ax.set_title(f"Random symmetric matrices: minima get rare as n grows{note}", fontsize=10)
    ax.legend(fontsize=8, loc="lower left")
    return fig


# --------------------------------------------------------------------------------------
# 3. Ill-conditioning: the second-order Taylor term (seed 001)
# --------------------------------------------------------------------------------------


class TaylorTerms(NamedTuple):
    r"""Seed 001's expansion of a gradient step: :math:`f(x - \epsilon g) - f(x) \approx
    \text{first\_order} + \text{second\_order}`."""

    first_order: float
    """:math:`-\\epsilon\\, g^\\top g`"""
    second_order: float
    """:math:`\\tfrac12 \\epsilon^2 g^\\top H g`"""
    predicted: float
    """Their sum, the predicted change of f."""
    threshold: float
    """:math:`2 g^\\top g / g^\\top H g`: steps larger than this raise f (inf if
    :math:`g^\\top H g \\le 0`)."""


def taylor_terms(g: object, H: object, eps: float) -> TaylorTerms:
    r"""The two Taylor terms of a step :math:`-\epsilon g`, and the largest step that helps.

    Seed 001 "Ill-Conditioning": :math:`f(x^{(0)} - \epsilon g) \approx f(x^{(0)}) -
    \epsilon g^\top g + \tfrac12 \epsilon^2 g^\top H g`. The step lowers f (to second
    order) iff :math:`\tfrac12\epsilon^2 g^\top H g < \epsilon g^\top g`, i.e.
    :math:`\epsilon < 2 g^\top g / g^\top H g`; with :math:`g^\top H g \le 0` every step
    does.
    """
    g = check_array("g", g, ndim=1)
    H = check_array("H", H, ndim=2)
    if H.shape != (g.size, g.size):
        raise CourseLibError(f"H must have shape ({g.size}, {g.size}) to match g, got {H.shape}")
    eps = check_real("eps", eps)
    gg, gHg = float(g @ g), float(g @ H @ g)
    first, second = -eps * gg, 0.5 * eps * eps * gHg
    threshold = 2.0 * gg / gHg if gHg > 0 else math.inf
    return TaylorTerms(first, second, first + second, threshold)


SURFACES: Mapping[str, Callable[[], objectives.Objective]] = MappingProxyType({
    "ill-conditioned ½(x² + 100y²)": lambda: objectives.quadratic(np.diag([1.0, 100.0]),
                                                                 np.zeros(2)),
    "saddle x² − y²": objectives.saddle,
    "Rosenbrock": objectives.rosenbrock,
})
"""The surfaces of the surface explorer (dropdown label -> objective constructor)."""

SURFACE_BOX = (-2.2, 2.2, -2.2, 2.2)
"""The plotted region (x_min, x_max, y_min, y_max), the same for every surface."""


@cache
def surface_objective(surface: str) -> objectives.Objective:
    check_choice("surface", surface, tuple(SURFACES))
    return SURFACES[surface]()


def surface_grid(surface: str, n: int = 181) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(gx, gy, z)``: the surface on an n×n grid over :data:`SURFACE_BOX`, vectorized.

    The formulas are those of the objectives in :data:`SURFACES` (the tests compare them
    with ``Objective.value``), written for whole arrays: evaluating the objective point by
    point would take a tenth of a second per surface.
    """
    check_choice("surface", surface, tuple(SURFACES))
    x0, x1, y0, y1 = SURFACE_BOX
    gx, gy = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    if surface.startswith("ill"):
        z = 0.5 * (gx**2 + 100.0 * gy**2)
    elif surface.startswith("saddle"):
        z = gx**2 - gy**2
    else:
        z = (1.0 - gx) ** 2 + 100.0 * (gy - gx**2) ** 2
    return gx, gy, z


_SURFACE_LEVELS = {
    "ill": [0.5 * 4.0**k for k in range(-3, 6)],
    "saddle": [-4, -3, -2, -1, -0.4, 0.0, 0.4, 1, 2, 3, 4],
    "Rosenbrock": [0.25 * 3.0**k for k in range(0, 8)],
}


@cache
def _surface_contours(surface: str) -> np.ndarray:
    """The contour lines of a surface as one (n, 2) array with NaN breaks (computed once)."""
    gx, gy, z = surface_grid(surface)
    levels = _SURFACE_LEVELS[surface.split()[0].split("-")[0]]
    gen = contourpy.contour_generator(gx, gy, z)
    out = _lines_with_breaks([line for level in levels for line in gen.lines(level)])
    out.setflags(write=False)
    return out


def _eig2(H: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    vals, vecs = np.linalg.eigh((H + H.T) / 2)
    return vals, vecs


def _fmt(v: float) -> str:
    return f"{v:.3g}" if abs(v) < 1e4 else f"{v:.2e}"


SURFACE_SEGMENT = 0.6
"""Half-length of the eigen-direction segments drawn at the point (data units)."""


def _surface_skeleton() -> Figure:
    fig = _new_figure(10.5, 4.4, left=0.06, right=0.98, bottom=0.12, top=0.86, wspace=0.22)
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.25]})
    x0, x1, y0, y1 = SURFACE_BOX
    art = {}
    art["contours"], = ax.plot([], [], color="0.72", lw=0.8)
    art["eig0"], = ax.plot([], [], lw=2.5, solid_capstyle="round")
    art["eig1"], = ax.plot([], [], lw=2.5, solid_capstyle="round")
    art["step"], = ax.plot([], [], color="C1", lw=1.6, marker="o", ms=4, markevery=[1])
    art["point"], = ax.plot([], [], "ko", ms=6)
    for k in (0, 1):
        art[f"eigtext{k}"] = ax.text(0.0, 0.0, "", fontsize=8, clip_on=True,
                                     ha="center", va="center",
                                     bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                                           "ec": "none", "alpha": 0.8})
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.xaxis.set_major_locator(FixedLocator([-2, -1, 0, 1, 2]))
    ax.yaxis.set_major_locator(FixedLocator([-2, -1, 0, 1, 2]))
    art["steptext"] = ax.text(0.0, 0.0, "x − εg", fontsize=8, color="C1", clip_on=True,
                              ha="left", va="bottom")
    art["title"] = ax.set_title("", fontsize=9, y=1.01)
    art["exact"], = ax2.plot([], [], color="k", lw=2, label="exact")
    art["taylor"], = ax2.plot([], [], color="C2", lw=1.5, ls="--", label="Taylor")
    art["first"], = ax2.plot([], [], color="0.5", lw=1, ls=":", label="−ε′gᵀg")
    art["eps"] = ax2.axvline(0.0, color="C1", lw=1.2)
    art["thr"] = ax2.axvline(0.0, color="C3", lw=1.0, ls="-.")
    ax2.axhline(0.0, color="0.6", lw=0.6)
    ax2.set_xlabel("step size ε′ along −g")
    ax2.set_ylabel("f(x − ε′g) − f(x)")
    ax2.legend(fontsize=7, loc="upper left")
    ax2.yaxis.set_major_locator(MaxNLocator(6))
    ax2.xaxis.set_major_locator(MaxNLocator(5))
    art["title2"] = ax2.set_title("", fontsize=9, y=1.01)
    fig._l06 = art  # the artists update() changes
    return fig


def update_surface(fig: Figure, surface: str = "ill-conditioned ½(x² + 100y²)", x: float = 1.0,
                   y: float = 1.0, eps: float = 0.03) -> None:
    """Redraw a figure from :func:`plot_surface` for new values, in place."""
    f = surface_objective(surface)
    x, y, eps = check_real("x", x), check_real("y", y), check_positive("eps", eps)
    art = fig._l06
    p = np.array([x, y])
    g, H = f.gradient(p), f.hessian(p)
    vals, vecs = _eig2(H)
    contours = _surface_contours(surface)
    art["contours"].set_data(contours[:, 0], contours[:, 1])
    for k in (0, 1):
        d = SURFACE_SEGMENT * vecs[:, k]
        line = art[f"eig{k}"]
        line.set_data([x - d[0], x + d[0]], [y - d[1], y + d[1]])
        color = "C0" if vals[k] > 0 else ("C3" if vals[k] < 0 else "0.4")
        line.set_color(color)
        text = art[f"eigtext{k}"]
        text.set_position((x + 1.35 * d[0], y + 1.35 * d[1]))
        text.set_text(f"λ = {_fmt(vals[k])}")
        text.set_color(color)
    end = p - eps * g
    art["step"].set_data([x, end[0]], [y, end[1]])
    art["steptext"].set_position((end[0] + 0.05, end[1] + 0.05))
    art["point"].set_data([x], [y])
    kappa = (f"κ = {abs(vals[1] / vals[0]):.3g}" if vals[0] != 0 else "κ = ∞")
    art["title"].set_text(f"{surface} at ({x:.2g}, {y:.2g}): λ = {_fmt(vals[0])}, "
                          f"{_fmt(vals[1])}; {kappa}")

    terms = taylor_terms(g, H, eps)
    f0 = f.value(p)
    grid = np.linspace(0.0, 2.0 * eps, 121)
    gg, gHg = float(g @ g), float(g @ H @ g)
    exact = np.array([f.value(p - e * g) - f0 for e in grid])
    taylor = -grid * gg + 0.5 * grid**2 * gHg
    first = -grid * gg
    art["exact"].set_data(grid, exact)
    art["taylor"].set_data(grid, taylor)
    art["first"].set_data(grid, first)
    art["eps"].set_xdata([eps, eps])
    thr = terms.threshold
    art["thr"].set_xdata([thr, thr] if math.isfinite(thr) else [np.nan, np.nan])
    ax2 = art["exact"].axes
    ax2.set_xlim(0.0, 2.0 * eps)
    values = np.concatenate([exact, taylor, first])
    lo, hi = float(values.min()), float(values.max())
    pad = 0.06 * (hi - lo) if hi > lo else 1.0
    ax2.set_ylim(lo - pad, hi + pad)
    change = f.value(end) - f0
    verdict = "rises" if change > 0 else "falls"
    thr_text = f"{thr:.3g}" if math.isfinite(thr) else "∞ (gᵀHg ≤ 0)"
    art["title2"].set_text(f"ε = {eps:.3g}: f {verdict} by {abs(change):.4g} "
                           f"(Taylor {terms.predicted:+.4g}); steps > {thr_text} raise f")


def plot_surface(surface: str = "ill-conditioned ½(x² + 100y²)", x: float = 1.0, y: float = 1.0,
                 eps: float = 0.03) -> Figure:
    r"""A surface, the Hessian's eigen-directions at (x, y), and seed 001's Taylor terms.

    Left: contour lines; at the point, the two eigenvectors of :math:`H = \nabla^2 f`
    (blue where the curvature is positive, red where it is negative: a saddle shows one of
    each) and the step to :math:`x - \epsilon g`. Right: the change of f along the step,
    :math:`f(x - \epsilon' g) - f(x)` for :math:`\epsilon' \in [0, 2\epsilon]`, against the
    Taylor prediction :math:`-\epsilon' g^\top g + \tfrac12 \epsilon'^2 g^\top H g` and its
    first-order part; the dash-dotted line is :math:`2 g^\top g / g^\top H g`, beyond
    which the step raises f. The default is seed 001's example (ε = 0.03 from (1, 1)).
    """
    fig = _surface_skeleton()
    update_surface(fig, surface, x, y, eps)
    return fig


# --------------------------------------------------------------------------------------
# 4. Vanishing and exploding gradients
# --------------------------------------------------------------------------------------

MATRIX_POWER_W = np.array([[0.5, 1.0], [0.0, 1.5]])
"""The matrix of seed 001's example: eigenvalues 0.5 and 1.5."""


def plot_matrix_powers(W: object = MATRIX_POWER_W, t_max: int = 20) -> Figure:
    r"""How :math:`W^t` stretches each eigenvector: :math:`\lVert W^t v_i\rVert = |\lambda_i|^t`.

    Seed 001 "Vanishing/Exploding Gradient": :math:`W^t = V\operatorname{diag}(\lambda)^t
    V^{-1}`. Left: :math:`\lVert W^t v_i\rVert` for each eigenvector (computed with
    ``np.linalg.matrix_power``) against :math:`|\lambda_i|^t`. Right: a generic vector
    after t multiplications: its direction turns towards the dominant eigenvector.
    """
    W = check_array("W", W, ndim=2)
    t_max = check_int("t_max", t_max, minimum=1)
    vals, vecs = np.linalg.eig(W)
    if np.iscomplexobj(vals) and np.abs(vals.imag).max() > 0:
        raise CourseLibError("W must have real eigenvalues for this figure")
    vals, vecs = vals.real, vecs.real
    ts = np.arange(t_max + 1)
    powers = [np.linalg.matrix_power(W, int(t)) for t in ts]
    fig = _new_figure(10.0, 3.8, wspace=0.3, left=0.08)
    ax, ax2 = fig.subplots(1, 2)
    lo, hi = 1.0, 1.0
    for k in range(vals.size):
        norms = np.array([np.linalg.norm(P @ vecs[:, k]) for P in powers])
        lo, hi = min(lo, norms.min()), max(hi, norms.max())
        ax.semilogy(ts, norms, "o", ms=4, color=f"C{k}",
                    label=f"‖Wᵗv‖, v eigenvector of λ = {vals[k]:g}")
        ax.semilogy(ts, np.abs(vals[k]) ** ts, "-", lw=1, color=f"C{k}",
                    label=f"|λ|ᵗ = {abs(vals[k]):g}ᵗ")
    _decade_axis(ax, lo, hi)
    ax.set_xlabel("number of multiplications t")
    ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    ax.set_ylabel("length (log scale)")
    ax.set_title("Along eigenvectors: λᵗ shrinks (|λ| < 1) or explodes (|λ| > 1)", fontsize=9)
    ax.legend(fontsize=7)
    v = np.array([1.0, -1.0])
    path = np.array([P @ v for P in powers])
    unit = path / np.linalg.norm(path, axis=1, keepdims=True)
    ax2.plot(unit[:, 0], unit[:, 1], "o-", ms=3, color="C2", label="Wᵗ(1, −1)/‖Wᵗ(1, −1)‖")
    ax2.plot(*unit[0], "k*", ms=9)
    for k in range(vals.size):
        d = vecs[:, k] / np.linalg.norm(vecs[:, k])
        ax2.plot([-d[0], d[0]], [-d[1], d[1]], color=f"C{k}", lw=2,
                 label=f"eigen-direction, λ = {vals[k]:g}")
    s = np.linspace(0, 2 * np.pi, 200)
    ax2.plot(np.cos(s), np.sin(s), color="0.85", lw=0.8)
    ax2.set_aspect("equal")
    ax2.set_xlim(-1.2, 1.2)
    ax2.set_ylim(-1.2, 1.2)
    ax2.set_xlabel("first component (unit vector)")
    ax2.set_ylabel("second component")
    ax2.set_title("Any start turns towards the exploding direction", fontsize=9)
    ax2.legend(fontsize=7, loc="upper left")
    return fig


def error_terms(delta_top: object, weights: Sequence[object], pre_activations: Sequence[object],
                g_prime: Callable[[np.ndarray], np.ndarray]) -> list[np.ndarray]:
    r"""Seed 004's backward recursion for the error terms of every layer.

    With :math:`x^{[k]} = W^{[k]} z^{[k-1]}` (``W[k]`` of shape :math:`(n_k, n_{k-1})`) and
    :math:`z^{[k]} = g(x^{[k]})`, seed 004 (2.7 items 6-7) writes
    :math:`\delta^{[k-1]}_j = \sum_i \delta^{[k]}_i w^{[k]}_{ij}\, g'(x^{[k-1]}_j)`, i.e.

    .. math:: \delta^{[k-1]} = \bigl(W^{[k]\top} \delta^{[k]}\bigr) \odot g'(x^{[k-1]}).

    ``weights`` is :math:`[W^{[1]}, \dots, W^{[L]}]`, ``pre_activations`` is
    :math:`[x^{[1]}, \dots, x^{[L-1]}]` and ``delta_top`` is :math:`\delta^{[L]}`; the
    result is :math:`[\delta^{[1]}, \dots, \delta^{[L]}]`. Each backward step multiplies by
    a weight and a derivative: with :math:`|w\,g'| < 1` the terms shrink geometrically
    (vanishing gradients), with :math:`> 1` they grow (exploding).
    """
    deltas = [check_array("delta_top", delta_top, ndim=1)]
    n_layers = len(weights)
    if len(pre_activations) != n_layers - 1:
        raise CourseLibError(
            f"pre_activations must hold the L − 1 = {n_layers - 1} hidden layers' inputs "
            f"x[1], ..., x[L−1], got {len(pre_activations)}"
        )
    for k in range(n_layers - 1, 0, -1):  # W^[k+1] in 0-based position k
        W = check_array(f"weights[{k}]", weights[k], ndim=2)
        x = check_array(f"pre_activations[{k - 1}]", pre_activations[k - 1], ndim=1)
        deltas.append((W.T @ deltas[-1]) * np.asarray(g_prime(x), dtype=np.float64))
    return deltas[::-1]


# --------------------------------------------------------------------------------------
# 5. The gradient through depth (explorer)
# --------------------------------------------------------------------------------------

DEPTH_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus")
INITS = MappingProxyType({
    "Xavier N(0, 2/(n_in+n_out))": "xavier",
    "He N(0, 2/n_in)": "he",
    "fixed N(0, 1)": "std1",
    "fixed N(0, 0.01²)": "std0.01",
})
"""Dropdown label -> initialisation of the depth explorer."""

DEPTH_WIDTH, DEPTH_BATCH, DEPTH_MAX = 64, 128, 50


@cache
def _depth_draws() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Standard-normal weights (scaled per init), inputs and output gradient, drawn once.

    Scaling one standard-normal draw ``z`` by ``√variance`` is exactly what
    ``init.xavier_normal``/``init.he_normal`` draw; sharing the draws makes the options
    comparable (only the scale changes between them).
    """
    rng = np.random.default_rng(6)
    Z = rng.standard_normal((DEPTH_MAX, DEPTH_WIDTH, DEPTH_WIDTH))
    X = rng.standard_normal((DEPTH_BATCH, DEPTH_WIDTH))
    R = rng.standard_normal((DEPTH_BATCH, DEPTH_WIDTH))
    for a in (Z, X, R):
        a.setflags(write=False)
    return Z, X, R


def init_std(init_label: str, fan_in: int = DEPTH_WIDTH, fan_out: int = DEPTH_WIDTH) -> float:
    """The standard deviation of the weights for an :data:`INITS` option (course_lib.init)."""
    kind = INITS[check_choice("init", init_label, tuple(INITS))]
    if kind == "xavier":
        return math.sqrt(initializers.xavier_variance(fan_in, fan_out))
    if kind == "he":
        return math.sqrt(initializers.he_variance(fan_in, fan_out, mode="fan_in"))
    return 1.0 if kind == "std1" else 0.01


class DepthSignal(NamedTuple):
    """Per layer k = 1..L: the std of its summed inputs x[k] and the norm of ∂L/∂W[k]."""

    input_std: np.ndarray
    grad_norm: np.ndarray


@cache
def depth_signal(activation: str = "tanh", init_label: str = "Xavier N(0, 2/(n_in+n_out))",
                 depth: int = 20) -> DepthSignal:
    r"""Forward and backward through ``depth`` layers of 64 units at initialisation.

    Layer k computes the summed input :math:`x^{[k]} = W^{[k]} z^{[k-1]}`
    (``layers.affine_forward``, biases 0) and, except the last (linear) layer,
    :math:`z^{[k]} = g(x^{[k]})` (``activations.activation_forward``); 128 standard-normal
    inputs :math:`z^{[0]}`. The loss is :math:`L = \frac{1}{N}\sum_n r_n^\top x^{[L]}_n`
    with a fixed random :math:`r`, so the output error does not depend on the network.
    The backward pass is ``activation_backward`` and ``affine_backward``: seed 004's
    :math:`\delta^{[k-1]} = (W^{[k]\top}\delta^{[k]}) \odot g'(x^{[k-1]})`.
    """
    check_choice("activation", activation, DEPTH_ACTIVATIONS)
    depth = check_int("depth", depth, minimum=1)
    if depth > DEPTH_MAX:
        raise CourseLibError(f"depth must be at most {DEPTH_MAX}, got {depth}")
    std = init_std(init_label)
    # 128×64 matrix products are far too small to gain from BLAS threads; on a busy 2-core
    # machine the threads' hand-offs made one update ten times slower.
    with threadpool_limits(limits=1):
        return _depth_signal(activation, std, depth)


def _depth_signal(activation: str, std: float, depth: int) -> DepthSignal:
    Z, X, R = _depth_draws()
    b = np.zeros(DEPTH_WIDTH)
    z = X
    affine_caches, act_caches, stds = [], [], []
    for k in range(depth):
        x, cache_a = layers.affine_forward(z, std * Z[k], b)
        affine_caches.append(cache_a)
        stds.append(float(np.std(x)))
        if k < depth - 1:
            z, cache_g = activations.activation_forward(x, activation)
            act_caches.append(cache_g)
    dout = R / DEPTH_BATCH
    norms = np.empty(depth)
    for k in range(depth - 1, -1, -1):
        if k < depth - 1:
            dout = activations.activation_backward(dout, act_caches[k]).dx
        grads = layers.affine_backward(dout, affine_caches[k])
        norms[k] = safe_norm(grads.dW)
        dout = grads.dx
    result = DepthSignal(np.array(stds), norms)
    for a in result:
        a.setflags(write=False)
    return result


_FLOOR = 1e-300  # zeros (underflow) are drawn at the bottom of the log axis


def _depth_skeleton() -> Figure:
    fig = _new_figure(10.5, 4.2, left=0.07, right=0.98, bottom=0.12, top=0.82, wspace=0.24)
    ax, ax2 = fig.subplots(1, 2)
    art = {}
    art["std"], = ax.semilogy([1], [1], "o-", ms=3, color="C0")
    art["grad"], = ax2.semilogy([1], [1], "o-", ms=3, color="C3")
    for a in (ax, ax2):
        a.axhline(1.0, color="0.7", lw=0.6)
        a.set_xlabel("layer k (1 = next to the input)")
        a.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    ax.set_ylabel("std of the summed inputs x[k]")
    ax2.set_ylabel("‖∂L/∂W[k]‖ (Frobenius)")
    art["title"] = ax.set_title("", fontsize=9, y=1.01)
    art["title2"] = ax2.set_title("", fontsize=9, y=1.01)
    art["suptitle"] = fig.suptitle("", fontsize=10)
    fig._l06 = art
    return fig


def update_depth(fig: Figure, activation: str = "tanh",
                 init: str = "Xavier N(0, 2/(n_in+n_out))", depth: int = 20) -> None:
    """Redraw a figure from :func:`plot_depth` for new values, in place."""
    art = fig._l06
    sig = depth_signal(activation, init, int(depth))
    k = np.arange(1, sig.grad_norm.size + 1)
    art["suptitle"].set_text(f"{activation}, {init}, {k[-1]} layers of {DEPTH_WIDTH} units "
                             "(at initialisation)")
    for line, values, title, text in (
        (art["std"], sig.input_std, art["title"], "forward"),
        (art["grad"], sig.grad_norm, art["title2"], "backward"),
    ):
        shown = np.maximum(values, _FLOOR)
        line.set_data(k, shown)
        ax = line.axes
        ax.set_xlim(0.5, k[-1] + 0.5)
        _decade_axis(ax, min(float(shown.min()), 0.5), max(float(shown.max()), 2.0))
        title.set_text(f"{text}: {values[0]:.2g} at layer 1, {values[-1]:.2g} at layer {k[-1]}")


def plot_depth(activation: str = "tanh", init: str = "Xavier N(0, 2/(n_in+n_out))",
               depth: int = 20) -> Figure:
    r"""The signal through a deep network at initialisation: forward spread, backward gradients.

    Left: the standard deviation of each layer's summed input :math:`x^{[k]}` (too small:
    the signal dies out; too large: saturating units sit where :math:`g' \approx 0`, and
    non-saturating ones explode). Right: :math:`\lVert\partial L/\partial W^{[k]}\rVert`,
    from the output (right) back to the input (left). Flat: every layer learns; falling
    towards layer 1: vanishing gradients; rising: exploding. Computed by
    :func:`depth_signal`.
    """
    fig = _depth_skeleton()
    update_depth(fig, activation, init, depth)
    return fig


# --------------------------------------------------------------------------------------
# 6. A cliff, and gradient clipping (seed 001)
# --------------------------------------------------------------------------------------

CLIFF_SLOPE, CLIFF_SHARPNESS, CLIFF_OFFSET = 30.0, 100.0, 1.0
CLIFF_NORMAL = np.array([2.0, 1.0]) / math.sqrt(5.0)
CLIFF_CENTER = np.array([4.0, 0.0])
CLIFF_CURVATURE = np.array([0.25, 1.0])
CLIFF_START = np.array([-2.5, -1.5])
CLIFF_BOX = (-8.0, 3.0, -5.0, 2.5)
CLIFF_STEPS = 60


def _cliff_value(w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    a, c, n = CLIFF_CURVATURE, CLIFF_CENTER, CLIFF_NORMAL
    u = CLIFF_SHARPNESS * (n[0] * w1 + n[1] * w2 - CLIFF_OFFSET)
    wall = CLIFF_SLOPE / CLIFF_SHARPNESS * np.asarray(activations.softplus(u))
    return 0.5 * (a[0] * (w1 - c[0]) ** 2 + a[1] * (w2 - c[1]) ** 2) + wall


@cache
def cliff_objective() -> objectives.Objective:
    r"""A gentle valley whose lowest point lies at the foot of a steep wall (a cliff).

    .. math:: f(w) = \tfrac12\bigl(0.25 (w_1 - 4)^2 + w_2^2\bigr)
              + \frac{h}{s}\,\mathrm{softplus}\bigl(s\,(n^\top w - 1)\bigr)

    with :math:`h = 30`, :math:`s = 100` and :math:`n = (2, 1)/\sqrt5`. Before the line
    :math:`n^\top w = 1` the wall term is almost 0; beyond it f rises with slope
    :math:`h = 30` (within about :math:`1/s = 0.01` of the line), while the valley's own
    gradient is about 1 near the wall. The minimum sits just before the foot of
    the wall, where the valley's pull into the wall balances the wall's push. Seed 001
    "Exploding Gradient in Cliff Structure" (after Goodfellow et al., Fig. 8.3).
    """
    a, c, n = CLIFF_CURVATURE, CLIFF_CENTER, CLIFF_NORMAL
    h, s, off = CLIFF_SLOPE, CLIFF_SHARPNESS, CLIFF_OFFSET

    def value(w: np.ndarray) -> float:
        return float(_cliff_value(w[0], w[1]))

    def gradient(w: np.ndarray) -> np.ndarray:
        # d/du softplus(u) = σ(u), so the wall's gradient is h σ(s(nᵀw − 1)) n
        return a * (w - c) + h * float(activations.sigmoid(s * (n @ w - off))) * n

    def hessian(w: np.ndarray) -> np.ndarray:
        d = float(activations.sigmoid_derivative(s * (n @ w - off)))
        return np.diag(a) + h * s * d * np.outer(n, n)

    return objectives.Objective(name="cliff", dim=2, source="seed 001 'Cliff Structure'",
                                _value=value, _gradient=gradient, _hessian=hessian)


CLIFF_METHODS = ("no clipping", "clip by norm", "clip by value")


def cliff_optimizer(method: str, lr: float, threshold: float) -> optim.Optimizer:
    """Plain gradient descent, or wrapped in ``optim.Clipped`` (by global norm or by value)."""
    check_choice("method", method, CLIFF_METHODS)
    sgd = optim.SGD(lr=lr)
    if method == "clip by norm":
        return optim.Clipped(sgd, max_norm=threshold)
    if method == "clip by value":
        return optim.Clipped(sgd, clip_value=threshold)
    return sgd


@cache
def cliff_runs(lr: float = 0.2, threshold: float = 1.0,
               n_steps: int = CLIFF_STEPS) -> Mapping[str, np.ndarray]:
    """Iterates ``(n_steps + 1, 2)`` of each method of :data:`CLIFF_METHODS` from the start."""
    lr, threshold = check_positive("lr", lr), check_positive("threshold", threshold)
    f = cliff_objective()
    out = {}
    for method in CLIFF_METHODS:
        traj = optim.run(cliff_optimizer(method, lr, threshold), f.grad_fn,
                         f.params(CLIFF_START), n_steps)
        path = traj.stack("x")
        path.setflags(write=False)
        out[method] = path
    return MappingProxyType(out)


@cache
def _cliff_contours() -> np.ndarray:
    x0, x1, y0, y1 = CLIFF_BOX
    gx, gy = np.meshgrid(np.linspace(x0, x1, 241), np.linspace(y0, y1, 161))
    gen = contourpy.contour_generator(gx, gy, _cliff_value(gx, gy))
    levels = (0.6, 1.2, 2.0, 3.0, 4.5, 6.5, 9.0, 15.0, 25.0, 40.0)
    out = _lines_with_breaks([line for lv in levels for line in gen.lines(lv)])
    out.setflags(write=False)
    return out


_CLIFF_STYLE = {"no clipping": ("C3", "o"), "clip by norm": ("C0", "s"),
                "clip by value": ("C2", "^")}


def _cliff_skeleton() -> Figure:
    fig = _new_figure(10.5, 4.2, left=0.06, right=0.98, bottom=0.13, top=0.88, wspace=0.2)
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1.0]})
    art = {}
    contours = _cliff_contours()
    ax.plot(contours[:, 0], contours[:, 1], color="0.75", lw=0.7)
    n = CLIFF_NORMAL
    # the foot of the wall: the line nᵀw = offset
    t = np.array([-10.0, 10.0])
    base = CLIFF_OFFSET * n
    ax.plot(base[0] + t * (-n[1]), base[1] + t * n[0], color="0.3", lw=2.5, alpha=0.5)
    ax.text(1.9, 1.6, "wall", rotation=-63, fontsize=8, color="0.3", ha="center", va="center")
    for method in CLIFF_METHODS:
        color, marker = _CLIFF_STYLE[method]
        art[method], = ax.plot([], [], marker=marker, ms=3, lw=1, color=color, label=method)
        art[f"loss {method}"], = ax2.plot([], [], lw=1.5, color=color, label=method)
    ax.plot(*CLIFF_START, "k*", ms=10)
    x0, x1, y0, y1 = CLIFF_BOX
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.legend(fontsize=7, loc="lower right", framealpha=0.9)
    art["title"] = ax.set_title("", fontsize=9, y=1.01)
    ax2.set_xlabel("step")
    ax2.set_ylabel("loss f(w) (colours as on the left)")
    ax2.set_xlim(0, CLIFF_STEPS)
    ax2.yaxis.set_major_locator(MaxNLocator(6))
    art["title2"] = ax2.set_title("", fontsize=9, y=1.01)
    fig._l06 = art
    return fig


def update_cliff(fig: Figure, lr: float = 0.2, threshold: float = 1.0) -> None:
    """Redraw a figure from :func:`plot_cliff` for new values, in place."""
    art = fig._l06
    runs = cliff_runs(float(lr), float(threshold))
    top = 0.0
    jumps, last = {}, {}
    steps = np.arange(CLIFF_STEPS + 1)
    for method, path in runs.items():
        art[method].set_data(path[:, 0], path[:, 1])
        loss = _cliff_value(path[:, 0], path[:, 1])  # cliff_objective().value on every iterate
        art[f"loss {method}"].set_data(steps, loss)
        top = max(top, float(loss.max()))
        jumps[method] = float(np.max(np.linalg.norm(np.diff(path, axis=0), axis=1)))
        last[method] = float(np.mean(loss[-20:]))
    ax2 = art["loss no clipping"].axes
    ax2.set_ylim(0.0, 1.08 * top)
    art["title"].set_text(f"ε = {lr:.3g}, threshold = {threshold:.3g}: longest step "
                          f"{jumps['no clipping']:.2g} unclipped, "
                          f"{jumps['clip by norm']:.2g} clipped by norm")
    art["title2"].set_text("mean loss over the last 20 steps: "
                           + ", ".join(f"{m.split()[-1] if m != 'no clipping' else 'plain'} "
                                       f"{v:.3g}" for m, v in last.items()))


def plot_cliff(lr: float = 0.2, threshold: float = 1.0) -> Figure:
    r"""Gradient descent into a cliff, with and without clipping.

    Left: :func:`cliff_objective`'s contours, the foot of the cliff (grey band) and
    60 steps of plain gradient descent (``optim.SGD``), of the same with the gradient
    clipped by norm (``optim.Clipped(max_norm=threshold)``, seed 001's
    :math:`\alpha g/\lVert g\rVert`) and by value (``clip_value=threshold``). Right: the
    loss along each run. On the wall the gradient is about 50 times larger than elsewhere:
    an unclipped step there catapults the point far back (seed 001, Goodfellow Fig. 8.3).
    """
    fig = _cliff_skeleton()
    update_cliff(fig, lr, threshold)
    return fig


# --------------------------------------------------------------------------------------
# 7. Activations and their derivatives (seed 004), clipping by value and by norm
# --------------------------------------------------------------------------------------

ACTIVATION_STYLE = MappingProxyType({
    "sigmoid": ("C0", "-"), "tanh": ("C1", "-"), "relu": ("C2", "-"),
    "leaky_relu": ("C3", "--"), "elu": ("C4", "-."), "softplus": ("C5", ":"),
})


def plot_activations(leaky_alpha: float = 0.1) -> Figure:
    """Seed 004's activations (left) and their derivatives (right), from course_lib.activations.

    Leaky ReLU is drawn with α = ``leaky_alpha`` (0.1, so that its slope is visible; the
    notes' example is 0.01); ELU with α = 1.
    """
    leaky_alpha = check_positive("leaky_alpha", leaky_alpha)
    x = np.linspace(-5.0, 5.0, 401)
    fig = _new_figure(10.0, 3.8, wspace=0.2)
    ax, ax2 = fig.subplots(1, 2)
    for name, (color, ls) in ACTIVATION_STYLE.items():
        entry = activations.ACTIVATIONS[name]
        kw = {"alpha": leaky_alpha} if name == "leaky_relu" else {}
        label = f"leaky ReLU (α = {leaky_alpha:g})" if name == "leaky_relu" else name
        ax.plot(x, entry.function(x, **kw), color=color, ls=ls, lw=1.8, label=label)
        ax2.plot(x, entry.derivative(x, **kw), color=color, ls=ls, lw=1.8, label=label)
    ax.set_ylim(-1.5, 3.0)
    ax2.set_ylim(-0.05, 1.15)
    ax.set_title("activations g(x)", fontsize=10)
    ax2.set_title("derivatives g′(x): σ′ ≤ 1/4, tanh′ ≤ 1, both → 0 for large |x|",
                  fontsize=10)
    for a in (ax, ax2):
        a.axhline(0.0, color="0.7", lw=0.6)
        a.axvline(0.0, color="0.7", lw=0.6)
        a.set_xlabel("x")
    ax.set_ylabel("g(x)")
    ax2.set_ylabel("g′(x)")
    ax.legend(fontsize=8, loc="upper left")
    return fig


def plot_clipping(g: object = (3.0, 4.0), threshold: float = 2.0) -> Figure:
    """A gradient, clipped by global norm (same direction) and by value (a new direction).

    ``optim.clip_by_global_norm`` and ``optim.clip_by_value`` on ``g``; the disk of radius
    ``threshold`` and the square [−threshold, threshold]² are the sets they map into.
    """
    g = check_array("g", g, ndim=1)
    if g.size != 2:
        raise CourseLibError(f"g must have 2 entries for this figure, got {g.size}")
    threshold = check_positive("threshold", threshold)
    by_norm = optim.clip_by_global_norm({"g": g}, threshold)["g"]
    by_value = optim.clip_by_value({"g": g}, threshold)["g"]
    fig = _new_figure(5.5, 4.6, left=0.12, right=0.97, bottom=0.12, top=0.9)
    ax = fig.subplots()
    s = np.linspace(0, 2 * np.pi, 200)
    ax.fill(threshold * np.cos(s), threshold * np.sin(s), color="C0", alpha=0.12)
    v = threshold
    ax.fill([-v, v, v, -v], [-v, -v, v, v], color="C2", alpha=0.1)
    for vec, color, label in ((g, "k", f"g = ({g[0]:g}, {g[1]:g}), ‖g‖ = {np.hypot(*g):.3g}"),
                              (by_norm, "C0", f"by norm: ({by_norm[0]:.3g}, {by_norm[1]:.3g})"),
                              (by_value, "C2", f"by value: ({by_value[0]:.3g}, "
                                               f"{by_value[1]:.3g})")):
        ax.annotate("", xy=vec, xytext=(0, 0),
                    arrowprops={"arrowstyle": "-|>", "color": color, "lw": 2})
        ax.plot([], [], color=color, lw=2, label=label)
    lim = max(float(np.abs(g).max()), threshold) * 1.15
    ax.set_xlim(-0.3 * lim, lim)
    ax.set_ylim(-0.3 * lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("g₁")
    ax.set_ylabel("g₂")
    ax.set_title(f"clipping with threshold {threshold:g}", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    return fig


# --------------------------------------------------------------------------------------
# Registered explorers
# --------------------------------------------------------------------------------------

SURFACE = register(Explorer(
    name="l06_landscape.surface",
    lesson="06_optimization_landscape",
    plot=plot_surface,
    update=update_surface,
    controls=(
        Control("surface", "ill-conditioned ½(x² + 100y²)", options=tuple(SURFACES),
                description="surface"),
        Control("x", 1.0, -2.0, 2.0, step=0.05, description="x"),
        Control("y", 1.0, -2.0, 2.0, step=0.05, description="y"),
        Control("eps", 0.03, -3.0, 0.0, step=0.05, log=True, description="ε"),
    ),
    source=__name__,
))

DEPTH = register(Explorer(
    name="l06_landscape.depth",
    lesson="06_optimization_landscape",
    plot=plot_depth,
    update=update_depth,
    controls=(
        Control("activation", "tanh", options=DEPTH_ACTIVATIONS, description="activation"),
        Control("init", "Xavier N(0, 2/(n_in+n_out))", options=tuple(INITS),
                description="init"),
        Control("depth", 20, 2, DEPTH_MAX, step=1, description="layers"),
    ),
    source=__name__,
))

CLIFF = register(Explorer(
    name="l06_landscape.cliff",
    lesson="06_optimization_landscape",
    plot=plot_cliff,
    update=update_cliff,
    controls=(
        Control("lr", 0.2, -2.0, 0.0, step=0.1, log=True, description="ε"),
        Control("threshold", 1.0, 0.1, 5.0, step=0.1, description="threshold"),
    ),
    source=__name__,
))
