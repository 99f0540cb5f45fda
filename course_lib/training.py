r"""Minibatch training of a :mod:`course_lib.mlp` network, with early stopping.

:func:`train` is seed 003's "Algorithm 1 SGD" (get a minibatch, average the loss over
it, take a step) with any optimizer of :mod:`course_lib.optim` in place of the plain
step, run for whole epochs over a freshly shuffled training set (seed 001, "Additional
Strategies for SGD": "random shuffle training data after every epoch"; seed 000,
"Mini-batch gradient descent"), and wrapped in Goodfellow's Algorithm 7.1 (seed 001,
"Regularization - Early Stopping Meta Algorithm"), reused from
:func:`course_lib.early_stopping.early_stopping` with one "step" of the algorithm being
one epoch::

    >>> import numpy as np
    >>> from course_lib import data, optim
    >>> from course_lib.mlp import MLPConfig, init_params
    >>> rng = np.random.default_rng(0)
    >>> config = MLPConfig(sizes=(2, 16, 2))
    >>> moons = data.train_val_test_split(rng, *data.two_moons(rng, 200, noise=0.1),
    ...                                   val_fraction=0.25, test_fraction=0.0)
    >>> result = train(config, init_params(config, rng), moons.train, moons.val,
    ...                optim.Adam(lr=0.05), epochs=30, batch_size=16, rng=rng, patience=5)
    >>> bool(result.history.val_metric.max() > 0.9)
    True

The loop never prints or plots: everything it saw is in the returned :class:`History`.

Seed numbers ("seed 001") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

import contextlib
import copy
import math
from dataclasses import dataclass, field

import numpy as np

from course_lib._validation import (
    CourseLibError,
    Params,
    check_int,
    learning_rate_at,
)
from course_lib.data import minibatches
from course_lib.early_stopping import early_stopping
from course_lib.mlp import (
    MLPConfig,
    Running,
    _check_config,
    _check_running,
    check_params,
    evaluate,
    init_running,
    loss_and_grads,
    metric_name,
)
from course_lib.optim.base import Optimizer, State


@dataclass(frozen=True)
class Checkpoint:
    """Everything training carries from one epoch to the next.

    This is the "parameters" :math:`\\theta` that Algorithm 7.1 keeps a copy of at its
    best evaluation, so restoring it restores the running statistics and the optimizer
    state of that moment too, and training could be resumed from it.

    Attributes
    ----------
    params
        The network's parameters.
    opt_state
        The optimizer's state (``opt_state.step`` updates so far).
    running
        Batch-norm running statistics (``{}`` without batch norm).
    rng
        The generator that shuffles the next epoch and draws its dropout masks (a private
        copy: training never advances the generator it was given).
    epoch
        Epochs completed.
    """

    params: Params
    opt_state: State
    running: Running
    rng: np.random.Generator
    epoch: int


@dataclass(frozen=True)
class History:
    r"""What happened during training, epoch by epoch and step by step.

    Attributes
    ----------
    train_loss
        Per epoch: the mean over the epoch's minibatches of the objective that was
        minimized (data loss plus L2 term, in training mode, so with dropout noise),
        each minibatch weighted by its size.
    val_epochs
        The epochs after which the validation set was evaluated (every ``eval_every``).
    val_loss, val_metric
        At those epochs, in eval mode: the mean data loss (no L2 term) and
        :attr:`metric` (accuracy for classification, the MSE for regression).
    metric
        ``"accuracy"`` or ``"mse"``.
    lrs
        Per step: the learning rate the optimizer used, its ``lr`` evaluated at
        ``state.step`` (``nan`` for an optimizer without ``lr``).
    step_losses
        Per step: the minibatch objective, at the point where the gradient was taken.
    steps_per_epoch
        Minibatches per epoch, :math:`\lceil n / \text{batch\_size}\rceil`.
    """

    train_loss: np.ndarray
    val_epochs: np.ndarray
    val_loss: np.ndarray
    val_metric: np.ndarray
    metric: str
    lrs: np.ndarray
    step_losses: np.ndarray
    steps_per_epoch: int

    @property
    def epochs(self) -> np.ndarray:
        """``1, 2, ...``: the epoch numbers of :attr:`train_loss`."""
        return np.arange(1, self.train_loss.size + 1)


@dataclass(frozen=True)
class TrainResult:
    """What :func:`train` returns.

    Attributes
    ----------
    best, last
        The :class:`Checkpoint` of the best validation loss (:math:`\\theta^*` of
        Algorithm 7.1) and of the end of training.
    history
        The :class:`History`.
    best_epoch
        :math:`i^*` in epochs: when ``best`` was taken (0 if no evaluation ever gave a
        finite loss, or without a validation set: then ``best`` is ``last``).
    stopped_epoch
        Epochs run.
    stopped_early
        True when the patience ran out before ``epochs``.
    restored
        Whether :attr:`params` and :attr:`running` are the best ones (``restore_best``)
        or the last ones.
    """

    best: Checkpoint
    last: Checkpoint
    history: History
    best_epoch: int
    stopped_epoch: int
    stopped_early: bool
    restored: bool = True

    @property
    def params(self) -> Params:
        """The final parameters: the best epoch's after early stopping (by default)."""
        return (self.best if self.restored else self.last).params

    @property
    def running(self) -> Running:
        """The batch-norm running statistics that go with :attr:`params`."""
        return (self.best if self.restored else self.last).running

    @property
    def best_val_loss(self) -> float:
        """The validation loss at :attr:`best_epoch` (``inf`` if there was none)."""
        hits = self.history.val_loss[self.history.val_epochs == self.best_epoch]
        return float(hits[0]) if hits.size else math.inf


