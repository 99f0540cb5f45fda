r"""Early stopping (Goodfellow Algorithms 7.1-7.3) as pure functions over callbacks.

The algorithms never look inside a model: they call back to train it and to measure it,
so the same code stops a polynomial fit, an MLP or a toy whose "parameters" are a step
counter. Parameters may be any object (a dict of arrays, or ``(params, optimizer_state)``
so that momentum carries over between calls); the callbacks must return new parameters
rather than edit the ones they are given, and the best parameters are deep-copied anyway
in case they do.

Seed 001 "Regularization - Early Stopping Meta Algorithm" (Algorithm 7.1), "How to use
data #1!" (7.2) and "#2!" (7.3); seed 003 "Early Stopping". On a hand-made curve::

    >>> stopping_step([5, 4, 3, 3.5, 3.2, 3.1, 2.9], eval_every=1, patience=2)
    StoppingPoint(best_step=3, stopped_at=5)

Seed numbers ("seed 001") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any, NamedTuple

import numpy as np

from course_lib._validation import CourseLibError, check_choice, check_int, check_rng
from course_lib.data import Dataset, Split, concatenate

P = Any
"""Model parameters: whatever the callbacks understand."""

RULES = ("no_improvement", "consecutive_increases")
"""The stopping rules of :func:`early_stopping`, seed 001's first."""


def _check_callable(name: str, value: object, signature: str) -> None:
    if not callable(value):
        raise CourseLibError(f"{name} must be a function {signature}, got {value!r}")


def _as_error(name: str, value: object, step: int) -> float:
    """A callback's loss as a float; NaN and inf are allowed (a diverged model)."""
    if isinstance(value, bool) or not isinstance(value, Real | np.floating | np.integer):
        if isinstance(value, np.ndarray) and value.size == 1:
            return float(value.reshape(()))
        raise CourseLibError(
            f"{name} must return a single number, got {value!r} ({type(value).__name__}) "
            f"after {step} training steps"
        )
    return float(value)


@dataclass(frozen=True)
class EarlyStoppingResult:
    r"""What Algorithm 7.1 returns, plus what a plot of it needs.

    Attributes
    ----------
    best_params
        :math:`\theta^*`, the parameters at the best evaluation (not the last ones).
    best_step
        :math:`i^*`, the number of training steps that produced them; 0 if no evaluation
        ever beat :math:`v = \infty` (then ``best_params`` are the initial ones).
    best_error
        :math:`v`, the validation error of :math:`\theta^*` (inf if ``best_step`` is 0).
    stopped_at
        :math:`i` when the loop ended: the number of training steps run.
    stopped_early
        True when the patience rule ended the loop, False when ``max_steps`` did.
    last_params
        The parameters after ``stopped_at`` steps, to compare with :math:`\theta^*`.
    history
        ``(step, validation error)`` after each evaluation, in order.
    """

    best_params: P
    best_step: int
    best_error: float
    stopped_at: int
    stopped_early: bool
    last_params: P
    history: tuple[tuple[int, float], ...]

    @property
    def steps(self) -> np.ndarray:
        """The steps at which the validation error was measured."""
        return np.array([s for s, _ in self.history], dtype=np.int64)

    @property
    def errors(self) -> np.ndarray:
        """The validation errors measured, one per entry of :attr:`steps`."""
        return np.array([e for _, e in self.history], dtype=np.float64)


