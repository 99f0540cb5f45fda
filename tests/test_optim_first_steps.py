"""The first two steps of every optimizer and form, against arithmetic written out by hand.

Every test starts from w = [1, -2] and feeds the same two gradients, g1 = [0.5, -1] and
g2 = [0.25, 2], so the expected numbers can be followed line by line with the update rule
of the docstring. No expected value comes from course_lib itself.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import pytest

from course_lib import optim

W0 = np.array([1.0, -2.0])
G1 = np.array([0.5, -1.0])
G2 = np.array([0.25, 2.0])


def two_steps(opt):
    """Apply g1 then g2; return (w1, w2, state1, state2) and the two evaluation points."""
    params = {"w": W0.copy()}
    state0 = opt.init(params)
    point0 = opt.eval_point(params, state0)["w"]
    p1, s1 = opt.update(params, {"w": G1}, state0)
    point1 = opt.eval_point(p1, s1)["w"]
    p2, s2 = opt.update(p1, {"w": G2}, s1)
    return p1["w"], p2["w"], s1, s2, point0, point1


def close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-15)


def test_sgd():
    w1, w2, s1, s2, *_ = two_steps(optim.SGD(lr=0.1))
    close(w1, [1 - 0.1 * 0.5, -2 + 0.1 * 1.0])  # [0.95, -1.9]
    close(w2, [0.95 - 0.1 * 0.25, -1.9 - 0.1 * 2.0])  # [0.925, -2.1]
    assert (s1.step, s2.step) == (1, 2)


def test_sgd_weight_decay_shrinks_then_steps():
    # seed 000: W <- (1 - γλ/N) W - γ∇L with γ = 0.1, λ/N = 0.5
    w1, *_ = two_steps(optim.SGD(lr=0.1, weight_decay=0.5))
    close(w1, [0.95 * 1 - 0.1 * 0.5, 0.95 * -2 + 0.1 * 1.0])  # [0.9, -1.8]


def test_momentum_classic():
    w1, w2, s1, s2, *_ = two_steps(optim.Momentum(lr=0.1, beta=0.9, form="classic"))
    close(s1.velocity["w"], [-0.05, 0.1])  # v1 = -0.1 g1
    close(w1, [0.95, -1.9])
    close(s2.velocity["w"], [0.9 * -0.05 - 0.1 * 0.25, 0.9 * 0.1 - 0.1 * 2.0])  # [-0.07, -0.11]
    close(w2, [0.95 - 0.07, -1.9 - 0.11])


def test_momentum_ema():
    w1, w2, s1, s2, *_ = two_steps(optim.Momentum(lr=0.1, beta=0.9, form="ema"))
    close(s1.velocity["w"], [0.1 * 0.5, 0.1 * -1.0])  # v1 = (1 - β) g1
    close(w1, [1 - 0.1 * 0.05, -2 + 0.1 * 0.1])  # [0.995, -1.99]
    close(s2.velocity["w"], [0.9 * 0.05 + 0.1 * 0.25, 0.9 * -0.1 + 0.1 * 2.0])  # [0.07, 0.11]
    close(w2, [0.995 - 0.1 * 0.07, -1.99 - 0.1 * 0.11])


def test_momentum_sum():
    w1, w2, s1, s2, *_ = two_steps(optim.Momentum(lr=0.1, beta=0.9, form="sum"))
    close(s1.velocity["w"], [0.5, -1.0])  # v1 = g1
    close(w1, [0.95, -1.9])
    close(s2.velocity["w"], [0.9 * 0.5 + 0.25, 0.9 * -1.0 + 2.0])  # [0.7, 1.1]
    close(w2, [0.95 - 0.1 * 0.7, -1.9 - 0.1 * 1.1])


def test_nesterov_lookahead_evaluates_ahead():
    w1, w2, _s1, s2, point0, point1 = two_steps(optim.Nesterov(lr=0.1, beta=0.9, form="lookahead"))
    close(point0, W0)  # v0 = 0: the look-ahead point is w itself
    close(w1, [0.95, -1.9])  # v1 = -0.1 g1
    close(point1, [0.95 + 0.9 * -0.05, -1.9 + 0.9 * 0.1])  # w1 + β v1 = [0.905, -1.81]
    close(s2.velocity["w"], [-0.07, -0.11])
    close(w2, [0.88, -2.01])


def test_nesterov_pytorch_form():
    w1, w2, _s1, _s2, _point0, point1 = two_steps(optim.Nesterov(lr=0.1, beta=0.9, form="pytorch"))
    close(point1, w1)  # gradient at the stored parameters
    # b1 = g1; w1 = w0 - 0.1 (g1 + 0.9 b1) = w0 - 0.19 g1
    close(w1, [1 - 0.19 * 0.5, -2 + 0.19 * 1.0])  # [0.905, -1.81]
    # b2 = 0.9 b1 + g2 = [0.7, 1.1]; w2 = w1 - 0.1 (g2 + 0.9 b2)
    close(w2, [0.905 - 0.1 * (0.25 + 0.63), -1.81 - 0.1 * (2.0 + 0.99)])  # [0.817, -2.109]


def test_adagrad_eps_outside_and_inside():
    w1, w2, *_ = two_steps(optim.AdaGrad(lr=0.1, eps=0.01))
    # r1 = g1² = [0.25, 1]; step -0.1 g/(√r + 0.01)
    close(w1, [1 - 0.1 * 0.5 / (0.5 + 0.01), -2 + 0.1 * 1.0 / (1.0 + 0.01)])
    # r2 = [0.25 + 0.0625, 1 + 4]
    close(w2, w1 - 0.1 * G2 / (np.sqrt([0.3125, 5.0]) + 0.01))
    w1_in, *_ = two_steps(optim.AdaGrad(lr=0.1, eps=0.01, eps_inside_sqrt=True))
    close(w1_in, [1 - 0.1 * 0.5 / sqrt(0.25 + 0.01), -2 + 0.1 * 1.0 / sqrt(1.0 + 0.01)])


def test_rmsprop_eps_outside_and_inside():
    w1, w2, s1, s2, *_ = two_steps(optim.RMSProp(lr=0.1, rho=0.9, eps=0.01))
    close(s1.sq_avg["w"], [0.1 * 0.25, 0.1 * 1.0])  # [0.025, 0.1]
    close(w1, [1 - 0.1 * 0.5 / (sqrt(0.025) + 0.01), -2 + 0.1 / (sqrt(0.1) + 0.01)])
    # r2 = 0.9 r1 + 0.1 g2² = [0.0225 + 0.00625, 0.09 + 0.4]
    close(s2.sq_avg["w"], [0.02875, 0.49])
    close(w2, [w1[0] - 0.1 * 0.25 / (sqrt(0.02875) + 0.01), w1[1] - 0.1 * 2.0 / (0.7 + 0.01)])
    w1_in, *_ = two_steps(optim.RMSProp(lr=0.1, rho=0.9, eps=0.01, eps_inside_sqrt=True))
    close(w1_in, [1 - 0.05 / sqrt(0.025 + 0.01), -2 + 0.1 / sqrt(0.1 + 0.01)])


def test_rmsprop_nesterov_goodfellow_8_6():
    w1, w2, s1, _s2, point0, point1 = two_steps(
        optim.RMSPropNesterov(lr=0.1, rho=0.9, beta=0.9, eps=0.0)
    )
    close(point0, W0)
    v1 = [-0.1 * 0.5 / sqrt(0.025), 0.1 * 1.0 / sqrt(0.1)]
    close(s1.velocity["w"], v1)
    close(w1, [1 + v1[0], -2 + v1[1]])
    close(point1, [w1[0] + 0.9 * v1[0], w1[1] + 0.9 * v1[1]])
    v2 = [0.9 * v1[0] - 0.1 * 0.25 / sqrt(0.02875), 0.9 * v1[1] - 0.1 * 2.0 / sqrt(0.49)]
    close(w2, [w1[0] + v2[0], w1[1] + v2[1]])


def test_adadelta_zeiler():
    w1, w2, s1, _s2, *_ = two_steps(optim.Adadelta(rho=0.9, eps=0.01, lr=1.0))
    # r1 = 0.1 g1²; Δ1 = -√(u0 + ε)/√(r1 + ε) g1 with u0 = 0
    d1 = [-sqrt(0.01) / sqrt(0.025 + 0.01) * 0.5, sqrt(0.01) / sqrt(0.1 + 0.01) * 1.0]
    close(w1, [1 + d1[0], -2 + d1[1]])
    u1 = [0.1 * d1[0] ** 2, 0.1 * d1[1] ** 2]
    close(s1.delta_sq_avg["w"], u1)
    d2 = [
        -sqrt(u1[0] + 0.01) / sqrt(0.02875 + 0.01) * 0.25,
        -sqrt(u1[1] + 0.01) / sqrt(0.49 + 0.01) * 2.0,
    ]
    close(w2, [w1[0] + d2[0], w1[1] + d2[1]])
    # lr scales the step, not the accumulated averages (PyTorch's convention)
    w1_half, _, s1_half, *_ = two_steps(optim.Adadelta(rho=0.9, eps=0.01, lr=0.5))
    close(w1_half, [1 + 0.5 * d1[0], -2 + 0.5 * d1[1]])
    close(s1_half.delta_sq_avg["w"], u1)


# Adam with β1 = 0.9, β2 = 0.999, η = 0.1 and a large ε = 1e-3 so its placement shows.
# Step 1: m1 = 0.1 g1 = [0.05, -0.1], s1 = 0.001 g1² = [0.00025, 0.001],
#         m̂1 = m1 / 0.1 = [0.5, -1], ŝ1 = s1 / 0.001 = [0.25, 1].
# Step 2: m2 = 0.9 m1 + 0.1 g2 = [0.07, 0.11], s2 = 0.999 s1 + 0.001 g2² = [0.00031225, 0.004999],
#         1 - β1² = 0.19, 1 - β2² = 0.001999.
ADAM = {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-3}


def test_adam_moments_eps_outside():
    w1, w2, s1, s2, *_ = two_steps(optim.Adam(**ADAM))
    close(s1.m["w"], [0.05, -0.1])
    close(s1.s["w"], [0.00025, 0.001])
    close(w1, [1 - 0.1 * 0.5 / (0.5 + 1e-3), -2 + 0.1 * 1.0 / (1.0 + 1e-3)])
    close(s2.m["w"], [0.07, 0.11])
    close(s2.s["w"], [0.999 * 0.00025 + 0.001 * 0.0625, 0.999 * 0.001 + 0.001 * 4.0])
    m_hat = np.array([0.07, 0.11]) / 0.19
    s_hat = np.array([0.00031225, 0.004999]) / 0.001999
    close(w2, w1 - 0.1 * m_hat / (np.sqrt(s_hat) + 1e-3))


def test_adam_moments_eps_inside():
    w1, *_ = two_steps(optim.Adam(**ADAM, eps_inside_sqrt=True))
    close(w1, [1 - 0.1 * 0.5 / sqrt(0.25 + 1e-3), -2 + 0.1 * 1.0 / sqrt(1.0 + 1e-3)])


def test_adam_step_size_form():
    w1, w2, *_ = two_steps(optim.Adam(**ADAM, bias_correction="step_size"))
    eta1 = 0.1 * sqrt(0.001) / 0.1  # η √(1-β2) / (1-β1)
    close(w1, [1 - eta1 * 0.05 / (sqrt(0.00025) + 1e-3), -2 + eta1 * 0.1 / (sqrt(0.001) + 1e-3)])
    eta2 = 0.1 * sqrt(0.001999) / 0.19
    close(w2, w1 - eta2 * np.array([0.07, 0.11]) / (np.sqrt([0.00031225, 0.004999]) + 1e-3))
    # seed 003 puts ε inside the root as well
    w1_in, *_ = two_steps(optim.Adam(**ADAM, bias_correction="step_size", eps_inside_sqrt=True))
    close(w1_in, [1 - eta1 * 0.05 / sqrt(0.00025 + 1e-3), -2 + eta1 * 0.1 / sqrt(0.001 + 1e-3)])


def test_adam_without_bias_correction():
    w1, *_ = two_steps(optim.Adam(**ADAM, bias_correction="none"))
    close(w1, [1 - 0.1 * 0.05 / (sqrt(0.00025) + 1e-3), -2 + 0.1 * 0.1 / (sqrt(0.001) + 1e-3)])


@pytest.mark.parametrize("scaled, shrink", [(True, 1 - 0.1 * 0.5), (False, 1 - 0.5)])
def test_adamw_decays_the_previous_weights(scaled, shrink):
    opt = optim.AdamW(**ADAM, weight_decay=0.5, decay_scaled_by_lr=scaled)
    w1, *_ = two_steps(opt)
    adam_step = [0.1 * 0.5 / (0.5 + 1e-3), -0.1 * 1.0 / (1.0 + 1e-3)]
    close(w1, [shrink * 1 - adam_step[0], shrink * -2 - adam_step[1]])


def test_adamax():
    w1, w2, s1, s2, *_ = two_steps(optim.Adamax(lr=0.1, beta1=0.9, beta2=0.999, eps=0.0))
    close(s1.u["w"], [0.5, 1.0])  # max(0, |g1|)
    close(w1, [1 - (0.1 / 0.1) * 0.05 / 0.5, -2 + (0.1 / 0.1) * 0.1 / 1.0])  # [0.9, -1.9]
    close(s2.u["w"], [0.999 * 0.5, 2.0])  # max(β2 u1, |g2|) = [0.4995, 2]
    close(w2, [0.9 - (0.1 / 0.19) * 0.07 / 0.4995, -1.9 - (0.1 / 0.19) * 0.11 / 2.0])


def test_adamax_eps_sits_inside_the_max():
    _, _, s1, *_ = two_steps(optim.Adamax(lr=0.1, eps=1e-3))
    close(s1.u["w"], [0.5 + 1e-3, 1.0 + 1e-3])


def test_nadam():
    opt = optim.NAdam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, momentum_decay=0.004)
    w1, w2, s1, _s2, *_ = two_steps(opt)
    mu1 = 0.9 * (1 - 0.5 * 0.96**0.004)
    mu2 = 0.9 * (1 - 0.5 * 0.96**0.008)
    mu3 = 0.9 * (1 - 0.5 * 0.96**0.012)
    # step 1: √(s1 / (1 - β2)) = |g1|
    denom1 = np.abs(G1) + 1e-8
    m1 = 0.1 * G1
    expected1 = W0 - 0.1 * ((1 - mu1) / (1 - mu1) * G1 + mu2 / (1 - mu1 * mu2) * m1) / denom1
    close(w1, expected1)
    assert s1.mu_product == pytest.approx(mu1, rel=1e-15)
    m2 = 0.9 * m1 + 0.1 * G2
    s2_raw = 0.999 * 0.001 * G1**2 + 0.001 * G2**2
    denom2 = np.sqrt(s2_raw / (1 - 0.999**2)) + 1e-8
    g_coef = (1 - mu2) / (1 - mu1 * mu2)
    m_coef = mu3 / (1 - mu1 * mu2 * mu3)
    close(w2, expected1 - 0.1 * (g_coef * G2 + m_coef * m2) / denom2)


# Newton on f(x) = ½ xᵀHx - cᵀx with H = [[2, 1], [1, 2]], c = [1, 1]:
# the minimiser solves Hx = c, x* = [1/3, 1/3].
H = np.array([[2.0, 1.0], [1.0, 2.0]])


def quad_grad(p):
    return {"x": H @ p["x"] - np.array([1.0, 1.0])}


def test_newton_lands_on_the_minimum_of_a_quadratic_in_one_step():
    opt = optim.Newton(hessian=lambda p: H)
    traj = optim.run(opt, quad_grad, {"x": [0.0, 0.0]}, 1)
    close(traj.final["x"], [1 / 3, 1 / 3])


def test_regularized_newton_takes_a_shorter_step():
    # (H + I)^-1 = 1/8 [[3, -1], [-1, 3]]; g(0) = [-1, -1]; step = -(1/8)[-2, -2]
    opt = optim.RegularizedNewton(hessian=lambda p: H, alpha=1.0)
    traj = optim.run(opt, quad_grad, {"x": [0.0, 0.0]}, 1)
    close(traj.final["x"], [0.25, 0.25])


def test_newton_is_drawn_to_a_saddle_and_damping_escapes_it():
    # f = x² - y²: H = diag(2, -2). From (1, 1), g = (2, -2).
    hess = np.diag([2.0, -2.0])

    def grad(p):
        return {"x": hess @ p["x"]}

    newton = optim.run(optim.Newton(hessian=lambda p: hess), grad, {"x": [1.0, 1.0]}, 1)
    close(newton.final["x"], [0.0, 0.0])  # the saddle point
    # H + 3I = diag(5, 1): (1, 1) - (2/5, -2/1) = (0.6, 3): y moves away, downhill
    damped = optim.run(optim.RegularizedNewton(hessian=lambda p: hess, alpha=3.0), grad,
                       {"x": [1.0, 1.0]}, 1)
    close(damped.final["x"], [0.6, 3.0])


def test_newton_over_several_named_parameters():
    # The Hessian is over the parameters flattened in dict order: [a, b0, b1].
    h = np.diag([1.0, 2.0, 4.0])
    opt = optim.Newton(hessian=lambda p: h)
    params = {"a": np.array(1.0), "b": np.array([1.0, 1.0])}
    new, _ = opt.update(params, {"a": np.array(1.0), "b": np.array([2.0, 2.0])}, opt.init(params))
    close(new["a"], 0.0)
    close(new["b"], [0.0, 0.5])
    assert new["a"].shape == () and new["b"].shape == (2,)


def test_clip_by_value():
    out = optim.clip_by_value({"g": [0.5, -3.0, 2.0]}, 1.0)
    close(out["g"], [0.5, -1.0, 1.0])


def test_clip_by_global_norm_keeps_the_direction():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([4.0])}  # global norm 5
    out = optim.clip_by_global_norm(grads, max_norm=1.0)
    close(out["a"], [0.6, 0.0])
    close(out["b"], [0.8])
    assert optim.global_norm(out) == pytest.approx(1.0, rel=1e-15)
    same = optim.clip_by_global_norm(grads, max_norm=10.0)
    close(same["a"], [3.0, 0.0])


def test_clipped_optimizer_clips_before_stepping():
    opt = optim.Clipped(optim.SGD(lr=0.1), max_norm=1.0)
    params = {"a": np.array([0.0, 0.0]), "b": np.array([0.0])}
    new, state = opt.update(params, {"a": [3.0, 0.0], "b": [4.0]}, opt.init(params))
    close(new["a"], [-0.06, 0.0])
    close(new["b"], [-0.08])
    assert state.step == 1
