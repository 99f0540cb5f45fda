"""Seed 002's worked examples, each checked against a derivation written out here.

Expected values come from hand arithmetic (exact fractions where the numbers allow), closed
forms, the seed's own code re-typed in plain Python, numpy.linalg, or PyTorch; never from
course_lib. Each erratum also checks that the slide's number is off by more than its
printed precision.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from course_lib.examples import get
from course_lib.examples.seed_002 import EXAMPLES


def _value(eid):
    return get(eid).compute()


def _off_beyond_print(eid, slide, correct):
    """The slide's number misses the correct one by more than half its last digit."""
    ex = get(eid)
    tolerance = 0.0 if ex.decimals is None else 0.5 * 10.0**-ex.decimals
    assert abs(slide - correct) > tolerance, (eid, slide, correct)


def test_ids_unique_ordered_and_from_seed_002():
    ids = [ex.id for ex in EXAMPLES]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("002-") for i in ids)
    assert ids[0] == "002-saddle-point" and ids[-1] == "002-adam-neuron-update"


# --- critical points ----------------------------------------------------------------------


def test_saddle_point():
    # f = x² − y²: ∇f = (2x, −2y) = 0 only at (0, 0); f_xx = 2, f_yy = −2.
    got = _value("002-saddle-point")
    assert got["critical point"] == pytest.approx((0.0, 0.0), abs=1e-12)
    assert got["sign of f_xx"] == 1.0 and got["sign of f_yy"] == -1.0
    # Numerically: second differences of the function itself.
    f, h = (lambda x, y: x * x - y * y), 1e-3
    assert (f(h, 0) - 2 * f(0, 0) + f(-h, 0)) / h**2 == pytest.approx(2.0)
    assert (f(0, h) - 2 * f(0, 0) + f(0, -h)) / h**2 == pytest.approx(-2.0)


def test_second_derivative_zero_is_inconclusive():
    # By hand: x⁴ at ±0.1 is 1e-4 > 0 on both sides (minimum); −x⁴ is −1e-4 on both sides
    # (maximum); x³ is −1e-3 then +1e-3 (neither). Only x³ behaves as the slide's rule says.
    got = _value("002-second-derivative-zero")
    assert got == {"x⁴": (1.0, 1.0), "−x⁴": (-1.0, -1.0), "x³": (-1.0, 1.0)}
    assert get("002-second-derivative-zero").verdict == "erratum"


def _f3(x1, x2, x3):
    return x1 * x1 + x1 * (1 - x2) + x2 * x2 - x2 * x3 + x3 * x3 + x3


def test_three_variable_minimiser():
    # ∇f = H x + c with H = [[2,-1,0],[-1,2,-1],[0,-1,2]], c = (1, 0, 1).
    H = np.array([[2.0, -1, 0], [-1, 2, -1], [0, -1, 2]])
    expected = np.linalg.solve(H, -np.array([1.0, 0, 1]))
    np.testing.assert_allclose(expected, [-1, -1, -1], atol=1e-14)
    np.testing.assert_allclose(_value("002-quadratic-minimiser"), expected, atol=1e-12)
    # The slide's gradient at (−1, −1, −1): −2 + 1 + 1, 1 − 2 + 1, 1 − 2 + 1.
    x1 = x2 = x3 = -1
    assert (2 * x1 + 1 - x2, -x1 + 2 * x2 - x3, -x2 + 2 * x3 + 1) == (0, 0, 0)


def test_three_variable_hessian_by_finite_differences():
    h, x = 1e-3, np.array([-1.0, -1.0, -1.0])
    fd = np.empty((3, 3))
    for i in range(3):
        for j in range(3):
            ei, ej = np.eye(3)[i] * h, np.eye(3)[j] * h
            fd[i, j] = (_f3(*(x + ei + ej)) - _f3(*(x + ei - ej)) - _f3(*(x - ei + ej))
                        + _f3(*(x - ei - ej))) / (4 * h * h)
    np.testing.assert_allclose(fd, [[2, -1, 0], [-1, 2, -1], [0, -1, 2]], atol=1e-6)
    np.testing.assert_array_equal(_value("002-quadratic-hessian"),
                                  [[2, -1, 0], [-1, 2, -1], [0, -1, 2]])


