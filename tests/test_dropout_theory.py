# ruff: noqa: E741  (the inputs are called I, as on seed 001's slides)
"""Tests for course_lib.dropout_theory: Baldi's expected dropout gradient on a linear unit.

The exact expectation enumerates every mask without using any formula for it, so its
agreement with the closed form is a real check of seed 001's derivation. Hand examples
are worked out in the comments.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib import dropout_theory as dt
from course_lib.gradcheck import numerical_gradient


def close(actual, expected, tol=1e-12):
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol)


def random_unit(seed, n, per_unit=True):
    rng = np.random.default_rng(seed)
    w, I, t = rng.normal(size=n), rng.normal(size=n) * 2, float(rng.normal())
    p = rng.uniform(0, 1, size=n) if per_unit else float(rng.uniform(0, 1))
    return w, I, t, p


# --- one mask, by hand -------------------------------------------------------------------


def test_dropout_error_and_gradient_for_one_mask_by_hand():
    w, I, t = np.array([1.0, -2.0, 0.5]), np.array([2.0, 1.0, 4.0]), 1.0
    mask = np.array([1.0, 0.0, 1.0])
    # output = 1·2 + 0.5·4 = 4 (unit 2 dropped); residual t - out = -3
    assert dt.dropout_error(w, I, t, mask) == 0.5 * 9.0
    # ∂E_D/∂w_i = -(t - out) δ_i I_i = 3 · [2, 0, 4]
    close(dt.dropout_gradient(w, I, t, mask), [6.0, 0.0, 12.0])


def test_dropout_gradient_matches_the_slides_expanded_form():
    # -tδ_iI_i + w_iδ_i²I_i² + Σ_{j≠i} w_jδ_iδ_jI_iI_j, written out term by term
    w, I, t, _ = random_unit(3, 4)
    mask = np.array([1.0, 1.0, 0.0, 1.0])
    expected = np.array([
        -t * mask[i] * I[i] + w[i] * mask[i] ** 2 * I[i] ** 2
        + sum(w[j] * mask[i] * mask[j] * I[i] * I[j] for j in range(4) if j != i)
        for i in range(4)
    ])
    close(dt.dropout_gradient(w, I, t, mask), expected)


def test_dropout_gradient_against_finite_differences():
    w, I, t, _ = random_unit(4, 5)
    mask = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    numeric = numerical_gradient(lambda v: dt.dropout_error(v, I, t, mask), w)
    close(dt.dropout_gradient(w, I, t, mask), numeric, tol=1e-7)


# --- the expectation ---------------------------------------------------------------------


def test_exact_expectation_by_hand_on_two_inputs():
    # w = [1, -2], I = [0.5, 1], t = 1, p = 1/2: four masks, each with probability 1/4
    #   00: out 0,    grad 0
    #   10: out 0.5,  residual 0.5, grad -0.5·[0.5, 0] = [-0.25, 0]
    #   01: out -2,   residual 3,   grad -3·[0, 1]   = [0, -3]
    #   11: out -1.5, residual 2.5, grad -2.5·[0.5, 1] = [-1.25, -2.5]
    # mean = [-1.5, -5.5]/4
    w, I = np.array([1.0, -2.0]), np.array([0.5, 1.0])
    close(dt.expected_dropout_gradient_exact(w, I, 1.0, p_keep=0.5), [-0.375, -1.375])


def test_ensemble_gradient_by_hand_on_two_inputs():
    # w = [1, 2], I = [3, -1], t = 2, p = [1/2, 1/4]
    # Σ p w I = 0.5·1·3 + 0.25·2·(-1) = 1, residual t - 1 = 1, grad = -1 · p I = [-1.5, 0.25]
    # slide's expanded form, i = 1: -2·0.5·3 + 1·0.25·9 + 2·0.5·0.25·3·(-1) = -3 + 2.25 - 0.75
    #                        i = 2: -2·0.25·(-1) + 2·0.0625·1 + 1·0.5·0.25·3·(-1) = 0.5 + 0.125 - 0.375
    w, I, p = np.array([1.0, 2.0]), np.array([3.0, -1.0]), np.array([0.5, 0.25])
    close(dt.ensemble_gradient(w, I, 2.0, p_keep=p), [-1.5, 0.25])
    # E_N = ½ (2 - 1)²
    assert dt.ensemble_error(w, I, 2.0, p_keep=p) == 0.5


@pytest.mark.parametrize("seed", range(6))
def test_exact_enumeration_equals_baldi_closed_form(seed):
    n = 1 + seed  # 1 .. 6 inputs
    w, I, t, p = random_unit(seed, n)
    close(dt.expected_dropout_gradient_exact(w, I, t, p_keep=p), dt.baldi_closed_form(w, I, t, p_keep=p))


@pytest.mark.parametrize("seed", range(3))
def test_exact_enumeration_equals_closed_form_with_a_common_p(seed):
    w, I, t, p = random_unit(100 + seed, 7, per_unit=False)
    close(dt.expected_dropout_gradient_exact(w, I, t, p_keep=p), dt.baldi_closed_form(w, I, t, p_keep=p))


def test_exact_enumeration_with_units_always_kept_or_dropped():
    # p_i ∈ {0, 1} mixes with fractional ones; the weight-decay term vanishes where p(1-p) = 0
    w, I, t, _ = random_unit(7, 5)
    p = np.array([0.0, 1.0, 0.3, 1.0, 0.0])
    close(dt.expected_dropout_gradient_exact(w, I, t, p_keep=p), dt.baldi_closed_form(w, I, t, p_keep=p))


def test_p_drop_is_one_minus_p_keep():
    w, I, t, p = random_unit(8, 4)
    close(
        dt.expected_dropout_gradient_exact(w, I, t, p_drop=1.0 - p),
        dt.expected_dropout_gradient_exact(w, I, t, p_keep=p),
    )
    close(dt.baldi_closed_form(w, I, t, p_drop=0.25), dt.baldi_closed_form(w, I, t, p_keep=0.75))


def test_no_dropout_gives_the_plain_gradient():
    # p = 1: every mask but all-ones has probability 0, so E[∇E_D] = ∇E_D(1) = ∇E_N
    w, I, t, _ = random_unit(9, 4)
    plain = dt.dropout_gradient(w, I, t, np.ones(4))
    close(dt.expected_dropout_gradient_exact(w, I, t, p_keep=1.0), plain)
    close(dt.baldi_closed_form(w, I, t, p_keep=1.0), plain)


def test_exact_enumeration_on_twenty_inputs_is_allowed():
    w, I, t, p = random_unit(10, 20)
    close(dt.expected_dropout_gradient_exact(w, I, t, p_keep=p), dt.baldi_closed_form(w, I, t, p_keep=p), tol=1e-10)


def test_monte_carlo_mean_is_within_four_standard_errors():
    w, I, t, p = random_unit(11, 5)
    exact = dt.expected_dropout_gradient_exact(w, I, t, p_keep=p)
    mc = dt.expected_dropout_gradient_mc(w, I, t, p_keep=p, n_samples=50_000, rng=np.random.default_rng(0))
    assert mc.n_samples == 50_000
    assert np.all(mc.stderr > 0)
    assert np.all(np.abs(mc.mean - exact) < 4 * mc.stderr)


def test_monte_carlo_standard_error_matches_a_plain_computation():
    # the blockwise (Chan) update must agree with numpy's std over all samples at once;
    # the masks are redrawn here from the same seed as rng.random(...) < p
    w, I, t, p = random_unit(12, 3)
    n = 70_000  # more than one block
    mc = dt.expected_dropout_gradient_mc(w, I, t, p_keep=p, n_samples=n, rng=np.random.default_rng(5))
    rng = np.random.default_rng(5)
    blocks = []
    left = n
    while left:
        size = min(left, 1 << 15)
        blocks.append(rng.random((size, 3)) < p)
        left -= size
    masks = np.concatenate(blocks).astype(float)
    grads = -(t - masks @ (w * I))[:, None] * masks * I
    close(mc.mean, grads.mean(axis=0), tol=1e-10)
    close(mc.stderr, grads.std(axis=0, ddof=1) / np.sqrt(n), tol=1e-10)


def test_monte_carlo_is_reproducible():
    w, I, t, p = random_unit(13, 3)
    a = dt.expected_dropout_gradient_mc(w, I, t, p_keep=p, n_samples=100, rng=np.random.default_rng(1))
    b = dt.expected_dropout_gradient_mc(w, I, t, p_keep=p, n_samples=100, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.mean, b.mean)


# --- the regularized objective, correct and as printed ------------------------------------


@pytest.mark.parametrize("seed", range(3))
def test_regularized_error_is_the_expected_dropout_error(seed):
    # E[E_D] = ½ (t - E[out])² + ½ Var(out), Var(out) = Σ p(1-p) w² I²: the ½ belongs on the penalty
    w, I, t, p = random_unit(20 + seed, 5)
    exact = dt.expected_dropout_error_exact(w, I, t, p_keep=p)
    assert exact == pytest.approx(dt.regularized_error(w, I, t, p_keep=p), rel=1e-12, abs=1e-12)
    penalty = np.sum(p * (1 - p) * w**2 * I**2)
    assert dt.regularized_error(w, I, t, p_keep=p) == pytest.approx(
        dt.ensemble_error(w, I, t, p_keep=p) + penalty / 2, rel=1e-12
    )
    assert dt.regularized_error_slide(w, I, t, p_keep=p) == pytest.approx(
        dt.ensemble_error(w, I, t, p_keep=p) + penalty, rel=1e-12
    )


@pytest.mark.parametrize("seed", range(3))
def test_regularized_gradient_is_the_gradient_of_e_r_and_the_expected_gradient(seed):
    w, I, t, p = random_unit(30 + seed, 4)
    grad = dt.regularized_gradient(w, I, t, p_keep=p)
    numeric = numerical_gradient(lambda v: dt.regularized_error(v, I, t, p_keep=p), w)
    close(grad, numeric, tol=1e-7)
    close(grad, dt.expected_dropout_gradient_exact(w, I, t, p_keep=p))
    close(grad, dt.baldi_closed_form(w, I, t, p_keep=p))


@pytest.mark.parametrize("seed", range(3))
def test_slide_literal_gradient_has_twice_the_boxed_term(seed):
    w, I, t, p = random_unit(40 + seed, 4)
    ensemble = dt.ensemble_gradient(w, I, t, p_keep=p)
    boxed = w * p * (1 - p) * I**2
    slide = dt.regularized_gradient_slide(w, I, t, p_keep=p)
    close(slide - ensemble, 2 * boxed)
    close(slide - ensemble, 2 * (dt.baldi_closed_form(w, I, t, p_keep=p) - ensemble))
    # and it really is the gradient of the slide's E_R, which is not the expected gradient
    numeric = numerical_gradient(lambda v: dt.regularized_error_slide(v, I, t, p_keep=p), w)
    close(slide, numeric, tol=1e-7)
    assert not np.allclose(slide, dt.expected_dropout_gradient_exact(w, I, t, p_keep=p))


def test_regularization_strength_peaks_at_one_half():
    # p(1-p): 1/4 at p = 1/2; p_drop = 0.75 means p = 0.25, 0.25·0.75 = 0.1875
    assert dt.regularization_strength(p_keep=0.5) == 0.25
    assert dt.regularization_strength(p_drop=0.75) == 0.1875
    grid = np.linspace(0, 1, 101)
    values = [dt.regularization_strength(p_keep=q) for q in grid]
    assert grid[int(np.argmax(values))] == 0.5


# --- bad arguments -----------------------------------------------------------------------


def test_exact_enumeration_refuses_more_than_twenty_inputs():
    w = np.ones(21)
    with pytest.raises(CourseLibError, match=r"n=21 inputs .* 2,097,152 masks.*n <= 20"):
        dt.expected_dropout_gradient_exact(w, w, 0.0, p_keep=0.5)
    with pytest.raises(CourseLibError, match="n <= 20"):
        dt.expected_dropout_error_exact(w, w, 0.0, p_keep=0.5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "exactly one of p_keep= .* got neither"),
        ({"p_keep": 0.5, "p_drop": 0.5}, "got both"),
        ({"p_keep": 1.5}, r"p_keep must lie in \[0, 1\], got 1.5"),
        ({"p_drop": -0.1}, r"p_drop must lie in \[0, 1\], got -0.1"),
        ({"p_keep": [0.5, 0.5]}, r"p_keep must be a number or an array of 3 values .* shape \(2,\)"),
    ],
)
def test_bad_probabilities(kwargs, match):
    with pytest.raises(CourseLibError, match=match):
        dt.baldi_closed_form(np.ones(3), np.ones(3), 1.0, **kwargs)


def test_bad_shapes_and_masks():
    with pytest.raises(CourseLibError, match=r"I must have one input per weight: w has shape \(3,\) but I has shape \(2,\)"):
        dt.ensemble_gradient(np.ones(3), np.ones(2), 1.0, p_keep=0.5)
    with pytest.raises(CourseLibError, match="w must be a 1-D array"):
        dt.ensemble_gradient(np.ones((2, 2)), np.ones(2), 1.0, p_keep=0.5)
    with pytest.raises(CourseLibError, match=r"only 0 .* and 1 .*got 0.5"):
        dt.dropout_gradient(np.ones(2), np.ones(2), 1.0, np.array([1.0, 0.5]))
    with pytest.raises(CourseLibError, match=r"mask must have one entry per input \(2\)"):
        dt.dropout_gradient(np.ones(2), np.ones(2), 1.0, np.ones(3))
    with pytest.raises(CourseLibError, match="t must be a real number"):
        dt.dropout_error(np.ones(2), np.ones(2), "one", np.ones(2))
    with pytest.raises(CourseLibError, match="n_samples must be >= 2"):
        dt.expected_dropout_gradient_mc(np.ones(2), np.ones(2), 1.0, p_keep=0.5, n_samples=1, rng=np.random.default_rng(0))
    with pytest.raises(CourseLibError, match=r"rng must be a numpy\.random\.Generator"):
        dt.expected_dropout_gradient_mc(np.ones(2), np.ones(2), 1.0, p_keep=0.5, n_samples=10, rng=0)
    with pytest.raises(CourseLibError, match="p_keep must be a real number"):
        dt.regularization_strength(p_keep=[0.5])


def test_inputs_are_not_modified():
    w, I, t, p = random_unit(50, 4)
    copies = w.copy(), I.copy(), p.copy()
    dt.expected_dropout_gradient_exact(w, I, t, p_keep=p)
    dt.expected_dropout_gradient_mc(w, I, t, p_keep=p, n_samples=10, rng=np.random.default_rng(0))
    dt.regularized_gradient_slide(w, I, t, p_keep=p)
    for a, b in zip((w, I, p), copies, strict=True):
        np.testing.assert_array_equal(a, b)
