"""Worked examples of seed 000 (Regularization, GD with momentum, RMSprop, Adam).

The seed states few numbers of its own (the unrolled price average is its only worked
computation); everything else is a formula that the course teaches with a concrete case.
Those cases are chosen here, said so in ``inputs``, and shared by the notebooks:

- penalties: logistic-regression weights :math:`(w_0, w_1, w_2) = (0.5, 3, -4)` and a
  two-layer network :math:`W^{[1]} = [[1, 2], [3, 4]]`, :math:`W^{[2]} = [[1, -1]]`, with
  :math:`\\lambda = 2` and :math:`N = 10` examples, so that :math:`\\lambda/(2N) = 0.1`;
- optimizers: one step on ``objectives.ellipsoid()`` (:math:`0.1 x_1^2 + 2 x_2^2`, the
  course's momentum example) from :math:`(1, 1)`, where the gradient :math:`(0.2, 4)`
  differs twenty-fold between the coordinates, with the seed's hyperparameters;
- the price series: :math:`\\text{price}_1 = 100`, :math:`\\text{price}_2 = 110`.
"""

from __future__ import annotations

import numpy as np

from course_lib import data, mlp, objectives, optim
from course_lib.averages import ewa, ewa_weights
from course_lib.examples.entry import Example
from course_lib.penalties import l1_penalty, l2_penalty, l2_penalty_grad
from course_lib.seeds import SEEDS

SOURCE = SEEDS["000"].file

# The concrete penalty case: λ/(2N) = 0.1.
LAM, N = 2.0, 10
LOGISTIC_W = {"b": 0.5, "w": (3.0, -4.0)}  # "b" is w_0, which the seed leaves unpenalized
NETWORK_W = {"W1": ((1.0, 2.0), (3.0, 4.0)), "b1": (0.5, -0.5), "W2": ((1.0, -1.0),)}

# The concrete optimizer case: the seed states no objective and no start point.
START = (1.0, 1.0)


def _first_step(opt: optim.Optimizer) -> tuple[dict, optim.State]:
    """One update of ``opt`` on the ellipsoid from (1, 1): new params and state."""
    f = objectives.ellipsoid()
    traj = optim.run(opt, f.grad_fn, f.params(START), n_steps=1)
    return traj.final, traj.states[-1]


def _vec(a: np.ndarray) -> tuple[float, ...]:
    return tuple(float(v) for v in np.ravel(a))


# --------------------------------------------------------------------------------------
# Regularization
# --------------------------------------------------------------------------------------


def _l2_scalings() -> dict[str, float]:
    return {
        "λ/(2N), seed 000": l2_penalty(LOGISTIC_W, LAM, scaling="lambda_over_2n", n=N),
        "λ/2, seeds 001 (eq. 7.2), 003, 004 (2.7)": l2_penalty(
            LOGISTIC_W, LAM, scaling="lambda_over_2"
        ),
        "λ, seeds 001 (J_L2), 004 (1.6)": l2_penalty(LOGISTIC_W, LAM, scaling="lambda"),
    }


def _l1_scalings() -> dict[str, float]:
    return {
        "λ/(2N), seed 000": l1_penalty(LOGISTIC_W, LAM, scaling="lambda_over_2n", n=N),
        "λ, seed 001 (α‖w‖₁)": l1_penalty(LOGISTIC_W, LAM, scaling="lambda"),
    }


def _network_penalties() -> dict[str, float]:
    return {
        "L2": l2_penalty(NETWORK_W, LAM, scaling="lambda_over_2n", n=N),
        "L1": l1_penalty(NETWORK_W, LAM, scaling="lambda_over_2n", n=N),
    }


def _l2_gradient() -> tuple[tuple[float, ...], ...]:
    grad = l2_penalty_grad({"W1": NETWORK_W["W1"]}, LAM, scaling="lambda_over_2n", n=N)["W1"]
    return tuple(_vec(row) for row in grad)


WD_W, WD_GRAD, WD_LR = ((1.0, -2.0),), ((0.4, 0.2),), 0.5


