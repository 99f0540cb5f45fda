r"""Lesson 11 (putting it together): a small network on scikit-learn's digits.

Everything the capstone notebook trains, measures and draws, built on course_lib
(:mod:`course_lib.data`, :mod:`course_lib.mlp`, :mod:`course_lib.optim`,
:mod:`course_lib.early_stopping`, :mod:`course_lib.training`):

- the data: :func:`digits_split`, the 8×8 digits that ship inside scikit-learn, split
  into a small training set, a validation set and a test set;
- the runs: :func:`train_curves` trains a network with minibatches (seed 003,
  "Algorithm 1 SGD") and records, after every epoch and in eval mode, the data loss and
  the accuracy on the three sets; :func:`run` caches a run by its configuration, and
  :func:`grid_run` names a run of the explorer's grid by optimizer and regularizers;
- the reference answers of the notebook's exercises (:func:`accuracy_from_logits`,
  :func:`confusion_from_logits`, :func:`report_at_best_epoch`, :func:`build_setup`,
  :func:`select_by_validation`), which later cells use; :func:`check_setup` and
  :func:`check_selection`, the test cells' checks of a configuration and of a choice;
  :func:`summary_row`, :func:`markdown_table` and :func:`accuracy_standard_error` for
  the results tables;
- the figures, and one explorer, ``l11_capstone.learning_curves``: optimizer, L2 (or
  AdamW's decay) strength, dropout rate, batch norm and early-stopping patience against
  the learning curves. Runs are trained on first use and cached (about 0.1 s each on
  this course's 2-core machine); the first figure also trains every run that differs
  from the default in one control, so moving one control from the default only redraws.

Every run is deterministic: the data, the initial weights and the minibatch order (and
dropout masks) come from fixed ``numpy.random.Generator`` seeds.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from course_lib import data, early_stopping, mlp, optim
from course_lib._validation import (
    CourseLibError,
    Params,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
)
from course_lib.optim.base import Optimizer
from course_lib.widgets import Control, Explorer, register

# --------------------------------------------------------------------------------------
# The experiment
# --------------------------------------------------------------------------------------

SIZES = (64, 32, 10)
"""The network: 64 pixels in, 32 ReLU units, 10 logits out."""

N_TRAIN = 200
"""Training examples used by default: few, so that the network can overfit them."""

EPOCHS = 40
BATCH_SIZE = 32
DATA_SEED, INIT_SEED = 0, 1
"""Seeds of the split and of the runs (initial weights; shuffling and dropout use
``INIT_SEED + 1000``)."""

OPTIMIZERS = ("SGD", "momentum", "Adam", "AdamW")
"""The optimizers the notebook compares (``build_setup``'s lower-case names)."""

LEARNING_RATES = {"SGD": 0.3, "momentum": 0.03, "Adam": 0.01, "AdamW": 0.01}
"""Each optimizer's learning rate, chosen on the validation set (the notebook's sweep)."""

LR_SWEEP = {"SGD": (0.1, 0.3, 1.0), "momentum": (0.01, 0.03, 0.1), "Adam": (0.003, 0.01, 0.03)}
"""The learning rates tried for each optimizer (AdamW uses Adam's)."""

PENALTIES = (0.0, 0.001, 0.01, 0.1)
"""λ: the L2 term λ/2 Σ‖W‖² in the loss, or AdamW's decoupled decay."""

DROPOUTS = (0.0, 0.2, 0.5)
"""p_drop: the probability of dropping a hidden unit."""

_SETUP_NAMES = {"sgd": "SGD", "momentum": "momentum", "adam": "Adam", "adamw": "AdamW"}


@cache
def digits_split(n_train: int = N_TRAIN) -> data.Split:
    """scikit-learn's digits: ``n_train`` training images, 449 validation, 449 test.

    :func:`course_lib.data.digits` splits the 1797 images (pixels scaled to [0, 1]) into
    a stratified pool of 899 training images, 449 validation and 449 test images; the
    training set is the first ``n_train`` images of the (shuffled) pool, so a larger
    ``n_train`` adds images to a smaller one's. The arrays are read-only (shared).
    """
    n_train = check_int("n_train", n_train, minimum=10)
    split = data.digits(np.random.default_rng(DATA_SEED), val_fraction=0.25, test_fraction=0.25)
    if n_train > split.train.n_samples:
        raise CourseLibError(
            f"n_train must be at most {split.train.n_samples} (the training pool), got {n_train}"
        )
    train = data.Dataset(split.train.X[:n_train].copy(), split.train.y[:n_train].copy())
    out = data.Split(train, split.val, split.test)
    for part in out:
        part.X.setflags(write=False)
        part.y.setflags(write=False)
    return out


class Curves(NamedTuple):
    """A run's learning curves: one entry per epoch, measured in eval mode.

    ``*_loss`` is the mean cross-entropy on the data (no L2 term, no dropout, batch norm
    with its running statistics); ``*_acc`` the fraction classified correctly. ``best_*``
    are the parameters (and batch-norm statistics) after the epoch with the lowest
    validation loss (the first such epoch), ``best_epoch`` that epoch; ``config`` and
    ``optimizer`` what was trained.
    """

    epochs: np.ndarray
    train_loss: np.ndarray
    train_acc: np.ndarray
    val_loss: np.ndarray
    val_acc: np.ndarray
    test_loss: np.ndarray
    test_acc: np.ndarray
    best_epoch: int
    best_params: Params
    best_running: mlp.Running
    config: mlp.MLPConfig | None = None
    optimizer: Optimizer | None = None
    seconds_per_epoch: float = math.nan

    def history(self) -> dict[str, np.ndarray]:
        """The curves as a dict of arrays (the form exercise 2 takes)."""
        return {"epochs": self.epochs.copy(), "train_loss": self.train_loss.copy(),
                "val_loss": self.val_loss.copy(), "val_acc": self.val_acc.copy(),
                "test_acc": self.test_acc.copy()}


def train_curves(
    config: mlp.MLPConfig,
    optimizer: Optimizer,
    split: data.Split,
    *,
    epochs: int = EPOCHS,
    batch_size: int = BATCH_SIZE,
    seed: int = INIT_SEED,
    augment_shift: int = 0,
) -> Curves:
    """Train from fresh weights and record the learning curves after every epoch.

    The training loop is that of :func:`course_lib.training.train` (seed 003, "Algorithm
    1 SGD": a fresh random order every epoch, minibatches of ``batch_size``, the gradient
    of :func:`course_lib.mlp.loss_and_grads` at ``optimizer.eval_point``, one
    ``optimizer.update`` per minibatch), run for all ``epochs`` without stopping, so early
    stopping with any patience can be read off the recorded validation curve afterwards.
    The weights come from ``default_rng(seed)``, the order of the minibatches and the
    dropout masks from ``default_rng(seed + 1000)``. With ``augment_shift > 0`` every
    epoch trains on a fresh random translation of each training image by up to that many
    pixels (:func:`course_lib.data.augment_digits`).
    """
    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    augment_shift = check_int("augment_shift", augment_shift, minimum=0)
    X, y = np.asarray(split.train.X, dtype=np.float64), np.asarray(split.train.y)
    params = mlp.init_params(config, np.random.default_rng(seed))
    state = optimizer.init(params)
    running = mlp.init_running(config)
    gen = np.random.default_rng(seed + 1000)
    record: dict[str, list[float]] = {k: [] for k in
                                      ("train_loss", "train_acc", "val_loss", "val_acc",
                                       "test_loss", "test_acc")}
    best = (math.inf, 0, params, running)
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        X_epoch = data.augment_digits(gen, X, augment_shift) if augment_shift else X
        for idx in data.minibatches(gen, X.shape[0], batch_size):
            point = optimizer.eval_point(params, state)
            _, grads, running = mlp.loss_and_grads(
                point, X_epoch[idx], y[idx], config, train=True,
                rng=gen if config.p_drop > 0 else None, running=running)
            params, state = optimizer.update(params, grads, state)
        for name, part in (("train", split.train), ("val", split.val), ("test", split.test)):
            loss, acc = mlp.evaluate(params, part.X, part.y, config, running)
            record[f"{name}_loss"].append(loss)
            record[f"{name}_acc"].append(acc)
        if record["val_loss"][-1] < best[0]:  # strict: the first of equal losses is kept
            best = (record["val_loss"][-1], epoch, params, running)
    seconds = (time.perf_counter() - start) / epochs
    arrays = {k: np.array(v, dtype=np.float64) for k, v in record.items()}
    best_params, best_running = copy.deepcopy(best[2]), copy.deepcopy(best[3])
    # Runs are cached and shared: make every array read-only so no caller edits them.
    for a in (*arrays.values(), *best_params.values()):
        a.setflags(write=False)
    epochs_arr = np.arange(1, epochs + 1)
    epochs_arr.setflags(write=False)
    return Curves(epochs=epochs_arr, **arrays, best_epoch=best[1], best_params=best_params,
                  best_running=best_running, config=config, optimizer=optimizer,
                  seconds_per_epoch=seconds)


@cache
def run(config: mlp.MLPConfig, optimizer: Optimizer, *, n_train: int = N_TRAIN,
        seed: int = INIT_SEED, augment_shift: int = 0) -> Curves:
    """:func:`train_curves` on :func:`digits_split` ``(n_train)``, computed once and cached.

    The configuration and the optimizer are frozen dataclasses, so they are the key.
    """
    return train_curves(config, optimizer, digits_split(n_train), seed=seed,
                        augment_shift=augment_shift)


# --------------------------------------------------------------------------------------
# Reference answers of the exercises
# --------------------------------------------------------------------------------------


def _logits_2d(logits: object) -> np.ndarray:
    try:
        z = np.asarray(logits, dtype=np.float64)
    except (TypeError, ValueError):
        raise CourseLibError(f"logits must be a numeric array, got {logits!r}") from None
    if z.ndim != 2 or z.shape[0] == 0 or z.shape[1] < 2:
        raise CourseLibError(
            f"logits must have shape (N, K): one row of K >= 2 class scores per example, "
            f"got shape {z.shape}"
        )
    return z


def _class_labels(labels: object, n: int, k: int) -> np.ndarray:
    """Integer labels ``(N,)`` from integer labels or one-hot rows ``(N, K)``."""
    y = np.asarray(labels)
    if y.ndim == 2 and y.shape == (n, k):
        return y.argmax(axis=1)
    if y.shape != (n,):
        raise CourseLibError(
            f"labels must be {n} integer classes, shape ({n},), or one-hot rows of shape "
            f"({n}, {k}), got shape {y.shape}"
        )
    if not np.issubdtype(y.dtype, np.integer):
        y_int = y.astype(np.int64)
        if not np.array_equal(y_int, y):
            raise CourseLibError(f"labels must be whole class numbers, got {y!r}")
        y = y_int
    return y


def accuracy_from_logits(logits: np.ndarray, labels: np.ndarray) -> float:
    r"""The fraction of examples whose largest logit is the true class.

    .. math:: \text{acc} = \frac1N\sum_{n=1}^N
              \mathbb 1\bigl[\arg\max_k z_{nk} = y_n\bigr]

    ``logits`` has one row per example (shape ``(N, K)``); ``labels`` holds integer
    classes ``(N,)`` or one-hot rows ``(N, K)``. The softmax is not needed: it does not
    change which logit is largest.
    """
    z = _logits_2d(logits)
    y = _class_labels(labels, *z.shape)
    return float(np.mean(z.argmax(axis=1) == y))


def confusion_from_logits(logits: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """The confusion matrix: ``C[i, j]`` examples of true class i predicted as class j.

    Rows are true classes and columns predicted ones (scikit-learn's
    ``confusion_matrix``), shape ``(n_classes, n_classes)``, int64, including classes
    that never occur. Its trace divided by N is the accuracy.
    """
    z = _logits_2d(logits)
    n_classes = check_int("n_classes", n_classes, minimum=2)
    y = _class_labels(labels, *z.shape)
    if z.shape[1] != n_classes or y.min() < 0 or y.max() >= n_classes:
        raise CourseLibError(
            f"with n_classes={n_classes} the logits need {n_classes} columns (got "
            f"{z.shape[1]}) and the labels must lie in 0..{n_classes - 1}"
        )
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y, z.argmax(axis=1)), 1)
    return C


