r"""Worked examples of seed 003 (CPEN 455 lecture 4: SGD, momentum, AdaGrad, RMSProp, Adam,
AdamW, weight decay, early stopping).

The lecture gives formulas, not numbers, so almost every entry here is the concrete case
the notebooks teach the formula with (its ``inputs`` say what was chosen), computed by
course_lib and checked by hand in ``tests/test_examples_seed_003.py``. The running case is
the one-dimensional :math:`f(W) = W^2` of :func:`course_lib.objectives.square` from
:math:`W^0 = 1` (gradient :math:`2W`), with :math:`\eta = 0.1`. The lecture fixes
:math:`\beta_1 = 0.9`, :math:`\beta_2 = 0.999`, :math:`\epsilon = 10^{-8}` for Adam and
leaves :math:`\eta` open; its momentum starts from :math:`M^0`, taken as 0.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib import layers, losses, objectives, optim, penalties
from course_lib.averages import ewa_weights
from course_lib.early_stopping import stopping_step
from course_lib.examples.entry import Example
from course_lib.schedules import PiecewiseConstant
from course_lib.seeds import SEEDS

SOURCE = SEEDS["003"].file

ADAM_DEFAULTS = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
"""The hyperparameters of the lecture's Algorithm "Adam" (and "AdamW")."""

SEED_003_ADAM = {"bias_correction": "step_size", "eps_inside_sqrt": True}
r"""Seed 003's Adam: step size :math:`\eta_t = \eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)`, and
:math:`\sqrt{v+\epsilon}`."""


# --------------------------------------------------------------------------------------
# Helpers: run an optimizer on an objective, or on a given sequence of gradients
# --------------------------------------------------------------------------------------


def _iterates(opt: optim.Optimizer, f: objectives.Objective, x0: float, n_steps: int,
              grad_fn=None):
    """:math:`W^1, \\dots, W^n` of ``opt`` on a one-variable objective, as floats.

    ``grad_fn`` replaces the objective's gradient (e.g. to add an L2 term).
    """
    traj = optim.run(opt, grad_fn or f.grad_fn, f.params([x0]), n_steps=n_steps)
    return tuple(float(p["x"][0]) for p in traj.params[1:])


def _feed(opt: optim.Optimizer, w0, gradients):
    """Feed given gradients to ``opt`` from ``w0``; return the steps taken and the state.

    A step is :math:`\\Delta W^t = W^{t-1} - W^t`, the amount the seed subtracts.
    """
    params = {"w": np.asarray(w0, dtype=np.float64)}
    state = opt.init(params)
    steps = []
    for g in gradients:
        new, state = opt.update(params, {"w": np.asarray(g, dtype=np.float64)}, state)
        steps.append(params["w"] - new["w"])
        params = new
    return steps, params, state


def _scalar_steps(opt: optim.Optimizer, gradients) -> tuple[float, ...]:
    steps, _, _ = _feed(opt, 0.0, gradients)
    return tuple(float(s) for s in steps)


# --------------------------------------------------------------------------------------
# Algorithm 1 SGD: the mean over the mini-batch
# --------------------------------------------------------------------------------------

SGD_BATCH = {"X": ((1.0,), (2.0,)), "Y": ((2.0,), (4.0,)), "W0": 0.0, "eta": 0.05}


def _sgd_minibatch_step(reduction: str) -> float:
    x, y = np.array(SGD_BATCH["X"]), np.array(SGD_BATCH["Y"])
    params = {"W": np.array([[SGD_BATCH["W0"]]])}
    pred, cache = layers.affine_forward(x, params["W"], np.zeros(1))
    _, loss_cache = losses.mse_forward(pred, y, reduction=reduction)
    dW = layers.affine_backward(losses.mse_backward(1.0, loss_cache).dpred, cache).dW
    opt = optim.SGD(lr=SGD_BATCH["eta"])
    new, _ = opt.update(params, {"W": dW}, opt.init(params))
    return float(new["W"][0, 0])


def _sgd_minibatch() -> dict[str, float]:
    return {
        "mean over the batch (seeds 001, 003)": _sgd_minibatch_step("mean"),
        "sum over the batch (seed 004)": _sgd_minibatch_step("sum"),
    }


# --------------------------------------------------------------------------------------
# Momentum: the sum form, the η-inside "alternative form", and Nesterov
# --------------------------------------------------------------------------------------

SQUARE_CASE = {"f": "W^2 (objectives.square)", "W0": 1.0, "eta": 0.1}
MOMENTUM_CASE = {**SQUARE_CASE, "beta": 0.9, "M0": 0.0, "steps": 3}

SUM_FORM = "sum: M = βM + g, W = W − ηM (seed 003 Algorithm; PyTorch)"
INSIDE_FORM = "η inside: M = βM + ηg, W = W − M (seed 003 alternative; Goodfellow classic)"
EMA_FORM = "EMA: v = βv + (1−β)g, W = W − ηv (seeds 000, 002)"


def _momentum_forms(lr) -> dict[str, tuple[float, ...]]:
    f = objectives.square()
    run = {
        SUM_FORM: "sum",
        # Goodfellow's v = βv − ηg, w = w + v is the slide's alternative with v = −M.
        INSIDE_FORM: "classic",
        EMA_FORM: "ema",
    }
    return {name: _iterates(optim.Momentum(lr=lr, beta=0.9, form=form), f, 1.0, 3)
            for name, form in run.items()}


def _momentum_forms_constant_lr() -> dict[str, tuple[float, ...]]:
    return _momentum_forms(0.1)