def early_stopping(
    train_steps: Callable[[P, int], P],
    validation_error: Callable[[P], float],
    params0: P,
    *,
    eval_every: int,
    patience: int | None,
    max_steps: int | None = None,
    rule: str = "no_improvement",
) -> EarlyStoppingResult:
    r"""Train, measure the validation error every ``eval_every`` steps, keep the best.

    Algorithm 7.1 (seed 001 "Regularization - Early Stopping Meta Algorithm"), with
    :math:`n` = ``eval_every`` and :math:`p` = ``patience``:

    .. math::

        &\theta \leftarrow \theta_o,\ i \leftarrow 0,\ j \leftarrow 0,\
            v \leftarrow \infty,\ \theta^* \leftarrow \theta,\ i^* \leftarrow i \\
        &\textbf{while } j < p \textbf{ do} \\
        &\quad \text{run the training algorithm for } n \text{ steps};\
            i \leftarrow i + n;\ v' \leftarrow \text{ValidationSetError}(\theta) \\
        &\quad \textbf{if } v' < v \textbf{ then } j \leftarrow 0,\
            \theta^* \leftarrow \theta,\ i^* \leftarrow i,\ v \leftarrow v'
            \textbf{ else } j \leftarrow j + 1

    The comparison is strict: an evaluation that only ties the best counts as a
    worsening, and :math:`\theta^*` stays the earlier parameters. A NaN error (a diverged
    model) is never an improvement.

    Algorithm 7.1 has no limit on the number of steps: if the validation error keeps
    improving it trains forever. ``max_steps`` is this implementation's safety cap: no
    chunk of ``eval_every`` steps is started that would take :math:`i` past it, so the
    loop also ends at the largest multiple of ``eval_every`` not above ``max_steps``.

    The two rules of the seeds, chosen with ``rule``:

    - ``"no_improvement"`` (seed 001, Algorithm 7.1): stop after ``patience``
      evaluations in a row that did not beat the best error so far.
    - ``"consecutive_increases"`` (seed 003 "Early Stopping": stop "if it is keep
      increasing within a time window"): stop after ``patience`` evaluations in a row
      that were each higher than the one before (a NaN counts as higher). This rule can
      let training run on through a long plateau that the first rule would stop on.

    ``patience=None`` never stops early: it trains for ``max_steps`` and returns the
    best parameters seen, seed 003's "run until the maximum number of iterations and
    pick the model with the least validation error".

    Parameters
    ----------
    train_steps
        ``train_steps(params, n) -> params``: run ``n`` training steps from ``params``
        and return the new parameters.
    validation_error
        ``validation_error(params) -> float``.
    params0
        :math:`\theta_o`.
    eval_every
        :math:`n \ge 1`, training steps between evaluations.
    patience
        :math:`p \ge 1`, or None (then ``max_steps`` is required).
    max_steps
        Cap on :math:`i` (not in Algorithm 7.1), at least ``eval_every``.
    rule
        ``"no_improvement"`` or ``"consecutive_increases"``.
    """
    _check_callable("train_steps", train_steps, "(params, n) -> params")
    _check_callable("validation_error", validation_error, "params -> float")
    eval_every = check_int("eval_every", eval_every, minimum=1)
    if patience is not None:
        patience = check_int("patience", patience, minimum=1)
    if max_steps is not None:
        max_steps = check_int("max_steps", max_steps, minimum=1)
        if max_steps < eval_every:
            raise CourseLibError(
                f"max_steps={max_steps} is less than eval_every={eval_every}, so not even "
                "one evaluation would fit"
            )
    elif patience is None:
        raise CourseLibError(
            "patience=None never stops early, so it needs max_steps (the number of steps "
            "to run before picking the best parameters)"
        )
    rule = check_choice("rule", rule, RULES)

    theta = params0
    i, j = 0, 0
    v = math.inf
    best_params, best_step = copy.deepcopy(params0), 0  # θ* ← θ_o, a copy as below
    previous = math.inf
    history: list[tuple[int, float]] = []
    stopped_early = False
    while True:
        if patience is not None and j >= patience:
            stopped_early = True
            break
        if max_steps is not None and i + eval_every > max_steps:
            break
        theta = train_steps(theta, eval_every)
        i += eval_every
        v_new = _as_error("validation_error", validation_error(theta), i)
        history.append((i, v_new))
        improved = v_new < v  # False for NaN
        if improved:
            # A copy, because a trainer that updated arrays in place on the next call
            # would otherwise overwrite θ* with the later parameters.
            best_params, best_step, v = copy.deepcopy(theta), i, v_new
        if rule == "no_improvement":
            j = 0 if improved else j + 1
        else:
            j = j + 1 if (math.isnan(v_new) or v_new > previous) else 0
        previous = v_new
    return EarlyStoppingResult(
        best_params=best_params,
        best_step=best_step,
        best_error=v,
        stopped_at=i,
        stopped_early=stopped_early,
        last_params=theta,
        history=tuple(history),
    )


class StoppingPoint(NamedTuple):
    """Where early stopping stops on a given curve: :math:`i^*` and the final :math:`i`."""

    best_step: int
    stopped_at: int


