"""Gradient descent, momentum and Nesterov momentum, in each convention the seeds use.

Seed numbers ("seed 002") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from course_lib._validation import (
    LearningRate,
    Params,
    check_choice,
    check_learning_rate,
    check_nonnegative,
    check_unit_interval,
    learning_rate_at,
)
from course_lib.optim._blocked import elementwise
from course_lib.optim.base import Optimizer, State, zeros_like


@dataclass(frozen=True)
class SGD(Optimizer):
    r"""(Stochastic) gradient descent, optionally with multiplicative weight decay.

    .. math:: w \leftarrow (1 - \eta\lambda)\, w - \eta\, g

    Goodfellow Algorithm 8.1 (seed 001, "Stochastic Gradient Descent (SGD)"); seed 002's
    ``gd(eta, f_grad)``; seed 000 "Regularization - Neural Network" writes the weight-decay
    form :math:`W \leftarrow (1 - \gamma\lambda/N) W - \gamma \nabla L`, i.e. its
    :math:`\lambda/N` is ``weight_decay`` here. For SGD this is exactly gradient descent on
    the loss plus :math:`\tfrac{\lambda}{2}\lVert w\rVert^2` (not so for Adam: see AdamW).

    Parameters
    ----------
    lr
        Learning rate :math:`\eta` (number or schedule).
    weight_decay
        :math:`\lambda \ge 0`; 0 gives plain gradient descent.
    """

    lr: LearningRate
    weight_decay: float = 0.0

    def __post_init__(self) -> None:
        check_learning_rate(self.lr)
        check_nonnegative("weight_decay", self.weight_decay)

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        lr = learning_rate_at(self.lr, state.step)
        shrink = 1.0 - lr * self.weight_decay
        new = {k: shrink * w - lr * grads[k] for k, w in params.items()}
        return new, State(step=state.step + 1)


@dataclass(frozen=True)
class MomentumState(State):
    velocity: Params | None = None


MOMENTUM_FORMS = ("classic", "ema", "sum")


def _momentum_kernel(g, v, w, v_out, w_out, *, lr, beta, form) -> None:
    """One momentum step on a block, in the given form, into ``v_out`` and ``w_out``."""
    np.multiply(v, beta, out=v_out)
    if form == "classic":  # v' = βv - ηg, w' = w + v'
        np.multiply(g, -lr, out=w_out)
        v_out += w_out
        np.add(w, v_out, out=w_out)
        return
    if form == "ema":  # v' = βv + (1-β)g
        np.multiply(g, 1.0 - beta, out=w_out)
        v_out += w_out
    else:  # v' = βv + g
        v_out += g
    np.multiply(v_out, -lr, out=w_out)  # w' = w - ηv'
    w_out += w


@dataclass(frozen=True)
class Momentum(Optimizer):
    r"""Gradient descent with momentum, in the three conventions the seeds use.

    ``form="classic"`` (Goodfellow eqs. 8.15–8.16, Algorithm 8.2; seed 001):

    .. math:: v \leftarrow \beta v - \eta g, \qquad w \leftarrow w + v

    ``form="ema"`` (exponential moving average; seed 000 "Gradient descent with momentum",
    seed 002 Algorithm 4):

    .. math:: v \leftarrow \beta v + (1-\beta) g, \qquad w \leftarrow w - \eta v

    ``form="sum"`` (PyTorch's ``SGD(momentum=β)``; seed 003 "BP + Momentum"):

    .. math:: v \leftarrow \beta v + g, \qquad w \leftarrow w - \eta v

    At a constant learning rate "classic" and "sum" give the same iterates
    (:math:`v_\text{classic} = -\eta\, v_\text{sum}`), and "ema" equals "sum" with
    :math:`\eta` replaced by :math:`(1-\beta)\eta`. With a schedule they differ:
    "classic" bakes each step's :math:`\eta` into the velocity.

    Parameters
    ----------
    lr
        Learning rate :math:`\eta` (number or schedule).
    beta
        Momentum coefficient :math:`\beta \in [0, 1)` (Goodfellow's :math:`\alpha`).
    form
        ``"classic"``, ``"ema"`` or ``"sum"``.
    """

    lr: LearningRate
    beta: float = 0.9
    form: str = "classic"

    state_type = MomentumState

    def __post_init__(self) -> None:
        check_learning_rate(self.lr)
        check_unit_interval("beta", self.beta)
        check_choice("form", self.form, MOMENTUM_FORMS)

    def _init_buffers(self, params: Params) -> dict[str, Params]:
        return {"velocity": zeros_like(params)}

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        lr = learning_rate_at(self.lr, state.step)
        kernel = partial(_momentum_kernel, lr=lr, beta=self.beta, form=self.form)
        new_w, new_v = {}, {}
        for k, w in params.items():
            new_v[k], new_w[k] = elementwise(kernel, (grads[k], state.velocity[k], w), n_outputs=2)
        return new_w, MomentumState(step=state.step + 1, velocity=new_v)


NESTEROV_FORMS = ("lookahead", "pytorch")


@dataclass(frozen=True)
class Nesterov(Optimizer):
    r"""Nesterov momentum, as a look-ahead gradient or in PyTorch's reformulation.

    ``form="lookahead"`` (Goodfellow eqs. 8.21–8.22, Algorithm 8.3; seed 001): the
    gradient is taken at the interim point :math:`\tilde w = w + \beta v`, which
    :meth:`eval_point` returns,

    .. math:: v \leftarrow \beta v - \eta\, \nabla f(w + \beta v), \qquad w \leftarrow w + v

    ``form="pytorch"`` (``torch.optim.SGD(nesterov=True)``; Sutskever et al. 2013, cited
    by seed 003): the gradient is taken at the stored parameters,

    .. math:: b \leftarrow \beta b + g, \qquad w \leftarrow w - \eta\,(g + \beta b)

    The two are one algorithm in different variables: PyTorch stores the look-ahead
    point :math:`w + \beta v` as its parameters, with :math:`v = -\eta b`.

    Parameters
    ----------
    lr
        Learning rate :math:`\eta` (number or schedule).
    beta
        Momentum coefficient :math:`\beta \in [0, 1)`.
    form
        ``"lookahead"`` or ``"pytorch"``.
    """

    lr: LearningRate
    beta: float = 0.9
    form: str = "lookahead"

    state_type = MomentumState

    def __post_init__(self) -> None:
        check_learning_rate(self.lr)
        check_unit_interval("beta", self.beta)
        check_choice("form", self.form, NESTEROV_FORMS)

    def _init_buffers(self, params: Params) -> dict[str, Params]:
        return {"velocity": zeros_like(params)}

    def eval_point(self, params: Params, state: State) -> Params:
        params = super().eval_point(params, state)
        if self.form == "pytorch":
            return params
        return {k: w + self.beta * state.velocity[k] for k, w in params.items()}

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        lr, beta = learning_rate_at(self.lr, state.step), self.beta
        new_w, new_v = {}, {}
        for k, w in params.items():
            g, v = grads[k], state.velocity[k]
            if self.form == "lookahead":
                v_new = beta * v - lr * g
                w_new = w + v_new
            else:
                v_new = beta * v + g
                w_new = w - lr * (g + beta * v_new)
            new_w[k], new_v[k] = w_new, v_new
        return new_w, MomentumState(step=state.step + 1, velocity=new_v)