HALVED_LR = PiecewiseConstant(boundaries=(1,), values=(0.1, 0.05))


def _momentum_forms_halved_lr() -> dict[str, tuple[float, ...]]:
    forms = _momentum_forms(HALVED_LR)
    return {k: v for k, v in forms.items() if k != EMA_FORM}


def _nesterov_iterates() -> tuple[float, ...]:
    return _iterates(optim.Nesterov(lr=0.1, beta=0.9, form="lookahead"),
                     objectives.square(), 1.0, 3)


def _alternative_form_iterates() -> tuple[float, ...]:
    return _iterates(optim.Momentum(lr=0.1, beta=0.9, form="classic"),
                     objectives.square(), 1.0, 3)


# --------------------------------------------------------------------------------------
# AdaGrad
# --------------------------------------------------------------------------------------

OUTER_GRADIENTS = ((1.0, 2.0), (3.0, -1.0))


def _adagrad_outer_products() -> dict[str, object]:
    # course_lib's AdaGrad keeps only the diagonal; the full matrix Σ g gᵀ of the slide is
    # formed here with numpy to show that its diagonal is what AdaGrad accumulates.
    full = sum(np.outer(g, g) for g in OUTER_GRADIENTS)
    _, _, state = _feed(optim.AdaGrad(lr=0.1, eps=1e-8, eps_inside_sqrt=True),
                        np.zeros(2), OUTER_GRADIENTS)
    return {
        "G^2 = Σ g gᵀ": tuple(tuple(float(v) for v in row) for row in full),
        "diagonal = Σ g ⊙ g (AdaGrad's state)": tuple(float(v) for v in state.sum_sq["w"]),
    }


def _adagrad_eps_placement() -> dict[str, tuple[float, ...]]:
    e = objectives.ellipsoid()
    out = {}
    for name, inside in (("ε inside √(ε + G) (seeds 002, 003, 004)", True),
                         ("ε outside √G + ε (seed 001, Goodfellow Alg. 8.4; PyTorch)", False)):
        opt = optim.AdaGrad(lr=0.1, eps=0.01, eps_inside_sqrt=inside)
        traj = optim.run(opt, e.grad_fn, e.params([1.0, 1.0]), n_steps=1)
        out[name] = tuple(float(v) for v in traj.final["x"])
    return out


SPARSE_GRADIENTS = ((1.0, 0.0), (1.0, 0.0), (1.0, 1.0))


def _adagrad_infrequent() -> tuple[float, float]:
    # With g = 1 in the third step, the step of each weight is its learning rate.
    steps, _, _ = _feed(optim.AdaGrad(lr=0.1, eps=1e-8, eps_inside_sqrt=True),
                        np.zeros(2), SPARSE_GRADIENTS)
    return tuple(float(v) for v in steps[-1])


def _adagrad_decay() -> tuple[float, float, float]:
    steps = _scalar_steps(optim.AdaGrad(lr=0.1, eps=0.0, eps_inside_sqrt=True), [1.0] * 100)
    return steps[0], steps[3], steps[99]


# --------------------------------------------------------------------------------------
# RMSProp, and Adam with β1 = 0
# --------------------------------------------------------------------------------------


def _rmsprop_first_steps() -> dict[str, object]:
    opt = optim.RMSProp(lr=0.1, rho=0.9, eps=1e-8, eps_inside_sqrt=True)
    f = objectives.square()
    traj = optim.run(opt, f.grad_fn, f.params([1.0]), n_steps=2)
    return {
        "G^1": float(traj.states[1].sq_avg["x"][0]),
        "W^1": float(traj.params[1]["x"][0]),
        "W^2": float(traj.params[2]["x"][0]),
    }


BETA1_ZERO_GRADIENTS = (2.0, 1.0, 0.5)


def _adam_beta1_zero_over_rmsprop() -> tuple[float, ...]:
    adam = optim.Adam(lr=0.1, beta1=0.0, beta2=0.9, eps=1e-8, **SEED_003_ADAM)
    rmsprop = optim.RMSProp(lr=0.1, rho=0.9, eps=1e-8, eps_inside_sqrt=True)
    a = _scalar_steps(adam, BETA1_ZERO_GRADIENTS)
    r = _scalar_steps(rmsprop, BETA1_ZERO_GRADIENTS)
    return tuple(x / y for x, y in zip(a, r, strict=True))


# --------------------------------------------------------------------------------------
# Adam: where the bias correction comes from
# --------------------------------------------------------------------------------------


def _bias_unrolled() -> dict[str, object]:
    weights = ewa_weights(0.9, 3)
    # Stationary gradients in the simplest form: the same gradient every step.
    adam = optim.Adam(lr=0.1, **ADAM_DEFAULTS, **SEED_003_ADAM)
    _, _, state_g1 = _feed(adam, 0.0, [1.0] * 3)
    _, _, state_g2 = _feed(adam, 0.0, [2.0] * 3)
    return {
        "weights on g^1, g^2, g^3": tuple(float(w) for w in weights),
        "sum of the weights": float(weights.sum()),
        "g̃^3 with g = 1 every step": float(state_g1.m["w"]),
        "G^3 with g = 2 every step": float(state_g2.s["w"]),
    }


INDEPENDENCE_GRADIENTS = (-1.0, 3.0)


def _expected_first_step() -> float:
    """E[ΔW^1] when g^1 is −1 or 3 with probability 1/2 each (ε = 0)."""
    adam = optim.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=0.0, **SEED_003_ADAM)
    return float(np.mean([_scalar_steps(adam, [g])[0] for g in INDEPENDENCE_GRADIENTS]))


