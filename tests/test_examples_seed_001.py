"""Seed 001's worked examples, each checked against a derivation written out here.

Every expected number is hand arithmetic (spelled out in the test), a closed form, or an
oracle library (numpy.linalg, scipy, scikit-learn, PyTorch); none comes from calling the
course_lib function under test.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from course_lib.examples import get
from course_lib.examples.entry import flatten_numbers, max_abs_difference


def ex(suffix: str):
    return get("001-" + suffix)


def close(value, expected, tol=1e-12):
    """Same structure and every number within ``tol``."""
    return max_abs_difference(value, expected) <= tol


def differs_beyond_print(example, correct) -> bool:
    """The slide's numbers and the correct ones differ by more than the printed precision."""
    return max_abs_difference(example.slide_value, correct) > example.tolerance() + 1e-12


# ---------------------------------------------------------------------------------------
# Bias-variance
# ---------------------------------------------------------------------------------------


def test_bias_variance_decomposition_by_hand():
    # ȳ = ((1 + e1) + (3 + e2))/2 takes the values 1, 2, 2, 3: mean 2, variance 0.5.
    # At x0 = 1, f = 3: bias² = (3 - 2)² = 1; noise E[e0²] = 1.
    # E[(y - f̂)²] over the 8 outcomes: y ∈ {2, 4}, f̂ ∈ {1, 2, 2, 3}
    outcomes = [(y - fh) ** 2 for y in (2.0, 4.0) for fh in (1.0, 2.0, 2.0, 3.0)]
    assert sum(outcomes) / 8 == 2.5 == 1.0 + 0.5 + 1.0
    value = ex("bias-variance-decomposition").compute()
    assert close(value, {"bias2": 1.0, "variance": 0.5, "noise": 1.0, "expected_error": 2.5})


# ---------------------------------------------------------------------------------------
# Penalties
# ---------------------------------------------------------------------------------------


def test_l2_scalings_by_hand():
    sq = 1.0**2 + (-2.0) ** 2  # 5
    expected = {0.1 * sq, 0.1 / 2 * sq, 0.1 / (2 * 10) * sq}  # 0.5, 0.25, 0.025
    values = ex("l2-penalty-scalings").compute()
    assert sorted(values.values()) == pytest.approx(sorted(expected), abs=1e-15)
    assert ex("l2-penalty-scalings").slide_value == pytest.approx(0.5)


def test_weight_decay_step_by_hand():
    # (1 - 0.1·0.5)·(1, -2) - 0.1·(0.4, -0.2) = (0.95 - 0.04, -1.9 + 0.02)
    expected = (0.95 - 0.04, -1.9 + 0.02)
    value = ex("weight-decay-step").compute()
    assert close(value, {"eq_7_4": expected, "eq_7_5": expected}, 1e-15)


H3 = np.array([[2.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 2.0]])
EXACT_3X3 = np.array([[13.0, -4.0, -1.0], [-4.0, 12.0, -4.0], [-1.0, -4.0, 13.0]]) / 28.0


def test_the_exact_3x3_shrinkage_matrix_by_hand():
    # (H + 2I)^-1 by cofactors: det = 4·15 - 1·4 = 56
    inv = np.array([[15.0, 4.0, 1.0], [4.0, 16.0, 4.0], [1.0, 4.0, 15.0]]) / 56.0
    assert np.allclose(inv @ (H3 + 2 * np.eye(3)), np.eye(3), atol=1e-15)
    assert np.allclose(np.eye(3) - 2 * inv, EXACT_3X3, atol=1e-15)
    # oracle: numpy's solve
    assert np.allclose(np.linalg.solve(H3 + 2 * np.eye(3), H3), EXACT_3X3, atol=1e-14)


def test_l2_regularized_optimum():
    expected = EXACT_3X3 @ np.array([1.0, 2.0, 3.0])  # (2, 8, 30)/28
    assert np.allclose(expected * 28, [2.0, 8.0, 30.0])
    assert close(ex("l2-regularized-optimum").compute(), tuple(expected), 1e-14)


def test_identity_without_regularization():
    assert close(ex("l2-identity-alpha-zero").compute(), tuple(map(tuple, np.eye(3))), 1e-12)


def test_eigen_shrinkage_closed_form():
    # tridiag(-1, 2, -1) of size 3 has eigenvalues 2 - 2cos(kπ/4), k = 1, 2, 3
    lam = np.array([2 - 2 * math.cos(k * math.pi / 4) for k in (1, 2, 3)])
    assert np.allclose(np.linalg.eigvalsh(H3), lam, atol=1e-14)
    value = ex("l2-eigen-shrinkage").compute()
    assert close(value, {"eigenvalues": tuple(lam), "factors": tuple(lam / (lam + 2))}, 1e-14)


