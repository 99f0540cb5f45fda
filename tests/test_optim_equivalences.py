"""Equivalences and differences between optimizers that the course teaches, as tests.

Each runs full trajectories on a seeded least-squares problem (coupled curvature, two
parameter blocks) rather than one step, so an agreement cannot be an accident of t = 1.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import optim
from tests.torch_oracle import make_problem

PROBLEM = make_problem(seed=7)
N = 60


def trajectory(opt, grad_fn=PROBLEM.grad):
    traj = optim.run(opt, grad_fn, PROBLEM.params0(), N)
    return np.concatenate([traj.stack("W").reshape(N + 1, -1), traj.stack("b")], axis=1)


def assert_same(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)


def assert_differ(a, b, at_least=1e-6):
    gap = np.abs(a - b).max()
    assert gap > at_least, f"expected the runs to differ, max gap {gap:.3g}"


def test_classic_and_sum_momentum_agree_at_constant_lr():
    assert_same(
        trajectory(optim.Momentum(lr=0.05, beta=0.9, form="classic")),
        trajectory(optim.Momentum(lr=0.05, beta=0.9, form="sum")),
    )


def test_classic_and_sum_momentum_differ_under_a_schedule():
    # "classic" bakes each step's η into the velocity; "sum" applies today's η to all of it.
    def halving(step):
        return 0.05 * 0.5 ** (step // 10)

    assert_differ(
        trajectory(optim.Momentum(lr=halving, beta=0.9, form="classic")),
        trajectory(optim.Momentum(lr=halving, beta=0.9, form="sum")),
    )


def test_ema_momentum_is_sum_momentum_with_scaled_lr():
    beta = 0.8
    assert_same(
        trajectory(optim.Momentum(lr=0.2, beta=beta, form="ema")),
        trajectory(optim.Momentum(lr=0.2 * (1 - beta), beta=beta, form="sum")),
    )


@pytest.mark.parametrize("form", optim.MOMENTUM_FORMS)
def test_momentum_with_beta_zero_is_sgd(form):
    assert_same(trajectory(optim.Momentum(lr=0.1, beta=0.0, form=form)), trajectory(optim.SGD(lr=0.1)))


def test_nesterov_lookahead_is_pytorch_form_after_change_of_variables():
    beta = 0.9
    look = optim.run(optim.Nesterov(lr=0.05, beta=beta, form="lookahead"), PROBLEM.grad,
                     PROBLEM.params0(), N)
    torch_form = optim.run(optim.Nesterov(lr=0.05, beta=beta, form="pytorch"), PROBLEM.grad,
                           PROBLEM.params0(), N)
    for p_look, s_look, p_torch in zip(look.params, look.states, torch_form.params, strict=True):
        for k in ("W", "b"):
            # PyTorch's parameters are the look-ahead point w + βv
            assert_same(p_torch[k], p_look[k] + beta * s_look.velocity[k])


def test_nesterov_differs_from_plain_momentum():
    assert_differ(
        trajectory(optim.Nesterov(lr=0.05, beta=0.9)),
        trajectory(optim.Momentum(lr=0.05, beta=0.9)),
    )


def test_adam_bias_corrections_agree_without_eps():
    for inside in (False, True):
        assert_same(
            trajectory(optim.Adam(lr=0.01, eps=0.0, eps_inside_sqrt=inside, bias_correction="moments")),
            trajectory(optim.Adam(lr=0.01, eps=0.0, eps_inside_sqrt=inside, bias_correction="step_size")),
        )


def test_adam_bias_corrections_differ_with_eps():
    assert_differ(
        trajectory(optim.Adam(lr=0.01, eps=1e-3, bias_correction="moments")),
        trajectory(optim.Adam(lr=0.01, eps=1e-3, bias_correction="step_size")),
    )


def test_adam_moments_form_is_step_size_form_with_rescaled_eps_in_the_first_step():
    # t = 1, β2 = 0.999: "moments" with ε equals "step_size" with ε·√(1 - β2) (ε outside).
    params, grads = {"w": np.array([1.0, -2.0])}, {"w": np.array([0.3, 0.01])}
    a = optim.Adam(lr=0.1, eps=1e-2)
    b = optim.Adam(lr=0.1, eps=1e-2 * np.sqrt(1 - 0.999), bias_correction="step_size")
    pa, _ = a.update(params, grads, a.init(params))
    pb, _ = b.update(params, grads, b.init(params))
    assert_same(pa["w"], pb["w"])


def test_adamw_without_decay_is_adam():
    assert_same(
        trajectory(optim.AdamW(lr=0.01, weight_decay=0.0)),
        trajectory(optim.Adam(lr=0.01)),
    )


def test_l2_in_the_gradient_is_weight_decay_for_sgd():
    lam = 0.3
    assert_same(
        trajectory(optim.SGD(lr=0.1), optim.l2_regularized(PROBLEM.grad, lam)),
        trajectory(optim.SGD(lr=0.1, weight_decay=lam)),
    )


def test_l2_in_the_gradient_is_not_weight_decay_for_adam():
    lam = 0.3
    l2 = trajectory(optim.Adam(lr=0.01), optim.l2_regularized(PROBLEM.grad, lam))
    decoupled = trajectory(optim.AdamW(lr=0.01, weight_decay=lam))
    assert_differ(l2, decoupled, at_least=1e-3)


def test_l2_regularized_can_leave_biases_alone():
    grad_fn = optim.l2_regularized(PROBLEM.grad, 0.5, exclude=("b",))
    params = PROBLEM.params0()
    plain, penalized = PROBLEM.grad(params), grad_fn(params)
    assert_same(penalized["b"], plain["b"])
    assert_same(penalized["W"], plain["W"] + 0.5 * params["W"])


def test_rmsprop_is_adam_without_momentum_or_bias_correction():
    # seed 003: "When β1 = 0, Adam is almost the same as RMSProp besides the correction term"
    assert_same(
        trajectory(optim.Adam(lr=0.01, beta1=0.0, beta2=0.9, bias_correction="none")),
        trajectory(optim.RMSProp(lr=0.01, rho=0.9)),
    )


def test_clipping_with_a_huge_threshold_changes_nothing():
    assert_same(
        trajectory(optim.Clipped(optim.Adam(lr=0.01), max_norm=1e12, clip_value=1e12)),
        trajectory(optim.Adam(lr=0.01)),
    )
