r"""Activation functions and their derivatives, and the activation layer.

Each activation ``g`` is a plain element-wise function ``g(x)`` with its derivative
``g_derivative(x)`` (with respect to the input, written analytically), collected in
:data:`ACTIVATIONS`. :func:`activation_forward` and :func:`activation_backward` wrap any of
them as a layer of the :mod:`course_lib.layer_registry` contract.

Sources: sigmoid and tanh, seed 004 section 2.7 items 8-9 ("Common Activation Functions",
"Vanishing Gradient Problem") and seed 002 "VANISHING GRADIENTS"; ReLU, softplus, leaky
ReLU, ELU and SELU, seed 004 section 3.2 ("Non-saturating activation functions"); the
SELU constants, Klambauer et al. 2017.

**At the kinks** (ReLU, leaky ReLU, ELU with :math:`\alpha \ne 1`, SELU at
:math:`x = 0`) the derivative does not exist; we use the right derivative, as seed 004
writes it (":math:`g'(x) = 1` if :math:`x \ge 0`"). PyTorch's ReLU backward uses the left
one (0 at :math:`x = 0`); the two differ only at exactly 0.

All functions are numerically stable: sigmoid, softplus and the exponentials inside ELU
and SELU never overflow, whatever the size of the input.

Seed numbers ("seed 004") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

import numpy as np

from course_lib._validation import CourseLibError, check_positive
from course_lib.layer_registry import LayerSpec, register
from course_lib.layers import check_array

# The fixed point of SELU's self-normalisation (mean 0, variance 1), Klambauer et al.
# 2017, "Self-Normalizing Neural Networks", eq. 14: closed forms in erfc, values as in
# torch.nn.SELU. tests/test_activations.py recomputes them from the closed forms.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946


def _result(out: np.ndarray) -> np.ndarray | np.float64:
    # A scalar in gives a numpy scalar out (sigmoid(0.0) == 0.5), an array gives an array.
    return out[()]


def _exp_neg_abs(x: np.ndarray) -> np.ndarray:
    # e^{-|x|} lies in (0, 1]: every stable formula below is written in terms of it.
    return np.exp(-np.abs(x))


# --- sigmoid and tanh (saturating) ---------------------------------------------------


def sigmoid(x: np.ndarray) -> np.ndarray:
    r"""Logistic sigmoid, :math:`\sigma(x) = \frac{1}{1 + e^{-x}}`.

    Seed 004 section 2.7 item 8; seed 000 "Regularization - Logistic Regression"
    (:math:`a = \sigma(z)`). Computed as :math:`1/(1+e^{-x})` for :math:`x \ge 0` and
    :math:`e^{x}/(1+e^{x})` for :math:`x < 0`, so :math:`e^{-|x|}` never overflows.

    >>> float(sigmoid(0.0))
    0.5
    """
    x = check_array("x", x)
    e = _exp_neg_abs(x)
    return _result(np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)))


def sigmoid_derivative(x: np.ndarray) -> np.ndarray:
    r""":math:`\sigma'(x) = \sigma(x)\,(1-\sigma(x)) = \frac{e^{-x}}{(1+e^{-x})^2}`.

    Seed 004 section 2.7 item 9. The function is even, so it is computed as
    :math:`e^{-|x|}/(1+e^{-|x|})^2`, which keeps full relative precision in the tails
    (where :math:`1 - \sigma(x)` would round to 0). Its maximum is :math:`\sigma'(0) = 1/4`.
    """
    x = check_array("x", x)
    e = _exp_neg_abs(x)
    return _result(e / (1.0 + e) ** 2)


def tanh(x: np.ndarray) -> np.ndarray:
    r"""Hyperbolic tangent, :math:`\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}} = 2\sigma(2x) - 1`.

    Seed 004 section 2.7 item 8 (with the identity through :math:`\sigma`); seed 002
    "VANISHING GRADIENTS".
    """
    x = check_array("x", x)
    return _result(np.tanh(x))


def tanh_derivative(x: np.ndarray) -> np.ndarray:
    r""":math:`\tanh'(x) = 1 - \tanh^2(x) = \frac{4 e^{-2|x|}}{(1 + e^{-2|x|})^2}`.

    Seed 002 "VANISHING GRADIENTS" (:math:`f'(x) = 1 - \tanh^2 x`, with
    :math:`f'(4) \approx 0.0013`). The second form (:math:`\operatorname{sech}^2 x`) is
    used because :math:`1 - \tanh^2 x` loses all its digits once :math:`\tanh x` rounds to
    1 (:math:`|x| \gtrsim 19`).

    >>> round(float(tanh_derivative(4.0)), 5)
    0.00134
    """
    x = check_array("x", x)
    e = np.exp(-2.0 * np.abs(x))
    return _result(4.0 * e / (1.0 + e) ** 2)


# --- ReLU and its relatives (non-saturating) -----------------------------------------


def relu(x: np.ndarray) -> np.ndarray:
    r"""Rectifier, :math:`g(x) = \max(0, x)`. Seed 004 section 3.2 item 1."""
    x = check_array("x", x)
    return _result(np.maximum(x, 0.0))


def relu_derivative(x: np.ndarray) -> np.ndarray:
    r""":math:`g'(x) = 1` if :math:`x \ge 0`, else 0 (seed 004 section 3.2 item 1(a)).

    The value 1 at the kink :math:`x = 0` is seed 004's choice (PyTorch uses 0).
    """
    x = check_array("x", x)
    return _result(np.where(x >= 0, 1.0, 0.0))


def _check_alpha(alpha: float) -> float:
    return check_positive("alpha", alpha)


def leaky_relu(x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU, :math:`g(x) = x` if :math:`x \ge 0`, else :math:`\alpha x`.

    Seed 004 section 3.2 item 2 (with :math:`\alpha = 0.01`, the default here and in
    ``torch.nn.LeakyReLU``).
    """
    x, alpha = check_array("x", x), _check_alpha(alpha)
    return _result(np.where(x >= 0, x, alpha * x))