def _history_arrays(history: Mapping[str, Any]) -> dict[str, np.ndarray]:
    if not isinstance(history, Mapping):
        raise CourseLibError(f"history must be a dict of arrays, got {type(history).__name__}")
    keys = ("epochs", "val_loss", "test_acc")
    missing = [k for k in keys if k not in history]
    if missing:
        raise CourseLibError(f"history must have the keys {list(keys)}; missing {missing}")
    out = {k: np.asarray(history[k], dtype=np.float64) for k in keys}
    n = out["epochs"].shape
    if len(n) != 1 or n[0] == 0 or any(v.shape != n for v in out.values()):
        raise CourseLibError(
            "history['epochs'], ['val_loss'] and ['test_acc'] must be 1-D, non-empty and of "
            f"the same length, got shapes {[out[k].shape for k in keys]}"
        )
    return out


def report_at_best_epoch(history: Mapping[str, Any]) -> dict[str, float]:
    """The epoch with the lowest validation loss, that loss, and the test accuracy then.

    ``history`` holds, per evaluation, ``"epochs"`` (the epoch after which it was made),
    ``"val_loss"`` and ``"test_acc"``. The best evaluation is the first one with the
    smallest validation loss (Algorithm 7.1 keeps :math:`\\theta^*` on a strict
    improvement); the test accuracy is read at that same evaluation, never chosen.
    Returns ``{"best_epoch": int, "val_loss": float, "test_acc": float}``.
    """
    h = _history_arrays(history)
    i = int(np.argmin(h["val_loss"]))  # argmin returns the first of equal values
    return {"best_epoch": int(h["epochs"][i]), "val_loss": float(h["val_loss"][i]),
            "test_acc": float(h["test_acc"][i])}