@dataclass
class _Log:
    """Per-step and per-evaluation records, appended to by the callbacks of one run."""

    train_loss: list[float] = field(default_factory=list)
    val_epochs: list[int] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)
    step_losses: list[float] = field(default_factory=list)


def _schedule_of(optimizer: Optimizer):
    """The ``lr`` (number or schedule) of ``optimizer``, looking through wrappers."""
    seen = optimizer
    while not hasattr(seen, "lr") and hasattr(seen, "inner"):
        seen = seen.inner  # e.g. optim.Clipped
    return getattr(seen, "lr", None)


@contextlib.contextmanager
def _diverging(epoch: int, step: int, lr: float):
    """Turn an overflow (a diverging run) into one clear error instead of NaN warnings."""
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            yield
    except FloatingPointError as err:
        raise CourseLibError(
            f"training diverged in epoch {epoch}, update {step + 1} (learning rate {lr:g}): "
            f"the loss or the gradients overflowed to inf or NaN ({err}); try a smaller "
            "learning rate"
        ) from None


def _check_dataset(name: str, dataset: object, config: MLPConfig) -> tuple[np.ndarray, object]:
    try:
        X, y = dataset  # type: ignore[misc]
    except (TypeError, ValueError):
        raise CourseLibError(
            f"{name} must be a pair (X, y), such as a course_lib.data.Dataset, got "
            f"{type(dataset).__name__}"
        ) from None
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != config.n_in or X.shape[0] == 0:
        raise CourseLibError(
            f"{name}.X must have shape (n, {config.n_in}) with n >= 1 (n_in = sizes[0]), "
            f"got {X.shape}"
        )
    n_y = np.shape(y)[0] if np.ndim(y) > 0 else None
    if n_y != X.shape[0]:
        raise CourseLibError(
            f"{name} has {X.shape[0]} examples in X but y has shape {np.shape(y)}: give one "
            "target per row of X"
        )
    return X, np.asarray(y)


