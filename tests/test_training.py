"""course_lib.training: learning, early stopping and restoring, schedules, determinism,
errors, and a smoke run of the layer benchmark."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import CourseLibError, data, optim
from course_lib.mlp import (
    MLPConfig,
    accuracy,
    evaluate,
    init_params,
    init_running,
    loss_and_grads,
)
from course_lib.schedules import LinearDecay, PiecewiseConstant
from course_lib.training import History, TrainResult, train


def _moons(seed: int = 0, n: int = 300, noise: float = 0.15):
    rng = np.random.default_rng(seed)
    moons = data.two_moons(rng, n, noise=noise)
    return data.train_val_test_split(rng, moons.X, moons.y, val_fraction=0.3,
                                     test_fraction=0.0)


def _overfit_setting(seed: int = 1):
    """30 noisy two-moons points to fit, 300 to validate on, a wide network: it overfits.

    With noise 0.4 the two classes overlap, so fitting the 30 training points ever more
    closely (the training loss keeps falling) makes the validation loss rise after a few
    epochs.
    """
    rng = np.random.default_rng(seed)
    moons = data.two_moons(rng, 330, noise=0.4)
    train_set = data.Dataset(moons.X[:30], moons.y[:30])
    val_set = data.Dataset(moons.X[30:], moons.y[30:])
    return rng, train_set, val_set


# ----------------------------------------------------------------------------------------
# learning


def test_training_on_two_moons_lowers_the_loss_and_reaches_95_percent():
    split = _moons()
    config = MLPConfig((2, 16, 16, 2))
    rng = np.random.default_rng(0)
    result = train(config, init_params(config, rng), split.train, split.val,
                   optim.Adam(lr=0.02), epochs=40, batch_size=32, rng=rng)
    history = result.history
    assert isinstance(result, TrainResult) and isinstance(history, History)
    # from about ln 2 ≈ 0.69 (chance) in the first epoch to far below
    assert history.train_loss[-1] < 0.2 * history.train_loss[0]
    assert history.val_metric[-1] >= 0.95
    assert accuracy(result.params, *split.val, config) >= 0.95
    assert history.metric == "accuracy"
    # 210 training examples in batches of 32: ceil(210 / 32) = 7 steps per epoch
    assert split.train.n_samples == 210
    assert history.steps_per_epoch == 7
    assert history.lrs.shape == history.step_losses.shape == (40 * 7,)
    np.testing.assert_array_equal(history.epochs, np.arange(1, 41))
    np.testing.assert_array_equal(history.val_epochs, np.arange(1, 41))


def test_epoch_loss_is_the_size_weighted_mean_of_its_step_losses():
    split = _moons(n=100)  # 70 training examples: batches of 32, 32 and 6
    config = MLPConfig((2, 8, 2), l2=0.01)
    rng = np.random.default_rng(0)
    result = train(config, init_params(config, rng), split.train, split.val,
                   optim.SGD(lr=0.1), epochs=3, batch_size=32, rng=rng)
    steps = result.history.step_losses.reshape(3, 3)
    np.testing.assert_allclose(result.history.train_loss, steps @ np.array([32, 32, 6]) / 70,
                               rtol=1e-14)


def test_one_full_batch_sgd_epoch_is_one_gradient_step():
    # batch_size = n: one step per epoch, w1 = w0 − η ∇J(w0), whatever the shuffle
    split = _moons(n=60)
    config = MLPConfig((2, 6, 2), l2=0.1)
    params0 = init_params(config, np.random.default_rng(4))
    X, y = split.train
    result = train(config, params0, split.train, split.val, optim.SGD(lr=0.5), epochs=1,
                   batch_size=X.shape[0], rng=np.random.default_rng(0))
    loss, grads, _ = loss_and_grads(params0, X, y, config)
    for k in params0:
        np.testing.assert_allclose(result.last.params[k], params0[k] - 0.5 * grads[k],
                                   rtol=1e-12, atol=1e-14)
    assert result.history.step_losses[0] == pytest.approx(loss, rel=1e-12)


def test_regression_records_the_mse_as_the_metric():
    rng = np.random.default_rng(0)
    train_set = data.regression_1d(rng, 40, noise_std=0.1)
    val_set = data.regression_1d(rng, 40, noise_std=0.1)
    config = MLPConfig((1, 16, 1), loss="mse", activation="tanh", init="xavier_normal")
    result = train(config, init_params(config, rng), train_set, val_set, optim.Adam(lr=0.02),
                   epochs=30, batch_size=8, rng=rng)
    history = result.history
    assert history.metric == "mse"
    np.testing.assert_array_equal(history.val_metric, history.val_loss)
    # var(sin 2πx) = 1/2 on [0, 1]: predicting a constant would score about 0.5
    assert history.val_loss[-1] < 0.25 < 0.5 < history.val_loss[0] + 0.5


def test_eval_every():
    split = _moons(n=60)
    config = MLPConfig((2, 4, 2))
    rng = np.random.default_rng(0)
    result = train(config, init_params(config, rng), split.train, split.val,
                   optim.SGD(lr=0.1), epochs=6, batch_size=14, rng=rng, eval_every=2)
    np.testing.assert_array_equal(result.history.val_epochs, [2, 4, 6])
    assert result.history.train_loss.shape == (6,)


def test_training_without_validation_returns_the_last_parameters():
    split = _moons(n=60)
    config = MLPConfig((2, 4, 2))
    rng = np.random.default_rng(0)
    result = train(config, init_params(config, rng), split.train, None, optim.SGD(lr=0.1),
                   epochs=3, batch_size=14, rng=rng)
    assert result.stopped_epoch == 3 and not result.stopped_early and not result.restored
    assert result.history.val_loss.size == 0
    assert result.params is result.last.params


# ----------------------------------------------------------------------------------------
# early stopping


def test_early_stopping_restores_the_best_epochs_parameters():
    rng, train_set, val_set = _overfit_setting()
    config = MLPConfig((2, 64, 64, 2))
    params0 = init_params(config, rng)
    patience = 10
    run = dict(config=config, params0=params0, train_set=train_set, val_set=val_set,
               optimizer=optim.Adam(lr=0.002), batch_size=10, rng=np.random.default_rng(7))
    result = train(**run, epochs=400, patience=patience)
    history = result.history

    # it did overfit: validation loss up, training loss down after the best epoch
    best = result.best_epoch
    assert result.stopped_early
    assert 1 < best < result.stopped_epoch < 400
    assert history.val_loss[-1] > history.val_loss[best - 1]
    assert history.train_loss[-1] < history.train_loss[best - 1]
    # Algorithm 7.1: best = the strict minimum, and p evaluations in a row without a new best
    assert best == history.val_epochs[np.argmin(history.val_loss)]
    assert result.stopped_epoch == best + patience
    assert result.best_val_loss == history.val_loss.min()

    # the parameters recorded at the best epoch: the same run stopped there
    replay = train(**run, epochs=best, restore_best=False)
    assert replay.stopped_epoch == best
    for k in params0:
        np.testing.assert_array_equal(result.params[k], replay.params[k])
    assert result.best.opt_state.step == replay.last.opt_state.step == best * 3
    # and they score what was recorded then
    assert evaluate(result.params, *val_set, config).loss == history.val_loss[best - 1]
    # the last parameters are kept too, and differ
    assert not np.array_equal(result.last.params["W1"], result.params["W1"])


def test_early_stopping_restores_the_running_statistics_of_the_best_epoch():
    rng, train_set, val_set = _overfit_setting()
    config = MLPConfig((2, 32, 32, 2), batchnorm=True)
    run = dict(config=config, params0=init_params(config, rng), train_set=train_set,
               val_set=val_set, optimizer=optim.Adam(lr=0.01), batch_size=10,
               rng=np.random.default_rng(3))
    result = train(**run, epochs=200, patience=5)
    assert result.stopped_early and result.best_epoch < result.stopped_epoch
    replay = train(**run, epochs=result.best_epoch, restore_best=False)
    for k in init_running(config):
        np.testing.assert_array_equal(result.running[k].mean, replay.running[k].mean)
        np.testing.assert_array_equal(result.running[k].var, replay.running[k].var)
        assert not np.array_equal(result.running[k].mean, result.last.running[k].mean)


def test_restore_best_false_returns_the_last_parameters():
    rng, train_set, val_set = _overfit_setting()
    config = MLPConfig((2, 16, 2))
    result = train(config, init_params(config, rng), train_set, val_set, optim.Adam(lr=0.01),
                   epochs=30, batch_size=10, rng=rng, restore_best=False)
    assert not result.restored
    assert result.params is result.last.params


# ----------------------------------------------------------------------------------------
# schedules, determinism, purity


def test_recorded_learning_rates_are_the_schedules_values():
    split = _moons(n=58)  # 41 training examples in batches of 10: 5 steps per epoch
    config = MLPConfig((2, 4, 2))
    params0 = init_params(config, np.random.default_rng(0))
    schedule = LinearDecay(lr0=0.1, lr_final=0.0, decay_steps=10)
    # ε_k = 0.1 (1 − k/10) for k ≤ 10, then 0: 0.1, 0.09, ..., 0.01, then 0 for 5 more steps
    expected = [0.1 * (1 - k / 10) for k in range(10)] + [0.0] * 5
    for opt in (optim.SGD(lr=schedule), optim.Momentum(lr=schedule, beta=0.9),
                optim.Adam(lr=schedule), optim.Clipped(optim.SGD(lr=schedule), max_norm=1.0)):
        result = train(config, params0, split.train, split.val, opt, epochs=3, batch_size=10,
                       rng=np.random.default_rng(0))
        np.testing.assert_allclose(result.history.lrs, expected, rtol=1e-15, atol=1e-17)
    # with learning rate 0 from step 10 on, the last epoch leaves SGD's parameters alone
    steps = PiecewiseConstant(boundaries=(5,), values=(0.05, 0.01))
    result = train(config, params0, split.train, split.val, optim.SGD(lr=steps), epochs=2,
                   batch_size=10, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(result.history.lrs, [0.05] * 5 + [0.01] * 5)
    constant = train(config, params0, split.train, split.val, optim.SGD(lr=0.3), epochs=1,
                     batch_size=10, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(constant.history.lrs, [0.3] * 5)


def test_same_seed_same_run_and_the_generator_is_not_advanced():
    split = _moons(n=80)
    config = MLPConfig((2, 8, 8, 2), p_drop=0.3, batchnorm=True)
    params0 = init_params(config, np.random.default_rng(0))
    rng = np.random.default_rng(123)
    state = rng.bit_generator.state

    def run(generator):
        return train(config, params0, split.train, split.val, optim.Momentum(lr=0.05),
                     epochs=4, batch_size=8, rng=generator)

    first = run(rng)
    assert rng.bit_generator.state == state
    second = run(rng)
    other = run(np.random.default_rng(124))
    np.testing.assert_array_equal(first.history.step_losses, second.history.step_losses)
    np.testing.assert_array_equal(first.history.val_loss, second.history.val_loss)
    for k in params0:
        np.testing.assert_array_equal(first.params[k], second.params[k])
    assert not np.array_equal(first.history.step_losses, other.history.step_losses)


def test_arguments_are_not_modified():
    split = _moons(n=60)
    config = MLPConfig((2, 6, 2), batchnorm=True, p_drop=0.2)
    params0 = init_params(config, np.random.default_rng(0))
    running0 = init_running(config)
    copies = ({k: v.copy() for k, v in params0.items()}, split.train.X.copy(),
              split.train.y.copy(), running0["bn1"].mean.copy(), running0["bn1"].var.copy())
    train(config, params0, split.train, split.val, optim.Adam(lr=0.01), epochs=2,
          batch_size=14, rng=np.random.default_rng(0), running0=running0)
    assert all(np.array_equal(params0[k], copies[0][k]) for k in params0)
    np.testing.assert_array_equal(split.train.X, copies[1])
    np.testing.assert_array_equal(split.train.y, copies[2])
    np.testing.assert_array_equal(running0["bn1"].mean, copies[3])
    np.testing.assert_array_equal(running0["bn1"].var, copies[4])


# ----------------------------------------------------------------------------------------
# errors


def test_bad_arguments():
    split = _moons(n=60)  # 42 training examples
    config = MLPConfig((2, 4, 2))
    params0 = init_params(config, np.random.default_rng(0))
    args = (config, params0, split.train, split.val, optim.SGD(lr=0.1))
    ok = dict(epochs=2, batch_size=8, rng=np.random.default_rng(0))
    with pytest.raises(CourseLibError, match=r"epochs=5 is not a multiple of eval_every=2: the last 1 epoch"):
        train(*args, **{**ok, "epochs": 5}, eval_every=2)
    with pytest.raises(CourseLibError, match=r"batch_size=50 is larger than the training set \(42 examples\)"):
        train(*args, **{**ok, "batch_size": 50})
    with pytest.raises(CourseLibError, match=r"patience=3 needs a validation set"):
        train(*args[:3], None, args[4], **ok, patience=3)
    with pytest.raises(CourseLibError, match=r"patience must be >= 1, got 0"):
        train(*args, **ok, patience=0)
    with pytest.raises(CourseLibError, match=r"epochs must be >= 1"):
        train(*args, **{**ok, "epochs": 0})
    with pytest.raises(CourseLibError, match=r"optimizer must be a course_lib optimizer"):
        train(*args[:4], "sgd", **ok)
    with pytest.raises(CourseLibError, match=r"rng must be a numpy.random.Generator"):
        train(*args, **{**ok, "rng": 0})
    with pytest.raises(CourseLibError, match=r"train_set.X must have shape \(n, 2\)"):
        train(config, params0, (np.zeros((5, 3)), np.zeros(5)), split.val, args[4], **ok)
    with pytest.raises(CourseLibError, match=r"val_set has 18 examples in X but y has shape \(17,\)"):
        train(config, params0, split.train, (split.val.X, split.val.y[:-1]), args[4], **ok)
    with pytest.raises(CourseLibError, match=r"train_set must be a pair \(X, y\)"):
        train(config, params0, split.train.X, split.val, args[4], **ok)
    bn = MLPConfig((2, 4, 2), batchnorm=True)
    with pytest.raises(CourseLibError, match=r"last minibatch of every epoch has a single example"):
        # 42 = 41 + 1: batches of 41 leave one example over
        train(bn, init_params(bn, np.random.default_rng(0)), split.train, split.val,
              optim.SGD(lr=0.1), epochs=1, batch_size=41, rng=np.random.default_rng(0))
    with pytest.raises(CourseLibError, match=r"params do not match"):
        train(bn, params0, split.train, split.val, optim.SGD(lr=0.1), **ok)


def test_divergence_is_reported():
    split = _moons(n=60)
    config = MLPConfig((2, 8, 1), loss="mse")
    X, y = split.train
    with pytest.raises(CourseLibError, match=r"training diverged in epoch \d+, update \d+ \(learning rate 1000\).*try a smaller learning rate"):
        train(config, init_params(config, np.random.default_rng(0)), (X, y.astype(float)), None,
              optim.SGD(lr=1e3), epochs=50, batch_size=42, rng=np.random.default_rng(0))


# ----------------------------------------------------------------------------------------
# the benchmark runs


def test_bench_layers_smoke():
    from tests.benchmarks import bench_layers

    out = bench_layers.main(["--bn-rows", "8", "--bn-cols", "4", "--bn-calls", "1",
                             "--sizes", "64,8,10", "--n-train", "64", "--batch-size", "16",
                             "--rounds", "1", "--settle", "0"])
    assert "batchnorm 8x4" in out
    assert "MLP (64, 8, 10) epoch, n=64, batch 16" in out
