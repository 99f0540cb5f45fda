r"""Lesson 01 (bias, variance and overfitting): the figures and the two explorers.

Everything plotted comes from :mod:`course_lib.bias_variance` (the Monte-Carlo
decomposition of seed 001, "The Bias-Variance Tradeoff (Dilemma)") and
:mod:`course_lib.linear_models` (polynomial regression, MSE and hold-out validation of
seed 004 §1.4-1.6); this module only decides what to draw.

- :func:`plot_degree` (explorer ``"l01_bias_variance.degree"``): the fitted polynomials of
  several training sets at one degree :math:`m`, next to bias², variance, :math:`\sigma^2`
  and their sum against :math:`m` (the U-shaped curve).
- :func:`plot_ridge` (explorer ``"l01_bias_variance.ridge"``): the same for a fixed degree
  and a ridge penalty :math:`\lambda\lVert w\rVert^2` (seed 004 §1.6) swept over
  :math:`\lambda`: large :math:`\lambda` is a simple model, small :math:`\lambda` a complex
  one.
- :func:`plot_overfitting`, :func:`plot_fits_by_degree` and
  :func:`plot_validation_curves`: the notebook's static figures.

The curves of the explorers are computed once per setting of the data (truth, noise,
training-set size, design) and cached, so moving the degree or λ slider only redraws.
Each explorer redraws its figure in place (:func:`update_degree`, :func:`update_ridge`:
new line data, titles and limits, no new axes); the plot function draws the frame and
calls the same update, so an updated figure is what a fresh one would be. Figures are
plain :class:`matplotlib.figure.Figure` objects on an Agg canvas (no pyplot
state), which Jupyter displays as an image.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from course_lib._validation import (
    CourseLibError,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
)
from course_lib.bias_variance import (
    DESIGNS,
    BiasVarianceCurve,
    polynomial_family,
    polynomial_fit,
    ridge_family,
    sweep,
)
from course_lib.data import TRUTH_NAMES, Dataset, Truth, truth_function
from course_lib.linear_models import LambdaSearch, choose_lambda, holdout_split, mse
from course_lib.widgets import Control, Explorer, artists_by_gid, register

DEGREES: tuple[int, ...] = tuple(range(13))
"""The capacities of the degree explorer: polynomial degrees 0 to 12."""

LAMS: tuple[float, ...] = tuple(float(v) for v in np.logspace(-8, 2, 21))
"""The λ grid of the ridge explorer, 1e-8 to 1e2 (two points per decade)."""

X_TEST = np.linspace(0.0, 1.0, 101)
"""Test inputs: the decomposition is averaged over them, and the fitted curves drawn on them."""

N_SETS = 50
"""Training sets per decomposition: few, so that an update stays well under 100 ms."""

N_CURVES = 8
"""Fitted curves drawn in the left panel (the first training sets)."""

FLOOR = 1e-3
"""Lowest value drawn on the log-scale error axis (see :func:`_positive`)."""

_COLORS = {"bias2": "tab:blue", "variance": "tab:orange", "noise": "0.5", "total": "black",
           "measured": "tab:red"}


_PLAIN_FORMULAS = {"sin": "sin(2πx)", "cubic": "12√3·x(x − ½)(x − 1)", "linear": "2x − 1"}


def _formula(truth: Truth) -> str:
    """The truth's formula in plain text (mathtext is slow to lay out on every redraw)."""
    return _PLAIN_FORMULAS.get(truth.name, truth.name)


def _new_figure(width: float, height: float, **margins: float) -> Figure:
    """A figure on an Agg canvas, so ``fig.canvas.draw()`` renders and Jupyter shows a PNG.

    Fixed margins instead of a layout engine: constrained layout measures every tick label
    again on each draw and would take most of an update's time budget.
    """
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    fig.subplots_adjust(**{"left": 0.07, "right": 0.98, "bottom": 0.13, "top": 0.9,
                           "wspace": 0.28, **margins})
    return fig


