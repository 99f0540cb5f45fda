r"""Gradient clipping, by value and by global norm, and an optimizer wrapper that clips.

Seed 001 "Optimization Challenges" prescribes clipping against exploding gradients at
cliffs: if :math:`\lVert g\rVert > v`, replace :math:`g` by :math:`v\, g/\lVert g\rVert`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course_lib._validation import (
    CourseLibError,
    Params,
    as_params,
    check_nonnegative,
    check_positive,
)
from course_lib.optim.base import Optimizer, State


def global_norm(grads: Params) -> float:
    """Euclidean norm of all gradients taken together, as one long vector."""
    grads = as_params(grads, "grads")
    return math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))


def clip_by_value(grads: Params, clip_value: float) -> Params:
    """Clip every gradient entry into ``[-clip_value, clip_value]`` (changes its direction)."""
    clip_value = check_positive("clip_value", clip_value)
    return {k: np.clip(g, -clip_value, clip_value) for k, g in as_params(grads, "grads").items()}


def clip_by_global_norm(grads: Params, max_norm: float, eps: float = 0.0) -> Params:
    r"""Rescale all gradients together so their global norm is at most ``max_norm``.

    .. math:: g \leftarrow g \cdot \min\!\left(1, \frac{v}{\lVert g\rVert + \epsilon}\right)

    The direction is kept. ``eps=0`` is the seed's rule exactly;
    ``torch.nn.utils.clip_grad_norm_`` uses ``eps=1e-6``.
    """
    max_norm = check_positive("max_norm", max_norm)
    eps = check_nonnegative("eps", eps)
    grads = as_params(grads, "grads")
    norm = global_norm(grads)
    if norm + eps == 0.0:
        return dict(grads)
    scale = min(1.0, max_norm / (norm + eps))
    return {k: g * scale for k, g in grads.items()}


@dataclass(frozen=True)
class Clipped(Optimizer):
    """Wrap an optimizer so every gradient is clipped before it is used.

    Give ``max_norm`` (global-norm clipping), ``clip_value`` (element-wise), or both
    (element-wise first); ``norm_eps`` is the ε of :func:`clip_by_global_norm`. The state
    is the wrapped optimizer's.
    """

    inner: Optimizer
    max_norm: float | None = None
    clip_value: float | None = None
    norm_eps: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.inner, Optimizer):
            raise CourseLibError(f"inner must be a course_lib optimizer, got {self.inner!r}")
        if self.max_norm is None and self.clip_value is None:
            raise CourseLibError("Clipped needs max_norm, clip_value or both")
        if self.max_norm is not None:
            check_positive("max_norm", self.max_norm)
        if self.clip_value is not None:
            check_positive("clip_value", self.clip_value)
        check_nonnegative("norm_eps", self.norm_eps)

    @property
    def state_type(self) -> type[State]:  # type: ignore[override]
        return self.inner.state_type

    def init(self, params: Params) -> State:
        return self.inner.init(params)

    def eval_point(self, params: Params, state: State) -> Params:
        return self.inner.eval_point(params, state)

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        if self.clip_value is not None:
            grads = clip_by_value(grads, self.clip_value)
        if self.max_norm is not None:
            grads = clip_by_global_norm(grads, self.max_norm, self.norm_eps)
        return self.inner._step(params, grads, state)