def _slide_independence_step() -> float:
    r""":math:`\eta_1\,\mathbb E[\tilde g^1]/\mathbb E[\sqrt{G^1}]`, the slide's "=" step."""
    adam = optim.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=0.0, **SEED_003_ADAM)
    eta_1, _ = adam.step_factor_and_eps(1, 0.1)
    g = np.array(INDEPENDENCE_GRADIENTS)
    # Numpy: course_lib has no expectation helper; g̃^1 = (1−β1)g and G^1 = (1−β2)g².
    return float(eta_1 * np.mean(0.1 * g) / np.mean(np.sqrt(0.001 * g**2)))


def _step_size_box() -> dict[str, float]:
    adam = optim.Adam(lr=0.1, **ADAM_DEFAULTS, **SEED_003_ADAM)
    out = {}
    for t in (1, 2, 10):
        eta_t, _ = adam.step_factor_and_eps(t, 0.1)
        out[f"η_{t}"] = eta_t
        out[f"box at t = {t}"] = eta_t * (1 - 0.9**t) / math.sqrt(1 - 0.999**t)
    # With a constant gradient (and ε = 0) every step equals the bound η exactly.
    exact = optim.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=0.0, **SEED_003_ADAM)
    steps = _scalar_steps(exact, [3.0] * 10)
    out["ΔW^1, ΔW^2, ΔW^10 with g = 3 every step"] = (steps[0], steps[1], steps[9])
    return out


# --------------------------------------------------------------------------------------
# Adam: the algorithm, and the other seeds' conventions
# --------------------------------------------------------------------------------------

ADAM_CONVENTIONS = {
    "η_t with ε inside √(v + ε) (seed 003)": SEED_003_ADAM,
    "corrected moments, ε outside √ŝ + ε (seed 000; PyTorch)":
        {"bias_correction": "moments", "eps_inside_sqrt": False},
    "corrected moments, ε inside √(ŝ + ε) (seed 001 Alg. 8.7; seed 002 Alg. 6)":
        {"bias_correction": "moments", "eps_inside_sqrt": True},
}


def _adam_first_steps() -> tuple[float, ...]:
    opt = optim.Adam(lr=0.1, **ADAM_DEFAULTS, **SEED_003_ADAM)
    return _iterates(opt, objectives.square(), 1.0, 2)


def _adam_conventions(f: objectives.Objective, eps: float, n_steps: int):
    return {
        name: _iterates(optim.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=eps, **kw), f, 1.0,
                        n_steps)
        for name, kw in ADAM_CONVENTIONS.items()
    }


def _adam_conventions_eps0():
    return _adam_conventions(objectives.square(), 0.0, 2)


TINY_GRADIENT_A = 1e-4


def _adam_conventions_tiny_gradient():
    # f(W) = ½·10⁻⁴·W², so the gradient at W = 1 is 10⁻⁴.
    f = objectives.quadratic([[TINY_GRADIENT_A]], [0.0])
    return {k: v[0] for k, v in _adam_conventions(f, 1e-8, 1).items()}


# --------------------------------------------------------------------------------------
# Weight decay, AdamW, early stopping
# --------------------------------------------------------------------------------------

DECAY_W = ((1.0, -2.0), (3.0, 0.5))


def _penalty_scalings() -> dict[str, tuple]:
    params = {"W": np.array(DECAY_W)}
    out = {}
    for name, scaling, n in (
        ("λ/2 ‖W‖² (seeds 001, 003; seed 004 sec. 2.11)", "lambda_over_2", None),
        ("λ/(2N) ‖W‖², N = 10 (seed 000)", "lambda_over_2n", 10),
        ("λ ‖W‖² (seed 004 sec. 1.6)", "lambda", None),
    ):
        value = penalties.l2_penalty(params, 0.1, scaling=scaling, n=n)
        grad = penalties.l2_penalty_grad(params, 0.1, scaling=scaling, n=n)["W"]
        out[name] = (value, tuple(tuple(float(v) for v in row) for row in grad))
    return out


def _sgd_l2_equals_decay() -> dict[str, float]:
    f = objectives.square()
    l2 = _iterates(optim.SGD(lr=0.1), f, 1.0, 1, optim.l2_regularized(f.grad_fn, 0.1))
    decay = _iterates(optim.SGD(lr=0.1, weight_decay=0.1), f, 1.0, 1)
    return {"λW added to the gradient": l2[0], "(1 − ηλ)W − ηg": decay[0]}


ADAMW_LAMBDA = 0.01


def _adamw_vs_l2() -> dict[str, float]:
    f = objectives.square()
    adamw = optim.AdamW(lr=0.1, weight_decay=ADAMW_LAMBDA, **ADAM_DEFAULTS, **SEED_003_ADAM)
    paper = optim.AdamW(lr=0.1, weight_decay=ADAMW_LAMBDA, decay_scaled_by_lr=False,
                        **ADAM_DEFAULTS, **SEED_003_ADAM)
    adam = optim.Adam(lr=0.1, **ADAM_DEFAULTS, **SEED_003_ADAM)
    l2_grad = optim.l2_regularized(f.grad_fn, ADAMW_LAMBDA)
    return {
        "AdamW: ηλW added to the update (seed 003; PyTorch)": _iterates(adamw, f, 1.0, 1)[0],
        "λW added to the gradient, then Adam (seed 003's option 1)":
            _iterates(adam, f, 1.0, 1, l2_grad)[0],
        "AdamW with decay λW not scaled by η (Loshchilov & Hutter, schedule 1)":
            _iterates(paper, f, 1.0, 1)[0],
    }