def test_shrinkage_matrix_3x3_rounds_to_the_slide():
    example = ex("l2-shrinkage-matrix-3x3")
    assert close(example.compute(), tuple(map(tuple, EXACT_3X3)), 1e-14)
    assert np.array_equal(np.round(EXACT_3X3, 2), np.array(example.slide_value))
    # no entry sits near a rounding boundary: 13/28 = 0.464, 12/28 = 0.429, 1/28 = 0.036
    assert (np.abs(np.abs(EXACT_3X3 * 100) % 1 - 0.5) > 0.05).all()


RX = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
RY = np.array([1.0, 2.0, 3.0])


def test_ridge_normal_equations_erratum():
    example = ex("ridge-normal-equations")
    # gradient of (Xw - y)ᵀ(Xw - y) + ½·2·wᵀw: 2Xᵀ(Xw - y) + 2w = 0 → (XᵀX + I)w = Xᵀy
    # XᵀX + I = [[3, 1], [1, 3]], Xᵀy = (4, 5): w = (1/8)·(3·4 - 5, -4 + 3·5)
    correct = (7 / 8, 11 / 8)
    assert close(example.compute(), correct, 1e-14)
    # oracle 1: scipy minimizes eq. 7.15 directly
    from scipy.optimize import minimize

    objective = lambda w: float((RX @ w - RY) @ (RX @ w - RY) + 0.5 * 2.0 * w @ w)  # noqa: E731
    res = minimize(objective, np.zeros(2), method="BFGS", options={"gtol": 1e-10})
    assert np.allclose(res.x, correct, atol=1e-6)
    # oracle 2: sklearn's Ridge minimizes ‖y - Xw‖² + a‖w‖², so eq. 7.15 is a = α/2 = 1
    linear_model = pytest.importorskip("sklearn.linear_model")
    sk = linear_model.Ridge(alpha=1.0, fit_intercept=False).fit(RX, RY)
    assert np.allclose(sk.coef_, correct, atol=1e-12)
    # the slide's eq. 7.17: XᵀX + 2I = [[4, 1], [1, 4]], w = (1/15)·(16 - 5, -4 + 20)
    assert example.slide_value == pytest.approx((11 / 15, 16 / 15), abs=1e-15)
    assert close(example.as_slide_computed(), (11 / 15, 16 / 15), 1e-14)
    assert differs_beyond_print(example, correct)


def test_l1_gradient_by_hand():
    # 0.5·(1, 0, -1) + (0.3, -0.2, 0.1)
    assert close(ex("l1-gradient").compute(), (0.5 + 0.3, 0.0 - 0.2, -0.5 + 0.1), 1e-15)


def test_l1_diagonal_hessian_against_a_numerical_minimizer():
    from scipy.optimize import minimize_scalar

    w_star, h, alpha = (3.0, -0.5, 1.0, -2.0), (2.0, 1.0, 4.0, 0.5), 1.0
    numeric = [
        minimize_scalar(lambda w, ws=ws, hi=hi: 0.5 * hi * (w - ws) ** 2 + alpha * abs(w),
                        bounds=(-5.0, 5.0), method="bounded", options={"xatol": 1e-10}).x
        for ws, hi in zip(w_star, h, strict=True)
    ]
    value = ex("l1-diagonal-hessian-solution").compute()
    assert np.allclose(value, numeric, atol=1e-6)
    # by hand: thresholds α/H = (0.5, 1, 0.25, 2)
    assert close(value, (3.0 - 0.5, 0.0, 1.0 - 0.25, 0.0), 1e-15)


def test_elastic_net_conventions_by_hand():
    l2, l1 = 5.0, 3.0
    seed = 1.0 * (0.25 * l2 + 0.75 * l1)  # 3.5
    sk_naive = 1.0 * (0.25 * l1 + 0.5 * 0.75 * l2)  # 2.625
    a, rho = 1.0 * 1.25, 0.75 / 1.25
    sk_mapped = a * (rho * l1 + 0.5 * (1 - rho) * l2)
    assert sk_mapped == pytest.approx(seed)
    values = sorted(ex("elastic-net-mixing").compute().values())
    assert values == pytest.approx(sorted([seed, sk_naive, sk_mapped]), abs=1e-14)


