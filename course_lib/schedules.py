r"""Learning-rate schedules: pure callables ``schedule(step) -> lr``.

``step`` counts completed updates, so the first update uses ``schedule(0)``; this is the
convention of :mod:`course_lib.optim`, where any optimizer's ``lr`` may be a schedule::

    >>> from course_lib import optim
    >>> opt = optim.SGD(lr=PolynomialDecay(lr0=0.1, alpha=0.5, beta=0.1))
    >>> values(LinearDecay(lr0=1.0, lr_final=0.0, decay_steps=4), 6).tolist()
    [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]

The seeds write :math:`t` (or :math:`k`) for the same count. Every schedule is a frozen
dataclass, so it can be printed, compared and reused without hidden state (unlike seed
002's ``global t`` counters).

Seed numbers ("seed 002") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

import bisect
import math
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from course_lib._validation import (
    CourseLibError,
    LearningRate,
    check_int,
    check_learning_rate,
    check_nonnegative,
    check_real,
    learning_rate_at,
)


class Schedule(ABC):
    """Base class: checks ``step`` and leaves the formula to a subclass's ``_lr``."""

    def __call__(self, step: int) -> float:
        """The learning rate for the update that follows ``step`` completed updates."""
        return self._lr(check_int("step", step))

    @abstractmethod
    def _lr(self, step: int) -> float:
        """The formula, for a validated ``step >= 0``."""


def _check_not_above(name: str, value: float, peak_name: str, peak: float) -> None:
    # A "decay" whose floor lies above its start would silently increase the rate: most
    # likely the two arguments were swapped.
    if value > peak:
        raise CourseLibError(
            f"{name} ({value}) must not exceed {peak_name} ({peak}): this schedule decays "
            f"from {peak_name} down to {name} (for a rising rate use LinearWarmup)"
        )


def _as_tuple(name: str, value: object) -> tuple:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise CourseLibError(f"{name} must be a tuple or list, got {value!r}")
    return tuple(value)


@dataclass(frozen=True)
class Constant(Schedule):
    r"""The same learning rate at every step, :math:`\eta(t) = \eta`.

    Parameters
    ----------
    lr
        :math:`\eta \ge 0`.
    """

    lr: float

    def __post_init__(self) -> None:
        check_nonnegative("lr", self.lr)

    def _lr(self, step: int) -> float:
        return float(self.lr)


@dataclass(frozen=True)
class PiecewiseConstant(Schedule):
    r"""Hold a rate, then drop to the next one at given steps.

    .. math:: \eta(t) = \eta_i \quad \text{if} \quad t_i \le t < t_{i+1}

    with :math:`t_0 = 0` and :math:`t_{n+1} = \infty`: ``values[i]`` applies from step
    ``boundaries[i-1]`` on, i.e. :math:`i` is the number of boundaries :math:`\le t`.
    Seed 002 "DYNAMIC LEARNING RATE" writes :math:`t_i \le t \le t_{i+1}`, which leaves
    :math:`t = t_{i+1}` in two intervals; here the new rate takes effect at the boundary
    (as in ``torch.optim.lr_scheduler.MultiStepLR``).

    Parameters
    ----------
    boundaries
        Strictly increasing steps :math:`t_1 < t_2 < \dots`, each :math:`\ge 1`.
    values
        :math:`\eta_0, \eta_1, \dots`: one more than there are boundaries, each
        :math:`\ge 0`.
    """

    boundaries: tuple[int, ...]
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        boundaries = tuple(
            check_int(f"boundaries[{i}]", b)
            for i, b in enumerate(_as_tuple("boundaries", self.boundaries))
        )
        values = tuple(
            check_nonnegative(f"values[{i}]", v)
            for i, v in enumerate(_as_tuple("values", self.values))
        )
        if boundaries and boundaries[0] == 0:
            raise CourseLibError(
                "boundaries[0] is 0, so values[0] would never be used (the first update is "
                "step 0): boundaries must be >= 1"
            )
        if len(values) != len(boundaries) + 1:
            raise CourseLibError(
                f"values must have one more entry than boundaries (a rate before the first "
                f"boundary and one after each): got {len(boundaries)} boundaries "
                f"{boundaries} and {len(values)} values {values}"
            )
        for i in range(1, len(boundaries)):
            if boundaries[i] <= boundaries[i - 1]:
                raise CourseLibError(
                    f"boundaries must be strictly increasing, but boundaries[{i - 1}] = "
                    f"{boundaries[i - 1]} and boundaries[{i}] = {boundaries[i]}"
                )
        # Lists are accepted for convenience and stored as tuples, keeping the dataclass
        # hashable and truly immutable.
        object.__setattr__(self, "boundaries", boundaries)
        object.__setattr__(self, "values", values)

    def _lr(self, step: int) -> float:
        return self.values[bisect.bisect_right(self.boundaries, step)]