def stopping_step(
    validation_curve: Sequence[float] | np.ndarray,
    *,
    eval_every: int = 1,
    patience: int | None,
    rule: str = "no_improvement",
) -> StoppingPoint:
    """Apply :func:`early_stopping`'s rule to a precomputed validation-error curve.

    ``validation_curve[k]`` is the error measured after ``(k + 1) * eval_every`` steps.
    If the curve ends before the patience runs out, the run stops at its end (as with
    ``max_steps``), so ``stopped_at`` is at most ``len(validation_curve) * eval_every``.
    Made for teaching and testing the rule on hand-made curves.
    """
    eval_every = check_int("eval_every", eval_every, minimum=1)
    try:
        curve = np.asarray(validation_curve, dtype=np.float64)
    except (TypeError, ValueError):
        raise CourseLibError(
            f"validation_curve must be a sequence of numbers, got {validation_curve!r}"
        ) from None
    if curve.ndim != 1 or curve.size == 0:
        raise CourseLibError(
            f"validation_curve must be a non-empty 1-D sequence, got shape {curve.shape}"
        )
    # The "model" is its step count, so the curve can be looked up by it.
    result = early_stopping(
        lambda step, n: step + n,
        lambda step: curve[step // eval_every - 1],
        0,
        eval_every=eval_every,
        patience=patience,
        max_steps=curve.size * eval_every,
        rule=rule,
    )
    return StoppingPoint(result.best_step, result.stopped_at)


# --- Algorithms 7.2 and 7.3: using the validation data for training afterwards ---------

InitParams = Callable[[np.random.Generator], P]
Train = Callable[[P, Dataset, int], P]
Loss = Callable[[P, Dataset], float]


def _check_meta_args(
    rng: object, data: object, init_params: object, train: object, loss: object
) -> None:
    check_rng(rng)
    if not isinstance(data, Split):
        raise CourseLibError(
            "data must be a Split whose train part is the subtraining set and whose val "
            f"part is the validation set (e.g. from data.train_val_test_split), got "
            f"{type(data).__name__}"
        )
    if data.train.n_samples == 0 or data.val.n_samples == 0:
        raise CourseLibError(
            f"data needs a non-empty train and val part, got {data.train.n_samples} and "
            f"{data.val.n_samples} examples"
        )
    _check_callable("init_params", init_params, "rng -> params")
    _check_callable("train", train, "(params, dataset, n_steps) -> params")
    _check_callable("loss", loss, "(params, dataset) -> float")


@dataclass(frozen=True)
class RetrainResult:
    r"""What Algorithm 7.2 produces.

    Attributes
    ----------
    early_stopping
        The Algorithm 7.1 run on the subtraining set; its ``best_step`` is :math:`i^*`.
    best_step
        :math:`i^*`.
    retrain_steps
        Steps run on all the training data: :math:`i^*`, or :math:`i^*` scaled by the
        ratio of the set sizes with ``match="passes"``.
    params
        The parameters after retraining from a fresh random start.
    """

    early_stopping: EarlyStoppingResult
    best_step: int
    retrain_steps: int
    params: P


MATCHES = ("updates", "passes")



def _early_stopping_on_split(rng, data, init_params, train, loss, **options):
    """Algorithm 7.1 from fresh parameters on the subtraining set, validated on ``data.val``:
    the first step of both Algorithm 7.2 and Algorithm 7.3."""
    return early_stopping(
        lambda p, n: train(p, data.train, n),
        lambda p: loss(p, data.val),
        init_params(rng),
        **options,
    )

def retrain_for_best_steps(
    rng: np.random.Generator,
    data: Split,
    *,
    init_params: InitParams,
    train: Train,
    loss: Loss,
    eval_every: int,
    patience: int | None,
    max_steps: int | None = None,
    rule: str = "no_improvement",
    match: str = "updates",
) -> RetrainResult:
    r"""Find :math:`i^*` by early stopping, then retrain from scratch on all the data.

    Algorithm 7.2 (seed 001 "Regularization - Early Stopping How to use data #1!"):

    1. run Algorithm 7.1 from random :math:`\theta` (``init_params(rng)``), training on
       :math:`X^{(\text{subtrain})}` = ``data.train`` and measuring ``loss`` on
       :math:`X^{(\text{valid})}` = ``data.val``; this gives :math:`i^*`;
    2. set :math:`\theta` to random values again (``init_params(rng)``);
    3. train on :math:`X^{(\text{train})}` (``data.train`` followed by ``data.val``)
       for :math:`i^*` steps.

    ``data.test`` is never touched. The split into subtraining and validation sets is
    the caller's, e.g. ``train_val_test_split(rng, X, y, val_fraction=0.2,
    test_fraction=0)``.

    Retraining on more data raises the question Goodfellow et al. (§7.8) leave open:
    repeat the same number of parameter updates (``match="updates"``, the algorithm as
    written) or the same number of passes through the data (``match="passes"``:
    :math:`\operatorname{round}(i^* \, n_\text{train} / n_\text{subtrain})` steps, for a
    trainer whose step is one minibatch of a fixed size).

    Parameters
    ----------
    init_params
        ``init_params(rng) -> params``, random initial parameters.
    train
        ``train(params, dataset, n_steps) -> params``; a stochastic trainer (minibatch
        shuffling) closes over its own generator.
    loss
        ``loss(params, dataset) -> float``, the validation error of Algorithm 7.1.
    eval_every, patience, max_steps, rule
        As in :func:`early_stopping`, for step 1.
    match
        ``"updates"`` or ``"passes"``.
    """
    _check_meta_args(rng, data, init_params, train, loss)
    match = check_choice("match", match, MATCHES)
    subtrain, valid = data.train, data.val
    first = _early_stopping_on_split(
        rng, data, init_params, train, loss,
        eval_every=eval_every, patience=patience, max_steps=max_steps, rule=rule,
    )
    full = concatenate(subtrain, valid)
    steps = first.best_step
    if match == "passes":
        steps = round(steps * full.n_samples / subtrain.n_samples)
    params = init_params(rng)
    if steps > 0:
        params = train(params, full, steps)
    return RetrainResult(
        early_stopping=first, best_step=first.best_step, retrain_steps=steps, params=params
    )


@dataclass(frozen=True)
class TrainUntilBelowResult:
    r"""What Algorithm 7.3 produces.

    Attributes
    ----------
    early_stopping
        The Algorithm 7.1 run on the subtraining set; training continued from its
        ``best_params``.
    epsilon
        :math:`\epsilon = J(\theta^*, X^{(\text{subtrain})})`, the target.
    extra_steps
        Steps run on all the training data after the first run.
    params
        The parameters at the end.
    reached
        Whether the validation loss got to :math:`\le \epsilon`; False when
        ``max_extra_steps`` ran out first.
    history
        ``(extra steps, validation loss)`` at each check, starting with ``(0, ...)``.
    """

    early_stopping: EarlyStoppingResult
    epsilon: float
    extra_steps: int
    params: P
    reached: bool
    history: tuple[tuple[int, float], ...]

    @property
    def final_val_loss(self) -> float:
        return self.history[-1][1]


def train_until_below(
    rng: np.random.Generator,
    data: Split,
    *,
    init_params: InitParams,
    train: Train,
    loss: Loss,
    eval_every: int,
    patience: int | None,
    max_extra_steps: int,
    max_steps: int | None = None,
    rule: str = "no_improvement",
) -> TrainUntilBelowResult:
    r"""Early-stop, then keep training on all the data until the validation loss is
    below the subtraining loss where early stopping ended.

    Algorithm 7.3 (seed 001 "Regularization - Early Stopping How to use data #2!"):

    .. math::

        &\text{run Algorithm 7.1 on } X^{(\text{subtrain})}, X^{(\text{valid})}
            \text{ from random } \theta;\ \theta \leftarrow \theta^* \\
        &\epsilon \leftarrow J(\theta, X^{(\text{subtrain})}) \\
        &\textbf{while } J(\theta, X^{(\text{valid})}) > \epsilon \textbf{ do }
            \text{train on } X^{(\text{train})} \text{ for } n \text{ steps}

    with :math:`X^{(\text{subtrain})}` = ``data.train``, :math:`X^{(\text{valid})}` =
    ``data.val``, :math:`X^{(\text{train})}` their concatenation and :math:`n` =
    ``eval_every``. The seed's "this updates θ" is read as θ becoming Algorithm 7.1's
    result :math:`\theta^*`.

    The loop never ends if the validation loss cannot get down to :math:`\epsilon`
    (which happens when the validation set is noisier than the subtraining set), so
    ``max_extra_steps`` is required: no chunk of :math:`n` steps is started that would
    take the extra steps past it, and the result's ``reached`` says whether the target
    was met.

    Parameters
    ----------
    init_params, train, loss
        As in :func:`retrain_for_best_steps`; ``loss`` is :math:`J`.
    eval_every, patience, max_steps, rule
        As in :func:`early_stopping`, for the first run (``max_steps`` caps only it).
    max_extra_steps
        Cap on the steps of the continued training.
    """
    _check_meta_args(rng, data, init_params, train, loss)
    max_extra_steps = check_int("max_extra_steps", max_extra_steps, minimum=0)
    subtrain, valid = data.train, data.val
    first = _early_stopping_on_split(
        rng, data, init_params, train, loss,
        eval_every=eval_every, patience=patience, max_steps=max_steps, rule=rule,
    )
    full = concatenate(subtrain, valid)
    theta = copy.deepcopy(first.best_params)  # keep the first run's θ* as it was
    epsilon = _as_error("loss", loss(theta, subtrain), first.best_step)
    extra = 0
    val_loss = _as_error("loss", loss(theta, valid), first.best_step)
    history = [(0, val_loss)]
    while val_loss > epsilon and extra + eval_every <= max_extra_steps:
        theta = train(theta, full, eval_every)
        extra += eval_every
        val_loss = _as_error("loss", loss(theta, valid), first.best_step + extra)
        history.append((extra, val_loss))
    return TrainUntilBelowResult(
        early_stopping=first,
        epsilon=epsilon,
        extra_steps=extra,
        params=theta,
        reached=bool(val_loss <= epsilon),
        history=tuple(history),
    )
