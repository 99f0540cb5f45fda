"""Seed 004 (COMP4211 notes): every worked example against a derivation written out here.

Each expected number is hand arithmetic (written out in the test), a closed form, or an
oracle library (numpy.linalg, scikit-learn, PyTorch); none comes from course_lib. For an
erratum the test also derives the slide's (wrong) number by hand from the printed rule and
checks that it differs from the correct one by more than the printed precision.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import init
from course_lib.examples.entry import max_abs_difference
from course_lib.examples.seed_004 import EXAMPLES

BY_ID = {ex.id: ex for ex in EXAMPLES}

X1 = np.array([0.0, 1.0, 2.0, 3.0])
Y1 = np.array([1.0, 2.0, 2.0, 4.0])


def ours(eid):
    return BY_ID[eid].compute()


def close(actual, expected, atol=1e-9):
    """Same structure and every number within atol."""
    assert max_abs_difference(actual, expected) <= atol, f"{actual} != {expected}"


def assert_erratum_gap(eid, correct):
    """The slide's value is off from the correct one by more than its printed precision."""
    ex = BY_ID[eid]
    assert ex.verdict == "erratum"
    assert max_abs_difference(ex.slide_value, correct) > ex.tolerance() + 1e-12


def test_ids_are_in_seed_order_and_unique():
    assert [ex.id for ex in EXAMPLES] == [
        "004-normal-equations-d1", "004-squared-loss-gradient", "004-polynomial-regression",
        "004-ridge-bias-penalty", "004-ridge-positive-definite", "004-ridge-lambda-zero",
        "004-mse-rmse-r2", "004-r2-special-cases", "004-output-error-terms",
        "004-tanh-sigmoid-identity", "004-sigmoid-derivative-forms", "004-saturation",
        "004-vanishing-chain", "004-l2-penalty-scaling", "004-weight-decay-step",
        "004-momentum-update", "004-nonsaturating-activations", "004-relu-derivative-at-zero",
        "004-softplus-derivative", "004-elu-derivative-identity", "004-xavier-variances",
        "004-he-fan-average", "004-batchnorm-transform", "004-dropout-p-meaning",
        "004-dropout-ensemble-count", "004-dropout-test-connections",
        "004-dropout-test-scaling", "004-adagrad-eps", "004-rmsprop-eps",
        "004-rmsprop-unrolled", "004-adam-first-step",
    ]


# --- 1 Linear regression -----------------------------------------------------------------


def test_normal_equations_d1():
    # N = 4, Σx = 6, Σx² = 0+1+4+9 = 14, Σy = 9, Σxy = 0+2+4+12 = 18; det A = 56 - 36 = 20
    w0 = (14 * 9 - 6 * 18) / 20  # Cramer: (126 - 108)/20 = 0.9
    w1 = (4 * 18 - 6 * 9) / 20  # (72 - 54)/20 = 0.9
    expected = {"A": ((4.0, 6.0), (6.0, 14.0)), "b": (9.0, 18.0), "w": (w0, w1)}
    close(ours("004-normal-equations-d1"), expected, atol=1e-12)
    close(BY_ID["004-normal-equations-d1"].slide_value, expected, atol=1e-12)
    # oracle: numpy's least squares on the design matrix
    X = np.column_stack([np.ones(4), X1])
    close(np.linalg.lstsq(X, Y1, rcond=None)[0], (w0, w1), atol=1e-12)


def test_squared_loss_and_gradient_at_one_one():
    # Xw = 1 + x = (1, 2, 3, 4); r = Xw - y = (0, 0, 1, 0)
    r = np.array([0.0, 0.0, 1.0, 0.0])
    expected = {"L": 1.0, "grad": (2 * r.sum(), 2 * (X1 * r).sum())}  # 2Xᵀr = (2, 4)
    assert expected["grad"] == (2.0, 4.0)
    close(ours("004-squared-loss-gradient"), expected, atol=1e-6)