def _plain_log_ticks(axis, subs: tuple[float, ...] = (1.0,)) -> None:
    """Label a log axis 0.001, 0.01, ... in plain text (mathtext labels are slow to lay out)."""
    axis.set_major_locator(LogLocator(base=10.0, subs=subs, numticks=8))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_locator(NullLocator())  # dozens of minor ticks cost more than the data


def _check_data_args(n_train: int, noise_std: float, truth: str, design: str):
    n_train = check_int("n_train", n_train, minimum=2)
    noise_std = check_nonnegative("noise_std", noise_std)
    check_choice("truth", truth, TRUTH_NAMES)
    check_choice("design", design, DESIGNS)
    return n_train, noise_std


# --------------------------------------------------------------------------------------
# The cached Monte-Carlo curves
# --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def degree_curve(
    n_train: int = 15,
    noise_std: float = 0.3,
    truth: str = "sin",
    design: str = "fixed",
    *,
    seed: int = 0,
    n_sets: int = N_SETS,
) -> BiasVarianceCurve:
    """:func:`~course_lib.bias_variance.sweep` over :data:`DEGREES` on :data:`X_TEST`.

    Cached: the same arguments return the same object, so do not modify its arrays.
    """
    n_train, noise_std = _check_data_args(n_train, noise_std, truth, design)
    return sweep(truth_function(truth, noise_std=noise_std), polynomial_family(DEGREES),
                 n_train=n_train, n_sets=check_int("n_sets", n_sets, minimum=3),
                 x_test=X_TEST, rng=np.random.default_rng(seed), design=design)


@functools.lru_cache(maxsize=64)
def ridge_curve(
    degree: int = 9,
    n_train: int = 15,
    noise_std: float = 0.3,
    truth: str = "sin",
    design: str = "fixed",
    *,
    seed: int = 0,
    n_sets: int = N_SETS,
) -> BiasVarianceCurve:
    """:func:`~course_lib.bias_variance.sweep` of a degree-``degree`` ridge fit over :data:`LAMS`.

    The training sets are the same as those of :func:`degree_curve` with the same
    arguments (same seed, same draws). Cached: do not modify its arrays.
    """
    n_train, noise_std = _check_data_args(n_train, noise_std, truth, design)
    return sweep(truth_function(truth, noise_std=noise_std),
                 ridge_family(check_int("degree", degree, minimum=1), LAMS),
                 n_train=n_train, n_sets=check_int("n_sets", n_sets, minimum=3),
                 x_test=X_TEST, rng=np.random.default_rng(seed), design=design)


def _positive(values: np.ndarray) -> np.ndarray:
    """Values for a log axis: estimates below :data:`FLOOR` are drawn at the floor.

    course_lib's bias² is an unbiased estimate, so it can come out slightly negative when
    the true bias² is about 0; on a log axis "below 10⁻³" is the honest picture of that.
    """
    return np.maximum(np.asarray(values, dtype=np.float64), FLOOR)


# --------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------


def _draw_fits(ax, predictions: np.ndarray, mean_prediction: np.ndarray, truth: Truth,
               n_curves: int = N_CURVES, *, legend: bool = True) -> None:
    """Fitted curves of the first training sets, their mean over all sets, and the truth.

    The lines carry gids (``fit0``, ``fit1``, ..., ``mean``, ``truth``) for
    :func:`_set_fits`, which changes their data in place.
    """
    for k in range(min(n_curves, predictions.shape[0])):
        ax.plot(X_TEST, predictions[k], color="tab:orange", lw=1, alpha=0.6, gid=f"fit{k}",
                label="fit on one training set" if k == 0 else None)
    ax.plot(X_TEST, mean_prediction, color="tab:blue", lw=2.5, ls="--", gid="mean",
            label=f"mean of all {predictions.shape[0]} fits")
    ax.plot(X_TEST, truth(X_TEST), color="black", lw=2, gid="truth",
            label=_truth_label(truth))
    ax.set_ylim(-2.2, 2.2)
    ax.set_yticks([-2.0, 0.0, 2.0])  # few ticks: each one costs about 1 ms to draw
    ax.set_xticks([0.0, 0.5, 1.0])
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if legend:
        ax.legend(loc="lower left", fontsize=8)


def _truth_label(truth: Truth) -> str:
    return f"truth f(x) = {_formula(truth)}"