def leaky_relu_derivative(x: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    r""":math:`g'(x) = 1` if :math:`x \ge 0`, else :math:`\alpha` (seed 004 section 3.2 item 2)."""
    x, alpha = check_array("x", x), _check_alpha(alpha)
    return _result(np.where(x >= 0, 1.0, alpha))


def _expm1_nonpositive(x: np.ndarray) -> np.ndarray:
    # e^{min(x, 0)} - 1: the branch np.where discards for x > 0 must not overflow either.
    return np.expm1(np.minimum(x, 0.0))


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    r"""Exponential linear unit, :math:`g(x) = x` if :math:`x \ge 0`, else :math:`\alpha(e^x - 1)`.

    Seed 004 section 3.2 item 3 (:math:`\alpha > 0`, "e.g. initialised to 1").
    """
    x, alpha = check_array("x", x), _check_alpha(alpha)
    return _result(np.where(x >= 0, x, alpha * _expm1_nonpositive(x)))


def elu_derivative(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    r""":math:`g'(x) = 1` if :math:`x \ge 0`, else :math:`\alpha e^x = g(x) + \alpha`.

    Seed 004 section 3.2 item 3. Continuous at 0 only for :math:`\alpha = 1`.
    """
    x, alpha = check_array("x", x), _check_alpha(alpha)
    return _result(np.where(x >= 0, 1.0, alpha * np.exp(np.minimum(x, 0.0))))


def selu(x: np.ndarray) -> np.ndarray:
    r"""Scaled ELU, :math:`\lambda\,\mathrm{ELU}_\alpha(x)`.

    .. math:: g(x) = \begin{cases} \lambda x & x \ge 0 \\
                     \lambda \alpha (e^x - 1) & x < 0 \end{cases}

    Seed 004 section 3.2 item 3(d), which leaves :math:`\lambda` and :math:`\alpha`
    unspecified. The constants :data:`SELU_LAMBDA` :math:`\approx 1.0507` and
    :data:`SELU_ALPHA` :math:`\approx 1.6733` are those of Klambauer et al. 2017,
    "Self-Normalizing Neural Networks": the values that make a standard normal input give
    an output of mean 0 and variance 1 (as in ``torch.nn.SELU``).
    """
    x = check_array("x", x)
    return _result(SELU_LAMBDA * np.where(x >= 0, x, SELU_ALPHA * _expm1_nonpositive(x)))


def selu_derivative(x: np.ndarray) -> np.ndarray:
    r""":math:`g'(x) = \lambda` if :math:`x \ge 0`, else :math:`\lambda\alpha e^x`.

    Seed 004 section 3.2 item 3(d); not continuous at 0 (:math:`\lambda\alpha \ne \lambda`).
    """
    x = check_array("x", x)
    return _result(
        SELU_LAMBDA * np.where(x >= 0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0.0)))
    )