def test_polynomial_regression_fits_one_plus_x_squared():
    x, y = np.array([-1.0, 0.0, 1.0, 2.0]), np.array([2.0, 1.0, 2.0, 5.0])
    assert np.array_equal(1 + x**2, y)  # the points lie on y = 1 + x²
    close(ours("004-polynomial-regression"), (1.0, 0.0, 1.0), atol=1e-9)
    close(np.polyfit(x, y, 2)[::-1], (1.0, 0.0, 1.0), atol=1e-9)  # oracle


def test_ridge_with_and_without_the_bias_penalty():
    # bias penalized: (XᵀX + I) = [[5, 6], [6, 15]], det 39, Xᵀy = (9, 18)
    penalized = ((15 * 9 - 6 * 18) / 39, (5 * 18 - 6 * 9) / 39)  # (27/39, 36/39)
    # bias free: x̄ = 1.5, ȳ = 2.25, Sxx = 2.25+0.25+0.25+2.25 = 5,
    # Sxy = 1.875 + 0.125 - 0.125 + 2.625 = 4.5, w1 = 4.5/(5 + 1), w0 = ȳ - w1 x̄
    w1 = 4.5 / 6
    free = (2.25 - w1 * 1.5, w1)  # (1.125, 0.75)
    values = ours("004-ridge-bias-penalty")
    close(values["bias penalized (closed form as printed, λI)"], penalized, atol=1e-12)
    close(values["bias not penalized (item 3)"], free, atol=1e-12)
    close(BY_ID["004-ridge-bias-penalty"].slide_value, penalized, atol=1e-12)


def test_ridge_bias_conventions_against_sklearn():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X = np.column_stack([np.ones(4), X1])
    all_in = linear_model.Ridge(alpha=1.0, fit_intercept=False).fit(X, Y1)
    free = linear_model.Ridge(alpha=1.0).fit(X1[:, None], Y1)
    values = ours("004-ridge-bias-penalty")
    close(values["bias penalized (closed form as printed, λI)"], all_in.coef_, atol=1e-10)
    close(values["bias not penalized (item 3)"], (free.intercept_, free.coef_[0]), atol=1e-10)


def test_ridge_matrix_is_positive_definite():
    X = np.array([[1.0, 1.0, 2.0], [1.0, 2.0, 4.0], [1.0, 3.0, 6.0]])
    assert abs(np.linalg.det(X.T @ X)) < 1e-9  # column 3 = 2 × column 2
    eig = np.linalg.eigvalsh(X.T @ X)  # oracle
    expected = {"min eig XᵀX": 0.0, "min eig XᵀX + λI": 0.5}  # adding 0.5 I shifts by 0.5
    close(ours("004-ridge-positive-definite"), expected, atol=1e-9)
    assert abs(eig[0]) < 1e-9 and abs(np.linalg.eigvalsh(X.T @ X + 0.5 * np.eye(3))[0] - 0.5) < 1e-9


def test_ridge_with_zero_lambda_is_least_squares():
    close(ours("004-ridge-lambda-zero"), (0.9, 0.9), atol=1e-12)  # from the Cramer test above


def test_mse_rmse_r2_by_hand():
    # predictions 0.9 + 0.9x = (0.9, 1.8, 2.7, 3.6); residuals (-0.1, -0.2, 0.7, -0.4)
    sse = 0.01 + 0.04 + 0.49 + 0.16  # 0.70
    sst = 1.5625 + 0.0625 + 0.0625 + 3.0625  # Σ(y - 2.25)² = 4.75
    expected = {"squared loss": sse, "MSE": sse / 4, "RMSE": math.sqrt(sse / 4),
                "R2": 1 - sse / sst}
    close(ours("004-mse-rmse-r2"), expected, atol=1e-12)
    close(BY_ID["004-mse-rmse-r2"].slide_value, expected, atol=5e-7)


def test_metrics_against_sklearn():
    metrics = pytest.importorskip("sklearn.metrics")
    pred = np.array([0.9, 1.8, 2.7, 3.6])
    values = ours("004-mse-rmse-r2")
    assert values["MSE"] == pytest.approx(metrics.mean_squared_error(Y1, pred), abs=1e-12)
    assert values["R2"] == pytest.approx(metrics.r2_score(Y1, pred), abs=1e-12)
    special = ours("004-r2-special-cases")
    assert special["always predict the mean"] == pytest.approx(
        metrics.r2_score(Y1, np.full(4, 2.25)), abs=1e-12)
    assert special["always predict 0"] == pytest.approx(
        metrics.r2_score(Y1, np.zeros(4)), abs=1e-12)