def _set_fits(ax, predictions: np.ndarray, mean_prediction: np.ndarray, truth: Truth) -> None:
    """Put new fits, mean and truth into the lines of :func:`_draw_fits` (same count)."""
    lines = artists_by_gid(ax)
    for k in range(N_CURVES):
        lines[f"fit{k}"].set_ydata(predictions[k])
    lines["mean"].set_ydata(mean_prediction)
    label = _truth_label(truth)
    lines["truth"].set_ydata(truth(X_TEST))
    if lines["truth"].get_label() != label:
        lines["truth"].set_label(label)
        ax.get_legend().get_texts()[-1].set_text(label)  # the truth is the last entry


_TERMS = (("bias2", "o-", "bias² (± 2 s.e.)"), ("variance", "s-", "variance (± 2 s.e.)"))


def _draw_terms(ax, labels: np.ndarray) -> None:
    """Artists for bias², variance, σ², their sum and the measured error against ``labels``.

    Drawn at 1 here (gids ``band-bias2``, ``bias2``, ..., ``measured``); :func:`_set_terms`
    puts a curve's values in. bias² and variance get a band of ± 2 Monte-Carlo standard
    errors: where the variance is large, bias² cannot be told apart from 0 with this many
    training sets.
    """
    ones = np.ones(len(labels))
    for name, marker, label in _TERMS:
        ax.fill_between(labels, ones, ones, color=_COLORS[name], alpha=0.15, lw=0,
                        gid=f"band-{name}")
        ax.plot(labels, ones, marker, color=_COLORS[name], ms=4, gid=name, label=label)
    ax.plot(labels, ones, ":", color=_COLORS["noise"], lw=2, gid="noise", label="noise σ²")
    ax.plot(labels, ones, "-", color=_COLORS["total"], lw=2, gid="total",
            label="bias² + variance + σ²")
    ax.plot(labels, ones, "x", color=_COLORS["measured"], ms=7, mew=2, gid="measured",
            label="measured E[(y − f̂)²]")
    ax.set_yscale("log")
    _plain_log_ticks(ax.yaxis)
    ax.set_ylabel("error (log scale)")
    ax.grid(True, which="major", alpha=0.3)
    # outside the axes: no curve is ever hidden, whatever the sliders do
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, borderaxespad=0)


def _set_terms(ax, curve: BiasVarianceCurve, mark: float) -> None:
    """Put ``curve``'s terms into :func:`_draw_terms`' artists, move the mark, rescale."""
    art = artists_by_gid(ax)
    labels = np.array(curve.labels, dtype=np.float64)
    for name, _marker, _label in _TERMS:
        value, se = getattr(curve, name), getattr(curve, f"{name}_se")
        art[f"band-{name}"].set_data(labels, _positive(value - 2 * se),
                                     _positive(value + 2 * se))
        art[name].set_ydata(_positive(value))
    art["noise"].set_ydata(_positive(curve.noise))
    art["total"].set_ydata(_positive(curve.expected_error_predicted))
    art["measured"].set_ydata(_positive(curve.expected_error_measured))
    art["mark"].set_xdata([mark, mark])
    # the data changed under the artists: recompute the limits as a fresh plot would
    ax.relim()
    ax.autoscale_view()


def _check_degree(degree: int) -> int:
    degree = check_int("degree", degree)
    if degree not in DEGREES:
        raise CourseLibError(f"degree must be between {DEGREES[0]} and {DEGREES[-1]}, "
                             f"got {degree}")
    return degree


