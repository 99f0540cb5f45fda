"""course_lib.mlp: gradient checks of the whole network, hand-computed numbers, eval mode,
purity and argument errors.

Expected values come from derivations written out in the comments, from plain numpy
formulas written independently in the test, from central differences, or from PyTorch's
autograd (the oracle test at the end).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import CourseLibError
from course_lib.batchnorm import RunningStats
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.mlp import (
    MLPConfig,
    accuracy,
    draw_masks,
    evaluate,
    forward,
    init_params,
    init_running,
    l2_penalty,
    loss_and_grads,
    metric_name,
    param_shapes,
    predict,
)

N = 6  # batch size of the gradient checks


def _targets(config: MLPConfig, rng: np.random.Generator, n: int = N):
    if config.loss == "softmax_cross_entropy":
        return rng.integers(0, config.n_out, size=n)
    if config.loss == "bce_with_logits":
        shape = (n,) if config.n_out == 1 else (n, config.n_out)
        return rng.uniform(size=shape)  # soft targets exercise the general formula
    return rng.normal(size=(n,) if config.n_out == 1 else (n, config.n_out))


def _check_gradients(config: MLPConfig, seed: int, *, train: bool = True, with_running=False):
    """Relative error of every parameter's gradient against central differences."""
    rng = np.random.default_rng(seed)
    params = init_params(config, rng)
    # Move b, γ, β off their initial 0 and 1: with b = 0, an example whose previous ReLU
    # layer is all zero would sit exactly on the next ReLU's kink, where central
    # differences give 1/2 instead of the one-sided derivative.
    for name in params:
        if not name.startswith("W"):
            params[name] = params[name] + rng.normal(scale=0.3, size=params[name].shape)
    X = rng.normal(size=(N, config.n_in))
    y = _targets(config, rng)
    masks = draw_masks(config, N, rng) if (train and config.p_drop > 0) else None
    running = None
    if config.batchnorm and (with_running or not train):
        running = {key: RunningStats(rng.normal(size=r.mean.shape), rng.uniform(0.5, 2, r.var.shape))
                   for key, r in init_running(config).items()}
    kwargs = {"train": train, "masks": masks, "running": running}
    _, grads, _ = loss_and_grads(params, X, y, config, **kwargs)
    assert list(grads) == list(params)
    errors = {}
    for name, value in params.items():
        def objective(v, name=name):
            return loss_and_grads({**params, name: v}, X, y, config, **kwargs)[0]

        errors[name] = relative_error(grads[name], numerical_gradient(objective, value))
    return errors


GRADIENT_CASES = {
    "plain relu": MLPConfig((3, 5, 4, 2)),
    "l2": MLPConfig((3, 5, 4, 2), l2=0.3),
    "dropout inverted": MLPConfig((3, 5, 4, 2), p_drop=0.4),
    "dropout scale_at_test": MLPConfig((3, 5, 4, 2), p_drop=0.4, dropout_scheme="scale_at_test"),
    "batchnorm": MLPConfig((3, 5, 4, 2), batchnorm=True),
    "batchnorm old_weight momentum": MLPConfig((3, 5, 4, 2), batchnorm=True, bn_momentum=0.95,
                                               bn_momentum_convention="old_weight"),
    "bce one output": MLPConfig((3, 5, 4, 1), loss="bce_with_logits"),
    "bce two outputs": MLPConfig((3, 5, 4, 2), loss="bce_with_logits"),
    "mse one output": MLPConfig((3, 5, 4, 1), loss="mse"),
    "mse two outputs": MLPConfig((3, 5, 4, 2), loss="mse"),
    "tanh": MLPConfig((3, 5, 4, 2), activation="tanh"),
    "sigmoid xavier": MLPConfig((3, 5, 4, 2), activation="sigmoid", init="xavier_uniform"),
    "elu fan_avg": MLPConfig((3, 5, 4, 2), activation="elu", init_mode="fan_avg"),
    "all on, softmax": MLPConfig((3, 5, 4, 2), l2=0.2, p_drop=0.3, batchnorm=True),
    "all on, bce": MLPConfig((3, 5, 4, 1), loss="bce_with_logits", l2=0.2, p_drop=0.3,
                             batchnorm=True, activation="tanh"),
    "all on, mse": MLPConfig((3, 5, 4, 2), loss="mse", l2=0.2, p_drop=0.3, batchnorm=True,
                             activation="leaky_relu"),
    "deep, all on": MLPConfig((3, 5, 4, 4, 3, 2), l2=0.1, p_drop=0.2, batchnorm=True,
                              activation="tanh"),
    "single layer softmax": MLPConfig((3, 2)),
    "single layer bce + l2": MLPConfig((3, 1), loss="bce_with_logits", l2=0.5),
    "single layer mse + l2": MLPConfig((3, 2), loss="mse", l2=0.5),
}