def test_r2_special_cases_by_hand():
    expected = {
        "MSE = 0 (exact quadratic fit)": 1.0,  # 1 - 0/SST
        "always predict the mean": 0.0,  # 1 - SST/SST
        "always predict 0": 1 - (1 + 4 + 4 + 16) / 4.75,  # 1 - Σy²/SST = -4.263158
    }
    close(ours("004-r2-special-cases"), expected, atol=1e-9)
    close(BY_ID["004-r2-special-cases"].slide_value, expected, atol=5e-7)


# --- 2 Feedforward networks --------------------------------------------------------------


def test_output_error_terms():
    e = [math.exp(1.0), math.exp(2.0), math.exp(0.5)]
    z = [v / sum(e) for v in e]  # softmax(1, 2, 0.5)
    expected = {"regression": (1.0 - 0.5, 0.0 - (-1.0)),  # y - z
                "classification": (1.0 - z[0], -z[1], -z[2])}
    close(ours("004-output-error-terms"), expected, atol=1e-12)
    close(BY_ID["004-output-error-terms"].slide_value, expected, atol=5e-7)


def test_output_error_terms_against_torch():
    torch = pytest.importorskip("torch")
    logits = torch.tensor([[1.0, 2.0, 0.5]], dtype=torch.float64, requires_grad=True)
    torch.nn.functional.cross_entropy(logits, torch.tensor([0]), reduction="sum").backward()
    close(ours("004-output-error-terms")["classification"], (-logits.grad[0]).tolist(),
          atol=1e-12)


def test_tanh_identity():
    t = math.tanh(1.0)
    two_sigma = 2 / (1 + math.exp(-2.0)) - 1
    close(ours("004-tanh-sigmoid-identity"),
          {"tanh(1)": t, "2σ(2)-1": two_sigma, "2/(1+e^-2)-1": two_sigma}, atol=1e-12)
    assert abs(t - 0.761594) < 5e-7 and abs(two_sigma - t) < 1e-12


def test_sigmoid_derivative_third_form_is_wrong():
    x = 0.0
    true = math.exp(-x) / (1 + math.exp(-x)) ** 2  # 1/4
    printed = [true, math.exp(x) / (math.exp(x) + 1) ** 2,
               2 * math.exp(2 * x) / (math.exp(2 * x) + 1) ** 2]  # 1/4, 1/4, 2/4
    assert printed == [0.25, 0.25, 0.5]
    keys = ("e^-x/(1+e^-x)^2", "e^x/(e^x+1)^2", "2e^2x/(e^2x+1)^2")
    close(ours("004-sigmoid-derivative-forms"), dict.fromkeys(keys, true), atol=1e-15)
    close(BY_ID["004-sigmoid-derivative-forms"].slide_value, dict(zip(keys, printed, strict=True)), 0.0)
    assert_erratum_gap("004-sigmoid-derivative-forms", dict.fromkeys(keys, true))
    # not tanh' either: tanh'(0) = 4e^0/(e^0 + 1)² = 1
    assert 4 * math.exp(0) / (math.exp(0) + 1) ** 2 == 1.0 != printed[2]
    # and at another point the third form is d/dx σ(2x) = 2σ'(2x), not σ'(x)
    x = 1.0
    third = 2 * math.exp(2 * x) / (math.exp(2 * x) + 1) ** 2
    assert third == pytest.approx(2 * math.exp(-2) / (1 + math.exp(-2)) ** 2, rel=1e-12)
    assert abs(third - math.exp(-1) / (1 + math.exp(-1)) ** 2) > 0.01


def test_saturation_at_five():
    expected = {"σ'(5)": math.exp(-5) / (1 + math.exp(-5)) ** 2,
                "tanh'(5)": 1 - math.tanh(5.0) ** 2}
    close(ours("004-saturation"), expected, atol=1e-12)
    close(BY_ID["004-saturation"].slide_value, expected, atol=5e-7)


