"""Tests for course_lib.early_stopping: Algorithms 7.1-7.3 on curves and toy problems
whose numbers are worked out by hand in each test."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import CourseLibError, optim
from course_lib.data import Dataset, Split
from course_lib.early_stopping import (
    EarlyStoppingResult,
    StoppingPoint,
    early_stopping,
    retrain_for_best_steps,
    stopping_step,
    train_until_below,
)

CURVE = [5, 4, 3, 3.5, 3.2, 3.1, 2.9, 3.0, 3.3, 3.4]


# --- Algorithm 7.1 on hand-made curves --------------------------------------------------


def test_worked_curve_patience_2():
    # i=1: 5 < ∞ -> v=5, i*=1 | i=2: 4 < 5 -> i*=2 | i=3: 3 < 4 -> i*=3, v=3
    # i=4: 3.5 ≥ 3 -> j=1 | i=5: 3.2 ≥ 3 -> j=2 = p: stop. (2.9 at i=7 is never seen.)
    assert stopping_step(CURVE, eval_every=1, patience=2) == StoppingPoint(best_step=3, stopped_at=5)


def test_worked_curve_patience_3():
    # as above, then i=6: 3.1 ≥ 3 -> j=3 = p: stop, still i*=3
    assert stopping_step(CURVE, eval_every=1, patience=3) == (3, 6)


def test_worked_curve_patience_4_reaches_the_later_minimum():
    # i=6: j=3 < 4 | i=7: 2.9 < 3 -> j=0, i*=7 | i=8,9,10: 3.0, 3.3, 3.4 -> j=1,2,3
    # the curve ends at i=10 before j reaches 4
    assert stopping_step(CURVE, eval_every=1, patience=4) == (7, 10)


def test_worked_curve_with_eval_every_5():
    # the k-th value is measured after 5k steps: i*=3·5, stop after the 5th evaluation
    assert stopping_step(CURVE, eval_every=5, patience=2) == (15, 25)


def test_ties_are_not_improvements():
    # i=2: 2 < 3 -> i*=2 | i=3: 2 is not < 2 -> j=1 | i=4: j=2 = p: stop
    assert stopping_step([3, 2, 2, 2, 1], patience=2) == (2, 4)
    # with p=3: i=5: 1 < 2 -> i*=5, and the curve ends
    assert stopping_step([3, 2, 2, 2, 1], patience=3) == (5, 5)


def test_ties_keep_the_earlier_parameters():
    curve = [3.0, 2.0, 2.0, 2.5]
    result = early_stopping(
        lambda step, n: step + n, lambda step: curve[step - 1], 0, eval_every=1, patience=2
    )
    assert result.best_params == 2 and result.best_error == 2.0


def test_improving_curve_hits_max_steps():
    result = early_stopping(
        lambda step, n: step + n,
        lambda step: 1.0 / step,  # always improving: Algorithm 7.1 alone would never stop
        0,
        eval_every=3,
        patience=2,
        max_steps=10,
    )
    # evaluations at 3, 6, 9; a fourth chunk would end at 12 > 10
    assert result.stopped_at == 9 and result.best_step == 9
    assert result.stopped_early is False
    assert result.best_error == pytest.approx(1 / 9)


def test_stopping_by_patience_is_reported():
    result = early_stopping(
        lambda step, n: step + n, lambda step: CURVE[step - 1], 0, eval_every=1, patience=2
    )
    assert result.stopped_early is True
    assert result.history == ((1, 5.0), (2, 4.0), (3, 3.0), (4, 3.5), (5, 3.2))
    np.testing.assert_array_equal(result.steps, [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(result.errors, [5, 4, 3, 3.5, 3.2])


def test_best_params_are_restored_not_the_last():
    calls = []

    def train_steps(step, n):
        calls.append(n)
        return step + n  # the "parameters" are the step counter

    result = early_stopping(
        train_steps, lambda step: CURVE[step // 2 - 1], 0, eval_every=2, patience=3
    )
    # evaluations at 2, 4, 6 (3.0: best), 8, 10, 12 -> three worse in a row
    assert isinstance(result, EarlyStoppingResult)
    assert result.best_params == 6 == result.best_step
    assert result.last_params == 12 == result.stopped_at
    assert result.best_error == 3.0
    assert calls == [2] * 6


def test_best_params_survive_a_trainer_that_edits_in_place():
    def train_in_place(params, n):
        params["w"] += n  # bad style, but a student may write it
        return params

    curve = {1.0: 2.0, 2.0: 1.0, 3.0: 1.5, 4.0: 1.7}
    params0 = {"w": np.array(0.0)}
    result = early_stopping(
        train_in_place, lambda p: curve[float(p["w"])], params0, eval_every=1, patience=2
    )
    assert result.best_step == 2
    assert float(result.best_params["w"]) == 2.0  # not 4.0, where training stopped
    assert float(result.last_params["w"]) == 4.0


def test_no_improvement_ever_returns_the_initial_parameters():
    result = early_stopping(
        lambda step, n: step + n, lambda step: math.nan, 0, eval_every=1, patience=3
    )
    assert result.best_step == 0 and result.best_params == 0
    assert result.best_error == math.inf and result.stopped_at == 3


def test_divergence_to_nan_stops_and_keeps_the_best():
    curve = [2.0, 1.0, math.inf, math.nan, math.nan]
    assert stopping_step(curve, patience=2) == (2, 4)


def test_patience_none_runs_to_the_end_and_picks_the_best():
    # seed 003: run until the maximum number of iterations, pick the least validation error
    assert stopping_step([3, 2, 4, 5, 6, 1.5, 7], patience=None) == (6, 7)
    # with patience 2 the same curve stops at 4 with i*=2
    assert stopping_step([3, 2, 4, 5, 6, 1.5, 7], patience=2) == (2, 4)


def test_consecutive_increases_rule_of_seed_003():
    # increases over the previous value: 3->3.5 (1), 3.5->3.2 (reset), ..., 2.9->3.0 (1),
    # 3.0->3.3 (2) = p: stop at i=9; the best so far is 2.9 at i=7
    assert stopping_step(CURVE, patience=2, rule="consecutive_increases") == (7, 9)


def test_rules_differ_on_a_plateau():
    plateau = [3, 2, 2, 2, 2, 2, 1]
    # no improvement at i=3, 4 -> stop at 4
    assert stopping_step(plateau, patience=2) == (2, 4)
    # a flat curve is not increasing, so seed 003's rule goes on and finds the 1 at i=7
    assert stopping_step(plateau, patience=2, rule="consecutive_increases") == (7, 7)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"eval_every": 1, "patience": 0}, r"patience must be >= 1, got 0"),
        ({"eval_every": 0, "patience": 2}, r"eval_every must be >= 1, got 0"),
        ({"eval_every": 1, "patience": 1.5}, r"patience must be an integer, got 1.5"),
        ({"eval_every": 5, "patience": 2, "max_steps": 4}, r"max_steps=4 is less than eval_every=5, so not even one evaluation would fit"),
        ({"eval_every": 1, "patience": None}, r"patience=None never stops early, so it needs max_steps"),
        ({"eval_every": 1, "patience": 2, "rule": "window"}, r"rule must be one of 'no_improvement', 'consecutive_increases', got 'window'"),
    ],
)
def test_early_stopping_bad_arguments(kwargs, message):
    with pytest.raises(CourseLibError, match=message):
        early_stopping(lambda p, n: p + n, lambda p: 1.0, 0, **kwargs)


def test_early_stopping_bad_callbacks():
    with pytest.raises(CourseLibError, match=r"train_steps must be a function \(params, n\) -> params"):
        early_stopping(None, lambda p: 1.0, 0, eval_every=1, patience=1)
    with pytest.raises(CourseLibError, match=r"validation_error must be a function params -> float"):
        early_stopping(lambda p, n: p, 3.0, 0, eval_every=1, patience=1)
    with pytest.raises(CourseLibError, match=r"validation_error must return a single number, got 'low' \(str\) after 1 training steps"):
        early_stopping(lambda p, n: p, lambda p: "low", 0, eval_every=1, patience=1)


def test_stopping_step_bad_curves():
    with pytest.raises(CourseLibError, match=r"validation_curve must be a non-empty 1-D sequence, got shape \(0,\)"):
        stopping_step([], patience=1)
    with pytest.raises(CourseLibError, match=r"validation_curve must be a non-empty 1-D sequence, got shape \(2, 2\)"):
        stopping_step([[1, 2], [3, 4]], patience=1)
    with pytest.raises(CourseLibError, match=r"validation_curve must be a sequence of numbers"):
        stopping_step(["a", "b"], patience=1)


# --- Algorithms 7.2 and 7.3 on 1-D least squares, y ≈ w·x with x = 1 ---------------------
#
# With every x equal to 1, J(w) = mean((w - y)²) = (w - ȳ)² + var(y), whose gradient is
# 2(w - ȳ); gradient descent with η = 1/4 gives w ← w - ½(w - ȳ) = ½w + ½ȳ, so from w = 0
# w_t = ȳ(1 - 2^-t).


def ones_dataset(*y: float) -> Dataset:
    return Dataset(np.ones((len(y), 1)), np.array(y, dtype=float))


def loss(params, data):
    return float(np.mean((params["w"] * data.X[:, 0] - data.y) ** 2))


def train(params, data, n_steps):
    def grad(p):
        residual = p["w"] * data.X[:, 0] - data.y
        return {"w": np.array(2 * np.mean(data.X[:, 0] * residual))}

    return optim.run(optim.SGD(lr=0.25), grad, params, n_steps).final


def zero_init(rng):
    return {"w": np.array(0.0)}


EMPTY = ones_dataset()


def test_retrain_for_best_steps_by_hand():
    # subtrain y = (1, 3): ȳ = 2, w_t = 2 - 2^(1-t) = 1, 1.5, 1.75, 1.875
    # valid y = 1.6: J_val = (w - 1.6)² = 0.36, 0.01, 0.0225, 0.075625 -> i* = 2, stop at 4
    # all data y = (1, 3, 1.6): ȳ = 28/15, w ← ½w + 14/15: 14/15, then 7/15 + 14/15 = 1.4
    data = Split(train=ones_dataset(1, 3), val=ones_dataset(1.6), test=EMPTY)
    result = retrain_for_best_steps(
        np.random.default_rng(0), data, init_params=zero_init, train=train, loss=loss,
        eval_every=1, patience=2,
    )
    assert result.best_step == 2 == result.retrain_steps
    assert result.early_stopping.stopped_at == 4
    np.testing.assert_allclose(result.early_stopping.errors, [0.36, 0.01, 0.0225, 0.075625], rtol=1e-12)
    assert float(result.early_stopping.best_params["w"]) == pytest.approx(1.5, rel=1e-15)
    assert float(result.params["w"]) == pytest.approx(1.4, rel=1e-14)


def test_retrain_matching_passes_instead_of_updates():
    # 3 examples instead of 2: round(2 · 3/2) = 3 steps, w_3 = ½·1.4 + 14/15 = 49/30
    data = Split(train=ones_dataset(1, 3), val=ones_dataset(1.6), test=EMPTY)
    result = retrain_for_best_steps(
        np.random.default_rng(0), data, init_params=zero_init, train=train, loss=loss,
        eval_every=1, patience=2, match="passes",
    )
    assert result.best_step == 2 and result.retrain_steps == 3
    assert float(result.params["w"]) == pytest.approx(49 / 30, rel=1e-14)


def test_retrain_uses_fresh_random_parameters_and_never_the_test_set():
    seen_sizes, inits = [], []

    def init(rng):
        inits.append(float(rng.normal()))
        return {"w": np.array(inits[-1])}

    def recording_train(params, data, n):
        seen_sizes.append(data.n_samples)
        return train(params, data, n)

    def recording_loss(params, data):
        seen_sizes.append(data.n_samples)
        return loss(params, data)

    data = Split(train=ones_dataset(1, 3), val=ones_dataset(1.6), test=ones_dataset(*[9.0] * 7))
    result = retrain_for_best_steps(
        np.random.default_rng(3), data, init_params=init, train=recording_train,
        loss=recording_loss, eval_every=1, patience=2,
    )
    assert 7 not in seen_sizes  # the test set (7 examples) is never used
    assert set(seen_sizes) == {1, 2, 3}  # valid, subtrain, all training data
    g = np.random.default_rng(3)
    assert inits == [g.normal(), g.normal()]  # θ drawn twice from the caller's rng
    # retraining for i* steps from w0: w_t = ȳ + (w0 - ȳ)·2^-t with ȳ = 28/15
    w0, ybar, i = inits[1], 28 / 15, result.best_step
    assert float(result.params["w"]) == pytest.approx(ybar + (w0 - ybar) * 2.0**-i, rel=1e-13)


def test_train_until_below_by_hand():
    # subtrain y = (0, 2): ȳ = 1, w_t = 1 - 2^-t = 0.5, 0.75, 0.875, 0.9375
    # valid y = 2.5: J_val = (w - 2.5)² keeps falling, so max_steps=4 ends the first run
    # with i* = 4, θ* = 0.9375 and ε = J_sub(θ*) = (0.9375 - 1)² + 1 = 1.00390625.
    # All data y = (0, 2, 2.5): ȳ = 1.5, so after k more steps w = 1.5 - 0.5625·2^-k and
    # J_val = (1 + 0.5625·2^-k)² ≤ ε  ⟺  0.5625·2^-k ≤ √ε - 1 = 0.0019512  ⟺  2^k ≥ 288.3,
    # i.e. k = 9 (k = 8 gives 1.0043994 > ε).
    data = Split(train=ones_dataset(0, 2), val=ones_dataset(2.5), test=EMPTY)
    result = train_until_below(
        np.random.default_rng(0), data, init_params=zero_init, train=train, loss=loss,
        eval_every=1, patience=2, max_steps=4, max_extra_steps=100,
    )
    first = result.early_stopping
    assert first.best_step == 4 and first.stopped_early is False
    assert result.epsilon == pytest.approx(1.00390625, rel=1e-14)
    assert result.reached is True and result.extra_steps == 9
    assert float(result.params["w"]) == pytest.approx(1.5 - 0.5625 / 2**9, rel=1e-14)
    expected = [(1 + 0.5625 * 2.0**-k) ** 2 for k in range(10)]
    assert [s for s, _ in result.history] == list(range(10))
    np.testing.assert_allclose([v for _, v in result.history], expected, rtol=1e-12)
    assert result.final_val_loss <= result.epsilon < result.history[-2][1]


def test_train_until_below_reports_when_max_extra_steps_runs_out():
    # the same problem needs 9 extra steps; with chunks of 2 the checks are at 2, 4, 6, 8 and
    # a fifth chunk would end at 10 > 9
    data = Split(train=ones_dataset(0, 2), val=ones_dataset(2.5), test=EMPTY)
    result = train_until_below(
        np.random.default_rng(0), data, init_params=zero_init, train=train, loss=loss,
        eval_every=2, patience=2, max_steps=4, max_extra_steps=9,
    )
    assert result.reached is False and result.extra_steps == 8
    assert result.final_val_loss == pytest.approx((1 + 0.5625 / 2**8) ** 2, rel=1e-12)


def test_train_until_below_can_never_reach_a_noisy_validation_set():
    # subtrain y = (1, 3): J_sub = (w - 2)² + 1; as above i* = 2, θ* = 1.5, ε = 1.25
    # valid y = (-0.4, 3.6): J_val = (w - 1.6)² + 4 ≥ 4 > ε for every w: Algorithm 7.3 as
    # written would loop forever
    data = Split(train=ones_dataset(1, 3), val=ones_dataset(-0.4, 3.6), test=EMPTY)
    result = train_until_below(
        np.random.default_rng(0), data, init_params=zero_init, train=train, loss=loss,
        eval_every=1, patience=2, max_extra_steps=20,
    )
    assert result.early_stopping.best_step == 2
    np.testing.assert_allclose(result.early_stopping.errors, [4.36, 4.01, 4.0225, 4.075625], rtol=1e-12)
    assert result.epsilon == pytest.approx(1.25, rel=1e-14)
    assert result.reached is False and result.extra_steps == 20
    assert all(v >= 4.0 for _, v in result.history)


def test_train_until_below_may_need_no_extra_steps():
    # the data of the 7.2 test: θ* = 1.5, ε = J_sub(1.5) = 1.25 (subtrain y = (1, 3)),
    # J_val(1.5) = 0.01 ≤ ε already
    data = Split(train=ones_dataset(1, 3), val=ones_dataset(1.6), test=EMPTY)
    result = train_until_below(
        np.random.default_rng(0), data, init_params=zero_init, train=train, loss=loss,
        eval_every=1, patience=2, max_extra_steps=10,
    )
    assert result.reached is True and result.extra_steps == 0
    assert result.history == ((0, pytest.approx(0.01, rel=1e-12)),)
    assert float(result.params["w"]) == pytest.approx(1.5, rel=1e-15)


def test_fake_trainer_with_formula_losses_stops_at_equality():
    # params = (steps on subtrain, steps on all data); the losses are formulas with
    # dyadic numbers, so every value below is exact in floating point:
    # J_sub = 1/(1 + a + b); J_val = (a - 3)²/8 + 0.625 - 0.0625·b
    # first run: J_val(a) = 1.125, 0.75, 0.625, 0.75, 1.125 -> i* = 3 (patience 2, stop at 5)
    # ε = 1/(1 + 3) = 0.25; J_val(3, b) = 0.625 - 0.0625·b > 0.25 ⟺ b < 6: the loop
    # "while J_val > ε" stops at b = 6, where J_val equals ε exactly
    def fake_train(params, data, n):
        a, b = params
        return (a + n, b) if data.n_samples == 2 else (a, b + n)

    def fake_loss(params, data):
        a, b = params
        if data.n_samples == 2:  # subtrain
            return 1 / (1 + a + b)
        return (a - 3) ** 2 / 8 + 0.625 - 0.0625 * b

    data = Split(train=ones_dataset(0, 0), val=ones_dataset(0), test=EMPTY)
    result = train_until_below(
        np.random.default_rng(0), data, init_params=lambda rng: (0, 0), train=fake_train,
        loss=fake_loss, eval_every=1, patience=2, max_extra_steps=50,
    )
    assert result.early_stopping.best_step == 3 and result.early_stopping.stopped_at == 5
    assert result.early_stopping.errors.tolist() == [1.125, 0.75, 0.625, 0.75, 1.125]
    assert result.epsilon == 0.25
    assert result.extra_steps == 6 and result.params == (3, 6) and result.reached
    assert result.final_val_loss == 0.25


@pytest.mark.parametrize("algorithm", [retrain_for_best_steps, train_until_below])
def test_meta_algorithms_bad_arguments(algorithm):
    good = {"init_params": zero_init, "train": train, "loss": loss, "eval_every": 1, "patience": 2}
    if algorithm is train_until_below:
        good["max_extra_steps"] = 5
    data = Split(train=ones_dataset(1, 3), val=ones_dataset(1.6), test=EMPTY)
    rng = np.random.default_rng(0)
    with pytest.raises(CourseLibError, match=r"data must be a Split whose train part is the subtraining set"):
        algorithm(rng, ones_dataset(1, 2), **good)
    with pytest.raises(CourseLibError, match=r"data needs a non-empty train and val part, got 2 and 0 examples"):
        algorithm(rng, Split(ones_dataset(1, 3), EMPTY, EMPTY), **good)
    with pytest.raises(CourseLibError, match=r"rng must be a numpy.random.Generator"):
        algorithm(0, data, **good)
    with pytest.raises(CourseLibError, match=r"train must be a function \(params, dataset, n_steps\) -> params"):
        algorithm(rng, data, **{**good, "train": "sgd"})
    with pytest.raises(CourseLibError, match=r"patience must be >= 1, got 0"):
        algorithm(rng, data, **{**good, "patience": 0})


def test_meta_algorithm_specific_bad_arguments():
    data = Split(train=ones_dataset(1, 3), val=ones_dataset(1.6), test=EMPTY)
    rng = np.random.default_rng(0)
    common = {"init_params": zero_init, "train": train, "loss": loss, "eval_every": 1, "patience": 2}
    with pytest.raises(CourseLibError, match=r"match must be one of 'updates', 'passes', got 'epochs'"):
        retrain_for_best_steps(rng, data, **common, match="epochs")
    with pytest.raises(CourseLibError, match=r"max_extra_steps must be >= 0, got -1"):
        train_until_below(rng, data, **common, max_extra_steps=-1)