def build_setup(optimizer: str, lr: float, penalty: float, keep_prob: float,
                batchnorm: bool) -> tuple[mlp.MLPConfig, Optimizer]:
    """The network configuration and the optimizer of a training plan (exercise 3).

    - ``optimizer``: ``"sgd"`` (:class:`~course_lib.optim.SGD`); ``"momentum"``, seed
      003's "SGD with Momentum" :math:`M^t = \\beta M^{t-1} + g^t`,
      :math:`W^t = W^{t-1} - \\eta M^t` with :math:`\\beta = 0.9` (``form="sum"``);
      ``"adam"`` (seed 003's :math:`\\beta_1 = 0.9`, :math:`\\beta_2 = 0.999`,
      :math:`\\epsilon = 10^{-8}`, course_lib's defaults); ``"adamw"``.
    - ``penalty`` :math:`\\lambda`: the L2 term :math:`\\frac{\\lambda}{2}\\sum_k\\lVert
      W_k\\rVert_F^2` in the loss (``MLPConfig(l2=λ)``) for the first three; for AdamW the
      decoupled decay :math:`W \\leftarrow W - \\eta(\\text{Adam step} + \\lambda W)` of
      seed 003 (``AdamW(weight_decay=λ)``), and no L2 term in the loss.
    - ``keep_prob``: seed 001's :math:`p`, the probability of *keeping* a hidden unit, so
      ``p_drop = 1 - keep_prob`` (1 means no dropout).
    """
    name = check_choice("optimizer", optimizer, tuple(_SETUP_NAMES))
    lr = check_positive("lr", lr)
    penalty = check_nonnegative("penalty", penalty)
    keep_prob = check_real("keep_prob", keep_prob)
    if not 0.0 < keep_prob <= 1.0:
        raise CourseLibError(f"keep_prob must lie in (0, 1], got {keep_prob}")
    if not isinstance(batchnorm, bool | np.bool_):
        raise CourseLibError(f"batchnorm must be True or False, got {batchnorm!r}")
    decoupled = name == "adamw"
    config = mlp.MLPConfig(SIZES, l2=0.0 if decoupled else penalty, p_drop=1.0 - keep_prob,
                           batchnorm=bool(batchnorm))
    opt: Optimizer
    if name == "sgd":
        opt = optim.SGD(lr=lr)
    elif name == "momentum":
        opt = optim.Momentum(lr=lr, beta=0.9, form="sum")
    elif name == "adam":
        opt = optim.Adam(lr=lr)
    else:
        opt = optim.AdamW(lr=lr, weight_decay=penalty)
    return config, opt