@pytest.mark.parametrize("name", list(GRADIENT_CASES))
def test_gradients_match_central_differences(name):
    errors = _check_gradients(GRADIENT_CASES[name], seed=len(name))
    assert max(errors.values()) < 1e-7, errors


def test_gradients_in_eval_mode_with_batchnorm_and_dropout():
    # running statistics are constants and dropout is off: a different function, checked too
    config = MLPConfig((3, 5, 4, 2), batchnorm=True, p_drop=0.5, l2=0.1)
    errors = _check_gradients(config, seed=11, train=False)
    assert max(errors.values()) < 1e-7, errors


def test_gradients_with_given_running_stats_in_train_mode():
    # in train mode the loss must not depend on the running statistics passed in
    config = MLPConfig((3, 5, 4, 2), batchnorm=True)
    errors = _check_gradients(config, seed=12, with_running=True)
    assert max(errors.values()) < 1e-7, errors


# ----------------------------------------------------------------------------------------
# a 1-hidden-layer network by hand

# sizes (2, 2, 1), ReLU, squared error. Two examples:
X_HAND = np.array([[1.0, 2.0], [-1.0, 0.0]])
Y_HAND = np.array([4.0, 0.0])
P_HAND = {
    "W1": np.array([[1.0, -1.0], [0.5, 1.0]]),
    "b1": np.array([0.0, -0.5]),
    "W2": np.array([[3.0], [-2.0]]),
    "b2": np.array([1.0]),
}
CONFIG_HAND = MLPConfig((2, 2, 1), loss="mse")


def test_forward_by_hand():
    # z1 = x W1 + b1:  row 1: [1·1 + 2·0.5 + 0, 1·(−1) + 2·1 − 0.5] = [2, 0.5]
    #                  row 2: [−1·1 + 0 + 0, −1·(−1) + 0 − 0.5]      = [−1, 0.5]
    # relu:            [[2, 0.5], [0, 0.5]]
    # out = h W2 + b2: row 1: 2·3 + 0.5·(−2) + 1 = 6;  row 2: 0 − 1 + 1 = 0
    out, caches, running = forward(P_HAND, X_HAND, CONFIG_HAND, train=True)
    np.testing.assert_array_equal(out, [[6.0], [0.0]])
    np.testing.assert_array_equal(caches[0].affine.x, X_HAND)
    np.testing.assert_array_equal(caches[1].affine.x, [[2.0, 0.5], [0.0, 0.5]])
    assert running == {}


def test_loss_and_gradients_by_hand():
    # L = ((6 − 4)² + (0 − 0)²)/2 = 2
    # dout = 2(ŷ − y)/N = [[2], [0]]
    # dW2 = hᵀ dout = [[2·2 + 0·0], [0.5·2 + 0.5·0]] = [[4], [1]];  db2 = [2]
    # dh = dout W2ᵀ = [[6, −4], [0, 0]];  relu'(z1) = [[1, 1], [0, 1]]  ->  dz1 = [[6, −4], [0, 0]]
    # dW1 = xᵀ dz1 = [[1·6 + (−1)·0, 1·(−4)], [2·6, 2·(−4)]] = [[6, −4], [12, −8]];  db1 = [6, −4]
    loss, grads, _ = loss_and_grads(P_HAND, X_HAND, Y_HAND, CONFIG_HAND)
    assert loss == 2.0
    np.testing.assert_array_equal(grads["W2"], [[4.0], [1.0]])
    np.testing.assert_array_equal(grads["b2"], [2.0])
    np.testing.assert_array_equal(grads["W1"], [[6.0, -4.0], [12.0, -8.0]])
    np.testing.assert_array_equal(grads["b1"], [6.0, -4.0])