def softplus(x: np.ndarray) -> np.ndarray:
    r"""Softplus, :math:`g(x) = \log(1 + e^x)`, a smooth approximation of ReLU.

    Seed 004 section 3.2 item 1(d). Computed as :math:`\max(x, 0) + \log(1 + e^{-|x|})`,
    which is the same number and never overflows.
    """
    x = check_array("x", x)
    return _result(np.maximum(x, 0.0) + np.log1p(_exp_neg_abs(x)))


def softplus_derivative(x: np.ndarray) -> np.ndarray:
    r""":math:`g'(x) = \frac{e^x}{1 + e^x} = \sigma(x)`: the logistic sigmoid.

    Seed 004 section 3.2 item 1(d).
    """
    return sigmoid(x)


# --- the table and the layer ---------------------------------------------------------


class Activation(NamedTuple):
    """One entry of :data:`ACTIVATIONS`."""

    function: Callable[..., np.ndarray]
    derivative: Callable[..., np.ndarray]
    params: Mapping[str, float]
    """The keyword hyper-parameters the function takes, with their defaults."""
    source: str


ACTIVATIONS: Mapping[str, Activation] = MappingProxyType({
    "sigmoid": Activation(sigmoid, sigmoid_derivative, MappingProxyType({}),
                          "seed 004, 2.7 item 8; seed 000, logistic regression"),
    "tanh": Activation(tanh, tanh_derivative, MappingProxyType({}),
                       "seed 004, 2.7 item 8; seed 002, 'VANISHING GRADIENTS'"),
    "relu": Activation(relu, relu_derivative, MappingProxyType({}),
                       "seed 004, 3.2 item 1"),
    "leaky_relu": Activation(leaky_relu, leaky_relu_derivative,
                             MappingProxyType({"alpha": 0.01}), "seed 004, 3.2 item 2"),
    "elu": Activation(elu, elu_derivative, MappingProxyType({"alpha": 1.0}),
                      "seed 004, 3.2 item 3"),
    "selu": Activation(selu, selu_derivative, MappingProxyType({}),
                       "seed 004, 3.2 item 3(d); Klambauer et al. 2017"),
    "softplus": Activation(softplus, softplus_derivative, MappingProxyType({}),
                           "seed 004, 3.2 item 1(d)"),
})
"""Every activation by name: its function, derivative, hyper-parameters and source."""


def get_activation(kind: str) -> Activation:
    """The :data:`ACTIVATIONS` entry called ``kind``, or an error listing the known names."""
    try:
        return ACTIVATIONS[kind]
    except (KeyError, TypeError):
        known = ", ".join(repr(k) for k in ACTIVATIONS)
        raise CourseLibError(f"unknown activation {kind!r}: the known ones are {known}") from None