def select_by_validation(table: Sequence[Mapping[str, Any]]) -> tuple[str, float]:
    """``(name, test_acc)`` of the row with the highest ``"val_acc"`` (the first if tied).

    Each row is a dict with at least ``"name"``, ``"val_acc"`` and ``"test_acc"``. The
    choice looks at the validation accuracy only; the test accuracy of the chosen row is
    what one reports.
    """
    if isinstance(table, Mapping) or not isinstance(table, Sequence) or not table:
        raise CourseLibError("table must be a non-empty list of dicts (one row per run)")
    best = max(range(len(table)), key=lambda i: (float(table[i]["val_acc"]), -i))
    return str(table[best]["name"]), float(table[best]["test_acc"])


# --- checking a configuration in a test cell -------------------------------------------


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(b, bool | np.bool_) or isinstance(a, bool | np.bool_):
        return bool(a) == bool(b) and type(a) in (bool, np.bool_) and type(b) in (bool, np.bool_)
    if isinstance(b, float | int) and isinstance(a, float | int | np.floating | np.integer):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def _field_differences(answer: Any, expected: Any, prefix: str) -> list[str]:
    out = []
    for f in dataclasses.fields(expected):
        mine, theirs = getattr(answer, f.name), getattr(expected, f.name)
        if not _same_value(mine, theirs):
            out.append(f"{prefix}.{f.name} is {mine!r}, expected {theirs!r}")
    return out


def setup_differences(answer: Any, expected: tuple[mlp.MLPConfig, Optimizer]) -> list[str]:
    """What differs between two ``(MLPConfig, optimizer)`` pairs, in words ([] if nothing)."""
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        return [f"return the pair (config, optimizer), got {type(answer).__name__}"]
    config, opt = answer
    want_config, want_opt = expected
    if not isinstance(config, mlp.MLPConfig):
        return [f"the first item must be an mlp.MLPConfig, got {type(config).__name__}"]
    if not isinstance(opt, Optimizer):
        return [f"the second item must be an optimizer from course_lib.optim, got "
                f"{type(opt).__name__}"]
    out = _field_differences(config, want_config, "config")
    if type(opt) is not type(want_opt):
        out.append(f"the optimizer is optim.{type(opt).__name__}, expected "
                   f"optim.{type(want_opt).__name__}")
    else:
        out.extend(_field_differences(opt, want_opt, "optimizer"))
    return out