def _weight_decay_step() -> dict[str, object]:
    # Line 2 of the slide: a gradient step on the penalized loss, ∇L + (λ/N)W ...
    penalty = l2_penalty_grad({"W": WD_W}, LAM, scaling="lambda_over_2n", n=N)["W"]
    sgd = optim.SGD(lr=WD_LR)
    params = {"W": WD_W}
    via_gradient, _ = sgd.update(params, {"W": np.add(WD_GRAD, penalty)}, sgd.init(params))
    # ... line 4: shrink W by (1 - γλ/N), then step on the data gradient alone.
    decay = optim.SGD(lr=WD_LR, weight_decay=LAM / N)
    via_decay, _ = decay.update(params, {"W": WD_GRAD}, decay.init(params))
    # The factor is what the decay form makes of W = 1 when the data gradient is 0.
    unit, _ = decay.update({"W": 1.0}, {"W": 0.0}, decay.init({"W": 1.0}))
    return {
        "factor 1 - γλ/N": float(unit["W"]),
        "W (step on ∇L2)": _vec(via_gradient["W"]),
        "W (weight-decay form)": _vec(via_decay["W"]),
    }


def _backprop_gradients() -> dict[str, float]:
    config = mlp.MLPConfig(sizes=(1, 1, 1), activation="sigmoid", loss="bce_with_logits")
    # Zero biases: the seed's pseudo-code has none (Z = W·A).
    params = {"W1": [[0.5]], "b1": [0.0], "W2": [[-1.0]], "b2": [0.0]}
    _, grads, _ = mlp.loss_and_grads(params, [[1.0], [2.0]], [1.0, 0.0], config)
    return {"dW1": float(grads["W1"][0, 0]), "dW2": float(grads["W2"][0, 0])}


# --------------------------------------------------------------------------------------
# Mini-batches
# --------------------------------------------------------------------------------------

MB_N = 1024


def _minibatch_counts() -> dict[str, int]:
    # shuffle=False never draws from the generator; it is passed because every
    # data function takes an explicit one.
    rng = np.random.default_rng(0)

    def count(s: int) -> int:
        return sum(1 for _ in data.minibatches(rng, MB_N, s, shuffle=False))

    counts = {f"s = {s}": count(s) for s in (64, 128, 256, 512)}
    counts["s = N (gradient descent)"] = count(MB_N)
    counts["s = 1 (stochastic gradient descent)"] = count(1)
    return counts


# --------------------------------------------------------------------------------------
# Exponentially weighted averages
# --------------------------------------------------------------------------------------

WINDOW_BETAS = {
    "β = 0.9 (price, momentum β1, RMSprop β2)": 0.9,
    "β = 0.8 (momentum figure)": 0.8,
    "β = 0.999 (Adam β2)": 0.999,
}


def _windows() -> dict[str, float]:
    # A plain average of n values gives the newest 1/n; the EWA gives it 1 - β.
    return {k: 1.0 / float(ewa_weights(b, 1)[-1]) for k, b in WINDOW_BETAS.items()}


PRICES = (100.0, 110.0)


def _bias_correction_first_values() -> dict[str, float]:
    raw = ewa(PRICES, 0.9)
    corrected = ewa(PRICES, 0.9, bias_correction=True)
    return {
        "m_1": float(raw[0]),
        "m_2": float(raw[1]),
        "m_1 corrected": float(corrected[0]),
        "m_2 corrected": float(corrected[1]),
    }


DIVISOR_CASES = ((0.9, 1), (0.9, 2), (0.9, 10), (0.9, 100), (0.999, 10), (0.999, 1000))


def _bias_divisors() -> dict[str, float]:
    # The uncorrected average of a constant series of ones is exactly 1 - β^t.
    return {
        f"β = {b}, t = {t}": float(ewa(np.ones(t), b)[-1]) for b, t in DIVISOR_CASES
    }


# --------------------------------------------------------------------------------------
# Momentum, RMSprop, Adam
# --------------------------------------------------------------------------------------


def _momentum_first_step() -> dict[str, tuple[float, ...]]:
    params, state = _first_step(optim.Momentum(lr=0.1, beta=0.9, form="ema"))
    return {"m_1": _vec(state.velocity["x"]), "W_1": _vec(params["x"])}


def _momentum_forms() -> dict[str, tuple[float, ...]]:
    forms = {
        "ema, seed 000 (and 002)": "ema",
        "classic, seed 001": "classic",
        "sum, seed 003": "sum",
    }
    return {
        name: _vec(_first_step(optim.Momentum(lr=0.1, beta=0.9, form=form))[0]["x"])
        for name, form in forms.items()
    }


