r"""Second-order methods: Newton's method and its regularized (damped) form.

Both need the Hessian, which the optimizer asks for through a ``hessian`` callable given
when it is built (objectives in :mod:`course_lib.objectives` provide ``hessian_fn``). The
Hessian is a square matrix over the parameters flattened in dict order (see
:func:`flatten`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course_lib._validation import (
    CourseLibError,
    LearningRate,
    Params,
    check_learning_rate,
    check_nonnegative,
    learning_rate_at,
)
from course_lib.optim.base import Optimizer, State

HessianFn = Callable[[Params], np.ndarray]


def flatten(params: Params) -> np.ndarray:
    """All parameters as one vector, in the dict's key order."""
    return np.concatenate([np.ravel(v) for v in params.values()])


def unflatten(vector: np.ndarray, like: Params) -> Params:
    """Split ``vector`` back into arrays shaped like ``like`` (inverse of :func:`flatten`)."""
    out, start = {}, 0
    for k, v in like.items():
        out[k] = np.reshape(vector[start : start + v.size], v.shape)
        start += v.size
    if start != vector.size:
        raise CourseLibError(f"vector has {vector.size} entries but params need {start}")
    return out


def _newton_direction(h: np.ndarray, g: np.ndarray, alpha: float) -> np.ndarray:
    n = g.size
    h = np.asarray(h, dtype=np.float64)
    if h.shape != (n, n):
        raise CourseLibError(
            f"the Hessian must be a {n}x{n} matrix for these params, got shape {h.shape}"
        )
    if not np.isfinite(h).all():
        raise CourseLibError("the Hessian contains NaN or inf")
    try:
        return np.linalg.solve(h + alpha * np.eye(n), g)
    except np.linalg.LinAlgError:
        hint = "increase alpha" if alpha > 0 else "use RegularizedNewton with alpha > 0"
        raise CourseLibError(
            f"H + {alpha}·I is singular at this point, so the Newton step is undefined; {hint}"
        ) from None


@dataclass(frozen=True)
class Newton(Optimizer):
    r"""Newton's method (Goodfellow eq. 8.27 and Algorithm 8.8, seed 001).

    .. math:: \theta \leftarrow \theta - \eta\, H^{-1} g

    with :math:`\eta = 1` in the seed. On a quadratic with positive definite Hessian one
    step lands on the minimum; where :math:`H` has negative eigenvalues the step heads for
    a saddle point or maximum as readily as for a minimum.

    Parameters
    ----------
    hessian
        ``hessian(params) -> (n, n) array``.
    lr
        Step multiplier :math:`\eta` (1 is the pure Newton step).
    """

    hessian: HessianFn
    lr: LearningRate = 1.0

    def __post_init__(self) -> None:
        if not callable(self.hessian):
            raise CourseLibError(
                f"hessian must be a function params -> matrix, got {self.hessian!r}"
            )
        check_learning_rate(self.lr)

    @property
    def damping(self) -> float:
        return 0.0

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        lr = learning_rate_at(self.lr, state.step)
        direction = _newton_direction(self.hessian(params), flatten(grads), self.damping)
        new = flatten(params) - lr * direction
        return unflatten(new, params), State(step=state.step + 1)


@dataclass(frozen=True)
class RegularizedNewton(Newton):
    r"""Regularized (damped) Newton for non-convex problems (Goodfellow eq. 8.28, seed 001).

    .. math:: \theta \leftarrow \theta - \eta\,(H + \alpha I)^{-1} g

    A large enough :math:`\alpha` makes :math:`H + \alpha I` positive definite, so the step
    descends; as :math:`\alpha` grows the step tends to gradient descent with rate
    :math:`\eta/\alpha`.

    Parameters
    ----------
    alpha
        Damping :math:`\alpha \ge 0` added to the Hessian's diagonal.
    """

    alpha: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        check_nonnegative("alpha", self.alpha)

    @property
    def damping(self) -> float:
        return self.alpha