def check_setup(answer: Any, expected: tuple[mlp.MLPConfig, Optimizer], *, what: str,
                mistakes: Sequence[tuple[str, tuple[mlp.MLPConfig, Optimizer]]] = ()) -> None:
    """Raise an ``AssertionError`` naming the mistake unless ``answer`` equals ``expected``.

    ``mistakes`` are ``(description, (config, optimizer))`` pairs (e.g.
    :class:`course_lib.feedback.Mistake`), tried in order; otherwise the message lists the
    fields that differ.
    """
    if not setup_differences(answer, expected):
        return
    for description, value in mistakes:
        if not setup_differences(answer, value):
            raise AssertionError(f"{what} is not right: {description}.")
    raise AssertionError(f"{what} is not right: "
                         + "; ".join(setup_differences(answer, expected)) + ".")


# --------------------------------------------------------------------------------------
# Named runs
# --------------------------------------------------------------------------------------


def grid_run(optimizer: str = "Adam", penalty: float = 0.0, p_drop: float = 0.0,
             batchnorm: bool = False, *, n_train: int = N_TRAIN, seed: int = INIT_SEED) -> Curves:
    """The run of an optimizer (a name of :data:`OPTIMIZERS`, at its learning rate of
    :data:`LEARNING_RATES`) with the regularizers given, via :func:`build_setup`."""
    check_choice("optimizer", optimizer, OPTIMIZERS)
    penalty = check_nonnegative("penalty", penalty)
    p_drop = check_real("p_drop", p_drop)
    if not 0.0 <= p_drop < 1.0:
        raise CourseLibError(f"p_drop must lie in [0, 1), got {p_drop}")
    config, opt = build_setup(optimizer.lower(), LEARNING_RATES[optimizer], penalty,
                              1.0 - p_drop, bool(batchnorm))
    # 1 - (1 - p) is not always p in floating point: keep the rate exactly as asked.
    config = dataclasses.replace(config, p_drop=p_drop)
    return run(config, opt, n_train=n_train, seed=seed)


def summary_row(name: str, curves: Curves) -> dict[str, Any]:
    """A results-table row: the accuracies at the run's best validation epoch."""
    i = curves.best_epoch - 1
    return {"name": name, "best_epoch": curves.best_epoch,
            "train_acc": float(curves.train_acc[i]), "val_acc": float(curves.val_acc[i]),
            "val_loss": float(curves.val_loss[i]), "test_acc": float(curves.test_acc[i])}


def accuracy_standard_error(acc: float, n: int) -> float:
    r"""The binomial standard error :math:`\sqrt{a(1-a)/n}` of an accuracy measured on n
    examples: how much it would move on another sample of the same size."""
    acc = check_real("acc", acc)
    n = check_int("n", n, minimum=1)
    if not 0.0 <= acc <= 1.0:
        raise CourseLibError(f"acc must lie in [0, 1], got {acc}")
    return math.sqrt(acc * (1.0 - acc) / n)


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------

LOSS_LIMITS = (1e-3, 4.0)
LOSS_TICKS = (0.001, 0.01, 0.1, 1.0)
ACC_LIMITS = (0.5, 1.0)
_COLORS = {"train": "tab:blue", "val": "tab:orange"}


def _log_axis(ax, ticks=LOSS_TICKS, limits=LOSS_LIMITS) -> None:
    """A log-scale y axis with a few plain labels and no minor ticks (fast to draw)."""
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_ylim(*limits)


def _epoch_axis(ax, epochs: int) -> None:
    ax.set_xlim(0.5, epochs + 0.5)
    step = 10 if epochs > 20 else 5
    ax.xaxis.set_major_locator(FixedLocator([1, *range(step, epochs + 1, step)]))
    ax.set_xlabel("epoch")