@dataclass(frozen=True)
class ExponentialDecay(Schedule):
    r"""Exponential decay, :math:`\eta(t) = \eta_0\, e^{-\lambda t}`.

    Seed 002 "DYNAMIC LEARNING RATE" / "EXPONENTIAL DECAY" (where it decays so fast that
    the algorithm stops before converging). The seed's ``exponential_lr`` increments its
    global ``t`` *before* using it, so its first update already uses
    :math:`e^{-0.1 \cdot 1}`; to reproduce its runs evaluate this schedule at ``step + 1``,
    e.g. ``lr=lambda k: ExponentialDecay(eta, 0.1)(k + 1)``.

    Parameters
    ----------
    lr0
        :math:`\eta_0 \ge 0`, the rate of the first update.
    rate
        :math:`\lambda \ge 0` (0.1 in the seed).
    """

    lr0: float
    rate: float

    def __post_init__(self) -> None:
        check_nonnegative("lr0", self.lr0)
        check_nonnegative("rate", self.rate)

    def _lr(self, step: int) -> float:
        return self.lr0 * math.exp(-self.rate * step)


@dataclass(frozen=True)
class PolynomialDecay(Schedule):
    r"""Polynomial decay, :math:`\eta(t) = \eta_0 (\beta t + 1)^{-\alpha}`.

    Seed 002 "DYNAMIC LEARNING RATE" / "POLYNOMIAL DECAY"; its ``polynomial_lr`` uses
    :math:`\alpha = 0.5` (decay with the inverse square root of the step) and
    :math:`\beta = 0.1`, and like ``exponential_lr`` increments ``t`` before use: evaluate
    at ``step + 1`` to reproduce it.

    Parameters
    ----------
    lr0
        :math:`\eta_0 \ge 0`.
    alpha
        Exponent :math:`\alpha \ge 0`.
    beta
        Time scale :math:`\beta \ge 0`.
    """

    lr0: float
    alpha: float
    beta: float

    def __post_init__(self) -> None:
        check_nonnegative("lr0", self.lr0)
        check_nonnegative("alpha", self.alpha)
        check_nonnegative("beta", self.beta)

    def _lr(self, step: int) -> float:
        return self.lr0 * (self.beta * step + 1.0) ** -self.alpha


@dataclass(frozen=True)
class LinearDecay(Schedule):
    r"""Linear decay to a floor, then constant (Goodfellow eq. 8.14, seed 001).

    .. math:: \epsilon_k = (1 - \alpha)\epsilon_0 + \alpha\epsilon_\tau, \quad
              \alpha = \frac{k}{\tau} \quad (k \le \tau); \qquad
              \epsilon_k = \epsilon_\tau \quad (k > \tau)

    Seed 001 "Stochastic Gradient Descent (SGD)": "after iteration τ, it is common to
    leave ε constant"; Goodfellow suggests :math:`\epsilon_\tau` about 1% of
    :math:`\epsilon_0`.

    Parameters
    ----------
    lr0
        :math:`\epsilon_0 \ge 0`.
    lr_final
        :math:`\epsilon_\tau`, with :math:`0 \le \epsilon_\tau \le \epsilon_0`.
    decay_steps
        :math:`\tau \ge 1`.
    """

    lr0: float
    lr_final: float
    decay_steps: int

    def __post_init__(self) -> None:
        check_nonnegative("lr0", self.lr0)
        check_nonnegative("lr_final", self.lr_final)
        check_int("decay_steps", self.decay_steps, minimum=1)
        _check_not_above("lr_final", self.lr_final, "lr0", self.lr0)

    def _lr(self, step: int) -> float:
        if step >= self.decay_steps:
            return float(self.lr_final)
        # ε_τ + (1 - k/τ)(ε_0 - ε_τ) equals eq. 8.14 but, unlike the seed's form, cannot
        # round below ε_τ or up from one step to the next.
        remaining = (self.decay_steps - step) / self.decay_steps
        return self.lr_final + remaining * (self.lr0 - self.lr_final)