def test_elastic_net_mapping_against_sklearn():
    # sklearn's ElasticNet(alpha=a, l1_ratio=ρ) with the mapped (a, ρ) fits the same model
    # as minimizing (1/(2n))‖y - Xw‖² + λ(α‖w‖² + (1-α)‖w‖₁) directly.
    linear_model = pytest.importorskip("sklearn.linear_model")
    from scipy.optimize import minimize

    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=30)
    lam, alpha = 0.2, 0.25
    sk = linear_model.ElasticNet(alpha=lam * (1 + alpha), l1_ratio=(1 - alpha) / (1 + alpha),
                                 fit_intercept=False, tol=1e-12, max_iter=100000).fit(X, y)

    def objective(w):
        r = y - X @ w
        return r @ r / (2 * len(y)) + lam * (alpha * w @ w + (1 - alpha) * np.abs(w).sum())

    direct = minimize(objective, sk.coef_ + 0.05, method="Powell",
                      options={"xtol": 1e-10, "ftol": 1e-14, "maxiter": 100000})
    assert objective(sk.coef_) <= direct.fun + 1e-10


# ---------------------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------------------


def test_keep_versus_drop_probability():
    values = ex("dropout-keep-vs-drop").compute()
    assert sorted(values.values()) == pytest.approx([0.2, 0.8])


def test_dropout_test_scaling_erratum():
    example = ex("dropout-test-scaling")
    # E[training output] = 0.8·2 + 0.2·0 = 1.6 must equal the test output
    expected = 0.8 * 2.0 + 0.2 * 0.0
    assert example.compute() == pytest.approx(expected, abs=1e-15)
    assert example.slide_value == pytest.approx((1 - 0.8) * 2.0)
    assert example.as_slide_computed() == pytest.approx(0.4)
    assert differs_beyond_print(example, expected)
    # at p = 0.5 the two readings coincide, which is why the slip is easy to miss
    assert 0.5 * 2.0 == (1 - 0.5) * 2.0


def test_dropout_schemes_against_torch():
    torch = pytest.importorskip("torch")
    values = ex("dropout-schemes").compute()
    assert sorted(values.values()) == [(2.0, 1.6), (2.5, 2.0)]
    # PyTorch is the inverted scheme: a kept unit is x/p_keep in training, x at eval
    x = torch.tensor([2.0], dtype=torch.float64)
    drop = torch.nn.Dropout(p=0.2)
    drop.eval()
    assert float(drop(x)[0]) == 2.0
    drop.train()
    torch.manual_seed(0)
    outs = {float(drop(x)[0]) for _ in range(50)}
    assert outs <= {0.0, 2.5} and 2.5 in outs
    assert values["inverted (seed 004, PyTorch, Keras)"] == pytest.approx((2.5, 2.0))


W, INP, T, P = np.array([1.0, -2.0, 0.5]), np.array([0.5, 1.0, 2.0]), 1.0, np.array([0.5, 0.8, 0.5])


def _enumerated_expectations():
    """E[E_D] and E[∂E_D/∂w] by summing over the 8 masks with numpy only."""
    err, grad = 0.0, np.zeros(3)
    for mask in itertools.product((0.0, 1.0), repeat=3):
        d = np.array(mask)
        prob = np.prod(np.where(d == 1.0, P, 1 - P))
        residual = T - np.sum(d * W * INP)
        err += prob * 0.5 * residual**2
        grad += prob * (-residual * d * INP)
    return err, grad


def test_baldi_expected_gradient_by_hand():
    # Σ p w I = 0.25 - 1.6 + 0.5 = -0.85; ∂E_N/∂w = -(1 + 0.85)·p·I
    dEN = -1.85 * np.array([0.25, 0.8, 1.0])
    boxed = np.array([1 * 0.25 * 0.25, -2 * 0.16 * 1.0, 0.5 * 0.25 * 4.0])
    hand = dEN + boxed  # (-0.4, -1.8, -1.35)
    assert np.allclose(hand, [-0.4, -1.8, -1.35], atol=1e-15)
    _, enumerated = _enumerated_expectations()
    assert np.allclose(enumerated, hand, atol=1e-14)
    assert close(ex("baldi-expected-gradient").compute(), tuple(hand), 1e-14)


def test_baldi_regularized_error_erratum():
    example = ex("baldi-regularized-error")
    e_n = 0.5 * 1.85**2  # 1.71125
    penalty = 0.25 * 1 * 0.25 + 0.16 * 4 * 1 + 0.25 * 0.25 * 4  # 0.9525
    err, grad = _enumerated_expectations()
    assert err == pytest.approx(e_n + 0.5 * penalty, abs=1e-14)  # 2.1875
    assert close(example.compute(), {"E_R": e_n + 0.5 * penalty, "grad": tuple(grad)}, 1e-13)
    # the slide's E_R (no ½) and its gradient, with twice the boxed term
    dEN = -1.85 * np.array([0.25, 0.8, 1.0])
    slide_grad = dEN + 2 * np.array([0.0625, -0.32, 0.5])
    slide = {"E_R": e_n + penalty, "grad": tuple(slide_grad)}
    assert close(example.slide_value, slide, 1e-12)
    assert close(example.as_slide_computed(), slide, 1e-13)
    assert differs_beyond_print(example, {"E_R": err, "grad": tuple(grad)})


