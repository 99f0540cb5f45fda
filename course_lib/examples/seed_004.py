"""Worked examples of seed 004 (COMP4211 revision notes: regression, backpropagation, deep nets).

The notes state formulas rather than worked numbers, so most entries are the concrete case a
notebook uses to teach the formula (the inputs are chosen to give clean hand arithmetic and
are listed in ``inputs``); the slide value of such an entry is what the notes' formula gives
on those inputs, worked out by hand in ``tests/test_examples_seed_004.py``.

Conversion damage versus errors of the notes: for sections 1 to 2.7 item 7 the author's LaTeX
source is public (github.com/Larry1280326/my-latex-notes, "COMP4211 Machine Learning.tex").
Comparing it with the seed shows that the text conversion kept every minus sign of the
display formulas there (it did turn one y into a v). Later sections, for which no source
is available, show minus signs lost in running text and inline formulas (the keep
probability "1 p", the first "e^x e^{-x}" of tanh). Where an entry calls something
conversion damage or an error of the notes, its explanation says why.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from course_lib import (
    activations,
    batchnorm,
    dropout,
    init,
    linear_models,
    losses,
    optim,
    penalties,
)
from course_lib.averages import ewa_weights
from course_lib.examples.entry import Example
from course_lib.gradcheck import numerical_gradient
from course_lib.objectives import square
from course_lib.seeds import SEEDS

SOURCE = SEEDS["004"].file

# The d = 1 regression data every section-1 entry uses: N = 4 points near y = 1 + x.
X1 = (0.0, 1.0, 2.0, 3.0)
Y1 = (1.0, 2.0, 2.0, 4.0)


def _design() -> tuple[np.ndarray, np.ndarray]:
    """The seed's X (a column of ones, then x) and y for the section-1 data."""
    return linear_models.polynomial_features(np.array(X1), 1), np.array(Y1)


def _normal_equations_d1() -> dict:
    X, y = _design()
    return {
        "A": tuple(map(tuple, (X.T @ X).tolist())),
        "b": tuple((X.T @ y).tolist()),
        "w": tuple(linear_models.normal_equations(X, y).tolist()),
    }


def _squared_loss_and_gradient() -> dict:
    X, y = _design()

    def loss(w: np.ndarray) -> float:
        return losses.mse(X @ w, y, reduction="sum")  # ||Xw - y||^2

    w = np.array([1.0, 1.0])
    return {"L": loss(w), "grad": tuple(numerical_gradient(loss, w).tolist())}


def _polynomial_fit() -> tuple[float, ...]:
    x, y = np.array([-1.0, 0.0, 1.0, 2.0]), np.array([2.0, 1.0, 2.0, 5.0])
    X = linear_models.polynomial_features(x, 2)
    return tuple(linear_models.normal_equations(X, y).tolist())


def _ridge_bias_conventions() -> dict:
    X, y = _design()
    all_penalized = linear_models.ridge(X, y, 1.0)  # X carries the column of ones
    free_bias = linear_models.ridge(X[:, 1:], y, 1.0, fit_intercept=True)
    return {
        "bias penalized (closed form as printed, λI)": tuple(all_penalized.coef.tolist()),
        "bias not penalized (item 3)": (free_bias.intercept, float(free_bias.coef[0])),
    }


def _ridge_positive_definite() -> dict:
    # Third column = 2 x second column, so X^T X is singular.
    X = np.array([[1.0, 1.0, 2.0], [1.0, 2.0, 4.0], [1.0, 3.0, 6.0]])
    lam = 0.5
    gram_eigs, _ = penalties.check_psd(X.T @ X, "XᵀX")
    ridge_eigs, _ = penalties.check_psd(X.T @ X + lam * np.eye(3), "XᵀX + λI")
    return {"min eig XᵀX": float(gram_eigs[0]), "min eig XᵀX + λI": float(ridge_eigs[0])}


def _ridge_lambda_zero() -> tuple[float, ...]:
    X, y = _design()
    return tuple(linear_models.ridge(X, y, 0.0).coef.tolist())


def _metrics() -> dict:
    X, y = _design()
    pred = X @ linear_models.normal_equations(X, y)
    return {
        "squared loss": losses.mse(pred, y, reduction="sum"),
        "MSE": linear_models.mse(y, pred),
        "RMSE": linear_models.rmse(y, pred),
        "R2": linear_models.r2_score(y, pred),
    }


def _r2_special_cases() -> dict:
    _, y = _design()
    x2, y2 = np.array([-1.0, 0.0, 1.0, 2.0]), np.array([2.0, 1.0, 2.0, 5.0])
    X2 = linear_models.polynomial_features(x2, 2)
    return {
        "MSE = 0 (exact quadratic fit)": linear_models.r2_score(
            y2, X2 @ linear_models.normal_equations(X2, y2)),
        "always predict the mean": linear_models.r2_score(y, np.full(4, y.mean())),
        "always predict 0": linear_models.r2_score(y, np.zeros(4)),
    }


def _output_error_terms() -> dict:
    # delta = -dL/dx^[3]: regression with a linear output (z = x) and half the squared loss
    _, cache = losses.mse_forward(np.array([[0.5, -1.0]]), np.array([[1.0, 0.0]]),
                                  reduction="sum", half=True)
    regression = -losses.mse_backward(1.0, cache).dpred[0]
    _, cache = losses.softmax_cross_entropy_forward(np.array([[1.0, 2.0, 0.5]]), np.array([0]),
                                                    reduction="sum")
    classification = -losses.softmax_cross_entropy_backward(1.0, cache).dlogits[0]
    return {"regression": tuple(regression.tolist()),
            "classification": tuple(classification.tolist())}


def _tanh_identity() -> dict:
    return {
        "tanh(1)": float(activations.tanh(1.0)),
        "2σ(2)-1": float(2.0 * activations.sigmoid(2.0) - 1.0),
        "2/(1+e^-2)-1": 2.0 / (1.0 + math.exp(-2.0)) - 1.0,
    }