def test_vanishing_chain():
    close(ours("004-vanishing-chain"),
          {"max σ'": 0.25, "product over 10 layers": 1 / 4**10, "max tanh'": 1.0}, atol=1e-15)
    assert 1 / 4**10 == 1 / 1048576


def test_l2_penalty_scalings():
    lam, w = 0.1, 1.0
    close(ours("004-l2-penalty-scaling"),
          {"λ‖w‖² (sec. 1.6)": 2 * lam * w, "λ/2 Σw² (sec. 2.7 item 11)": lam * w}, atol=1e-15)


def test_weight_decay_step_sign():
    eta, lam, w, g = 0.1, 0.1, 1.0, 2.0  # L = w², so ∂L/∂w = 2w = 2
    correct = -eta * (g + lam * w)  # -0.21
    printed = eta * g - eta * lam * w  # +0.19
    assert ours("004-weight-decay-step") == pytest.approx(correct, abs=1e-15)
    assert BY_ID["004-weight-decay-step"].slide_value == pytest.approx(printed, abs=1e-15)
    assert_erratum_gap("004-weight-decay-step", correct)


def test_momentum_two_steps():
    eta, beta = 0.1, 0.9
    g1 = 2.0 * 1.0
    dw1 = -(1 - beta) * eta * g1  # -0.02, either rule
    w1 = 1.0 + dw1  # 0.98
    g2 = 2.0 * w1  # 1.96
    correct = (w1, w1 + beta * dw1 - (1 - beta) * eta * g2)  # 0.98 - 0.0376 = 0.9424
    printed = (w1, w1 - (1 - beta) * eta * g2 + eta * dw1)  # 0.98 - 0.0216 = 0.9584
    close(ours("004-momentum-update"), correct, atol=1e-15)
    close(correct, (0.98, 0.9424), atol=1e-15)
    close(BY_ID["004-momentum-update"].slide_value, printed, atol=1e-15)
    assert_erratum_gap("004-momentum-update", correct)


# --- 3 Deep networks ------------------------------------------------------------------------


def test_nonsaturating_activations():
    e2 = math.exp(-2.0)
    expected = {
        "ReLU": (0.0, 0.0, 3.0), "ReLU'": (0.0, 1.0, 1.0),
        "leaky ReLU": (0.01 * -2.0, 0.0, 3.0), "leaky ReLU'": (0.01, 1.0, 1.0),
        "ELU": (e2 - 1.0, 0.0, 3.0), "ELU'": (e2, 1.0, 1.0),
    }
    close(ours("004-nonsaturating-activations"), expected, atol=1e-15)
    close(BY_ID["004-nonsaturating-activations"].slide_value, expected, atol=5e-7)


def test_relu_derivative_at_zero_conventions():
    values = ours("004-relu-derivative-at-zero")
    assert values == {"seed 004: 1 for x >= 0 (right derivative)": 1.0,
                      "PyTorch: 0 at x = 0 (left derivative)": 0.0}


def test_relu_derivative_at_zero_in_torch():
    torch = pytest.importorskip("torch")
    x = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    torch.relu(x).backward()
    assert ours("004-relu-derivative-at-zero")["PyTorch: 0 at x = 0 (left derivative)"] == (
        float(x.grad))


def test_softplus_derivative_is_logistic():
    expected = math.e / (1 + math.e)  # e^x/(1 + e^x) at x = 1
    close(ours("004-softplus-derivative"),
          {"d/dx log(1+e^x) at 1": expected, "σ(1)": expected}, atol=1e-8)


def test_elu_derivative_identity():
    expected = math.exp(-1.0)  # αe^x, and g(x) + α = (e^{-1} - 1) + 1
    close(ours("004-elu-derivative-identity"), {"αe^x": expected, "g(x)+α": expected},
          atol=1e-8)


