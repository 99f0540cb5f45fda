r"""Lesson 02 (L2, L1 and elastic net): the figures and the widget explorations.

Every figure is a pure function of its arguments, drawn from course_lib's reference
implementations (:mod:`course_lib.penalties`, :mod:`course_lib.linear_models`,
:mod:`course_lib.optim`); the notebook calls them, and four are registered as explorers
(:class:`course_lib.widgets.Explorer`):

- ``l02_penalties.paths``: λ against the ridge and lasso (or elastic-net) coefficient
  paths and the number of non-zero weights, the current λ marked (seed 001 "Regularization
  Effect", seed 004 sec. 7 (c));
- ``l02_penalties.constraint``: the constrained view, the L1 diamond and the L2 disk of
  size η with the loss contours and the constrained optimum, which is the penalized
  optimum for one α (seed 001 "Geometric Perspective");
- ``l02_penalties.shrinkage``: the factors :math:`\lambda_i/(\lambda_i + \alpha)` of seed
  001's eigen-analysis, with the 3×3 example's eigenvalues marked;
- ``l02_penalties.bias``: ridge with and without a penalized bias when every target is
  shifted by a constant (seed 004 sec. 1.6 item 3).

The coefficient paths are computed once (about half a second, at the first figure) and
cached, so a slider update only refits at the current λ and redraws. Each explorer
redraws its figure in place (``update_paths``, ``update_constraint``,
``update_shrinkage``, ``update_bias``: new data, labels and limits, no new axes); each
plot function draws the frame and calls the same update, so an updated figure is what a
fresh one would be. The figures also avoid what makes matplotlib slow (minor log ticks,
mathtext, colorbars) to keep an update under 100 ms. The data sets come from fixed
``numpy.random.Generator`` seeds, so the figures are the same in every run.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from course_lib import data, linear_models, optim, penalties
from course_lib._validation import (
    CourseLibError,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
    check_rng,
)
from course_lib.widgets import Control, Explorer, artists_by_gid, register, relabel_artist


def _log_axis(ax, ticks, axis: str = "x") -> None:
    """A log-scale axis with a few plain labels and no minor ticks.

    Matplotlib's default log axis builds dozens of minor ticks and typesets every label
    with mathtext, which alone takes most of a 100 ms redraw budget. For the same reason
    the explorers' titles are set with ``y=1.0``: a title placed by hand skips matplotlib's
    search, on every draw, for tick labels above the axes (there are none, so the title
    lands where it would anyway).
    """
    target = ax.xaxis if axis == "x" else ax.yaxis
    (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
    target.set_major_locator(FixedLocator(ticks))
    target.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    target.set_minor_locator(NullLocator())


# --------------------------------------------------------------------------------------
# Coefficient paths: ridge against lasso / elastic net (seed 001, seed 004 sec. 1.6, 7)
# --------------------------------------------------------------------------------------

PATH_LAMS = np.logspace(-1.0, 3.5, 61)
"""The λ grid of the precomputed paths (the objective's λ, ``scaling="lambda"``)."""

PATH_TICKS = (0.1, 1.0, 10.0, 100.0, 1000.0)
PATH_PENALTIES = {
    "lasso": 0.0,
    "elastic net, α = 0.2": 0.2,
    "elastic net, α = 0.5": 0.5,
}
"""Dropdown label -> seed 001's elastic-net α (the weight of the L2 part; 0 is the lasso)."""

_SUB = dict(enumerate("₀₁₂₃₄₅₆₇₈₉"))
_CD_TOL = 1e-8  # coordinate descent: plenty for a figure, and four times faster than 1e-10


class PathProblem(NamedTuple):
    """A regression problem with correlated features and a sparse truth."""

    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray


@cache
def path_problem() -> PathProblem:
    r"""60 examples of 8 standardized features (correlation :math:`0.5^{|i-j|}`), 3 of them used.

    :math:`y = 1 + Xw_\text{true} + \varepsilon` with :math:`w_\text{true} = (3, -2, 0, 0,
    1.5, 0, 0, 0)` and :math:`\varepsilon \sim N(0, 1)`, from ``default_rng(0)``.
    """
    rng = np.random.default_rng(0)
    n, d = 60, 8
    corr = 0.5 ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))
    X = rng.standard_normal((n, d)) @ np.linalg.cholesky(corr).T
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    w_true = np.array([3.0, -2.0, 0.0, 0.0, 1.5, 0.0, 0.0, 0.0])
    y = 1.0 + X @ w_true + rng.standard_normal(n)
    for a in (X, y, w_true):
        a.setflags(write=False)
    return PathProblem(X, y, w_true)