def plot_degree(
    degree: int = 3,
    n_train: int = 15,
    noise_std: float = 0.3,
    truth: str = "sin",
    design: str = "fixed",
) -> Figure:
    r"""Fitted polynomials of degree ``degree`` and the bias-variance curve over the degree.

    Left: :data:`N_CURVES` fits, each on its own training set of ``n_train`` points, their
    mean :math:`\bar f` over all :data:`N_SETS` sets and the truth :math:`f`. Right:
    bias², variance, :math:`\sigma^2`, their sum and the directly measured expected error
    against the degree, from :func:`degree_curve`, with the chosen degree marked.

    This draws the frame (axes, artists) and :func:`update_degree` fills it in; the
    explorer calls :func:`update_degree` alone on each slider change.
    """
    _check_degree(degree)
    _check_data_args(n_train, noise_std, truth, design)
    fig = _new_figure(12.5, 4.2, right=0.82)
    left, right = fig.subplots(1, 2)
    blank = np.zeros((N_SETS, X_TEST.size))
    _draw_fits(left, blank, blank[0], truth_function(truth, noise_std=noise_std))
    _draw_terms(right, np.array(DEGREES))
    right.axvline(degree, color="0.3", lw=1, ls="--", gid="mark")
    right.set_xlabel("degree m (capacity)")
    right.set_xticks(DEGREES[::3])
    update_degree(fig, degree, n_train, noise_std, truth, design)
    return fig


def update_degree(
    fig: Figure,
    degree: int = 3,
    n_train: int = 15,
    noise_std: float = 0.3,
    truth: str = "sin",
    design: str = "fixed",
) -> None:
    """Redraw a figure of :func:`plot_degree` in place for new slider values."""
    degree = _check_degree(degree)
    curve = degree_curve(n_train, noise_std, truth, design)
    res = curve.result(degree)
    left, right = fig.axes[:2]
    _set_fits(left, res.predictions, res.mean_prediction,
              truth_function(truth, noise_std=noise_std))
    # y given: a title placed by hand skips matplotlib's search for tick labels above the
    # axes on every draw (there are none, so it lands where it would anyway)
    left.set_title(f"degree m = {degree}, N = {n_train} points per set", y=1.0)
    _set_terms(right, curve, degree)
    right.set_title(f"m = {degree}: bias² {res.bias2:.2g}, variance {res.variance:.2g}",
                    y=1.0)


def _ridge_here(lam: float, degree: int, n_train: int, noise_std: float):
    """The decomposition at ``lam`` itself, on the training sets of :func:`ridge_curve`."""
    return sweep(truth_function("sin", noise_std=noise_std), {lam: polynomial_fit(degree, lam)},
                 n_train=n_train, n_sets=N_SETS, x_test=X_TEST, rng=np.random.default_rng(0),
                 design="fixed").results[0]


def plot_ridge(
    lam: float = 1e-3,
    degree: int = 9,
    n_train: int = 15,
    noise_std: float = 0.3,
) -> Figure:
    r"""Degree-``degree`` ridge fits at ``lam`` and the bias-variance curve over λ.

    The ridge objective is seed 004 §1.6's :math:`\lVert Xw - y\rVert^2 +
    \lambda\lVert w\rVert^2` with the bias :math:`w_0` not penalized (its item 3). The
    data are those of :func:`plot_degree` (sine truth, fixed design); the curve is
    :func:`ridge_curve` over :data:`LAMS`, and the value at ``lam`` itself is a
    decomposition on the same training sets. :func:`update_ridge` fills in the frame drawn
    here, and alone redraws it on each slider change.
    """
    lam = check_positive("lam", lam)
    check_int("degree", degree, minimum=1)
    _check_data_args(n_train, noise_std, "sin", "fixed")
    fig = _new_figure(12.5, 4.2, right=0.82)
    left, right = fig.subplots(1, 2)
    blank = np.zeros((N_SETS, X_TEST.size))
    _draw_fits(left, blank, blank[0], truth_function("sin", noise_std=noise_std))
    _draw_terms(right, np.array(LAMS))
    right.set_xscale("log")
    _plain_log_ticks(right.xaxis)
    right.axvline(lam, color="0.3", lw=1, ls="--", gid="mark")
    right.set_xlabel("ridge λ (large λ: simpler model)")
    update_ridge(fig, lam, degree, n_train, noise_std)
    return fig