def test_xavier_variances_agree():
    a2 = 6 / 300  # bound² for n_in + n_out = 300
    close(ours("004-xavier-variances"), {"normal": 2 / 300, "uniform": a2 / 3}, atol=1e-15)
    # course_lib's samplers draw from these distributions (a sanity link, loose tolerance)
    rng = np.random.default_rng(0)
    u = init.xavier_uniform(rng, 200, 100)
    n = init.xavier_normal(rng, 200, 100)
    assert np.abs(u).max() <= math.sqrt(a2)
    assert u.var() == pytest.approx(2 / 300, rel=0.05)
    assert n.var() == pytest.approx(2 / 300, rel=0.05)


def test_he_fan_average_versus_fan_in():
    values = ours("004-he-fan-average")
    close(values["fan average (seed 004)"], (4 / 300, math.sqrt(12 / 300)), atol=1e-15)
    close(values["fan in (He et al. 2015, PyTorch)"], (2 / 200, math.sqrt(6 / 200)), atol=1e-15)
    assert math.sqrt(12 / 300) == pytest.approx(0.2, abs=1e-15)


def test_he_fan_in_matches_torch_bound():
    torch = pytest.importorskip("torch")
    w = torch.empty(100, 200, dtype=torch.float64)  # torch's (fan_out, fan_in)
    torch.nn.init.kaiming_uniform_(w, nonlinearity="relu",
                                   generator=torch.Generator().manual_seed(0))
    bound = ours("004-he-fan-average")["fan in (He et al. 2015, PyTorch)"][1]
    assert float(w.abs().max()) <= bound
    assert float(w.abs().max()) > 0.99 * bound  # 20000 draws come close to the bound


def test_batchnorm_transform_by_hand():
    x = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    mu = 40 / 8
    var = (9 + 1 + 1 + 1 + 0 + 0 + 4 + 16) / 8  # 4
    y = 3 * (x - mu) / math.sqrt(var + 1e-5) + 1
    close(ours("004-batchnorm-transform"), {"mu": mu, "var": var, "y": tuple(y)}, atol=1e-12)
    close(BY_ID["004-batchnorm-transform"].slide_value,
          {"mu": mu, "var": var, "y": tuple(3 * (x - mu) / 2 + 1)}, atol=0.0)


def test_batchnorm_transform_against_torch():
    torch = pytest.importorskip("torch")
    x = torch.tensor([[2.0], [4.0], [4.0], [4.0], [5.0], [5.0], [7.0], [9.0]],
                     dtype=torch.float64)
    y = torch.nn.functional.batch_norm(
        x, None, None, weight=torch.tensor([3.0], dtype=torch.float64),
        bias=torch.tensor([1.0], dtype=torch.float64), training=True, eps=1e-5)
    close(ours("004-batchnorm-transform")["y"], y[:, 0].tolist(), atol=1e-12)


def test_dropout_p_meanings():
    close(ours("004-dropout-p-meaning"),
          {"p = dropout rate (seed 004, PyTorch)": 1 - 0.8,
           "p = keep probability (seed 001)": 0.8}, atol=1e-15)


def test_dropout_ensemble_count():
    assert ours("004-dropout-ensemble-count") == 2.0**4


def test_dropout_test_connections():
    # expected inputs seen in training: Σ_i P(kept) = 4(1 - p); at test: 4
    expected = {"p = 0.5": 4 / (4 * 0.5), "p = 0.2": 4 / (4 * 0.8)}
    close(ours("004-dropout-test-connections"), expected, atol=1e-12)
    close(expected, {"p = 0.5": 2.0, "p = 0.2": 1.25}, atol=1e-15)


def test_dropout_test_scaling_conventions():
    sum_w = 1 + 2 + 3 + 4
    close(ours("004-dropout-test-scaling"),
          {"(a) weights times 1-p after training": 0.5 * sum_w,
           "(b) inverted dropout": sum_w}, atol=1e-15)


def test_adagrad_eps_placement():
    g, eta, eps = 1e-5, 0.1, 1e-10
    expected = {"ε inside the root (seed 004)": -eta * g / math.sqrt(g * g + eps),
                "ε outside the root (Goodfellow Alg. 8.4, PyTorch)": -eta * g / (g + eps)}
    close(ours("004-adagrad-eps"), expected, atol=1e-15)
    assert expected["ε inside the root (seed 004)"] == pytest.approx(-0.1 / math.sqrt(2))