def test_why_p_is_one_half():
    # d/dp p(1-p) = 1 - 2p = 0 at p = 1/2, value 1/4
    assert close(ex("dropout-why-half").compute(), {"p": 0.5, "p(1-p)": 0.25}, 1e-15)


def test_gaussian_dropout_sigma_matches_the_bernoulli_variance():
    for p in (0.5, 0.8):
        # m/p with m ~ Bernoulli(p): E = 1, E[(m/p)²] = p/p² = 1/p, so Var = 1/p - 1
        var = sum(prob * (m / p - 1) ** 2 for m, prob in ((1, p), (0, 1 - p)))
        assert var == pytest.approx((1 - p) / p)
    assert close(ex("gaussian-dropout-sigma").compute(),
                 {"p_keep=0.5": 1.0, "p_keep=0.8": math.sqrt(0.25)}, 1e-15)


# ---------------------------------------------------------------------------------------
# Early stopping and others
# ---------------------------------------------------------------------------------------


def test_patience_walkthrough():
    # Algorithm 7.1 by hand: i = 5: 0.9 < ∞ best; 10: 0.7 best; 15: 0.6 best (j = 0);
    # 20: 0.62 (j = 1); 25: 0.61 (j = 2); 30: 0.65 (j = 3 = p): stop. θ* from i = 15.
    curve, v, j, i, best = [0.9, 0.7, 0.6, 0.62, 0.61, 0.65, 0.58], math.inf, 0, 0, 0
    for err in curve:
        if j >= 3:
            break
        i += 5
        if err < v:
            v, j, best = err, 0, i
        else:
            j += 1
    assert (best, i) == (15, 30)
    assert ex("early-stopping-patience").compute() == {"best_step": 15, "stopped_at": 30}


def test_gd_from_zero_closed_form():
    # H diagonal: each coordinate evolves as w ← w - 0.01·hᵢ(w - 1) from 0
    w = np.zeros(3)
    h = np.array([10.0, 1.0, 0.1])
    for _ in range(50):
        w = w - 0.01 * h * (w - 1.0)
    closed = 1.0 - (1.0 - 0.01 * h) ** 50
    assert np.allclose(w, closed, atol=1e-14)
    assert close(ex("early-stopping-gd-closed-form").compute(), tuple(closed), 1e-13)


def test_early_stopping_middle_step_erratum():
    example = ex("early-stopping-middle-step")
    lam, alpha = 0.1, 2.0
    exact = alpha / (lam + alpha)  # (Λ + αI)⁻¹α = 0.952...
    first_order = 1 - lam / alpha  # I - α⁻¹Λ = 0.95
    assert abs(exact - first_order) < (lam / alpha) ** 2  # second-order small
    printed = (-lam + 1 / alpha) * alpha  # = 1 - αλ = 0.8
    assert printed == pytest.approx(1 - alpha * lam)
    assert example.compute() == pytest.approx(first_order)
    assert example.as_slide_computed() == pytest.approx(printed)
    assert differs_beyond_print(example, first_order)


def test_early_stopping_alpha_erratum():
    example = ex("early-stopping-alpha")
    eps, tau = 0.01, 50
    # match first-order terms: 1 - ετλ = 1 - λ/α  ⇒  α = 1/(ετ)
    assert example.compute() == pytest.approx(1 / (eps * tau))
    assert example.as_slide_computed() == pytest.approx(eps * tau)
    assert differs_beyond_print(example, 2.0)
    # the flattest direction (λ = 0.1): early stopping keeps 1 - 0.999^50; L2 with
    # α = 2 is far closer to it than with the slide's α = 0.5
    es = 1 - (1 - eps * 0.1) ** tau
    assert abs(0.1 / (0.1 + 2.0) - es) < 0.002 < 0.1 < abs(0.1 / (0.1 + 0.5) - es)


def test_parameter_tying_by_hand():
    # w_A - w_B = (0.5, -1): Ω = 0.25 + 1; ∂Ω/∂w_A = 2(0.5, -1)
    value = ex("parameter-tying-penalty").compute()
    assert close(value, {"omega": 1.25, "grad_wA": (1.0, -2.0), "grad_wB": (-1.0, 2.0)}, 1e-15)


# ---------------------------------------------------------------------------------------
# Optimization challenges
# ---------------------------------------------------------------------------------------


def test_hessian_signs():
    # Hessians diag(2, -2) and diag(2·0.1, 2·2)
    value = ex("hessian-eigenvalue-signs").compute()
    assert close(value, {"saddle x² − y²": (-2.0, 2.0), "minimum 0.1x₁² + 2x₂²": (0.2, 4.0)},
                 1e-15)