def _adamw_lambda_zero() -> dict[str, tuple[float, ...]]:
    f = objectives.square()
    adamw = optim.AdamW(lr=0.1, weight_decay=0.0, **ADAM_DEFAULTS, **SEED_003_ADAM)
    return {"AdamW, λ = 0": _iterates(adamw, f, 1.0, 2), "Adam": _adam_first_steps()}


VALIDATION_CURVE = (5.0, 4.0, 3.0, 3.5, 3.2, 3.1, 2.9, 3.0, 3.3, 3.6)


def _early_stopping_rules() -> dict[str, tuple[int, int]]:
    return {
        "stop when it keeps increasing, window 2 (seed 003)":
            tuple(stopping_step(VALIDATION_CURVE, patience=2, rule="consecutive_increases")),
        "stop after 2 evaluations without a new best (seed 001, Alg. 7.1)":
            tuple(stopping_step(VALIDATION_CURVE, patience=2, rule="no_improvement")),
        "run to the maximum, keep the best (seed 003's alternative)":
            tuple(stopping_step(VALIDATION_CURVE, patience=None)),
    }


# --------------------------------------------------------------------------------------
# The entries, in the order of the seed
# --------------------------------------------------------------------------------------

EXAMPLES: list[Example] = [
    Example(
        id="003-sgd-minibatch-mean",
        source=SOURCE,
        locator="Backpropagation (BP): Algorithm 1 SGD",
        title="One SGD step with the loss averaged over a mini-batch of B = 2 (vs summed)",
        inputs={**SGD_BATCH, "model": "f(W, x) = W x", "ℓ": "(f(W, x) − y)²", "B": 2},
        slide_value=0.5,
        compute=_sgd_minibatch,
        verdict="convention",
        explanation=(
            "Line 4 averages the per-example losses, L = (1/B) Σ ℓ. At W⁰ = 0 the two "
            "examples give dℓ/dW = 2(Wx − y)x = −4 and −16, so ∂L/∂W = −10 and W¹ = 0 − "
            "0.05·(−10) = 0.5. Seed 004 sums over the examples instead (∂L/∂W = −20, "
            "W¹ = 1.0): the same η then takes a step B times larger, so a sum needs "
            "η/B to match the mean. Seed 001 (Goodfellow Alg. 8.1) averages like seed 003."
        ),
        lessons=("07_gradient_descent_and_sgd",),
    ),
    Example(
        id="003-momentum-forms",
        source=SOURCE,
        locator="BP + Momentum: Algorithm 1 SGD with Momentum and the 'alternative form'",
        title="W¹, W², W³ of momentum on f(W) = W² in the sum, η-inside and EMA forms",
        inputs=MOMENTUM_CASE,
        slide_value=(0.8, 0.46, 0.062),
        compute=_momentum_forms_constant_lr,
        verdict="convention",
        explanation=(
            "Sum form (the slide's algorithm): g¹ = 2, M¹ = 2, W¹ = 1 − 0.1·2 = 0.8; "
            "g² = 1.6, M² = 0.9·2 + 1.6 = 3.4, W² = 0.8 − 0.34 = 0.46; g³ = 0.92, "
            "M³ = 3.06 + 0.92 = 3.98, W³ = 0.46 − 0.398 = 0.062. The alternative form "
            "M = βM + ηg, W = W − M keeps ηM instead of M (M¹ = 0.2, M² = 0.34, "
            "M³ = 0.398) and gives the same iterates while η is constant; it is "
            "Goodfellow's v = βv − ηg, w = w + v with v = −M. The exponential average of "
            "seeds 000 and 002 scales the gradient by 1 − β and so moves 10 times less "
            "here (0.98, 0.9424, 0.889712): it equals the sum form with η(1 − β)."
        ),
        lessons=("08_momentum",),
    ),
    Example(
        id="003-momentum-forms-lr-change",
        source=SOURCE,
        locator="BP + Momentum: Algorithm 1 SGD with Momentum and the 'alternative form'",
        title="The sum and η-inside forms part ways when η changes (η = 0.1, then 0.05)",
        inputs={**MOMENTUM_CASE, "eta": "0.1 for the first update, 0.05 after"},
        slide_value=(0.8, 0.63, 0.414),
        compute=_momentum_forms_halved_lr,
        verdict="convention",
        explanation=(
            "Both forms give W¹ = 0.8. Sum form: M² = 0.9·2 + 1.6 = 3.4, W² = 0.8 − "
            "0.05·3.4 = 0.63; g³ = 1.26, M³ = 3.06 + 1.26 = 4.32, W³ = 0.63 − 0.216 = "
            "0.414: the new η also scales the gradients remembered in M. η-inside form: "
            "M² = 0.9·0.2 + 0.05·1.6 = 0.26, W² = 0.54; M³ = 0.234 + 0.05·1.08 = 0.288, "
            "W³ = 0.252: each gradient keeps the η of its own step. So the slide's "
            "'alternative form' is the same algorithm only at a constant learning rate; "
            "with a schedule the two must be told apart."
        ),
        lessons=("08_momentum",),
    ),
    Example(
        id="003-momentum-alternative-not-nesterov",
        source=SOURCE,
        locator="BP + Momentum: 'Alternative form (so-called Nesterov momentum) ... see [4]'",
        title="W¹, W², W³ of the slide's 'Nesterov' form against Nesterov momentum on W²",
        inputs=MOMENTUM_CASE,
        slide_value=(0.8, 0.46, 0.062),
        compute=_nesterov_iterates,
        verdict="erratum",
        explanation=(
            "The slide calls M^t = βM^{t−1} + η∂L(W^{t−1})/∂W, W^t = W^{t−1} − M^t "
            "'Nesterov momentum', but it takes the gradient at W^{t−1}: that is classical "
            "momentum, eqs. (1)-(2) of the cited Sutskever et al. [4] (and Goodfellow's "
            "Alg. 8.2), only written with η inside M. Nesterov momentum (their eqs. "
            "(3)-(4), Goodfellow Alg. 8.3) takes the gradient at the look-ahead point "
            "W^{t−1} − βM^{t−1}. The first step agrees because M⁰ = 0, then they differ: "
            "look-ahead 0.8 − 0.9·0.2 = 0.62, g = 1.24, M² = 0.18 + 0.124 = 0.304, "
            "W² = 0.496; look-ahead 0.496 − 0.2736 = 0.2224, g = 0.4448, M³ = 0.2736 + "
            "0.04448 = 0.31808, W³ = 0.17792. The slide's form gives 0.8, 0.46, 0.062 "
            "(as_slide_computed: classical momentum)."
        ),
        as_slide_computed=_alternative_form_iterates,
        lessons=("08_momentum",),
    ),
    Example(
        id="003-adagrad-diagonal-of-outer-products",
        source=SOURCE,
        locator="BP + Adaptive Learning Rate: 'we only need to compute diagonal terms g ⊙ g'",
        title="G² = Σ g gᵀ for g¹ = (1, 2), g² = (3, −1), and its diagonal",
        inputs={"g1": OUTER_GRADIENTS[0], "g2": OUTER_GRADIENTS[1]},
        slide_value={
            "G^2 = Σ g gᵀ": ((10.0, -1.0), (-1.0, 5.0)),
            "diagonal = Σ g ⊙ g (AdaGrad's state)": (10.0, 5.0),
        },
        compute=_adagrad_outer_products,
        verdict="agrees",
        explanation=(
            "g¹g¹ᵀ = [[1, 2], [2, 4]] and g²g²ᵀ = [[9, −3], [−3, 1]] sum to [[10, −1], "
            "[−1, 5]]. The update uses only diag(εI + G)^{−1/2}, whose entries are "
            "1/√(ε + G[i, i]) with G[i, i] = Σ (g^τ[i])² = 1 + 9 = 10 and 4 + 1 = 5: "
            "exactly the g ⊙ g sums AdaGrad keeps, so the off-diagonal −1 is never needed "
            "(the same holds for RMSProp's and Adam's EMA of g gᵀ)."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adagrad-eps-placement",
        source=SOURCE,
        locator="BP + Adaptive Learning Rate: AdaGrad, W^t[i] = W^{t−1}[i] − η g/√(ε + G[i, i])",
        title="First AdaGrad step on 0.1x₁² + 2x₂² from (1, 1) with ε inside or outside the root",
        inputs={"f": "0.1 x1² + 2 x2² (objectives.ellipsoid, seed 002)", "x0": (1.0, 1.0),
                "eta": 0.1, "eps": 0.01},
        slide_value=(0.910557, 0.900031),
        compute=_adagrad_eps_placement,
        verdict="convention",
        decimals=6,
        explanation=(
            "g¹ = (0.2, 4), G¹ = (0.04, 16). Seed 003 puts ε under the root: steps "
            "0.1·0.2/√0.05 = 0.0894427 and 0.1·4/√16.01 = 0.0999688, so x¹ = (0.910557, "
            "0.900031). Goodfellow (seed 001) adds ε after the root: 0.1·0.2/0.21 = "
            "0.0952381 and 0.4/4.01 = 0.0997506, x¹ = (0.904762, 0.900249). With ε = 0 "
            "both step exactly η·sign(g) = 0.1. ε is 0.01 here so the difference shows; "
            "it matters most for small gradients: when G ≪ ε the denominator is √ε with ε "
            "under the root but only ε outside it (the small coordinate x₁ moves least)."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adagrad-infrequent-weights",
        source=SOURCE,
        locator="BP + Adaptive Learning Rate: 'larger learning rates to infrequently updated "
                "weights'",
        title="AdaGrad's step at t = 3 for a weight updated every step and one updated once",
        inputs={"gradients": SPARSE_GRADIENTS, "W0": (0.0, 0.0), "eta": 0.1, "eps": 1e-8,
                "eps_inside_sqrt": True},
        slide_value=(0.057735, 0.1),
        compute=_adagrad_infrequent,
        verdict="agrees",
        decimals=6,
        explanation=(
            "Weight 1 gets gradient 1 in all three steps, G³[1, 1] = 3, so its third step "
            "is 0.1/√3 = 0.057735; weight 2 gets its first non-zero gradient at t = 3, "
            "G³[2, 2] = 1, and steps the full 0.1. The rarely updated weight gets the "
            "larger learning rate, as the slide says."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adagrad-decaying-rate",
        source=SOURCE,
        locator="BP + Adaptive Learning Rate: 'our learning rate is always decaying'",
        title="AdaGrad's step for a constant gradient g = 1 at t = 1, 4 and 100",
        inputs={"g": 1.0, "eta": 0.1, "eps": 0.0},
        slide_value=(0.1, 0.05, 0.01),
        compute=_adagrad_decay,
        verdict="agrees",
        explanation=(
            "With the same gradient every step, G^t = t g², so the step is "
            "η g/√(t g²) = η/√t: 0.1, 0.1/2 = 0.05, 0.1/10 = 0.01. The effective learning "
            "rate decays like 1/√t whatever the gradients do, which is the slide's "
            "motivation for RMSProp."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-rmsprop-first-steps",
        source=SOURCE,
        locator="BP + Adaptive Learning Rate: RMSProp, G^t = ρG^{t−1} + (1 − ρ) g gᵀ",
        title="G¹, W¹ and W² of RMSProp on f(W) = W² (ρ = 0.9, ε inside the root)",
        inputs={**SQUARE_CASE, "rho": 0.9, "eps": 1e-8, "G0": 0.0},
        slide_value={"G^1": 0.4, "W^1": 0.683772, "W^2": 0.498871},
        compute=_rmsprop_first_steps,
        verdict="agrees",
        decimals=6,
        explanation=(
            "G¹ = 0.1·2² = 0.4, W¹ = 1 − 0.1·2/√0.4 = 1 − 0.316228 = 0.683772; "
            "g² = 1.367544, G² = 0.9·0.4 + 0.1·1.870177 = 0.547018, W² = 0.683772 − "
            "0.1·1.367544/0.739606 = 0.498871. The first step, η/√(1 − ρ) = 0.316, is "
            "3.16 times η because G starts at 0: the bias that Adam's correction removes."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adam-beta1-zero-vs-rmsprop",
        source=SOURCE,
        locator="BP + Adaptive Learning Rate + Momentum (Adam): 'When β1 = 0, Adam is almost "
                "the same as RMSProp besides the correction term'",
        title="Adam (β1 = 0) step ÷ RMSProp step on the same gradients 2, 1, 0.5 (β2 = ρ = 0.9)",
        inputs={"gradients": BETA1_ZERO_GRADIENTS, "eta": 0.1, "beta1": 0.0,
                "beta2 = rho": 0.9, "eps": 1e-8},
        slide_value=(0.316228, 0.435890, 0.520577),
        compute=_adam_beta1_zero_over_rmsprop,
        verdict="agrees",
        decimals=6,
        explanation=(
            "With β1 = 0, g̃^t = g^t and G^t is RMSProp's average, so the two updates "
            "differ only by η_t = η√(1 − β2^t) in place of η: the ratio of the steps is "
            "√(1 − 0.9^t) = √0.1, √0.19, √0.271 at t = 1, 2, 3 for any gradients (ε "
            "sits in the same place in both). It tends to 1, so the claim holds; the "
            "correction matters in the first steps."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adam-bias-unrolled",
        source=SOURCE,
        locator="Adam: 'Where does this bias-correction term (red box) come from?'",
        title="Unrolled EMA weights at t = 3 and E[g̃³] = (1 − β1³)E[g], E[G³] = (1 − β2³)E[g²]",
        inputs={"beta1": 0.9, "beta2": 0.999, "t": 3, "g̃0 = G0": 0.0,
                "gradients": "constant (stationary): 1 for g̃, 2 for G"},
        slide_value={
            "weights on g^1, g^2, g^3": (0.081, 0.09, 0.1),
            "sum of the weights": 0.271,
            "g̃^3 with g = 1 every step": 0.271,
            "G^3 with g = 2 every step": 0.011988004,
        },
        compute=_bias_unrolled,
        verdict="agrees",
        explanation=(
            "g̃³ = Σ β1^{3−i}(1 − β1)g^i + β1³g̃⁰ puts weights 0.9²·0.1 = 0.081, "
            "0.9·0.1 = 0.09 and 0.1 on g¹, g², g³; they sum to (1 + 0.9 + 0.81)·0.1 = "
            "0.271 = 1 − 0.9³, the slide's (Σ β1^i)(1 − β1) = 1 − β1^t. The dropped term "
            "β1³g̃⁰ is exactly 0 (zero start); the '≈' is the stationarity assumption, "
            "exact for a constant gradient: g̃³ = 0.271 when g = 1. Likewise G³ = "
            "(1 − 0.999³)·4 = 0.002997001·4 = 0.011988004 for g = 2. One slide writes "
            "'E[g^t] ≈ (1 − β1^t)E[g^i]' with the tilde of g̃ lost in conversion."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adam-independence-step",
        source=SOURCE,
        locator="Adam: 'Independent assumption of G^t and g̃^t', E[g̃/√G] = E[g̃]/E[√G]",
        title="E[ΔW¹] when g¹ is −1 or 3 with probability ½ each, against the slide's step",
        inputs={"g1": "−1 or 3, probability 1/2 each", "eta": 0.1, "beta1": 0.9,
                "beta2": 0.999, "eps": 0.0, "t": 1},
        slide_value=0.05,
        compute=_expected_first_step,
        verdict="erratum",
        explanation=(
            "The step E[(1/√G)·g̃] = E[g̃]/E[√G] does not follow. Independence of G and g̃ "
            "would give E[g̃]·E[1/√G], and E[1/√G] is not 1/E[√G] (by Jensen it is "
            "larger); besides, g̃ and G are built from the same gradients, so they are not "
            "independent. At t = 1, ΔW¹ = η_1(0.1g)/√(0.001g²) = η·sign(g) = ±0.1, so "
            "E[ΔW¹] = 0; the slide's step gives η_1·E[0.1g]/E[√(0.001g²)] = 0.1·1/2 = "
            "0.05, and true independence would give 0.1·1·(1 + 1/3)/2 = 0.0667. The "
            "next step, E[√G] ≈ √E[G] ('Jensen tight'), also only approximates: "
            "E[√G] ≤ √E[G]. Both replacements lower the estimate, so the chain ending in "
            "'≤ η' is a rule of thumb, not a bound. The Jensen inequality itself, "
            "E[g] ≤ √E[g²], is right (here 1 ≤ √5)."
        ),
        as_slide_computed=_slide_independence_step,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adam-step-size-box",
        source=SOURCE,
        locator="Adam: E[ΔW^t[j]] ≲ η_t(1 − β1^t)/√(1 − β2^t) = η",
        title="η_t at t = 1, 2, 10, the boxed η_t(1 − β1^t)/√(1 − β2^t), and steps for g = 3",
        inputs={"eta": 0.1, **ADAM_DEFAULTS, "t": (1, 2, 10),
                "constant-gradient case": "g = 3 every step, ε = 0"},
        slide_value={
            "η_1": 0.0316228, "box at t = 1": 0.1,
            "η_2": 0.0235317, "box at t = 2": 0.1,
            "η_10": 0.0153189, "box at t = 10": 0.1,
            "ΔW^1, ΔW^2, ΔW^10 with g = 3 every step": (0.1, 0.1, 0.1),
        },
        compute=_step_size_box,
        verdict="agrees",
        decimals=7,
        explanation=(
            "η_1 = 0.1·√0.001/0.1 = 0.0316228, η_2 = 0.1·√0.001999/0.19 = 0.0235317, "
            "η_10 = 0.1·√(1 − 0.999¹⁰)/(1 − 0.9¹⁰) = 0.1·0.0997753/0.6513216 = 0.0153189 "
            "(β^t are powers, the slide's 'abuse of superscript'); times (1 − β1^t)/"
            "√(1 − β2^t) each gives η = 0.1 exactly. For a constant gradient (stationary, "
            "zero variance) every Adam step is exactly η: the bound is attained. A single "
            "step can exceed it when gradients change: late in training (t ≫ 1000) a "
            "gradient after many zero ones gives g̃ = (1 − β1)g, G ≈ (1 − β2)g², a step "
            "of (1 − β1)/√(1 − β2)·η ≈ 3.16η (Kingma & Ba, sec. 2.1)."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adam-first-steps",
        source=SOURCE,
        locator="BP + Adaptive Learning Rate + Momentum (Adam): Algorithm 1 Adam",
        title="W¹ and W² of the lecture's Adam on f(W) = W²",
        inputs={**SQUARE_CASE, **ADAM_DEFAULTS, "m0 = v0": 0.0},
        slide_value=(0.900000125, 0.800412421),
        compute=_adam_first_steps,
        verdict="agrees",
        decimals=9,
        explanation=(
            "g¹ = 2, m¹ = 0.2, v¹ = 0.004, η_1 = 0.1·√0.001/0.1 = 0.0316228; the step "
            "0.0316228·0.2/√(0.004 + 10⁻⁸) = 0.1/√(1 + 2.5·10⁻⁶) = 0.099999875, so "
            "W¹ = 0.900000125. g² = 1.80000025, m² = 0.360000025, v² = 0.0072360009, "
            "η_2 = 0.0235317, step 0.0995877, W² = 0.800412421. The slide gives no η; "
            "0.1 is chosen so the steps are visible (Kingma & Ba suggest 0.001)."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adam-correction-forms-eps-zero",
        source=SOURCE,
        locator="Adam: η_t = η√(1 − β2^t)/(1 − β1^t) against the corrected moments of seeds "
                "000 and 002",
        title="W¹, W² on f(W) = W² with ε = 0: the step-size and moment corrections agree",
        inputs={**SQUARE_CASE, "beta1": 0.9, "beta2": 0.999, "eps": 0.0},
        slide_value=(0.9, 0.800412228),
        compute=_adam_conventions_eps0,
        verdict="convention",
        decimals=9,
        explanation=(
            "Dividing m by 1 − β1^t and v by 1 − β2^t inside m̂/√v̂ is the same as "
            "multiplying m/√v by √(1 − β2^t)/(1 − β1^t), so with ε = 0 all three forms "
            "give W¹ = 1 − 0.1·sign(2) = 0.9 and W² = 0.9 − 0.0235317·0.36/√0.007236 = "
            "0.800412228. They differ only through ε: seed 003's ε under the root with η_t "
            "is the moment form with ε/(1 − β2^t) under the root (next entry)."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adam-eps-tiny-gradient",
        source=SOURCE,
        locator="Adam: W^t = W^{t−1} − η √(1 − β2^t)/(1 − β1^t) · m^t/√(v^t + ε)",
        title="First Adam step for a gradient of 10⁻⁴ with ε = 10⁻⁸ in each convention",
        inputs={"f": "½·10⁻⁴·W² (objectives.quadratic), so g¹ = 10⁻⁴", "W0": 1.0,
                "eta": 0.1, **ADAM_DEFAULTS},
        slide_value=0.996839302,
        compute=_adam_conventions_tiny_gradient,
        verdict="convention",
        decimals=9,
        explanation=(
            "m¹ = 10⁻⁵, v¹ = 10⁻¹¹. Seed 003: 0.0316228·10⁻⁵/√(10⁻¹¹ + 10⁻⁸) = "
            "0.0031607, W¹ = 0.996839302: at t = 1 its ε acts like ε/(1 − β2) = 10⁻⁵ on "
            "the corrected v̂ = 10⁻⁸, and the step shrinks 32-fold. Corrected moments "
            "with ε outside (seed 000): 0.1·10⁻⁴/(10⁻⁴ + 10⁻⁸) = 0.09999, W¹ = "
            "0.900009999; with ε inside (seed 001 Alg. 8.7, seed 002 Alg. 6): "
            "0.1·10⁻⁴/√(2·10⁻⁸) = 0.0707107, W¹ = 0.929289322. For gradients much larger "
            "than 10⁻⁴ the three agree to many digits (previous entries)."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-weight-decay-penalty-scaling",
        source=SOURCE,
        locator="Weight Decay: L̃ = L + (λ/2)‖Vec(W)‖², ∂L̃/∂W = ∂L/∂W + λW",
        title="Penalty and its gradient for W = [[1, −2], [3, 0.5]], λ = 0.1, in each scaling",
        inputs={"W": DECAY_W, "lambda": 0.1, "N (seed 000 only)": 10},
        slide_value=(0.7125, ((0.1, -0.2), (0.3, 0.05))),
        compute=_penalty_scalings,
        verdict="convention",
        explanation=(
            "‖Vec(W)‖² = 1 + 4 + 9 + 0.25 = 14.25, so seed 003's penalty is 0.05·14.25 = "
            "0.7125 and its gradient λW = [[0.1, −0.2], [0.3, 0.05]]: the ½ cancels the "
            "2 of the derivative. Seed 000 divides by 2N as well (0.07125, λW/N), and "
            "seed 004 sec. 1.6 writes λ‖w‖² (1.425, 2λW): the same penalty with λ "
            "rescaled."
        ),
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="003-weight-decay-sgd",
        source=SOURCE,
        locator="Weight Decay: 'For methods like SGD, SGD + Momentum, we directly add this "
                "term to the gradient'",
        title="One SGD step on W² with λW added to the gradient, and as (1 − ηλ)W − ηg",
        inputs={**SQUARE_CASE, "lambda": 0.1},
        slide_value={"λW added to the gradient": 0.79, "(1 − ηλ)W − ηg": 0.79},
        compute=_sgd_l2_equals_decay,
        verdict="agrees",
        explanation=(
            "W¹ = 1 − 0.1·(2 + 0.1·1) = 0.79 = (1 − 0.01)·1 − 0.1·2: for SGD adding λW "
            "to the gradient is the same as shrinking W by 1 − ηλ ('weight decay'), "
            "which is why only Adam has two possibilities."
        ),
        lessons=("02_parameter_penalties", "09_adaptive_methods"),
    ),
    Example(
        id="003-adamw-vs-l2",
        source=SOURCE,
        locator="Weight Decay / AdamW: '1) add it to the gradient ... 2) add it to the "
                "gradient update'",
        title="First step on W² of AdamW, of Adam on the L2-penalized loss, and of the "
              "paper's AdamW",
        inputs={**SQUARE_CASE, **ADAM_DEFAULTS, "lambda": ADAMW_LAMBDA},
        slide_value=0.899000125,
        compute=_adamw_vs_l2,
        verdict="convention",
        decimals=9,
        explanation=(
            "AdamW (line 8): W¹ = 1 − 0.1·(0.99999875 + 0.01·1) = 0.899000125, the Adam "
            "step plus a decay of ηλW = 0.001. Adding λW to the gradient instead "
            "(g = 2.01) sends it through the EMA and the division by √v: the first Adam "
            "step is η·sign(g) whatever λ is (up to ε), so W¹ = 0.900000124 ≈ 0.9: the "
            "decay has vanished. Loshchilov & Hutter's AdamW subtracts λW without η (with "
            "schedule multiplier 1): W¹ = 1 − 0.01 − 0.099999875 = 0.890000125; PyTorch "
            "multiplies by η like the slide."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-adamw-lambda-zero",
        source=SOURCE,
        locator="AdamW: Algorithm 1 AdamW",
        title="AdamW with λ = 0 is Adam: W¹, W² on f(W) = W²",
        inputs={**SQUARE_CASE, **ADAM_DEFAULTS, "lambda": 0.0},
        slide_value={"AdamW, λ = 0": (0.900000125, 0.800412421),
                     "Adam": (0.900000125, 0.800412421)},
        compute=_adamw_lambda_zero,
        verdict="agrees",
        decimals=9,
        explanation=(
            "With λ = 0 line 8 of AdamW is line 8 of Adam, so both give the iterates of "
            "003-adam-first-steps."
        ),
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="003-early-stopping-window",
        source=SOURCE,
        locator="Early Stopping: 'if it is keep increasing within a time window, then we stop'",
        title="(best step, stopping step) on a validation curve under each stopping rule",
        inputs={"validation errors after steps 1..10": VALIDATION_CURVE, "window": 2},
        slide_value=(7, 9),
        compute=_early_stopping_rules,
        verdict="convention",
        explanation=(
            "Seed 003 stops when the validation error rises in 2 evaluations in a row: "
            "3 → 3.5 is one rise, then 3.2 falls and resets the count; 2.9 → 3.0 → 3.3 "
            "rises twice, so it stops at step 9 and returns the best model, step 7 "
            "(error 2.9). Seed 001's patience rule stops after 2 evaluations without a "
            "new best: 3.5 and 3.2 do not beat 3, so it stops at step 5 with step 3 "
            "and never sees 2.9. Running to the end (seed 003's alternative) also picks "
            "step 7 but trains to step 10."
        ),
        lessons=("03_early_stopping_and_ensembles",),
    ),
]