def _accuracy_axis(ax) -> None:
    ax.set_ylim(*ACC_LIMITS)
    ax.yaxis.set_major_locator(FixedLocator(np.arange(0.5, 1.01, 0.1)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0%}"))


def plot_digit_samples(n_per_class: int = 2):
    """``n_per_class`` training images of each digit, with their labels."""
    n_per_class = check_int("n_per_class", n_per_class, minimum=1)
    train = digits_split().train
    fig, axes = plt.subplots(n_per_class, 10, figsize=(10.0, 1.1 * n_per_class + 0.4))
    axes = np.atleast_2d(axes)
    for digit in range(10):
        rows = np.flatnonzero(train.y == digit)[:n_per_class]
        for r, i in enumerate(rows):
            ax = axes[r, digit]
            ax.imshow(train.X[i].reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"y = {digit}", fontsize=8)
    fig.suptitle("scikit-learn's digits: 8×8 images, 16 grey levels (scaled to [0, 1])",
                 fontsize=10)
    fig.tight_layout()
    return fig


def plot_comparison(runs: Mapping[str, Curves], title: str = ""):
    """Several runs side by side: training (dashed) and validation (solid) loss and
    accuracy, per epoch; a dot marks each run's best validation epoch."""
    if not runs:
        raise CourseLibError("runs must hold at least one run")
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    colors = plt.get_cmap("tab10")(np.arange(len(runs)) % 10)
    epochs = 1
    for color, (label, c) in zip(colors, runs.items(), strict=True):
        epochs = max(epochs, int(c.epochs[-1]))
        ax_loss.plot(c.epochs, c.train_loss, color=color, ls="--", lw=1.2)
        ax_loss.plot(c.epochs, c.val_loss, color=color, lw=1.6, label=label)
        ax_acc.plot(c.epochs, c.train_acc, color=color, ls="--", lw=1.2)
        ax_acc.plot(c.epochs, c.val_acc, color=color, lw=1.6, label=label)
        i = c.best_epoch - 1
        ax_loss.plot([c.best_epoch], [c.val_loss[i]], "o", color=color, ms=5)
        ax_acc.plot([c.best_epoch], [c.val_acc[i]], "o", color=color, ms=5)
    _log_axis(ax_loss)
    ax_loss.set_ylabel("cross-entropy (log scale)")
    ax_loss.set_title("loss: training (dashed), validation (solid)", fontsize=10)
    _accuracy_axis(ax_acc)
    ax_acc.set_ylabel("accuracy")
    ax_acc.set_title("accuracy (dot: epoch of least validation loss)", fontsize=10)
    ax_acc.legend(fontsize=8, loc="lower right")
    for ax in (ax_loss, ax_acc):
        _epoch_axis(ax, epochs)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def plot_training_loss(panels: Mapping[str, Mapping[str, Curves]], title: str = ""):
    """One panel per group of runs, each run's training loss per epoch (log scale).

    Used for the conventions of one algorithm: curves that lie on top of each other are
    the same iterates written differently. Line styles alternate so that an exact overlap
    still shows both curves.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(10.0, 3.8), sharey=True, squeeze=False)
    styles = ("-", "--", ":", "-.")
    for ax, (panel, runs) in zip(axes[0], panels.items(), strict=True):
        epochs = 1
        for k, (label, c) in enumerate(runs.items()):
            epochs = max(epochs, int(c.epochs[-1]))
            ax.plot(c.epochs, c.train_loss, ls=styles[k % 4], lw=2.2 - 0.4 * (k % 3),
                    label=label)
        _log_axis(ax)
        _epoch_axis(ax, epochs)
        ax.set_title(panel, fontsize=10)
        ax.legend(fontsize=7, loc="lower left")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("training loss (log scale)")
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def plot_data_size(sizes: Sequence[int] = (100, 200, 400, 899)):
    """Accuracy at the best validation epoch against the number of training images
    (Adam, no regularization), with ± one standard error on the validation accuracy."""
    sizes = [check_int("n_train", n, minimum=10) for n in sizes]
    rows = [summary_row(str(n), grid_run("Adam", n_train=n)) for n in sizes]
    n_val = digits_split().val.n_samples
    fig, ax = plt.subplots(figsize=(6.5, 4.0))
    train = [r["train_acc"] for r in rows]
    val = np.array([r["val_acc"] for r in rows])
    se = np.array([accuracy_standard_error(v, n_val) for v in val])
    ax.plot(sizes, train, "s--", color=_COLORS["train"], label="training")
    ax.errorbar(sizes, val, yerr=se, fmt="o-", color=_COLORS["val"], capsize=3,
                label="validation (± 1 s.e.)")
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(FixedLocator(sizes))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_ylim(0.85, 1.005)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.0%}"))
    ax.set_xlabel("training images (log scale)")
    ax.set_ylabel("accuracy at the best validation epoch")
    ax.set_title("More data: Adam, no regularization", fontsize=10)
    ax.legend(loc="lower right", fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_confusion(C: np.ndarray, title: str = "confusion matrix"):
    """A confusion matrix (rows: true class, columns: predicted) with its counts."""
    C = np.asarray(C)
    if C.ndim != 2 or C.shape[0] != C.shape[1]:
        raise CourseLibError(f"C must be a square matrix, got shape {C.shape}")
    k = C.shape[0]
    fig, ax = plt.subplots(figsize=(5.0, 4.4))
    ax.imshow(C, cmap="Blues")
    for i in range(k):
        for j in range(k):
            if C[i, j]:
                ax.text(j, i, str(int(C[i, j])), ha="center", va="center", fontsize=8,
                        color="white" if C[i, j] > C.max() / 2 else "black")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def plot_misclassified(X: np.ndarray, y: np.ndarray, predicted: np.ndarray, n: int = 10):
    """The first ``n`` images whose prediction is wrong, titled "true → predicted"."""
    X, y, predicted = np.asarray(X), np.asarray(y), np.asarray(predicted)
    wrong = np.flatnonzero(predicted != y)[:check_int("n", n, minimum=1)]
    fig, axes = plt.subplots(1, n, figsize=(10.0, 1.6), squeeze=False)
    for ax, i in zip(axes[0], list(wrong) + [None] * (n - wrong.size), strict=True):
        ax.set_xticks([])
        ax.set_yticks([])
        if i is None:
            ax.axis("off")
            continue
        ax.imshow(X[i].reshape(8, 8), cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(f"{y[i]} → {predicted[i]}", fontsize=9, color="tab:red")
    fig.suptitle(f"{wrong.size} of the {int(np.sum(predicted != y))} misclassified test "
                 "images (true → predicted)", fontsize=10)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------------------
# The explorer: optimizer and regularizers against the learning curves
# --------------------------------------------------------------------------------------

PATIENCE_RANGE = (1, 30)


class RunView(NamedTuple):
    """What the explorer draws for one setting."""

    curves: Curves
    reference: Curves
    best_epoch: int
    stopped_epoch: int
    title: str


def _check_grid(optimizer: str, penalty: float, p_drop: float, batchnorm: bool,
                patience: int) -> None:
    check_choice("optimizer", optimizer, OPTIMIZERS)
    if penalty not in PENALTIES:
        raise CourseLibError(f"penalty must be one of {PENALTIES}, got {penalty!r}")
    if p_drop not in DROPOUTS:
        raise CourseLibError(f"p_drop must be one of {DROPOUTS}, got {p_drop!r}")
    if not isinstance(batchnorm, bool | np.bool_):
        raise CourseLibError(f"batchnorm must be True or False, got {batchnorm!r}")
    check_int("patience", patience, minimum=1)


@cache
def _train_star() -> None:
    """Train (once) every run that differs from the explorer's default in one control."""
    for name in OPTIMIZERS:
        grid_run(name)
    for penalty in PENALTIES:
        grid_run("Adam", penalty=penalty)
    for p_drop in DROPOUTS:
        grid_run("Adam", p_drop=p_drop)
    grid_run("Adam", batchnorm=True)


def run_view(optimizer: str = "Adam", penalty: float = 0.0, p_drop: float = 0.0,
             batchnorm: bool = False, patience: int = 3) -> RunView:
    """The run of the grid, where Algorithm 7.1 with ``patience`` stops it, and its best
    epoch (:func:`course_lib.early_stopping.stopping_step` on the validation loss)."""
    _check_grid(optimizer, penalty, p_drop, batchnorm, patience)
    _train_star()
    curves = grid_run(optimizer, penalty, p_drop, bool(batchnorm))
    stop = early_stopping.stopping_step(curves.val_loss, eval_every=1, patience=patience)
    i = stop.best_step - 1
    what = "decay" if optimizer == "AdamW" else "L2"
    n_epochs = int(curves.epochs[-1])
    title = (f"{optimizer} (η = {LEARNING_RATES[optimizer]:g}), {what} λ = {penalty:g}, "
             f"p_drop = {p_drop:g}, batch norm {'on' if batchnorm else 'off'}\n"
             f"patience {patience}: "
             + (f"stops after epoch {stop.stopped_at}" if stop.stopped_at < n_epochs
                else f"never stops ({n_epochs} epochs)")
             + f", keeps epoch {stop.best_step}: validation loss {curves.val_loss[i]:.3f}, "
             f"accuracy {curves.val_acc[i]:.1%} (training {curves.train_acc[i]:.1%})")
    return RunView(curves, grid_run("Adam"), stop.best_step, stop.stopped_at, title)


def _segments(epochs: np.ndarray, values: np.ndarray, stop: int):
    """(x, y) up to and including ``stop``, and (x, y) from ``stop`` on."""
    k = stop  # epochs are 1..E, so the first k entries are epochs 1..stop
    return (epochs[:k], values[:k]), (epochs[k - 1:], values[k - 1:])


def plot_learning_curves(optimizer: str = "Adam", penalty: float = 0.0, p_drop: float = 0.0,
                         batchnorm: bool = False, patience: int = 3):
    """Learning curves of one run of the grid, with early stopping marked.

    Left: training and validation loss (eval mode, data loss only, log scale); right: the
    accuracies. Solid up to the epoch where Algorithm 7.1 with this patience stops,
    faded after it (what the stopped run never saw); a star marks the epoch it keeps, a
    dashed vertical line where it stops; the grey dotted line is the validation curve of the
    unregularized Adam run, for comparison.
    """
    view = run_view(optimizer, penalty, p_drop, batchnorm, patience)
    c, ref = view.curves, view.reference
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10.0, 4.2))
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.12, top=0.86, wspace=0.22)
    for ax, kind in ((ax_loss, "loss"), (ax_acc, "acc")):
        ax.plot(ref.epochs, getattr(ref, f"val_{kind}"), color="0.55", ls=":", lw=1.3,
                label="val., Adam unregularized")
        for part in ("train", "val"):
            values = getattr(c, f"{part}_{kind}")
            (x1, y1), (x2, y2) = _segments(c.epochs, values, view.stopped_epoch)
            label = "training" if part == "train" else "validation"
            ax.plot(x1, y1, color=_COLORS[part], lw=1.8, label=label, gid=f"{kind}-{part}")
            ax.plot(x2, y2, color=_COLORS[part], lw=1.2, alpha=0.3,
                    gid=f"{kind}-{part}-after")
        i = view.best_epoch - 1
        ax.plot([view.best_epoch], [getattr(c, f"val_{kind}")[i]], "*", color="tab:red",
                ms=13, label="kept (best val. loss)", gid=f"{kind}-best")
        ax.axvline(view.stopped_epoch, color="0.25", ls="--", lw=1, gid=f"{kind}-stop")
        _epoch_axis(ax, int(c.epochs[-1]))
        # Few grid lines and no axes titles: text and ticks are most of a redraw's time.
        ax.grid(alpha=0.3, axis="y")
    _log_axis(ax_loss)
    ax_loss.set_ylabel("cross-entropy, eval mode (log scale)")
    _accuracy_axis(ax_acc)
    ax_acc.set_ylabel("accuracy")
    ax_loss.legend(fontsize=8, loc="lower left")
    fig.text(0.5, 0.985, view.title, ha="center", va="top", fontsize=10, gid="title")
    return fig