def test_ill_conditioning_by_hand():
    # f(x) = ½(x1² + 100x2²); at (1, 1): f = 50.5, g = (1, 100)
    # x - 0.03g = (0.97, -2): f = ½(0.9409 + 400) = 200.47045
    f_after = 0.5 * (0.97**2 + 100 * 2.0**2)
    assert f_after == pytest.approx(200.47045)
    first, second = -0.03 * (1 + 100**2), 0.5 * 0.03**2 * (1 + 100**3)
    assert 50.5 + first + second == pytest.approx(f_after, abs=1e-10)  # exact for a quadratic
    value = ex("ill-conditioning-taylor").compute()
    assert close(value, {"f_after_step": f_after, "first_order_term": first,
                         "second_order_term": second, "lr_threshold": 20002 / 1000001}, 1e-9)
    assert second > -first  # the Hessian term exceeds the gradient term: f goes up


def test_matrix_power_by_eigendecomposition():
    V = np.array([[1.0, 1.0], [0.0, 1.0]])
    Wt = V @ np.diag([0.5**10, 1.5**10]) @ np.linalg.inv(V)
    assert np.allclose(V @ np.diag([0.5, 1.5]) @ np.linalg.inv(V), [[0.5, 1.0], [0.0, 1.5]])
    assert close(ex("matrix-power-vanishing-exploding").compute(), tuple(map(tuple, Wt)), 1e-12)


def test_relu_against_sigmoid_chain():
    # σ'(0) = σ(0)(1 - σ(0)) = 0.5·0.5
    assert close(ex("relu-vs-sigmoid-chain").compute(), {"sigmoid": 0.25**10, "relu": 1.0},
                 1e-20)


def test_gradient_clipping_against_torch():
    torch = pytest.importorskip("torch")
    p = torch.nn.Parameter(torch.zeros(2, dtype=torch.float64))
    p.grad = torch.tensor([3.0, 4.0], dtype=torch.float64)
    torch.nn.utils.clip_grad_norm_([p], max_norm=1.0)
    # torch adds 1e-6 to the norm; the seed's rule does not: (3, 4)/5
    assert np.allclose(p.grad.numpy(), [0.6, 0.8], atol=1e-6)
    assert close(ex("gradient-clipping").compute(), (3 / 5, 4 / 5), 1e-15)


def test_sgd_minibatch_step_by_hand():
    # ĝ = ½((0·1 - 2)·1 + (0·2 - 3)·2) = -4; θ = 0 - 0.1·(-4)
    assert ex("sgd-minibatch-step").compute() == pytest.approx(0.4, abs=1e-15)


def test_linear_decay_eq_8_14():
    def eq_8_14(k):  # the slide's formula, constant after τ
        a = min(k, 100) / 100
        return (1 - a) * 0.1 + a * 0.001

    expected = tuple(eq_8_14(k) for k in (0, 50, 100, 150))
    assert close(ex("linear-lr-decay").compute(), expected, 1e-15)


# ---------------------------------------------------------------------------------------
# Momentum and Nesterov
# ---------------------------------------------------------------------------------------


def grad_ellipsoid(x):
    return np.array([0.2 * x[0], 4.0 * x[1]])


def test_momentum_first_steps_by_hand():
    # step 1: g = (-1, -8), v = (0.4, 3.2), θ = (-4.6, 1.2)
    # step 2: g = (-0.92, 4.8), v = (0.2 + 0.368, 1.6 - 1.92), θ = (-4.6 + 0.568, 1.2 - 0.32)
    expected = {"theta_1": (-4.6, 1.2), "theta_2": (-4.032, 0.88), "v_2": (0.568, -0.32)}
    assert close(ex("momentum-first-steps").compute(), expected, 1e-14)