def update_ridge(
    fig: Figure,
    lam: float = 1e-3,
    degree: int = 9,
    n_train: int = 15,
    noise_std: float = 0.3,
) -> None:
    """Redraw a figure of :func:`plot_ridge` in place for new slider values."""
    lam = check_positive("lam", lam)
    degree = check_int("degree", degree, minimum=1)
    curve = ridge_curve(degree, n_train, noise_std, "sin", "fixed")
    here = _ridge_here(lam, degree, n_train, noise_std)
    left, right = fig.axes[:2]
    _set_fits(left, here.predictions, here.mean_prediction,
              truth_function("sin", noise_std=noise_std))
    left.set_title(f"degree {degree}, λ = {lam:.2g}, N = {n_train}", y=1.0)  # see update_degree
    _set_terms(right, curve, lam)
    right.set_title(f"λ = {lam:.2g}: bias² {here.bias2:.2g}, variance {here.variance:.2g}",
                    y=1.0)


def plot_fits_by_degree(
    degrees: tuple[int, ...] = (1, 3, 9),
    n_train: int = 15,
    noise_std: float = 0.3,
    n_curves: int = 10,
) -> Figure:
    """One panel per degree: ``n_curves`` fits on different training sets (seed 001's claim).

    "Simple models trained on different samples of data do not differ much from each
    other [...] complex models [...] are very different from each other" (seed 001).
    """
    n_curves = check_int("n_curves", n_curves, minimum=1)
    for d in degrees:
        if check_int("degree", d) not in DEGREES:
            raise CourseLibError(f"each degree must be in {DEGREES[0]}..{DEGREES[-1]}, got {d}")
    curve = degree_curve(n_train, noise_std, "sin", "fixed")
    truth = truth_function("sin", noise_std=noise_std)
    fig = _new_figure(3.8 * len(degrees), 3.6)
    axes = np.atleast_1d(fig.subplots(1, len(degrees), sharey=True))
    for ax, d in zip(axes, degrees, strict=True):
        res = curve.result(d)
        _draw_fits(ax, res.predictions, res.mean_prediction, truth, n_curves,
                   legend=ax is axes[0])
        ax.set_title(f"degree {d}: bias² = {res.bias2:.2g}, variance = {res.variance:.2g}",
                     fontsize=10)
    return fig


def plot_overfitting(data: Dataset, truth: Truth, degrees: tuple[int, ...] = (1, 3, 9)) -> Figure:
    """One training set and its least-squares polynomials of several degrees (seed 004 §1.5)."""
    if not isinstance(data, Dataset) or not isinstance(truth, Truth):
        raise CourseLibError("plot_overfitting needs a course_lib.data.Dataset and a Truth, "
                             f"got {type(data).__name__} and {type(truth).__name__}")
    fig = _new_figure(6.5, 4.2, left=0.12)
    ax = fig.subplots()
    grid = np.linspace(*truth.x_range, 301)
    ax.plot(grid, truth(grid), color="black", lw=2, label=f"truth f(x) = {_formula(truth)}")
    for d in degrees:
        model = polynomial_fit(d)(data)
        train = mse(data.y, model.predict(data.X))
        ax.plot(grid, model.predict(grid), lw=1.8,
                label=f"degree {d}: training MSE {train:.3f}")
    ax.plot(data.X[:, 0], data.y, "o", color="black", mfc="white", mew=1.5,
            label=f"training set ({data.n_samples} points)")
    ax.set_ylim(-2.2, 2.2)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="lower left", fontsize=8)
    return fig


# --------------------------------------------------------------------------------------
# Hold-out validation curves (seed 004 §1.6 items 5-6)
# --------------------------------------------------------------------------------------


class ValidationCurves(NamedTuple):
    """Training and validation MSE over the degree, and over λ at one degree (one split)."""

    degrees: np.ndarray
    train_mse: np.ndarray
    val_mse: np.ndarray
    lam_degree: int
    lam_search: LambdaSearch

    @property
    def best_degree(self) -> int:
        """The degree with the lowest validation MSE (the "sweet spot")."""
        return int(self.degrees[int(np.argmin(self.val_mse))])