def ridge_coefficients(lam: float) -> np.ndarray:
    r"""Ridge weights on :func:`path_problem`, minimizing :math:`\lVert Xw + b - y\rVert^2 +
    \lambda\lVert w\rVert^2`.

    The intercept :math:`b` is not penalized (:func:`course_lib.linear_models.ridge` with
    ``fit_intercept=True``).
    """
    p = path_problem()
    return linear_models.ridge(p.X, p.y, lam, fit_intercept=True).coef


def l1_coefficients(lam: float, alpha: float = 0.0) -> np.ndarray:
    r"""Seed 001's elastic net on :func:`path_problem`, with the squared-error sum as data term.

    Minimizes :math:`\lVert Xw + b - y\rVert^2 + \lambda\bigl(\alpha\lVert w\rVert_2^2 +
    (1-\alpha)\lVert w\rVert_1\bigr)`: ``alpha = 0`` is the lasso. Computed by
    :func:`course_lib.linear_models.elastic_net` with ``l1_ratio = 1 - alpha``.
    """
    p = path_problem()
    alpha = check_real("alpha", alpha)
    if not 0.0 <= alpha < 1.0:
        raise CourseLibError(f"alpha (the L2 weight of the elastic net) must lie in [0, 1), "
                             f"got {alpha}; alpha = 1 is ridge, see ridge_coefficients")
    fit = linear_models.elastic_net(p.X, p.y, lam, 1.0 - alpha, fit_intercept=True,
                                    tol=_CD_TOL)
    return fit.coef


@cache
def _all_paths() -> dict[str, np.ndarray]:
    # Every path at once (about half a second), so that only the first figure waits.
    paths = {"ridge": np.array([ridge_coefficients(float(lam)) for lam in PATH_LAMS])}
    for label, alpha in PATH_PENALTIES.items():
        paths[label] = np.array([l1_coefficients(float(lam), alpha) for lam in PATH_LAMS])
    for path in paths.values():
        path.setflags(write=False)
    return paths


def coefficient_paths(penalty: str = "lasso") -> tuple[np.ndarray, np.ndarray]:
    """``(ridge_path, l1_path)``, each of shape ``(len(PATH_LAMS), 8)`` (computed once).

    ``penalty`` is a key of :data:`PATH_PENALTIES`; row ``i`` holds the weights fitted at
    ``PATH_LAMS[i]`` by :func:`ridge_coefficients` and :func:`l1_coefficients`.
    """
    check_choice("penalty", penalty, tuple(PATH_PENALTIES))
    paths = _all_paths()
    return paths["ridge"].copy(), paths[penalty].copy()


def _rescale(fig) -> None:
    """Recompute every axes' limits from its artists' data, as a fresh plot would.

    All the data limits first: axes that share y take their limits from all of them.
    """
    for ax in fig.axes:
        ax.relim()
    for ax in fig.axes:
        ax.autoscale_view()


_PATH_PANELS = (("ridge", "ridge (L2)"), ("l1", None))  # (gid prefix, title; None: penalty)


def plot_paths(lam: float = 10.0, penalty: str = "lasso"):
    """Ridge and lasso (or elastic-net) coefficient paths against λ, and their sparsity.

    Left: ridge; right: the L1 penalty chosen by ``penalty``. Both show the path of every
    weight over :data:`PATH_LAMS`, the current λ as a vertical line and the weights fitted
    at that λ as dots (hollow where the weight is exactly zero); the titles count the
    non-zero weights. Lasso zeros are exact zeros of coordinate descent's soft threshold;
    ridge weights shrink but are never exactly zero. :func:`update_paths` fills in the
    frame drawn here (and alone redraws it when a slider moves).
    """
    lam = check_positive("lam", lam)
    check_choice("penalty", penalty, tuple(PATH_PENALTIES))
    d = path_problem().X.shape[1]
    colors = plt.get_cmap("tab10")(np.arange(d))
    blank = np.zeros(PATH_LAMS.size)
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.0), sharey=True)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.86, wspace=0.08)
    for ax, (gid, _title) in zip(axes, _PATH_PANELS, strict=True):
        for j in range(d):
            ax.plot(PATH_LAMS, blank, color=colors[j], lw=1.5, label=f"w{_SUB[j + 1]}",
                    gid=f"{gid}-path{j}")
        # one scatter: filled dots for non-zero weights, hollow ones for exact zeros
        ax.scatter(np.full(d, lam), np.zeros(d), s=30, zorder=3, gid=f"{gid}-now",
                   facecolors=colors, edgecolors=colors)
        ax.axvline(lam, color="0.3", ls="--", lw=1, gid=f"{gid}-lam")
        ax.axhline(0.0, color="0.6", lw=0.6)
        _log_axis(ax, PATH_TICKS)
        ax.set_xlabel("λ (log scale)")
    axes[0].set_ylabel("fitted weight wⱼ")
    axes[0].legend(loc="upper right", fontsize=7, ncol=2)
    axes[0].yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
    update_paths(fig, lam, penalty)
    return fig