def _rmsprop_first_step() -> dict[str, tuple[float, ...]]:
    params, state = _first_step(optim.RMSProp(lr=0.01, rho=0.9, eps=1e-8))
    return {"s_1": _vec(state.sq_avg["x"]), "W_1": _vec(params["x"])}


EPS_GRAD = 1e-4


def _rmsprop_eps_placement() -> dict[str, float]:
    out = {}
    for name, inside in (("ε outside √, seed 000", False), ("ε inside √, seeds 001-004", True)):
        opt = optim.RMSProp(lr=0.01, rho=0.9, eps=1e-8, eps_inside_sqrt=inside)
        params = {"w": 1.0}
        new, _ = opt.update(params, {"w": EPS_GRAD}, opt.init(params))
        out[name] = float(new["w"])
    return out


def _adam_first_step() -> dict[str, tuple[float, ...]]:
    params, state = _first_step(optim.Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8))
    g = objectives.ellipsoid().gradient(START)
    # The corrected moments are the bias-corrected averages of the one-gradient history.
    return {
        "m_1": _vec(state.m["x"]),
        "s_1": _vec(state.s["x"]),
        "m_1 corrected": _vec(ewa(g[None, :], 0.9, bias_correction=True)[0]),
        "s_1 corrected": _vec(ewa((g * g)[None, :], 0.999, bias_correction=True)[0]),
        "W_1": _vec(params["x"]),
    }


def _adam_bias_corrections() -> dict[str, tuple[float, ...]]:
    cases = {
        "moments, seed 000": {"bias_correction": "moments"},
        "step size, ε inside √, seed 003": {"bias_correction": "step_size",
                                            "eps_inside_sqrt": True},
        "none": {"bias_correction": "none"},
    }
    return {
        name: _vec(_first_step(optim.Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8,
                                          **kw))[0]["x"])
        for name, kw in cases.items()
    }


