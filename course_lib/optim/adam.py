r"""Adam and its relatives: AdamW, Adamax, NAdam.

The seeds write Adam's bias correction two ways, and ε in two places:

- ``bias_correction="moments"`` corrects both moments,
  :math:`\hat m = m/(1-\beta_1^t)`, :math:`\hat s = s/(1-\beta_2^t)`, then steps
  :math:`\eta\,\hat m/(\sqrt{\hat s}+\epsilon)` (seed 000 "Adam"; seed 002 Algorithm 6 and
  its single-neuron example; Goodfellow Algorithm 8.7 in seed 001 with ε inside the root;
  Kingma & Ba Algorithm 1; PyTorch).
- ``bias_correction="step_size"`` folds the correction into the step size,
  :math:`\eta_t = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)`, then steps
  :math:`\eta_t\, m/(\sqrt{s}+\epsilon)` (seed 003 "Adam", with ε inside the root;
  Kingma & Ba's "more efficient" ordering in their section 2).
- ``bias_correction="none"`` steps :math:`\eta\, m/(\sqrt{s}+\epsilon)`.

The two corrections are the same update with different ε: ``"moments"`` with ε equals
``"step_size"`` with :math:`\epsilon\sqrt{1-\beta_2^t}` (ε outside the root) or
:math:`\epsilon(1-\beta_2^t)` (inside). So they agree exactly when ε = 0, and differ most
in the first steps, where :math:`1-\beta_2^t` is small.
"""

from __future__ import annotations

import math
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

BIAS_CORRECTIONS = ("moments", "step_size", "none")


@dataclass(frozen=True)
class AdamState(State):
    m: Params | None = None
    s: Params | None = None


def _adam_kernel(
    g, m, s, w, m_out, s_out, w_out, *, b1, b2, factor, eps, inside, keep
) -> None:
    r"""One Adam step on a block, written into ``m_out``, ``s_out`` and ``w_out``:
    :math:`m' = m + (1-\beta_1)(g-m)`, :math:`s' = s + (1-\beta_2)(g^2-s)`,
    :math:`w' = \text{keep}\cdot w - \text{factor}\cdot m'/(\sqrt{s'}+\epsilon)`.
    """
    np.subtract(g, m, out=m_out)
    m_out *= 1.0 - b1
    m_out += m
    np.multiply(g, g, out=s_out)
    s_out -= s
    s_out *= 1.0 - b2
    s_out += s
    if inside:
        np.add(s_out, eps, out=w_out)
        np.sqrt(w_out, out=w_out)
    else:
        np.sqrt(s_out, out=w_out)
        w_out += eps
    np.divide(m_out, w_out, out=w_out)
    w_out *= -factor
    w_out += w if keep == 1.0 else keep * w


