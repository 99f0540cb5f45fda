"""Tests for course_lib.averages against seed 000's "price" example and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib import CourseLibError
from course_lib.averages import ewa, ewa_weights


def test_seed_000_unrolled_coefficients():
    # m_100 = 0.1 price_100 + 0.09 price_99 + 0.081 price_98 + 0.9³ m_97 (β = 0.9).
    w = ewa_weights(0.9, 100)
    assert w.shape == (100,)
    np.testing.assert_allclose(w[-3:], [0.081, 0.09, 0.1], rtol=1e-14)
    # The first 97 weights make up 0.9³ m_97, and m_97's own weights sum to 1 - 0.9^97.
    assert w[:97].sum() == pytest.approx(0.9**3 * (1 - 0.9**97), rel=1e-12)
    # Oldest weight: (1 - β) β^99.
    assert w[0] == pytest.approx(0.1 * 0.9**99, rel=1e-12)


def test_weights_sum_to_one_minus_beta_power():
    for beta, t in [(0.9, 10), (0.5, 3), (0.99, 500)]:
        assert ewa_weights(beta, t).sum() == pytest.approx(1 - beta**t, rel=1e-12)
    np.testing.assert_array_equal(ewa_weights(0.0, 3), [0.0, 0.0, 1.0])
    assert ewa_weights(0.9, 0).shape == (0,)


def test_three_prices_by_hand():
    p1, p2, p3 = 10.0, 20.0, 40.0
    # m1 = 0.1 p1; m2 = 0.9 m1 + 0.1 p2 = 0.09 p1 + 0.1 p2; m3 = 0.081 p1 + 0.09 p2 + 0.1 p3
    expected = [0.1 * p1, 0.09 * p1 + 0.1 * p2, 0.081 * p1 + 0.09 * p2 + 0.1 * p3]
    np.testing.assert_allclose(ewa([p1, p2, p3], 0.9), expected, rtol=1e-14)
    # Corrected: divide by 1 - 0.9 = 0.1, 1 - 0.81 = 0.19, 1 - 0.729 = 0.271.
    corrected = [expected[0] / 0.1, expected[1] / 0.19, expected[2] / 0.271]
    np.testing.assert_allclose(ewa([p1, p2, p3], 0.9, bias_correction=True), corrected, rtol=1e-14)
    assert ewa([p1, p2, p3], 0.9, bias_correction=True)[0] == pytest.approx(p1, rel=1e-15)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.999, 0.999999])
def test_constant_sequence(beta):
    c, n = 3.7, 200
    t = np.arange(1, n + 1)
    # m_t = c (1-β)(1 + β + ... + β^(t-1)) = c (1 - β^t): the bias towards m_0 = 0.
    # (1 - β**t is itself only accurate to about 1e-16 in absolute terms, hence atol.)
    np.testing.assert_allclose(
        ewa(np.full(n, c), beta), c * (1 - beta**t), rtol=1e-12, atol=1e-15 * c
    )
    # Dividing by 1 - β^t removes it exactly (up to rounding).
    np.testing.assert_allclose(ewa(np.full(n, c), beta, bias_correction=True), c, rtol=1e-12)


def test_beta_zero_returns_the_values():
    x = np.random.default_rng(0).normal(size=20)
    np.testing.assert_array_equal(ewa(x, 0.0), x)


def test_ewa_is_dot_product_with_weights():
    rng = np.random.default_rng(1)
    x = rng.normal(size=50)
    for beta in (0.3, 0.9):
        m = ewa(x, beta)
        for t in (1, 2, 17, 50):
            assert m[t - 1] == pytest.approx(x[:t] @ ewa_weights(beta, t), rel=1e-12, abs=1e-14)


def test_multidimensional_input_averages_along_axis_0():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(30, 2, 3))
    m = ewa(x, 0.8, bias_correction=True)
    assert m.shape == (30, 2, 3)
    w = ewa_weights(0.8, 30) / (1 - 0.8**30)
    np.testing.assert_allclose(m[-1], np.tensordot(w, x, axes=1), rtol=1e-12)
    for i in range(2):
        for j in range(3):
            np.testing.assert_allclose(m[:, i, j], ewa(x[:, i, j], 0.8, bias_correction=True))


def test_input_not_modified_and_float64_output():
    x = [1, 2, 3]
    out = ewa(x, 0.5)
    assert out.dtype == np.float64
    assert x == [1, 2, 3]


@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=60),
    st.floats(0.0, 0.999999),
)
def test_corrected_average_stays_within_range(xs, beta):
    lo, hi = min(xs), max(xs)
    m = ewa(xs, beta, bias_correction=True)
    # A weighted mean of the values so far (weights summing to 1); the slack allows for
    # rounding only.
    slack = 1e-12 * max(abs(lo), abs(hi), 1e-300)
    assert (m >= lo - slack).all()
    assert (m <= hi + slack).all()


@given(st.floats(0.0, 0.999), st.integers(1, 300))
def test_weights_are_positive_and_increase_towards_the_newest(beta, t):
    w = ewa_weights(beta, t)
    assert (w >= 0).all()
    assert (np.diff(w) >= 0).all()
    assert w[-1] == pytest.approx(1 - beta)
    assert w.sum() == pytest.approx(1 - beta**t, rel=1e-9)
    assert math.isfinite(w.sum())


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ewa([1.0, 2.0], 1.0), r"beta must lie in \[0, 1\), got 1.0"),
        (lambda: ewa([1.0, 2.0], -0.1), r"beta must lie in \[0, 1\), got -0.1"),
        (lambda: ewa([], 0.9), r"values is empty \(shape \(0,\)\)"),
        (lambda: ewa(5.0, 0.9), "got the single number 5.0"),
        (lambda: ewa([1.0, math.nan, 3.0], 0.9), r"values\[1\] = nan"),
        (lambda: ewa([[1.0, 2.0], [3.0, math.inf]], 0.9), r"values\[1, 1\] = inf"),
        (lambda: ewa(["a", "b"], 0.9), "values must be numeric"),
        (lambda: ewa([1.0], 0.9, bias_correction="yes"), "bias_correction must be True or False"),
        (lambda: ewa_weights(0.9, -1), "t must be >= 0, got -1"),
        (lambda: ewa_weights(0.9, 2.5), "t must be an integer"),
        (lambda: ewa_weights(1.5, 3), r"beta must lie in \[0, 1\)"),
    ],
)
def test_bad_arguments(call, message):
    with pytest.raises(CourseLibError, match=message):
        call()