def _check_params(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    allowed = get_activation(kind).params
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        takes = (f"takes only {', '.join(repr(p) for p in allowed)}" if allowed
                 else "takes no parameters")
        raise CourseLibError(
            f"activation {kind!r} {takes}, got unexpected keyword(s) {unknown}"
        )
    return dict(params)


class ActivationCache(NamedTuple):
    """What :func:`activation_backward` needs: the input, the activation and its parameters."""

    x: np.ndarray
    kind: str
    params: Mapping[str, Any]


class ActivationGrads(NamedTuple):
    """Gradient of the loss with respect to the activation layer's input."""

    dx: np.ndarray


def activation_forward(
    x: np.ndarray, kind: str = "relu", **params: Any
) -> tuple[np.ndarray, ActivationCache]:
    r"""Apply the activation ``kind`` element-wise: :math:`z = g(x)`.

    Seed 004 section 2.5 item 1: :math:`z_i = g_i(x_i)`, where :math:`x` is a unit's
    summed input (the output of :func:`course_lib.layers.affine_forward`).

    Parameters
    ----------
    x
        Input of any shape.
    kind
        A key of :data:`ACTIVATIONS`.
    **params
        The activation's hyper-parameters, e.g. ``alpha=0.1`` for ``"leaky_relu"``.

    Examples
    --------
    >>> out, cache = activation_forward(np.array([-2.0, 3.0]), kind="leaky_relu", alpha=0.1)
    >>> out.tolist()
    [-0.2, 3.0]
    >>> activation_backward(np.ones(2), cache).dx.tolist()
    [0.1, 1.0]
    """
    activation = get_activation(kind)
    params = _check_params(kind, params)
    x = check_array("x", x)
    out = np.asarray(activation.function(x, **params), dtype=np.float64)
    return out, ActivationCache(x, kind, params)


def activation_backward(dout: np.ndarray, cache: ActivationCache) -> ActivationGrads:
    r"""Chain rule through an element-wise activation.

    .. math:: \frac{\partial L}{\partial x} = \delta \odot g'(x), \qquad \delta = \text{dout}

    This is the factor :math:`g'(x^{[k](q)})` in seed 004's back-propagation rules
    (section 2.7), and :math:`\nabla L(Z) = \nabla L(A) \circ f'(Z)` in seed 000.
    """
    x, kind, params = cache
    dout = check_array("dout", dout)
    if dout.shape != x.shape:
        raise CourseLibError(
            f"dout has shape {dout.shape} but the activation's input had shape {x.shape}"
        )
    derivative = np.asarray(get_activation(kind).derivative(x, **params), dtype=np.float64)
    return ActivationGrads(dx=dout * derivative)


# --- registration ----------------------------------------------------------------------

_KINKED = {"relu", "leaky_relu", "elu", "selu"}
# Non-default hyper-parameters, so the gradient check exercises the parameter path.
_CHECK_PARAMS = {"leaky_relu": {"alpha": 0.2}, "elu": {"alpha": 1.5}}


def _inputs_for(kind: str) -> Callable[[np.random.Generator], tuple[dict, dict]]:
    def inputs(rng: np.random.Generator) -> tuple[dict, dict]:
        if kind in _KINKED:
            # |x| in [0.1, 3]: central differences with a small h never straddle the kink.
            x = rng.choice([-1.0, 1.0], size=(4, 3)) * rng.uniform(0.1, 3.0, size=(4, 3))
        else:
            x = rng.normal(scale=2.0, size=(4, 3))
        return {"x": x}, {"kind": kind, **_CHECK_PARAMS.get(kind, {})}

    return inputs


for _kind, _activation in ACTIVATIONS.items():
    register(
        LayerSpec(
            name=f"activation[{_kind}]",
            forward=activation_forward,
            backward=activation_backward,
            inputs=_inputs_for(_kind),
            source=_activation.source,
        )
    )
del _kind, _activation