def test_l2_term_by_hand():
    # ‖W1‖² = 1 + 1 + 0.25 + 1 = 3.25, ‖W2‖² = 9 + 4 = 13, sum 16.25
    # λ/2 · 16.25 with λ = 0.1: 0.8125; biases are not penalized
    config = MLPConfig((2, 2, 1), loss="mse", l2=0.1)
    assert l2_penalty(P_HAND, config) == pytest.approx(0.8125, rel=1e-15)
    loss, grads, _ = loss_and_grads(P_HAND, X_HAND, Y_HAND, config)
    assert loss == pytest.approx(2.0 + 0.8125, rel=1e-15)
    # dW gets + λW; db is unchanged
    np.testing.assert_allclose(grads["W1"], [[6.1, -4.1], [12.05, -7.9]], rtol=1e-15)
    np.testing.assert_allclose(grads["W2"], [[4.3], [0.8]], rtol=1e-15)
    np.testing.assert_array_equal(grads["b1"], [6.0, -4.0])
    np.testing.assert_array_equal(grads["b2"], [2.0])


def test_l2_leaves_biases_and_batchnorm_parameters_alone():
    config = MLPConfig((2, 3, 1), loss="mse", l2=2.0, batchnorm=True)
    params = {"W1": np.ones((2, 3)), "gamma1": np.full(3, 10.0), "beta1": np.full(3, -7.0),
              "W2": np.full((3, 1), 2.0), "b2": np.array([5.0])}
    # λ/2 (6·1 + 3·4) = 1 · 18
    assert l2_penalty(params, config) == 18.0
    assert l2_penalty(params, MLPConfig((2, 3, 1), loss="mse", batchnorm=True)) == 0.0


def test_softmax_cross_entropy_by_hand():
    # sizes (1, 2), W = [[0, ln 3]], b = 0, x = 1: logits [0, ln 3], softmax [1/4, 3/4]
    # label 1: loss = −ln(3/4);  dlogits = softmax − onehot = [1/4, −1/4];  dW = x · that
    config = MLPConfig((1, 2))
    params = {"W1": np.array([[0.0, math.log(3.0)]]), "b1": np.zeros(2)}
    loss, grads, _ = loss_and_grads(params, [[1.0]], [1], config)
    assert loss == pytest.approx(-math.log(0.75), rel=1e-14)
    np.testing.assert_allclose(grads["W1"], [[0.25, -0.25]], rtol=1e-14)
    np.testing.assert_allclose(grads["b1"], [0.25, -0.25], rtol=1e-14)


def test_bce_with_logits_by_hand():
    # sizes (1, 1), W = [[ln 3]], b = 0, x = 1: logit ln 3, σ = 3/4; y = 1: loss −ln(3/4)
    # dlogit = σ − y = −1/4
    config = MLPConfig((1, 1), loss="bce_with_logits")
    params = {"W1": np.array([[math.log(3.0)]]), "b1": np.zeros(1)}
    loss, grads, _ = loss_and_grads(params, [[1.0]], [1.0], config)
    assert loss == pytest.approx(-math.log(0.75), rel=1e-14)
    np.testing.assert_allclose(grads["W1"], [[-0.25]], rtol=1e-14)


# ----------------------------------------------------------------------------------------
# train and eval mode


def _bn_dropout_setup(scheme="inverted"):
    config = MLPConfig((3, 4, 2), batchnorm=True, p_drop=0.5, dropout_scheme=scheme,
                       bn_eps=1e-3)
    rng = np.random.default_rng(5)
    params = init_params(config, rng)
    params["gamma1"] = rng.uniform(0.5, 2.0, 4)
    params["beta1"] = rng.normal(size=4)
    running = {"bn1": RunningStats(rng.normal(size=4), rng.uniform(0.5, 2.0, 4))}
    X = rng.normal(size=(5, 3))
    return config, params, running, X


@pytest.mark.parametrize("scheme, scale", [("inverted", 1.0), ("scale_at_test", 0.5)])
def test_eval_mode_uses_running_stats_and_no_dropout(scheme, scale):
    config, params, running, X = _bn_dropout_setup(scheme)
    # independent formula: normalize with the running statistics, ReLU, no units dropped;
    # scale-at-test multiplies by p_keep = 1 − 0.5 instead
    z = X @ params["W1"]
    z = (z - running["bn1"].mean) / np.sqrt(running["bn1"].var + 1e-3)
    h = scale * np.maximum(params["gamma1"] * z + params["beta1"], 0.0)
    expected = h @ params["W2"] + params["b2"]
    out, _, new_running = forward(params, X, config, train=False, running=running)
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-14)
    assert new_running["bn1"] is running["bn1"] or (
        np.array_equal(new_running["bn1"].mean, running["bn1"].mean)
        and np.array_equal(new_running["bn1"].var, running["bn1"].var))