EXAMPLES: list[Example] = [
    Example(
        id="000-l2-penalty-scaling",
        source=SOURCE,
        locator="Regularization - Logistic Regression",
        title="The L2 penalty of the same weights in each seed's scaling",
        inputs={"w_0 (unpenalized)": 0.5, "w_1": 3.0, "w_2": -4.0, "lambda": LAM, "N": N},
        slide_value=2.5,
        compute=_l2_scalings,
        verdict="convention",
        explanation=(
            "Seed 000 writes the L2 penalty as λ/(2N)‖w‖² (Andrew Ng's convention: the 1/N "
            "matches the mean loss, the 1/2 cancels in the gradient). With ‖w‖² = 3² + 4² = 25 "
            "(w_0 is left out, as the seed's note allows) and λ = 2, N = 10 it is "
            "0.1 · 25 = 2.5. Goodfellow (seed 001, eq. 7.2), seed 003 and seed 004 (2.7) "
            "write λ/2‖w‖² = 25, seed 001's first slide and seed 004 (1.6) λ‖w‖² = 50. The "
            "penalties are the same family: seed 000's λ is N times seed 001's α."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="000-l1-penalty-scaling",
        source=SOURCE,
        locator="Regularization - Logistic Regression",
        title="The L1 penalty of the same weights: seed 000's λ/(2N) against seed 001's α",
        inputs={"w_0 (unpenalized)": 0.5, "w_1": 3.0, "w_2": -4.0, "lambda": LAM, "N": N},
        slide_value=0.7,
        compute=_l1_scalings,
        verdict="convention",
        explanation=(
            "Seed 000 scales its L1 penalty like its L2 one, λ/(2N)‖w‖₁: with ‖w‖₁ = 3 + 4 "
            "= 7 that is 0.1 · 7 = 0.7. Seed 001 writes α‖w‖₁ (here 2 · 7 = 14); seed 004 "
            "names LASSO without a formula. For L1 the 1/2 does not cancel in the "
            "(sub)gradient: seed 000's is λ/(2N)·sign(w), not λ/N·sign(w)."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="000-network-penalties",
        source=SOURCE,
        locator="Regularization - Neural Network",
        title="L2 (Frobenius) and L1 penalties of a two-layer network, λ/(2N) scaling",
        inputs={"W[1]": NETWORK_W["W1"], "W[2]": NETWORK_W["W2"],
                "biases (unpenalized)": NETWORK_W["b1"], "lambda": LAM, "N": N},
        slide_value={"L2": 3.2, "L1": 1.2},
        compute=_network_penalties,
        verdict="agrees",
        explanation=(
            "Summed over the layers: ‖W[1]‖_F² + ‖W[2]‖_F² = (1+4+9+16) + (1+1) = 32 and "
            "‖W[1]‖₁ + ‖W[2]‖₁ = 10 + 2 = 12, times λ/(2N) = 0.1; the biases are left out. "
            "Notation slip: the slide's 'where' line calls the sum of squares ‖W[k]‖₂², "
            "while the formula above it (rightly) writes ‖W[k]‖_F². For a matrix ‖W‖₂ usually "
            "means the spectral norm, whose square for W[1] is 15 + √221 ≈ 29.87, not 30; the "
            "seed means the Frobenius norm, as its definition (a double sum of squares) says."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="000-l2-gradient",
        source=SOURCE,
        locator="Regularization - Neural Network (gradient with L2 regularization)",
        title="The gradient of the λ/(2N) L2 penalty is (λ/N)W",
        inputs={"W[1]": NETWORK_W["W1"], "lambda": LAM, "N": N},
        slide_value=((0.2, 0.4), (0.6, 0.8)),
        compute=_l2_gradient,
        verdict="agrees",
        explanation=(
            "The derivative of λ/(2N)·Σ w_ij² with respect to w_ij is (λ/N)·w_ij: the 2 of "
            "the square cancels the 1/2, leaving 0.2 · W[1] for λ = 2, N = 10. This is the "
            "term the slide adds to the backpropagated ∇L(W[k])."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="000-weight-decay-step",
        source=SOURCE,
        locator="Regularization - Neural Network (weight update)",
        title="One L2-regularized gradient step and the weight-decay factor 1 - γλ/N",
        inputs={"W": WD_W, "grad L(W)": WD_GRAD, "gamma": WD_LR, "lambda": LAM, "N": N},
        slide_value={"factor 1 - γλ/N": 0.9, "W (step on ∇L2)": (0.7, -1.9),
                     "W (weight-decay form)": (0.7, -1.9)},
        compute=_weight_decay_step,
        verdict="agrees",
        explanation=(
            "The slide's lines give the same update: W - γ(∇L + (λ/N)W) = (1 - γλ/N)W - γ∇L. "
            "With γ = 0.5, λ = 2, N = 10 the factor is 1 - 0.5 · 2/10 = 0.9, and "
            "(0.9 · 1 - 0.5 · 0.4, 0.9 · (-2) - 0.5 · 0.2) = (0.7, -1.9). Every step first "
            "shrinks the weights by 10 %, hence 'weight decay'. Seed 001's (1 - εα) "
            "(eq. 7.5) is the same factor with α = λ/N."
        ),
        decimals=None,
        lessons=("02_parameter_penalties",),
    ),
    Example(
        id="000-backprop-pseudocode",
        source=SOURCE,
        locator="Gradient descent for L-layer neural network",
        title="The gradients the backpropagation loop computes for a tiny two-layer network",
        inputs={"x": (1.0, 2.0), "y": (1.0, 0.0), "W[1]": 0.5, "W[2]": -1.0,
                "f": "sigmoid in both layers", "loss": "binary cross-entropy"},
        slide_value={"dW1": 0.012576, "dW2": -0.083758},
        compute=_backprop_gradients,
        verdict="agrees",
        explanation=(
            "The pseudo-code gives no numbers, so this is the concrete case: one input, one "
            "hidden unit, one sigmoid output, no biases (the pseudo-code has none), "
            "N = 2 examples and the cross-entropy loss of the seed's logistic regression, "
            "for which ∇L(A[2]) ∘ f'(Z[2]) = A[2] - y. Running the loop from the last "
            "layer down gives ∇L(W[2]) = ½ Σ (a2 - y)·a1 = -0.083758, then "
            "∇L(A[1]) = W[2]ᵀ∇L(Z[2]) and ∇L(W[1]) = 0.012576. The seed's backward loop "
            "reads 'for k ← 1 to 1': conversion damage of 'for k ← l to 1' (the letter l "
            "read as the digit 1; the other two loops keep their l). It must run downwards, "
            "k = l, ..., 1, because each pass needs ∇L(A[k]) from the pass of layer k + 1; "
            "read literally it would visit layer 1 only, with ∇L(A[1]) never computed."
        ),
        decimals=6,
        lessons=("07_gradient_descent_and_sgd",),
    ),
    Example(
        id="000-minibatch-counts",
        source=SOURCE,
        locator="Mini-batch gradient descent",
        title="Mini-batches per epoch, N/s, for N = 1024 and the seed's batch sizes",
        inputs={"N": MB_N, "s": (64, 128, 256, 512, MB_N, 1)},
        slide_value={"s = 64": 16, "s = 128": 8, "s = 256": 4, "s = 512": 2,
                     "s = N (gradient descent)": 1,
                     "s = 1 (stochastic gradient descent)": MB_N},
        compute=_minibatch_counts,
        verdict="agrees",
        explanation=(
            "The seed splits X into X_{1}, ..., X_{N/s}: N/s mini-batches per pass over the "
            "data, one update each. s = N gives one batch per epoch (normal gradient "
            "descent), s = 1 gives N (stochastic gradient descent). N/s counts batches only "
            "when s divides N; otherwise there are ⌈N/s⌉, the last one smaller (N = 1000, "
            "s = 64: 16 batches, the last of 40)."
        ),
        decimals=None,
        lessons=("07_gradient_descent_and_sgd",),
    ),
    Example(
        id="000-ewa-unrolled-weights",
        source=SOURCE,
        locator="Example: How to model/forecast the stock/share price",
        title="Weights of price_100, price_99, price_98 and m_97 in the unrolled EWA (β = 0.9)",
        inputs={"beta": 0.9},
        slide_value={"price_100": 0.1, "price_99": 0.09, "price_98": 0.081, "m_97": 0.729},
        compute=lambda: {
            "price_100": float(ewa_weights(0.9, 100)[-1]),
            "price_99": float(ewa_weights(0.9, 100)[-2]),
            "price_98": float(ewa_weights(0.9, 100)[-3]),
            # The three newest weights sum to 1 - β³; the rest, β³, stays on m_97.
            "m_97": 1.0 - float(ewa_weights(0.9, 3).sum()),
        },
        verdict="agrees",
        explanation=(
            "Unrolling m_t = βm_{t-1} + (1-β)price_t three times gives weights (1-β)β^k on "
            "price_{100-k} and β³ = 0.729 on m_97 (the slide writes (0.9)³)."
        ),
        decimals=3,
        lessons=("08_momentum",),
    ),
    Example(
        id="000-ewa-window",
        source=SOURCE,
        locator="Example: How to model/forecast the stock/share price",
        title="How many values an EWA averages over: about 1/(1 - β)",
        inputs=dict(WINDOW_BETAS),
        slide_value={"β = 0.9 (price, momentum β1, RMSprop β2)": 10.0,
                     "β = 0.8 (momentum figure)": 5.0, "β = 0.999 (Adam β2)": 1000.0},
        compute=_windows,
        verdict="agrees",
        explanation=(
            "The seed's text does not state the window (Ng's lecture draws it); the course "
            "uses the rule of thumb 1/(1 - β) with the β values the seed does state. The "
            "newest value gets weight 1 - β, as in a plain average of 1/(1 - β) values, and "
            "the weights' mean age is β/(1 - β), so the average reaches back over about "
            "1/(1 - β) values: 10 for β = 0.9, 5 for the momentum figure's 0.8, and 1000 "
            "for Adam's β2 = 0.999. The value 1/(1 - β) steps back still has weight "
            "β^(1/(1-β)) ≈ 1/e of the newest (0.9¹⁰ = 0.349)."
        ),
        decimals=6,
        lessons=("08_momentum", "09_adaptive_methods"),
    ),
    Example(
        id="000-ewa-bias-correction-first-values",
        source=SOURCE,
        locator="Actually, without the below correction, we will get the orange line",
        title="The first two averages of a price series with and without bias correction",
        inputs={"price_1": PRICES[0], "price_2": PRICES[1], "beta": 0.9, "m_0": 0.0},
        slide_value={"m_1": 10.0, "m_2": 20.0, "m_1 corrected": 100.0,
                     "m_2 corrected": 105.263},
        compute=_bias_correction_first_values,
        verdict="agrees",
        explanation=(
            "The seed asks why, without the correction, the orange line replaces the red "
            "one. Starting from m_0 = 0: m_1 = 0.1 · 100 = 10 and m_2 = 0.9 · 10 + "
            "0.1 · 110 = 20, far below prices near 100, because the weights on the prices "
            "sum to only 1 - β^t (0.1, then 0.19): the missing weight sits on m_0 = 0. "
            "Dividing by 1 - β^t makes it a true weighted mean: m_1 = 10/0.1 = 100 and "
            "m_2 = 20/0.19 = (0.09 · 100 + 0.1 · 110)/0.19 = 105.263. The two lines meet "
            "once β^t is negligible (see 000-ewa-bias-divisors)."
        ),
        decimals=3,
        lessons=("08_momentum",),
    ),
    Example(
        id="000-ewa-bias-divisors",
        source=SOURCE,
        locator="Actually, without the below correction, we will get the orange line",
        title="The bias-correction divisor 1 - β^t over time, for β = 0.9 and Adam's 0.999",
        inputs={"cases (beta, t)": DIVISOR_CASES},
        slide_value={"β = 0.9, t = 1": 0.1, "β = 0.9, t = 2": 0.19,
                     "β = 0.9, t = 10": 0.651322, "β = 0.9, t = 100": 0.999973,
                     "β = 0.999, t = 10": 0.009955, "β = 0.999, t = 1000": 0.632305},
        compute=_bias_divisors,
        verdict="agrees",
        explanation=(
            "The uncorrected average of a constant series of ones is exactly 1 - β^t, the "
            "divisor of m_t^corrected = m_t/(1 - β^t). For β = 0.9 it is 0.1 at t = 1 and "
            "above 0.99997 by t = 100, so the orange and red lines coincide after a few "
            "dozen days. For Adam's β2 = 0.999 it is still 0.63 after 1000 steps: the "
            "correction of s matters for thousands of updates."
        ),
        decimals=6,
        lessons=("08_momentum", "09_adaptive_methods"),
    ),
    Example(
        id="000-momentum-first-step",
        source=SOURCE,
        locator="Gradient descent with momentum",
        title="One momentum step (β1 = 0.9, γ = 0.1) on 0.1x₁² + 2x₂² from (1, 1)",
        inputs={"objective": "0.1 x1^2 + 2 x2^2", "W_0": START, "gamma": 0.1, "beta1": 0.9,
                "m_0": (0.0, 0.0)},
        slide_value={"m_1": (0.02, 0.4), "W_1": (0.998, 0.96)},
        compute=_momentum_first_step,
        verdict="agrees",
        explanation=(
            "The seed states β1 = 0.9 but no objective, start or learning rate; the course "
            "uses its momentum example 0.1x₁² + 2x₂² from (1, 1) with γ = 0.1. The gradient "
            "is (0.2, 4), m_1 = 0.9 · 0 + 0.1 · (0.2, 4) = (0.02, 0.4) and W_1 = (1, 1) - "
            "0.1 · m_1 = (0.998, 0.96). The seed's momentum has no bias correction, so its "
            "first step is (1 - β1) = 0.1 times a gradient-descent step."
        ),
        decimals=None,
        lessons=("08_momentum",),
    ),
    Example(
        id="000-momentum-forms",
        source=SOURCE,
        locator="Gradient descent with momentum",
        title="The first momentum step in each seed's form (β = 0.9, γ = 0.1, same start)",
        inputs={"objective": "0.1 x1^2 + 2 x2^2", "W_0": START, "gamma": 0.1, "beta": 0.9},
        slide_value=(0.998, 0.96),
        compute=_momentum_forms,
        verdict="convention",
        explanation=(
            "Seed 000 averages the gradients, m ← βm + (1-β)g, W ← W - γm: the first step "
            "moves 0.1 · γg, to (0.998, 0.96). Goodfellow's v ← βv - εg, W ← W + v "
            "(seed 001) and seed 003's M ← βM + g, W ← W - ηM make a full gradient step "
            "first, to (0.98, 0.6); those two give the same iterates forever, and seed 000's "
            "equals them with γ replaced by (1-β)γ. The same β therefore needs a learning "
            "rate ten times larger in seed 000's form."
        ),
        decimals=None,
        lessons=("08_momentum",),
    ),
    Example(
        id="000-rmsprop-first-step",
        source=SOURCE,
        locator="RMSprop",
        title="One RMSprop step (β2 = 0.9, ε = 1e-8, γ = 0.01) on 0.1x₁² + 2x₂² from (1, 1)",
        inputs={"objective": "0.1 x1^2 + 2 x2^2", "W_0": START, "gamma": 0.01,
                "beta2": 0.9, "epsilon": 1e-8, "s_0": (0.0, 0.0)},
        slide_value={"s_1": (0.004, 1.6), "W_1": (0.968377, 0.968377)},
        compute=_rmsprop_first_step,
        verdict="agrees",
        explanation=(
            "The seed gives β2 = 0.9 and ε = 1e-8 but no objective, start or γ; the course "
            "uses 0.1x₁² + 2x₂² from (1, 1) with γ = 0.01. With g = (0.2, 4), "
            "s_1 = 0.1 · g² = (0.004, 1.6), √s_1 = (0.0632, 1.265) = √0.1 · |g|, so both "
            "coordinates move by γ/√0.1 = 0.0316 although their gradients differ twenty-fold: "
            "the per-coordinate scaling. Without bias correction the first step is "
            "1/√(1 - β2) ≈ 3.16 times γ."
        ),
        decimals=6,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="000-rmsprop-eps-placement",
        source=SOURCE,
        locator="RMSprop",
        title="Where ε sits: one RMSprop step with a tiny gradient g = 1e-4",
        inputs={"W_0": 1.0, "g": EPS_GRAD, "gamma": 0.01, "beta2": 0.9, "epsilon": 1e-8},
        slide_value=0.968387,
        compute=_rmsprop_eps_placement,
        verdict="convention",
        explanation=(
            "Seed 000 divides by √s + ε; seeds 001 (Alg. 8.5), 002, 003 and 004 by √(s + ε). "
            "For ordinary gradients the two agree, but here s_1 = 0.1 · 1e-8 = 1e-9 is "
            "smaller than ε: outside the root ε adds 1e-8 to √s = 3.16e-5 (step 0.0316), "
            "inside it adds 1e-8 to s = 1e-9, giving √(1.1e-8) = 1.05e-4 (step 0.0095). "
            "With ε inside, the same ε = 1e-8 damps small gradients far more."
        ),
        decimals=6,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="000-adam-first-step",
        source=SOURCE,
        locator="Adam - Adaptive moment estimation",
        title="One Adam step (β1 = 0.9, β2 = 0.999, ε = 1e-8, γ = 0.01) from (1, 1)",
        inputs={"objective": "0.1 x1^2 + 2 x2^2", "W_0": START, "gamma": 0.01,
                "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
        slide_value={"m_1": (0.02, 0.4), "s_1": (0.00004, 0.016),
                     "m_1 corrected": (0.2, 4.0), "s_1 corrected": (0.04, 16.0),
                     "W_1": (0.99, 0.99)},
        compute=_adam_first_step,
        verdict="agrees",
        explanation=(
            "With the seed's hyperparameters and the course's objective and γ = 0.01: "
            "g = (0.2, 4), m_1 = 0.1g, s_1 = 0.001g². Dividing by 1 - 0.9 and 1 - 0.999 "
            "gives back g and g² exactly, so the first step is γ · g/(|g| + ε) ≈ γ per "
            "coordinate: W_1 = (0.99, 0.99). The correction makes Adam's first step γ (up to "
            "ε) in every coordinate, where RMSprop's is 3.16γ and momentum's 0.1γ|g|."
        ),
        decimals=6,
        lessons=("09_adaptive_methods",),
    ),
    Example(
        id="000-adam-bias-correction",
        source=SOURCE,
        locator="Adam - Adaptive moment estimation",
        title="Adam's first step with the bias correction applied in each seed's way",
        inputs={"objective": "0.1 x1^2 + 2 x2^2", "W_0": START, "gamma": 0.01,
                "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
        slide_value=(0.99, 0.99),
        compute=_adam_bias_corrections,
        verdict="convention",
        explanation=(
            "Seed 000 corrects both moments, then divides by √ŝ + ε. Seed 003 folds the "
            "correction into the step size, η√(1-β2^t)/(1-β1^t), and puts ε inside the "
            "root of the raw s; that is the same update up to ε, but ε now meets "
            "s_1 = 4e-5 instead of ŝ_1 = 0.04 and shows in the sixth decimal (0.990001). "
            "With no correction at all m_1 = 0.1g and √s_1 = √0.001·|g| = 0.0316|g|, so the "
            "first step is 0.1/0.0316 = 3.16 times γ, as RMSprop's uncorrected one: "
            "W_1 = 0.968377."
        ),
        decimals=6,
        lessons=("09_adaptive_methods",),
    ),
]
