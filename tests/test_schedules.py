"""Tests for course_lib.schedules: hand-computed values, monotonicity, bad arguments."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib import CourseLibError
from course_lib.schedules import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    InverseSqrtDecay,
    LinearDecay,
    LinearWarmup,
    PiecewiseConstant,
    PolynomialDecay,
    Schedule,
    values,
)

# --- hand-computed values ------------------------------------------------------------


def test_constant():
    s = Constant(0.1)
    assert s(0) == 0.1
    assert s(10**9) == 0.1


def test_piecewise_constant_switches_at_the_boundary():
    s = PiecewiseConstant(boundaries=(10, 20), values=(1.0, 0.1, 0.01))
    assert s(0) == 1.0
    assert s(9) == 1.0
    assert s(10) == 0.1  # the new rate takes effect at t = t_1
    assert s(19) == 0.1
    assert s(20) == 0.01
    assert s(10**6) == 0.01


def test_piecewise_constant_accepts_lists_and_no_boundaries():
    s = PiecewiseConstant([5], [0.5, 0.25])
    assert s.boundaries == (5,)
    assert s.values == (0.5, 0.25)
    assert hash(s) == hash(PiecewiseConstant((5,), (0.5, 0.25)))
    assert PiecewiseConstant((), (0.3,))(100) == 0.3


def test_exponential_decay():
    s = ExponentialDecay(lr0=2.0, rate=0.1)
    assert s(0) == 2.0
    assert s(10) == pytest.approx(2.0 / math.e, rel=1e-15)  # 2·e^(-0.1·10)
    # Seed 002's exponential_lr() increments t first: its first update uses e^(-0.1).
    assert ExponentialDecay(1.0, 0.1)(0 + 1) == pytest.approx(math.exp(-0.1), rel=1e-15)


def test_polynomial_decay():
    # Seed 002's polynomial_lr: (1 + 0.1 t)^(-0.5).
    s = PolynomialDecay(lr0=1.0, alpha=0.5, beta=0.1)
    assert s(0) == 1.0
    assert s(10) == pytest.approx((1 + 1) ** -0.5, rel=1e-15)
    assert s(30) == pytest.approx(0.5, rel=1e-15)  # (1 + 3)^(-1/2)
    assert PolynomialDecay(3.0, 1.0, 0.5)(4) == pytest.approx(1.0, rel=1e-15)  # 3/(1 + 2)


def test_linear_decay_goodfellow_8_14():
    lr0, lr_tau, tau = 0.1, 0.001, 100
    s = LinearDecay(lr0=lr0, lr_final=lr_tau, decay_steps=tau)
    assert s(0) == pytest.approx(0.1, rel=1e-15)
    # k = τ/2: α = 1/2, ε = (0.1 + 0.001)/2
    assert s(50) == pytest.approx(0.0505, rel=1e-14)
    # k = τ/4: α = 1/4, ε = 0.75·0.1 + 0.25·0.001
    assert s(25) == pytest.approx(0.075 + 0.00025, rel=1e-14)
    assert s(100) == 0.001
    assert s(200) == 0.001  # constant after τ


def test_linear_decay_to_zero_is_exact():
    assert values(LinearDecay(1.0, 0.0, 4), 6).tolist() == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]


def test_inverse_sqrt_decay():
    s = InverseSqrtDecay(lr0=1.0, warmup_steps=4)
    # Held at lr0 up to W = 4, then lr0·sqrt(4/t).
    assert [s(t) for t in range(5)] == [1.0] * 5
    assert s(16) == 0.5
    assert s(64) == 0.25
    # W = 1: lr0 at t = 0 and 1, then 1/sqrt(t).
    assert InverseSqrtDecay(2.0)(0) == 2.0
    assert InverseSqrtDecay(2.0)(100) == pytest.approx(0.2, rel=1e-15)


def test_cosine_decay():
    s = CosineDecay(lr0=1.0, decay_steps=10, lr_min=0.1)
    assert s(0) == pytest.approx(1.0, rel=1e-15)  # cos(0) = 1
    # t = T/2: cos(π/2) = 0, so lr_min + (lr0 - lr_min)/2 = 0.1 + 0.45
    assert s(5) == pytest.approx(0.55, rel=1e-14)
    assert s(10) == pytest.approx(0.1, rel=1e-14)  # cos(π) = -1
    assert s(25) == pytest.approx(0.1, rel=1e-14)  # constant beyond T
    # t = T/3: (1 + cos(π/3))/2 = 3/4, so 0.1 + 0.9·0.75
    assert CosineDecay(1.0, 9, 0.1)(3) == pytest.approx(0.1 + 0.675, rel=1e-14)


def test_cosine_decay_matches_torch_closed_form():
    # CosineAnnealingLR: eta_min + (base_lr - eta_min)(1 + cos(π T_cur / T_max))/2.
    base, eta_min, t_max = 0.5, 0.01, 7
    s = CosineDecay(base, t_max, eta_min)
    for t in range(t_max + 1):
        expected = eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2
        assert s(t) == pytest.approx(expected, rel=1e-14)


def test_linear_warmup_ramp():
    s = LinearWarmup(Constant(0.4), warmup_steps=4)
    # 0.4 · t/4 for t < 4, then 0.4
    assert [s(t) for t in range(6)] == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4, 0.4], rel=1e-15)
    # start_factor 0.5: 0.4·(0.5 + 0.5·t/4)
    s = LinearWarmup(Constant(0.4), warmup_steps=4, start_factor=0.5)
    assert [s(t) for t in range(5)] == pytest.approx([0.2, 0.25, 0.3, 0.35, 0.4], rel=1e-15)


def test_linear_warmup_hands_over_with_a_shift():
    after = PiecewiseConstant((3,), (1.0, 0.5))
    s = LinearWarmup(after, warmup_steps=2)
    # t = 0, 1: ramp 1.0·t/2; t = 2..4: after(0..2) = 1.0; t = 5: after(3) = 0.5
    assert [s(t) for t in range(7)] == [0.0, 0.5, 1.0, 1.0, 1.0, 0.5, 0.5]


def test_linear_warmup_accepts_number_and_lambda():
    assert LinearWarmup(0.2, 2)(1) == pytest.approx(0.1)
    assert LinearWarmup(lambda k: 1.0 / (k + 1), 2)(3) == pytest.approx(0.5)  # after(1)
    assert LinearWarmup(0.2, 0)(0) == 0.2  # no warm-up


def test_values():
    v = values(ExponentialDecay(1.0, math.log(2)), 4)
    assert v.dtype == np.float64
    np.testing.assert_allclose(v, [1.0, 0.5, 0.25, 0.125], rtol=1e-15)
    assert values(0.3, 2).tolist() == [0.3, 0.3]
    assert values(Constant(1.0), 0).shape == (0,)


def test_schedules_work_as_optimizer_learning_rates():
    from course_lib import optim

    # Gradient descent on x²/2 (gradient x) with rates 0.5 then 0.25: 8 → 4 → 3.
    sched = PiecewiseConstant((1,), (0.5, 0.25))
    traj = optim.run(optim.SGD(lr=sched), lambda p: {"x": p["x"]}, {"x": 8.0}, n_steps=2)
    assert traj.stack("x").tolist() == [8.0, 4.0, 3.0]


def test_schedules_are_frozen_and_comparable():
    s = CosineDecay(1.0, 10)
    with pytest.raises(AttributeError):
        s.lr0 = 2.0
    assert s == CosineDecay(1.0, 10, 0.0)
    assert isinstance(s, Schedule)


# --- monotonicity and floors (hypothesis) -----------------------------------------

rates = st.floats(0.0, 10.0)
steps = st.integers(0, 10**6)
horizons = st.integers(1, 10**6)


def _check_decays(s, t: int, floor: float) -> None:
    assert s(t + 1) <= s(t)
    assert s(t) >= floor
    assert s(t + 1) >= floor


@given(rates, st.floats(0.0, 5.0), steps)
def test_exponential_decay_never_increases(lr0, rate, t):
    _check_decays(ExponentialDecay(lr0, rate), t, 0.0)


@given(rates, st.floats(0.0, 3.0), st.floats(0.0, 5.0), steps)
def test_polynomial_decay_never_increases(lr0, alpha, beta, t):
    _check_decays(PolynomialDecay(lr0, alpha, beta), t, 0.0)


@given(rates, rates, horizons, steps)
def test_linear_decay_never_increases_and_stays_above_floor(a, b, tau, t):
    lr0, lr_final = max(a, b), min(a, b)
    s = LinearDecay(lr0, lr_final, tau)
    _check_decays(s, t, lr_final)
    assert s(t) <= lr0


@given(rates, horizons, steps)
def test_inverse_sqrt_decay_never_increases(lr0, w, t):
    s = InverseSqrtDecay(lr0, w)
    _check_decays(s, t, 0.0)
    assert s(t) <= lr0


@given(rates, rates, horizons, steps)
def test_cosine_decay_never_increases_and_stays_above_floor(a, b, horizon, t):
    lr0, lr_min = max(a, b), min(a, b)
    s = CosineDecay(lr0, horizon, lr_min)
    _check_decays(s, t, lr_min)
    assert s(t) <= lr0


@given(rates, st.integers(1, 1000), st.floats(0.0, 1.0), st.integers(0, 999))
def test_linear_warmup_never_decreases_during_ramp(peak, w, start, t):
    s = LinearWarmup(Constant(peak), w, start)
    t = t % w
    assert s(t) <= s(t + 1)
    assert s(t) <= peak * (1 + 1e-15)


# --- bad arguments -------------------------------------------------------------------


def test_bad_step():
    s = Constant(0.1)
    with pytest.raises(CourseLibError, match="step must be >= 0, got -1"):
        s(-1)
    with pytest.raises(CourseLibError, match=r"step must be an integer, got 1.5 \(float\)"):
        s(1.5)
    with pytest.raises(CourseLibError, match="step must be an integer"):
        s(True)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Constant(-0.1), "lr must be >= 0, got -0.1"),
        (lambda: Constant(math.nan), "lr must be finite"),
        (lambda: ExponentialDecay(0.1, -1.0), "rate must be >= 0, got -1.0"),
        (lambda: PolynomialDecay(0.1, -0.5, 0.1), "alpha must be >= 0"),
        (lambda: PolynomialDecay(0.1, 0.5, "fast"), "beta must be a real number, got 'fast'"),
        (lambda: LinearDecay(0.1, 0.001, 0), "decay_steps must be >= 1, got 0"),
        (lambda: LinearDecay(0.1, 0.001, 10.0), "decay_steps must be an integer"),
        (lambda: LinearDecay(0.01, 0.1, 10), r"lr_final \(0.1\) must not exceed lr0 \(0.01\)"),
        (lambda: InverseSqrtDecay(1.0, 0), "warmup_steps must be >= 1, got 0"),
        (lambda: CosineDecay(0.1, 10, 0.5), r"lr_min \(0.5\) must not exceed lr0 \(0.1\)"),
        (lambda: CosineDecay(-0.1, 10), "lr0 must be >= 0"),
        (lambda: LinearWarmup("fast", 10), "after must be a real number"),
        (lambda: LinearWarmup(0.1, -1), "warmup_steps must be >= 0, got -1"),
        (lambda: LinearWarmup(0.1, 5, 1.5), r"start_factor must lie in \[0, 1\], got 1.5"),
        (
            lambda: PiecewiseConstant((10, 20), (1.0, 0.1)),
            r"one more entry than boundaries .* got 2 boundaries \(10, 20\) and 2 values",
        ),
        (
            lambda: PiecewiseConstant((10, 10), (1.0, 0.1, 0.01)),
            r"strictly increasing, but boundaries\[0\] = 10 and boundaries\[1\] = 10",
        ),
        (lambda: PiecewiseConstant((0, 10), (1.0, 0.1, 0.01)), "values\\[0\\] would never"),
        (lambda: PiecewiseConstant((-5,), (1.0, 0.1)), r"boundaries\[0\] must be >= 0"),
        (lambda: PiecewiseConstant((5,), (1.0, -0.1)), r"values\[1\] must be >= 0, got -0.1"),
        (lambda: PiecewiseConstant(5, (1.0, 0.1)), "boundaries must be a tuple or list, got 5"),
        (lambda: values(Constant(0.1), -1), "n_steps must be >= 0, got -1"),
        (lambda: values("0.1", 3), "schedule must be a real number"),
    ],
)
def test_bad_arguments(make, message):
    with pytest.raises(CourseLibError, match=message):
        make()


def test_bad_schedule_output_is_reported():
    with pytest.raises(CourseLibError, match="value at step 0 must be >= 0"):
        LinearWarmup(lambda k: -1.0, 3)(1)
