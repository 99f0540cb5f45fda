"""Every worked example of seed 003, derived again by hand, by closed forms, or by PyTorch.

The running case of the seed's entries is f(W) = W² (gradient 2W) from W⁰ = 1 with η = 0.1;
Adam's β1 = 0.9, β2 = 0.999, ε = 10⁻⁸ are the lecture's. No expected value below comes from
course_lib: each is written out here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib.examples import get
from course_lib.examples.seed_003 import EXAMPLES

SQRT = math.sqrt


def value_of(eid: str):
    return get(eid).compute()


def by_seed(values: dict, marker: str):
    """The one convention whose name contains ``marker``."""
    (key,) = [k for k in values if marker in k]
    return values[key]


def torch_descent(make_opt, w0, grad_of, n_steps, lrs=None):
    """W¹..Wⁿ of a torch.optim optimizer fed the gradient ``grad_of(w)`` (float64)."""
    torch = pytest.importorskip("torch")
    w = torch.tensor([float(w0)], dtype=torch.float64, requires_grad=True)
    opt = make_opt(torch, [w])
    out = []
    for k in range(n_steps):
        if lrs is not None:
            for group in opt.param_groups:
                group["lr"] = lrs[k]
        opt.zero_grad()
        w.grad = torch.tensor([grad_of(float(w.detach()[0]))], dtype=torch.float64)
        opt.step()
        out.append(float(w.detach()[0]))
    return out


def test_ids_are_unique_seed_003_and_in_seed_order():
    ids = [ex.id for ex in EXAMPLES]
    assert len(ids) == len(set(ids)) == 21
    assert all(i.startswith("003-") for i in ids)
    # the seed's order: SGD, momentum, AdaGrad, RMSProp, Adam, weight decay, AdamW, stopping
    order = ["sgd", "momentum", "adagrad", "rmsprop", "adam-", "weight-decay", "adamw",
             "early-stopping"]
    firsts = [next(k for k, i in enumerate(ids) if i.startswith("003-" + w)) for w in order]
    assert firsts == sorted(firsts)


# --- SGD --------------------------------------------------------------------------------


def test_sgd_minibatch_mean_and_sum():
    values = value_of("003-sgd-minibatch-mean")
    # d/dW (Wx − y)² = 2(Wx − y)x at W = 0: x=1, y=2 → −4; x=2, y=4 → −16
    mean_grad, sum_grad = (-4 - 16) / 2, -4 - 16
    assert by_seed(values, "mean") == pytest.approx(0 - 0.05 * mean_grad, abs=1e-12)  # 0.5
    assert by_seed(values, "sum") == pytest.approx(0 - 0.05 * sum_grad, abs=1e-12)  # 1.0
    assert get("003-sgd-minibatch-mean").slide_value == 0.5


@pytest.mark.torch
def test_sgd_minibatch_against_torch():
    torch = pytest.importorskip("torch")
    x = torch.tensor([[1.0], [2.0]], dtype=torch.float64)
    y = torch.tensor([[2.0], [4.0]], dtype=torch.float64)
    values = value_of("003-sgd-minibatch-mean")
    for reduction, marker in (("mean", "mean"), ("sum", "sum")):
        w = torch.zeros((1, 1), dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([w], lr=0.05)
        torch.nn.functional.mse_loss(x @ w, y, reduction=reduction).backward()
        opt.step()
        assert by_seed(values, marker) == pytest.approx(float(w.detach()[0, 0]), abs=1e-12)


# --- momentum ---------------------------------------------------------------------------


SUM_HAND = (1 - 0.1 * 2, 0.8 - 0.1 * (0.9 * 2 + 1.6), 0.46 - 0.1 * (0.9 * 3.4 + 0.92))
EMA_HAND = (
    1 - 0.1 * (0.1 * 2),                           # v¹ = 0.2, W¹ = 0.98
    0.98 - 0.1 * (0.9 * 0.2 + 0.1 * 1.96),         # v² = 0.376, W² = 0.9424
    0.9424 - 0.1 * (0.9 * 0.376 + 0.1 * 1.8848),   # v³ = 0.52688, W³ = 0.889712
)


def test_momentum_forms_by_hand():
    values = value_of("003-momentum-forms")
    assert SUM_HAND == pytest.approx((0.8, 0.46, 0.062), abs=1e-12)
    # η inside: M¹ = 0.2, M² = 0.18 + 0.16 = 0.34, M³ = 0.306 + 0.092 = 0.398
    inside = (1 - 0.2, 0.8 - 0.34, 0.46 - 0.398)
    assert by_seed(values, "sum:") == pytest.approx(SUM_HAND, abs=1e-12)
    assert by_seed(values, "η inside") == pytest.approx(inside, abs=1e-12)
    assert by_seed(values, "EMA") == pytest.approx(EMA_HAND, abs=1e-12)
    assert EMA_HAND == pytest.approx((0.98, 0.9424, 0.889712), abs=1e-12)


def test_momentum_forms_with_a_learning_rate_change():
    values = value_of("003-momentum-forms-lr-change")
    # sum: M² = 3.4, W² = 0.8 − 0.05·3.4 = 0.63; g³ = 1.26, M³ = 3.06 + 1.26 = 4.32
    assert by_seed(values, "sum:") == pytest.approx((0.8, 0.63, 0.63 - 0.05 * 4.32), abs=1e-12)
    # η inside: M² = 0.18 + 0.05·1.6 = 0.26, W² = 0.54; g³ = 1.08, M³ = 0.234 + 0.054
    assert by_seed(values, "η inside") == pytest.approx((0.8, 0.54, 0.54 - 0.288), abs=1e-12)
    assert get("003-momentum-forms-lr-change").slide_value == pytest.approx((0.8, 0.63, 0.414))


def test_alternative_form_is_classical_not_nesterov():
    ex = get("003-momentum-alternative-not-nesterov")
    # Nesterov: gradient at the look-ahead W − βM
    m1 = 0.1 * 2.0
    w1 = 1.0 - m1
    m2 = 0.9 * m1 + 0.1 * 2 * (w1 - 0.9 * m1)      # look-ahead 0.62, g = 1.24 → 0.304
    w2 = w1 - m2                                    # 0.496
    m3 = 0.9 * m2 + 0.1 * 2 * (w2 - 0.9 * m2)      # look-ahead 0.2224 → 0.31808
    w3 = w2 - m3                                    # 0.17792
    assert (w1, w2, w3) == pytest.approx((0.8, 0.496, 0.17792), abs=1e-12)
    assert ex.compute() == pytest.approx((w1, w2, w3), abs=1e-12)
    # the slide's form is classical momentum: the sum-form iterates
    assert ex.as_slide_computed() == pytest.approx(SUM_HAND, abs=1e-12)
    assert ex.slide_value == pytest.approx(SUM_HAND, abs=1e-12)
    assert abs(ex.slide_value[1] - w2) > 0.03 and abs(ex.slide_value[2] - w3) > 0.1


# --- AdaGrad ----------------------------------------------------------------------------


def test_adagrad_diagonal_of_outer_products():
    values = value_of("003-adagrad-diagonal-of-outer-products")
    # (1,2)(1,2)ᵀ + (3,−1)(3,−1)ᵀ = [[1+9, 2−3], [2−3, 4+1]]
    assert values["G^2 = Σ g gᵀ"] == ((10.0, -1.0), (-1.0, 5.0))
    assert by_seed(values, "diagonal") == pytest.approx((1 + 9, 4 + 1), abs=1e-12)


def test_adagrad_eps_placement():
    values = value_of("003-adagrad-eps-placement")
    g = (0.1 * 2 * 1.0, 2 * 2 * 1.0)  # ∇(0.1x₁² + 2x₂²) at (1, 1) = (0.2, 4)
    inside = tuple(1 - 0.1 * gi / SQRT(gi**2 + 0.01) for gi in g)
    outside = tuple(1 - 0.1 * gi / (abs(gi) + 0.01) for gi in g)
    assert by_seed(values, "inside") == pytest.approx(inside, abs=1e-12)
    assert by_seed(values, "outside") == pytest.approx(outside, abs=1e-12)
    assert inside == pytest.approx((0.910557, 0.900031), abs=5e-7)
    assert outside == pytest.approx((0.904762, 0.900249), abs=5e-7)


@pytest.mark.torch
def test_adagrad_eps_outside_against_torch():
    torch = pytest.importorskip("torch")
    x = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adagrad([x], lr=0.1, eps=0.01)
    (0.1 * x[0] ** 2 + 2 * x[1] ** 2).backward()
    opt.step()
    ours = by_seed(value_of("003-adagrad-eps-placement"), "outside")
    assert ours == pytest.approx(x.detach().tolist(), abs=1e-12)


def test_adagrad_infrequent_weights():
    # third step: G[1,1] = 1 + 1 + 1, G[2,2] = 0 + 0 + 1, gradient 1 on both
    assert value_of("003-adagrad-infrequent-weights") == pytest.approx(
        (0.1 / SQRT(1e-8 + 3), 0.1 / SQRT(1e-8 + 1)), abs=1e-12)


def test_adagrad_decaying_rate():
    assert value_of("003-adagrad-decaying-rate") == pytest.approx(
        (0.1 / SQRT(1), 0.1 / SQRT(4), 0.1 / SQRT(100)), abs=1e-12)


# --- RMSProp and Adam with β1 = 0 -------------------------------------------------------


def test_rmsprop_first_steps():
    values = value_of("003-rmsprop-first-steps")
    g1 = 2.0
    G1 = 0.1 * g1**2                              # 0.4
    w1 = 1 - 0.1 * g1 / SQRT(G1 + 1e-8)
    g2 = 2 * w1
    G2 = 0.9 * G1 + 0.1 * g2**2
    w2 = w1 - 0.1 * g2 / SQRT(G2 + 1e-8)
    assert values == pytest.approx({"G^1": G1, "W^1": w1, "W^2": w2}, abs=1e-12)
    assert (w1, w2) == pytest.approx((0.683772, 0.498871), abs=5e-7)


@pytest.mark.torch
def test_rmsprop_against_torch_without_eps():
    # torch adds ε outside the root; with ε = 0 both are 1 − 0.2/√0.4, ...
    theirs = torch_descent(lambda t, p: t.optim.RMSprop(p, lr=0.1, alpha=0.9, eps=0.0), 1.0,
                           lambda w: 2 * w, 2)
    values = value_of("003-rmsprop-first-steps")
    assert (values["W^1"], values["W^2"]) == pytest.approx(theirs, abs=1e-7)


def test_adam_beta1_zero_over_rmsprop_is_the_correction():
    assert value_of("003-adam-beta1-zero-vs-rmsprop") == pytest.approx(
        (SQRT(1 - 0.9), SQRT(1 - 0.9**2), SQRT(1 - 0.9**3)), abs=1e-12)


# --- Adam: the bias correction ----------------------------------------------------------


def test_bias_unrolled():
    values = value_of("003-adam-bias-unrolled")
    weights = (0.9**2 * 0.1, 0.9 * 0.1, 0.1)
    assert values["weights on g^1, g^2, g^3"] == pytest.approx(weights, abs=1e-15)
    assert values["sum of the weights"] == pytest.approx(1 - 0.9**3, abs=1e-15)  # 0.271
    assert values["g̃^3 with g = 1 every step"] == pytest.approx(0.271, abs=1e-15)
    # (1 − 0.999³)·2² with 0.999³ = 0.997002999
    assert values["G^3 with g = 2 every step"] == pytest.approx(4 * 0.002997001, abs=1e-15)


def test_independence_step_is_an_erratum():
    ex = get("003-adam-independence-step")
    eta_1 = 0.1 * SQRT(1 - 0.999) / (1 - 0.9)
    # ΔW¹ = η_1·0.1g/√(0.001g²) = ±0.1 for g = −1, 3: the expectation is 0
    steps = [eta_1 * 0.1 * g / SQRT(0.001 * g * g) for g in (-1.0, 3.0)]
    assert steps == pytest.approx([-0.1, 0.1], abs=1e-15)
    assert ex.compute() == pytest.approx(0.0, abs=1e-15)
    # the slide: η_1 E[g̃]/E[√G] = η_1·0.1·1/(√0.001·2) = 0.05
    slide = eta_1 * (0.1 * 1.0) / (SQRT(0.001) * (1 + 3) / 2)
    assert slide == pytest.approx(0.05, abs=1e-15)
    assert ex.as_slide_computed() == pytest.approx(slide, abs=1e-15)
    assert abs(ex.slide_value - ex.compute()) > 0.04
    # independence proper would give E[g̃]·E[1/√G] = η·E[g]·E[1/|g|] = 0.1·(1 + 1/3)/2
    independent = eta_1 * 0.1 * 1.0 * (1 / SQRT(0.001) + 1 / SQRT(0.009)) / 2
    assert independent == pytest.approx(0.2 / 3, abs=1e-15)
    assert abs(independent - slide) > 0.01
    # Jensen E[g] ≤ √E[g²]: 1 ≤ √5, right as the slide writes it
    assert (-1 + 3) / 2 <= SQRT((1 + 9) / 2)


def test_step_size_box():
    values = value_of("003-adam-step-size-box")
    for t in (1, 2, 10):
        eta_t = 0.1 * SQRT(1 - 0.999**t) / (1 - 0.9**t)
        assert values[f"η_{t}"] == pytest.approx(eta_t, abs=1e-15)
        assert values[f"box at t = {t}"] == pytest.approx(0.1, abs=1e-15)
    assert values["η_1"] == pytest.approx(SQRT(0.001), abs=1e-15)
    assert values["η_2"] == pytest.approx(0.1 * SQRT(0.001999) / 0.19, abs=1e-15)
    # constant g: g̃ = (1 − β1^t)g, G = (1 − β2^t)g², so every step is η exactly
    assert values["ΔW^1, ΔW^2, ΔW^10 with g = 3 every step"] == pytest.approx(
        (0.1, 0.1, 0.1), abs=1e-14)


# --- Adam: the algorithm and the conventions --------------------------------------------


def adam_by_hand(grad, n_steps, *, eps, correction, inside, w0=1.0, lr=0.1, b1=0.9, b2=0.999):
    """Adam written out again, independently of course_lib (scalar, for the tests)."""
    w, m, v, out = w0, 0.0, 0.0, []
    for t in range(1, n_steps + 1):
        g = grad(w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        if correction == "step_size":
            eta_t = lr * SQRT(1 - b2**t) / (1 - b1**t)
            w = w - eta_t * m / (SQRT(v + eps) if inside else SQRT(v) + eps)
        else:
            mh, vh = m / (1 - b1**t), v / (1 - b2**t)
            w = w - lr * mh / (SQRT(vh + eps) if inside else SQRT(vh) + eps)
        out.append(w)
    return tuple(out)


def test_adam_first_steps():
    ours = value_of("003-adam-first-steps")
    # step 1: 0.0316228·0.2/√(0.004 + 1e-8) = 0.1/√(1 + 2.5e-6)
    assert ours[0] == pytest.approx(1 - 0.1 / SQRT(1 + 2.5e-6), abs=1e-15)
    m2, v2 = 0.9 * 0.2 + 0.1 * 2 * ours[0], 0.999 * 0.004 + 0.001 * (2 * ours[0]) ** 2
    w2 = ours[0] - 0.1 * SQRT(1 - 0.999**2) / (1 - 0.81) * m2 / SQRT(v2 + 1e-8)
    assert ours[1] == pytest.approx(w2, abs=1e-14)
    assert ours == pytest.approx(
        adam_by_hand(lambda w: 2 * w, 2, eps=1e-8, correction="step_size", inside=True),
        abs=1e-14)
    assert ours == pytest.approx((0.900000125, 0.800412421), abs=5e-10)


def test_adam_corrections_agree_when_eps_is_zero():
    values = value_of("003-adam-correction-forms-eps-zero")
    # W¹ = 1 − 0.1·sign(2); W² = 0.9 − η_2·0.36/√0.007236
    hand = (0.9, 0.9 - 0.1 * SQRT(0.001999) / 0.19 * 0.36 / SQRT(0.007236))
    assert len(values) == 3
    for v in values.values():
        assert v == pytest.approx(hand, abs=1e-14)


def test_adam_eps_conventions_on_a_tiny_gradient():
    values = value_of("003-adam-eps-tiny-gradient")
    g = 1e-4
    seed_003 = 1 - SQRT(0.001) * (0.1 * g) / SQRT(0.001 * g * g + 1e-8)
    seed_000 = 1 - 0.1 * g / (g + 1e-8)
    seed_002 = 1 - 0.1 * g / SQRT(g * g + 1e-8)
    assert by_seed(values, "(seed 003)") == pytest.approx(seed_003, abs=1e-14)
    assert by_seed(values, "outside") == pytest.approx(seed_000, abs=1e-14)
    assert by_seed(values, "ε inside √(ŝ") == pytest.approx(seed_002, abs=1e-14)
    assert (seed_003, seed_000, seed_002) == pytest.approx(
        (0.996839302, 0.900009999, 0.929289322), abs=5e-10)
    for inside, correction, key in ((True, "step_size", "(seed 003)"),
                                    (False, "moments", "outside")):
        assert by_seed(values, key) == pytest.approx(
            adam_by_hand(lambda w: g * w, 1, eps=1e-8, correction=correction, inside=inside)[0],
            abs=1e-14)


# --- weight decay and AdamW -------------------------------------------------------------


def test_penalty_scalings():
    values = value_of("003-weight-decay-penalty-scaling")
    sq = 1 + 4 + 9 + 0.25
    lam_w = ((0.1, -0.2), (0.3, 0.05))
    expected = {
        "λ/2": (0.05 * sq, lam_w),
        "λ/(2N)": (0.1 / 20 * sq, tuple(tuple(v / 10 for v in r) for r in lam_w)),
        "λ ‖W‖² (seed 004": (0.1 * sq, tuple(tuple(2 * v for v in r) for r in lam_w)),
    }
    for marker, (penalty, grad) in expected.items():
        got_penalty, got_grad = by_seed(values, marker)
        assert got_penalty == pytest.approx(penalty, abs=1e-14)
        np.testing.assert_allclose(got_grad, grad, atol=1e-15)
    # the gradient of λ/2‖W‖² is λW: central differences on the penalty itself
    W = np.array([[1.0, -2.0], [3.0, 0.5]])
    h = 1e-6
    fd = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        e = np.zeros_like(W)
        e[idx] = h
        fd[idx] = (0.05 * np.sum((W + e) ** 2) - 0.05 * np.sum((W - e) ** 2)) / (2 * h)
    np.testing.assert_allclose(fd, 0.1 * W, atol=1e-9)


def test_sgd_l2_equals_weight_decay():
    values = value_of("003-weight-decay-sgd")
    assert values == pytest.approx({"λW added to the gradient": 1 - 0.1 * (2 + 0.1),
                                    "(1 − ηλ)W − ηg": (1 - 0.1 * 0.1) - 0.1 * 2}, abs=1e-15)


def test_adamw_against_l2_in_the_loss():
    values = value_of("003-adamw-vs-l2")
    adam_step = 0.1 / SQRT(1 + 2.5e-6)               # 0.099999875, as in the first Adam step
    assert by_seed(values, "AdamW: ηλW") == pytest.approx(1 - adam_step - 0.1 * 0.01 * 1,
                                                          abs=1e-15)
    # gradient 2 + 0.01 = 2.01 through Adam: m = 0.201, v = 0.001·2.01²
    l2 = 1 - SQRT(0.001) * 0.201 / SQRT(0.001 * 2.01**2 + 1e-8)
    assert by_seed(values, "then Adam") == pytest.approx(l2, abs=1e-15)
    assert l2 == pytest.approx(0.900000124, abs=5e-10)
    assert by_seed(values, "not scaled") == pytest.approx(1 - 0.01 - adam_step, abs=1e-15)
    assert get("003-adamw-vs-l2").slide_value == pytest.approx(0.899000125, abs=5e-10)


def test_adamw_with_lambda_zero_is_adam():
    values = value_of("003-adamw-lambda-zero")
    hand = adam_by_hand(lambda w: 2 * w, 2, eps=1e-8, correction="step_size", inside=True)
    assert values["AdamW, λ = 0"] == pytest.approx(hand, abs=1e-14)
    assert values["Adam"] == pytest.approx(hand, abs=1e-14)


# --- early stopping ---------------------------------------------------------------------


def test_early_stopping_rules():
    values = value_of("003-early-stopping-window")
    # curve 5, 4, 3, 3.5, 3.2, 3.1, 2.9, 3.0, 3.3, 3.6 after steps 1..10
    # window rule: rises at 3.5 (count 1), falls at 3.2 (0); 3.0 (1), 3.3 (2) → stop at 9
    assert by_seed(values, "keeps increasing") == (7, 9)
    # patience rule: 3.5 and 3.2 do not beat 3 (step 3) → stop at 5
    assert by_seed(values, "without a new best") == (3, 5)
    # to the end: the minimum 2.9 is at step 7
    assert by_seed(values, "run to the maximum") == (7, 10)


# --- what every seed-003 entry promises -------------------------------------------------


@pytest.mark.parametrize("eid", [ex.id for ex in EXAMPLES if ex.verdict == "convention"])
def test_the_slide_states_seed_003s_convention(eid):
    ex = get(eid)
    values = ex.compute()
    seed_003 = [k for k in values if "003" in k]
    assert seed_003, f"{eid}: no convention is named as seed 003's"
    assert any(ex.slide_matches(values[k]) for k in seed_003)


# --- PyTorch as an oracle (skipped where torch is not installed) ------------------------

TORCH_CASES = {
    # id: (entry, convention marker or None, torch optimizer, gradient, steps, lrs, tolerance)
    "momentum-sum": ("003-momentum-forms", "sum:",
                     lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.9), 3, None, 1e-12),
    "momentum-lr-change": ("003-momentum-forms-lr-change", "sum:",
                           lambda t, p: t.optim.SGD(p, lr=0.1, momentum=0.9), 3,
                           [0.1, 0.05, 0.05], 1e-12),
    "adam-eps-zero": ("003-adam-correction-forms-eps-zero", "(seed 003)",
                      lambda t, p: t.optim.Adam(p, lr=0.1, betas=(0.9, 0.999), eps=0.0), 2,
                      None, 1e-14),
    "sgd-weight-decay": ("003-weight-decay-sgd", "λW added",
                         lambda t, p: t.optim.SGD(p, lr=0.1, weight_decay=0.1), 1, None, 1e-15),
    # torch.optim.AdamW decays by lr·λ like the slide; its ε sits outside the root, which
    # moves only the 7th decimal here
    "adamw": ("003-adamw-vs-l2", "AdamW: ηλW",
              lambda t, p: t.optim.AdamW(p, lr=0.1, weight_decay=0.01, eps=1e-8), 1, None,
              2e-7),
}


@pytest.mark.torch
@pytest.mark.parametrize("case", sorted(TORCH_CASES))
def test_against_torch(case):
    eid, marker, make_opt, n_steps, lrs, tol = TORCH_CASES[case]
    ours = by_seed(value_of(eid), marker)
    theirs = torch_descent(make_opt, 1.0, lambda w: 2 * w, n_steps, lrs=lrs)
    assert np.atleast_1d(ours) == pytest.approx(theirs, abs=tol)


@pytest.mark.torch
def test_tiny_gradient_moments_form_against_torch():
    ours = by_seed(value_of("003-adam-eps-tiny-gradient"), "outside")
    theirs = torch_descent(lambda t, p: t.optim.Adam(p, lr=0.1, eps=1e-8), 1.0,
                           lambda w: 1e-4 * w, 1)
    assert ours == pytest.approx(theirs[0], abs=1e-14)