def update_learning_curves(fig, optimizer: str = "Adam", penalty: float = 0.0,
                           p_drop: float = 0.0, batchnorm: bool = False,
                           patience: int = 3) -> None:
    """Redraw a figure of :func:`plot_learning_curves` in place for new values."""
    view = run_view(optimizer, penalty, p_drop, batchnorm, patience)
    c = view.curves
    artists = {a.get_gid(): a for ax in fig.axes for a in ax.get_children()
               if a.get_gid() is not None}
    for kind in ("loss", "acc"):
        for part in ("train", "val"):
            (x1, y1), (x2, y2) = _segments(c.epochs, getattr(c, f"{part}_{kind}"),
                                           view.stopped_epoch)
            artists[f"{kind}-{part}"].set_data(x1, y1)
            artists[f"{kind}-{part}-after"].set_data(x2, y2)
        i = view.best_epoch - 1
        artists[f"{kind}-best"].set_data([view.best_epoch], [getattr(c, f"val_{kind}")[i]])
        artists[f"{kind}-stop"].set_xdata([view.stopped_epoch, view.stopped_epoch])
    next(t for t in fig.texts if t.get_gid() == "title").set_text(view.title)


LEARNING_CURVES = register(Explorer(
    name="l11_capstone.learning_curves",
    lesson="11_capstone",
    plot=plot_learning_curves,
    controls=(
        Control("optimizer", "Adam", options=OPTIMIZERS, description="optimizer"),
        Control("penalty", 0.0, options=PENALTIES, description="λ (L2 / decay)"),
        Control("p_drop", 0.0, options=DROPOUTS, description="dropout p_drop"),
        Control("batchnorm", False, options=(False, True), description="batch norm"),
        Control("patience", 3, *PATIENCE_RANGE, description="patience"),
    ),
    source="seed 003 'Algorithm 1 SGD', 'Weight Decay', 'AdamW', 'Early Stopping'; "
           "seed 001 Algorithm 7.1",
    update=update_learning_curves,
))


