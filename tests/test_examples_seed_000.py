"""Seed 000's worked examples, each checked against a derivation written out here.

Expected numbers come from hand arithmetic (with ``math``), from an independent numpy
re-implementation of the seed's own pseudo-code, or from PyTorch as an oracle (skipped
where torch is missing); never from the course_lib function an entry calls.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib.examples import get
from course_lib.examples.entry import flatten_numbers

TIGHT = 1e-12


def value(eid: str):
    return get(eid).compute()


def assert_close(ours, expected, tol=TIGHT):
    a, b = flatten_numbers(ours), flatten_numbers(expected)
    assert len(a) == len(b), (ours, expected)
    for x, y in zip(a, b, strict=True):
        assert abs(x - y) <= tol, (ours, expected)


def test_every_entry_of_seed_000_is_tested_here():
    from course_lib.examples.seed_000 import EXAMPLES

    # every entry is tested below, and the ids follow the order of the seed
    in_seed_order = [
        "000-l2-penalty-scaling", "000-l1-penalty-scaling", "000-network-penalties",
        "000-l2-gradient", "000-weight-decay-step", "000-backprop-pseudocode",
        "000-minibatch-counts", "000-ewa-unrolled-weights", "000-ewa-window",
        "000-ewa-bias-correction-first-values", "000-ewa-bias-divisors",
        "000-momentum-first-step", "000-momentum-forms", "000-rmsprop-first-step",
        "000-rmsprop-eps-placement", "000-adam-first-step", "000-adam-bias-correction",
    ]
    assert [ex.id for ex in EXAMPLES] == in_seed_order
    assert all(ex.source == "000_5706ef904043657c.txt" for ex in EXAMPLES)


# --- Regularization -------------------------------------------------------------------
# λ = 2, N = 10; logistic weights (w_0, w_1, w_2) = (0.5, 3, -4), w_0 not penalized.


def test_l2_penalty_scalings_by_hand():
    sq = 3.0**2 + (-4.0) ** 2  # 25; w_0 = 0.5 left out
    assert value("000-l2-penalty-scaling") == pytest.approx({
        "λ/(2N), seed 000": 2.0 / (2 * 10) * sq,  # 2.5
        "λ/2, seeds 001 (eq. 7.2), 003, 004 (2.7)": 2.0 / 2 * sq,  # 25
        "λ, seeds 001 (J_L2), 004 (1.6)": 2.0 * sq,  # 50
    }, abs=TIGHT)
    assert get("000-l2-penalty-scaling").slide_value == 2.5


def test_l1_penalty_scalings_by_hand():
    l1 = abs(3.0) + abs(-4.0)  # 7
    assert value("000-l1-penalty-scaling") == pytest.approx({
        "λ/(2N), seed 000": 2.0 / 20 * l1,  # 0.7
        "λ, seed 001 (α‖w‖₁)": 2.0 * l1,  # 14
    }, abs=TIGHT)


def test_network_penalties_by_hand():
    frob_sq = (1 + 4 + 9 + 16) + (1 + 1)  # ‖W1‖_F² + ‖W2‖_F² = 32
    l1 = (1 + 2 + 3 + 4) + (1 + 1)  # 12
    assert value("000-network-penalties") == pytest.approx(
        {"L2": 0.1 * frob_sq, "L1": 0.1 * l1}, abs=TIGHT
    )


def test_network_penalty_explanation_spectral_norm_number():
    # The explanation says the spectral norm² of W1 = [[1, 2], [3, 4]] is 15 + √221 ≈ 29.87:
    # W1ᵀW1 = [[10, 14], [14, 20]] has eigenvalues 15 ± √(25 + 196).
    W1 = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert np.linalg.norm(W1, 2) ** 2 == pytest.approx(15 + math.sqrt(221), abs=1e-10)
    assert round(15 + math.sqrt(221), 2) == 29.87


def test_l2_gradient_against_torch_autograd():
    torch = pytest.importorskip("torch")
    W = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64, requires_grad=True)
    (2.0 / (2 * 10) * (W**2).sum()).backward()
    assert_close(value("000-l2-gradient"), W.grad.numpy().tolist())


def test_l2_gradient_by_hand():
    # d/dw [λ/(2N) w²] = (λ/N) w = 0.2 w
    assert_close(value("000-l2-gradient"), ((0.2, 0.4), (0.6, 0.8)))


def test_weight_decay_step_by_hand():
    gamma, lam, n = 0.5, 2.0, 10
    factor = 1 - gamma * lam / n  # 0.9
    W, g = (1.0, -2.0), (0.4, 0.2)
    # slide line 2: W - γ(∇L + (λ/N) W)
    step = tuple(w - gamma * (gi + lam / n * w) for w, gi in zip(W, g, strict=True))
    # slide line 4: (1 - γλ/N) W - γ ∇L
    decay = tuple(factor * w - gamma * gi for w, gi in zip(W, g, strict=True))
    assert step == pytest.approx((0.7, -1.9), abs=TIGHT)
    assert decay == pytest.approx((0.7, -1.9), abs=TIGHT)
    assert_close(value("000-weight-decay-step"), {
        "factor 1 - γλ/N": factor, "W (step on ∇L2)": step, "W (weight-decay form)": decay,
    })


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _seed_pseudocode_gradients(Ws, X, Y):
    """The seed's "Gradient descent for L-layer neural network" loop, examples as columns.

    Forward for k = 1..l, then backward for k = l down to 1 (the intended bounds of the
    garbled "for k ← 1 to 1"), with f = sigmoid in every layer and the cross-entropy loss,
    whose ∇L(A[l]) ∘ f'(Z[l]) is A[l] - Y.
    """
    N = X.shape[1]
    A, Z = [X], [None]
    for W in Ws:  # forward propagation
        Z.append(W @ A[-1])
        A.append(_sigmoid(Z[-1]))
    grads = [None] * len(Ws)
    dA = None
    for k in range(len(Ws), 0, -1):  # backpropagation, k = l, ..., 1
        s = A[k]
        dZ = A[k] - Y if k == len(Ws) else dA * s * (1 - s)
        grads[k - 1] = dZ @ A[k - 1].T / N
        dA = Ws[k - 1].T @ dZ
    return grads


def test_backprop_pseudocode_numpy_reimplementation():
    dW1, dW2 = _seed_pseudocode_gradients(
        [np.array([[0.5]]), np.array([[-1.0]])], np.array([[1.0, 2.0]]), np.array([[1.0, 0.0]])
    )
    assert value("000-backprop-pseudocode") == pytest.approx(
        {"dW1": dW1[0, 0], "dW2": dW2[0, 0]}, abs=1e-12
    )


def test_backprop_pseudocode_by_hand():
    s = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    a1 = [s(0.5 * 1), s(0.5 * 2)]  # hidden activations
    a2 = [s(-1.0 * a) for a in a1]  # outputs
    dz2 = [a2[0] - 1.0, a2[1] - 0.0]
    dW2 = (dz2[0] * a1[0] + dz2[1] * a1[1]) / 2
    dz1 = [-1.0 * d * a * (1 - a) for d, a in zip(dz2, a1, strict=True)]
    dW1 = (dz1[0] * 1.0 + dz1[1] * 2.0) / 2
    assert round(dW2, 6) == -0.083758 and round(dW1, 6) == 0.012576
    assert_close(value("000-backprop-pseudocode"), {"dW1": dW1, "dW2": dW2})


def test_backprop_pseudocode_against_torch():
    torch = pytest.importorskip("torch")
    W1 = torch.tensor([[0.5]], dtype=torch.float64, requires_grad=True)
    W2 = torch.tensor([[-1.0]], dtype=torch.float64, requires_grad=True)
    X = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    Y = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    a2 = torch.sigmoid(W2 @ torch.sigmoid(W1 @ X))
    torch.nn.functional.binary_cross_entropy(a2, Y).backward()
    assert_close(value("000-backprop-pseudocode"),
                 {"dW1": W1.grad.item(), "dW2": W2.grad.item()}, tol=1e-12)


# --- Mini-batches ---------------------------------------------------------------------


def test_minibatch_counts_by_hand():
    n = 1024
    assert value("000-minibatch-counts") == {
        "s = 64": n // 64, "s = 128": n // 128, "s = 256": n // 256, "s = 512": n // 512,
        "s = N (gradient descent)": n // n, "s = 1 (stochastic gradient descent)": n // 1,
    }
    assert all(n % s == 0 for s in (64, 128, 256, 512))  # so N/s is a count
    # the explanation's uneven case: N = 1000, s = 64
    assert math.ceil(1000 / 64) == 16 and 1000 - 15 * 64 == 40


# --- Exponentially weighted averages --------------------------------------------------


def test_ewa_unrolled_weights_by_hand():
    b = 0.9
    assert_close(value("000-ewa-unrolled-weights"), {
        "price_100": 1 - b, "price_99": (1 - b) * b, "price_98": (1 - b) * b**2, "m_97": b**3,
    })


def test_ewa_window_from_the_mean_age_of_the_weights():
    # 1 + Σ_k k (1-β) β^k (the mean age, β/(1-β)) = 1/(1-β); summed far enough out that the
    # tail is below 1e-9.
    expected = {}
    for name, b in (("β = 0.9 (price, momentum β1, RMSprop β2)", 0.9),
                    ("β = 0.8 (momentum figure)", 0.8), ("β = 0.999 (Adam β2)", 0.999)):
        k = np.arange(60_000, dtype=np.float64)
        expected[name] = 1.0 + float(np.sum(k * (1 - b) * b**k))
    assert value("000-ewa-window") == pytest.approx(expected, abs=1e-6)
    assert expected["β = 0.9 (price, momentum β1, RMSprop β2)"] == pytest.approx(10.0, abs=1e-9)
    # the explanation: 0.9¹⁰ = 0.349, close to 1/e = 0.368
    assert round(0.9**10, 3) == 0.349 and abs(0.9**10 - 1 / math.e) < 0.02


def test_ewa_bias_correction_first_values_by_hand():
    b, p1, p2 = 0.9, 100.0, 110.0
    m1 = b * 0 + (1 - b) * p1  # 10
    m2 = b * m1 + (1 - b) * p2  # 20
    assert_close(value("000-ewa-bias-correction-first-values"), {
        "m_1": m1, "m_2": m2, "m_1 corrected": m1 / (1 - b), "m_2 corrected": m2 / (1 - b**2),
    })
    assert m2 / (1 - b**2) == pytest.approx((0.09 * 100 + 0.1 * 110) / 0.19, abs=TIGHT)


def test_ewa_bias_divisors_by_hand():
    cases = ((0.9, 1), (0.9, 2), (0.9, 10), (0.9, 100), (0.999, 10), (0.999, 1000))
    expected = {f"β = {b}, t = {t}": 1 - b**t for b, t in cases}
    assert_close(value("000-ewa-bias-divisors"), expected, tol=1e-12)
    assert 1 - 0.9**100 > 0.99997 and round(1 - 0.999**1000, 2) == 0.63


# --- Momentum, RMSprop, Adam: one step on 0.1x₁² + 2x₂² from (1, 1), gradient (0.2, 4) ---

G = (0.2, 4.0)


def test_momentum_first_step_by_hand():
    m1 = tuple(0.9 * 0 + 0.1 * g for g in G)
    w1 = tuple(1.0 - 0.1 * m for m in m1)
    assert_close(value("000-momentum-first-step"), {"m_1": m1, "W_1": w1})
    assert w1 == pytest.approx((0.998, 0.96), abs=TIGHT)


def test_momentum_forms_by_hand():
    ema = tuple(1.0 - 0.1 * (0.1 * g) for g in G)  # m = (1-β)g, W - γm
    classic = tuple(1.0 + (0.9 * 0 - 0.1 * g) for g in G)  # v = βv - εg, W + v
    summed = tuple(1.0 - 0.1 * (0.9 * 0 + g) for g in G)  # M = βM + g, W - ηM
    assert_close(value("000-momentum-forms"), {
        "ema, seed 000 (and 002)": ema, "classic, seed 001": classic, "sum, seed 003": summed,
    })


def test_momentum_sum_form_against_torch():
    torch = pytest.importorskip("torch")
    w = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    (0.1 * w[0] ** 2 + 2 * w[1] ** 2).backward()
    opt.step()
    assert_close(value("000-momentum-forms")["sum, seed 003"], w.detach().numpy().tolist())


def test_rmsprop_first_step_by_hand():
    s1 = tuple(0.9 * 0 + 0.1 * g * g for g in G)
    w1 = tuple(1.0 - 0.01 * g / (math.sqrt(s) + 1e-8) for g, s in zip(G, s1, strict=True))
    assert_close(value("000-rmsprop-first-step"), {"s_1": s1, "W_1": w1})
    # both coordinates move by about γ/√0.1
    assert all(abs((1 - w) - 0.01 / math.sqrt(0.1)) < 1e-8 for w in w1)


def test_rmsprop_first_step_against_torch():
    torch = pytest.importorskip("torch")
    w = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.RMSprop([w], lr=0.01, alpha=0.9, eps=1e-8)  # ε outside the root
    (0.1 * w[0] ** 2 + 2 * w[1] ** 2).backward()
    opt.step()
    assert_close(value("000-rmsprop-first-step")["W_1"], w.detach().numpy().tolist())


def test_rmsprop_eps_placement_by_hand():
    g, eps = 1e-4, 1e-8
    s = 0.1 * g * g  # 1e-9
    assert_close(value("000-rmsprop-eps-placement"), {
        "ε outside √, seed 000": 1.0 - 0.01 * g / (math.sqrt(s) + eps),
        "ε inside √, seeds 001-004": 1.0 - 0.01 * g / math.sqrt(s + eps),
    })
    assert round(0.01 * g / (math.sqrt(s) + eps), 4) == 0.0316
    assert round(0.01 * g / math.sqrt(s + eps), 4) == 0.0095


def test_adam_first_step_by_hand():
    m1 = tuple(0.1 * g for g in G)
    s1 = tuple(0.001 * g * g for g in G)
    mh = tuple(m / (1 - 0.9) for m in m1)
    sh = tuple(s / (1 - 0.999) for s in s1)
    w1 = tuple(1.0 - 0.01 * m / (math.sqrt(s) + 1e-8) for m, s in zip(mh, sh, strict=True))
    ours = value("000-adam-first-step")
    assert_close(ours, {"m_1": m1, "s_1": s1, "m_1 corrected": mh, "s_1 corrected": sh,
                        "W_1": w1}, tol=1e-12)


def test_adam_first_step_against_torch():
    torch = pytest.importorskip("torch")
    w = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.01, betas=(0.9, 0.999), eps=1e-8)
    (0.1 * w[0] ** 2 + 2 * w[1] ** 2).backward()
    opt.step()
    assert_close(value("000-adam-first-step")["W_1"], w.detach().numpy().tolist())


def test_adam_bias_correction_conventions_by_hand():
    moments, step_size, none = [], [], []
    for g in G:
        m, s = 0.1 * g, 0.001 * g * g
        moments.append(1 - 0.01 * (m / 0.1) / (math.sqrt(s / 0.001) + 1e-8))
        eta_t = 0.01 * math.sqrt(1 - 0.999) / (1 - 0.9)  # seed 003's η_t
        step_size.append(1 - eta_t * m / math.sqrt(s + 1e-8))
        none.append(1 - 0.01 * m / (math.sqrt(s) + 1e-8))
    assert_close(value("000-adam-bias-correction"), {
        "moments, seed 000": tuple(moments),
        "step size, ε inside √, seed 003": tuple(step_size),
        "none": tuple(none),
    })
    assert round(step_size[0], 6) == 0.990001 and round(none[0], 6) == 0.968377
