"""Tests for course_lib.losses: hand computations, PyTorch, stability, seed 002's example."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib.activations import sigmoid
from course_lib.gradcheck import numerical_gradient
from course_lib.layers import affine_backward, affine_forward
from course_lib.losses import (
    bce_with_logits,
    bce_with_logits_backward,
    bce_with_logits_forward,
    binary_cross_entropy,
    binary_cross_entropy_backward,
    binary_cross_entropy_forward,
    log_softmax,
    mse,
    mse_backward,
    mse_forward,
    softmax,
    softmax_cross_entropy,
    softmax_cross_entropy_backward,
    softmax_cross_entropy_forward,
)

LN2 = math.log(2.0)

# --- mean squared error ------------------------------------------------------------------

PRED = np.array([[1.0, 2.0], [3.0, 4.0]])
TARGET = np.array([[0.0, 0.0], [1.0, 1.0]])
# residuals 1, 2, 2, 3; squares 1, 4, 4, 9; sum 18; N = 2 rows


def test_mse_hand_values_in_each_convention():
    assert mse(PRED, TARGET) == 9.0  # 18 / N (seed 003, seed 004 1.3 item 3)
    assert mse(PRED, TARGET, reduction="sum") == 18.0  # seed 004 1.3 item 2
    assert mse(PRED, TARGET, reduction="sum", half=True) == 9.0  # seed 004 2.6: ½ Σ
    assert mse(PRED, TARGET, half=True) == 4.5  # 18 / (2N)


def test_mse_forward_returns_a_0d_float_and_backward_the_hand_gradient():
    loss, cache = mse_forward(PRED, TARGET)
    assert np.shape(loss) == ()
    assert loss.dtype == np.float64
    # ∂/∂ŷ (1/N) Σ r² = 2r/N = r for N = 2
    (dpred,) = mse_backward(1.0, cache)
    np.testing.assert_array_equal(dpred, [[1.0, 2.0], [2.0, 3.0]])
    # with ½ and a sum: ∂/∂ŷ ½ Σ r² = r, scaled by dloss
    _, cache = mse_forward(PRED, TARGET, reduction="sum", half=True)
    np.testing.assert_array_equal(mse_backward(3.0, cache).dpred, [[3.0, 6.0], [6.0, 9.0]])


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("half", [False, True])
def test_mse_gradient_matches_central_differences(reduction, half):
    rng = np.random.default_rng(1)
    pred, target = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    _, cache = mse_forward(pred, target, reduction=reduction, half=half)
    numeric = numerical_gradient(
        lambda p: mse(p, target, reduction=reduction, half=half), pred
    )
    np.testing.assert_allclose(mse_backward(1.0, cache).dpred, numeric, rtol=1e-8, atol=1e-10)


def test_mse_matches_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(2)
    # One output per example: the batch mean is torch's element mean.
    pred, target = rng.normal(size=7), rng.normal(size=7)
    p = torch.tensor(pred, requires_grad=True)
    ref = F.mse_loss(p, torch.tensor(target))
    ref.backward()
    loss, cache = mse_forward(pred, target)
    assert float(loss) == pytest.approx(ref.item(), rel=1e-14)
    np.testing.assert_allclose(mse_backward(1.0, cache).dpred, p.grad.numpy(), rtol=1e-14)
    # D = 3 outputs: ours sums over the outputs and averages over the N = 5 rows.
    pred, target = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    p = torch.tensor(pred, requires_grad=True)
    ref = F.mse_loss(p, torch.tensor(target), reduction="sum") / 5
    ref.backward()
    loss, cache = mse_forward(pred, target)
    assert float(loss) == pytest.approx(ref.item(), rel=1e-14)
    np.testing.assert_allclose(mse_backward(1.0, cache).dpred, p.grad.numpy(), rtol=1e-14)
    assert float(loss) / 3 == pytest.approx(F.mse_loss(p, torch.tensor(target)).item(), rel=1e-14)


# --- binary cross-entropy from logits -------------------------------------------------


def test_bce_with_logits_hand_values():
    # z = 0, y = 1: −log σ(0) = log 2.  z = ln 3, y = 0: −log(1 − 3/4) = log 4 = 2 log 2.
    z, y = np.array([0.0, math.log(3.0)]), np.array([1.0, 0.0])
    loss, cache = bce_with_logits_forward(z, y)
    assert float(loss) == pytest.approx(1.5 * LN2, rel=1e-15)  # (log 2 + 2 log 2) / 2
    assert bce_with_logits(z, y, reduction="sum") == pytest.approx(3 * LN2, rel=1e-15)
    # ∂L/∂z = (σ(z) − y)/N = [(1/2 − 1)/2, (3/4 − 0)/2]
    np.testing.assert_allclose(bce_with_logits_backward(1.0, cache).dlogits, [-0.25, 0.375],
                               rtol=1e-15)


def test_bce_with_logits_is_bce_of_the_sigmoid():
    rng = np.random.default_rng(4)
    z, y = rng.normal(scale=2.0, size=(6, 2)), rng.uniform(size=(6, 2))
    assert bce_with_logits(z, y) == pytest.approx(binary_cross_entropy(sigmoid(z), y), rel=1e-13)


def test_bce_with_logits_gradient_matches_central_differences():
    rng = np.random.default_rng(5)
    z, y = rng.normal(scale=2.0, size=(5, 2)), rng.uniform(size=(5, 2))
    _, cache = bce_with_logits_forward(z, y)
    numeric = numerical_gradient(lambda v: bce_with_logits(v, y), z)
    np.testing.assert_allclose(bce_with_logits_backward(1.0, cache).dlogits, numeric,
                               rtol=1e-7, atol=1e-10)


def test_bce_with_logits_is_stable_at_plus_minus_1000():
    z = np.array([1000.0, -1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        right, cache_right = bce_with_logits_forward(z, np.array([1.0, 0.0]))
        wrong, cache_wrong = bce_with_logits_forward(z, np.array([0.0, 1.0]))
    # confident and right: −log σ(1000) = log(1 + e^{−1000}) = 0 in float64
    assert float(right) == 0.0
    np.testing.assert_array_equal(bce_with_logits_backward(1.0, cache_right).dlogits, [0.0, 0.0])
    # confident and wrong: −log(1 − σ(1000)) = 1000 + log(1 + e^{−1000}) = 1000 each
    assert float(wrong) == 1000.0
    np.testing.assert_array_equal(bce_with_logits_backward(1.0, cache_wrong).dlogits, [0.5, -0.5])


def test_bce_with_logits_matches_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(6)
    z = np.concatenate([rng.normal(scale=3.0, size=8), [1000.0, -1000.0, 40.0, -40.0]])
    y = np.concatenate([rng.uniform(size=8), [0.0, 0.0, 1.0, 0.3]])
    t = torch.tensor(z, requires_grad=True)
    ref = F.binary_cross_entropy_with_logits(t, torch.tensor(y))
    ref.backward()
    loss, cache = bce_with_logits_forward(z, y)
    assert float(loss) == pytest.approx(ref.item(), rel=1e-14)
    np.testing.assert_allclose(bce_with_logits_backward(1.0, cache).dlogits, t.grad.numpy(),
                               rtol=1e-13, atol=1e-17)


# --- binary cross-entropy of probabilities ---------------------------------------------


def test_bce_of_probabilities_hand_values_and_gradient():
    # −[1·log ½] = log 2; −[0.5 log 0.8 + 0.5 log 0.2] = −½ log 0.16 = −log 0.4
    p, y = np.array([0.5, 0.8]), np.array([1.0, 0.5])
    loss, cache = binary_cross_entropy_forward(p, y)
    assert float(loss) == pytest.approx((LN2 - math.log(0.4)) / 2, rel=1e-15)
    # ∂/∂p = (p − y)/(p(1 − p))/N = [(−0.5/0.25)/2, (0.3/0.16)/2] = [−1, 0.9375]
    np.testing.assert_allclose(binary_cross_entropy_backward(1.0, cache).dp, [-1.0, 0.9375],
                               rtol=1e-14)


def test_bce_of_probabilities_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    p, y = rng.uniform(0.01, 0.99, size=9), rng.uniform(size=9)
    t = torch.tensor(p, requires_grad=True)
    ref = torch.nn.functional.binary_cross_entropy(t, torch.tensor(y))
    ref.backward()
    loss, cache = binary_cross_entropy_forward(p, y)
    assert float(loss) == pytest.approx(ref.item(), rel=1e-14)
    np.testing.assert_allclose(binary_cross_entropy_backward(1.0, cache).dp, t.grad.numpy(),
                               rtol=1e-13)


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.2, -0.1])
def test_bce_of_probabilities_rejects_values_outside_the_open_unit_interval(bad):
    with pytest.raises(CourseLibError, match=r"p must lie in the open interval \(0, 1\), got a value"):
        binary_cross_entropy(np.array([0.5, bad]), np.array([1.0, 0.0]))


# --- seed 002's single-neuron Adam example -----------------------------------------------


def test_seed_002_single_neuron_forward_numbers():
    # Seed 002 "NUMERICAL EXAMPLE": x = 3.5, y = 0.5, w = b = −2, BCE loss.
    # Slide: ŷ = σ(−2.0 × 3.5 − 2.0) ≈ 0.0180 and L ≈ 4.0076.
    # By hand: wx + b = −7 − 2 = −9, ŷ = 1/(1 + e^9) = 1.2339457598623e-4, not 0.0180
    # (0.0180 is σ(−4) = 0.017986, i.e. wx + b with x = 1). With y = ½,
    #   L = −½ log ŷ − ½ log(1 − ŷ) = ½ softplus(9) + ½ softplus(−9) = 4.5 + log(1 + e^{−9})
    #     = 4.500123402...
    # and even the slide's own ŷ = 0.0180 gives L = −½(log 0.018 + log 0.982) = 2.0178,
    # not 4.0076.
    z, cache_affine = affine_forward(np.array([[3.5]]), np.array([[-2.0]]), np.array([-2.0]))
    assert z[0, 0] == -9.0
    y_hat = sigmoid(z)[0, 0]
    assert y_hat == pytest.approx(1.0 / (1.0 + math.exp(9.0)), rel=1e-15)
    assert y_hat == pytest.approx(1.2339457598623e-4, rel=1e-12)
    assert abs(y_hat - 0.0180) > 0.017  # the slide's ŷ is off by two orders of magnitude
    assert round(float(sigmoid(-4.0)), 4) == 0.0180  # ...and is what σ(−4) rounds to

    expected_loss = 4.5 + math.log1p(math.exp(-9.0))
    assert expected_loss == pytest.approx(4.500123402, rel=1e-9)
    target = np.array([[0.5]])
    loss, cache_loss = bce_with_logits_forward(z, target)
    assert float(loss) == pytest.approx(expected_loss, rel=1e-14)
    assert binary_cross_entropy(np.array([[y_hat]]), target) == pytest.approx(expected_loss, rel=1e-12)
    assert abs(float(loss) - 4.0076) > 0.4

    slide_loss_from_its_own_y_hat = -0.5 * (math.log(0.018) + math.log(0.982))
    assert slide_loss_from_its_own_y_hat == pytest.approx(2.0178, abs=5e-5)
    assert binary_cross_entropy(np.array([0.018]), np.array([0.5])) == pytest.approx(
        slide_loss_from_its_own_y_hat, rel=1e-14)

    # Gradients through the chain rule: ∇_b L = ŷ − y, ∇_w L = (ŷ − y)·x (seed 002's formulas).
    dz = bce_with_logits_backward(1.0, cache_loss).dlogits
    grads = affine_backward(dz, cache_affine)
    assert grads.db[0] == pytest.approx(y_hat - 0.5, rel=1e-14)  # −0.49987660542
    assert grads.dW[0, 0] == pytest.approx((y_hat - 0.5) * 3.5, rel=1e-14)  # −1.74956811899


# --- softmax and softmax cross-entropy ---------------------------------------------------


def test_softmax_hand_values_and_stability():
    np.testing.assert_allclose(softmax(np.array([0.0, math.log(3.0)])), [0.25, 0.75], rtol=1e-15)
    np.testing.assert_array_equal(softmax(np.array([[1000.0, 1000.0]])), [[0.5, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = softmax(np.array([[1000.0, -1000.0, 0.0]]))
        logp = log_softmax(np.array([[1000.0, -1000.0, 0.0]]))
    np.testing.assert_array_equal(p, [[1.0, 0.0, 0.0]])
    # log softmax: z − logsumexp(z) = z − 1000 − log(1 + e^{−1000} + e^{−2000}) = z − 1000
    np.testing.assert_array_equal(logp, [[0.0, -2000.0, -1000.0]])
    rng = np.random.default_rng(8)
    z = rng.normal(size=(4, 5))
    np.testing.assert_allclose(softmax(z).sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(log_softmax(z), np.log(np.exp(z) / np.exp(z).sum(1, keepdims=True)),
                               rtol=1e-14)
    np.testing.assert_allclose(softmax(z, axis=0).sum(axis=0), 1.0, rtol=1e-15)


def test_softmax_cross_entropy_hand_values():
    # row 0: logits (0, 0), label 0 → −log ½ = log 2
    # row 1: logits (0, ln 3), label 1 → −log ¾ = log(4/3)
    logits = np.array([[0.0, 0.0], [0.0, math.log(3.0)]])
    labels = np.array([0, 1])
    loss, cache = softmax_cross_entropy_forward(logits, labels)
    assert float(loss) == pytest.approx((LN2 + math.log(4 / 3)) / 2, rel=1e-15)
    assert softmax_cross_entropy(logits, labels, reduction="sum") == pytest.approx(
        LN2 + math.log(4 / 3), rel=1e-15)
    # ∂L/∂z = (softmax − one-hot)/N = [[(½ − 1)/2, ½/2], [¼/2, (¾ − 1)/2]]
    np.testing.assert_allclose(softmax_cross_entropy_backward(1.0, cache).dlogits,
                               [[-0.25, 0.25], [0.125, -0.125]], rtol=1e-15)


def test_softmax_cross_entropy_gradient_matches_central_differences():
    rng = np.random.default_rng(9)
    logits, labels = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    _, cache = softmax_cross_entropy_forward(logits, labels)
    numeric = numerical_gradient(lambda z: softmax_cross_entropy(z, labels), logits)
    np.testing.assert_allclose(softmax_cross_entropy_backward(1.0, cache).dlogits, numeric,
                               rtol=1e-7, atol=1e-10)


def test_softmax_cross_entropy_is_stable_at_plus_minus_1000():
    logits = np.array([[1000.0, -1000.0, 0.0]] * 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # label 0 (right): 0; label 1 (wrong): logsumexp − z_1 = 1000 − (−1000) = 2000
        loss, cache = softmax_cross_entropy_forward(logits, np.array([0, 1]))
    assert float(loss) == 1000.0  # (0 + 2000) / 2
    np.testing.assert_array_equal(softmax_cross_entropy_backward(1.0, cache).dlogits,
                                  [[0.0, 0.0, 0.0], [0.5, -0.5, 0.0]])


def test_softmax_cross_entropy_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(10)
    logits, labels = rng.normal(scale=3.0, size=(7, 5)), rng.integers(0, 5, size=7)
    logits[0] = [1000.0, -1000.0, 0.0, 3.0, 999.0]
    t = torch.tensor(logits, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(t, torch.tensor(labels))
    ref.backward()
    loss, cache = softmax_cross_entropy_forward(logits, labels)
    assert float(loss) == pytest.approx(ref.item(), rel=1e-14)
    np.testing.assert_allclose(softmax_cross_entropy_backward(1.0, cache).dlogits,
                               t.grad.numpy(), rtol=1e-13, atol=1e-17)


def test_losses_do_not_mutate_their_inputs():
    logits = np.array([[1.0, 2.0], [0.5, -1.0]])
    before = logits.copy()
    _, cache = softmax_cross_entropy_forward(logits, np.array([1, 0]))
    softmax_cross_entropy_backward(1.0, cache)
    _, cache = bce_with_logits_forward(logits, np.ones((2, 2)))
    bce_with_logits_backward(1.0, cache)
    _, cache = mse_forward(logits, np.zeros((2, 2)))
    mse_backward(1.0, cache)
    np.testing.assert_array_equal(logits, before)


# --- bad arguments ---------------------------------------------------------------------


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(CourseLibError, match=r"target has shape \(3,\) but pred has shape \(3, 1\)"):
        mse(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(CourseLibError, match=r"target has shape \(2,\) but logits has shape \(3,\)"):
        bce_with_logits(np.zeros(3), np.zeros(2))


def test_bad_reduction_and_half():
    with pytest.raises(CourseLibError, match=r"reduction must be one of 'mean', 'sum', got 'avg'"):
        mse(PRED, TARGET, reduction="avg")
    with pytest.raises(CourseLibError, match=r"half must be True or False, got 0.5"):
        mse(PRED, TARGET, half=0.5)


def test_bad_targets_and_labels():
    with pytest.raises(CourseLibError, match=r"target must lie in \[0, 1\], got a value 2.0"):
        bce_with_logits(np.zeros(2), np.array([0.0, 2.0]))
    with pytest.raises(CourseLibError, match=r"labels must lie in 0..2 \(logits has 3 classes\), got 3"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(CourseLibError, match=r"for one-hot labels pass labels.argmax\(axis=1\)"):
        softmax_cross_entropy(np.zeros((2, 3)), np.eye(3)[[0, 1]])
    with pytest.raises(CourseLibError, match=r"labels has shape \(3,\) but logits has 2 rows"):
        softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(CourseLibError, match=r"logits must have shape \(N, K\)"):
        softmax_cross_entropy(np.zeros(3), np.array([0, 1, 2]))


def test_bad_dloss():
    _, cache = mse_forward(PRED, TARGET)
    with pytest.raises(CourseLibError, match=r"dloss must be a scalar \(the loss is a single number\), got shape \(2,\)"):
        mse_backward(np.ones(2), cache)


def test_empty_batch():
    with pytest.raises(CourseLibError, match=r"pred is empty \(shape \(0,\)\): a loss needs N >= 1"):
        mse(np.zeros(0), np.zeros(0))
