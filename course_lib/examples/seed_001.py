"""Worked examples of seed 001 (Goodfellow-based slides: regularization and optimization).

The slides state few numbers of their own (the 3x3 eigen-shrinkage example is the only
printed table); most entries are the concrete case a notebook uses to teach a formula of
the slides, with the inputs chosen here and said so in ``inputs``. For those, the
"slide value" is the slide's own formula evaluated on these inputs by hand.

Where a value is computed with plain numpy rather than a course_lib function, the
``explanation`` says so (matrix powers, a Taylor term, a first-order expansion).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from course_lib import optim
from course_lib.activations import relu_derivative, sigmoid_derivative
from course_lib.batchnorm import (
    RunningStats,
    batchnorm_backward_stages,
    batchnorm_forward,
    fold_batchnorm,
    init_running_stats,
    update_running_stats,
)
from course_lib.dropout import dropout_forward, gaussian_sigma, keep_probability
from course_lib.dropout_theory import (
    expected_dropout_error_exact,
    expected_dropout_gradient_exact,
    regularization_strength,
    regularized_error_slide,
    regularized_gradient_slide,
)
from course_lib.early_stopping import stopping_step
from course_lib.examples.entry import Example
from course_lib.layers import affine_backward, affine_forward
from course_lib.linear_models import normal_equations, ridge
from course_lib.losses import mse_backward, mse_forward
from course_lib.objectives import ellipsoid, quadratic, saddle
from course_lib.penalties import (
    early_stopping_equivalent_alpha,
    elastic_net_penalty,
    elastic_net_penalty_sklearn,
    elastic_net_to_sklearn,
    l1_diagonal_hessian_solution,
    l1_penalty_grad,
    l2_penalty,
    l2_penalty_grad,
    l2_regularized_optimum,
    shrinkage_factors,
    shrinkage_matrix,
)
from course_lib.schedules import LinearDecay
from course_lib.seeds import SEEDS

SOURCE = SEEDS["001"].file

# The Hessian of the slide "L2 Regularization - Analysis, Numerical Examples".
H3 = ((2.0, -1.0, 0.0), (-1.0, 2.0, -1.0), (0.0, -1.0, 2.0))


def _tup(a) -> tuple:
    """A numpy array as nested tuples of floats (the registry's value format)."""
    a = np.asarray(a, dtype=np.float64)
    return tuple(_tup(row) for row in a) if a.ndim > 1 else tuple(float(v) for v in a)


# --------------------------------------------------------------------------------------
# Bias and variance
# --------------------------------------------------------------------------------------


def _bias_variance() -> dict[str, float]:
    # y = f(x) + ε with f(x) = 1 + 2x, ε = ±1 (equally likely), training inputs x = 0, 1,
    # test input x0 = 1; the model is the best constant (least squares on a column of
    # ones). Every combination of the two training noises and the test noise is
    # enumerated, so the expectations are exact.
    f = lambda x: 1.0 + 2.0 * x  # noqa: E731
    x_train, x0, noises = np.array([0.0, 1.0]), 1.0, (-1.0, 1.0)
    ones = np.ones((2, 1))
    preds = []
    for e in itertools.product(noises, repeat=2):
        y = f(x_train) + np.array(e)
        preds.append(float(normal_equations(ones, y)[0]))
    preds = np.array(preds)
    mean_pred = preds.mean()
    errors = [(f(x0) + e0 - p) ** 2 for p in preds for e0 in noises]
    return {
        "bias2": float((f(x0) - mean_pred) ** 2),
        "variance": float(np.mean((preds - mean_pred) ** 2)),
        "noise": float(np.mean([e0**2 for e0 in noises])),
        "expected_error": float(np.mean(errors)),
    }


# --------------------------------------------------------------------------------------
# Parameter penalties
# --------------------------------------------------------------------------------------


def _l2_scalings() -> dict[str, float]:
    w = {"w": np.array([1.0, -2.0])}
    return {
        "lambda (seed 001 'L2 Regularization', seed 004)": l2_penalty(w, 0.1, scaling="lambda"),
        "lambda_over_2 (Goodfellow eq. 7.2 in seed 001, seed 003)": l2_penalty(
            w, 0.1, scaling="lambda_over_2"
        ),
        "lambda_over_2n (seed 000, N = 10)": l2_penalty(w, 0.1, scaling="lambda_over_2n", n=10),
    }


def _weight_decay_step() -> dict[str, tuple]:
    w, grad_j = np.array([1.0, -2.0]), np.array([0.4, -0.2])
    eps, alpha = 0.1, 0.5
    # eq. 7.4: a gradient step on J + (α/2)wᵀw, with the penalty's gradient αw added
    penalty = l2_penalty_grad({"w": w}, alpha, scaling="lambda_over_2")["w"]
    sgd = optim.SGD(lr=eps)
    eq74, _ = sgd.update({"w": w}, {"w": grad_j + penalty}, sgd.init({"w": w}))
    # eq. 7.5: shrink w by (1 - εα), then step on J alone
    decay = optim.SGD(lr=eps, weight_decay=alpha)
    eq75, _ = decay.update({"w": w}, {"w": grad_j}, decay.init({"w": w}))
    return {"eq_7_4": _tup(eq74["w"]), "eq_7_5": _tup(eq75["w"])}


def _eigen_shrinkage() -> dict[str, tuple]:
    s = shrinkage_factors(np.array(H3), 2.0)
    return {"eigenvalues": _tup(s.eigenvalues), "factors": _tup(s.factors)}


RIDGE_X = ((1.0, 0.0), (0.0, 1.0), (1.0, 1.0))
RIDGE_Y = (1.0, 2.0, 3.0)


def _elastic_net() -> dict[str, float]:
    w = {"w": np.array([1.0, -2.0])}
    lam, alpha = 1.0, 0.25
    a, rho = elastic_net_to_sklearn(lam, alpha)
    return {
        "seed 001: λ(α‖w‖² + (1−α)‖w‖₁), α = L2 weight": elastic_net_penalty(w, lam, alpha),
        "sklearn alpha=λ, l1_ratio=α (α misread as the L1 weight)": elastic_net_penalty_sklearn(
            w, lam, alpha
        ),
        "sklearn alpha=λ(1+α), l1_ratio=(1−α)/(1+α) (the same penalty)": (
            elastic_net_penalty_sklearn(w, a, rho)
        ),
    }


# --------------------------------------------------------------------------------------
# Dropout
# --------------------------------------------------------------------------------------


def _dropout_test_output() -> float:
    x, p = 2.0, 0.8
    out, _ = dropout_forward(np.array([x]), p_keep=p, train=False, scheme="scale_at_test")
    return float(out[0])


def _dropout_schemes() -> dict[str, tuple]:
    x, p = np.array([2.0]), 0.8
    out = {}
    for scheme, label in (("scale_at_test", "scale at test (seed 001, Srivastava 2014)"),
                          ("inverted", "inverted (seed 004, PyTorch, Keras)")):
        kept, _ = dropout_forward(x, p_keep=p, train=True, scheme=scheme, mask=np.array([1.0]))
        test, _ = dropout_forward(x, p_keep=p, train=False, scheme=scheme)
        out[label] = (float(kept[0]), float(test[0]))
    return out


BALDI_W = (1.0, -2.0, 0.5)
BALDI_I = (0.5, 1.0, 2.0)
BALDI_T = 1.0
BALDI_P = (0.5, 0.8, 0.5)


def _baldi_args():
    return np.array(BALDI_W), np.array(BALDI_I), BALDI_T


def _why_half() -> dict[str, float]:
    grid = np.linspace(0.0, 1.0, 101)
    strength = np.array([regularization_strength(p_keep=p) for p in grid])
    best = int(np.argmax(strength))
    return {"p": float(grid[best]), "p(1-p)": float(strength[best])}


# --------------------------------------------------------------------------------------
# Early stopping
# --------------------------------------------------------------------------------------


def _gd_from_zero() -> tuple:
    h = np.diag([10.0, 1.0, 0.1])
    w_star = np.ones(3)
    objective = quadratic(h, -h @ w_star)  # ½wᵀHw - (Hw*)ᵀw: ½(w - w*)ᵀH(w - w*) + const
    traj = optim.run(optim.SGD(lr=0.01), objective.grad_fn, objective.params(np.zeros(3)), 50)
    return _tup(traj.final["x"])


def _tying() -> dict[str, tuple | float]:
    w_a, w_b = np.array([1.0, 2.0]), np.array([0.5, 3.0])
    diff = {"d": w_a - w_b}
    grad = l2_penalty_grad(diff, 1.0, scaling="lambda")["d"]  # ∂Ω/∂w_A; ∂Ω/∂w_B = -that
    return {"omega": l2_penalty(diff, 1.0, scaling="lambda"), "grad_wA": _tup(grad),
            "grad_wB": _tup(-grad)}


# --------------------------------------------------------------------------------------
# Optimization challenges
# --------------------------------------------------------------------------------------


def _hessian_signs() -> dict[str, tuple]:
    origin = np.zeros(2)
    return {
        "saddle x² − y²": _tup(np.linalg.eigvalsh(saddle().hessian(origin))),
        "minimum 0.1x₁² + 2x₂²": _tup(np.linalg.eigvalsh(ellipsoid().hessian(origin))),
    }


def _ill_conditioning() -> dict[str, float]:
    objective = quadratic(np.diag([1.0, 100.0]), np.zeros(2))
    x, eps = np.array([1.0, 1.0]), 0.03
    g, h = objective.gradient(x), objective.hessian(x)
    gg, ghg = float(g @ g), float(g @ h @ g)
    return {
        "f_after_step": objective.value(x - eps * g),
        "first_order_term": -eps * gg,
        "second_order_term": 0.5 * eps**2 * ghg,
        "lr_threshold": 2.0 * gg / ghg,
    }


W_POWER = ((0.5, 1.0), (0.0, 1.5))


def _sgd_minibatch_step() -> float:
    # minibatch {(x, y)} = {(1, 2), (2, 3)}, model ŷ = θx, loss (1/m)Σ ½(θx - y)²
    x, y = np.array([[1.0], [2.0]]), np.array([[2.0], [3.0]])
    params = {"W": np.array([[0.0]])}
    pred, cache = affine_forward(x, params["W"], np.zeros(1))
    _, loss_cache = mse_forward(pred, y, reduction="mean", half=True)
    grads = affine_backward(mse_backward(1.0, loss_cache).dpred, cache)
    sgd = optim.SGD(lr=0.1)
    new, _ = sgd.update(params, {"W": grads.dW}, sgd.init(params))
    return float(new["W"][0, 0])


# --------------------------------------------------------------------------------------
# Momentum, Nesterov, adaptive methods
# --------------------------------------------------------------------------------------

START = (-5.0, -2.0)  # on the ellipsoid 0.1x₁² + 2x₂², as in seed 002's momentum example


def _first_steps(opt: optim.Optimizer, n_steps: int = 2):
    f = ellipsoid()
    return optim.run(opt, f.grad_fn, f.params(START), n_steps)


def _momentum_steps() -> dict[str, tuple]:
    traj = _first_steps(optim.Momentum(lr=0.4, beta=0.5, form="classic"))
    return {"theta_1": _tup(traj.params[1]["x"]), "theta_2": _tup(traj.params[2]["x"]),
            "v_2": _tup(traj.states[2].velocity["x"])}


def _momentum_forms() -> dict[str, tuple]:
    labels = {"classic": "classic v←αv−εg, θ←θ+v (seed 001, seed 004)",
              "ema": "ema v←βv+(1−β)g, θ←θ−εv (seeds 000, 002)",
              "sum": "sum v←βv+g, θ←θ−εv (seed 003, PyTorch)"}
    return {label: _tup(_first_steps(optim.Momentum(lr=0.4, beta=0.5, form=form)).final["x"])
            for form, label in labels.items()}


def _nesterov_steps() -> dict[str, tuple]:
    traj = _first_steps(optim.Nesterov(lr=0.4, beta=0.5, form="lookahead"))
    return {"theta_1": _tup(traj.params[1]["x"]), "theta_2": _tup(traj.params[2]["x"]),
            "v_2": _tup(traj.states[2].velocity["x"])}


def _nesterov_forms() -> dict[str, tuple]:
    look = _first_steps(optim.Nesterov(lr=0.4, beta=0.5, form="lookahead")).final["x"]
    torch_form = _first_steps(optim.Nesterov(lr=0.4, beta=0.5, form="pytorch")).final["x"]
    return {"look-ahead θ (seed 001, Alg. 8.3)": _tup(look),
            "PyTorch's stored parameters (= θ + αv)": _tup(torch_form)}


def _one_step(opt: optim.Optimizer, theta0: float, grad: float) -> float:
    """One update from ``theta0`` with the gradient ``grad`` (a linear objective)."""
    params = {"x": np.array([theta0])}
    new, _ = opt.update(params, {"x": np.array([grad])}, opt.init(params))
    return float(new["x"][0])


ADA_X0, ADA_G = (1.0, 1.0), (4.0, 0.25)  # the gradient of ½(4x₁² + 0.25x₂²) at (1, 1)


def _adagrad_first_step() -> tuple:
    f = quadratic(np.diag([4.0, 0.25]), np.zeros(2))
    traj = optim.run(optim.AdaGrad(lr=0.1, eps=1e-7, eps_inside_sqrt=True), f.grad_fn,
                     f.params(ADA_X0), 1)
    return _tup(traj.final["x"])


def _adaptive_idea_as_slide() -> tuple:
    # the slide's last line read literally: B_k = (Σ g²)^0.5 already holds the root, and
    # the update divides by √(B_k + ε) again
    g = np.array(ADA_G)
    b = np.sqrt(g * g)
    return _tup(np.array(ADA_X0) - 0.1 / np.sqrt(b + 1e-7) * g)


def _rmsprop_nesterov_steps() -> dict[str, tuple]:
    traj = _first_steps(optim.RMSPropNesterov(lr=0.1, rho=0.9, beta=0.5, eps=0.0))
    return {"theta_1": _tup(traj.params[1]["x"]), "theta_2": _tup(traj.params[2]["x"]),
            "v_2": _tup(traj.states[2].velocity["x"])}


def _adamax_recursion() -> tuple:
    opt = optim.Adamax(lr=0.001, beta1=0.9, beta2=0.9, eps=0.0)
    params = {"x": np.array([0.0])}
    state = opt.init(params)
    out = []
    for g in (3.0, -1.0, 0.5, -4.0):
        params, state = opt.update(params, {"x": np.array([g])}, state)
        out.append(float(state.u["x"][0]))
    return tuple(out)


# --------------------------------------------------------------------------------------
# Newton
# --------------------------------------------------------------------------------------


def _newton_step() -> tuple:
    f = quadratic(((2.0, 1.0), (1.0, 2.0)), (-3.0, -3.0))
    traj = optim.run(optim.Newton(hessian=f.hessian_fn), f.grad_fn, f.params([3.0, -1.0]), 1)
    return _tup(traj.final["x"])


def _regularized_newton() -> dict[str, tuple]:
    f = saddle()
    x0 = f.params([1.0, 0.5])
    pure = optim.run(optim.Newton(hessian=f.hessian_fn), f.grad_fn, x0, 1).final["x"]
    reg = optim.run(optim.RegularizedNewton(hessian=f.hessian_fn, alpha=3.0), f.grad_fn, x0,
                    1).final["x"]
    return {"newton": _tup(pure), "regularized_alpha_3": _tup(reg)}


# --------------------------------------------------------------------------------------
# Batch normalization
# --------------------------------------------------------------------------------------

BN_BATCH = (2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0)
BN_BATCHES = ((2.0, 4.0, 5.0, 9.0), (4.0, 4.0, 5.0, 7.0))


def _bn_train():
    x = np.array(BN_BATCH).reshape(-1, 1)
    out, cache, _ = batchnorm_forward(x, np.array([2.0]), np.array([1.0]), train=True,
                                      running=init_running_stats(1))
    return out, cache


def _bn_transform() -> dict[str, float | tuple]:
    out, cache = _bn_train()
    return {"mu": float(cache.mean[0]), "var": float(cache.var[0]), "y": _tup(out[:, 0])}


def _bn_backward() -> dict[str, float | tuple]:
    _, cache = _bn_train()
    dy = np.zeros((len(BN_BATCH), 1))
    dy[0, 0] = 1.0
    s = batchnorm_backward_stages(dy, cache)
    return {"dvar": float(s.dvar[0]), "dmu": float(s.dmu[0]), "dx": _tup(s.dx[:, 0]),
            "dgamma": float(s.dgamma[0]), "dbeta": float(s.dbeta[0])}


def _bn_running(momentum_of_step, convention: str, unbiased: bool) -> RunningStats:
    running = init_running_stats(1)
    for t, batch in enumerate(BN_BATCHES, start=1):
        x = np.array(batch).reshape(-1, 1)
        _, _, running = batchnorm_forward(
            x, np.ones(1), np.zeros(1), train=True, running=running,
            momentum=momentum_of_step(t), momentum_convention=convention, unbiased=unbiased,
        )
    return running


def _bn_method1() -> dict[str, float]:
    # weight 1/t on batch t makes the running average the plain mean over the batches
    r = _bn_running(lambda t: 1.0 / t, "new_weight", unbiased=True)
    return {"E[x]": float(r.mean[0]), "Var[x]": float(r.var[0])}


def _bn_method2() -> dict[str, float]:
    return {
        "biased σ_B² (method 2 as written; Keras/TensorFlow)": float(
            _bn_running(lambda t: 0.95, "old_weight", unbiased=False).var[0]
        ),
        "m/(m−1)·σ_B² (method 1's correction; PyTorch)": float(
            _bn_running(lambda t: 0.95, "old_weight", unbiased=True).var[0]
        ),
    }


def _bn_momentum() -> dict[str, float]:
    start = init_running_stats(1)
    batch_mean, batch_var = np.array([5.0]), np.array([1.0])
    return {
        "seed 001 λ = 0.95 weights the old value (Keras momentum)": float(
            update_running_stats(start, batch_mean, batch_var, momentum=0.95,
                                 momentum_convention="old_weight").mean[0]
        ),
        "PyTorch momentum = 0.95 weights the new batch": float(
            update_running_stats(start, batch_mean, batch_var, momentum=0.95,
                                 momentum_convention="new_weight").mean[0]
        ),
    }


def _bn_fold() -> dict[str, float]:
    gamma, beta = np.array([2.0]), np.array([1.0])
    running = RunningStats(np.array([5.0]), np.array([4.0]))
    scale, shift = fold_batchnorm(gamma, beta, running, eps=1e-5)
    out, _, _ = batchnorm_forward(np.array([[7.0]]), gamma, beta, train=False, running=running)
    return {"scale": float(scale[0]), "shift": float(shift[0]), "y(7)": float(out[0, 0])}


# --------------------------------------------------------------------------------------
# The entries, in the order of the slides
# --------------------------------------------------------------------------------------

_R2, _EPS_B = math.sqrt(2.0), 1e-5

EXAMPLES: list[Example] = [
    Example(
        id="001-bias-variance-decomposition",
        source=SOURCE,
        locator="Regularization: The Bias-Variance Tradeoff (Dilemma)",
        title="E[(y − f̂)²] = Bias² + σ² + Var[f̂] on a case small enough to enumerate",
        inputs={"f(x)": "1 + 2x", "noise": "ε = ±1, equally likely (σ² = 1)",
                "training inputs": (0.0, 1.0), "test input": 1.0,
                "model": "the best constant (least squares on a column of ones)"},
        slide_value={"bias2": 1.0, "variance": 0.5, "noise": 1.0, "expected_error": 2.5},
        compute=_bias_variance,
        verdict="agrees",
        explanation=(
            "Concrete case chosen for the notebook (the slide gives only the identity). "
            "The fitted constant is the mean of the two noisy targets, 1 + ε̄ + 1 = 2 + ε̄, "
            "so E[f̂] = 2 and Var[f̂] = σ²/2 = 0.5; at x = 1, f = 3, so Bias² = 1; with "
            "σ² = 1 the slide's right-hand side is 1 + 1 + 0.5 = 2.5. Enumerating all 8 "
            "equally likely noise combinations gives the left-hand side E[(y − f̂)²] = 2.5 "
            "directly: the decomposition holds exactly."
        ),
        decimals=None,
        lessons=("01_bias_variance",),
    ),
    Example(
        id="001-l2-penalty-scalings",
        source=SOURCE,
        locator="L2 Regularization (J = MSE/CE + λΣ‖w‖²) and L2 Regularization – Goodfellow 2016",
        title="The L2 penalty of w = (1, −2) with λ = 0.1 in the seeds' three scalings",
        inputs={"w": (1.0, -2.0), "lambda": 0.1, "N": 10},
        slide_value=0.5,
        compute=_l2_scalings,
        verdict="convention",
        explanation=(
            "‖w‖² = 5. Seed 001's first L2 slide adds λ‖w‖² = 0.5 (as seed 004 does); two "
            "slides later it follows Goodfellow eq. 7.2 with (α/2)wᵀw = 0.25 (as seed 003); "
            "seed 000 divides by 2N: 0.025. The same 'λ' is three different strengths, so "
            "a λ copied from one convention to another must be rescaled."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="001-weight-decay-step",
        source=SOURCE,
        locator="L2 Regularization – Deep Learning, Goodfellow 2016 (eqs. 7.4 and 7.5)",
        title="One gradient step with weight decay, written as eq. 7.4 and as eq. 7.5",
        inputs={"w": (1.0, -2.0), "grad_J": (0.4, -0.2), "epsilon": 0.1, "alpha": 0.5},
        slide_value={"eq_7_4": (0.91, -1.88), "eq_7_5": (0.91, -1.88)},
        compute=_weight_decay_step,
        verdict="agrees",
        explanation=(
            "Concrete case. Eq. 7.4: w − ε(αw + ∇J) = (1, −2) − 0.1·((0.5, −1) + (0.4, −0.2)) "
            "= (0.91, −1.88). Eq. 7.5: (1 − εα)w − ε∇J = 0.95·(1, −2) − (0.04, −0.02) = "
            "(0.91, −1.88). The two forms are the same update: L2 shrinks the weights by "
            "the factor 1 − εα before the usual step."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="001-l2-regularized-optimum",
        source=SOURCE,
        locator="L2 Regularization - Analysis (w̃ = (H + αI)⁻¹Hw*)",
        title="The L2-regularized optimum w̃ for the slide's 3×3 H, α = 2, w* = (1, 2, 3)",
        inputs={"H": H3, "alpha": 2.0, "w_star": (1.0, 2.0, 3.0)},
        slide_value=(2 / 28, 8 / 28, 30 / 28),
        compute=lambda: _tup(l2_regularized_optimum(np.array(H3), np.array([1.0, 2.0, 3.0]), 2.0)),
        verdict="agrees",
        explanation=(
            "Concrete case (w* chosen here). (H + 2I)⁻¹H = [[13, −4, −1], [−4, 12, −4], "
            "[−1, −4, 13]]/28, so w̃ = (13 − 8 − 3, −4 + 24 − 12, −1 − 8 + 39)/28 = "
            "(2, 8, 30)/28 ≈ (0.071, 0.286, 1.071): every component is pulled towards 0, "
            "the least-curved directions most."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="001-l2-eigen-shrinkage",
        source=SOURCE,
        locator="L2 Regularization - Analysis ((Λ + αI)⁻¹Λ ⟺ λᵢ/(λᵢ + α))",
        title="Eigenvalues of the slide's H and the shrinkage factors λᵢ/(λᵢ + 2)",
        inputs={"H": H3, "alpha": 2.0},
        slide_value={
            "eigenvalues": (2.0 - _R2, 2.0, 2.0 + _R2),
            "factors": ((2.0 - _R2) / (4.0 - _R2), 0.5, (2.0 + _R2) / (4.0 + _R2)),
        },
        compute=_eigen_shrinkage,
        verdict="agrees",
        explanation=(
            "Concrete case behind the slide's 3×3 example (the slide does not print them). "
            "The tridiagonal H has eigenvalues 2 − 2cos(kπ/4) = 2 − √2, 2, 2 + √2; with "
            "α = 2 the factors are 0.2265, 0.5, 0.6306: the flattest direction keeps under "
            "a quarter of its component of w*, the steepest almost two thirds."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="001-l2-identity-alpha-zero",
        source=SOURCE,
        locator="L2 Regularization - Analysis, Numerical Examples (QΛ⁻¹ΛQᵀ)",
        title="Without regularization (α = 0), QΛ⁻¹ΛQᵀ is the identity",
        inputs={"H": H3, "alpha": 0.0},
        slide_value=((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
        compute=lambda: _tup(shrinkage_matrix(np.array(H3), 0.0)),
        verdict="agrees",
        explanation=(
            "With α = 0 every factor λᵢ/(λᵢ + 0) is 1, so Q(Λ + 0I)⁻¹ΛQᵀ = QQᵀ = I and "
            "w̃ = w*: no shrinkage. The slide's matrix is exact (computed to within 1e-12)."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="001-l2-shrinkage-matrix-3x3",
        source=SOURCE,
        locator="L2 Regularization - Analysis, Numerical Examples (Q(Λ + 2I)⁻¹ΛQᵀ)",
        title="The shrinkage matrix Q(Λ + 2I)⁻¹ΛQᵀ for H = tridiag(−1, 2, −1)",
        inputs={"H": H3, "alpha": 2.0},
        slide_value=((0.46, -0.14, -0.04), (-0.14, 0.43, -0.14), (-0.04, -0.14, 0.46)),
        compute=lambda: _tup(shrinkage_matrix(np.array(H3), 2.0)),
        verdict="agrees",
        explanation=(
            "Q(Λ + 2I)⁻¹ΛQᵀ = (H + 2I)⁻¹H = I − 2(H + 2I)⁻¹. det(H + 2I) = 56 and "
            "(H + 2I)⁻¹ = [[15, 4, 1], [4, 16, 4], [1, 4, 15]]/56, so the matrix is exactly "
            "[[13, −4, −1], [−4, 12, −4], [−1, −4, 13]]/28 = 0.4643, −0.1429, −0.0357, "
            "0.4286: every printed entry is correctly rounded to 2 decimals."
        ),
        decimals=2,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="001-ridge-normal-equations",
        source=SOURCE,
        locator="L2 Regularization - Analysis: In Linear Regression (eqs. 7.14–7.17)",
        title="Ridge solution of eq. 7.15's objective: (XᵀX + (α/2)I)⁻¹Xᵀy, not (XᵀX + αI)⁻¹Xᵀy",
        inputs={"X": RIDGE_X, "y": RIDGE_Y, "alpha": 2.0},
        slide_value=(11 / 15, 16 / 15),
        compute=lambda: _tup(ridge(np.array(RIDGE_X), np.array(RIDGE_Y), 2.0,
                                   scaling="lambda_over_2").coef),
        verdict="erratum",
        explanation=(
            "Concrete case. Eq. 7.15 minimizes (Xw − y)ᵀ(Xw − y) + ½αwᵀw; its gradient is "
            "2Xᵀ(Xw − y) + αw, and setting it to 0 gives (XᵀX + (α/2)I)w = Xᵀy. Eq. 7.17 "
            "writes XᵀX + αI: the factor 2 from differentiating the squared error was "
            "dropped (the slide copies this slip from Goodfellow's book). Here XᵀX = [[2, 1], "
            "[1, 2]], Xᵀy = (4, 5): the correct w = (7/8, 11/8) = (0.875, 1.375), eq. 7.17 "
            "gives (11/15, 16/15) ≈ (0.733, 1.067), the minimizer of a penalty twice as "
            "strong. Eq. 7.17 is right for ½(Xw − y)ᵀ(Xw − y) + ½αwᵀw, or for αwᵀw."
        ),
        decimals=None,
        as_slide_computed=lambda: _tup(ridge(np.array(RIDGE_X), np.array(RIDGE_Y), 2.0,
                                             scaling="lambda").coef),
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="001-l1-gradient",
        source=SOURCE,
        locator="L1 Regularization (∇J̃ = α sign(w) + ∇J)",
        title="The L1-penalized (sub)gradient α sign(w) + ∇J at a point with a zero weight",
        inputs={"w": (2.0, 0.0, -1.0), "grad_J": (0.3, -0.2, 0.1), "alpha": 0.5},
        slide_value=(0.8, -0.2, -0.4),
        compute=lambda: _tup(l1_penalty_grad({"w": np.array([2.0, 0.0, -1.0])}, 0.5)["w"]
                             + np.array([0.3, -0.2, 0.1])),
        verdict="agrees",
        explanation=(
            "Concrete case. sign(w) = (1, 0, −1), so 0.5·sign(w) + ∇J = (0.8, −0.2, −0.4). "
            "The penalty adds a constant-size push α towards 0 whatever the weight's size "
            "(L2's push αw shrinks with w); at w = 0 the slide's sign(0) = 0 is one "
            "subgradient among [−α, α]."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="001-l1-diagonal-hessian-solution",
        source=SOURCE,
        locator="L1 Regularization: For diagonal Hessian Matrix",
        title="The soft-threshold solution wᵢ = sign(wᵢ*) max(|wᵢ*| − α/Hᵢᵢ, 0)",
        inputs={"w_star": (3.0, -0.5, 1.0, -2.0), "H_diag": (2.0, 1.0, 4.0, 0.5), "alpha": 1.0},
        slide_value=(2.5, 0.0, 0.75, 0.0),
        compute=lambda: _tup(l1_diagonal_hessian_solution(
            np.array([3.0, -0.5, 1.0, -2.0]), np.array([2.0, 1.0, 4.0, 0.5]), 1.0)),
        verdict="agrees",
        explanation=(
            "Concrete case. Thresholds α/Hᵢᵢ = (0.5, 1, 0.25, 2): 3 → 2.5; |−0.5| < 1 → 0; "
            "1 → 0.75; |−2| ≤ 2 → 0. Two weights become exactly zero, the others move "
            "towards zero by their threshold: L1 makes the solution sparse."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="001-elastic-net-mixing",
        source=SOURCE,
        locator="Elastic Net Regularization (Zou and Hastie)",
        title="Elastic-net penalty of w = (1, −2) with λ = 1, α = 0.25: seed 001 vs scikit-learn",
        inputs={"w": (1.0, -2.0), "lambda": 1.0, "alpha": 0.25},
        slide_value=3.5,
        compute=_elastic_net,
        verdict="convention",
        explanation=(
            "‖w‖² = 5, ‖w‖₁ = 3. Seed 001 (after Zou and Hastie) weights the L2 part by α: "
            "1·(0.25·5 + 0.75·3) = 3.5. scikit-learn's ElasticNet weights the L1 part by "
            "l1_ratio and halves the L2 part, a(ρ‖w‖₁ + (1−ρ)/2‖w‖²): passing the seed's "
            "numbers unchanged gives 0.25·3 + 0.375·5 = 2.625, a different penalty. The "
            "same penalty needs a = λ(1+α) = 1.25 and ρ = (1−α)/(1+α) = 0.6: "
            "1.25·(1.8 + 1) = 3.5 (sklearn's data term is also scaled by 1/(2n))."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="001-dropout-keep-vs-drop",
        source=SOURCE,
        locator="Regularization – Dropout: Training Phase (Input Layer: P > 0.8)",
        title="The number written as 'p' for an input layer that keeps 80 % of its units",
        inputs={"fraction kept": 0.8},
        slide_value=0.8,
        compute=lambda: {
            "seed 001 p = keep probability": keep_probability(p_keep=0.8),
            "seed 004 / PyTorch p = dropout rate": 1.0 - keep_probability(p_keep=0.8),
        },
        verdict="convention",
        explanation=(
            "Seed 001 drops 'a random fraction (1 − p)', so its p is the probability of "
            "KEEPING a unit (input layer p > 0.8, hidden p = 0.5, output p = 1). Seed 004 "
            "and torch.nn.Dropout(p) call p the dropout rate: the same input layer is "
            "p = 0.2 there. Only at p = 0.5 do the two readings coincide, so a p copied "
            "between them silently turns 'keep 80 %' into 'keep 20 %'."
        ),
        decimals=None,
        lessons=("04_dropout",),
    ),
    Example(
        id="001-dropout-test-scaling",
        source=SOURCE,
        locator="Regularization – Dropout: Test Phase ('reduce them by a factor (1−p)')",
        title="Test-time output of a unit with activation 2 kept with probability p = 0.8",
        inputs={"activation": 2.0, "p (keep)": 0.8},
        slide_value=0.4,
        compute=_dropout_test_output,
        verdict="erratum",
        explanation=(
            "With p the keep probability (the slide's own convention), a unit's training "
            "output is 2 with probability 0.8 and 0 otherwise, so its expected value is "
            "0.8·2 = 1.6; at test time every unit is present, so it must be multiplied by "
            "p = 0.8 (Srivastava et al.: 'the outgoing weights are multiplied by p'). "
            "Multiplying by the factor (1 − p) = 0.2, as the slide says, gives 0.4, four "
            "times too small. The sentence is right only if read as 'reduce them by the "
            "fraction 1 − p that was dropped'. At the hidden-layer value p = 0.5 both "
            "readings give 0.5, which hides the slip."
        ),
        decimals=None,
        as_slide_computed=lambda: (1.0 - 0.8) * 2.0,
        lessons=("04_dropout",),
    ),
    Example(
        id="001-dropout-schemes",
        source=SOURCE,
        locator="Regularization – Dropout: Dropout Training/Test Scheme",
        title="Training output of a kept unit and test output (x = 2, p_keep = 0.8) per scheme",
        inputs={"x": 2.0, "p_keep": 0.8},
        slide_value=(2.0, 1.6),
        compute=_dropout_schemes,
        verdict="convention",
        explanation=(
            "Seed 001 (Srivastava 2014) trains with x·m and scales at test time: a kept "
            "unit outputs 2.0 in training, every unit 0.8·2 = 1.6 at test. Seed 004's "
            "'inverted dropout' (PyTorch, Keras) divides by p_keep in training instead: "
            "a kept unit outputs 2/0.8 = 2.5, and the test output is x = 2.0 unchanged. "
            "Both keep E[training output] equal to the test output."
        ),
        decimals=None,
        lessons=("04_dropout",),
    ),
    Example(
        id="001-baldi-expected-gradient",
        source=SOURCE,
        locator="Regularization – Dropout. Understanding Dropout, Baldi, NIPS2013 (boxed term)",
        title="E[∂E_D/∂w] = ∂E_N/∂w + wᵢpᵢ(1−pᵢ)Iᵢ² on a 3-input linear unit",
        inputs={"w": BALDI_W, "I": BALDI_I, "t": BALDI_T, "p (keep)": BALDI_P},
        slide_value=(-0.4, -1.8, -1.35),
        compute=lambda: _tup(expected_dropout_gradient_exact(*_baldi_args(), p_keep=BALDI_P)),
        verdict="agrees",
        explanation=(
            "Concrete case. Σpᵢwᵢ Iᵢ = 0.25 − 1.6 + 0.5 = −0.85, so ∂E_N/∂wᵢ = −(t + 0.85)pᵢIᵢ "
            "= −1.85·(0.25, 0.8, 1) = (−0.4625, −1.48, −1.85); the boxed terms "
            "wᵢpᵢ(1−pᵢ)Iᵢ² = (0.0625, −0.32, 0.5); the sum is (−0.4, −1.8, −1.35). "
            "Averaging the dropout gradient over all 2³ masks, weighted by their "
            "probabilities, gives exactly this: the slide's result holds."
        ),
        decimals=None,
        lessons=("04_dropout",),
    ),
    Example(
        id="001-baldi-regularized-error",
        source=SOURCE,
        locator=("Regularization – Dropout. Understanding Dropout, Baldi "
                 "('It is Like Regularization', E_R)"),
        title="E_R and its gradient: the slide's E_R lacks the ½ on the penalty",
        inputs={"w": BALDI_W, "I": BALDI_I, "t": BALDI_T, "p (keep)": BALDI_P},
        slide_value={"E_R": 2.66375, "grad": (-0.3375, -2.12, -0.85)},
        compute=lambda: {
            "E_R": expected_dropout_error_exact(*_baldi_args(), p_keep=BALDI_P),
            "grad": _tup(expected_dropout_gradient_exact(*_baldi_args(), p_keep=BALDI_P)),
        },
        verdict="erratum",
        explanation=(
            "The slide writes E_R = ½(t − Σpᵢwᵢ Iᵢ)² + Σpᵢ(1−pᵢ)wᵢ²Iᵢ². Differentiating its "
            "penalty gives 2wᵢpᵢ(1−pᵢ)Iᵢ², twice the boxed term it is meant to explain; "
            "Baldi and Sadowski have ½Σpᵢ(1−pᵢ)wᵢ²Iᵢ², and with the ½ E_R is exactly the "
            "expected dropout error E[E_D]. Here E_N = ½·1.85² = 1.71125 and "
            "Σpᵢ(1−pᵢ)wᵢ²Iᵢ² = 0.9525: the correct E_R = 1.71125 + 0.47625 = 2.1875 with "
            "gradient (−0.4, −1.8, −1.35); the slide's gives 2.66375 and (−0.3375, −2.12, "
            "−0.85)."
        ),
        decimals=None,
        as_slide_computed=lambda: {
            "E_R": regularized_error_slide(*_baldi_args(), p_keep=BALDI_P),
            "grad": _tup(regularized_gradient_slide(*_baldi_args(), p_keep=BALDI_P)),
        },
        lessons=("04_dropout",),
    ),
    Example(
        id="001-dropout-why-half",
        source=SOURCE,
        locator=("Regularization – Dropout. Understanding Dropout, Baldi "
                 "('Why p=0.5 is recommended?')"),
        title="The keep probability that maximizes the dropout penalty's weight p(1−p)",
        inputs={"p grid": "0, 0.01, ..., 1"},
        slide_value={"p": 0.5, "p(1-p)": 0.25},
        compute=_why_half,
        verdict="agrees",
        explanation=(
            "The penalty Σpᵢ(1−pᵢ)wᵢ²Iᵢ² is scaled by Var(δᵢ) = p(1−p), whose derivative "
            "1 − 2p vanishes at p = ½: the regularization is strongest there (0.25, against "
            "0.16 at the input layer's p = 0.8 and 0 at p = 1). That is Baldi's answer to "
            "the slide's question."
        ),
        decimals=None,
        lessons=("04_dropout",),
    ),
    Example(
        id="001-gaussian-dropout-sigma",
        source=SOURCE,
        locator="Regularization – Dropout: Some Variations (Gaussian Dropout Multiplicative)",
        title="The σ of multiplicative Gaussian dropout δ ~ N(1, σ²) matching Bernoulli dropout",
        inputs={"p_keep": (0.5, 0.8)},
        slide_value={"p_keep=0.5": 1.0, "p_keep=0.8": 0.5},
        compute=lambda: {"p_keep=0.5": gaussian_sigma(p_keep=0.5),
                         "p_keep=0.8": gaussian_sigma(p_keep=0.8)},
        verdict="agrees",
        explanation=(
            "Concrete case (the slide names the distribution only). Inverted Bernoulli "
            "dropout multiplies by m/p with mean 1 and variance (1 − p)/p, so the Gaussian "
            "with the same two moments has σ² = (1 − p)/p: σ = 1 at p = 0.5 and σ = 0.5 at "
            "p = 0.8 (Srivastava et al. 2014, section 10)."
        ),
        decimals=None,
        lessons=("04_dropout",),
    ),
    Example(
        id="001-early-stopping-patience",
        source=SOURCE,
        locator="Regularization - Early Stopping Meta Algorithm (Algorithm 7.1)",
        title="Where Algorithm 7.1 stops (n = 5, patience p = 3) on a given validation curve",
        inputs={"validation errors after 5, 10, ..., 35 steps": (0.9, 0.7, 0.6, 0.62, 0.61,
                                                               0.65, 0.58),
                "n": 5, "p": 3},
        slide_value={"best_step": 15, "stopped_at": 30},
        compute=lambda: stopping_step([0.9, 0.7, 0.6, 0.62, 0.61, 0.65, 0.58], eval_every=5,
                                      patience=3)._asdict(),
        verdict="agrees",
        explanation=(
            "Concrete case. The best error 0.6 comes at i = 15 (i* = 15, v = 0.6); the "
            "next three evaluations (0.62, 0.61, 0.65) do not beat it, so j reaches p = 3 "
            "at i = 30 and the loop ends, returning the parameters of step 15. The later "
            "0.58 is never seen: patience trades a little quality for a bounded wait."
        ),
        decimals=None,
        lessons=("03_early_stopping_and_ensembles",),
    ),
    Example(
        id="001-early-stopping-gd-closed-form",
        source=SOURCE,
        locator="Regularization - Early Stopping Theory (Qᵀw⁽τ⁾ = [I − (I − εΛ)^τ]Qᵀw*)",
        title="50 gradient-descent steps from 0 (ε = 0.01) on a quadratic, H = diag(10, 1, 0.1)",
        inputs={"H": "diag(10, 1, 0.1)", "w_star": (1.0, 1.0, 1.0), "epsilon": 0.01,
                "tau": 50, "w0": (0.0, 0.0, 0.0)},
        slide_value=(1.0 - 0.9**50, 1.0 - 0.99**50, 1.0 - 0.999**50),
        compute=_gd_from_zero,
        verdict="agrees",
        explanation=(
            "Concrete case. With H diagonal, Q = I and the slide's formula gives "
            "wᵢ = [1 − (1 − ελᵢ)^τ]wᵢ* = 1 − 0.9⁵⁰, 1 − 0.99⁵⁰, 1 − 0.999⁵⁰ = 0.9948, "
            "0.3950, 0.0488. Running gradient descent gives the same numbers: early "
            "stopping has learned the steep direction and barely moved along the flat one, "
            "as L2 regularization would."
        ),
        decimals=None,
        lessons=("03_early_stopping_and_ensembles",),
    ),
    Example(
        id="001-early-stopping-middle-step",
        source=SOURCE,
        locator="Regularization - Early Stopping Theory: Compare Two approaches ('(−Λ + α⁻¹I)α')",
        title="The slide's middle expression (−Λ + α⁻¹I)α at λ = 0.1, α = 2",
        inputs={"lambda": 0.1, "alpha": 2.0},
        slide_value=0.8,
        compute=lambda: 1.0 - 0.1 / 2.0,
        verdict="erratum",
        explanation=(
            "For large α, (Λ + αI)⁻¹α = (I + Λ/α)⁻¹ ≈ I − α⁻¹Λ (here 1 − 0.05 = 0.95, "
            "against the exact 2/2.1 = 0.952). The slide writes the middle step as "
            "(−Λ + α⁻¹I)α, which multiplies out to I − αΛ = 1 − 0.2 = 0.8, not the "
            "I − α⁻¹Λ printed after it: the α and α⁻¹ are swapped; (−Λ + αI)α⁻¹ was meant. "
            "Computed with numpy (a first-order expansion has no course_lib function)."
        ),
        decimals=None,
        as_slide_computed=lambda: (-0.1 + 1.0 / 2.0) * 2.0,
        lessons=("03_early_stopping_and_ensembles",),
    ),
    Example(
        id="001-early-stopping-alpha",
        source=SOURCE,
        locator="Regularization - Early Stopping Theory: Compare Two approaches ('α ≈ ετ')",
        title="The L2 strength that τ = 50 steps of size ε = 0.01 mimic",
        inputs={"epsilon": 0.01, "tau": 50},
        slide_value=0.5,
        compute=lambda: early_stopping_equivalent_alpha(0.01, 50),
        verdict="erratum",
        explanation=(
            "The slide's own line reads I − ετΛ ≈ I − α⁻¹Λ, so ετ = α⁻¹ and α ≈ 1/(ετ) = 2 "
            "(Goodfellow eq. 7.45), not α ≈ ετ = 0.5 as concluded. The conclusion inverts "
            "the relation: training longer (larger τ) means LESS regularization, so α must "
            "fall as τ grows. Check on H = diag(10, 1, 0.1): early stopping keeps 0.049 of "
            "the flattest direction; L2 with α = 2 keeps 0.1/2.1 = 0.048, with α = 0.5 "
            "it keeps 0.167."
        ),
        decimals=None,
        as_slide_computed=lambda: 0.01 * 50,
        lessons=("03_early_stopping_and_ensembles",),
    ),
    Example(
        id="001-parameter-tying-penalty",
        source=SOURCE,
        locator="Regularization - Others: Parameter Tying (Ω = ‖w⁽ᴬ⁾ − w⁽ᴮ⁾‖²)",
        title="The tying penalty and its gradients for w_A = (1, 2), w_B = (0.5, 3)",
        inputs={"w_A": (1.0, 2.0), "w_B": (0.5, 3.0)},
        slide_value={"omega": 1.25, "grad_wA": (1.0, -2.0), "grad_wB": (-1.0, 2.0)},
        compute=_tying,
        verdict="agrees",
        explanation=(
            "Concrete case. w_A − w_B = (0.5, −1): Ω = 0.25 + 1 = 1.25, ∂Ω/∂w_A = "
            "2(w_A − w_B) = (1, −2) and ∂Ω/∂w_B = −(1, −2): the penalty pulls the two "
            "models' weights towards each other, not towards zero."
        ),
        decimals=None,
        lessons=("03_early_stopping_and_ensembles",),
    ),
    Example(
        id="001-hessian-eigenvalue-signs",
        source=SOURCE,
        locator="Optimization Challenges: Local minimum and saddle points",
        title="Hessian eigenvalues at a saddle point and at a minimum",
        inputs={"saddle": "x² − y² at (0, 0)", "minimum": "0.1x₁² + 2x₂² at (0, 0)"},
        slide_value={"saddle x² − y²": (-2.0, 2.0), "minimum 0.1x₁² + 2x₂²": (0.2, 4.0)},
        compute=_hessian_signs,
        verdict="agrees",
        explanation=(
            "Concrete case. The Hessians are diag(2, −2) and diag(0.2, 4): at the saddle "
            "the eigenvalues have both signs (a minimum along x, a maximum along y), at "
            "the minimum all are positive, as the slide says."
        ),
        decimals=None,
        lessons=("06_optimization_landscape", "10_second_order"),
    ),
    Example(
        id="001-ill-conditioning-taylor",
        source=SOURCE,
        locator="Optimization Challenges: Ill-Conditioning (f(x − εg) ≈ f(x) − εgᵀg + ½ε²gᵀHg)",
        title="One step ε = 0.03 on f = ½(x₁² + 100x₂²) from (1, 1): the Hessian term wins",
        inputs={"H": "diag(1, 100)", "x": (1.0, 1.0), "epsilon": 0.03},
        slide_value={
            "f_after_step": 50.5 - 0.03 * 10001.0 + 0.5 * 0.03**2 * 1000001.0,
            "first_order_term": -0.03 * 10001.0,
            "second_order_term": 0.5 * 0.03**2 * 1000001.0,
            "lr_threshold": 2.0 * 10001.0 / 1000001.0,
        },
        compute=_ill_conditioning,
        verdict="agrees",
        explanation=(
            "Concrete case. g = Hx = (1, 100), gᵀg = 10001, gᵀHg = 1000001. The step "
            "lowers f only while ½ε²gᵀHg < εgᵀg, i.e. ε < 2gᵀg/gᵀHg ≈ 0.0200. At ε = 0.03 "
            "the first-order gain −300.03 is beaten by the curvature term +450.0; f rises "
            "from 50.5 to 200.47 (exact here: f is quadratic). The Taylor terms are "
            "computed with numpy from the objective's gradient and Hessian."
        ),
        decimals=None,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="001-matrix-power-vanishing-exploding",
        source=SOURCE,
        locator="Optimization Challenges: Vanishing/Exploding Gradient (Wᵗ = V diag(λ)ᵗ V⁻¹)",
        title="W¹⁰ for W = [[0.5, 1], [0, 1.5]] (eigenvalues 0.5 and 1.5)",
        inputs={"W": W_POWER, "t": 10},
        slide_value=((0.5**10, 1.5**10 - 0.5**10), (0.0, 1.5**10)),
        compute=lambda: _tup(np.linalg.matrix_power(np.array(W_POWER), 10)),
        verdict="agrees",
        explanation=(
            "Concrete case. V = [[1, 1], [0, 1]] (eigenvectors of 0.5 and 1.5), so "
            "Wᵗ = V diag(0.5ᵗ, 1.5ᵗ)V⁻¹ = [[0.5ᵗ, 1.5ᵗ − 0.5ᵗ], [0, 1.5ᵗ]]: after 10 "
            "multiplications the component along the first eigenvector has shrunk to "
            "0.00098 (vanishing) and the one along the second grown to 57.7 (exploding). "
            "Computed with numpy's matrix_power (no course_lib function)."
        ),
        decimals=None,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="001-relu-vs-sigmoid-chain",
        source=SOURCE,
        locator="Optimization Challenges: In Deep Neural Network ('ReLU is a good choice!')",
        title="Product of 10 activation derivatives: sigmoid at its best (z = 0) against ReLU",
        inputs={"layers": 10, "sigmoid z": 0.0, "relu z": 1.0},
        slide_value={"sigmoid": 0.25**10, "relu": 1.0},
        compute=lambda: {"sigmoid": float(sigmoid_derivative(np.float64(0.0))) ** 10,
                         "relu": float(relu_derivative(np.float64(1.0))) ** 10},
        verdict="agrees",
        explanation=(
            "Concrete case. σ'(z) ≤ σ'(0) = 0.25, so 10 sigmoid layers scale a gradient "
            "by at most 0.25¹⁰ ≈ 9.5·10⁻⁷; ReLU's derivative is 1 on active units, so "
            "the product stays 1: why the slide recommends ReLU against vanishing gradients."
        ),
        decimals=None,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="001-gradient-clipping",
        source=SOURCE,
        locator="Optimization Challenges: Gradient Clipping (α g/‖g‖)",
        title="Clipping g = (3, 4) to norm α = 1",
        inputs={"g": (3.0, 4.0), "alpha": 1.0},
        slide_value=(0.6, 0.8),
        compute=lambda: _tup(optim.clip_by_global_norm({"g": np.array([3.0, 4.0])}, 1.0)["g"]),
        verdict="agrees",
        explanation=(
            "Concrete case. ‖g‖ = 5 > 1, so g is replaced by 1·(3, 4)/5 = (0.6, 0.8): same "
            "direction, bounded length. The slide shows only α g/‖g‖; the rule (Goodfellow "
            "sec. 10.11.1) applies it only when ‖g‖ > α, so a gradient already shorter "
            "than α is left alone rather than lengthened."
        ),
        decimals=None,
        lessons=("06_optimization_landscape",),
    ),
    Example(
        id="001-sgd-minibatch-step",
        source=SOURCE,
        locator="Stochastic Gradient Descent (SGD), Algorithm 8.1",
        title="One SGD step on ŷ = θx with minibatch {(1, 2), (2, 3)}, loss ½(ŷ − y)², ε = 0.1",
        inputs={"minibatch": ((1.0, 2.0), (2.0, 3.0)), "theta": 0.0, "epsilon": 0.1},
        slide_value=0.4,
        compute=_sgd_minibatch_step,
        verdict="agrees",
        explanation=(
            "Concrete case. ĝ = (1/m)Σ(θxᵢ − yᵢ)xᵢ = ½((0 − 2)·1 + (0 − 3)·2) = −4, so "
            "θ ← 0 − 0.1·(−4) = 0.4. (The slide's 'ĝ ← +(1/m)∇θ...' carries a stray '+', "
            "copied from Goodfellow's Algorithm 8.1; it changes nothing.)"
        ),
        decimals=None,
        lessons=("07_gradient_descent_and_sgd",),
    ),
    Example(
        id="001-linear-lr-decay",
        source=SOURCE,
        locator="Stochastic Gradient Descent (SGD): εₖ = (1 − α)ε₀ + αε_τ (eq. 8.14)",
        title="Linear decay from ε₀ = 0.1 to ε_τ = 0.001 over τ = 100 steps (k = 0, 50, 100, 150)",
        inputs={"eps0": 0.1, "eps_tau": 0.001, "tau": 100, "k": (0, 50, 100, 150)},
        slide_value=(0.1, 0.0505, 0.001, 0.001),
        compute=lambda: tuple(LinearDecay(lr0=0.1, lr_final=0.001, decay_steps=100)(k)
                              for k in (0, 50, 100, 150)),
        verdict="agrees",
        explanation=(
            "Concrete case (ε_τ ≈ 1 % of ε₀, as Goodfellow suggests). At k = 50, α = 0.5: "
            "0.5·0.1 + 0.5·0.001 = 0.0505; at k = τ = 100 the rate reaches 0.001 and, "
            "as the slide says, stays constant after τ."
        ),
        decimals=None,
        lessons=("07_gradient_descent_and_sgd",),
    ),
    Example(
        id="001-momentum-first-steps",
        source=SOURCE,
        locator="Momentum (eqs. 8.15–8.16, Algorithm 8.2)",
        title="Two momentum steps on 0.1x₁² + 2x₂² from (−5, −2), ε = 0.4, α = 0.5, v = 0",
        inputs={"f": "0.1x₁² + 2x₂²", "theta0": START, "epsilon": 0.4, "alpha": 0.5,
                "v0": (0.0, 0.0)},
        slide_value={"theta_1": (-4.6, 1.2), "theta_2": (-4.032, 0.88), "v_2": (0.568, -0.32)},
        compute=_momentum_steps,
        verdict="agrees",
        explanation=(
            "Concrete case (seed 002's ellipsoid). g = (0.2x₁, 4x₂). Step 1: g = (−1, −8), "
            "v = −0.4g = (0.4, 3.2), θ = (−4.6, 1.2). Step 2: g = (−0.92, 4.8), "
            "v = 0.5·(0.4, 3.2) − 0.4·(−0.92, 4.8) = (0.568, −0.32), θ = (−4.032, 0.88)."
        ),
        decimals=None,
        lessons=("08_momentum",),
    ),
    Example(
        id="001-momentum-forms",
        source=SOURCE,
        locator="Momentum (eqs. 8.15–8.16): v ← αv − εg, θ ← θ + v",
        title="θ after two momentum steps (same input as 001-momentum-first-steps) per convention",
        inputs={"f": "0.1x₁² + 2x₂²", "theta0": START, "lr": 0.4, "momentum": 0.5},
        slide_value=(-4.032, 0.88),
        compute=_momentum_forms,
        verdict="convention",
        explanation=(
            "Seed 001 (Goodfellow) folds ε into the velocity: v ← αv − εg, θ ← θ + v. "
            "PyTorch and seed 003 sum raw gradients, v ← βv + g, θ ← θ − εv: at a constant "
            "learning rate the same iterates (v_classic = −ε·v_sum). Seeds 000 and 002 "
            "average, v ← βv + (1−β)g, which is the same as the others with ε replaced by "
            "(1−β)ε = 0.2: (−4.508, 0.72) instead of (−4.032, 0.88). The same (ε, β) is "
            "a different algorithm there."
        ),
        decimals=None,
        lessons=("08_momentum",),
    ),
    Example(
        id="001-nesterov-first-steps",
        source=SOURCE,
        locator="Nesterov Momentum (eqs. 8.21–8.22, Algorithm 8.3)",
        title="Two Nesterov steps on 0.1x₁² + 2x₂² from (−5, −2), ε = 0.4, α = 0.5, v = 0",
        inputs={"f": "0.1x₁² + 2x₂²", "theta0": START, "epsilon": 0.4, "alpha": 0.5,
                "v0": (0.0, 0.0)},
        slide_value={"theta_1": (-4.6, 1.2), "theta_2": (-4.048, -1.68), "v_2": (0.552, -2.88)},
        compute=_nesterov_steps,
        verdict="agrees",
        explanation=(
            "Concrete case. Step 1 (v = 0, so the interim point is θ): as plain momentum, "
            "θ = (−4.6, 1.2), v = (0.4, 3.2). Step 2: interim θ̃ = θ + 0.5v = (−4.4, 2.8), "
            "g(θ̃) = (−0.88, 11.2), v = (0.2, 1.6) − 0.4·(−0.88, 11.2) = (0.552, −2.88), "
            "θ = (−4.048, −1.68). The slide's numbers are right, but they are no win for "
            "Nesterov: plain momentum reaches x₂ = 0.88 here, and along x₂ (curvature "
            "h = 4, εh = 1.6) these settings exceed Nesterov's stability limit "
            "εh < 2(1+α)/(1+2α) = 1.5 (plain momentum's is 2(1+α) = 3), so continued, "
            "Nesterov diverges (|x₂| ≈ 100 after 30 steps) while momentum converges."
        ),
        decimals=None,
        lessons=("08_momentum",),
    ),
    Example(
        id="001-nesterov-forms",
        source=SOURCE,
        locator="Nesterov Momentum (Algorithm 8.3: interim update θ̃ ← θ + αv)",
        title="The stored parameters after two Nesterov steps: Goodfellow's θ vs PyTorch's",
        inputs={"f": "0.1x₁² + 2x₂²", "theta0": START, "lr": 0.4, "momentum": 0.5},
        slide_value=(-4.048, -1.68),
        compute=_nesterov_forms,
        verdict="convention",
        explanation=(
            "Goodfellow (seed 001) stores θ and takes the gradient at θ + αv. "
            "torch.optim.SGD(nesterov=True) (Sutskever et al., cited by seed 003) stores "
            "the look-ahead point itself, b ← βb + g, w ← w − ε(g + βb): after two steps "
            "it holds θ₂ + αv₂ = (−4.048, −1.68) + 0.5·(0.552, −2.88) = (−3.772, −3.12). "
            "One algorithm, two sets of variables."
        ),
        decimals=None,
        lessons=("08_momentum",),
    ),
    Example(
        id="001-adaptive-idea-double-root",
        source=SOURCE,
        locator="Algorithms with Adaptive Learning Rates: Idea (B_k = diag(Σ∇J∇Jᵀ)^0.5)",
        title="First adaptive step from (1, 1) with g = (4, 0.25), η = 0.1, ε = 1e-7",
        inputs={"theta0": ADA_X0, "g": ADA_G, "eta": 0.1, "epsilon": 1e-7},
        slide_value=(0.8, 0.95),
        compute=_adagrad_first_step,
        verdict="erratum",
        explanation=(
            "The slide defines the preconditioner with its square root already taken, "
            "B_k = diag(Σ g gᵀ)^0.5, and then rewrites θ − ηB_k⁻¹g as θ − η g/√(B_k + ε), "
            "taking the root a second time: that divides by (Σg²)^¼. The intended "
            "AdaGrad step divides by √(Σg² + ε) (the symbol should be the sum of squares "
            "without the root). On the first step that is g/|g|, a step of exactly η = 0.1 "
            "per coordinate: θ = (0.9, 0.9). The slide's line gives η·g/√|g| = η·√|g|·sign(g): "
            "(1 − 0.2, 1 − 0.05) = (0.8, 0.95), so the scale of g is not removed."
        ),
        decimals=6,
        as_slide_computed=_adaptive_idea_as_slide,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="001-adagrad-eps-placement",
        source=SOURCE,
        locator="Algorithms with Adaptive Learning Rates: AdaGrad (Algorithm 8.4, ε/(δ + √r))",
        title="One AdaGrad step from 0 with g = 0.001, ε = 0.01, δ = 1e-7: δ outside or inside √",
        inputs={"theta0": 0.0, "g": 1e-3, "epsilon": 0.01, "delta": 1e-7},
        slide_value=-0.01 * 1e-3 / (1e-3 + 1e-7),
        compute=lambda: {
            "δ outside: δ + √r (Alg. 8.4; PyTorch)": _one_step(
                optim.AdaGrad(lr=0.01, eps=1e-7, eps_inside_sqrt=False), 0.0, 1e-3),
            "δ inside: √(r + δ) (seeds 002, 003, 004)": _one_step(
                optim.AdaGrad(lr=0.01, eps=1e-7, eps_inside_sqrt=True), 0.0, 1e-3),
        },
        verdict="convention",
        explanation=(
            "r = g² = 10⁻⁶. With δ outside, the step is 0.01·10⁻³/(10⁻³ + 10⁻⁷) = "
            "0.0099990; with δ inside, 0.01·10⁻³/√(1.1·10⁻⁶) = 0.0095346. The slides "
            "themselves put δ outside for AdaGrad (8.4) but inside for RMSProp (8.5); δ "
            "matters once √r is within a few orders of magnitude of δ."
        ),
        decimals=None,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="001-rmsprop-eps-placement",
        source=SOURCE,
        locator="Algorithms with Adaptive Learning Rates: RMSProp (Algorithm 8.5, ε/√(δ + r))",
        title="One RMSProp step from 0 with g = 0.001, ε = 0.01, ρ = 0.9, δ = 1e-6",
        inputs={"theta0": 0.0, "g": 1e-3, "epsilon": 0.01, "rho": 0.9, "delta": 1e-6},
        slide_value=-0.01 * 1e-3 / math.sqrt(1e-6 + 0.1 * 1e-6),
        compute=lambda: {
            "δ inside: √(δ + r) (Alg. 8.5; seeds 002, 003, 004)": _one_step(
                optim.RMSProp(lr=0.01, rho=0.9, eps=1e-6, eps_inside_sqrt=True), 0.0, 1e-3),
            "δ outside: √r + δ (seed 000; PyTorch)": _one_step(
                optim.RMSProp(lr=0.01, rho=0.9, eps=1e-6, eps_inside_sqrt=False), 0.0, 1e-3),
        },
        verdict="convention",
        explanation=(
            "r = (1 − ρ)g² = 10⁻⁷. Inside: 0.01·10⁻³/√(10⁻⁶ + 10⁻⁷) = 0.0095346. Outside: "
            "0.01·10⁻³/(√10⁻⁷ + 10⁻⁶) = 0.031524, three times larger, because δ = 10⁻⁶ "
            "under the root is comparable to r itself, while outside it is 300 times "
            "smaller than √r. Same name, same δ, different first steps."
        ),
        decimals=None,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="001-rmsprop-nesterov-first-steps",
        source=SOURCE,
        locator="Algorithms with Adaptive Learning Rates: RMSProp with Nesterov momentum (8.6)",
        title="Two steps of Alg. 8.6 on 0.1x₁² + 2x₂² from (−5, −2), ε = 0.1, ρ = 0.9, α = 0.5",
        inputs={"f": "0.1x₁² + 2x₂²", "theta0": START, "epsilon": 0.1, "rho": 0.9,
                "alpha": 0.5, "v0": (0.0, 0.0), "delta": "none (as in Alg. 8.6)"},
        slide_value={"theta_1": (-4.683772, -1.683772), "theta_2": (-4.307365, -1.327498),
                     "v_2": (0.376407, 0.356274)},
        compute=_rmsprop_nesterov_steps,
        verdict="agrees",
        explanation=(
            "Concrete case, by hand to 6 decimals. Step 1: g = (−1, −8), r = 0.1g² = "
            "(0.1, 6.4), v = −0.1g/√r = (0.316228, 0.316228): both coordinates move by "
            "0.1/√0.1 whatever their gradient. Step 2: interim θ̃ = θ + 0.5v = (−4.525658, "
            "−1.525658), g = (−0.905132, −6.102633), r = (0.171926, 9.484213), "
            "v = 0.5v − 0.1g/√r = (0.376407, 0.356274)."
        ),
        decimals=6,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="001-adam-eps-placement",
        source=SOURCE,
        locator="ADAM (Adaptive Moment Estimation), Algorithm 8.7 (Δθ = −ε ŝ/√(r̂ + δ))",
        title="First Adam step from 0 with g = 1e-4, ε = 0.001, ρ₁ = 0.9, ρ₂ = 0.999, δ = 1e-8",
        inputs={"theta0": 0.0, "g": 1e-4, "epsilon": 0.001, "rho1": 0.9, "rho2": 0.999,
                "delta": 1e-8},
        slide_value=-0.001 / math.sqrt(2.0),
        compute=lambda: {
            "ŝ/√(r̂ + δ) (seed 001's slide)": _one_step(
                optim.Adam(lr=0.001, eps=1e-8, eps_inside_sqrt=True), 0.0, 1e-4),
            "ŝ/(√r̂ + δ) (Goodfellow book, Kingma & Ba, seed 000, seed 002 example, PyTorch)":
            _one_step(
                optim.Adam(lr=0.001, eps=1e-8, eps_inside_sqrt=False), 0.0, 1e-4),
            "ε_t·s/√(r + δ), correction in the step size (seed 003)": _one_step(
                optim.Adam(lr=0.001, eps=1e-8, eps_inside_sqrt=True,
                           bias_correction="step_size"), 0.0, 1e-4),
        },
        verdict="convention",
        explanation=(
            "On the first step ŝ = g = 10⁻⁴ and r̂ = g² = 10⁻⁸ = δ. The slide's δ inside "
            "the root gives 0.001·10⁻⁴/√(2·10⁻⁸) = 0.001/√2 = 0.000707; Goodfellow's book "
            "(and Kingma & Ba) print √r̂ + δ, giving 0.001/1.0001 = 0.00099990; seed 003 "
            "adds δ to the UNcorrected r = 10⁻¹¹ ≪ δ, giving 0.0000316, twenty times "
            "smaller. For gradients far above √δ = 10⁻⁴ the three agree; near it, δ decides "
            "the step."
        ),
        decimals=None,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="001-adamax-max-recursion",
        source=SOURCE,
        locator="ADAM Variation: ADAMax (r_t = max{ρr_{t−1}, |g_t|})",
        title="The Adamax scale r_t for gradients 3, −1, 0.5, −4 with ρ = 0.9",
        inputs={"gradients": (3.0, -1.0, 0.5, -4.0), "rho": 0.9, "r0": 0.0},
        slide_value=(3.0, 2.7, 2.43, 4.0),
        compute=_adamax_recursion,
        verdict="agrees",
        explanation=(
            "Concrete case. r₁ = max(0, 3) = 3, r₂ = max(2.7, 1) = 2.7, r₃ = max(2.43, 0.5) "
            "= 2.43, r₄ = max(2.187, 4) = 4: the scale decays geometrically until a larger "
            "gradient resets it. This is the p → ∞ limit of (ρᵖrᵖ + (1 − ρᵖ)|g|ᵖ)^(1/p) (the "
            "slide reuses the letter r for the pth root)."
        ),
        decimals=None,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="001-newton-one-step",
        source=SOURCE,
        locator="2nd Order Methods: Newton's Method (eq. 8.27, Algorithm 8.8)",
        title="One Newton step on ½θᵀ[[2, 1], [1, 2]]θ − (3, 3)ᵀθ from (3, −1)",
        inputs={"A": ((2.0, 1.0), (1.0, 2.0)), "b": (-3.0, -3.0), "theta0": (3.0, -1.0)},
        slide_value=(1.0, 1.0),
        compute=_newton_step,
        verdict="agrees",
        explanation=(
            "Concrete case. g = Aθ₀ + b = (2, −2), H⁻¹ = [[2, −1], [−1, 2]]/3, "
            "H⁻¹g = (2, −2), so θ₁ = (1, 1) = A⁻¹(3, 3): on a quadratic with positive "
            "definite H, one Newton step lands exactly on the minimum."
        ),
        decimals=None,
        lessons=("10_second_order",),
    ),
    Example(
        id="001-regularized-newton",
        source=SOURCE,
        locator="Newton Methods for Non pdm H: Regularization (eq. 8.28)",
        title="Newton vs regularized Newton (α = 3) on the saddle x² − y² from (1, 0.5)",
        inputs={"f": "x² − y²", "theta0": (1.0, 0.5), "alpha": 3.0},
        slide_value={"newton": (0.0, 0.0), "regularized_alpha_3": (0.6, 1.5)},
        compute=_regularized_newton,
        verdict="agrees",
        explanation=(
            "Concrete case. H = diag(2, −2), g = (2, −1). Pure Newton: H⁻¹g = (1, 0.5), "
            "so it jumps straight to the saddle (0, 0). With α = 3, H + 3I = diag(5, 1) is "
            "positive definite: the step (0.4, −1) gives (0.6, 1.5), where f = −1.89 < "
            "0.75: it descends and leaves the saddle along y."
        ),
        decimals=None,
        lessons=("10_second_order",),
    ),
    Example(
        id="001-bn-training-transform",
        source=SOURCE,
        locator="Batch Normalization: Training Phase Algorithm",
        title="BN of the mini-batch (2, 4, 4, 4, 5, 5, 7, 9) with γ = 2, β = 1, ε = 1e-5",
        inputs={"x": BN_BATCH, "gamma": 2.0, "beta": 1.0, "epsilon": _EPS_B},
        slide_value={"mu": 5.0, "var": 4.0, "y": (-2.0, 0.0, 0.0, 0.0, 1.0, 1.0, 3.0, 5.0)},
        compute=_bn_transform,
        verdict="agrees",
        explanation=(
            "Concrete case. μ_B = 40/8 = 5; deviations (−3, −1, −1, −1, 0, 0, 2, 4), "
            "σ_B² = 32/8 = 4 (the biased, 1/m variance); x̂ = deviation/2 (ε shifts the "
            "sixth decimal); y = 2x̂ + 1 = (−2, 0, 0, 0, 1, 1, 3, 5)."
        ),
        decimals=4,
        lessons=("05_batch_norm",),
    ),
    Example(
        id="001-bn-staged-backward",
        source=SOURCE,
        locator="Batch Normalization: EBP for Two Extra Weights",
        title="The slide's staged backward for the batch above with ∂ℓ/∂y = (1, 0, ..., 0)",
        inputs={"x": BN_BATCH, "gamma": 2.0, "beta": 1.0, "epsilon": _EPS_B,
                "dl/dy": (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)},
        slide_value={"dvar": 0.375, "dmu": -1.0,
                     "dx": (0.59375, -0.21875, -0.21875, -0.21875, -0.125, -0.125, 0.0625,
                            0.25),
                     "dgamma": -1.5, "dbeta": 1.0},
        compute=_bn_backward,
        verdict="agrees",
        explanation=(
            "Concrete case (σ = 2, ε neglected at 4 decimals). ∂ℓ/∂x̂ = γ∂ℓ/∂y = (2, 0, ...); "
            "∂ℓ/∂σ² = 2·(−3)·(−½)·4^(−3/2) = 0.375; ∂ℓ/∂μ = 2·(−½) + 0 = −1; "
            "∂ℓ/∂xᵢ = ∂ℓ/∂x̂ᵢ/2 + 0.375·2(xᵢ − 5)/8 − 1/8, e.g. 1 − 0.28125 − 0.125 = 0.59375 "
            "for x₁; the dx sum to 0; ∂ℓ/∂γ = x̂₁ = −1.5, ∂ℓ/∂β = 1. The slide's formulas "
            "are right."
        ),
        decimals=4,
        lessons=("05_batch_norm",),
    ),
    Example(
        id="001-bn-unbiased-variance",
        source=SOURCE,
        locator="Batch Normalization: Test/Inference Phase, method 1 (Var[x] ← m/(m−1) E_B[σ_B²])",
        title="Population estimates from the batches (2, 4, 5, 9) and (4, 4, 5, 7) by method 1",
        inputs={"batches": BN_BATCHES, "m": 4},
        slide_value={"E[x]": 5.0, "Var[x]": 16.0 / 3.0},
        compute=_bn_method1,
        verdict="agrees",
        explanation=(
            "Concrete case. Both batch means are 5, so E[x] = 5. The biased batch variances "
            "are 26/4 = 6.5 and 6/4 = 1.5, E_B[σ_B²] = 4, and the boxed factor "
            "m/(m−1) = 4/3 gives Var[x] = 16/3 ≈ 5.333: a 1/m variance of m values "
            "underestimates the population's by (m−1)/m on average."
        ),
        decimals=None,
        lessons=("05_batch_norm",),
    ),
    Example(
        id="001-bn-running-variance",
        source=SOURCE,
        locator="Batch Normalization: 2. Running mean/variance during training phase (λ ~ 0.95)",
        title="Running variance after the two batches (λ = 0.95, from 1), with or without m/(m−1)",
        inputs={"batches": BN_BATCHES, "lambda": 0.95, "running var at start": 1.0},
        slide_value=0.95 * (0.95 * 1.0 + 0.05 * 6.5) + 0.05 * 1.5,
        compute=_bn_method2,
        verdict="convention",
        explanation=(
            "Method 2 as written averages the biased σ_B²: 0.95·(0.95·1 + 0.05·6.5) + "
            "0.05·1.5 = 1.28625. Method 1, one slide earlier, boxes the factor m/(m−1) "
            "for the same purpose; applying it here (4/3 on each batch variance) gives "
            "1.41417. PyTorch's running_var applies it, Keras/TensorFlow do not. (The "
            "slide also indexes the batch statistics by t−1, which only delays them by "
            "one step.)"
        ),
        decimals=None,
        lessons=("05_batch_norm",),
    ),
    Example(
        id="001-bn-momentum-convention",
        source=SOURCE,
        locator="Batch Normalization: 2. Running mean/variance (μ̂(t) = λμ̂(t−1) + (1−λ)μ_B)",
        title="One running-mean update from 0 with batch mean 5 and the number 0.95",
        inputs={"running mean": 0.0, "batch mean": 5.0, "number": 0.95},
        slide_value=0.25,
        compute=_bn_momentum,
        verdict="convention",
        explanation=(
            "Seed 001's λ ~ 0.95 is the weight of the OLD value: 0.95·0 + 0.05·5 = 0.25 "
            "(as Keras's momentum=0.99). PyTorch's BatchNorm momentum is the weight of the "
            "NEW batch (default 0.1): momentum=0.95 there gives 4.75. The equivalent "
            "PyTorch setting for λ = 0.95 is momentum = 0.05."
        ),
        decimals=None,
        lessons=("05_batch_norm",),
    ),
    Example(
        id="001-bn-folded-inference",
        source=SOURCE,
        locator="Batch Normalization: BN^inf (y = γ/√(Var+ε)·x + (β − γE[x]/√(Var+ε)))",
        title="The inference map for E[x] = 5, Var[x] = 4, γ = 2, β = 1, ε = 1e-5, at x = 7",
        inputs={"E[x]": 5.0, "Var[x]": 4.0, "gamma": 2.0, "beta": 1.0, "epsilon": _EPS_B,
                "x": 7.0},
        slide_value={"scale": 1.0, "shift": -4.0, "y(7)": 3.0},
        compute=_bn_fold,
        verdict="agrees",
        explanation=(
            "Concrete case. scale = 2/√4 = 1, shift = 1 − 2·5/2 = −4, so y = x − 4 and "
            "y(7) = 3, the same as γ(x − E[x])/√Var + β = 2·2/2 + 1: at inference BN is one "
            "affine map that can be folded into the preceding layer."
        ),
        decimals=4,
        lessons=("05_batch_norm",),
    ),
]