_SIGMOID_FORMS = ("e^-x/(1+e^-x)^2", "e^x/(e^x+1)^2", "2e^2x/(e^2x+1)^2")


def _sigmoid_derivative_at_zero() -> dict:
    # What each of the three printed expressions should equal: σ'(0).
    value = float(activations.sigmoid_derivative(0.0))
    return dict.fromkeys(_SIGMOID_FORMS, value)


def _sigmoid_derivative_as_printed() -> dict:
    # The third expression is d/dx σ(2x) = 2σ'(2x), evaluated at x = 0.
    x = 0.0
    return {
        _SIGMOID_FORMS[0]: float(activations.sigmoid_derivative(x)),
        _SIGMOID_FORMS[1]: float(activations.sigmoid_derivative(x)),
        _SIGMOID_FORMS[2]: float(2.0 * activations.sigmoid_derivative(2.0 * x)),
    }


def _saturation() -> dict:
    return {"σ'(5)": float(activations.sigmoid_derivative(5.0)),
            "tanh'(5)": float(activations.tanh_derivative(5.0))}


def _vanishing_chain() -> dict:
    # Each of k = 10 sigmoid layers multiplies the error term by g'(x) <= σ'(0) = 1/4
    # (taking the weights as 1), so even in the best case the product is (1/4)^10.
    grid = np.linspace(-10.0, 10.0, 2001)  # contains 0
    best = float(activations.sigmoid_derivative(grid).max())
    return {"max σ'": best, "product over 10 layers": best**10,
            "max tanh'": float(activations.tanh_derivative(grid).max())}


def _l2_scalings() -> dict:
    w = {"w": np.array(1.0)}
    return {
        "λ‖w‖² (sec. 1.6)": float(penalties.l2_penalty_grad(w, 0.1, scaling="lambda")["w"]),
        "λ/2 Σw² (sec. 2.7 item 11)": float(
            penalties.l2_penalty_grad(w, 0.1, scaling="lambda_over_2")["w"]),
    }


def _weight_decay_step() -> float:
    f, opt = square(), optim.SGD(lr=0.1, weight_decay=0.1)  # w <- (1 - ηλ)w - ηg
    params = f.params(1.0)
    new, _ = opt.update(params, f.grad_fn(params), opt.init(params))
    return float(new["x"][0] - params["x"][0])


def _weight_decay_as_printed() -> float:
    eta, lam, w = 0.1, 0.1, 1.0
    g = float(square().gradient(w)[0])
    return eta * g - eta * lam * w  # the printed η ∂L/∂w − ηλw


def _momentum_two_steps() -> tuple[float, float]:
    f = square()
    traj = optim.run(optim.Momentum(lr=0.1, beta=0.9, form="ema"), f.grad_fn, f.params(1.0), 2)
    return tuple(float(x) for x in traj.stack("x")[1:, 0])


def _momentum_as_printed() -> tuple[float, float]:
    f, eta, beta = square(), 0.1, 0.9
    w, dw_prev, out = 1.0, 0.0, []
    for _ in range(2):
        dw = -(1.0 - beta) * eta * float(f.gradient(w)[0]) + eta * dw_prev  # as printed
        w, dw_prev = w + dw, dw
        out.append(w)
    return tuple(out)


_POINTS = np.array([-2.0, 0.0, 3.0])


def _nonsaturating() -> dict:
    a = activations
    return {
        "ReLU": tuple(a.relu(_POINTS).tolist()),
        "ReLU'": tuple(a.relu_derivative(_POINTS).tolist()),
        "leaky ReLU": tuple(a.leaky_relu(_POINTS, alpha=0.01).tolist()),
        "leaky ReLU'": tuple(a.leaky_relu_derivative(_POINTS, alpha=0.01).tolist()),
        "ELU": tuple(a.elu(_POINTS, alpha=1.0).tolist()),
        "ELU'": tuple(a.elu_derivative(_POINTS, alpha=1.0).tolist()),
    }


def _relu_one_sided_derivatives() -> dict:
    # The two one-sided difference quotients of ReLU at 0 (exact for any h > 0).
    h = 1e-3
    relu = activations.relu
    return {"seed 004: 1 for x >= 0 (right derivative)": float((relu(h) - relu(0.0)) / h),
            "PyTorch: 0 at x = 0 (left derivative)": float((relu(0.0) - relu(-h)) / h)}


def _softplus_derivative() -> dict:
    slope = numerical_gradient(lambda x: float(activations.softplus(x[0])), np.array([1.0]))
    return {"d/dx log(1+e^x) at 1": float(slope[0]), "σ(1)": float(activations.sigmoid(1.0))}


def _elu_derivative_identity() -> dict:
    x = np.array([-1.0])
    slope = numerical_gradient(lambda v: float(activations.elu(v[0], alpha=1.0)), x)
    return {"αe^x": float(slope[0]), "g(x)+α": float(activations.elu(-1.0, alpha=1.0)) + 1.0}


def _xavier_variances() -> dict:
    # both of course_lib's Xavier draws have this variance (a uniform on (-a, a): a²/3)
    variance = init.xavier_variance(200, 100)
    return {"normal": variance, "uniform": variance}


def _he_conventions() -> dict:
    out = {}
    for name, mode in (("fan average (seed 004)", "fan_avg"),
                       ("fan in (He et al. 2015, PyTorch)", "fan_in")):
        variance = init.he_variance(200, 100, mode)
        out[name] = (variance, math.sqrt(3.0 * variance))  # N(0, var) and U(±bound)
    return out


def _batchnorm_transform() -> dict:
    x = np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).reshape(-1, 1)
    y, cache, _ = batchnorm.batchnorm_forward(
        x, np.array([3.0]), np.array([1.0]), train=True,
        running=batchnorm.init_running_stats(1), eps=1e-5)
    return {"mu": float(cache.mean[0]), "var": float(cache.var[0]),
            "y": tuple(y[:, 0].tolist())}


