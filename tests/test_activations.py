"""Tests for course_lib.activations: hand values, closed forms, derivatives, stability, errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib.activations import (
    ACTIVATIONS,
    SELU_ALPHA,
    SELU_LAMBDA,
    activation_backward,
    activation_forward,
    elu,
    elu_derivative,
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    selu,
    selu_derivative,
    sigmoid,
    sigmoid_derivative,
    softplus,
    softplus_derivative,
    tanh,
    tanh_derivative,
)
from course_lib.gradcheck import numerical_gradient

# Points away from every kink (|x| >= 0.1) so central differences are meaningful.
AWAY_FROM_KINKS = np.array([-5.0, -2.5, -1.0, -0.3, -0.1, 0.1, 0.4, 1.0, 2.0, 4.5])

# (name, keyword params) for every activation, with non-default hyper-parameters too.
VARIANTS = [(name, {}) for name in ACTIVATIONS] + [
    ("leaky_relu", {"alpha": 0.2}),
    ("elu", {"alpha": 0.5}),
    ("elu", {"alpha": 2.0}),
]


def test_the_table_lists_the_seven_activations():
    assert set(ACTIVATIONS) == {"sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "softplus"}
    assert dict(ACTIVATIONS["leaky_relu"].params) == {"alpha": 0.01}  # seed 004 3.2 item 2
    assert dict(ACTIVATIONS["elu"].params) == {"alpha": 1.0}


# --- sigmoid and tanh -----------------------------------------------------------------


def test_sigmoid_hand_values():
    assert sigmoid(0.0) == 0.5  # 1 / (1 + e^0)
    assert sigmoid_derivative(0.0) == 0.25  # σ(0)(1 − σ(0)) = 1/2 · 1/2
    # σ(ln 3) = 1 / (1 + 1/3) = 3/4, σ'(ln 3) = 3/4 · 1/4 = 3/16
    assert sigmoid(math.log(3.0)) == pytest.approx(0.75, rel=1e-15)
    assert sigmoid_derivative(math.log(3.0)) == pytest.approx(3 / 16, rel=1e-15)
    # σ(−x) = 1 − σ(x)
    assert sigmoid(-math.log(3.0)) == pytest.approx(0.25, rel=1e-15)


def test_sigmoid_of_a_scalar_is_a_scalar_and_of_an_array_an_array():
    assert np.ndim(sigmoid(1.0)) == 0
    out = sigmoid([[0.0, 0.0]])
    assert isinstance(out, np.ndarray)
    assert out.shape == (1, 2)


def test_seed_002_tanh_derivative_at_4():
    # Seed 002 "VANISHING GRADIENTS": f'(x) = 1 − tanh²(x), f'(4) = 0.0013.
    # tanh(4) = (e^4 − e^−4)/(e^4 + e^−4) = 0.999329299739067..., so
    # 1 − tanh²(4) = 4/(e^4 + e^−4)² = 0.0013409506830258...: the slide's 0.0013 is this
    # number correctly rounded to 4 decimals (2 significant figures).
    expected = 4.0 / (math.exp(4.0) + math.exp(-4.0)) ** 2
    assert expected == pytest.approx(1.0 - math.tanh(4.0) ** 2, rel=1e-12)
    assert tanh_derivative(4.0) == pytest.approx(expected, rel=1e-14)
    assert tanh_derivative(4.0) == pytest.approx(0.001340950683, rel=1e-9)
    assert round(float(tanh_derivative(4.0)), 4) == 0.0013


def test_tanh_is_twice_sigmoid_of_2x_minus_1():
    # Seed 004 section 2.7 item 8 remark i: tanh(x) = 2σ(2x) − 1 = 2/(1 + e^{−2x}) − 1.
    x = np.linspace(-6.0, 6.0, 25)
    np.testing.assert_allclose(tanh(x), 2.0 / (1.0 + np.exp(-2.0 * x)) - 1.0, atol=1e-15)
    np.testing.assert_allclose(tanh(x), 2.0 * sigmoid(2.0 * x) - 1.0, atol=1e-15)
    assert tanh(0.0) == 0.0
    assert tanh_derivative(0.0) == 1.0  # 1 − tanh²(0)


def test_saturating_derivatives_vanish_for_large_inputs():
    # Seed 004 section 2.7 item 9: σ' and tanh' are close to 0 when |x| is large.
    for x in (-20.0, 20.0):
        assert 0.0 < sigmoid_derivative(x) < 1e-8  # ≈ e^{−20} = 2.06e-9
        assert 0.0 < tanh_derivative(x) < 1e-16  # ≈ 4 e^{−40} = 1.7e-17


def test_tails_keep_their_relative_precision():
    # σ(−40) = e^{−40}/(1 + e^{−40}) and σ'(−40) = e^{−40}/(1 + e^{−40})²: 1 − σ(40) would
    # round to 0, the stable forms keep every digit.
    t = math.exp(-40.0)
    assert sigmoid(-40.0) == pytest.approx(t / (1.0 + t), rel=1e-14)
    assert sigmoid_derivative(40.0) == pytest.approx(t / (1.0 + t) ** 2, rel=1e-14)
    # sech²(25) = 4 e^{−50}/(1 + e^{−50})², while 1 − tanh²(25) is exactly 0 in float64.
    assert 1.0 - math.tanh(25.0) ** 2 == 0.0
    assert tanh_derivative(25.0) == pytest.approx(4.0 * math.exp(-50.0), rel=1e-14)


# --- ReLU, leaky ReLU, ELU, SELU, softplus ------------------------------------------


def test_relu_hand_values():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    np.testing.assert_array_equal(relu(x), [0.0, 0.0, 0.0, 0.5, 3.0])
    # Seed 004 3.2 item 1(a): g'(x) = 1 if x >= 0, so 1 at the kink itself.
    np.testing.assert_array_equal(relu_derivative(x), [0.0, 0.0, 1.0, 1.0, 1.0])


def test_leaky_relu_hand_values():
    x = np.array([-2.0, -0.5, 0.0, 3.0])
    np.testing.assert_allclose(leaky_relu(x), [-0.02, -0.005, 0.0, 3.0], rtol=1e-15)
    np.testing.assert_array_equal(leaky_relu_derivative(x), [0.01, 0.01, 1.0, 1.0])
    np.testing.assert_allclose(leaky_relu(x, alpha=0.2), [-0.4, -0.1, 0.0, 3.0], rtol=1e-15)
    np.testing.assert_array_equal(leaky_relu_derivative(x, alpha=0.2), [0.2, 0.2, 1.0, 1.0])


def test_elu_hand_values():
    # g(−1) = e^{−1} − 1 = −0.6321205588285577, g'(−1) = e^{−1} = g(−1) + α (seed 004 3.2 item 3)
    assert elu(-1.0) == pytest.approx(-0.6321205588285577, rel=1e-15)
    assert elu_derivative(-1.0) == pytest.approx(0.36787944117144233, rel=1e-15)
    assert elu_derivative(-1.0) == pytest.approx(elu(-1.0) + 1.0, rel=1e-15)
    assert elu(2.0) == 2.0
    assert elu_derivative(2.0) == 1.0
    # α = 2: g(−ln 2) = 2(1/2 − 1) = −1, g'(−ln 2) = 2 · 1/2 = 1
    assert elu(-math.log(2.0), alpha=2.0) == pytest.approx(-1.0, rel=1e-15)
    assert elu_derivative(-math.log(2.0), alpha=2.0) == pytest.approx(1.0, rel=1e-15)
    assert elu(0.0) == 0.0
    assert elu_derivative(0.0) == 1.0


def test_selu_constants_match_their_closed_forms():
    # Klambauer et al. 2017, eq. 14 (the fixed point mean 0, variance 1):
    #   α = −√(2/π) / (erfc(1/√2) e^{1/2} − 1)
    #   λ = (1 − erfc(1/√2)√e) √(2π)
    #       · (2 erfc(√2) e² + π erfc(1/√2)² e − 2(2 + π) erfc(1/√2) √e + π + 2)^{−1/2}
    e, c = math.e, math.erfc(1.0 / math.sqrt(2.0))
    alpha = -math.sqrt(2.0 / math.pi) / (c * math.exp(0.5) - 1.0)
    lam = (1.0 - c * math.sqrt(e)) * math.sqrt(2.0 * math.pi) * (
        2.0 * math.erfc(math.sqrt(2.0)) * e**2 + math.pi * c**2 * e
        - 2.0 * (2.0 + math.pi) * c * math.sqrt(e) + math.pi + 2.0
    ) ** -0.5
    assert pytest.approx(alpha, rel=1e-14) == SELU_ALPHA
    assert pytest.approx(lam, rel=1e-14) == SELU_LAMBDA
    assert round(SELU_ALPHA, 5) == 1.67326
    assert round(SELU_LAMBDA, 4) == 1.0507


def test_selu_maps_a_standard_normal_to_mean_0_variance_1():
    # The defining property of the constants: for x ~ N(0, 1), E[g(x)] = 0, E[g(x)²] = 1.
    integrate = pytest.importorskip("scipy.integrate")

    def moment(k):
        def f(x):
            return float(selu(x)) ** k * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
        return sum(integrate.quad(f, a, b, epsabs=1e-13)[0] for a, b in ((-40, 0), (0, 40)))

    assert abs(moment(1)) < 1e-10
    assert moment(2) == pytest.approx(1.0, abs=1e-10)


def test_selu_hand_values():
    assert selu(2.0) == pytest.approx(2.0 * SELU_LAMBDA, rel=1e-15)
    assert selu_derivative(2.0) == SELU_LAMBDA
    # g(−ln 2) = λα(1/2 − 1), g'(−ln 2) = λα/2
    assert selu(-math.log(2.0)) == pytest.approx(-SELU_LAMBDA * SELU_ALPHA / 2, rel=1e-15)
    assert selu_derivative(-math.log(2.0)) == pytest.approx(SELU_LAMBDA * SELU_ALPHA / 2, rel=1e-15)
    # saturates at −λα ≈ −1.7581 (seed 004: SELU = λ ELU)
    assert selu(-50.0) == pytest.approx(-SELU_LAMBDA * SELU_ALPHA, rel=1e-15)


def test_softplus_hand_values():
    assert softplus(0.0) == pytest.approx(math.log(2.0), rel=1e-15)  # log(1 + e^0)
    assert softplus(math.log(3.0)) == pytest.approx(math.log(4.0), rel=1e-15)
    # softplus(x) − softplus(−x) = log((1 + e^x)/(1 + e^{−x})) = x
    x = np.linspace(-8.0, 8.0, 17)
    np.testing.assert_allclose(softplus(x) - softplus(-x), x, atol=1e-14)


def test_softplus_derivative_is_the_logistic_function():
    # Seed 004 3.2 item 1(d): g'(x) = e^x/(1 + e^x) = 1/(1 + e^{−x}).
    x = np.linspace(-8.0, 8.0, 17)
    np.testing.assert_allclose(softplus_derivative(x), np.exp(x) / (1.0 + np.exp(x)), rtol=1e-14)
    np.testing.assert_allclose(softplus_derivative(x), sigmoid(x), rtol=0)


# --- every derivative against central differences ----------------------------------


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=lambda v: str(v))
def test_derivative_matches_central_differences(name, params):
    # One point at a time, so the rounding error of each difference scales with g(x) alone.
    activation = ACTIVATIONS[name]
    numeric = [
        numerical_gradient(lambda v: float(activation.function(v, **params)[0]), np.array([x]),
                           h=1e-5)[0]
        for x in AWAY_FROM_KINKS
    ]
    analytic = activation.derivative(AWAY_FROM_KINKS, **params)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize(("name", "params"), VARIANTS, ids=lambda v: str(v))
def test_layer_backward_is_dout_times_derivative(name, params):
    rng = np.random.default_rng(3)
    x = rng.choice([-1.0, 1.0], size=(3, 4)) * rng.uniform(0.1, 3.0, size=(3, 4))
    x_before = x.copy()
    out, cache = activation_forward(x, kind=name, **params)
    np.testing.assert_array_equal(out, ACTIVATIONS[name].function(x, **params))
    dout = rng.normal(size=(3, 4))
    (dx,) = activation_backward(dout, cache)
    numeric = numerical_gradient(
        lambda v: float(np.sum(activation_forward(v, kind=name, **params)[0] * dout)), x
    )
    np.testing.assert_allclose(dx, numeric, rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(x, x_before)  # inputs are never mutated


# --- numerical stability ---------------------------------------------------------------


def test_no_overflow_for_inputs_up_to_1e3():
    x = np.array([-1000.0, -710.0, -50.0, 0.0, 50.0, 710.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow / invalid RuntimeWarning fails
        values = {name: (a.function(x), a.derivative(x)) for name, a in ACTIVATIONS.items()}
    for name, (g, dg) in values.items():
        assert np.isfinite(g).all(), name
        assert np.isfinite(dg).all(), name
    g, dg = values["sigmoid"]
    assert g[0] == 0.0 and g[-1] == 1.0 and g[3] == 0.5  # e^{−1000} underflows to 0
    assert dg[0] == 0.0 and dg[-1] == 0.0
    g, dg = values["softplus"]
    assert g[-1] == 1000.0 and g[0] == 0.0  # log(1 + e^1000) = 1000 + log(1 + e^{−1000})
    assert g[-2] == 710.0  # e^710 alone would overflow float64
    assert dg[-1] == 1.0 and dg[0] == 0.0
    g, dg = values["tanh"]
    assert g[0] == -1.0 and g[-1] == 1.0 and dg[0] == 0.0
    g, _ = values["elu"]
    assert g[0] == -1.0 and g[-1] == 1000.0  # α(e^{−1000} − 1) = −α
    g, _ = values["selu"]
    assert g[0] == pytest.approx(-SELU_LAMBDA * SELU_ALPHA, rel=1e-15)


# --- against PyTorch -------------------------------------------------------------------


def test_values_and_derivatives_match_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = np.random.default_rng(0).normal(scale=3.0, size=40)
    x = x[np.abs(x) > 0.1]  # torch's ReLU derivative at 0 is 0, seed 004's is 1
    torch_fns = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": F.relu,
        "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
        "elu": lambda t: F.elu(t, 1.0),
        "selu": F.selu,
        "softplus": F.softplus,
    }
    for name, fn in torch_fns.items():
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        y = fn(t)
        y.sum().backward()
        np.testing.assert_allclose(ACTIVATIONS[name].function(x), y.detach().numpy(),
                                   rtol=1e-13, atol=1e-15, err_msg=name)
        np.testing.assert_allclose(ACTIVATIONS[name].derivative(x), t.grad.numpy(),
                                   rtol=1e-13, atol=1e-15, err_msg=name)


# --- bad arguments ---------------------------------------------------------------------


def test_unknown_activation_lists_the_known_ones():
    with pytest.raises(CourseLibError, match=r"unknown activation 'swish': the known ones are 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'selu', 'softplus'"):
        activation_forward(np.zeros(3), kind="swish")


def test_unexpected_hyperparameter():
    with pytest.raises(CourseLibError, match=r"activation 'relu' takes no parameters, got unexpected keyword\(s\) \['alpha'\]"):
        activation_forward(np.zeros(3), kind="relu", alpha=0.1)
    with pytest.raises(CourseLibError, match=r"activation 'elu' takes only 'alpha', got unexpected keyword\(s\) \['beta'\]"):
        activation_forward(np.zeros(3), kind="elu", beta=0.1)


def test_bad_alpha():
    with pytest.raises(CourseLibError, match=r"alpha must be > 0, got -0.1"):
        leaky_relu(np.zeros(2), alpha=-0.1)
    with pytest.raises(CourseLibError, match=r"alpha must be a real number, got 'big'"):
        activation_forward(np.zeros(2), kind="elu", alpha="big")


def test_non_finite_or_non_numeric_input():
    with pytest.raises(CourseLibError, match=r"x contains NaN or inf"):
        sigmoid(np.array([0.0, np.nan]))
    with pytest.raises(CourseLibError, match=r"x must be a numeric array"):
        relu("abc")


def test_backward_with_wrong_dout_shape():
    _, cache = activation_forward(np.ones((2, 3)), kind="tanh")
    with pytest.raises(CourseLibError, match=r"dout has shape \(3, 2\) but the activation's input had shape \(2, 3\)"):
        activation_backward(np.ones((3, 2)), cache)
