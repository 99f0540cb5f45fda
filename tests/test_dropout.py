"""Dropout, Gaussian dropout and DropConnect: hand examples, expectations, properties, errors.

Expected values are worked out in the comments, or are statistical identities checked
within a few standard errors over many seeded masks (seed 001 "Regularization – Dropout",
seed 004 section 3.6).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import CourseLibError
from course_lib.dropout import (
    DropoutGrads,
    dropconnect_backward,
    dropconnect_forward,
    dropout_backward,
    dropout_forward,
    dropout_mask,
    gaussian_dropout_backward,
    gaussian_dropout_forward,
    gaussian_sigma,
    keep_probability,
)

X = np.array([[1.0, 2.0], [3.0, 4.0]])
MASK = np.array([[1.0, 0.0], [0.0, 1.0]])

# ----------------------------------------------------------------------------------------
# the probability's name


def test_keep_probability_from_either_name():
    assert keep_probability(p_drop=0.25) == 0.75  # seed 004's dropout rate p
    assert keep_probability(p_keep=0.8) == 0.8  # seed 001's p
    assert keep_probability(p_drop=0.0) == 1.0
    assert keep_probability(p_keep=1.0) == 1.0


def test_p_drop_and_p_keep_give_the_same_layer():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    mask = dropout_mask(rng, x.shape, p_keep=0.5)
    a, _ = dropout_forward(x, p_drop=0.5, train=True, mask=mask)
    b, _ = dropout_forward(x, p_keep=0.5, train=True, mask=mask)
    np.testing.assert_array_equal(a, b)
    m1 = dropout_mask(np.random.default_rng(1), 50, p_drop=0.25)
    m2 = dropout_mask(np.random.default_rng(1), 50, p_keep=0.75)
    np.testing.assert_array_equal(m1, m2)


# ----------------------------------------------------------------------------------------
# masks


def test_mask_shape_values_and_reproducibility():
    mask = dropout_mask(np.random.default_rng(3), (4, 5), p_keep=0.5)
    assert mask.shape == (4, 5) and mask.dtype == np.float64
    assert set(np.unique(mask)) <= {0.0, 1.0}
    np.testing.assert_array_equal(mask, dropout_mask(np.random.default_rng(3), (4, 5), p_keep=0.5))
    assert dropout_mask(np.random.default_rng(3), 7, p_keep=0.5).shape == (7,)


@pytest.mark.parametrize("p_keep", [0.1, 0.5, 0.8])
def test_mask_keep_rate(p_keep):
    # n Bernoulli(p) draws: the kept fraction has standard error √(p(1−p)/n)
    n = 200_000
    mask = dropout_mask(np.random.default_rng(4), n, p_keep=p_keep)
    se = np.sqrt(p_keep * (1 - p_keep) / n)
    assert abs(mask.mean() - p_keep) < 5 * se


def test_extreme_keep_probabilities():
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(dropout_mask(rng, 1000, p_keep=1.0), np.ones(1000))
    assert dropout_mask(rng, 1000, p_drop=0.0).all()


# ----------------------------------------------------------------------------------------
# the two schemes, by hand


def test_inverted_dropout_by_hand():
    # train: x ⊙ m / 0.5 = [[2, 0], [0, 8]];  dx = dout ⊙ m / 0.5 = [[2, 0], [0, 2]]
    out, cache = dropout_forward(X, p_keep=0.5, train=True, scheme="inverted", mask=MASK)
    np.testing.assert_array_equal(out, [[2.0, 0.0], [0.0, 8.0]])
    grads = dropout_backward(np.ones((2, 2)), cache)
    assert isinstance(grads, DropoutGrads)
    np.testing.assert_array_equal(grads.dx, [[2.0, 0.0], [0.0, 2.0]])
    # eval: x itself, gradient passes unchanged
    out, cache = dropout_forward(X, p_keep=0.5, train=False, scheme="inverted")
    np.testing.assert_array_equal(out, X)
    np.testing.assert_array_equal(dropout_backward(np.ones((2, 2)), cache).dx, np.ones((2, 2)))


def test_scale_at_test_dropout_by_hand():
    # train: x ⊙ m = [[1, 0], [0, 4]];  eval: 0.75·x = [[0.75, 1.5], [2.25, 3]]
    out, cache = dropout_forward(X, p_drop=0.25, train=True, scheme="scale_at_test", mask=MASK)
    np.testing.assert_array_equal(out, [[1.0, 0.0], [0.0, 4.0]])
    np.testing.assert_array_equal(dropout_backward(np.ones((2, 2)), cache).dx, MASK)
    out, cache = dropout_forward(X, p_drop=0.25, train=False, scheme="scale_at_test")
    np.testing.assert_array_equal(out, [[0.75, 1.5], [2.25, 3.0]])
    np.testing.assert_array_equal(dropout_backward(np.ones((2, 2)), cache).dx, np.full((2, 2), 0.75))


def test_boolean_masks_are_accepted():
    out, _ = dropout_forward(X, p_keep=0.5, train=True, mask=MASK.astype(bool))
    np.testing.assert_array_equal(out, [[2.0, 0.0], [0.0, 8.0]])


def test_seed_001_test_phase_factor():
    # Seed 001 keeps a unit with probability p (input layer p = 0.8) and says the test
    # phase should "reduce [activations] by a factor (1 − p)". The expected training
    # activation is p·x = 0.8 for x = 1, so the test-time factor must be p = 0.8 (that is,
    # reduce BY the fraction 1 − p), not multiply by 1 − p = 0.2.
    x = np.ones((20_000, 1))
    train, _ = dropout_forward(x, p_keep=0.8, train=True, scheme="scale_at_test",
                               rng=np.random.default_rng(6))
    test, _ = dropout_forward(np.ones((1, 1)), p_keep=0.8, train=False, scheme="scale_at_test")
    se = np.sqrt(0.8 * 0.2 / x.shape[0])
    assert abs(train.mean() - 0.8) < 5 * se
    assert test[0, 0] == 0.8
    assert abs(train.mean() - 0.2) > 100 * se


# ----------------------------------------------------------------------------------------
# expectations, as hypothesis properties

N_DRAWS = 4000
finite = st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False)
small = arrays(np.float64, st.integers(1, 5), elements=finite)
keep = st.floats(min_value=0.2, max_value=1.0)
seeds = st.integers(0, 2**32 - 1)


def within_standard_errors(mean, expected, se, k=5.0):
    return np.all(np.abs(mean - expected) <= k * se + 1e-12 * (1 + np.abs(expected)))


@settings(max_examples=40, deadline=None)
@given(x=small, p_keep=keep, seed=seeds)
def test_inverted_dropout_is_unbiased(x, p_keep, seed):
    # E[x m / q] = x; Var = x²(1 − q)/q per draw
    stacked = np.broadcast_to(x, (N_DRAWS, x.size))
    out, _ = dropout_forward(stacked, p_keep=p_keep, train=True, rng=np.random.default_rng(seed))
    se = np.abs(x) * np.sqrt((1 - p_keep) / p_keep / N_DRAWS)
    assert within_standard_errors(out.mean(axis=0), x, se)


@settings(max_examples=40, deadline=None)
@given(x=small, p_keep=keep, seed=seeds)
def test_scale_at_test_train_mean_matches_its_eval_output(x, p_keep, seed):
    # E[x m] = q x, which is exactly the eval output; Var = x² q(1 − q) per draw
    stacked = np.broadcast_to(x, (N_DRAWS, x.size))
    out, _ = dropout_forward(stacked, p_keep=p_keep, train=True, scheme="scale_at_test",
                             rng=np.random.default_rng(seed))
    test, _ = dropout_forward(x, p_keep=p_keep, train=False, scheme="scale_at_test")
    np.testing.assert_array_equal(test, p_keep * x)
    se = np.abs(x) * np.sqrt(p_keep * (1 - p_keep) / N_DRAWS)
    assert within_standard_errors(out.mean(axis=0), test, se)


@settings(max_examples=30, deadline=None)
@given(x=small, sigma=st.floats(0.0, 2.0), seed=seeds, mode=st.sampled_from(["multiplicative", "additive"]))
def test_gaussian_dropout_is_unbiased(x, sigma, seed, mode):
    # multiplicative: E[x δ] = x, sd |x|σ;  additive: E[x + δ] = x, sd σ
    stacked = np.broadcast_to(x, (N_DRAWS, x.size))
    out, _ = gaussian_dropout_forward(stacked, sigma=sigma, train=True, mode=mode,
                                      rng=np.random.default_rng(seed))
    sd = np.abs(x) * sigma if mode == "multiplicative" else np.full_like(x, sigma)
    assert within_standard_errors(out.mean(axis=0), x, sd / np.sqrt(N_DRAWS))
    test, _ = gaussian_dropout_forward(x, sigma=sigma, train=False, mode=mode)
    np.testing.assert_array_equal(test, x)


# ----------------------------------------------------------------------------------------
# Gaussian dropout


def test_gaussian_dropout_by_hand():
    # x = [1, 2], δ = [1.5, 0.5]: multiplicative [1.5, 1.0], dx = dout ⊙ δ;
    # additive x + δ' with δ' = [0.5, −0.5]: [1.5, 1.5], dx = dout
    x, dout = np.array([1.0, 2.0]), np.array([2.0, 3.0])
    out, cache = gaussian_dropout_forward(x, sigma=0.5, train=True, noise=np.array([1.5, 0.5]))
    np.testing.assert_array_equal(out, [1.5, 1.0])
    np.testing.assert_array_equal(gaussian_dropout_backward(dout, cache).dx, [3.0, 1.5])
    out, cache = gaussian_dropout_forward(x, sigma=0.5, train=True, mode="additive",
                                          noise=np.array([0.5, -0.5]))
    np.testing.assert_array_equal(out, [1.5, 1.5])
    np.testing.assert_array_equal(gaussian_dropout_backward(dout, cache).dx, dout)


def test_gaussian_sigma_matches_the_bernoulli_variance():
    # Var(m/q) = q(1 − q)/q² = (1 − q)/q: q = 0.8 gives 0.25, σ = 0.5; q = 0.5 gives σ = 1
    assert gaussian_sigma(p_keep=0.8) == pytest.approx(0.5, rel=1e-15)
    assert gaussian_sigma(p_drop=0.5) == 1.0
    masks = dropout_mask(np.random.default_rng(7), 200_000, p_keep=0.8) / 0.8
    assert masks.var() == pytest.approx(0.25, rel=0.02)
    noise, _ = gaussian_dropout_forward(np.ones(200_000), sigma=gaussian_sigma(p_keep=0.8),
                                        train=True, rng=np.random.default_rng(8))
    assert noise.var() == pytest.approx(0.25, rel=0.02)


# ----------------------------------------------------------------------------------------
# DropConnect


def test_dropconnect_by_hand():
    # x = [[1, 2]], W = [[1, 2], [3, 4]], M = [[1, 0], [0, 1]], b = [10, 20], q = 0.5
    # inverted: W ⊙ M / 0.5 = [[2, 0], [0, 8]]; x·that = [2, 16]; + b = [12, 36]
    # scale at test (train): W ⊙ M = [[1, 0], [0, 4]] → [1, 8] + b = [11, 28]
    # eval: inverted x W + b = [7, 10] + b = [17, 30]; scale at test 0.5·[7, 10] + b = [13.5, 25]
    x, W, b = np.array([[1.0, 2.0]]), np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([10.0, 20.0])
    cases = [("inverted", True, [[12.0, 36.0]]), ("scale_at_test", True, [[11.0, 28.0]]),
             ("inverted", False, [[17.0, 30.0]]), ("scale_at_test", False, [[13.5, 25.0]])]
    for scheme, train, expected in cases:
        mask = MASK if train else None
        out, _ = dropconnect_forward(x, W, b, p_keep=0.5, train=train, scheme=scheme, mask=mask)
        np.testing.assert_array_equal(out, expected, err_msg=f"{scheme}, train={train}")


@pytest.mark.parametrize("scheme", ["inverted", "scale_at_test"])
@pytest.mark.parametrize("train", [True, False])
def test_dropconnect_is_dropout_on_the_weights(scheme, train):
    rng = np.random.default_rng(9)
    x, W, b = rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    mask = dropout_mask(rng, W.shape, p_keep=0.7) if train else None
    out, cache = dropconnect_forward(x, W, b, p_keep=0.7, train=train, scheme=scheme, mask=mask)
    dropped_w, w_cache = dropout_forward(W, p_keep=0.7, train=train, scheme=scheme, mask=mask)
    np.testing.assert_allclose(out, x @ dropped_w + b, rtol=1e-15)
    # backward by the chain rule through the two layers: out = x W̃ + b, W̃ = dropout(W)
    dout = rng.normal(size=out.shape)
    grads = dropconnect_backward(dout, cache)
    np.testing.assert_allclose(grads.dW, dropout_backward(x.T @ dout, w_cache).dx, rtol=1e-15)
    np.testing.assert_allclose(grads.dx, dout @ dropped_w.T, rtol=1e-15)
    np.testing.assert_allclose(grads.db, dout.sum(axis=0), rtol=1e-15)


def test_dropconnect_average_over_masks_is_its_eval_output():
    # E over masks of x (W ⊙ M)/q + b = x W + b, the inverted eval output
    rng = np.random.default_rng(10)
    x, W, b = rng.normal(size=(2, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    draws = np.stack([dropconnect_forward(x, W, b, p_keep=0.6, train=True, rng=rng)[0]
                      for _ in range(4000)])
    test, _ = dropconnect_forward(x, W, b, p_keep=0.6, train=False)
    # Var of one draw: Σ_k x_k² W_kj² (1 − q)/q
    se = np.sqrt((x**2) @ (W**2) * (0.4 / 0.6) / 4000)
    assert within_standard_errors(draws.mean(axis=0), test, se)


# ----------------------------------------------------------------------------------------
# Baldi and Sadowski's mathematics (seed 001), by exact enumeration of the masks


def test_baldi_expected_dropout_gradient_and_the_regularizer():
    # One linear unit, inputs I (`inputs`), weights w, target t, keep probability p for every input.
    # E_D = ½(t − Σ δ_i w_i I_i)², δ_i ~ Bernoulli(p), with δ_i I_i = dropout_forward(I,
    # scheme="scale_at_test") under the mask δ. Seed 001's result:
    #   E[∂E_D/∂w_i] = ∂E_N/∂w_i + w_i p(1 − p) I_i²,  E_N = ½(t − Σ p w_i I_i)²
    inputs, w, t, p = np.array([0.5, -1.0, 2.0]), np.array([0.3, 0.8, -0.4]), 1.5, 0.7
    expected_grad = np.zeros(3)
    for bits in itertools.product([0.0, 1.0], repeat=3):
        delta = np.array(bits)
        probability = np.prod(np.where(delta == 1, p, 1 - p))
        dropped, _ = dropout_forward(inputs, p_keep=p, train=True, scheme="scale_at_test", mask=delta)
        residual = t - w @ dropped
        expected_grad += probability * (-residual * dropped)  # ∂E_D/∂w_i = −(t − ·) δ_i I_i
    grad_EN = -(t - p * w @ inputs) * p * inputs
    penalty_grad = w * p * (1 - p) * inputs**2
    np.testing.assert_allclose(expected_grad, grad_EN + penalty_grad, rtol=1e-13)
    # The slide's E_R = ½(t − Σ p w I)² + Σ p(1−p) w² I² has gradient with 2·w p(1−p) I²:
    # the penalty needs a factor ½ (as in Baldi and Sadowski) to match the line above.
    slide_er_grad = grad_EN + 2 * penalty_grad
    corrected_er_grad = grad_EN + 2 * 0.5 * penalty_grad
    assert not np.allclose(expected_grad, slide_er_grad)
    np.testing.assert_allclose(expected_grad, corrected_er_grad, rtol=1e-13)


# ----------------------------------------------------------------------------------------
# purity and shapes

shapes = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)


@settings(max_examples=50, deadline=None)
@given(data=st.data(), shape=shapes, p_keep=keep, scheme=st.sampled_from(["inverted", "scale_at_test"]),
       train=st.booleans())
def test_dropout_never_mutates_and_keeps_shapes(data, shape, p_keep, scheme, train):
    x = data.draw(arrays(np.float64, shape, elements=finite))
    mask = data.draw(arrays(np.float64, shape, elements=st.sampled_from([0.0, 1.0])))
    dout = data.draw(arrays(np.float64, shape, elements=finite))
    copies = (x.copy(), mask.copy(), dout.copy())
    out, cache = dropout_forward(x, p_keep=p_keep, train=train, scheme=scheme,
                                 mask=mask if train else None)
    dx = dropout_backward(dout, cache).dx
    for before, after in zip(copies, (x, mask, dout), strict=True):
        np.testing.assert_array_equal(before, after)
    assert out.shape == dx.shape == shape
    if train:
        # a dropped unit outputs 0 and passes no gradient back
        assert np.all(out[mask == 0] == 0) and np.all(dx[mask == 0] == 0)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), n=st.integers(1, 4), d_in=st.integers(1, 4), d_out=st.integers(1, 4),
       train=st.booleans(), sigma=st.floats(0, 2))
def test_dropconnect_and_gaussian_never_mutate_and_keep_shapes(data, n, d_in, d_out, train, sigma):
    x = data.draw(arrays(np.float64, (n, d_in), elements=finite))
    W = data.draw(arrays(np.float64, (d_in, d_out), elements=finite))
    b = data.draw(arrays(np.float64, d_out, elements=finite))
    mask = data.draw(arrays(np.float64, (d_in, d_out), elements=st.sampled_from([0.0, 1.0])))
    copies = [a.copy() for a in (x, W, b, mask)]
    out, cache = dropconnect_forward(x, W, b, p_drop=0.3, train=train, mask=mask if train else None)
    grads = dropconnect_backward(np.ones_like(out), cache)
    g_out, g_cache = gaussian_dropout_forward(x, sigma=sigma, train=train,
                                              rng=np.random.default_rng(0) if train else None)
    g_dx = gaussian_dropout_backward(np.ones_like(g_out), g_cache).dx
    for before, after in zip(copies, (x, W, b, mask), strict=True):
        np.testing.assert_array_equal(before, after)
    assert out.shape == (n, d_out)
    assert (grads.dx.shape, grads.dW.shape, grads.db.shape) == (x.shape, W.shape, b.shape)
    assert g_out.shape == g_dx.shape == x.shape


# ----------------------------------------------------------------------------------------
# bad arguments


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"p_drop": 0.5, "p_keep": 0.5}, r"give exactly one of p_drop= .* or p_keep= .*; got both \(p_drop=0.5, p_keep=0.5\)"),
    ({}, r"give exactly one of p_drop= .* got neither"),
    ({"p_keep": 0.0}, r"p_keep must lie in \(0, 1\], got 0.0 \(p_keep=0 drops every unit"),
    ({"p_keep": 1.5}, r"p_keep must lie in \(0, 1\], got 1.5"),
    ({"p_drop": 1.0}, r"p_drop must lie in \[0, 1\), got 1.0 \(p_drop=1 drops every unit"),
    ({"p_drop": -0.1}, r"p_drop must lie in \[0, 1\), got -0.1"),
    ({"p_drop": "half"}, r"p_drop must be a real number, got 'half' \(str\)"),
])
def test_bad_probabilities(kwargs, message):
    with pytest.raises(CourseLibError, match=message):
        dropout_forward(X, train=False, **kwargs)
    with pytest.raises(CourseLibError, match=message):
        dropout_mask(np.random.default_rng(0), 3, **kwargs)


def test_train_mode_needs_exactly_one_source_of_the_mask():
    with pytest.raises(CourseLibError, match=r"in train mode give exactly one of rng= .* or mask= .*; got neither"):
        dropout_forward(X, p_keep=0.5, train=True)
    with pytest.raises(CourseLibError, match=r"got both"):
        dropout_forward(X, p_keep=0.5, train=True, rng=np.random.default_rng(0), mask=MASK)
    with pytest.raises(CourseLibError, match=r"give exactly one of rng= .* or noise= .*; got neither"):
        gaussian_dropout_forward(X, sigma=0.5, train=True)
    with pytest.raises(CourseLibError, match=r"got neither"):
        dropconnect_forward(X, X, np.zeros(2), p_keep=0.5, train=True)


def test_mask_of_the_wrong_shape_names_both_shapes():
    with pytest.raises(CourseLibError, match=r"mask has shape \(2,\) but x has shape \(2, 2\)"):
        dropout_forward(X, p_keep=0.5, train=True, mask=np.ones(2))
    with pytest.raises(CourseLibError, match=r"mask has shape \(1, 2\) but W has shape \(2, 2\)"):
        dropconnect_forward(X, X, np.zeros(2), p_keep=0.5, train=True, mask=np.ones((1, 2)))
    with pytest.raises(CourseLibError, match=r"noise has shape \(3,\) but x has shape \(2, 2\)"):
        gaussian_dropout_forward(X, sigma=0.5, train=True, noise=np.ones(3))


def test_other_bad_arguments():
    with pytest.raises(CourseLibError, match=r"mask must contain only 0 \(dropped\) and 1 \(kept\), found 2.0"):
        dropout_forward(X, p_keep=0.5, train=True, mask=2 * MASK)
    with pytest.raises(CourseLibError, match=r"scheme must be one of 'inverted', 'scale_at_test', got 'keras'"):
        dropout_forward(X, p_keep=0.5, train=False, scheme="keras")
    with pytest.raises(CourseLibError, match=r"train must be True or False, got 1 \(int\)"):
        dropout_forward(X, p_keep=0.5, train=1)
    with pytest.raises(CourseLibError, match=r"rng must be a numpy.random.Generator.* got .* \(int\)"):
        dropout_forward(X, p_keep=0.5, train=True, rng=0)
    with pytest.raises(CourseLibError, match=r"sigma must be >= 0, got -1.0"):
        gaussian_dropout_forward(X, sigma=-1.0, train=False)
    with pytest.raises(CourseLibError, match=r"mode must be one of 'multiplicative', 'additive', got 'both'"):
        gaussian_dropout_forward(X, sigma=1.0, train=False, mode="both")
    with pytest.raises(CourseLibError, match=r"x must be \(n, d_in\) and W \(d_in, d_out\) with the same d_in, got x \(2, 2\) and W \(3, 2\)"):
        dropconnect_forward(X, np.ones((3, 2)), np.zeros(2), p_keep=0.5, train=False)
    with pytest.raises(CourseLibError, match=r"b must have shape \(2,\) \(d_out,\), got \(3,\)"):
        dropconnect_forward(X, X, np.zeros(3), p_keep=0.5, train=False)
    _, cache = dropout_forward(X, p_keep=0.5, train=True, mask=MASK)
    with pytest.raises(CourseLibError, match=r"dout has shape \(3,\) but the forward's output had shape \(2, 2\)"):
        dropout_backward(np.ones(3), cache)
    with pytest.raises(CourseLibError, match=r"shape\[0\] must be >= 0, got -1"):
        dropout_mask(np.random.default_rng(0), (-1, 2), p_keep=0.5)