def _dropout_p_meaning() -> dict:
    return {"p = dropout rate (seed 004, PyTorch)": dropout.keep_probability(p_drop=0.8),
            "p = keep probability (seed 001)": dropout.keep_probability(p_keep=0.8)}


def _dropout_networks_seen() -> float:
    # Draw 2000 training steps' masks over N = 4 droppable units and count the distinct
    # sub-networks: every one of the 2^4 appears (a pattern's chance of never being drawn
    # is (15/16)^2000, about 1e-56).
    masks = dropout.dropout_mask(np.random.default_rng(4211), (2000, 4), p_drop=0.5)
    return float(len({tuple(m) for m in masks}))


def _connection_ratios() -> dict:
    # Exact expectation over every mask of n = 4 inputs: how many inputs a unit sees in
    # training (dropout on, scheme without rescaling) versus at test time (all n).
    out = {}
    for p in (0.5, 0.2):
        ones, expected = np.ones(4), 0.0
        for bits in itertools.product((0.0, 1.0), repeat=4):
            mask = np.array(bits)
            prob = math.prod((1.0 - p) if b else p for b in bits)
            seen, _ = dropout.dropout_forward(ones, p_drop=p, train=True,
                                              scheme="scale_at_test", mask=mask)
            expected += prob * float(seen.sum())
        out[f"p = {p}"] = float(ones.size) / expected  # at test time no input is dropped
    return out


def _dropout_test_outputs() -> dict:
    w, x = np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4)
    out = {}
    for name, scheme in (("(a) weights times 1-p after training", "scale_at_test"),
                         ("(b) inverted dropout", "inverted")):
        seen, _ = dropout.dropout_forward(x, p_drop=0.5, train=False, scheme=scheme)
        out[name] = float(w @ seen)
    return out


def _one_step(opt, w0: float, g: float) -> float:
    params = {"w": np.array(w0)}
    new, _ = opt.update(params, {"w": np.array(g)}, opt.init(params))
    return float(new["w"] - params["w"])


def _adagrad_eps() -> dict:
    return {
        "ε inside the root (seed 004)": _one_step(
            optim.AdaGrad(lr=0.1, eps=1e-10, eps_inside_sqrt=True), 1.0, 1e-5),
        "ε outside the root (Goodfellow Alg. 8.4, PyTorch)": _one_step(
            optim.AdaGrad(lr=0.1, eps=1e-10, eps_inside_sqrt=False), 1.0, 1e-5),
    }


def _rmsprop_eps() -> dict:
    return {
        "ε inside the root (seed 004)": _one_step(
            optim.RMSProp(lr=0.1, rho=0.9, eps=1e-10, eps_inside_sqrt=True), 1.0, 1e-5),
        "ε outside the root (seed 000, PyTorch)": _one_step(
            optim.RMSProp(lr=0.1, rho=0.9, eps=1e-10, eps_inside_sqrt=False), 1.0, 1e-5),
    }


_RMS_GRADS = (1.0, 2.0, 3.0)  # so the squared gradients g_1, g_2, g_3 are 1, 4, 9


def _rmsprop_s3() -> float:
    opt = optim.RMSProp(lr=0.1, rho=0.9)
    params = {"w": np.array(0.0)}
    state = opt.init(params)
    for g in _RMS_GRADS:
        params, state = opt.update(params, {"w": np.array(g)}, state)
    return float(state.sq_avg["w"])


def _rmsprop_unrolled() -> dict:
    s3 = _rmsprop_s3()
    return {"(1-β)(β²g1+βg2+g3)": s3, "Σβ^(t-i)g_i": s3}


def _rmsprop_unrolled_as_printed() -> dict:
    g = np.array(_RMS_GRADS) ** 2
    weights = ewa_weights(0.9, 3)  # (1-β)β^(t-i)
    return {"(1-β)(β²g1+βg2+g3)": float(weights @ g),
            "Σβ^(t-i)g_i": float(weights / (1.0 - 0.9) @ g)}  # the (1-β) dropped


def _adam_first_step() -> float:
    f = square()
    opt = optim.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, eps_inside_sqrt=True)
    return float(optim.run(opt, f.grad_fn, f.params(1.0), 1).final["x"][0])


def _adam_first_step_as_printed() -> float:
    # The notes' order: correct Δw, update w with the UNcorrected s, correct s afterwards.
    f, eta, b1, b2, eps = square(), 0.1, 0.9, 0.999, 1e-8
    opt = optim.Adam(lr=eta, beta1=b1, beta2=b2, eps=eps, eps_inside_sqrt=True)
    params = f.params(1.0)
    _, state = opt.update(params, f.grad_fn(params), opt.init(params))
    m, s = float(state.m["x"][0]), float(state.s["x"][0])  # raw moments after step 1
    dw = -m / (1.0 - b1)  # Δw ← β1Δw − (1−β1)∇L, then Δw ← Δw/(1−β1^t), t = 1
    return float(params["x"][0]) + eta * dw / math.sqrt(s + eps)  # s not yet corrected