def validation_curves(
    data: Dataset,
    degrees: tuple[int, ...] = DEGREES,
    lams: tuple[float, ...] = LAMS,
    *,
    lam_degree: int = 9,
    val_fraction: float = 0.3,
    seed: int = 0,
) -> ValidationCurves:
    """Hold-out training/validation MSE against the degree and against λ.

    One split, :func:`~course_lib.linear_models.holdout_split` with
    ``np.random.default_rng(seed)``; :func:`~course_lib.linear_models.choose_lambda`
    draws the same split from the same seed, so both curves see the same data.
    """
    if not isinstance(data, Dataset):
        raise CourseLibError(f"data must be a course_lib.data.Dataset, got {type(data).__name__}")
    split = holdout_split(np.random.default_rng(seed), data.X, data.y, val_fraction)
    train = Dataset(split.X_train, split.y_train)
    train_mse, val_mse = [], []
    for d in degrees:
        model = polynomial_fit(d)(train)
        train_mse.append(mse(split.y_train, model.predict(split.X_train)))
        val_mse.append(mse(split.y_val, model.predict(split.X_val)))
    lam_degree = check_int("lam_degree", lam_degree, minimum=1)
    search = choose_lambda(
        data.X, data.y, lams,
        lambda X, y, lam: polynomial_fit(lam_degree, lam)(Dataset(X, y)),
        rng=np.random.default_rng(seed), val_fraction=val_fraction,
    )
    return ValidationCurves(np.array(degrees), np.array(train_mse), np.array(val_mse),
                            lam_degree, search)


def plot_validation_curves(curves: ValidationCurves) -> Figure:
    """Seed 004 §1.6 item 6, "typical training and validation error curves", twice."""
    if not isinstance(curves, ValidationCurves):
        raise CourseLibError("plot_validation_curves takes the result of validation_curves, "
                             f"got {type(curves).__name__}")
    fig = _new_figure(11.0, 4.0, left=0.08, wspace=0.25)
    left, right = fig.subplots(1, 2)
    left.plot(curves.degrees, curves.train_mse, "o-", label="training MSE")
    left.plot(curves.degrees, curves.val_mse, "s-", label="validation MSE")
    left.axvline(curves.best_degree, color="0.3", ls="--", lw=1,
                 label=f"sweet spot: degree {curves.best_degree}")
    left.set_xlabel("polynomial degree m (capacity grows →)")
    left.set_xticks(curves.degrees)
    s = curves.lam_search
    right.plot(s.lams, s.train_errors, "o-", label="training MSE")
    right.plot(s.lams, s.val_errors, "s-", label="validation MSE")
    right.axvline(s.best_lam, color="0.3", ls="--", lw=1,
                  label=f"sweet spot: λ = {s.best_lam:.2g}")
    right.set_xscale("log")
    right.set_xlabel(f"ridge penalty λ at degree {curves.lam_degree} (capacity shrinks →)")
    _plain_log_ticks(right.xaxis)
    for ax in (left, right):
        ax.set_yscale("log")
        _plain_log_ticks(ax.yaxis, subs=(1.0, 2.0, 5.0))
        ax.set_ylabel("MSE (log scale)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    return fig


# --------------------------------------------------------------------------------------
# The explorers
# --------------------------------------------------------------------------------------

DEGREE_EXPLORER = register(Explorer(
    name="l01_bias_variance.degree",
    lesson="01_bias_variance",
    plot=plot_degree,
    update=update_degree,
    controls=(
        Control("degree", 3, DEGREES[0], DEGREES[-1], 1, description="degree m"),
        Control("n_train", 15, 8, 60, 1, description="points N"),
        Control("noise_std", 0.3, 0.05, 1.0, 0.05, description="noise σ"),
        Control("truth", "sin", options=TRUTH_NAMES, description="truth f"),
        Control("design", "fixed", options=DESIGNS, description="inputs"),
    ),
    source=__name__,
))

RIDGE_EXPLORER = register(Explorer(
    name="l01_bias_variance.ridge",
    lesson="01_bias_variance",
    plot=plot_ridge,
    update=update_ridge,
    controls=(
        Control("lam", 1e-3, -8, 2, 0.25, log=True, description="λ"),
        Control("degree", 9, 1, 12, 1, description="degree m"),
        Control("n_train", 15, 8, 60, 1, description="points N"),
        Control("noise_std", 0.3, 0.05, 1.0, 0.05, description="noise σ"),
    ),
    source=__name__,
))
