"""Batch normalization: hand-derived numbers, running statistics, backward forms, errors.

Expected values are worked out in the comments (seed 001, "Batch Normalization"), or come
from an independent formula (numpy's var with ddof, the folded affine map written out).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import CourseLibError
from course_lib.batchnorm import (
    BatchNormGrads,
    RunningStats,
    batchnorm_backward,
    batchnorm_backward_staged,
    batchnorm_backward_stages,
    batchnorm_forward,
    fold_batchnorm,
    init_running_stats,
    update_running_stats,
)

# The tiny batch of the hand derivations: one feature, four examples.
X = np.array([[1.0], [2.0], [3.0], [4.0]])
GAMMA, BETA = np.array([2.0]), np.array([1.0])


def start():
    return init_running_stats(1)


# ----------------------------------------------------------------------------------------
# forward, by hand


def test_training_forward_by_hand_with_round_numbers():
    # μ = (1+2+3+4)/4 = 2.5
    # σ² = (1.5² + 0.5² + 0.5² + 1.5²)/4 = (2.25+0.25+0.25+2.25)/4 = 5/4 = 1.25 (biased)
    # eps = 2.75 makes σ² + ε = 4, √ = 2:  x̂ = (x − 2.5)/2 = [−0.75, −0.25, 0.25, 0.75]
    # y = γ x̂ + β = 2 x̂ + 1 = [−0.5, 0.5, 1.5, 2.5]
    out, cache, _ = batchnorm_forward(X, GAMMA, BETA, train=True, running=start(), eps=2.75)
    np.testing.assert_array_equal(cache.mean, [2.5])
    np.testing.assert_array_equal(cache.var, [1.25])
    np.testing.assert_array_equal(cache.xhat, [[-0.75], [-0.25], [0.25], [0.75]])
    np.testing.assert_array_equal(out, [[-0.5], [0.5], [1.5], [2.5]])


def test_training_forward_by_hand_with_the_default_eps():
    # x̂ = [−1.5, −0.5, 0.5, 1.5]/√(1.25 + 1e-5); √1.25 = 1.1180340; ε shifts it by ~4e-6
    out, cache, _ = batchnorm_forward(X, GAMMA, BETA, train=True, running=start())
    np.testing.assert_allclose(cache.xhat.ravel(), [-1.3416408, -0.4472136, 0.4472136, 1.3416408],
                               rtol=1e-5)
    np.testing.assert_allclose(out.ravel(), 2 * cache.xhat.ravel() + 1, rtol=1e-15)


def test_training_output_has_mean_beta_and_variance_gamma_squared_per_feature():
    rng = np.random.default_rng(0)
    x = np.array([3.0, -1.0, 10.0]) + np.array([0.1, 2.0, 5.0]) * rng.normal(size=(50, 3))
    gamma, beta = np.array([0.5, 2.0, -1.0]), np.array([1.0, 0.0, -3.0])
    out, _, _ = batchnorm_forward(x, gamma, beta, train=True, running=init_running_stats(3))
    var = x.var(axis=0)
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), gamma**2 * var / (var + 1e-5), rtol=1e-12)


# ----------------------------------------------------------------------------------------
# running statistics


def test_running_update_new_weight_convention_by_hand():
    # PyTorch: r ← (1 − 0.1) r + 0.1·batch, starting from mean 0, var 1.
    # batch mean 2.5; unbiased batch var (4/3)·1.25 = 5/3
    # mean: 0.9·0 + 0.1·2.5 = 0.25;  var: 0.9·1 + 0.1·5/3 = 0.9 + 1/6 = 16/15
    _, _, running = batchnorm_forward(X, GAMMA, BETA, train=True, running=start(),
                                      momentum=0.1, momentum_convention="new_weight")
    np.testing.assert_allclose(running.mean, [0.25], rtol=1e-15)
    np.testing.assert_allclose(running.var, [16 / 15], rtol=1e-15)


def test_running_update_old_weight_convention_by_hand():
    # seed 001: r(t) = λ r(t−1) + (1 − λ)·batch with λ = 0.95, without the m/(m−1) factor
    # mean: 0.95·0 + 0.05·2.5 = 0.125;  var: 0.95·1 + 0.05·1.25 = 1.0125
    _, _, running = batchnorm_forward(X, GAMMA, BETA, train=True, running=start(),
                                      momentum=0.95, momentum_convention="old_weight",
                                      unbiased=False)
    np.testing.assert_allclose(running.mean, [0.125], rtol=1e-15)
    np.testing.assert_allclose(running.var, [1.0125], rtol=1e-15)


def test_two_conventions_agree_when_momenta_sum_to_one():
    rng = np.random.default_rng(1)
    running = RunningStats(rng.normal(size=3), rng.uniform(0.5, 2, 3))
    a = update_running_stats(running, np.ones(3), np.full(3, 2.0), momentum=0.3,
                             momentum_convention="new_weight")
    b = update_running_stats(running, np.ones(3), np.full(3, 2.0), momentum=0.7,
                             momentum_convention="old_weight")
    np.testing.assert_allclose(a.mean, b.mean, rtol=1e-15)
    np.testing.assert_allclose(a.var, b.var, rtol=1e-15)
    # hand: 0.7·r + 0.3·1 and 0.7·v + 0.3·2
    np.testing.assert_allclose(a.mean, 0.7 * running.mean + 0.3, rtol=1e-15)
    np.testing.assert_allclose(a.var, 0.7 * running.var + 0.6, rtol=1e-15)


def test_unbiased_flag_averages_the_ddof_1_variance():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(7, 2))
    zero = RunningStats(np.zeros(2), np.zeros(2))
    # momentum 1 in PyTorch's convention replaces the running value by the batch's
    for unbiased, ddof in ((True, 1), (False, 0)):
        _, _, running = batchnorm_forward(x, np.ones(2), np.zeros(2), train=True, running=zero,
                                          momentum=1.0, unbiased=unbiased)
        np.testing.assert_allclose(running.var, x.var(axis=0, ddof=ddof), rtol=1e-14)
        np.testing.assert_allclose(running.mean, x.mean(axis=0), rtol=1e-14)


def test_boxed_factor_makes_the_average_batch_variance_unbiased():
    # seed 001, test phase method 1: Var[x] ← m/(m−1)·E_B[σ²_B]. Exact check by enumerating
    # every batch of m = 2 drawn i.i.d. from the population {0, 1, 5}:
    # population mean 2, variance (4 + 1 + 9)/3 = 14/3.
    # σ²_B of (a, b) is (a − b)²/4; Σ over the 9 ordered pairs: 2·(1 + 25 + 16)/4 = 21,
    # so E_B[σ²_B] = 21/9 = 7/3 = (m−1)/m · 14/3, and m/(m−1)·7/3 = 14/3.
    population = [0.0, 1.0, 5.0]
    batch_vars = []
    for a in population:
        for b in population:
            _, cache, _ = batchnorm_forward(np.array([[a], [b]]), GAMMA, BETA, train=True,
                                            running=start())
            batch_vars.append(cache.var[0])
    assert np.mean(batch_vars) == pytest.approx(7 / 3, rel=1e-15)
    assert 2 / (2 - 1) * np.mean(batch_vars) == pytest.approx(14 / 3, rel=1e-15)


def test_train_mode_returns_new_stats_and_leaves_the_argument_alone():
    running = RunningStats(np.array([0.5]), np.array([2.0]))
    _, _, new = batchnorm_forward(X, GAMMA, BETA, train=True, running=running)
    np.testing.assert_array_equal(running.mean, [0.5])
    np.testing.assert_array_equal(running.var, [2.0])
    assert not np.array_equal(new.mean, running.mean)


# ----------------------------------------------------------------------------------------
# eval mode and folding


def test_eval_uses_the_running_statistics_by_hand():
    # E[x] = 3, Var[x] = 3.75, ε = 0.25: √4 = 2, y = 2(x − 3)/2 + 1 = x − 2
    running = RunningStats(np.array([3.0]), np.array([3.75]))
    x = np.array([[1.0], [5.0], [3.0]])
    out, _, returned = batchnorm_forward(x, GAMMA, BETA, train=False, running=running, eps=0.25)
    np.testing.assert_array_equal(out, [[-1.0], [3.0], [1.0]])
    np.testing.assert_array_equal(returned.mean, running.mean)
    np.testing.assert_array_equal(returned.var, running.var)


def test_eval_treats_each_example_alone():
    # no batch statistics at test time: one row at a time gives the same as the whole batch
    rng = np.random.default_rng(3)
    running = RunningStats(rng.normal(size=4), rng.uniform(0.5, 2, 4))
    x, gamma, beta = rng.normal(size=(5, 4)), rng.normal(size=4), rng.normal(size=4)
    batch, _, _ = batchnorm_forward(x, gamma, beta, train=False, running=running)
    for i in range(5):
        row, _, _ = batchnorm_forward(x[i:i + 1], gamma, beta, train=False, running=running)
        np.testing.assert_array_equal(row, batch[i:i + 1])


def test_fold_by_hand():
    # scale = γ/√(Var + ε) = 2/2 = 1, shift = β − scale·E[x] = 1 − 3 = −2
    scale, shift = fold_batchnorm(GAMMA, BETA, RunningStats(np.array([3.0]), np.array([3.75])),
                                  eps=0.25)
    np.testing.assert_array_equal(scale, [1.0])
    np.testing.assert_array_equal(shift, [-2.0])


def test_fold_equals_eval_forward():
    rng = np.random.default_rng(4)
    running = RunningStats(rng.normal(size=6), rng.uniform(0.1, 5, 6))
    x, gamma, beta = 3 * rng.normal(size=(10, 6)), rng.normal(size=6), rng.normal(size=6)
    scale, shift = fold_batchnorm(gamma, beta, running, eps=1e-3)
    out, _, _ = batchnorm_forward(x, gamma, beta, train=False, running=running, eps=1e-3)
    np.testing.assert_allclose(scale * x + shift, out, rtol=0, atol=1e-12)


# ----------------------------------------------------------------------------------------
# backward


def test_staged_backward_by_hand():
    # ε = 2.75 (σ² + ε = 4), dy = [1, 0, 0, 0], γ = 2, x − μ = [−1.5, −0.5, 0.5, 1.5]
    # ∂ℓ/∂x̂ = dy·γ = [2, 0, 0, 0]
    # ∂ℓ/∂σ² = Σ ∂ℓ/∂x̂ (x − μ)(−1/2)(4)^(−3/2) = 2·(−1.5)·(−1/16) = 3/16
    # ∂ℓ/∂μ = Σ ∂ℓ/∂x̂·(−1/2) + (3/16)·Σ −2(x − μ)/4 = −1 + 0 = −1
    # ∂ℓ/∂x = ∂ℓ/∂x̂/2 + (3/16)·2(x − μ)/4 + (−1)/4
    #       = [1, 0, 0, 0] + [−0.140625, −0.046875, 0.046875, 0.140625] − 0.25
    #       = [0.609375, −0.296875, −0.203125, −0.109375]
    # ∂ℓ/∂γ = Σ dy·x̂ = x̂₁ = −0.75;  ∂ℓ/∂β = Σ dy = 1
    _, cache, _ = batchnorm_forward(X, GAMMA, BETA, train=True, running=start(), eps=2.75)
    dout = np.array([[1.0], [0.0], [0.0], [0.0]])
    stages = batchnorm_backward_stages(dout, cache)
    np.testing.assert_array_equal(stages.dxhat, [[2.0], [0.0], [0.0], [0.0]])
    np.testing.assert_allclose(stages.dvar, [3 / 16], rtol=1e-15)
    np.testing.assert_allclose(stages.dmu, [-1.0], rtol=1e-15)
    expected_dx = [[0.609375], [-0.296875], [-0.203125], [-0.109375]]
    np.testing.assert_allclose(stages.dx, expected_dx, rtol=1e-14)
    np.testing.assert_array_equal(stages.dgamma, [-0.75])
    np.testing.assert_array_equal(stages.dbeta, [1.0])
    # compact: γ/(m√(σ²+ε)) = 0.25; m·dy − Σdy − x̂·Σ(dy x̂) = [4,0,0,0] − 1 + 0.75·x̂
    #        = [2.4375, −1.1875, −0.8125, −0.4375]; × 0.25 = the same dx
    compact = batchnorm_backward(dout, cache)
    np.testing.assert_allclose(compact.dx, expected_dx, rtol=1e-14)
    assert isinstance(compact, BatchNormGrads)


def test_staged_and_compact_backward_agree():
    rng = np.random.default_rng(5)
    for m, d in ((2, 1), (8, 3), (32, 5)):
        x = rng.normal(size=d) + rng.uniform(0.2, 3, d) * rng.normal(size=(m, d))
        _, cache, _ = batchnorm_forward(x, rng.normal(size=d), rng.normal(size=d), train=True,
                                        running=init_running_stats(d))
        dout = rng.normal(size=(m, d))
        staged, compact = batchnorm_backward_staged(dout, cache), batchnorm_backward(dout, cache)
        for name in BatchNormGrads._fields:
            np.testing.assert_allclose(getattr(staged, name), getattr(compact, name),
                                       rtol=0, atol=1e-12, err_msg=name)


def test_training_dx_is_orthogonal_to_shifts_and_rescalings_of_the_batch():
    # x̂ does not change when a feature is shifted over the whole batch, or (up to ε)
    # rescaled, so Σ_i ∂ℓ/∂x_i = 0 and Σ_i ∂ℓ/∂x_i x̂_i ≈ 0 (= 0 exactly when ε = 0)
    rng = np.random.default_rng(6)
    x = rng.normal(size=(9, 2))
    _, cache, _ = batchnorm_forward(x, np.ones(2), np.zeros(2), train=True,
                                    running=init_running_stats(2), eps=1e-12)
    dx = batchnorm_backward(rng.normal(size=(9, 2)), cache).dx
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-13)
    np.testing.assert_allclose((dx * cache.xhat).sum(axis=0), 0.0, atol=1e-10)


def test_eval_backward_is_the_folded_affine_map():
    rng = np.random.default_rng(7)
    running = RunningStats(rng.normal(size=3), rng.uniform(0.5, 2, 3))
    x, gamma, beta = rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=3)
    _, cache, _ = batchnorm_forward(x, gamma, beta, train=False, running=running)
    dout = rng.normal(size=(4, 3))
    grads = batchnorm_backward(dout, cache)
    scale, _ = fold_batchnorm(gamma, beta, running)
    np.testing.assert_allclose(grads.dx, dout * scale, rtol=1e-15)
    xhat = (x - running.mean) / np.sqrt(running.var + 1e-5)
    np.testing.assert_allclose(grads.dgamma, (dout * xhat).sum(axis=0), rtol=1e-13)
    np.testing.assert_allclose(grads.dbeta, dout.sum(axis=0), rtol=1e-15)


# ----------------------------------------------------------------------------------------
# properties

finite = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False)


@st.composite
def batches(draw):
    m = draw(st.integers(2, 6))
    d = draw(st.integers(1, 4))
    x = draw(arrays(np.float64, (m, d), elements=finite))
    gamma = draw(arrays(np.float64, d, elements=finite))
    beta = draw(arrays(np.float64, d, elements=finite))
    mean = draw(arrays(np.float64, d, elements=finite))
    var = draw(arrays(np.float64, d, elements=st.floats(0, 100)))
    return x, gamma, beta, RunningStats(mean, var)


@settings(max_examples=60, deadline=None)
@given(batch=batches(), train=st.booleans(),
       convention=st.sampled_from(["new_weight", "old_weight"]))
def test_forward_and_backward_never_mutate_and_keep_shapes(batch, train, convention):
    x, gamma, beta, running = batch
    copies = [a.copy() for a in (x, gamma, beta, running.mean, running.var)]
    out, cache, new = batchnorm_forward(x, gamma, beta, train=train, running=running,
                                        momentum_convention=convention)
    dout = np.ones_like(out)
    dout_copy = dout.copy()
    grads = batchnorm_backward(dout, cache)
    if train:
        batchnorm_backward_staged(dout, cache)
    for before, after in zip(copies, (x, gamma, beta, running.mean, running.var), strict=True):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(dout, dout_copy)
    assert out.shape == x.shape and grads.dx.shape == x.shape
    assert grads.dgamma.shape == grads.dbeta.shape == gamma.shape
    assert new.mean.shape == new.var.shape == gamma.shape
    assert np.isfinite(out).all() and np.isfinite(grads.dx).all()
    assert (new.var >= 0).all()


# ----------------------------------------------------------------------------------------
# bad arguments


def test_x_must_be_two_dimensional():
    with pytest.raises(CourseLibError, match=r"x must be a 2-D array \(m examples, D features\), got shape \(4,\)"):
        batchnorm_forward(np.arange(4.0), GAMMA, BETA, train=True, running=start())


def test_batch_of_one_cannot_be_bessel_corrected():
    # m/(m−1) = 1/0: one example has batch variance 0 and says nothing about the spread
    with pytest.raises(CourseLibError, match=r"batch of size m = 1 .* m - 1 = 0"):
        batchnorm_forward(X[:1], GAMMA, BETA, train=True, running=start())
    # without the correction it runs, but x̂ = 0 whatever x is, so y = β
    out, _, _ = batchnorm_forward(X[:1], GAMMA, BETA, train=True, running=start(), unbiased=False)
    np.testing.assert_array_equal(out, [[1.0]])
    # eval mode never uses batch statistics, so one example is fine
    batchnorm_forward(X[:1], GAMMA, BETA, train=False, running=start())


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"gamma": np.ones(2)}, r"gamma must have shape \(1,\), one entry per feature of x, got \(2,\)"),
    ({"beta": np.ones((1, 1))}, r"beta must have shape \(1,\), one entry per feature of x, got \(1, 1\)"),
    ({"running": (np.zeros(1), np.ones(1))}, r"running must be a RunningStats\(mean, var\), e.g. init_running_stats\(1\), got tuple"),
    ({"running": RunningStats(np.zeros(1), -np.ones(1))}, r"running.var must be >= 0"),
    ({"running": RunningStats(np.zeros(3), np.ones(3))}, r"running.mean must have shape \(1,\)"),
    ({"momentum": 1.5}, r"momentum must lie in \[0, 1\], got 1.5"),
    ({"momentum_convention": "keras"}, r"momentum_convention must be one of 'new_weight', 'old_weight', got 'keras'"),
    ({"eps": 0.0}, r"eps must be > 0, got 0.0"),
    ({"train": "yes"}, r"train must be True or False, got 'yes'"),
    ({"unbiased": 1}, r"unbiased must be True or False, got 1"),
    ({"x": np.array([[np.nan]] * 3)}, r"x contains NaN or inf"),
])
def test_bad_forward_arguments(kwargs, message):
    args = {"x": X, "gamma": GAMMA, "beta": BETA, "train": True, "running": start(), **kwargs}
    with pytest.raises(CourseLibError, match=message):
        batchnorm_forward(args.pop("x"), args.pop("gamma"), args.pop("beta"), **args)


def test_bad_backward_arguments():
    _, cache, _ = batchnorm_forward(X, GAMMA, BETA, train=True, running=start())
    with pytest.raises(CourseLibError, match=r"dout has shape \(3, 1\) but the forward's output had shape \(4, 1\)"):
        batchnorm_backward(np.ones((3, 1)), cache)
    _, eval_cache, _ = batchnorm_forward(X, GAMMA, BETA, train=False, running=start())
    with pytest.raises(CourseLibError, match=r"this cache is from eval mode .* use batchnorm_backward"):
        batchnorm_backward_staged(np.ones((4, 1)), eval_cache)


def test_bad_running_stat_arguments():
    with pytest.raises(CourseLibError, match=r"n_features must be >= 1, got 0"):
        init_running_stats(0)
    with pytest.raises(CourseLibError, match=r"n_features must be an integer, got 2.0"):
        init_running_stats(2.0)
    with pytest.raises(CourseLibError, match=r"batch_var must have shape \(2,\)"):
        update_running_stats(init_running_stats(2), np.zeros(2), np.zeros(3), momentum=0.1,
                             momentum_convention="new_weight")
    with pytest.raises(CourseLibError, match=r"eps must be > 0, got -1.0"):
        fold_batchnorm(GAMMA, BETA, start(), eps=-1.0)