def train(
    config: MLPConfig,
    params0: Params,
    train_set,
    val_set,
    optimizer: Optimizer,
    *,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
    patience: int | None = None,
    eval_every: int = 1,
    running0: Running | None = None,
    restore_best: bool = True,
) -> TrainResult:
    r"""Train an MLP with minibatches, evaluate it, and stop early.

    Each epoch visits the training set in a fresh random order in minibatches of
    ``batch_size`` (the last one smaller if ``batch_size`` does not divide the set). Each
    step takes the gradient of :func:`course_lib.mlp.loss_and_grads` at
    ``optimizer.eval_point`` (the look-ahead point for Nesterov) and calls
    ``optimizer.update``; a schedule as the optimizer's ``lr`` is followed step by step.
    Every ``eval_every`` epochs the validation set is evaluated in eval mode.

    Early stopping is Algorithm 7.1 (seed 001) with :math:`n` = ``eval_every`` epochs and
    :math:`p` = ``patience`` evaluations: training stops once ``patience`` evaluations in
    a row have not beaten the best validation loss, and the result holds the
    :class:`Checkpoint` of the best one (parameters, running statistics and optimizer
    state together). ``patience=None`` runs all ``epochs`` and still returns the best
    (seed 003 "Early Stopping": "run until the maximum number of iterations and pick the
    model with the least validation error"); ``restore_best=False`` returns the last
    parameters instead.

    Parameters
    ----------
    config, params0
        The network and its starting parameters (not modified).
    train_set, val_set
        Pairs ``(X, y)`` such as :class:`course_lib.data.Dataset`. ``val_set=None``
        trains without evaluation (then ``patience`` must be None).
    optimizer
        Any optimizer of :mod:`course_lib.optim`; its state starts from ``init``.
    epochs
        Maximum number of epochs, a multiple of ``eval_every``.
    batch_size
        Examples per minibatch, at most the size of the training set.
    rng
        Source of the shuffling and of the dropout masks. Training uses a copy of it:
        the generator passed in is not advanced, so the same generator gives the same
        run again.
    patience
        :math:`p \ge 1`, or None.
    eval_every
        Epochs between evaluations.
    running0
        Starting batch-norm running statistics (default :func:`course_lib.mlp.init_running`).
    restore_best
        Return the best checkpoint's parameters (default) or the last ones.
    """
    config = _check_config(config)
    params0 = check_params(params0, config)
    X, y = _check_dataset("train_set", train_set, config)
    val = None if val_set is None else _check_dataset("val_set", val_set, config)
    if not isinstance(optimizer, Optimizer):
        raise CourseLibError(
            f"optimizer must be a course_lib optimizer such as optim.SGD(lr=0.1), got "
            f"{type(optimizer).__name__}"
        )
    epochs = check_int("epochs", epochs, minimum=1)
    eval_every = check_int("eval_every", eval_every, minimum=1)
    if patience is not None:
        patience = check_int("patience", patience, minimum=1)
    if epochs % eval_every:
        raise CourseLibError(
            f"epochs={epochs} is not a multiple of eval_every={eval_every}: the last "
            f"{epochs % eval_every} epoch(s) would never be evaluated"
        )
    if val is None and patience is not None:
        raise CourseLibError(
            f"patience={patience} needs a validation set to watch, but val_set is None"
        )
    n = X.shape[0]
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if batch_size > n:
        raise CourseLibError(
            f"batch_size={batch_size} is larger than the training set ({n} examples); use "
            f"batch_size={n} for full-batch gradient descent"
        )
    if config.batchnorm and n % batch_size == 1:
        raise CourseLibError(
            f"with {n} training examples and batch_size={batch_size} the last minibatch of "
            "every epoch has a single example, whose batch variance is 0: batch norm needs "
            "at least 2 examples per batch. Choose another batch_size"
        )
    if not isinstance(rng, np.random.Generator):
        raise CourseLibError(
            f"rng must be a numpy.random.Generator, e.g. np.random.default_rng(0), got "
            f"{type(rng).__name__}"
        )
    if not isinstance(restore_best, bool):
        raise CourseLibError(f"restore_best must be True or False, got {restore_best!r}")
    running0 = init_running(config) if running0 is None else _check_running(config, True,
                                                                           running0)
    schedule = _schedule_of(optimizer)
    log = _Log()

    def train_epochs(checkpoint: Checkpoint, n_epochs: int) -> Checkpoint:
        params, state, running = checkpoint.params, checkpoint.opt_state, checkpoint.running
        gen = copy.deepcopy(checkpoint.rng)  # the checkpoint itself is never advanced
        for epoch in range(checkpoint.epoch + 1, checkpoint.epoch + n_epochs + 1):
            total = 0.0
            for idx in minibatches(gen, n, batch_size):
                lr = math.nan if schedule is None else learning_rate_at(schedule, state.step)
                log.lrs.append(lr)
                point = optimizer.eval_point(params, state)
                with _diverging(epoch, state.step, lr):
                    loss, grads, running = loss_and_grads(
                        point, X[idx], y[idx], config, train=True,
                        rng=gen if config.p_drop > 0 else None, running=running,
                    )
                    params, state = optimizer.update(params, grads, state)
                log.step_losses.append(loss)
                total += loss * idx.size
            log.train_loss.append(total / n)
        return Checkpoint(params, state, running, gen, checkpoint.epoch + n_epochs)

    def validation_error(checkpoint: Checkpoint) -> float:
        loss, metric = evaluate(checkpoint.params, val[0], val[1], config, checkpoint.running)
        log.val_epochs.append(checkpoint.epoch)
        log.val_loss.append(loss)
        log.val_metric.append(metric)
        return loss

    start = Checkpoint(params0, optimizer.init(params0), running0, copy.deepcopy(rng), 0)
    if val is None:
        last = train_epochs(start, epochs)
        best, best_epoch, stopped_early = last, 0, False
    else:
        run = early_stopping(train_epochs, validation_error, start, eval_every=eval_every,
                             patience=patience, max_steps=epochs)
        best, last = run.best_params, run.last_params
        best_epoch, stopped_early = run.best_step, run.stopped_early

    history = History(
        train_loss=np.array(log.train_loss, dtype=np.float64),
        val_epochs=np.array(log.val_epochs, dtype=np.int64),
        val_loss=np.array(log.val_loss, dtype=np.float64),
        val_metric=np.array(log.val_metric, dtype=np.float64),
        metric=metric_name(config),
        lrs=np.array(log.lrs, dtype=np.float64),
        step_losses=np.array(log.step_losses, dtype=np.float64),
        steps_per_epoch=-(-n // batch_size),
    )
    return TrainResult(best=best, last=last, history=history, best_epoch=best_epoch,
                       stopped_epoch=last.epoch, stopped_early=stopped_early,
                       restored=restore_best and val is not None)