@dataclass(frozen=True)
class InverseSqrtDecay(Schedule):
    r"""Constant, then decaying as :math:`1/\sqrt t`: the "inverse square root" schedule.

    .. math:: \eta(t) = \eta_0 \sqrt{\frac{W}{\max(t, W)}}

    This is the decay of the Transformer (Vaswani et al. 2017) and of fairseq's
    ``inverse_sqrt``: for :math:`t \ge W` it equals their rate after a warm-up of
    :math:`W` steps. They ramp up during those steps; here the rate is held at
    :math:`\eta_0` instead. ``LinearWarmup(InverseSqrtDecay(lr0, W), W)`` adds a ramp but
    shifts the decay by :math:`W` steps. Seed 002's polynomial decay with
    :math:`\alpha = 1/2` has the same :math:`1/\sqrt t` tail.

    Parameters
    ----------
    lr0
        Peak rate :math:`\eta_0 \ge 0`.
    warmup_steps
        :math:`W \ge 1`: the rate starts decaying after step :math:`W`.
    """

    lr0: float
    warmup_steps: int = 1

    def __post_init__(self) -> None:
        check_nonnegative("lr0", self.lr0)
        check_int("warmup_steps", self.warmup_steps, minimum=1)

    def _lr(self, step: int) -> float:
        return self.lr0 * math.sqrt(self.warmup_steps / max(step, self.warmup_steps))


@dataclass(frozen=True)
class CosineDecay(Schedule):
    r"""Half a cosine from :math:`\eta_0` down to :math:`\eta_{\min}`, then constant.

    .. math:: \eta(t) = \eta_{\min} + \frac{\eta_0 - \eta_{\min}}{2}
              \left(1 + \cos\frac{\pi \min(t, T)}{T}\right)

    SGDR without restarts (Loshchilov & Hutter 2017). For :math:`t \le T` this is the
    closed form of ``torch.optim.lr_scheduler.CosineAnnealingLR`` with ``T_max`` = T;
    beyond :math:`T` torch's formula climbs back up the cosine, this one stays at
    :math:`\eta_{\min}`.

    Parameters
    ----------
    lr0
        :math:`\eta_0 \ge 0`.
    decay_steps
        :math:`T \ge 1`.
    lr_min
        Floor :math:`0 \le \eta_{\min} \le \eta_0`.
    """

    lr0: float
    decay_steps: int
    lr_min: float = 0.0

    def __post_init__(self) -> None:
        check_nonnegative("lr0", self.lr0)
        check_int("decay_steps", self.decay_steps, minimum=1)
        check_nonnegative("lr_min", self.lr_min)
        _check_not_above("lr_min", self.lr_min, "lr0", self.lr0)

    def _lr(self, step: int) -> float:
        progress = min(step, self.decay_steps) / self.decay_steps
        return self.lr_min + (self.lr0 - self.lr_min) * (1.0 + math.cos(math.pi * progress)) / 2


@dataclass(frozen=True)
class LinearWarmup(Schedule):
    r"""Ramp the rate up linearly for :math:`W` steps, then hand over to another schedule.

    .. math:: \eta(t) = \begin{cases}
              \eta_\text{after}(0)\,\bigl(s + (1 - s)\,t / W\bigr) & t < W \\
              \eta_\text{after}(t - W) & t \ge W
              \end{cases}

    with :math:`s` = ``start_factor``. The ramp reaches :math:`\eta_\text{after}(0)` at
    :math:`t = W`, so the two pieces join without a jump; the schedule after the warm-up
    starts from its own step 0. Warm-up keeps the first updates small while Adam's
    second-moment estimates, or a large batch's statistics, are still unreliable.

    Parameters
    ----------
    after
        The schedule that follows (any callable ``step -> lr``, or a number).
    warmup_steps
        :math:`W \ge 0` (0: no warm-up).
    start_factor
        :math:`s \in [0, 1]`: the first rate is :math:`s\,\eta_\text{after}(0)`.
    """

    after: LearningRate
    warmup_steps: int
    start_factor: float = 0.0

    def __post_init__(self) -> None:
        check_learning_rate(self.after, "after")
        check_int("warmup_steps", self.warmup_steps)
        start = check_real("start_factor", self.start_factor)
        if not 0.0 <= start <= 1.0:
            raise CourseLibError(f"start_factor must lie in [0, 1], got {start}")

    def _lr(self, step: int) -> float:
        if step >= self.warmup_steps:
            return learning_rate_at(self.after, step - self.warmup_steps)
        peak = learning_rate_at(self.after, 0)
        s = self.start_factor
        return peak * (s + (1.0 - s) * step / self.warmup_steps)


def values(schedule: LearningRate, n_steps: int) -> np.ndarray:
    """The first ``n_steps`` learning rates, ``[schedule(0), ..., schedule(n_steps - 1)]``.

    For plotting a schedule; a number gives a constant array.
    """
    check_learning_rate(schedule, "schedule")
    n_steps = check_int("n_steps", n_steps)
    return np.array([learning_rate_at(schedule, k) for k in range(n_steps)], dtype=np.float64)