EXAMPLES: list[Example] = [
    Example(
        id="004-normal-equations-d1",
        source=SOURCE,
        locator="1.3 Loss Function, item 4 (special case d = 1)",
        title="Least squares for d = 1: A, b and w̃ = A⁻¹b on four points",
        inputs={"x": X1, "y": Y1},
        slide_value={"A": ((4.0, 6.0), (6.0, 14.0)), "b": (9.0, 18.0), "w": (0.9, 0.9)},
        compute=_normal_equations_d1,
        verdict="agrees",
        explanation=(
            "A concrete case of the notes' 2×2 system: A = [[N, Σx], [Σx, Σx²]] = "
            "[[4, 6], [6, 14]], b = (Σy, Σxy) = (9, 18), det A = 20, so w0 = (14·9 − 6·18)/20 "
            "= 0.9 and w1 = (4·18 − 6·9)/20 = 0.9: the fitted line is 0.9 + 0.9x. The general "
            "form (XᵀX)⁻¹Xᵀy of item 5 gives the same, since XᵀX = A and Xᵀy = b."
        ),
        lessons=("01_bias_variance",),
    ),
    Example(
        id="004-squared-loss-gradient",
        source=SOURCE,
        locator="1.3 Loss Function, item 5(b) (second approach)",
        title="‖Xw − y‖² and its gradient 2XᵀXw − 2Xᵀy at w = (1, 1)",
        inputs={"x": X1, "y": Y1, "w": (1.0, 1.0)},
        slide_value={"L": 1.0, "grad": (2.0, 4.0)},
        compute=_squared_loss_and_gradient,
        verdict="agrees",
        explanation=(
            "At w = (1, 1) the residuals Xw − y are (0, 0, 1, 0), so L = 1, and the notes' "
            "gradient 2Xᵀ(Xw − y) = 2·(Σr, Σxr) = (2, 4). course_lib checks it by central "
            "differences of the loss. (The seed's first line writes ‖Xw − v‖²: the 'v' is "
            "a conversion slip for y, which the author's source has.)"
        ),
        decimals=6,
        lessons=("01_bias_variance",),
    ),
    Example(
        id="004-polynomial-regression",
        source=SOURCE,
        locator="1.4 Non-linear Extensions, item (e) (Polynomial Regression)",
        title="Degree-2 polynomial regression is least squares on (1, x, x²)",
        inputs={"x": (-1.0, 0.0, 1.0, 2.0), "y": (2.0, 1.0, 2.0, 5.0), "degree": 2},
        slide_value=(1.0, 0.0, 1.0),
        compute=_polynomial_fit,
        verdict="agrees",
        explanation=(
            "f is non-linear in x but linear in w, so the normal equations on the expanded "
            "inputs x̃ = (1, x, x²) fit it. The four points lie on y = 1 + x², so "
            "w = (1, 0, 1) fits them exactly."
        ),
        decimals=9,
        lessons=("01_bias_variance",),
    ),
    Example(
        id="004-ridge-bias-penalty",
        source=SOURCE,
        locator="1.6 Regularization, items 3-4",
        title="Ridge closed form (XᵀX + λI)⁻¹Xᵀy with and without penalizing the bias w0",
        inputs={"x": X1, "y": Y1, "lambda": 1.0},
        slide_value=(27.0 / 39.0, 36.0 / 39.0),
        compute=_ridge_bias_conventions,
        verdict="convention",
        explanation=(
            "The closed form as printed puts λ on every diagonal entry of XᵀX, including the "
            "bias's: (XᵀX + I) = [[5, 6], [6, 15]], Xᵀy = (9, 18), giving w = (27/39, 36/39) "
            "= (0.6923, 0.9231). Item 3 says not to regularize w0 in practice; then w0 is "
            "free, which amounts to centering: w1 = Sxy/(Sxx + λ) = 4.5/(5 + 1) = 0.75 and "
            "w0 = ȳ − w1·x̄ = 2.25 − 1.125 = 1.125 (scikit-learn's Ridge does this). Both "
            "minimize ‖Xw − y‖² + λ‖w‖², with w0 inside or outside the penalty."
        ),
        decimals=6,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="004-ridge-positive-definite",
        source=SOURCE,
        locator="1.6 Regularization, item 4(c)",
        title="XᵀX + λI is invertible even when XᵀX is singular",
        inputs={"X": ((1.0, 1.0, 2.0), (1.0, 2.0, 4.0), (1.0, 3.0, 6.0)), "lambda": 0.5},
        slide_value={"min eig XᵀX": 0.0, "min eig XᵀX + λI": 0.5},
        compute=_ridge_positive_definite,
        verdict="agrees",
        explanation=(
            "The third column of X is twice the second, so XᵀX is only positive "
            "semi-definite (smallest eigenvalue 0) and least squares has no unique solution. "
            "Adding λI raises every eigenvalue by λ, so the smallest becomes 0.5 > 0: "
            "positive definite, hence invertible, as the notes say."
        ),
        decimals=9,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="004-ridge-lambda-zero",
        source=SOURCE,
        locator="1.6 Regularization, item 4(d)",
        title="Ridge with λ = 0 is ordinary least squares",
        inputs={"x": X1, "y": Y1, "lambda": 0.0},
        slide_value=(0.9, 0.9),
        compute=_ridge_lambda_zero,
        verdict="agrees",
        explanation=(
            "With λ = 0 the ridge system (XᵀX + λI)w = Xᵀy is the normal equations, so it "
            "returns the least-squares line 0.9 + 0.9x of example 004-normal-equations-d1."
        ),
        decimals=9,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="004-mse-rmse-r2",
        source=SOURCE,
        locator="1.6 Regularization, items 8-9 (Mean Squared Error, R² Score)",
        title="Squared loss, MSE, RMSE and R² of the least-squares line",
        inputs={"x": X1, "y": Y1, "predictions": (0.9, 1.8, 2.7, 3.6)},
        slide_value={"squared loss": 0.7, "MSE": 0.175, "RMSE": 0.418330, "R2": 0.852632},
        compute=_metrics,
        verdict="agrees",
        explanation=(
            "Residuals (−0.1, −0.2, 0.7, −0.4) give the squared loss 0.70, MSE = 0.70/4 = "
            "0.175 (the mean, not the sum), RMSE = √0.175 = 0.41833; ȳ = 2.25 and "
            "Σ(ȳ − y)² = 4.75, so R² = 1 − 0.70/4.75 = 0.852632. The seed's R² formula "
            "misplaces a parenthesis, 'f(x^{(l);w} − y^{(l)})²'; the author's own LaTeX has "
            "the same slip, and the intended Σ(f(x^{(l)}; w) − y^{(l)})² is clear from "
            "'1 − MSE/variance'."
        ),
        decimals=6,
        lessons=("01_bias_variance",),
    ),
    Example(
        id="004-r2-special-cases",
        source=SOURCE,
        locator="1.6 Regularization, item 9(b)-(d)",
        title="R² is 1 for a perfect fit, 0 for predicting the mean, and can be negative",
        inputs={"perfect fit": "y = 1 + x² on x = (-1, 0, 1, 2)", "others": {"x": X1, "y": Y1}},
        slide_value={"MSE = 0 (exact quadratic fit)": 1.0, "always predict the mean": 0.0,
                     "always predict 0": -4.263158},
        compute=_r2_special_cases,
        verdict="agrees",
        explanation=(
            "An exact fit has MSE 0, so R² = 1. Predicting ȳ everywhere makes the numerator "
            "equal the denominator, so R² = 0. Predicting 0 everywhere gives "
            "1 − Σy²/Σ(y − ȳ)² = 1 − 25/4.75 = −4.263158: an MSE larger than the variance "
            "makes R² negative, as item (d) says."
        ),
        decimals=6,
        lessons=("01_bias_variance",),
    ),
    Example(
        id="004-output-error-terms",
        source=SOURCE,
        locator="2.7 Back-propagation, item 6(a)i (Compute δ^[3](q))",
        title="Output error terms δ = y − z for regression and for softmax classification",
        inputs={"regression": {"z": (0.5, -1.0), "y": (1.0, 0.0)},
                "classification": {"logits x^[3]": (1.0, 2.0, 0.5), "class": 0}},
        slide_value={"regression": (0.5, 1.0),
                     "classification": (0.768776, -0.628532, -0.140244)},
        compute=_output_error_terms,
        verdict="agrees",
        explanation=(
            "δ = −∂L/∂x^[3]. For regression (linear output z = x, loss ½Σ(z − y)²) it is "
            "y − z = (0.5, 1.0). For classification (softmax output, cross-entropy) the "
            "notes' derivation also gives y − z: softmax(1, 2, 0.5) = (0.231224, 0.628532, "
            "0.140244), so δ = (1, 0, 0) − z = (0.768776, −0.628532, −0.140244)."
        ),
        decimals=6,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-tanh-sigmoid-identity",
        source=SOURCE,
        locator="2.7 item 8 (Common Activation Functions), Remark i",
        title="tanh(x) = 2σ(2x) − 1 = 2/(1 + e^{-2x}) − 1 at x = 1",
        inputs={"x": 1.0},
        slide_value={"tanh(1)": 0.761594, "2σ(2)-1": 0.761594, "2/(1+e^-2)-1": 0.761594},
        compute=_tanh_identity,
        verdict="agrees",
        explanation=(
            "All three forms give 0.761594 at x = 1, since 2σ(2x) − 1 = (1 − e^{-2x})/"
            "(1 + e^{-2x}) = (e^x − e^{-x})/(e^x + e^{-x}). The first definition of tanh in "
            "item 8(b) reads 'e^x e^{-x}' in the numerator: a minus lost in the conversion "
            "(the next line has e^x − e^{-x})."
        ),
        decimals=6,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-sigmoid-derivative-forms",
        source=SOURCE,
        locator="2.7 item 9 (Vanishing Gradient Problem)",
        title="The three expressions the notes give for σ′(x), at x = 0",
        inputs={"x": 0.0},
        slide_value={"e^-x/(1+e^-x)^2": 0.25, "e^x/(e^x+1)^2": 0.25, "2e^2x/(e^2x+1)^2": 0.5},
        compute=_sigmoid_derivative_at_zero,
        verdict="erratum",
        explanation=(
            "The first two expressions are σ′(x) (multiply top and bottom by e^{2x}); at 0 "
            "they give 1/4. The third, 2e^{2x}/(e^{2x}+1)², gives 2/4 = 1/2 at 0, so it is "
            "not σ′: it is the derivative of σ(2x), i.e. 2σ′(2x), the chain rule applied to "
            "the wrong function. It is not tanh′ either: tanh = 2σ(2x) − 1 gives "
            "tanh′(x) = 4σ′(2x) = 4e^{2x}/(e^{2x}+1)², which is 1 at 0. The notes announce "
            "the derivatives of σ and tanh but never write tanh′."
        ),
        as_slide_computed=_sigmoid_derivative_as_printed,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-saturation",
        source=SOURCE,
        locator="2.7 item 9 (Vanishing Gradient Problem)",
        title="Saturation: σ′ and tanh′ at x = 5 are close to 0",
        inputs={"x": 5.0},
        slide_value={"σ'(5)": 0.006648, "tanh'(5)": 0.000182},
        compute=_saturation,
        verdict="agrees",
        explanation=(
            "'When x is large in magnitude, both gradients are very close to 0': "
            "σ′(5) = e^{-5}/(1 + e^{-5})² = 0.006648 and tanh′(5) = 1 − tanh²(5) = "
            "0.000182, against their maxima 1/4 and 1 at x = 0."
        ),
        decimals=6,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-vanishing-chain",
        source=SOURCE,
        locator="2.7 item 9 and 3.1 (vanishing gradients through many layers)",
        title="Largest σ′ and the factor it puts on an error term after 10 sigmoid layers",
        inputs={"layers": 10, "weights": 1.0},
        slide_value={"max σ'": 0.25, "product over 10 layers": 0.25**10, "max tanh'": 1.0},
        compute=_vanishing_chain,
        verdict="agrees",
        explanation=(
            "Each backward step multiplies the error term by w·g′(x), and σ′ is at most "
            "σ′(0) = 1/4. With weights of 1, ten sigmoid layers shrink it by at least "
            "(1/4)^10 = 9.54e-7, which is why the lower layers barely learn. tanh′ peaks at "
            "1, so tanh shrinks less (seed 004 prefers it for hidden layers)."
        ),
        decimals=12,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-l2-penalty-scaling",
        source=SOURCE,
        locator="2.7 item 11(a) (Regularization) versus 1.6 item 2",
        title="Gradient of the L2 penalty at w = 1, λ = 0.1, in the notes' two scalings",
        inputs={"w": 1.0, "lambda": 0.1},
        slide_value=0.1,
        compute=_l2_scalings,
        verdict="convention",
        explanation=(
            "Section 1.6 penalizes λ‖w‖² (gradient 2λw = 0.2); section 2.7 item 11 "
            "penalizes (λ/2)Σw² (gradient λw = 0.1), which is what makes its weight-decay "
            "term ηλw. The same λ therefore decays twice as strongly in section 1.6's "
            "convention. The slide value is section 2.7's λw."
        ),
        decimals=12,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="004-weight-decay-step",
        source=SOURCE,
        locator="2.7 item 11(b) (Regularization: weight update rule)",
        title="One weight-decay step Δw on L = w² from w = 1 (η = 0.1, λ = 0.1)",
        inputs={"L": "w²", "w": 1.0, "eta": 0.1, "lambda": 0.1},
        slide_value=0.19,
        compute=_weight_decay_step,
        verdict="erratum",
        explanation=(
            "The notes write Δw = −η∂L_λ/∂w = η∂L/∂w − ηλw. The first form is right and "
            "gives Δw = −η(∂L/∂w + λw) = −0.1·(2 + 0.1) = −0.21. The second has lost the "
            "minus on η∂L/∂w: it gives 0.1·2 − 0.1·0.1·1 = +0.19, a step uphill, and is not "
            "equal to the first. This is most likely an error of the notes rather than "
            "conversion damage: in every display formula that can be checked against the "
            "author's LaTeX source, the conversion kept the minus signs."
        ),
        decimals=12,
        as_slide_computed=_weight_decay_as_printed,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="004-momentum-update",
        source=SOURCE,
        locator="2.7 item 12(a) (Momentum)",
        title="Two momentum steps on L = w² from w = 1 (η = 0.1, β = 0.9)",
        inputs={"L": "w²", "w0": 1.0, "eta": 0.1, "beta": 0.9},
        slide_value=(0.98, 0.9584),
        compute=_momentum_two_steps,
        verdict="erratum",
        explanation=(
            "The notes write Δw = −(1−β)η∂L/∂w + ηΔw^prev: the previous update is weighted "
            "by the learning rate η where the momentum β belongs. The (1−β) factor makes "
            "this the exponential-average form Δw = βΔw^prev − (1−β)η∂L/∂w. Step 1 is the "
            "same either way (Δw = −0.1·0.1·2 = −0.02, w = 0.98). Step 2 (gradient 1.96): "
            "correct Δw = 0.9·(−0.02) − 0.01·1.96 = −0.0376, w = 0.9424; the printed rule "
            "gives −0.0196 + 0.1·(−0.02) = −0.0216, w = 0.9584: the previous update enters "
            "with weight 0.1 instead of 0.9. Replacing β by η is not a lost symbol, so "
            "this is an error of the notes."
        ),
        decimals=12,
        as_slide_computed=_momentum_as_printed,
        lessons=("08_momentum",),
    ),
    Example(
        id="004-nonsaturating-activations",
        source=SOURCE,
        locator="3.2 Non-saturating activation functions, items 1-3",
        title="ReLU, leaky ReLU (α = 0.01) and ELU (α = 1) and their derivatives at −2, 0, 3",
        inputs={"x": (-2.0, 0.0, 3.0), "leaky alpha": 0.01, "ELU alpha": 1.0},
        slide_value={
            "ReLU": (0.0, 0.0, 3.0), "ReLU'": (0.0, 1.0, 1.0),
            "leaky ReLU": (-0.02, 0.0, 3.0), "leaky ReLU'": (0.01, 1.0, 1.0),
            "ELU": (-0.864665, 0.0, 3.0), "ELU'": (0.135335, 1.0, 1.0),
        },
        compute=_nonsaturating,
        verdict="agrees",
        explanation=(
            "The notes' piecewise formulas: ReLU max(0, x); leaky ReLU αx for x < 0; ELU "
            "α(e^x − 1) = e^{-2} − 1 = −0.864665 at −2, with derivative αe^x = 0.135335. "
            "At x = 0 every derivative is 1 because the notes use 'x ≥ 0' (see "
            "004-relu-derivative-at-zero)."
        ),
        decimals=6,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-relu-derivative-at-zero",
        source=SOURCE,
        locator="3.2 item 1(a) and 1(c) (ReLU derivative, not differentiable at 0)",
        title="The value used for ReLU′(0)",
        inputs={"x": 0.0},
        slide_value=1.0,
        compute=_relu_one_sided_derivatives,
        verdict="convention",
        explanation=(
            "ReLU has no derivative at 0: its right slope is 1 and its left slope 0. The "
            "notes' g′(x) = 1 for x ≥ 0 takes the right one; PyTorch's backward takes 0. "
            "The choice only matters for inputs exactly 0 (item 1(c)'s 'programming trick')."
        ),
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-softplus-derivative",
        source=SOURCE,
        locator="3.2 item 1(d) (softplus)",
        title="The derivative of softplus log(1 + e^x) is the logistic function, at x = 1",
        inputs={"x": 1.0},
        slide_value={"d/dx log(1+e^x) at 1": 0.731059, "σ(1)": 0.731059},
        compute=_softplus_derivative,
        verdict="agrees",
        explanation=(
            "d/dx log(1 + e^x) = e^x/(1 + e^x) = 1/(1 + e^{-x}); at 1 this is "
            "e/(1 + e) = 0.731059. course_lib differentiates its softplus numerically."
        ),
        decimals=6,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-elu-derivative-identity",
        source=SOURCE,
        locator="3.2 item 3 (Exponential Linear Unit)",
        title="ELU′(x) = αe^x = g(x) + α for x < 0, at x = −1 with α = 1",
        inputs={"x": -1.0, "alpha": 1.0},
        slide_value={"αe^x": 0.367879, "g(x)+α": 0.367879},
        compute=_elu_derivative_identity,
        verdict="agrees",
        explanation=(
            "For x < 0, g(x) = α(e^x − 1), so g′(x) = αe^x = g(x) + α; at x = −1 both are "
            "e^{-1} = 0.367879 (the derivative checked by central differences)."
        ),
        decimals=6,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-xavier-variances",
        source=SOURCE,
        locator="3.4 Weight initialization, item 2(c) (Xavier)",
        title="Xavier's normal and uniform forms have the same variance (n_in = 200, n_out = 100)",
        inputs={"n_in": 200, "n_out": 100},
        slide_value={"normal": 2.0 / 300.0, "uniform": 2.0 / 300.0},
        compute=_xavier_variances,
        verdict="agrees",
        explanation=(
            "N(0, 2/(n_in + n_out)) has variance 2/300 = 0.006667. U(−a, a) has variance "
            "a²/3, and a = √(6/300) = 0.141421 gives 0.02/3 = 0.006667: the two forms agree."
        ),
        decimals=9,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-he-fan-average",
        source=SOURCE,
        locator="3.4 Weight initialization, item 3(b) (He)",
        title="He initialization for n_in = 200, n_out = 100: (normal variance, uniform bound)",
        inputs={"n_in": 200, "n_out": 100},
        slide_value=(4.0 / 300.0, 0.2),
        compute=_he_conventions,
        verdict="convention",
        explanation=(
            "The notes give He as N(0, 4/(n_in + n_out)) or U(±√(12/(n_in + n_out))): "
            "variance 4/300 = 0.013333 and bound √0.04 = 0.2, consistent with each other "
            "(0.2²/3 = 0.013333). This is the fan-average variant (He's factor 2 over the "
            "average fan (n_in + n_out)/2; Keras' VarianceScaling(2, 'fan_avg')). He et "
            "al. 2015 and torch.nn.init.kaiming_normal_ use 2/n_in = 0.01 and bound "
            "√(6/n_in) = 0.173205. The two agree only when n_in = n_out."
        ),
        decimals=6,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="004-batchnorm-transform",
        source=SOURCE,
        locator="3.5 Batch Normalisation, item 3 (Algorithm 2)",
        title="Batch normalising transform of an 8-example mini-batch (γ = 3, β = 1, ε = 1e-5)",
        inputs={"x": (2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0), "gamma": 3.0, "beta": 1.0,
                "eps": 1e-5},
        slide_value={"mu": 5.0, "var": 4.0,
                     "y": (-3.5, -0.5, -0.5, -0.5, 1.0, 1.0, 4.0, 7.0)},
        compute=_batchnorm_transform,
        verdict="agrees",
        explanation=(
            "μ = 40/8 = 5; σ² = (9 + 1 + 1 + 1 + 0 + 0 + 4 + 16)/8 = 4 (divided by m, as in "
            "the algorithm); x̂ = (x − 5)/√(4 + ε) ≈ (x − 5)/2; y = 3x̂ + 1. The ε = 1e-5 "
            "moves y by less than 1e-5, hence 4 decimals."
        ),
        decimals=4,
        lessons=("05_batch_norm",),
    ),
    Example(
        id="004-dropout-p-meaning",
        source=SOURCE,
        locator="3.6 Dropout, item 3 (dropout rate and keep probability)",
        title="Fraction of units kept when p = 0.8",
        inputs={"p": 0.8},
        slide_value=0.2,
        compute=_dropout_p_meaning,
        verdict="convention",
        explanation=(
            "Seed 004 calls p the dropout rate, so p = 0.8 keeps 1 − p = 0.2 of the units "
            "(the seed's 'keep probability ... 1 p' has lost its minus in the conversion). "
            "Seed 001 (after Srivastava et al.) uses p for the probability of keeping a "
            "unit, so its p = 0.8 keeps 0.8. course_lib never takes a bare p: p_drop or "
            "p_keep."
        ),
        decimals=12,
        lessons=("04_dropout",),
    ),
    Example(
        id="004-dropout-ensemble-count",
        source=SOURCE,
        locator="3.6 Dropout, item 8(b) (ensemble view)",
        title="Distinct sub-networks among 2000 dropout masks over N = 4 units (p = 0.5)",
        inputs={"N": 4, "p": 0.5, "training steps": 2000, "rng": "default_rng(4211)"},
        slide_value=16.0,
        compute=_dropout_networks_seen,
        verdict="agrees",
        explanation=(
            "Each of the N droppable units is either kept or dropped, so a step trains one "
            "of 2^N networks: 2^4 = 16. Over 2000 simulated steps every one of the 16 "
            "appears (missing a given one has probability (15/16)^2000 ≈ 1e-56)."
        ),
        lessons=("04_dropout",),
    ),
    Example(
        id="004-dropout-test-connections",
        source=SOURCE,
        locator="3.6 Dropout, item 9",
        title="How many times more inputs a unit sees at test time than on average in training",
        inputs={"inputs per unit": 4, "p (dropout rate)": (0.5, 0.2)},
        slide_value={"p = 0.5": 2.0, "p = 0.2": 1.25},
        compute=_connection_ratios,
        verdict="agrees",
        explanation=(
            "In training each of the n inputs is present with probability 1 − p, so a unit "
            "sees n(1 − p) of them on average; at test time it sees all n, i.e. 1/(1 − p) "
            "times as many: 2 for p = 0.5 and 1.25 for p = 0.2. course_lib averages over "
            "all 16 masks of 4 inputs exactly."
        ),
        decimals=12,
        lessons=("04_dropout",),
    ),
    Example(
        id="004-dropout-test-scaling",
        source=SOURCE,
        locator="3.6 Dropout, item 9(a)-(b)",
        title="Test-time pre-activation of a unit with weights (1, 2, 3, 4), inputs 1, p = 0.5",
        inputs={"w": (1.0, 2.0, 3.0, 4.0), "x": (1.0, 1.0, 1.0, 1.0), "p": 0.5},
        slide_value=5.0,
        compute=_dropout_test_outputs,
        verdict="convention",
        explanation=(
            "Method (a) trains without rescaling (expected training pre-activation "
            "(1 − p)·Σw = 5) and multiplies the weights by 1 − p after training, so the test "
            "value is 5. Method (b), inverted dropout, divides by 1 − p during training "
            "(expected 10) and leaves the test pass alone (10). Each keeps training and test "
            "consistent, but the learned weights differ by the factor 1 − p, which is why "
            "the notes say they are not equivalent. The slide value is method (a), listed "
            "first; PyTorch and Keras use (b)."
        ),
        decimals=12,
        lessons=("04_dropout",),
    ),
    Example(
        id="004-adagrad-eps",
        source=SOURCE,
        locator="3.8 Optimizers, item 1 (AdaGrad)",
        title="First AdaGrad step for a tiny gradient g = 1e-5 (η = 0.1, ε = 1e-10)",
        inputs={"w": 1.0, "g": 1e-5, "eta": 0.1, "eps": 1e-10},
        slide_value=-0.1 / math.sqrt(2.0),
        compute=_adagrad_eps,
        verdict="convention",
        explanation=(
            "After one step s = g² = 1e-10. The notes divide by √(s + ε) = √(2e-10), so "
            "Δw = −0.1·1e-5/1.41421e-5 = −0.070711; with ε outside the root (Goodfellow's "
            "δ + √r, PyTorch) the divisor is 1e-5 + 1e-10 and Δw = −0.099999. For ordinary "
            "gradients (g² ≫ ε) the two agree; ε = 1e-10 is the notes' example value."
        ),
        decimals=6,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="004-rmsprop-eps",
        source=SOURCE,
        locator="3.8 Optimizers, item 2(a) (RMSProp)",
        title="First RMSProp step for g = 1e-5 (η = 0.1, β = 0.9, ε = 1e-10)",
        inputs={"w": 1.0, "g": 1e-5, "eta": 0.1, "beta": 0.9, "eps": 1e-10},
        slide_value=-0.1e-5 / math.sqrt(1.1e-10),
        compute=_rmsprop_eps,
        verdict="convention",
        explanation=(
            "s = (1 − β)g² = 1e-11. The notes' √(s + ε) = √(1.1e-10) gives Δw = −0.095346; "
            "ε outside (√s + ε, seed 000 and PyTorch) gives −0.1·1e-5/(3.16228e-6 + 1e-10) "
            "= −0.316218. The notes give β = 0.9 but no ε for RMSProp; AdaGrad's 1e-10 is "
            "assumed."
        ),
        decimals=6,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="004-rmsprop-unrolled",
        source=SOURCE,
        locator="3.8 Optimizers, item 2(b) (RMSProp recurrence)",
        title="s_3 from the unrolled recurrence, squared gradients g = (1, 4, 9), β = 0.9",
        inputs={"gradients": _RMS_GRADS, "beta": 0.9, "s0": 0.0},
        slide_value={"(1-β)(β²g1+βg2+g3)": 1.341, "Σβ^(t-i)g_i": 13.41},
        compute=_rmsprop_unrolled,
        verdict="erratum",
        explanation=(
            "Running s_t = βs_{t−1} + (1−β)g_t from s_0 = 0: s_1 = 0.1, s_2 = 0.49, "
            "s_3 = 1.341. The notes' first unrolled form, (1−β)(β²g_1 + βg_2 + g_3) = "
            "0.1·13.41, matches; its leading 'β^t' should be β^t·s_0 (the s_0 is lost, "
            "conversion damage or a slip, and is 0 here anyway). The second form, "
            "β^t + Σβ^{t−i}g_i, drops the factor (1−β) and gives 13.41, ten times too big: "
            "the two sides of that '=' are not equal."
        ),
        decimals=12,
        as_slide_computed=_rmsprop_unrolled_as_printed,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="004-adam-first-step",
        source=SOURCE,
        locator="3.8 Optimizers, item 3 (Adam)",
        title="First Adam step on L = w² from w = 1 (η = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8)",
        inputs={"L": "w²", "w0": 1.0, "eta": 0.1, "beta1": 0.9, "beta2": 0.999,
                "eps": 1e-8},
        slide_value=-2.162274,
        compute=_adam_first_step,
        verdict="erratum",
        explanation=(
            "With g = 2: Δw = −(1−β1)g = −0.2 and s = (1−β2)g² = 0.004; bias correction "
            "gives Δw/(1−β1) = −2 and s/(1−β2) = 4, so w = 1 + 0.1·(−2)/√(4 + ε) = 0.9. "
            "The notes correct s only after the weight update, so the update divides by "
            "the uncorrected √0.004 = 0.0632 and gives w = 1 − 3.1623 = −2.1623, a step about 32 "
            "times too large. Conversion damage, read as intended: '(1 − β1∇L)' is "
            "(1 − β1)∇L, and the bias corrections 1 − β1 and 1 − β2 have lost the "
            "superscript t ('t is the iteration number' refers to it); at t = 1 they are "
            "the same. Read literally, overwriting Δw and s with their corrected values "
            "would also corrupt the running averages from step 2 on. ε = 1e-8 is assumed "
            "(the notes give none)."
        ),
        decimals=6,
        as_slide_computed=_adam_first_step_as_printed,
        lessons=("09_adaptive_methods",),
    ),
]