def test_momentum_forms_against_torch():
    torch = pytest.importorskip("torch")
    x = torch.tensor([-5.0, -2.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([x], lr=0.4, momentum=0.5)
    for _ in range(2):
        opt.zero_grad()
        (0.1 * x[0] ** 2 + 2 * x[1] ** 2).backward()
        opt.step()
    sum_form = tuple(x.detach().numpy())
    # the ema form by hand: v = 0.5g = (-0.5, -4), θ = (-4.8, -0.4);
    # g = (-0.96, -1.6), v = (-0.25 - 0.48, -2 - 0.8) = (-0.73, -2.8), θ = (-4.508, 0.72)
    ema = (-4.8 + 0.4 * 0.73, -0.4 + 0.4 * 2.8)
    values = ex("momentum-forms").compute()
    assert max_abs_difference(sorted(values.values()),
                              sorted([(-4.032, 0.88), sum_form, ema])) < 1e-13
    assert sum_form == pytest.approx((-4.032, 0.88), abs=1e-13)


def test_nesterov_first_steps_by_hand():
    # step 2: interim (-4.6 + 0.2, 1.2 + 1.6) = (-4.4, 2.8), g = (-0.88, 11.2)
    # v = (0.2 + 0.352, 1.6 - 4.48) = (0.552, -2.88), θ = (-4.048, -1.68)
    expected = {"theta_1": (-4.6, 1.2), "theta_2": (-4.048, -1.68), "v_2": (0.552, -2.88)}
    assert close(ex("nesterov-first-steps").compute(), expected, 1e-14)


def test_nesterov_forms_against_torch():
    torch = pytest.importorskip("torch")
    x = torch.tensor([-5.0, -2.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([x], lr=0.4, momentum=0.5, nesterov=True)
    for _ in range(2):
        opt.zero_grad()
        (0.1 * x[0] ** 2 + 2 * x[1] ** 2).backward()
        opt.step()
    torch_params = tuple(x.detach().numpy())
    # PyTorch stores θ₂ + αv₂ = (-4.048 + 0.276, -1.68 - 1.44)
    assert torch_params == pytest.approx((-3.772, -3.12), abs=1e-13)
    values = ex("nesterov-forms").compute()
    assert max_abs_difference(sorted(values.values()),
                              sorted([(-4.048, -1.68), torch_params])) < 1e-13


# ---------------------------------------------------------------------------------------
# Adaptive methods
# ---------------------------------------------------------------------------------------


def test_adaptive_idea_double_root_erratum():
    example = ex("adaptive-idea-double-root")
    g, eps = np.array([4.0, 0.25]), 1e-7
    correct = 1.0 - 0.1 * g / np.sqrt(g**2 + eps)  # ≈ (0.9, 0.9): a step of η per coordinate
    assert close(example.compute(), tuple(correct), 1e-15)
    literal = 1.0 - 0.1 * g / np.sqrt(np.sqrt(g**2) + eps)  # ≈ (1 - 0.1·2, 1 - 0.1·0.5)
    assert close(example.as_slide_computed(), tuple(literal), 1e-15)
    assert np.allclose(literal, [0.8, 0.95], atol=1e-7)
    assert differs_beyond_print(example, tuple(correct))


def test_adagrad_eps_placement_against_torch():
    torch = pytest.importorskip("torch")
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adagrad([x], lr=0.01, eps=1e-7)
    x.grad = torch.tensor([1e-3], dtype=torch.float64)
    opt.step()
    outside = -0.01 * 1e-3 / (1e-3 + 1e-7)
    assert float(x.detach()[0]) == pytest.approx(outside, rel=1e-12)  # torch: δ outside
    inside = -0.01 * 1e-3 / math.sqrt(1e-6 + 1e-7)
    values = ex("adagrad-eps-placement").compute()
    assert sorted(values.values()) == pytest.approx(sorted([outside, inside]), rel=1e-12)


def test_rmsprop_eps_placement_against_torch():
    torch = pytest.importorskip("torch")
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.RMSprop([x], lr=0.01, alpha=0.9, eps=1e-6)
    x.grad = torch.tensor([1e-3], dtype=torch.float64)
    opt.step()
    outside = -0.01 * 1e-3 / (math.sqrt(0.1 * 1e-6) + 1e-6)
    assert float(x.detach()[0]) == pytest.approx(outside, rel=1e-12)
    inside = -0.01 * 1e-3 / math.sqrt(1e-6 + 0.1 * 1e-6)  # Alg. 8.5
    values = ex("rmsprop-eps-placement").compute()
    assert sorted(values.values()) == pytest.approx(sorted([outside, inside]), rel=1e-12)


def test_rmsprop_nesterov_by_hand():
    # Algorithm 8.6 line by line, no δ
    theta, v, r = np.array([-5.0, -2.0]), np.zeros(2), np.zeros(2)
    for _ in range(2):
        g = grad_ellipsoid(theta + 0.5 * v)
        r = 0.9 * r + 0.1 * g * g
        v = 0.5 * v - 0.1 / np.sqrt(r) * g
        theta = theta + v
    # step 1 by hand: r = (0.1, 6.4), v = 0.1·(1/√0.1, 8/√6.4) = (0.316228, 0.316228)
    assert 0.1 / math.sqrt(0.1) == pytest.approx(0.1 * 8 / math.sqrt(6.4))
    value = ex("rmsprop-nesterov-first-steps").compute()
    assert close(value["theta_2"], tuple(theta), 1e-14)
    assert close(value["v_2"], tuple(v), 1e-14)
    assert close(value["theta_1"], (-5 + 1 / math.sqrt(10), -2 + 1 / math.sqrt(10)), 1e-14)


def test_adam_eps_placement_by_hand_and_torch():
    torch = pytest.importorskip("torch")
    x = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([x], lr=0.001, betas=(0.9, 0.999), eps=1e-8)
    x.grad = torch.tensor([1e-4], dtype=torch.float64)
    opt.step()
    # first step: ŝ = g, r̂ = g² = 1e-8
    outside = -0.001 * 1e-4 / (1e-4 + 1e-8)
    assert float(x.detach()[0]) == pytest.approx(outside, rel=1e-10)
    inside = -0.001 * 1e-4 / math.sqrt(1e-8 + 1e-8)
    # seed 003: η√(1-β2)/(1-β1) · m/√(v + δ) with m = 1e-5, v = 1e-11
    seed003 = -0.001 * math.sqrt(0.001) / 0.1 * 1e-5 / math.sqrt(1e-11 + 1e-8)
    values = ex("adam-eps-placement").compute()
    assert sorted(values.values()) == pytest.approx(sorted([outside, inside, seed003]),
                                                    rel=1e-12)
    assert ex("adam-eps-placement").slide_value == pytest.approx(inside, rel=1e-15)


def test_adamax_recursion_and_its_lp_limit():
    r, seq = 0.0, []
    for g in (3.0, -1.0, 0.5, -4.0):
        r = max(0.9 * r, abs(g))
        seq.append(r)
    assert seq == pytest.approx([3.0, 2.7, 2.43, 4.0])
    assert close(ex("adamax-max-recursion").compute(), tuple(seq), 1e-15)
    # the slide's limit: (ρᵖ u^p + (1 - ρᵖ)|g|ᵖ)^(1/p) → max(ρu, |g|) as p grows
    u, g = 3.0, 1.0
    for p, tol in ((50, 0.02), (200, 1e-6)):
        lp = (0.9**p * u**p + (1 - 0.9**p) * g**p) ** (1 / p)
        assert lp == pytest.approx(max(0.9 * u, g), abs=tol)


# ---------------------------------------------------------------------------------------
# Newton
# ---------------------------------------------------------------------------------------


def test_newton_one_step():
    A, b = np.array([[2.0, 1.0], [1.0, 2.0]]), np.array([-3.0, -3.0])
    assert np.allclose(np.linalg.solve(A, -b), [1.0, 1.0])
    # g = Aθ0 + b = (2, -2); H⁻¹g = (1/3)(2·2 + 2, -2 - 2·2) = (2, -2)
    assert close(ex("newton-one-step").compute(), (3.0 - 2.0, -1.0 + 2.0), 1e-14)


def test_regularized_newton_by_hand():
    # H = diag(2, -2), g = (2, -1): Newton (1, 0.5) - (1, 0.5); damped (1 - 2/5, 0.5 + 1/1)
    value = ex("regularized-newton").compute()
    assert close(value, {"newton": (0.0, 0.0), "regularized_alpha_3": (0.6, 1.5)}, 1e-15)
    assert 0.6**2 - 1.5**2 < 1.0**2 - 0.5**2  # it descends


# ---------------------------------------------------------------------------------------
# Batch normalization
# ---------------------------------------------------------------------------------------

BATCH = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])


def test_bn_training_transform_against_torch():
    torch = pytest.importorskip("torch")
    bn = torch.nn.BatchNorm1d(1, eps=1e-5, dtype=torch.float64)
    with torch.no_grad():
        bn.weight.fill_(2.0)
        bn.bias.fill_(1.0)
    bn.train()
    y = bn(torch.tensor(BATCH.reshape(-1, 1))).detach().numpy()[:, 0]
    value = ex("bn-training-transform").compute()
    assert close(value["y"], tuple(y), 1e-12)
    # by hand (ε → 0): μ = 40/8, σ² = (9 + 1 + 1 + 1 + 0 + 0 + 4 + 16)/8
    assert (BATCH.sum() / 8, ((BATCH - 5) ** 2).sum() / 8) == (5.0, 4.0)
    assert close({"mu": value["mu"], "var": value["var"]}, {"mu": 5.0, "var": 4.0}, 1e-14)


def test_bn_staged_backward_against_torch():
    torch = pytest.importorskip("torch")
    x = torch.tensor(BATCH.reshape(-1, 1), requires_grad=True)
    gamma = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    beta = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.batch_norm(x, None, None, gamma, beta, training=True, eps=1e-5)
    y[0, 0].backward()  # ∂ℓ/∂y = (1, 0, ..., 0)
    value = ex("bn-staged-backward").compute()
    assert close(value["dx"], tuple(x.grad.numpy()[:, 0]), 1e-12)
    assert value["dgamma"] == pytest.approx(float(gamma.grad[0]), abs=1e-12)
    assert value["dbeta"] == pytest.approx(float(beta.grad[0]), abs=1e-12)
    # the intermediate stages by hand (ε → 0, σ = 2): 2·(-3)·(-½)/8 and 2·(-1/2)
    assert value["dvar"] == pytest.approx(0.375, abs=1e-5)
    assert value["dmu"] == pytest.approx(-1.0, abs=1e-5)
    # hand-derived dx (ε → 0) equal the compact formula 0.125·(8dy - 1 + 1.5x̂)
    xhat = (BATCH - 5) / 2
    dy = np.eye(8)[0]
    assert np.allclose(0.125 * (8 * dy - 1 + 1.5 * xhat),
                       ex("bn-staged-backward").slide_value["dx"], atol=1e-15)


def test_bn_method_1_by_hand():
    b1, b2 = np.array([2.0, 4.0, 5.0, 9.0]), np.array([4.0, 4.0, 5.0, 7.0])
    var1, var2 = np.var(b1), np.var(b2)  # biased: 26/4, 6/4
    assert (var1, var2) == (6.5, 1.5)
    expected = {"E[x]": (b1.mean() + b2.mean()) / 2, "Var[x]": 4 / 3 * (var1 + var2) / 2}
    assert close(ex("bn-unbiased-variance").compute(), expected, 1e-14)
    assert expected["Var[x]"] == pytest.approx(16 / 3)


def test_bn_running_variance_conventions_against_torch():
    torch = pytest.importorskip("torch")
    # PyTorch's momentum weights the new batch: λ = 0.95 is momentum = 0.05; it averages
    # the unbiased batch variance
    bn = torch.nn.BatchNorm1d(1, momentum=0.05, dtype=torch.float64)
    bn.train()
    for batch in ([2.0, 4.0, 5.0, 9.0], [4.0, 4.0, 5.0, 7.0]):
        bn(torch.tensor(batch, dtype=torch.float64).reshape(-1, 1))
    torch_var = float(bn.running_var[0])
    biased = 0.95 * (0.95 * 1.0 + 0.05 * 6.5) + 0.05 * 1.5  # 1.28625
    unbiased = 0.95 * (0.95 * 1.0 + 0.05 * 26 / 3) + 0.05 * 2.0  # 1.414166...
    assert torch_var == pytest.approx(unbiased, abs=1e-14)
    values = ex("bn-running-variance").compute()
    assert sorted(values.values()) == pytest.approx(sorted([biased, unbiased]), abs=1e-14)


def test_bn_momentum_conventions_by_hand():
    values = ex("bn-momentum-convention").compute()
    # 0.95·0 + 0.05·5 and 0.05·0 + 0.95·5
    assert sorted(values.values()) == pytest.approx([0.25, 4.75], abs=1e-15)


def test_bn_folded_inference_against_torch():
    torch = pytest.importorskip("torch")
    bn = torch.nn.BatchNorm1d(1, eps=1e-5, dtype=torch.float64)
    with torch.no_grad():
        bn.weight.fill_(2.0)
        bn.bias.fill_(1.0)
        bn.running_mean.fill_(5.0)
        bn.running_var.fill_(4.0)
    bn.eval()
    y7 = float(bn(torch.tensor([[7.0]], dtype=torch.float64)).detach()[0, 0])
    scale = 2.0 / math.sqrt(4.0 + 1e-5)
    value = ex("bn-folded-inference").compute()
    assert close(value, {"scale": scale, "shift": 1.0 - scale * 5.0, "y(7)": y7}, 1e-12)


# ---------------------------------------------------------------------------------------
# The registry as a whole
# ---------------------------------------------------------------------------------------


def test_every_entry_of_seed_001_is_tested_here():
    import course_lib.examples.seed_001 as seed

    source = open(__file__, encoding="utf-8").read()
    for example in seed.EXAMPLES:
        suffix = example.id.removeprefix("001-")
        assert f'ex("{suffix}")' in source, f"{example.id} has no test"
        assert all(math.isfinite(v) for v in flatten_numbers(example.slide_value))


def test_counts_by_verdict():
    import course_lib.examples.seed_001 as seed

    verdicts = [e.verdict for e in seed.EXAMPLES]
    errata = {e.id for e in seed.EXAMPLES if e.verdict == "erratum"}
    assert errata == {
        "001-ridge-normal-equations", "001-dropout-test-scaling", "001-baldi-regularized-error",
        "001-early-stopping-middle-step", "001-early-stopping-alpha",
        "001-adaptive-idea-double-root",
    }
    assert len(verdicts) == len(set(e.id for e in seed.EXAMPLES))
