"""Tests for course_lib.init (statistics, bounds, shapes, errors) and for the affine layer
whose weights the initialisers produce (course_lib.layers)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib.gradcheck import numerical_gradient
from course_lib.init import he_normal, he_uniform, normal, xavier_normal, xavier_uniform, zeros
from course_lib.layers import affine_backward, affine_forward

FAN_IN, FAN_OUT = 400, 600  # 240,000 draws: standard errors of about 0.2 %
N = FAN_IN * FAN_OUT


def assert_moments(w: np.ndarray, variance: float, *, uniform: bool) -> None:
    """Sample mean and variance within 4 standard errors of 0 and ``variance``.

    SE(mean) = σ/√n; SE(sample variance) = √((μ4 − σ⁴)/n), with μ4 = 3σ⁴ for a normal and
    μ4 = a⁴/5 = 9σ⁴/5 for U(−a, a) (σ² = a²/3).
    """
    n = w.size
    mu4 = (9 / 5 if uniform else 3.0) * variance**2
    assert abs(w.mean()) < 4 * math.sqrt(variance / n)
    assert abs(w.var() - variance) < 4 * math.sqrt((mu4 - variance**2) / n)


# --- the formulas, written out here ------------------------------------------------------


@pytest.mark.parametrize(
    ("draw", "variance", "uniform"),
    [
        # seed 004 3.4 item 2(c): Xavier N(0, 2/(n_in + n_out)), U(±√(6/(n_in + n_out))) with
        # variance 6/(n_in + n_out)/3 = 2/(n_in + n_out)
        (lambda rng: xavier_normal(rng, FAN_IN, FAN_OUT), 2 / 1000, False),
        (lambda rng: xavier_uniform(rng, FAN_IN, FAN_OUT), 2 / 1000, True),
        # He et al. 2015 / torch kaiming_*: N(0, 2/n_in), U(±√(6/n_in))
        (lambda rng: he_normal(rng, FAN_IN, FAN_OUT), 2 / 400, False),
        (lambda rng: he_uniform(rng, FAN_IN, FAN_OUT), 2 / 400, True),
        (lambda rng: he_normal(rng, FAN_IN, FAN_OUT, mode="fan_out"), 2 / 600, False),
        (lambda rng: he_uniform(rng, FAN_IN, FAN_OUT, mode="fan_out"), 2 / 600, True),
        # seed 004 3.4 item 3(b): N(0, 4/(n_in + n_out)), U(±√(12/(n_in + n_out)))
        (lambda rng: he_normal(rng, FAN_IN, FAN_OUT, mode="fan_avg"), 4 / 1000, False),
        (lambda rng: he_uniform(rng, FAN_IN, FAN_OUT, mode="fan_avg"), 4 / 1000, True),
        (lambda rng: normal(rng, (FAN_IN, FAN_OUT), std=0.3), 0.09, False),
    ],
)
def test_sample_moments_match_the_formula(draw, variance, uniform):
    w = draw(np.random.default_rng(2024))
    assert w.shape == (FAN_IN, FAN_OUT)
    assert w.dtype == np.float64
    assert_moments(w, variance, uniform=uniform)


@pytest.mark.parametrize(
    ("draw", "bound"),
    [
        (lambda rng: xavier_uniform(rng, FAN_IN, FAN_OUT), math.sqrt(6 / 1000)),
        (lambda rng: he_uniform(rng, FAN_IN, FAN_OUT), math.sqrt(6 / 400)),
        (lambda rng: he_uniform(rng, FAN_IN, FAN_OUT, mode="fan_out"), math.sqrt(6 / 600)),
        (lambda rng: he_uniform(rng, FAN_IN, FAN_OUT, mode="fan_avg"), math.sqrt(12 / 1000)),
    ],
)
def test_uniform_bounds(draw, bound):
    w = draw(np.random.default_rng(7))
    assert np.abs(w).max() <= bound
    # With 240,000 draws the extremes come within 0.1 % of each bound
    # (P(all draws below 0.999·a) = 0.9995^240000 ≈ e^{−120}).
    assert w.max() > 0.999 * bound
    assert w.min() < -0.999 * bound


def test_seed_fan_avg_he_equals_standard_he_for_a_square_layer():
    # 4/(n + n) = 2/n: the two He variants coincide when n_in = n_out, so the same
    # generator state gives the same draw.
    a = he_normal(np.random.default_rng(1), 50, 50, mode="fan_avg")
    b = he_normal(np.random.default_rng(1), 50, 50, mode="fan_in")
    np.testing.assert_allclose(a, b, rtol=1e-15)


def test_he_without_fan_out_gives_one_units_weights():
    w = he_normal(np.random.default_rng(0), 20_000)
    assert w.shape == (20_000,)
    assert_moments(w, 2 / 20_000, uniform=False)
    u = he_uniform(np.random.default_rng(0), 30)
    assert u.shape == (30,)
    assert np.abs(u).max() <= math.sqrt(6 / 30)


def test_seeded_draws_are_reproducible_and_explicit():
    a = xavier_normal(np.random.default_rng(5), 3, 4)
    b = xavier_normal(np.random.default_rng(5), 3, 4)
    c = xavier_normal(np.random.default_rng(6), 3, 4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_zeros_and_normal_shapes():
    np.testing.assert_array_equal(zeros(3), [0.0, 0.0, 0.0])
    assert zeros((2, 5)).shape == (2, 5)
    assert zeros((2, 5)).dtype == np.float64
    assert normal(np.random.default_rng(0), 4, std=1.0).shape == (4,)
    np.testing.assert_array_equal(normal(np.random.default_rng(0), (2, 2), std=0.0), zeros((2, 2)))


def test_init_shapes_fit_the_affine_layer():
    rng = np.random.default_rng(0)
    W, b = he_normal(rng, 3, 5), zeros(5)
    out, _ = affine_forward(rng.normal(size=(7, 3)), W, b)
    assert out.shape == (7, 5)


# --- bad arguments -------------------------------------------------------------------------


def test_bad_fans():
    rng = np.random.default_rng(0)
    with pytest.raises(CourseLibError, match=r"fan_in must be >= 1, got -3"):
        xavier_normal(rng, -3, 4)
    with pytest.raises(CourseLibError, match=r"fan_out must be >= 1, got 0"):
        xavier_uniform(rng, 3, 0)
    with pytest.raises(CourseLibError, match=r"fan_in must be >= 1, got -1"):
        he_normal(rng, -1, 4)
    with pytest.raises(CourseLibError, match=r"fan_in must be an integer, got 2.5"):
        he_uniform(rng, 2.5, 4)


def test_bad_mode_and_missing_fan_out():
    rng = np.random.default_rng(0)
    with pytest.raises(CourseLibError, match=r"mode must be one of 'fan_in', 'fan_out', 'fan_avg', got 'avg'"):
        he_normal(rng, 3, 4, mode="avg")
    with pytest.raises(CourseLibError, match=r"mode='fan_avg' needs fan_out"):
        he_uniform(rng, 3, mode="fan_avg")


def test_rng_must_be_a_generator():
    with pytest.raises(CourseLibError, match=r"rng must be a numpy.random.Generator, e.g. np.random.default_rng\(0\), got 0 \(int\)"):
        xavier_normal(0, 3, 4)
    with pytest.raises(CourseLibError, match=r"rng must be a numpy.random.Generator.*got RandomState"):
        he_normal(np.random.RandomState(0), 3, 4)


def test_bad_shape_and_std():
    with pytest.raises(CourseLibError, match=r"shape\[1\] must be >= 0, got -2"):
        zeros((3, -2))
    with pytest.raises(CourseLibError, match=r"shape must be an int or a tuple of ints, got '3'"):
        zeros("3")
    with pytest.raises(CourseLibError, match=r"std must be >= 0, got -1.0"):
        normal(np.random.default_rng(0), 3, std=-1.0)


# --- the affine layer (course_lib.layers) --------------------------------------------------


def test_affine_hand_values():
    # out = x W + b: [1, 2]·[[1, 0, 2], [3, 1, 0]] + [0.5, 0, −1] = [7.5, 2, 1],
    #                [0, −1]·(same) + b = [−2.5, −1, −1]
    x = np.array([[1.0, 2.0], [0.0, -1.0]])
    W = np.array([[1.0, 0.0, 2.0], [3.0, 1.0, 0.0]])
    b = np.array([0.5, 0.0, -1.0])
    out, cache = affine_forward(x, W, b)
    np.testing.assert_array_equal(out, [[7.5, 2.0, 1.0], [-2.5, -1.0, -1.0]])
    # dout = ones: dx = 1·Wᵀ row sums = [3, 4] per row; dW = xᵀ·1 = column sums of x
    # repeated over the 3 outputs = [[1]*3, [1]*3]; db = N = 2 per output.
    grads = affine_backward(np.ones((2, 3)), cache)
    np.testing.assert_array_equal(grads.dx, [[3.0, 4.0], [3.0, 4.0]])
    np.testing.assert_array_equal(grads.dW, [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
    np.testing.assert_array_equal(grads.db, [2.0, 2.0, 2.0])
    assert grads._fields == ("dx", "dW", "db")


def test_affine_backward_matches_central_differences():
    rng = np.random.default_rng(11)
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    dout = rng.normal(size=(4, 2))
    _, cache = affine_forward(x, W, b)
    grads = affine_backward(dout, cache)

    def loss(**changed):
        args = {"x": x, "W": W, "b": b, **changed}
        return float(np.sum(affine_forward(**args)[0] * dout))

    np.testing.assert_allclose(grads.dx, numerical_gradient(lambda v: loss(x=v), x), rtol=1e-8)
    np.testing.assert_allclose(grads.dW, numerical_gradient(lambda v: loss(W=v), W), rtol=1e-8)
    np.testing.assert_allclose(grads.db, numerical_gradient(lambda v: loss(b=v), b), rtol=1e-8)


def test_affine_matches_torch_linear():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    x, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    # nn.functional.linear computes x Aᵀ + b with A of shape (M, D): A = our Wᵀ
    ref = torch.nn.functional.linear(torch.tensor(x), torch.tensor(W.T), torch.tensor(b))
    np.testing.assert_allclose(affine_forward(x, W, b)[0], ref.numpy(), rtol=1e-14)


def test_affine_shape_errors_name_both_shapes():
    x, W, b = np.zeros((4, 3)), np.zeros((5, 2)), np.zeros(2)
    with pytest.raises(CourseLibError, match=r"x has shape \(4, 3\) and W has shape \(5, 2\): W must have shape \(D, M\) with D = x.shape\[1\] = 3"):
        affine_forward(x, W, b)
    with pytest.raises(CourseLibError, match=r"b has shape \(3,\) and W has shape \(3, 2\): b must have shape \(M,\) = \(2,\)"):
        affine_forward(x, np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(CourseLibError, match=r"x must be a 2-D array of shape \(N, D\).*use x.reshape\(1, -1\)"):
        affine_forward(np.zeros(3), np.zeros((3, 2)), b)
    with pytest.raises(CourseLibError, match=r"W must be a 2-D array of shape \(D, M\), got shape \(3,\)"):
        affine_forward(x, np.zeros(3), b)
    _, cache = affine_forward(x, np.zeros((3, 2)), b)
    with pytest.raises(CourseLibError, match=r"dout has shape \(4, 3\) but the layer's output had shape \(4, 2\)"):
        affine_backward(np.zeros((4, 3)), cache)