def test_rmsprop_eps_placement():
    g, eta, beta, eps = 1e-5, 0.1, 0.9, 1e-10
    s = (1 - beta) * g * g  # 1e-11
    expected = {"ε inside the root (seed 004)": -eta * g / math.sqrt(s + eps),
                "ε outside the root (seed 000, PyTorch)": -eta * g / (math.sqrt(s) + eps)}
    close(ours("004-rmsprop-eps"), expected, atol=1e-15)


def test_adaptive_eps_outside_matches_torch():
    torch = pytest.importorskip("torch")
    for cls, kwargs, eid, key in (
        (torch.optim.Adagrad, {"eps": 1e-10}, "004-adagrad-eps",
         "ε outside the root (Goodfellow Alg. 8.4, PyTorch)"),
        (torch.optim.RMSprop, {"alpha": 0.9, "eps": 1e-10}, "004-rmsprop-eps",
         "ε outside the root (seed 000, PyTorch)"),
    ):
        w = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
        opt = cls([w], lr=0.1, **kwargs)
        w.grad = torch.tensor([1e-5], dtype=torch.float64)
        opt.step()
        assert ours(eid)[key] == pytest.approx(float(w.detach()[0]) - 1.0, abs=1e-15)


def test_rmsprop_unrolled_recurrence():
    beta, g = 0.9, (1.0, 4.0, 9.0)  # squared gradients of 1, 2, 3
    s1 = (1 - beta) * g[0]  # 0.1
    s2 = beta * s1 + (1 - beta) * g[1]  # 0.09 + 0.4 = 0.49
    s3 = beta * s2 + (1 - beta) * g[2]  # 0.441 + 0.9 = 1.341
    unrolled = (1 - beta) * (beta**2 * g[0] + beta * g[1] + g[2])  # 0.1 · 13.41
    printed_second = beta**2 * g[0] + beta * g[1] + g[2]  # (1-β) dropped: 13.41
    assert s3 == pytest.approx(1.341) and unrolled == pytest.approx(s3)
    correct = {"(1-β)(β²g1+βg2+g3)": s3, "Σβ^(t-i)g_i": s3}
    close(ours("004-rmsprop-unrolled"), correct, atol=1e-12)
    close(BY_ID["004-rmsprop-unrolled"].slide_value,
          {"(1-β)(β²g1+βg2+g3)": unrolled, "Σβ^(t-i)g_i": printed_second}, atol=1e-12)
    assert_erratum_gap("004-rmsprop-unrolled", correct)


def test_adam_first_step_order_of_bias_correction():
    eta, b1, b2, eps, g = 0.1, 0.9, 0.999, 1e-8, 2.0
    dw = -(1 - b1) * g  # -0.2
    s = (1 - b2) * g * g  # 0.004
    correct = 1.0 + eta * (dw / (1 - b1)) / math.sqrt(s / (1 - b2) + eps)  # 1 - 0.1·2/√4
    printed = 1.0 + eta * (dw / (1 - b1)) / math.sqrt(s + eps)  # s corrected too late
    assert correct == pytest.approx(0.9, abs=1e-9)
    # ε = 1e-8 is not negligible next to s = 0.004: it moves the result by about 4e-6
    assert printed == pytest.approx(1 - 0.2 / math.sqrt(0.004), abs=1e-5)  # -2.1623
    assert ours("004-adam-first-step") == pytest.approx(correct, abs=1e-15)
    assert BY_ID["004-adam-first-step"].slide_value == pytest.approx(printed, abs=5e-7)
    assert_erratum_gap("004-adam-first-step", correct)


def test_adam_first_step_against_torch():
    torch = pytest.importorskip("torch")
    w = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([w], lr=0.1, betas=(0.9, 0.999), eps=0.0)  # ε placement aside
    (w**2).sum().backward()
    opt.step()
    assert ours("004-adam-first-step") == pytest.approx(float(w.detach()[0]), abs=1e-8)