def update_paths(fig, lam: float = 10.0, penalty: str = "lasso") -> None:
    """Redraw a figure of :func:`plot_paths` in place for new slider values."""
    lam = check_positive("lam", lam)
    paths = dict(zip(("ridge", "l1"), coefficient_paths(penalty), strict=True))
    now = {"ridge": ridge_coefficients(lam),
           "l1": l1_coefficients(lam, PATH_PENALTIES[penalty])}
    art = artists_by_gid(fig)
    for ax, (gid, title) in zip(fig.axes, _PATH_PANELS, strict=True):
        d = now[gid].size
        for j in range(d):
            art[f"{gid}-path{j}"].set_ydata(paths[gid][:, j])
        dots = art[f"{gid}-now"]
        dots.set_offsets(np.column_stack([np.full(d, lam), now[gid]]))
        zero = now[gid] == 0.0
        dots.set_facecolors(np.where(zero[:, None], 1.0, dots.get_edgecolors()))
        art[f"{gid}-lam"].set_xdata([lam, lam])
        ax.set_title(f"{title or penalty}: {np.count_nonzero(now[gid])} of {d} weights ≠ 0",
                     fontsize=10, y=1.0)  # y given: see _log_axis
    _rescale(fig)


# --------------------------------------------------------------------------------------
# The constrained view (seed 001 "Geometric Perspective")
# --------------------------------------------------------------------------------------

CONSTRAINT_H = np.array([1.0, 2.0])
"""The diagonal Hessian of the loss :math:`\\tfrac12\\sum_i H_{ii}(w_i - w_i^*)^2`."""
CONSTRAINT_W_STAR = np.array([2.5, 0.6])
"""The unregularized minimizer :math:`w^*`."""
NORMS = ("both", "L1", "L2")


class Constrained(NamedTuple):
    """The minimizer ``w`` over ``‖w‖ ≤ budget`` and the penalty ``alpha`` it corresponds to."""

    w: np.ndarray
    alpha: float
    active: bool


def _norm(norm: str, w: np.ndarray) -> float:
    return float(np.abs(w).sum()) if norm == "L1" else float(np.sqrt(w @ w))


def penalized_optimum(norm: str, alpha: float, H: np.ndarray = CONSTRAINT_H,
                      w_star: np.ndarray = CONSTRAINT_W_STAR) -> np.ndarray:
    r"""The minimizer of :math:`\tfrac12\sum_i H_{ii}(w_i - w_i^*)^2` plus the penalty.

    ``"L1"``: :math:`+\alpha\lVert w\rVert_1`, the soft threshold
    (:func:`course_lib.penalties.l1_diagonal_hessian_solution`); ``"L2"``:
    :math:`+\tfrac{\alpha}{2}\lVert w\rVert_2^2`, :math:`(H + \alpha I)^{-1}Hw^*`
    (:func:`course_lib.penalties.l2_regularized_optimum`).
    """
    check_choice("norm", norm, ("L1", "L2"))
    if norm == "L1":
        return penalties.l1_diagonal_hessian_solution(w_star, H, alpha)
    return penalties.l2_regularized_optimum(np.diag(H), w_star, alpha)


def constrained_optimum(norm: str, budget: float, H: np.ndarray = CONSTRAINT_H,
                        w_star: np.ndarray = CONSTRAINT_W_STAR) -> Constrained:
    r"""The minimizer of the quadratic loss over :math:`\lVert w\rVert \le \eta` (``budget``).

    Seed 001 "Geometric Perspective": minimizing loss + α·complexity is the same as
    minimizing the loss subject to complexity ≤ η. If :math:`w^*` is inside the region the
    constraint is inactive (α = 0); otherwise the optimum is the penalized optimum
    (:func:`penalized_optimum`) for the α at which its norm equals η, found by bisection
    (the norm decreases as α grows).
    """
    check_choice("norm", norm, ("L1", "L2"))
    budget = check_positive("budget", budget)
    if _norm(norm, w_star) <= budget:
        return Constrained(np.array(w_star, dtype=np.float64), 0.0, False)
    lo, hi = 0.0, 1.0
    while _norm(norm, penalized_optimum(norm, hi, H, w_star)) > budget:
        lo, hi = hi, 2.0 * hi
    for _ in range(50):  # 2**-50 of the bracket: far below what a figure shows
        mid = 0.5 * (lo + hi)
        if _norm(norm, penalized_optimum(norm, mid, H, w_star)) > budget:
            lo = mid
        else:
            hi = mid
    alpha = 0.5 * (lo + hi)
    return Constrained(penalized_optimum(norm, alpha, H, w_star), alpha, True)


