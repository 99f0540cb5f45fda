"""The optimizer contract shared by every algorithm, and ``run``.

An optimizer is a frozen dataclass of hyperparameters with three pure methods::

    state = opt.init(params)                          # explicit, immutable state
    point = opt.eval_point(params, state)             # where to take the gradient
    params, state = opt.update(params, grads, state)  # one step; inputs never mutated

``state.step`` counts completed updates, so the update that ``update`` performs is number
``t = state.step + 1`` in the 1-based notation of the seeds (the ``t`` in ``1 - β^t``).
A learning rate may be a number or a schedule ``step -> lr``; the update that follows
``k`` completed updates uses ``lr(k)`` (see :mod:`course_lib.schedules`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields

import numpy as np

from course_lib._validation import (
    CourseLibError,
    Params,
    as_params,
    check_gradients,
    check_int,
)

GradFn = Callable[[Params], Params]


@dataclass(frozen=True)
class State:
    """Optimizer state: the number of completed updates, plus buffers in subclasses."""

    step: int = 0

    def buffers(self) -> dict[str, Params]:
        """The named buffers (velocity, moments, ...) of this state, for display."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "step"}


def zeros_like(params: Params) -> Params:
    return {k: np.zeros_like(v) for k, v in params.items()}


class Optimizer(ABC):
    """Base class: validation and bookkeeping around a subclass's ``_step``.

    Subclasses are frozen dataclasses; they check their hyperparameters in
    ``__post_init__`` and implement ``_init_buffers`` and ``_step``.
    """

    state_type: type[State] = State

    def init(self, params: Params) -> State:
        """Return the initial state (step 0, zeroed buffers) for ``params``."""
        params = as_params(params)
        return self.state_type(step=0, **self._init_buffers(params))

    def _init_buffers(self, params: Params) -> dict[str, Params]:
        return {}

    def eval_point(self, params: Params, state: State) -> Params:
        """Where the gradient for the next update must be taken (``params`` by default)."""
        return as_params(params)

    def update(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        """One update. Returns new ``(params, state)``; the arguments are not modified."""
        if not isinstance(state, self.state_type):
            raise CourseLibError(
                f"{type(self).__name__}.update needs the state made by its own init(), "
                f"got {type(state).__name__}"
            )
        params = as_params(params)
        grads = check_gradients(params, grads, step=state.step)
        return self._step(params, grads, state)

    @abstractmethod
    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        """The algorithm itself, on validated float64 inputs."""


@dataclass(frozen=True)
class Trajectory:
    """Every iterate of a run: ``params[0]`` is the start, ``params[k]`` follows k updates."""

    params: list[Params]
    states: list[State]

    def __len__(self) -> int:
        return len(self.params)

    def __iter__(self) -> Iterator[Params]:
        return iter(self.params)

    @property
    def final(self) -> Params:
        return self.params[-1]

    def stack(self, key: str) -> np.ndarray:
        """The iterates of one parameter as an array of shape ``(n_steps + 1, *shape)``."""
        if key not in self.params[0]:
            raise CourseLibError(f"no parameter named {key!r}; have {sorted(self.params[0])}")
        return np.stack([p[key] for p in self.params])

    def values(self, fn: Callable[[Params], float]) -> np.ndarray:
        """``fn`` (a loss, say) evaluated at every iterate."""
        return np.array([float(fn(p)) for p in self.params])


def run(opt: Optimizer, grad_fn: GradFn, params0: Params, n_steps: int) -> Trajectory:
    """Run ``n_steps`` updates of ``opt`` from ``params0`` and keep every iterate.

    Parameters
    ----------
    opt
        Any optimizer of :mod:`course_lib.optim`.
    grad_fn
        ``grad_fn(point) -> grads``, called at ``opt.eval_point(params, state)``; a
        stochastic gradient closes over its own ``numpy.random.Generator``.
    params0
        Starting parameters; not modified.
    n_steps
        Number of updates (0 returns just ``params0``).

    Returns
    -------
    Trajectory
        ``n_steps + 1`` parameter dicts (``params0`` first) and the matching states.
    """
    if not isinstance(opt, Optimizer):
        raise CourseLibError(f"opt must be a course_lib optimizer, got {type(opt).__name__}")
    if not callable(grad_fn):
        raise CourseLibError(f"grad_fn must be a function params -> grads, got {grad_fn!r}")
    n_steps = check_int("n_steps", n_steps)
    params = as_params(params0, "params0")
    state = opt.init(params)
    all_params, all_states = [params], [state]
    for _ in range(n_steps):
        grads = grad_fn(opt.eval_point(params, state))
        params, state = opt.update(params, grads, state)
        all_params.append(params)
        all_states.append(state)
    return Trajectory(all_params, all_states)