def test_three_variable_eigenvalues():
    # Tridiagonal (−1, 2, −1) of size 3: 2 − 2cos(kπ/4), k = 1, 2, 3 = 2 − √2, 2, 2 + √2.
    got = _value("002-quadratic-eigenvalues")
    assert got["lambda_1"] == pytest.approx(2 + math.sqrt(2), abs=1e-12)
    assert got["lambda_2"] == pytest.approx(2 - math.sqrt(2), abs=1e-12)
    assert got["lambda_3"] == pytest.approx(2.0, abs=1e-12)
    oracle = np.linalg.eigvalsh([[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
    np.testing.assert_allclose(sorted(got.values()), oracle, atol=1e-12)


def test_tanh_derivative_at_4():
    expected = 1 - math.tanh(4.0) ** 2  # 0.0013409...
    assert _value("002-tanh-derivative") == pytest.approx(expected, rel=1e-10)
    assert round(expected, 4) == 0.0013


# --- gradient descent on E(w1, w2) and the bowls --------------------------------------------


def _E(w1, w2):
    return 0.05 + (w1 - 3) ** 2 / 4 + (w2 - 4) ** 2 / 9 - (w1 - 3) * (w2 - 4) / 6


def test_error_surface_minimum():
    # ∂E/∂w = A (w − (3, 4)) with A = [[1/2, −1/6], [−1/6, 2/9]], det 1/12.
    A = np.array([[1 / 2, -1 / 6], [-1 / 6, 2 / 9]])
    assert np.linalg.det(A) == pytest.approx(1 / 12)
    got = _value("002-error-surface-minimum")
    assert (got["w1"], got["w2"]) == pytest.approx((3.0, 4.0), abs=1e-12)
    assert got["E"] == pytest.approx(_E(3.0, 4.0)) == pytest.approx(0.05)


# The gradient at (1.5, 2.0), exactly: ∂E/∂w1 = −3/4 + 1/3 = −5/12, ∂E/∂w2 = −4/9 + 1/4 = −7/36.
G1, G2 = Fraction(-3, 4) + Fraction(1, 3), Fraction(-4, 9) + Fraction(1, 4)
ETA = Fraction(3, 10)


def test_gd_step():
    assert (G1, G2) == (Fraction(-5, 12), Fraction(-7, 36))
    w1, w2 = Fraction(3, 2) - ETA * G1, 2 - ETA * G2
    assert (w1, w2) == (Fraction(13, 8), Fraction(247, 120))  # 1.625, 2.058333...
    assert _value("002-gd-step-w1") == pytest.approx(float(w1), abs=1e-12)
    assert _value("002-gd-step-w2") == pytest.approx(float(w2), abs=1e-12)
    _off_beyond_print("002-gd-step-w2", 2.05, float(w2))
    assert round(float(w2), 2) == 2.06


def _seed_gd(eta):
    """The slide's gd(eta, f_grad) with d2l's f_grad = 2x, typed in again."""
    x = 10.0
    for _ in range(10):
        x -= eta * 2 * x
    return x


def test_gd_learning_rates():
    got = _value("002-gd-learning-rates")
    assert got["eta=0.05"] == pytest.approx(10 * 0.9**10, rel=1e-12) == pytest.approx(_seed_gd(0.05))
    assert got["eta=1.1"] == pytest.approx(10 * 1.2**10, rel=1e-12) == pytest.approx(_seed_gd(1.1))


def test_per_axis_learning_rates():
    # Second derivatives 6, 4, 8 of 3x² + 2y² + 4z²; η_opt = 1/that.
    assert _value("002-lr-per-axis") == (1 / 6, 1 / 4, 1 / 8)


def _worst_factor(eta):
    return max(abs(1 - eta * h) for h in (6.0, 4.0, 8.0))


def test_fastest_learning_rate():
    grid = np.linspace(0.001, 0.249, 24801)
    best = grid[np.argmin([_worst_factor(e) for e in grid])]
    assert best == pytest.approx(1 / 6, abs=1e-5)
    assert _value("002-lr-fastest") == pytest.approx(1 / 6, abs=1e-15)
    # The slide's 1/8 halves the worst coordinate per step; 1/6 divides it by 3.
    assert _worst_factor(1 / 8) == pytest.approx(0.5)
    assert _worst_factor(1 / 6) == pytest.approx(1 / 3)
    _off_beyond_print("002-lr-fastest", 0.125, 1 / 6)


def _z_after(eta, steps=200):
    z = 1.0
    for _ in range(steps):
        z -= eta * 8 * z
    return abs(z)


def test_largest_convergent_and_divergent_rates():
    assert min(2 / 6, 2 / 4, 2 / 8) == 0.25
    assert _value("002-lr-largest-convergent") == pytest.approx(0.25, abs=1e-15)
    assert _value("002-lr-divergence") == pytest.approx(0.25, abs=1e-15)
    assert _z_after(0.24) < 1e-6 and _z_after(0.26) > 1e3 and _z_after(0.33) > 1e30
    _off_beyond_print("002-lr-largest-convergent", 0.33, 0.25)


# --- SGD and schedules --------------------------------------------------------------------


def test_sgd_noise_floor():
    # x' = a x − η ξ with a = 1 − 2η = 0.8 (x1) or 1 − 4η = 0.6 (x2), η = 0.1:
    # v = a² v + η² ⇒ v = 0.01/(1 − 0.64) = 1/36 and 0.01/(1 − 0.36) = 1/64.
    v1 = Fraction(1, 100) / (1 - Fraction(16, 25))
    v2 = Fraction(1, 100) / (1 - Fraction(9, 25))
    assert (v1, v2) == (Fraction(1, 36), Fraction(1, 64))
    assert _value("002-sgd-noise-floor") == pytest.approx((1 / 36, 1 / 64), rel=1e-12)


def _seed_exponential_lr():
    t = 0
    while True:  # the slide's exponential_lr with its global t
        t += 1
        yield math.exp(-0.1 * t)


def _seed_polynomial_lr():
    t = 0
    while True:
        t += 1
        yield (1 + 0.1 * t) ** (-0.5)


@pytest.mark.parametrize(("eid", "gen", "first"), [
    ("002-exponential-lr-counter", _seed_exponential_lr, 1.0),
    ("002-polynomial-lr-counter", _seed_polynomial_lr, 1.0),
])
def test_schedule_counters(eid, gen, first):
    g = gen()
    seed = tuple(next(g) for _ in range(3))
    got = _value(eid)
    seed_key, ours_key = list(got)
    assert got[seed_key] == pytest.approx(seed, rel=1e-12)
    # Counting updates from 0, the first rate is η0 and the rest shift by one.
    assert got[ours_key] == pytest.approx((first, seed[0], seed[1]), rel=1e-12)


def test_exponential_decay_stalls_polynomial_converges():
    x_exp, x_poly = -5.0, -5.0
    for t in range(1, 1001):
        x_exp -= 0.1 * math.exp(-0.1 * t) * 2 * x_exp
    for t in range(1, 51):
        x_poly -= 0.1 * (1 + 0.1 * t) ** -0.5 * 2 * x_poly
    got = _value("002-decay-stall")
    assert got["exponential, x1 after 1000 steps"] == pytest.approx(x_exp, rel=1e-12)
    assert got["polynomial, x1 after 50 steps"] == pytest.approx(x_poly, rel=1e-12)
    # The total step budget of the exponential schedule is finite: η Σ e^(−0.1t).
    assert 0.1 / (math.exp(0.1) - 1) == pytest.approx(0.950833, abs=1e-6)
    assert x_exp == pytest.approx(-0.676305, abs=1e-6)


def test_minibatch_counts():
    assert _value("002-minibatch-count") == 4_000_000 // 1000 == 4000
    assert _value("002-minibatch-loop-range") == 4000
    assert len(list(range(1, 4000))) == 3999  # what the slide's loop visits
    _off_beyond_print("002-minibatch-loop-range", 3999.0, 4000.0)


# --- momentum -----------------------------------------------------------------------------


def test_ellipsoid_gradient_descent():
    # Each step multiplies x1 by 1 − 0.2η and x2 by 1 − 4η.
    got = _value("002-ellipsoid-gd")
    for eta in (0.4, 0.6):
        expected = (-5 * (1 - 0.2 * eta) ** 20, -2 * (1 - 4 * eta) ** 20)
        assert got[f"eta={eta}"] == pytest.approx(expected, rel=1e-12)
    assert got["eta=0.6"][1] == pytest.approx(-2 * 1.4**20)


def _momentum_closed_form(h, x0, eta, beta, ema, steps=20):
    """[x, v] after ``steps`` of v' = βv + c h x, x' = x − ηv' (c = 1, or 1 − β for ema)."""
    c = 1 - beta if ema else 1.0
    M = np.array([[1 - eta * c * h, -eta * beta], [c * h, beta]])
    return (np.linalg.matrix_power(M, steps) @ [x0, 0.0])[0]


def test_ellipsoid_momentum_per_form():
    got = _value("002-ellipsoid-momentum")
    sum_key, ema_key = list(got)
    for beta in (0.5, 0.25):
        for key, ema in ((sum_key, False), (ema_key, True)):
            expected = (_momentum_closed_form(0.2, -5.0, 0.6, beta, ema),
                        _momentum_closed_form(4.0, -2.0, 0.6, beta, ema))
            assert got[key][f"beta={beta}"] == pytest.approx(expected, rel=1e-10, abs=1e-14)
    # The claims: β = 0.5 ends near the minimum, β = 0.25 far from it.
    assert np.hypot(*got[sum_key]["beta=0.5"]) < 0.01 < 0.2 < np.hypot(*got[sum_key]["beta=0.25"])


def test_ellipsoid_momentum_against_torch():
    torch = pytest.importorskip("torch")
    for beta in (0.5, 0.25):
        x = torch.tensor([-5.0, -2.0], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([x], lr=0.6, momentum=beta)  # v = βv + g, the sum form
        for _ in range(20):
            opt.zero_grad()
            (0.1 * x[0] ** 2 + 2 * x[1] ** 2).backward()
            opt.step()
        got = _value("002-ellipsoid-momentum")
        key = next(k for k in got if k.startswith("sum"))
        assert got[key][f"beta={beta}"] == pytest.approx(x.detach().tolist(), rel=1e-10)


def test_momentum_forms_first_step():
    plain = (Fraction(3, 2) - ETA * G1, 2 - ETA * G2)  # from rest: classic = sum = GD
    ema = (Fraction(3, 2) - ETA * Fraction(2, 5) * G1, 2 - ETA * Fraction(2, 5) * G2)
    assert ema == (Fraction(31, 20), Fraction(607, 300))  # 1.55, 2.02333...
    got = _value("002-momentum-forms")
    classic, summed, averaged = (got[k] for k in got)
    for pair, exact in ((classic, plain), (summed, plain), (averaged, ema)):
        assert pair == pytest.approx(tuple(float(v) for v in exact), abs=1e-12)


def test_effective_number_of_gradients():
    got = _value("002-effective-gradients")
    assert got["beta=0.9"] == pytest.approx(1 / (1 - 0.9), rel=1e-12)
    assert got["beta=0.6"] == pytest.approx(sum(0.6**k for k in range(200)), rel=1e-12)


def test_momentum_step():
    # w + βΔw − η∂E/∂w with Δw = (0.5, 1.0).
    w = (Fraction(3, 2) - ETA * G1, 2 - ETA * G2)
    right = (w[0] + Fraction(3, 5) * Fraction(1, 2), w[1] + Fraction(3, 5))
    slide_rule = (w[0] + Fraction(9, 10) * Fraction(1, 2), w[1] + Fraction(9, 10))
    assert right == (Fraction(77, 40), Fraction(319, 120))  # 1.925, 2.6583
    assert slide_rule == (Fraction(83, 40), Fraction(355, 120))  # 2.075, 2.9583
    assert _value("002-momentum-step") == pytest.approx(tuple(map(float, right)), abs=1e-12)
    for slide, correct in zip((2.075, 2.958), right, strict=True):
        _off_beyond_print("002-momentum-step", slide, float(correct))


# --- adaptive methods ---------------------------------------------------------------------


def test_adagrad_first_step():
    # g = (0.2·(−5), 4·(−2)) = (−1, −8); s = g²; w − η g/√(s + ε).
    expected = (-5 + 0.4 * 1 / math.sqrt(1 + 1e-6), -2 + 0.4 * 8 / math.sqrt(64 + 1e-6))
    assert _value("002-adagrad-first-step") == pytest.approx(expected, rel=1e-13)


def test_adagrad_rate_decay():
    got = _value("002-adagrad-rate-decay")
    for t in (1, 4, 100):  # s_t = t·1², step η·1/√(t + ε)
        assert got[f"t={t}"] == pytest.approx(0.4 / math.sqrt(t + 1e-6), rel=1e-12)


def _seed_rmsprop(steps):
    """The slide's rmsprop_2d with d2l's eta, gamma = 0.4, 0.9, run like d2l's train_2d."""
    eta, gamma = 0.4, 0.9
    x1, x2, s1, s2 = -5.0, -2.0, 0.0, 0.0
    for _ in range(steps):
        g1, g2, eps = 0.2 * x1, 4 * x2, 1e-6
        s1 = gamma * s1 + (1 - gamma) * g1**2
        s2 = gamma * s2 + (1 - gamma) * g2**2
        x1 -= eta / math.sqrt(s1 + eps) * g1
        x2 -= eta / math.sqrt(s2 + eps) * g2
    return x1, x2


def test_rmsprop_example():
    first = (-5 + 0.4 / math.sqrt(0.1 + 1e-6), -2 + 0.4 * 8 / math.sqrt(6.4 + 1e-6))
    assert _seed_rmsprop(1) == pytest.approx(first, rel=1e-14)
    assert _value("002-rmsprop-first-step") == pytest.approx(first, rel=1e-12)
    assert _value("002-rmsprop-example") == pytest.approx(_seed_rmsprop(20), rel=1e-9, abs=1e-13)


def test_adam_averaging_windows():
    got = _value("002-adam-averaging-windows")
    assert got["beta1=0.9"] == pytest.approx(10.0, rel=1e-12)
    assert got["beta2=0.999"] == pytest.approx(1000.0, rel=1e-12)


def test_adam_eps_placement():
    # First step: v̂ = g, ŝ = g², g = −1e-4, ε = 1e-8, η = 0.1, w0 = 0.
    g, eps = 1e-4, 1e-8
    inside, outside = 0.1 * g / math.sqrt(g * g + eps), 0.1 * g / (math.sqrt(g * g) + eps)
    assert inside == pytest.approx(0.1 / math.sqrt(2))
    got = list(_value("002-adam-eps-placement").values())
    assert got == pytest.approx([inside, outside], rel=1e-10)


# The single neuron, by hand: z = −2·3.5 − 2 = −9, y = 0.5, η = 0.1, β1 = 0.9, β2 = 0.99.
Y_HAT = 1 / (1 + math.exp(9.0))
LOSS = -(0.5 * math.log(Y_HAT) + 0.5 * math.log(1 - Y_HAT))
GW, GB = (Y_HAT - 0.5) * 3.5, Y_HAT - 0.5
MW, MB = 0.1 * GW, 0.1 * GB
RW, RB = 0.01 * GW**2, 0.01 * GB**2
W_NEW = -2 - 0.1 * (MW / 0.1) / (math.sqrt(RW / 0.01) + 1e-8)
B_NEW = -2 - 0.1 * (MB / 0.1) / (math.sqrt(RB / 0.01) + 1e-8)


def test_adam_neuron_hand_values():
    assert Y_HAT == pytest.approx(1.2339458e-4, rel=1e-7)
    assert LOSS == pytest.approx(4.5001234, abs=1e-7)
    assert (W_NEW, B_NEW) == pytest.approx((-1.9, -1.9), abs=1e-8)
    assert _value("002-adam-neuron-yhat") == pytest.approx(Y_HAT, rel=1e-12)
    assert _value("002-adam-neuron-loss") == pytest.approx(LOSS, rel=1e-12)
    assert _value("002-adam-neuron-grad-w") == pytest.approx(GW, rel=1e-12)
    assert _value("002-adam-neuron-grad-b") == pytest.approx(GB, rel=1e-12)
    assert _value("002-adam-neuron-first-moment-w") == pytest.approx(MW, rel=1e-12)
    assert _value("002-adam-neuron-first-moment-b") == pytest.approx(MB, rel=1e-12)
    assert _value("002-adam-neuron-second-moments") == pytest.approx({"r_W": RW, "r_B": RB})
    assert _value("002-adam-neuron-corrected-first") == pytest.approx(
        {"s_W_hat": GW, "s_B_hat": GB}, rel=1e-12)
    assert _value("002-adam-neuron-corrected-second") == pytest.approx(
        {"r_W_hat": GW**2, "r_B_hat": GB**2}, rel=1e-12)
    assert _value("002-adam-neuron-update") == pytest.approx({"w": W_NEW, "b": B_NEW}, abs=1e-12)


def test_adam_neuron_against_torch():
    torch = pytest.importorskip("torch")
    w = torch.tensor([-2.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([-2.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w, b], lr=0.1, betas=(0.9, 0.99), eps=1e-8)
    z = w * 3.5 + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(
        z, torch.tensor([0.5], dtype=torch.float64))
    loss.backward()
    grads = (float(w.grad[0]), float(b.grad[0]))
    opt.step()
    state_w, state_b = opt.state[w], opt.state[b]
    w, b, loss = w.detach(), b.detach(), loss.detach()
    assert _value("002-adam-neuron-loss") == pytest.approx(float(loss), rel=1e-12)
    assert (_value("002-adam-neuron-grad-w"), _value("002-adam-neuron-grad-b")) == pytest.approx(
        grads, rel=1e-12)
    assert _value("002-adam-neuron-first-moment-w") == pytest.approx(
        float(state_w["exp_avg"][0]), rel=1e-12)
    assert _value("002-adam-neuron-second-moments")["r_B"] == pytest.approx(
        float(state_b["exp_avg_sq"][0]), rel=1e-12)
    assert _value("002-adam-neuron-update") == pytest.approx(
        {"w": float(w[0]), "b": float(b[0])}, abs=1e-12)


def test_adam_neuron_slide_numbers_are_off():
    off = _off_beyond_print
    off("002-adam-neuron-yhat", 0.0180, Y_HAT)
    off("002-adam-neuron-loss", 4.0076, LOSS)
    off("002-adam-neuron-grad-w", -0.493, GW)
    off("002-adam-neuron-grad-b", -0.482, GB)
    off("002-adam-neuron-first-moment-w", 0.04437, MW)
    off("002-adam-neuron-first-moment-b", 0.04382, MB)
    off("002-adam-neuron-second-moments", 0.0001216, RW)
    off("002-adam-neuron-second-moments", 0.0001168, RB)
    off("002-adam-neuron-corrected-first", 0.4437, GW)
    off("002-adam-neuron-corrected-first", 0.4382, GB)
    off("002-adam-neuron-corrected-second", 0.0608, GW**2)
    off("002-adam-neuron-corrected-second", 0.0584, GB**2)
    off("002-adam-neuron-update", -2.081, W_NEW)
    off("002-adam-neuron-update", -2.079, B_NEW)


def test_adam_neuron_slide_chain():
    # Where each wrong number enters, from the slide's own earlier numbers:
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    assert round(s(-4.0), 4) == 0.0180  # ŷ with x left out
    assert -(0.5 * math.log(0.018) + 0.5 * math.log(0.982)) == pytest.approx(2.0178, abs=1e-4)
    assert (0.0180 - 0.5) * 3.5 == pytest.approx(-1.687)  # not −0.493
    assert 0.1 * -0.493 == pytest.approx(-0.0493)  # not +0.04437
    assert 0.9 * 0.1 * 0.493 == pytest.approx(0.04437)  # the slide's s_W: sign and β1 slips
    assert 0.9 * 0.1 * 0.482 == pytest.approx(0.04338)  # the same slip misses s_B = 0.04382
    assert 0.0001216 / 0.001 == pytest.approx(0.1216)  # not 0.0608 = 0.0001216/0.002
    assert -2 - 0.1 * 0.4437 / math.sqrt(0.0608) == pytest.approx(-2.1799, abs=1e-4)
    assert -2 - 0.1 * 0.4382 / math.sqrt(0.0584) == pytest.approx(-2.1813, abs=1e-4)