@cache
def _regularization_path(norm: str) -> tuple[np.ndarray, np.ndarray]:
    """(norms, points) of the penalized optimum over a dense α grid, w* first, 0 last."""
    if norm == "L1":
        alphas = np.linspace(0.0, float(np.max(CONSTRAINT_H * np.abs(CONSTRAINT_W_STAR))), 400)
    else:
        alphas = np.concatenate([[0.0], np.logspace(-3, 4, 400)])
    points = np.array([penalized_optimum(norm, float(a)) for a in alphas])
    norms = np.abs(points).sum(axis=1) if norm == "L1" else np.linalg.norm(points, axis=1)
    return norms, points


def _loss(w: np.ndarray) -> float:
    return 0.5 * float(CONSTRAINT_H @ (w - CONSTRAINT_W_STAR) ** 2)


def _ellipse(level: float, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The contour ½ΣHᵢᵢ(wᵢ − wᵢ*)² = level (an axis-aligned ellipse)."""
    t = np.linspace(0.0, 2.0 * np.pi, n)
    a = np.sqrt(2.0 * level / CONSTRAINT_H)
    return CONSTRAINT_W_STAR[0] + a[0] * np.cos(t), CONSTRAINT_W_STAR[1] + a[1] * np.sin(t)


_LEVELS = (0.05, 0.25, 0.6, 1.2, 2.0, 3.0, 4.5)
_STYLE = {"L1": ("C3", "L1 diamond ‖w‖₁ ≤ η"), "L2": ("C0", "L2 disk ‖w‖₂ ≤ η")}


def plot_constraint(budget: float = 1.0, norm: str = "both"):
    """The L1 diamond and the L2 disk of size η, the loss contours and the constrained optima.

    Left: the weight plane with the contours of the loss around :math:`w^*`, the region
    :math:`\\lVert w\\rVert \\le \\eta`, the constrained optimum (where the lowest contour
    touches the region; that contour dashed) and, dotted, the regularization path it moves
    along as η shrinks: the L1 path runs into the axis :math:`w_2 = 0` and stays there, so
    for small η the L1 optimum sits on a corner of the diamond with :math:`w_2` exactly 0;
    the L2 path only approaches 0. The title gives the α of the penalized problem with the
    same solution. The fixed parts are drawn here; :func:`update_constraint` draws the
    regions and optima (and alone redraws them when a slider moves).
    """
    budget = check_positive("budget", budget)
    check_choice("norm", norm, NORMS)
    fig, ax = plt.subplots(figsize=(7.5, 5.2))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.11, top=0.92)

    # all the contours as one line (NaN breaks it between ellipses): one artist to draw
    rings = [np.column_stack(_ellipse(level)) for level in _LEVELS]
    rings = np.concatenate([np.vstack([r, [np.nan, np.nan]]) for r in rings])
    ax.plot(rings[:, 0], rings[:, 1], color="0.75", lw=0.8)
    ax.plot(*CONSTRAINT_W_STAR, "k*", ms=12, label="w* (no penalty)")
    # drawn over the regions and paths, which update_constraint adds after them
    ax.axhline(0, color="0.5", lw=0.6, zorder=2.01)
    ax.axvline(0, color="0.5", lw=0.6, zorder=2.01)
    ax.set_xlim(-1.2, 3.6)
    ax.set_ylim(-1.5, 2.0)
    ax.set_aspect("equal")
    ax.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10]))
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    update_constraint(fig, budget, norm)
    return fig


_CONSTRAINT_GIDS = ("region", "path", "contour", "optimum")


def update_constraint(fig, budget: float = 1.0, norm: str = "both") -> None:
    """(Re)draw the regions, paths and optima of a :func:`plot_constraint` figure.

    The artists of the previous values are removed first (which norms are drawn may
    change); the contours, w* and the axes stay.
    """
    budget = check_positive("budget", budget)
    check_choice("norm", norm, NORMS)
    norms = ("L1", "L2") if norm == "both" else (norm,)
    optima = {name: constrained_optimum(name, budget) for name in norms}
    ax = fig.axes[0]
    for artist in ax.get_children():
        if str(artist.get_gid()).startswith(_CONSTRAINT_GIDS):
            artist.remove()
    s = np.linspace(0.0, 2.0 * np.pi, 200)
    titles = []
    for name in norms:
        color, label = _STYLE[name]
        opt = optima[name]
        if name == "L1":
            ax.fill([budget, 0, -budget, 0], [0, budget, 0, -budget], color=color, alpha=0.18,
                    gid="region-L1")
        else:
            ax.fill(budget * np.cos(s), budget * np.sin(s), color=color, alpha=0.18,
                    gid="region-L2")
        _, path = _regularization_path(name)
        ax.plot(path[:, 0], path[:, 1], color=color, lw=1, ls=":", gid=f"path-{name}")
        ax.plot(*_ellipse(max(_loss(opt.w), 1e-12)), color=color, ls="--", lw=1.2,
                gid=f"contour-{name}")
        ax.plot(*opt.w, "o", color=color, ms=8, mec="k", gid=f"optimum-{name}",
                label=f"{label}: optimum ({opt.w[0]:.2f}, {opt.w[1]:.2f})")
        titles.append(f"{name}: α = {opt.alpha:.3g}" if opt.active else f"{name}: inactive")
    ax.set_title(f"η = {budget:.2f} ↔ " + ", ".join(titles), fontsize=10, y=1.0)
    ax.legend(loc="lower right", fontsize=7)


# --------------------------------------------------------------------------------------
# Eigen-shrinkage (seed 001 "L2 Regularization - Analysis")
# --------------------------------------------------------------------------------------

H3 = np.array([[2.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 2.0]])
"""The Hessian of seed 001's numerical example."""


def plot_shrinkage(alpha: float = 2.0, H: np.ndarray = H3):
    r"""The factor :math:`\lambda/(\lambda + \alpha)` against the curvature, with H's eigenvalues.

    From :func:`course_lib.penalties.shrinkage_factors`: along an eigenvector of ``H`` with
    eigenvalue :math:`\lambda_i`, L2 keeps the fraction :math:`\lambda_i/(\lambda_i +
    \alpha)` of :math:`w^*` (seed 001 "L2 Regularization - Analysis"); ``H`` defaults to the
    3×3 example's. :func:`update_shrinkage` fills in the frame drawn here.
    """
    check_nonnegative("alpha", alpha)
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.13, top=0.9)
    lam = _SHRINK_LAMS
    ax.plot(lam, lam / (lam + 0.5), color="0.6", ls=":", lw=1, label="α = 0.5")
    ax.plot(lam, lam / (lam + 8.0), color="0.6", ls="--", lw=1, label="α = 8")
    ax.plot(lam, lam, color="C3", lw=2.5, gid="current", label="current")
    ax.plot([], [], "ko", ms=7, gid="factors", label="factors")
    _log_axis(ax, (0.01, 0.1, 1.0, 10.0, 100.0))
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("curvature λᵢ (eigenvalue of H, log scale)")
    ax.set_ylabel("fraction of w* kept, λᵢ/(λᵢ + α)")
    ax.set_title("L2 shrinks the flat directions (small λᵢ) most", fontsize=10, y=1.0)
    ax.legend(loc="upper left", fontsize=8)
    update_shrinkage(fig, alpha, H)
    return fig