def check_selection(answer: Any, expected: tuple[str, float], *, what: str,
                    mistakes: Sequence[tuple[str, tuple[str, float]]] = ()) -> None:
    """Raise an ``AssertionError`` naming the mistake unless ``answer`` is the pair
    ``(name, value)`` of ``expected`` (the value compared with a relative tolerance)."""

    def same(a: Any, b: tuple[str, float]) -> bool:
        if not isinstance(a, tuple | list) or len(a) != 2:
            return False
        try:
            value = float(a[1])
        except (TypeError, ValueError):
            return False
        return a[0] == b[0] and math.isclose(value, b[1], rel_tol=1e-9, abs_tol=1e-12)

    if same(answer, expected):
        return
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        raise AssertionError(f"{what} is not right: return the pair (name, test_acc), got "
                             f"{answer!r}.")
    for description, value in mistakes:
        if same(answer, value):
            raise AssertionError(f"{what} is not right: {description}.")
    raise AssertionError(f"{what} is not right: you returned {tuple(answer)!r}, expected "
                         f"{expected!r}.")


def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str, str]]):
    """``rows`` as a Markdown table (rendered by Jupyter); ``columns`` are
    ``(heading, key, format)`` triples such as ``("val. accuracy", "val_acc", "{:.1%}")``."""
    from IPython.display import Markdown

    head = "| " + " | ".join(label for label, _, _ in columns) + " |"
    rule = "|" + "---|" * len(columns)
    body = ["| " + " | ".join(fmt.format(row[key]) for _, key, fmt in columns) + " |"
            for row in rows]
    return Markdown("\n".join([head, rule, *body]))
