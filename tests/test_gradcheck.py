"""The gradient checker itself: exact on known functions, and it catches a wrong backward."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib.gradcheck import check_layer, numerical_gradient, relative_error
from course_lib.layer_registry import LayerSpec


def test_numerical_gradient_of_a_cubic():
    # f(x) = Σ x³ has gradient 3x²; central differences are exact up to h² f'''/6 = h²
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda v: float(np.sum(v**3)), x, h=1e-5)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)
    assert grad.shape == x.shape


def test_numerical_gradient_leaves_its_input_alone():
    x = np.array([1.0, 2.0])
    numerical_gradient(lambda v: float(v @ v), x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_relative_error():
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    # ‖(3,4) − (0,0)‖ / (5 + 0) = 1
    assert relative_error(np.array([3.0, 4.0]), np.zeros(2)) == pytest.approx(1.0)
    # ‖(1,0)−(1.1,0)‖ / (1 + 1.1) = 0.1 / 2.1
    assert relative_error(np.array([1.0, 0.0]), np.array([1.1, 0.0])) == pytest.approx(0.1 / 2.1)
    with pytest.raises(CourseLibError, match=r"gradient shapes differ: analytic \(2,\), numeric \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


class SquareCache(NamedTuple):
    x: np.ndarray


class SquareGrads(NamedTuple):
    dx: np.ndarray


def square_forward(x):
    return x**2, SquareCache(x)


def make_spec(backward):
    return LayerSpec(
        name="test[square]",
        forward=square_forward,
        backward=backward,
        inputs=lambda rng: ({"x": rng.normal(size=(3, 4))}, {}),
        source="test",
    )


def test_check_layer_passes_a_correct_backward():
    spec = make_spec(lambda dout, cache: SquareGrads(2 * cache.x * dout))
    errors = check_layer(spec, np.random.default_rng(0))
    assert errors.keys() == {"x"}
    assert errors["x"] < 1e-8


def test_check_layer_catches_a_wrong_backward():
    # forgetting the factor 2 of d(x²)/dx is a classic mistake: relative error 1/3
    spec = make_spec(lambda dout, cache: SquareGrads(cache.x * dout))
    errors = check_layer(spec, np.random.default_rng(0))
    assert errors["x"] == pytest.approx(1 / 3, rel=1e-6)