_SHRINK_LAMS = np.logspace(-2, 2, 200)


def update_shrinkage(fig, alpha: float = 2.0, H: np.ndarray = H3) -> None:
    """Redraw a figure of :func:`plot_shrinkage` in place for a new ``alpha``."""
    alpha = check_nonnegative("alpha", alpha)
    shrink = penalties.shrinkage_factors(H, alpha)
    ax = fig.axes[0]
    art = artists_by_gid(fig)
    lam = _SHRINK_LAMS
    art["current"].set_ydata(lam / (lam + alpha))
    relabel_artist(ax, art["current"], f"α = {alpha:.3g} (current)")
    art["factors"].set_data(shrink.eigenvalues, shrink.factors)
    factors = ", ".join(f"{f:.3f}" for f in shrink.factors)
    relabel_artist(ax, art["factors"], f"eigenvalues of H: factors {factors}")
    _rescale(fig)


# --------------------------------------------------------------------------------------
# The bias (seed 004 sec. 1.6 item 3)
# --------------------------------------------------------------------------------------

BIAS_X = np.array([0.0, 1.0, 2.0, 3.0])
BIAS_Y = np.array([1.0, 2.0, 2.0, 4.0])
"""Seed 004's section-1 data (example ``004-ridge-bias-penalty``)."""


