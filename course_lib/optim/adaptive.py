r"""Per-coordinate adaptive learning rates: AdaGrad, RMSProp (plain and with Nesterov
momentum) and Adadelta.

Where ε sits is a convention the seeds disagree on: ``eps_inside_sqrt=False`` divides by
:math:`\sqrt{r} + \epsilon` (Goodfellow's AdaGrad, Alg. 8.4; seed 000's RMSprop; PyTorch),
``eps_inside_sqrt=True`` by :math:`\sqrt{r + \epsilon}` (Goodfellow's RMSProp, Alg. 8.5;
seeds 002, 003 and 004).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from course_lib._validation import (
    LearningRate,
    Params,
    check_learning_rate,
    check_nonnegative,
    check_positive,
    check_unit_interval,
    learning_rate_at,
)
from course_lib.optim._blocked import elementwise
from course_lib.optim.base import Optimizer, State, zeros_like


def _scaled_step(g: np.ndarray, r: np.ndarray, lr: float, eps: float, inside: bool) -> np.ndarray:
    r"""Return :math:`-\eta\, g / \sqrt{r+\epsilon}` or :math:`-\eta\, g / (\sqrt{r}+\epsilon)`."""
    out = np.empty_like(g)
    _scaled_step_into(g, r, out, lr=lr, eps=eps, inside=inside)
    return out


def _scaled_step_into(g, r, out, *, lr: float, eps: float, inside: bool) -> None:
    if inside:
        np.add(r, eps, out=out)
        np.sqrt(out, out=out)
    else:
        np.sqrt(r, out=out)
        out += eps
    np.divide(g, out, out=out)
    out *= -lr


def _adagrad_kernel(g, r, w, r_out, w_out, *, lr, eps, inside) -> None:
    r""":math:`r' = r + g^2`, :math:`w' = w - \eta g/(\sqrt{r'}+\epsilon)`, into the outputs."""
    np.multiply(g, g, out=r_out)
    r_out += r
    _scaled_step_into(g, r_out, w_out, lr=lr, eps=eps, inside=inside)
    w_out += w


def _rmsprop_kernel(g, r, w, r_out, w_out, *, rho, lr, eps, inside) -> None:
    r""":math:`r' = r + (1-\rho)(g^2 - r)`, :math:`w' = w - \eta g/(\sqrt{r'}+\epsilon)`."""
    np.multiply(g, g, out=r_out)
    r_out -= r
    r_out *= 1.0 - rho
    r_out += r
    _scaled_step_into(g, r_out, w_out, lr=lr, eps=eps, inside=inside)
    w_out += w


@dataclass(frozen=True)
class AccumulatorState(State):
    sum_sq: Params | None = None


@dataclass(frozen=True)
class AdaGrad(Optimizer):
    r"""AdaGrad: divide each coordinate by the root of its summed squared gradients.

    .. math:: r \leftarrow r + g \odot g, \qquad
              w \leftarrow w - \frac{\eta}{\sqrt{r} + \epsilon} \odot g

    Goodfellow Algorithm 8.4 (seed 001, :math:`\delta = \epsilon`); seed 002 "Adagrad
    algorithm", seed 003 and seed 004 "3.8 Optimizers" put ε inside the root.

    Parameters
    ----------
    lr
        Global learning rate :math:`\eta` (number or schedule).
    eps
        Stabiliser :math:`\epsilon \ge 0`.
    eps_inside_sqrt
        Divide by :math:`\sqrt{r + \epsilon}` instead of :math:`\sqrt{r} + \epsilon`.
    """

    lr: LearningRate
    eps: float = 1e-10
    eps_inside_sqrt: bool = False

    state_type = AccumulatorState

    def __post_init__(self) -> None:
        check_learning_rate(self.lr)
        check_nonnegative("eps", self.eps)

    def _init_buffers(self, params: Params) -> dict[str, Params]:
        return {"sum_sq": zeros_like(params)}

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        lr = learning_rate_at(self.lr, state.step)
        kernel = partial(_adagrad_kernel, lr=lr, eps=self.eps, inside=self.eps_inside_sqrt)
        new_w, new_r = {}, {}
        for k, w in params.items():
            new_r[k], new_w[k] = elementwise(kernel, (grads[k], state.sum_sq[k], w), n_outputs=2)
        return new_w, AccumulatorState(step=state.step + 1, sum_sq=new_r)


@dataclass(frozen=True)
class RMSPropState(State):
    sq_avg: Params | None = None


@dataclass(frozen=True)
class RMSProp(Optimizer):
    r"""RMSProp: AdaGrad with an exponentially decaying average of squared gradients.

    .. math:: r \leftarrow \rho r + (1-\rho)\, g \odot g, \qquad
              w \leftarrow w - \frac{\eta}{\sqrt{r} + \epsilon} \odot g

    Seed 000 "RMSprop" (its :math:`\beta_2 = \rho`, ε outside, as PyTorch); Goodfellow
    Algorithm 8.5 (seed 001), seed 002 Algorithm 5 (its :math:`\gamma = \rho`), seed 003
    and seed 004 put ε inside the root.

    Parameters
    ----------
    lr
        Global learning rate :math:`\eta` (number or schedule).
    rho
        Decay rate :math:`\rho \in [0, 1)`.
    eps
        Stabiliser :math:`\epsilon \ge 0`.
    eps_inside_sqrt
        Divide by :math:`\sqrt{r + \epsilon}` instead of :math:`\sqrt{r} + \epsilon`.
    """

    lr: LearningRate
    rho: float = 0.9
    eps: float = 1e-8
    eps_inside_sqrt: bool = False

    state_type = RMSPropState

    def __post_init__(self) -> None:
        check_learning_rate(self.lr)
        check_unit_interval("rho", self.rho)
        check_nonnegative("eps", self.eps)

    def _init_buffers(self, params: Params) -> dict[str, Params]:
        return {"sq_avg": zeros_like(params)}

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        lr = learning_rate_at(self.lr, state.step)
        kernel = partial(
            _rmsprop_kernel, rho=self.rho, lr=lr, eps=self.eps, inside=self.eps_inside_sqrt
        )
        new_w, new_r = {}, {}
        for k, w in params.items():
            new_r[k], new_w[k] = elementwise(kernel, (grads[k], state.sq_avg[k], w), n_outputs=2)
        return new_w, RMSPropState(step=state.step + 1, sq_avg=new_r)


@dataclass(frozen=True)
class RMSPropNesterovState(State):
    sq_avg: Params | None = None
    velocity: Params | None = None


@dataclass(frozen=True)
class RMSPropNesterov(Optimizer):
    r"""RMSProp with Nesterov momentum (Goodfellow Algorithm 8.6, seed 001).

    The gradient is taken at the interim point :math:`\tilde w = w + \beta v`
    (:meth:`eval_point`), then

    .. math:: r \leftarrow \rho r + (1-\rho)\, g \odot g, \qquad
              v \leftarrow \beta v - \frac{\eta}{\sqrt{r + \epsilon}} \odot g, \qquad
              w \leftarrow w + v

    Algorithm 8.6 has no ε; ``eps=0`` reproduces it exactly, and the small default keeps
    a coordinate whose gradients have all been zero from dividing 0 by 0.

    Parameters
    ----------
    lr
        Global learning rate :math:`\eta` (number or schedule).
    rho
        Decay rate :math:`\rho \in [0, 1)`.
    beta
        Momentum coefficient :math:`\beta \in [0, 1)` (Goodfellow's :math:`\alpha`).
    eps
        Stabiliser added inside the root.
    """

    lr: LearningRate
    rho: float = 0.9
    beta: float = 0.9
    eps: float = 1e-8

    state_type = RMSPropNesterovState

    def __post_init__(self) -> None:
        check_learning_rate(self.lr)
        check_unit_interval("rho", self.rho)
        check_unit_interval("beta", self.beta)
        check_nonnegative("eps", self.eps)

    def _init_buffers(self, params: Params) -> dict[str, Params]:
        return {"sq_avg": zeros_like(params), "velocity": zeros_like(params)}

    def eval_point(self, params: Params, state: State) -> Params:
        params = super().eval_point(params, state)
        return {k: w + self.beta * state.velocity[k] for k, w in params.items()}

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        lr = learning_rate_at(self.lr, state.step)
        new_w, new_r, new_v = {}, {}, {}
        for k, w in params.items():
            g = grads[k]
            r = self.rho * state.sq_avg[k] + (1.0 - self.rho) * g * g
            v = self.beta * state.velocity[k] + _scaled_step(g, r, lr, self.eps, inside=True)
            new_w[k], new_r[k], new_v[k] = w + v, r, v
        state = RMSPropNesterovState(step=state.step + 1, sq_avg=new_r, velocity=new_v)
        return new_w, state


@dataclass(frozen=True)
class AdadeltaState(State):
    sq_avg: Params | None = None
    delta_sq_avg: Params | None = None


@dataclass(frozen=True)
class Adadelta(Optimizer):
    r"""Adadelta (Zeiler 2012, cited by seed 003): RMSProp whose step carries its own units.

    .. math::
        r \leftarrow \rho r + (1-\rho) g^2, \quad
        \Delta w = -\frac{\sqrt{u + \epsilon}}{\sqrt{r + \epsilon}} \odot g, \quad
        u \leftarrow \rho u + (1-\rho) \Delta w^2, \quad
        w \leftarrow w + \eta\, \Delta w

    Zeiler's algorithm has no learning rate (:math:`\eta = 1`, the default); PyTorch's
    ``Adadelta`` multiplies the step by ``lr`` as here.

    Parameters
    ----------
    rho
        Decay rate :math:`\rho \in [0, 1)` of both averages.
    eps
        :math:`\epsilon > 0`; it also sets the size of the very first steps.
    lr
        Multiplier :math:`\eta` of the step (number or schedule).
    """

    rho: float = 0.9
    eps: float = 1e-6
    lr: LearningRate = 1.0

    state_type = AdadeltaState

    def __post_init__(self) -> None:
        check_unit_interval("rho", self.rho)
        # With eps = 0 the first step is exactly 0 and Adadelta never moves.
        check_positive("eps", self.eps)
        check_learning_rate(self.lr)

    def _init_buffers(self, params: Params) -> dict[str, Params]:
        return {"sq_avg": zeros_like(params), "delta_sq_avg": zeros_like(params)}

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        lr, rho, eps = learning_rate_at(self.lr, state.step), self.rho, self.eps
        new_w, new_r, new_u = {}, {}, {}
        for k, w in params.items():
            g = grads[k]
            r = rho * state.sq_avg[k] + (1.0 - rho) * g * g
            delta = -np.sqrt(state.delta_sq_avg[k] + eps) / np.sqrt(r + eps) * g
            u = rho * state.delta_sq_avg[k] + (1.0 - rho) * delta * delta
            new_w[k], new_r[k], new_u[k] = w + lr * delta, r, u
        state = AdadeltaState(step=state.step + 1, sq_avg=new_r, delta_sq_avg=new_u)
        return new_w, state