def test_train_mode_uses_batch_stats_masks_and_updates_running():
    config, params, running, X = _bn_dropout_setup()
    masks = (np.array([[1, 0, 1, 1]] * 5, dtype=float),)
    z = X @ params["W1"]
    mu, var = z.mean(axis=0), z.var(axis=0)  # biased, for normalizing
    h = np.maximum(params["gamma1"] * (z - mu) / np.sqrt(var + 1e-3) + params["beta1"], 0.0)
    expected = (h * masks[0] / 0.5) @ params["W2"] + params["b2"]
    out, _, new_running = forward(params, X, config, train=True, masks=masks, running=running)
    np.testing.assert_allclose(out, expected, rtol=1e-13, atol=1e-14)
    # PyTorch's update with momentum 0.1 and the unbiased variance (m/(m−1) = 5/4)
    np.testing.assert_allclose(new_running["bn1"].mean, 0.9 * running["bn1"].mean + 0.1 * mu,
                               rtol=1e-14)
    np.testing.assert_allclose(new_running["bn1"].var,
                               0.9 * running["bn1"].var + 0.1 * z.var(axis=0, ddof=1), rtol=1e-14)


def test_train_mode_without_running_starts_from_zero_mean_unit_variance():
    config, params, _, X = _bn_dropout_setup()
    z = X @ params["W1"]
    _, _, new_running = forward(params, X, config, train=True, rng=np.random.default_rng(0))
    np.testing.assert_allclose(new_running["bn1"].mean, 0.1 * z.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(new_running["bn1"].var, 0.9 + 0.1 * z.var(axis=0, ddof=1),
                               rtol=1e-14)


def test_forward_draws_the_masks_draw_masks_gives():
    config = MLPConfig((3, 6, 5, 2), p_drop=0.5)
    params = init_params(config, np.random.default_rng(0))
    X = np.random.default_rng(1).normal(size=(7, 3))
    drawn, _, _ = forward(params, X, config, train=True, rng=np.random.default_rng(42))
    masks = draw_masks(config, 7, np.random.default_rng(42))
    replayed, caches, _ = forward(params, X, config, train=True, masks=masks)
    np.testing.assert_array_equal(drawn, replayed)
    assert [m.shape for m in masks] == [(7, 6), (7, 5)]
    np.testing.assert_array_equal(caches[0].dropout.mask, masks[0])


def test_predict_is_deterministic_and_is_the_argmax_of_the_eval_logits():
    config, params, running, X = _bn_dropout_setup()
    config = MLPConfig((3, 4, 2), batchnorm=True, p_drop=0.5, bn_eps=1e-3)
    first = predict(params, X, config, running)
    second = predict(params, X, config, running)
    np.testing.assert_array_equal(first, second)
    z = (X @ params["W1"] - running["bn1"].mean) / np.sqrt(running["bn1"].var + 1e-3)
    logits = np.maximum(params["gamma1"] * z + params["beta1"], 0.0) @ params["W2"] + params["b2"]
    np.testing.assert_array_equal(first, logits.argmax(axis=1))
    assert first.dtype == np.int64
    # accuracy against those very labels is 1, against the other class 0
    assert accuracy(params, X, first, config, running) == 1.0
    assert accuracy(params, X, 1 - first, config, running) == 0.0


def test_predict_for_bce_and_mse():
    params = {"W1": np.array([[1.0]]), "b1": np.array([-0.5])}
    X = np.array([[0.0], [1.0], [2.0]])  # logits / outputs: −0.5, 0.5, 1.5
    np.testing.assert_array_equal(predict(params, X, MLPConfig((1, 1), loss="bce_with_logits")),
                                  [0, 1, 1])
    np.testing.assert_array_equal(predict(params, X, MLPConfig((1, 1), loss="mse")),
                                  [-0.5, 0.5, 1.5])


def test_evaluate_leaves_out_the_l2_term():
    config = MLPConfig((2, 2, 1), loss="mse", l2=0.1)
    # the data loss of the hand example is 2 (see test_loss_and_gradients_by_hand); MSE metric too
    assert evaluate(P_HAND, X_HAND, Y_HAND, config) == (2.0, 2.0)
    assert metric_name(config) == "mse"
    assert metric_name(MLPConfig((2, 2))) == "accuracy"


# ----------------------------------------------------------------------------------------
# initialisation


def test_param_shapes_and_init_values():
    config = MLPConfig((3, 5, 4, 2), batchnorm=True)
    assert param_shapes(config) == {
        "W1": (3, 5), "gamma1": (5,), "beta1": (5,),
        "W2": (5, 4), "gamma2": (4,), "beta2": (4,),
        "W3": (4, 2), "b3": (2,),
    }
    params = init_params(config, np.random.default_rng(0))
    assert {k: v.shape for k, v in params.items()} == param_shapes(config)
    np.testing.assert_array_equal(params["gamma1"], np.ones(5))
    np.testing.assert_array_equal(params["beta2"], np.zeros(4))
    np.testing.assert_array_equal(params["b3"], np.zeros(2))
    assert param_shapes(MLPConfig((3, 5, 2))) == {"W1": (3, 5), "b1": (5,), "W2": (5, 2),
                                                  "b2": (2,)}


@pytest.mark.parametrize("init, mode, variance", [
    ("he_normal", "fan_in", 2 / 400),            # He et al.: 2/n_in
    ("he_uniform", "fan_avg", 4 / (400 + 300)),  # seed 004 3.4: 4/(n_in + n_out)
    ("xavier_normal", "fan_in", 2 / (400 + 300)),
    ("normal", "fan_in", 0.05**2),
])
def test_init_variance(init, mode, variance):
    config = MLPConfig((400, 300, 2), init=init, init_mode=mode, init_std=0.05)
    W = init_params(config, np.random.default_rng(0))["W1"]
    # 120 000 draws: the sample variance is within a few percent of the true one
    assert W.var() == pytest.approx(variance, rel=0.03)
    assert abs(W.mean()) < 0.01 * math.sqrt(variance)


def test_init_is_reproducible_and_zeros_init_is_zero():
    config = MLPConfig((3, 5, 2))
    a = init_params(config, np.random.default_rng(3))
    b = init_params(config, np.random.default_rng(3))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    zeros = init_params(MLPConfig((3, 5, 2), init="zeros"), np.random.default_rng(3))
    assert all(not v.any() for v in zeros.values())


# ----------------------------------------------------------------------------------------
# purity


@settings(max_examples=25, deadline=None)
@given(
    X=arrays(np.float64, (4, 3), elements=st.floats(-5, 5)),
    seed=st.integers(0, 2**32 - 1),
    batchnorm=st.booleans(),
    p_drop=st.sampled_from([0.0, 0.5]),
)
def test_no_argument_is_modified(X, seed, batchnorm, p_drop):
    config = MLPConfig((3, 5, 2), batchnorm=batchnorm, p_drop=p_drop, l2=0.1)
    rng = np.random.default_rng(seed)
    params = init_params(config, rng)
    y = rng.integers(0, 2, size=4)
    running = init_running(config)
    before = ({k: v.copy() for k, v in params.items()}, X.copy(), y.copy(),
              {k: (r.mean.copy(), r.var.copy()) for k, r in running.items()})
    loss_and_grads(params, X, y, config, rng=rng if p_drop else None, running=running)
    if batchnorm:
        predict(params, X, config, running)
    assert all(np.array_equal(params[k], before[0][k]) for k in params)
    np.testing.assert_array_equal(X, before[1])
    np.testing.assert_array_equal(y, before[2])
    for k, r in running.items():
        np.testing.assert_array_equal(r.mean, before[3][k][0])
        np.testing.assert_array_equal(r.var, before[3][k][1])


@settings(max_examples=20, deadline=None)
@given(X=arrays(np.float64, (5, 2), elements=st.floats(-10, 10)))
def test_eval_output_of_an_example_does_not_depend_on_the_rest_of_the_batch(X):
    # in eval mode batch norm uses running statistics, so rows are independent
    config = MLPConfig((2, 3, 2), batchnorm=True, p_drop=0.3)
    params = init_params(config, np.random.default_rng(0))
    running = {"bn1": RunningStats(np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 0.5]))}
    full, _, _ = forward(params, X, config, train=False, running=running)
    for i in range(5):
        one, _, _ = forward(params, X[i : i + 1], config, train=False, running=running)
        np.testing.assert_allclose(one, full[i : i + 1], rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------------------------------
# errors


@pytest.mark.parametrize("kwargs, match", [
    ({"sizes": (3,)}, r"at least two entries"),
    ({"sizes": 3}, r"sizes must be a tuple"),
    ({"sizes": (3, 0, 2)}, r"sizes\[1\] must be >= 1, got 0"),
    ({"sizes": (3, 2.5, 2)}, r"sizes\[1\] must be an integer"),
    ({"sizes": (3, 2), "activation": "swish"}, r"activation must be one of .*'swish'"),
    ({"sizes": (3, 2), "loss": "hinge"}, r"loss must be one of"),
    ({"sizes": (3, 1)}, r"needs n_out >= 2 classes"),
    ({"sizes": (3, 4, 2), "l2": -0.1}, r"l2 must be >= 0"),
    ({"sizes": (3, 4, 2), "p_drop": 1.0}, r"p_drop .* must lie in \[0, 1\), got 1.0"),
    ({"sizes": (3, 4, 2), "dropout_scheme": "scaled"}, r"dropout_scheme must be one of"),
    ({"sizes": (3, 2), "p_drop": 0.5}, r"p_drop > 0 acts on hidden layers"),
    ({"sizes": (3, 2), "batchnorm": True}, r"batchnorm=True acts on hidden layers"),
    ({"sizes": (3, 4, 2), "batchnorm": 1}, r"batchnorm must be True or False"),
    ({"sizes": (3, 4, 2), "bn_momentum": 1.5}, r"bn_momentum must lie in \[0, 1\]"),
    ({"sizes": (3, 4, 2), "bn_momentum_convention": "keras"}, r"bn_momentum_convention"),
    ({"sizes": (3, 4, 2), "bn_eps": 0.0}, r"bn_eps must be > 0"),
    ({"sizes": (3, 4, 2), "init": "orthogonal"}, r"init must be one of"),
    ({"sizes": (3, 4, 2), "init_mode": "avg"}, r"init_mode must be one of"),
])
def test_config_errors(kwargs, match):
    with pytest.raises(CourseLibError, match=match):
        MLPConfig(**kwargs)


CFG = MLPConfig((3, 4, 2))


def _params():
    return init_params(CFG, np.random.default_rng(0))


def test_params_errors():
    X = np.zeros((2, 3))
    with pytest.raises(CourseLibError, match=r"missing \['b2'\].*Expected keys"):
        forward({k: v for k, v in _params().items() if k != "b2"}, X, CFG, train=True)
    with pytest.raises(CourseLibError, match=r"unexpected \['W3'\]"):
        forward({**_params(), "W3": np.zeros((2, 2))}, X, CFG, train=True)
    with pytest.raises(CourseLibError, match=r"params\['W1'\] has shape \(4, 3\) .* needs \(3, 4\).*transposed"):
        forward({**_params(), "W1": np.zeros((4, 3))}, X, CFG, train=True)
    with pytest.raises(CourseLibError, match=r"params must be a dict"):
        forward([1, 2], X, CFG, train=True)
    bn = MLPConfig((3, 4, 2), batchnorm=True)
    with pytest.raises(CourseLibError, match=r"no bias b_k: β_k replaces it"):
        forward({**init_params(bn, np.random.default_rng(0)), "b1": np.zeros(4)}, X, bn, train=True)
    with pytest.raises(CourseLibError, match=r"config must be an MLPConfig"):
        forward(_params(), X, {"sizes": (3, 4, 2)}, train=True)


def test_input_and_target_errors():
    with pytest.raises(CourseLibError, match=r"X must have shape \(N, 3\).*got shape \(3,\); for a single example use X.reshape\(1, -1\)"):
        forward(_params(), np.zeros(3), CFG, train=False)
    with pytest.raises(CourseLibError, match=r"X must have shape \(N, 3\).*got shape \(2, 4\)"):
        forward(_params(), np.zeros((2, 4)), CFG, train=False)
    with pytest.raises(CourseLibError, match=r"train must be True .* or False"):
        forward(_params(), np.zeros((2, 3)), CFG, train="yes")
    with pytest.raises(CourseLibError, match=r"y has 3 labels but X has 2 rows"):
        loss_and_grads(_params(), np.zeros((2, 3)), [0, 1, 1], CFG)
    with pytest.raises(CourseLibError, match=r"labels must be integer class indices"):
        loss_and_grads(_params(), np.zeros((2, 3)), [0.0, 1.0], CFG)
    mse = MLPConfig((3, 4, 2), loss="mse")
    with pytest.raises(CourseLibError, match=r"y has shape \(2,\) but the network gives 2 output\(s\)"):
        loss_and_grads(init_params(mse, np.random.default_rng(0)), np.zeros((2, 3)), [0.0, 1.0], mse)
    with pytest.raises(CourseLibError, match=r"accuracy is for classification"):
        accuracy(init_params(mse, np.random.default_rng(0)), np.zeros((2, 3)), [0.0, 1.0], mse)


def test_dropout_and_running_errors():
    drop = MLPConfig((3, 4, 2), p_drop=0.5)
    params = init_params(drop, np.random.default_rng(0))
    X = np.zeros((2, 3))
    with pytest.raises(CourseLibError, match=r"exactly one of rng= .* or masks= .*got neither"):
        forward(params, X, drop, train=True)
    with pytest.raises(CourseLibError, match=r"got both"):
        forward(params, X, drop, train=True, rng=np.random.default_rng(0), masks=[np.ones((2, 4))])
    with pytest.raises(CourseLibError, match=r"masks must be a list of 1 arrays"):
        forward(params, X, drop, train=True, masks=[np.ones((2, 4))] * 2)
    with pytest.raises(CourseLibError, match=r"mask has shape \(2, 3\) but x has shape \(2, 4\)"):
        forward(params, X, drop, train=True, masks=[np.ones((2, 3))])
    with pytest.raises(CourseLibError, match=r"masks were given but p_drop is 0"):
        forward(_params(), X, CFG, train=True, masks=[np.ones((2, 4))])
    with pytest.raises(CourseLibError, match=r"rng must be a numpy.random.Generator"):
        forward(params, X, drop, train=True, rng=0)
    bn = MLPConfig((3, 4, 2), batchnorm=True)
    bn_params = init_params(bn, np.random.default_rng(0))
    with pytest.raises(CourseLibError, match=r"eval mode with batch norm .* pass running="):
        predict(bn_params, X, bn)
    with pytest.raises(CourseLibError, match=r"running must be a dict with keys \['bn1'\]"):
        forward(bn_params, X, bn, train=True, running={"bn2": None})
    with pytest.raises(CourseLibError, match=r"running must be a RunningStats"):
        forward(bn_params, X, bn, train=True, running={"bn1": (0, 1)})
    with pytest.raises(CourseLibError, match=r"rng must be a numpy.random.Generator"):
        init_params(CFG, 0)


# ----------------------------------------------------------------------------------------
# PyTorch as an oracle


@pytest.mark.torch
def test_loss_gradients_and_running_stats_match_torch_autograd():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    config = MLPConfig((3, 5, 4, 3), batchnorm=True, p_drop=0.25, l2=0.05)
    rng = np.random.default_rng(7)
    params = init_params(config, rng)
    for name in params:
        if name.startswith(("gamma", "beta")):
            params[name] = params[name] + rng.normal(scale=0.3, size=params[name].shape)
    X, y = rng.normal(size=(8, 3)), rng.integers(0, 3, size=8)
    masks = draw_masks(config, 8, rng)
    running = init_running(config)
    loss, grads, new_running = loss_and_grads(params, X, y, config, masks=masks, running=running)

    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    stats = {k: (torch.tensor(r.mean), torch.tensor(r.var)) for k, r in running.items()}
    h = torch.tensor(X)
    for k in (1, 2):
        z = F.batch_norm(h @ t[f"W{k}"], *stats[f"bn{k}"], weight=t[f"gamma{k}"],
                         bias=t[f"beta{k}"], training=True, momentum=0.1, eps=1e-5)
        h = torch.relu(z) * torch.tensor(masks[k - 1]) / 0.75
    logits = h @ t["W3"] + t["b3"]
    penalty = sum((t[f"W{k}"] ** 2).sum() for k in (1, 2, 3))
    objective = F.cross_entropy(logits, torch.tensor(y)) + 0.05 / 2 * penalty
    objective.backward()
    assert loss == pytest.approx(objective.item(), rel=1e-12)
    for k in params:
        np.testing.assert_allclose(grads[k], t[k].grad.numpy(), rtol=1e-10, atol=1e-12)
    for k, (mean, var) in stats.items():  # torch updated its buffers in place
        np.testing.assert_allclose(new_running[k].mean, mean.numpy(), rtol=1e-12)
        np.testing.assert_allclose(new_running[k].var, var.numpy(), rtol=1e-12)