def bias_fits(lam: float, shift: float) -> dict[str, tuple[float, float]]:
    """``(w0, w1)`` of ridge on (x, y + shift), with the bias penalized and not.

    Both from :func:`course_lib.linear_models.ridge`: "penalized" appends a column of ones
    to X (so :math:`w_0` is in :math:`\\lambda\\lVert w\\rVert^2`), "free" fits an
    unpenalized intercept.
    """
    lam = check_nonnegative("lam", lam)
    shift = check_real("shift", shift)
    y = BIAS_Y + shift
    X1 = linear_models.polynomial_features(BIAS_X, 1)
    penalized = linear_models.ridge(X1, y, lam).coef
    free = linear_models.ridge(BIAS_X[:, None], y, lam, fit_intercept=True)
    return {"penalized": (float(penalized[0]), float(penalized[1])),
            "free": (free.intercept, float(free.coef[0]))}


def plot_bias(lam: float = 1.0, shift: float = 0.0):
    """Seed 004's data moved up by ``shift``: the fit with a free bias moves with it.

    With the bias penalized, λ pulls :math:`w_0` towards 0, so the line sags below the data
    more the further the data sit from 0; with the bias free the line just moves up.
    :func:`update_bias` fills in the frame drawn here.
    """
    check_nonnegative("lam", lam)
    check_real("shift", shift)
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.13, top=0.9)
    ax.plot(BIAS_X, BIAS_Y, "ko", gid="data", label="data (seed 004) + shift")
    for key, color in (("free", "C2"), ("penalized", "C3")):
        ax.plot(_BIAS_GRID, _BIAS_GRID, color=color, lw=2, gid=f"fit-{key}", label=key)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left", fontsize=8)
    update_bias(fig, lam, shift)
    return fig


_BIAS_GRID = np.linspace(-0.5, 3.5, 50)


def update_bias(fig, lam: float = 1.0, shift: float = 0.0) -> None:
    """Redraw a figure of :func:`plot_bias` in place for new slider values."""
    fits = bias_fits(lam, shift)
    ax = fig.axes[0]
    art = artists_by_gid(fig)
    art["data"].set_ydata(BIAS_Y + shift)
    for key, label in (("free", "bias not penalized"), ("penalized", "bias penalized")):
        w0, w1 = fits[key]
        art[f"fit-{key}"].set_ydata(w0 + w1 * _BIAS_GRID)
        relabel_artist(ax, art[f"fit-{key}"], f"{label}: w₀ = {w0:.3f}, w₁ = {w1:.3f}")
    ax.set_title(f"ridge, λ = {lam:.3g}, every target shifted by {shift:+.2f}", fontsize=10,
                 y=1.0)
    _rescale(fig)


# --------------------------------------------------------------------------------------
# Static figures of the notebook
# --------------------------------------------------------------------------------------

WD_H = np.array([[1.5, 0.7], [0.7, 1.0]])
WD_W_STAR = np.array([2.0, 1.5])


def weight_decay_runs(alpha: float, lr: float = 0.2, n_steps: int = 60) -> dict[str, np.ndarray]:
    r"""Gradient descent from 0 on :math:`\tfrac12(w - w^*)^\top H(w - w^*)`, with and without
    weight decay.

    ``optim.SGD(lr, weight_decay=alpha)``: :math:`w \leftarrow (1 - \epsilon\alpha)w -
    \epsilon\nabla J` (seed 001 eq. 7.5). Returns the iterates of both runs, shape
    ``(n_steps + 1, 2)``.
    """
    alpha = check_nonnegative("alpha", alpha)
    lr = check_positive("lr", lr)
    n_steps = check_int("n_steps", n_steps, minimum=1)

    def grad(p):
        return {"w": WD_H @ (p["w"] - WD_W_STAR)}

    start = {"w": np.zeros(2)}
    runs = {}
    for key, decay in (("plain", 0.0), ("decay", alpha)):
        traj = optim.run(optim.SGD(lr=lr, weight_decay=decay), grad, start, n_steps)
        runs[key] = traj.stack("w")
    return runs