@dataclass(frozen=True)
class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015): momentum on the gradient, RMSProp on its square.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        s \leftarrow \beta_2 s + (1-\beta_2) g\odot g, \quad
        w \leftarrow w - \eta\, \frac{m/(1-\beta_1^t)}{\sqrt{s/(1-\beta_2^t)} + \epsilon}

    with :math:`t` the 1-based number of this update. The module docstring lists the
    seeds' other placements of the bias correction and of ε.

    Parameters
    ----------
    lr
        Step size :math:`\eta` (number or schedule).
    beta1, beta2
        Decay rates :math:`\beta_1, \beta_2 \in [0, 1)` of the first and second moments
        (Goodfellow's :math:`\rho_1, \rho_2`).
    eps
        Stabiliser :math:`\epsilon \ge 0`.
    eps_inside_sqrt
        Use :math:`\sqrt{\hat s + \epsilon}` instead of :math:`\sqrt{\hat s} + \epsilon`.
    bias_correction
        ``"moments"``, ``"step_size"`` or ``"none"``.
    """

    lr: LearningRate
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    eps_inside_sqrt: bool = False
    bias_correction: str = "moments"

    state_type = AdamState

    def __post_init__(self) -> None:
        check_learning_rate(self.lr)
        check_unit_interval("beta1", self.beta1)
        check_unit_interval("beta2", self.beta2)
        check_nonnegative("eps", self.eps)
        check_choice("bias_correction", self.bias_correction, BIAS_CORRECTIONS)

    def _init_buffers(self, params: Params) -> dict[str, Params]:
        return {"m": zeros_like(params), "s": zeros_like(params)}

    def step_factor_and_eps(self, t: int, lr: float) -> tuple[float, float]:
        r"""The scalar :math:`c` and the :math:`\epsilon'` of update ``t`` written as
        :math:`w \leftarrow w - c\, m / (\sqrt{s} + \epsilon')` on the raw moments.
        """
        bc1, bc2 = 1.0 - self.beta1**t, 1.0 - self.beta2**t
        if self.bias_correction == "none":
            return lr, self.eps
        factor = lr * math.sqrt(bc2) / bc1
        if self.bias_correction == "step_size":
            return factor, self.eps
        # m̂/(√ŝ + ε) = (√bc2/bc1)·m/(√s + ε√bc2); inside the root ε scales by bc2.
        return factor, self.eps * (bc2 if self.eps_inside_sqrt else math.sqrt(bc2))

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        t = state.step + 1
        lr = learning_rate_at(self.lr, state.step)
        factor, eps = self.step_factor_and_eps(t, lr)
        kernel = partial(
            _adam_kernel, b1=self.beta1, b2=self.beta2, factor=factor, eps=eps,
            inside=self.eps_inside_sqrt, keep=self._keep(lr),
        )
        new_w, new_m, new_s = {}, {}, {}
        for k, w in params.items():
            new_m[k], new_s[k], new_w[k] = elementwise(
                kernel, (grads[k], state.m[k], state.s[k], w), n_outputs=3
            )
        return new_w, AdamState(step=t, m=new_m, s=new_s)

    def _keep(self, lr: float) -> float:
        """The factor the weights keep before the Adam step (AdamW decays them)."""
        return 1.0


@dataclass(frozen=True)
class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, cited by seed 003): Adam with decoupled weight decay.

    .. math:: w \leftarrow w - \eta\left(\text{Adam step} + \lambda w\right)

    as in seed 003's "AdamW" algorithm and ``torch.optim.AdamW``
    (``decay_scaled_by_lr=True``). With ``decay_scaled_by_lr=False`` the decay is
    :math:`w \leftarrow w - \lambda w - \eta\,\text{Adam step}`, the paper's form with a
    schedule multiplier of 1. Adding :math:`\lambda w` to the gradient instead (L2 in the
    loss) sends the decay through Adam's moment normalisation, which is a different
    algorithm.

    Parameters
    ----------
    weight_decay
        :math:`\lambda \ge 0`.
    decay_scaled_by_lr
        Multiply the decay by the learning rate :math:`\eta`.
    """

    weight_decay: float = 0.01
    decay_scaled_by_lr: bool = True

    def __post_init__(self) -> None:
        super().__post_init__()
        check_nonnegative("weight_decay", self.weight_decay)

    def _keep(self, lr: float) -> float:
        return 1.0 - self.weight_decay * (lr if self.decay_scaled_by_lr else 1.0)


@dataclass(frozen=True)
class AdamaxState(State):
    m: Params | None = None
    u: Params | None = None


@dataclass(frozen=True)
class Adamax(Optimizer):
    r"""Adamax: Adam with the :math:`L^\infty` norm in place of the root mean square.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        u \leftarrow \max(\beta_2 u, |g| + \epsilon), \quad
        w \leftarrow w - \frac{\eta}{1-\beta_1^t}\, \frac{m}{u}

    Seed 001 "ADAM Variation" derives :math:`r_t = \max(\rho r_{t-1}, |g_t|)` as the
    :math:`p \to \infty` limit of the :math:`L^p` average. The ε inside the max is
    PyTorch's (it keeps a coordinate with zero gradients from dividing by 0);
    ``eps=0`` is Kingma & Ba's Algorithm 2 exactly.
    """

    lr: LearningRate
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    state_type = AdamaxState

    def __post_init__(self) -> None:
        check_learning_rate(self.lr)
        check_unit_interval("beta1", self.beta1)
        check_unit_interval("beta2", self.beta2)
        check_nonnegative("eps", self.eps)

    def _init_buffers(self, params: Params) -> dict[str, Params]:
        return {"m": zeros_like(params), "u": zeros_like(params)}

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        t = state.step + 1
        lr = learning_rate_at(self.lr, state.step)
        step_size = lr / (1.0 - self.beta1**t)
        new_w, new_m, new_u = {}, {}, {}
        for k, w in params.items():
            g = grads[k]
            m = self.beta1 * state.m[k] + (1.0 - self.beta1) * g
            u = np.maximum(self.beta2 * state.u[k], np.abs(g) + self.eps)
            new_w[k], new_m[k], new_u[k] = w - step_size * m / u, m, u
        return new_w, AdamaxState(step=t, m=new_m, u=new_u)


@dataclass(frozen=True)
class NAdamState(State):
    m: Params | None = None
    s: Params | None = None
    mu_product: float = 1.0


@dataclass(frozen=True)
class NAdam(Optimizer):
    r"""NAdam (Dozat 2016, named in seed 001 "ADAM Variation"): Adam with Nesterov momentum.

    With the momentum schedule :math:`\mu_t = \beta_1(1 - \tfrac12\, 0.96^{t\psi})`
    (:math:`\psi` = ``momentum_decay``) and :math:`\Pi_t = \prod_{i\le t}\mu_i`,

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        s \leftarrow \beta_2 s + (1-\beta_2) g^2, \quad
        w \leftarrow w - \frac{\eta}{\sqrt{s/(1-\beta_2^t)} + \epsilon}
            \left(\frac{(1-\mu_t)\, g}{1-\Pi_t} + \frac{\mu_{t+1}\, m}{1-\Pi_{t+1}}\right)

    the form of ``torch.optim.NAdam``: the gradient enters with today's momentum weight
    and the average with tomorrow's, which is the look-ahead of Nesterov momentum.
    """

    lr: LearningRate
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    momentum_decay: float = 0.004

    state_type = NAdamState

    def __post_init__(self) -> None:
        check_learning_rate(self.lr)
        check_unit_interval("beta1", self.beta1)
        check_unit_interval("beta2", self.beta2)
        check_nonnegative("eps", self.eps)
        check_nonnegative("momentum_decay", self.momentum_decay)

    def _init_buffers(self, params: Params) -> dict[str, Params]:
        return {"m": zeros_like(params), "s": zeros_like(params)}

    def mu(self, t: int) -> float:
        """The momentum coefficient :math:`\\mu_t` of update ``t``."""
        return self.beta1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))

    def _step(self, params: Params, grads: Params, state: State) -> tuple[Params, State]:
        t = state.step + 1
        lr = learning_rate_at(self.lr, state.step)
        mu, mu_next = self.mu(t), self.mu(t + 1)
        mu_product = state.mu_product * mu
        coef_g = lr * (1.0 - mu) / (1.0 - mu_product)
        coef_m = lr * mu_next / (1.0 - mu_product * mu_next)
        bc2 = 1.0 - self.beta2**t
        new_w, new_m, new_s = {}, {}, {}
        for k, w in params.items():
            g = grads[k]
            m = self.beta1 * state.m[k] + (1.0 - self.beta1) * g
            s = self.beta2 * state.s[k] + (1.0 - self.beta2) * g * g
            denom = np.sqrt(s / bc2) + self.eps
            new_w[k] = w - (coef_g * g + coef_m * m) / denom
            new_m[k], new_s[k] = m, s
        return new_w, NAdamState(step=t, m=new_m, s=new_s, mu_product=mu_product)