def plot_weight_decay(alpha: float = 1.0, lr: float = 0.2, n_steps: int = 60):
    r"""Where gradient descent with weight decay ends: :math:`\tilde w = (H+\alpha I)^{-1}Hw^*`."""
    runs = weight_decay_runs(alpha, lr, n_steps)
    w_tilde = penalties.l2_regularized_optimum(WD_H, WD_W_STAR, alpha)
    g1, g2 = np.meshgrid(np.linspace(-0.5, 2.8, 120), np.linspace(-0.5, 2.3, 120))
    d1, d2 = g1 - WD_W_STAR[0], g2 - WD_W_STAR[1]
    J = 0.5 * (WD_H[0, 0] * d1**2 + 2 * WD_H[0, 1] * d1 * d2 + WD_H[1, 1] * d2**2)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11.0, 4.2))
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.88, wspace=0.25)
    ax.contour(g1, g2, J, levels=[0.02, 0.1, 0.3, 0.6, 1.0, 1.6, 2.4], colors="0.75",
               linewidths=0.8)
    ax.plot(*runs["plain"].T, ".-", color="C0", ms=3, label="SGD, weight_decay = 0")
    ax.plot(*runs["decay"].T, ".-", color="C3", ms=3, label=f"SGD, weight_decay = {alpha:g}")
    ax.plot(*WD_W_STAR, "k*", ms=12, label="$w^*$")
    ax.plot(*w_tilde, "o", color="C3", mec="k", ms=8,
            label="$\\tilde w = (H+\\alpha I)^{-1}Hw^*$")
    ax.set_aspect("equal")
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title("gradient descent from 0 on J(w)", fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    steps = np.arange(runs["plain"].shape[0])
    ax2.plot(steps, np.linalg.norm(runs["plain"], axis=1), color="C0", label="no decay")
    ax2.plot(steps, np.linalg.norm(runs["decay"], axis=1), color="C3", label="weight decay")
    ax2.axhline(np.linalg.norm(WD_W_STAR), color="C0", ls=":", label="‖w*‖")
    ax2.axhline(np.linalg.norm(w_tilde), color="C3", ls=":", label="‖w̃‖")
    ax2.set_xlabel("step")
    ax2.set_ylabel("‖w‖")
    ax2.set_title(f"each step multiplies w by 1 − εα = {1 - lr * alpha:.2f} first", fontsize=10)
    ax2.legend(loc="lower right", fontsize=8)
    return fig


def plot_soft_threshold(t: float = 1.0, h: float = 1.0):
    r"""L1's soft threshold :math:`S_t(z)` beside L2's scaling :math:`\frac{h}{h + \alpha}z`.

    For one weight with curvature :math:`h` and penalty strength :math:`\alpha = th`, the
    L1 optimum is :func:`course_lib.penalties.soft_threshold` of :math:`w^*` at
    :math:`t = \alpha/h` and the L2 one :math:`h w^*/(h + \alpha)`.
    """
    t = check_nonnegative("t", t)
    h = check_positive("h", h)
    z = np.linspace(-3.0, 3.0, 601)
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    fig.subplots_adjust(left=0.12, right=0.97, bottom=0.13, top=0.9)
    ax.plot(z, z, color="0.6", ls=":", label="no penalty: $w = w^*$")
    ax.plot(z, penalties.soft_threshold(z, t), color="C3", lw=2.5, gid="soft",
            label=f"L1: soft threshold, t = α/H = {t:g}")
    ax.plot(z, h / (h + t * h) * z, color="C0", lw=2, ls="--",
            label=f"L2: $H w^*/(H+\\alpha)$, α = {t * h:g}")
    ax.axvspan(-t, t, color="C3", alpha=0.1, label="set exactly to 0 by L1")
    ax.set_xlabel("unregularized optimum $w_i^*$")
    ax.set_ylabel("regularized optimum $w_i$")
    ax.set_title("one weight, diagonal Hessian (seed 001)", fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def poly2d_features(X: np.ndarray, degree: int) -> np.ndarray:
    r"""All monomials :math:`x_1^i x_2^j` with :math:`1 \le i + j \le` ``degree`` (no constant)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise CourseLibError(f"X must have shape (n, 2), got {X.shape}")
    degree = check_int("degree", degree, minimum=1)
    cols = [X[:, 0] ** i * X[:, 1] ** j
            for i in range(degree + 1) for j in range(degree + 1 - i) if i + j > 0]
    return np.stack(cols, axis=1)


class LogisticDemo(NamedTuple):
    """Two moons, degree-6 features, and one penalized logistic fit per setting."""

    X: np.ndarray
    y: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    degree: int
    fits: dict


def logistic_demo(rng: np.random.Generator, lam: float = 1.0, *, n: int = 80,
                  degree: int = 6, n_steps: int = 500, lr: float = 0.1) -> LogisticDemo:
    r"""Seed 000's penalized logistic regression on two moons with polynomial features.

    Fits :func:`course_lib.linear_models.fit_logistic` (Adam with step ``lr``, full batch,
    ``n_steps`` steps) with no penalty, with :math:`\frac{\lambda}{2N}\lVert w\rVert_2^2`
    and with :math:`\frac{\lambda}{2N}\lVert w\rVert_1`; the bias is never penalized.
    ``rng`` draws the data set (:func:`course_lib.data.two_moons`, noise 0.3).
    """
    rng = check_rng(rng)
    lam = check_nonnegative("lam", lam)
    lr = check_positive("lr", lr)
    ds = data.two_moons(rng, n, noise=0.3)
    F = poly2d_features(ds.X, degree)
    mean, std = F.mean(axis=0), F.std(axis=0)
    Fs = (F - mean) / std
    fits = {}
    for key, pen, lam_k in (("no penalty", "none", 0.0), ("L2", "l2", lam), ("L1", "l1", lam)):
        fits[key] = linear_models.fit_logistic(Fs, ds.y, penalty=pen, lam=lam_k,
                                               optimizer=optim.Adam(lr=lr), n_steps=n_steps)
    return LogisticDemo(ds.X, ds.y, mean, std, degree, fits)


def plot_logistic(demo: LogisticDemo, lam: float = 1.0):
    """Decision boundaries and weights of :func:`logistic_demo`'s three fits."""
    g1, g2 = np.meshgrid(np.linspace(-1.6, 2.6, 150), np.linspace(-1.2, 1.7, 120))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    G = (poly2d_features(grid, demo.degree) - demo.mean) / demo.std
    fig, axes = plt.subplots(1, 4, figsize=(15.0, 3.6),
                             gridspec_kw={"width_ratios": [1, 1, 1, 1.2]})
    fig.subplots_adjust(left=0.04, right=0.99, bottom=0.16, top=0.86, wspace=0.25)
    for ax, (key, fit) in zip(axes[:3], demo.fits.items(), strict=True):
        p = fit.predict_proba(G).reshape(g1.shape)
        ax.contourf(g1, g2, p, levels=[0, 0.5, 1], colors=["#cfe0f3", "#f6d5cf"])
        ax.contour(g1, g2, p, levels=[0.5], colors="k", linewidths=1)
        ax.scatter(*demo.X.T, c=demo.y, cmap="coolwarm", s=12, edgecolors="k", linewidths=0.3)
        w = fit.params["w"]
        ax.set_title(f"{key}: ‖w‖₂ = {np.linalg.norm(w):.1f}", fontsize=10)
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
    ax = axes[3]
    idx = np.arange(demo.fits["L2"].params["w"].size)
    for k, (key, fit) in enumerate(demo.fits.items()):
        ax.bar(idx + (k - 1) * 0.28, np.abs(fit.params["w"]), width=0.28, label=key)
    ax.set_yscale("log")
    ax.set_xlabel("feature (monomial) index")
    ax.set_ylabel("|wⱼ| (log scale)")
    ax.set_title(f"weights, λ = {lam:g}", fontsize=10)
    ax.legend(fontsize=8)
    return fig


# --------------------------------------------------------------------------------------
# Registered explorers
# --------------------------------------------------------------------------------------

PATHS = register(Explorer(
    name="l02_penalties.paths",
    lesson="02_parameter_penalties",
    plot=plot_paths,
    update=update_paths,
    controls=(
        Control("lam", 10.0, -1.0, 3.5, step=0.05, log=True, description="λ"),
        Control("penalty", "lasso", options=tuple(PATH_PENALTIES), description="L1 penalty"),
    ),
    source=__name__,
))

CONSTRAINT = register(Explorer(
    name="l02_penalties.constraint",
    lesson="02_parameter_penalties",
    plot=plot_constraint,
    update=update_constraint,
    controls=(
        Control("budget", 1.0, 0.1, 3.4, step=0.05, description="η"),
        Control("norm", "both", options=NORMS, description="region"),
    ),
    source=__name__,
))

SHRINKAGE = register(Explorer(
    name="l02_penalties.shrinkage",
    lesson="02_parameter_penalties",
    plot=plot_shrinkage,
    update=update_shrinkage,
    controls=(Control("alpha", 2.0, 0.0, 10.0, step=0.1, description="α"),),
    source=__name__,
))

BIAS = register(Explorer(
    name="l02_penalties.bias",
    lesson="02_parameter_penalties",
    plot=plot_bias,
    update=update_bias,
    controls=(
        Control("lam", 1.0, 0.0, 20.0, step=0.5, description="λ"),
        Control("shift", 0.0, -10.0, 10.0, step=0.5, description="shift of y"),
    ),
    source=__name__,
))
