"""Worked examples of seed 002 (BITS Pilani, Deep Learning Module 3: Optimization).

The seed's code and figures come from Dive into Deep Learning (d2l.ai, chapter 11). Where
the slide's code leaves out its settings (objective, start point, number of steps, some
hyperparameters), the entry uses d2l's and says so; the values d2l prints for that code
are then the slide's values, since the slide shows d2l's figures.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from course_lib import activations, layers, losses, objectives, optim, penalties, schedules
from course_lib.averages import ewa_weights
from course_lib.data import minibatches
from course_lib.examples.entry import Example
from course_lib.seeds import SEEDS

SOURCE = SEEDS["002"].file

LANDSCAPE = ("06_optimization_landscape",)
GD = ("07_gradient_descent_and_sgd",)
MOMENTUM = ("08_momentum",)
ADAPTIVE = ("09_adaptive_methods",)


def _run(opt: optim.Optimizer, f: objectives.Objective, x0, n_steps: int) -> np.ndarray:
    """The iterate after ``n_steps`` updates of ``opt`` on ``f`` from ``x0``."""
    return optim.run(opt, f.grad_fn, f.params(x0), n_steps).final["x"]


def _pair(x: np.ndarray) -> tuple[float, float]:
    return float(x[0]), float(x[1])


# --- Critical points and the Hessian test ------------------------------------------------


def _saddle() -> dict:
    f = objectives.saddle()
    # On a quadratic one Newton step from anywhere lands on the critical point, whatever
    # its kind (minimum, maximum or saddle).
    point = _run(optim.Newton(hessian=f.hessian_fn), f, [1.0, 1.0], 1)
    h = f.hessian(point)
    return {"critical point": _pair(point), "sign of f_xx": float(np.sign(h[0, 0])),
            "sign of f_yy": float(np.sign(h[1, 1]))}


# x⁴, −x⁴ and x³ all have f'(0) = f''(0) = 0: the one-variable functions the rule is about.
_FLAT_CRITICAL_POINTS = {"x⁴": (0, 0, 0, 0, 1), "−x⁴": (0, 0, 0, 0, -1), "x³": (0, 0, 0, 1)}


def _second_derivative_zero() -> dict:
    """Signs of f(−h) − f(0) and f(h) − f(0) for each function (a saddle: opposite signs)."""
    out = {}
    for name, ascending in _FLAT_CRITICAL_POINTS.items():
        poly = np.polynomial.Polynomial(ascending)
        assert poly.deriv(1)(0.0) == 0.0 and poly.deriv(2)(0.0) == 0.0
        h = 0.1
        out[name] = (float(np.sign(poly(-h) - poly(0.0))), float(np.sign(poly(h) - poly(0.0))))
    return out


def _three_variable_minimiser() -> tuple[float, float, float]:
    f = objectives.three_variable_quadratic()
    # Solving ∇f = 0 for a quadratic is exactly one Newton step (from the origin here).
    x = _run(optim.Newton(hessian=f.hessian_fn), f, [0.0, 0.0, 0.0], 1)
    return tuple(float(v) for v in x)


def _three_variable_hessian() -> tuple:
    f = objectives.three_variable_quadratic()
    return tuple(tuple(float(v) for v in row) for row in f.hessian([-1.0, -1.0, -1.0]))


def _three_variable_eigenvalues() -> dict:
    f = objectives.three_variable_quadratic()
    low, mid, high = penalties.check_psd(f.hessian([-1.0, -1.0, -1.0]))[0]
    # The slide lists them as 3.414, 0.586, 2.
    return {"lambda_1": float(high), "lambda_2": float(low), "lambda_3": float(mid)}


# --- Gradient descent on the seed's quadratics -------------------------------------------


def _gd_1d() -> dict:
    f = objectives.square()
    return {f"eta={eta}": float(_run(optim.SGD(lr=eta), f, 10.0, 10)[0]) for eta in (0.05, 1.1)}


def _error_surface_minimum() -> dict:
    f = objectives.error_surface()
    w = _run(optim.Newton(hessian=f.hessian_fn), f, [1.0, 1.0], 1)
    return {"w1": float(w[0]), "w2": float(w[1]), "E": f.value(w)}


def _gd_step() -> np.ndarray:
    f = objectives.error_surface()
    return _run(optim.SGD(lr=0.3), f, [1.5, 2.0], 1)


def _bowl_curvatures() -> np.ndarray:
    """The Hessian eigenvalues of 3x² + 2y² + 4z² + 6 (ascending): 4, 6, 8."""
    f = objectives.scaled_bowl()
    return penalties.check_psd(f.hessian([0.0, 0.0, 0.0]))[0]


def _per_axis_rates() -> tuple[float, float, float]:
    h = np.diag(objectives.scaled_bowl().hessian([0.0, 0.0, 0.0]))
    return tuple(float(v) for v in 1.0 / h)


def _fastest_rate() -> float:
    lam = _bowl_curvatures()
    # max_i |1 - η λ_i| is smallest where the two extreme factors balance:
    # 1 - η λ_min = η λ_max - 1.
    return float(2.0 / (lam[0] + lam[-1]))


def _largest_convergent_rate() -> float:
    return float(2.0 / _bowl_curvatures()[-1])


# --- SGD and learning-rate schedules -----------------------------------------------------


def _d2l_sgd_objective() -> objectives.Objective:
    """d2l's f(x1, x2) = x1² + 2 x2² (gradient 2 x1, 4 x2), used by its SGD section."""
    return objectives.quadratic(np.diag([2.0, 4.0]), [0.0, 0.0])


def _sgd_noise_floor() -> tuple[float, float]:
    f = _d2l_sgd_objective()
    opt = optim.SGD(lr=0.1)
    state = opt.init(f.params([0.0, 0.0]))
    # Each SGD step is x' = a x + b ξ per coordinate: a from a noise-free step from x = 1,
    # b from a step from x = 0 whose gradient is pure unit noise.
    ones = f.params([1.0, 1.0])
    a = opt.update(ones, f.grad_fn(ones), state)[0]["x"]
    b = opt.update(f.params([0.0, 0.0]), {"x": np.ones(2)}, state)[0]["x"]
    # Stationary variance of x' = a x + b ξ with Var ξ = 1: v = a² v + b².
    var = b**2 / (1.0 - a**2)
    return float(var[0]), float(var[1])


def _seed_counter_rates(schedule: schedules.Schedule) -> dict:
    def first_three(fn) -> tuple[float, float, float]:
        return tuple(float(v) for v in schedules.values(fn, 3))

    return {
        "seed code (global t incremented before use)": first_three(lambda k: schedule(k + 1)),
        "course_lib schedule(step), first update at step 0": first_three(schedule),
    }


def _decay_runs() -> dict:
    f = _d2l_sgd_objective()
    exp_lr, poly_lr = schedules.ExponentialDecay(0.1, 0.1), schedules.PolynomialDecay(0.1, 0.5, 0.1)
    # The seed's lr() functions increment t before returning, so update k uses t = k + 1.
    x_exp = _run(optim.SGD(lr=lambda k: exp_lr(k + 1)), f, [-5.0, -2.0], 1000)
    x_poly = _run(optim.SGD(lr=lambda k: poly_lr(k + 1)), f, [-5.0, -2.0], 50)
    return {"exponential, x1 after 1000 steps": float(x_exp[0]),
            "polynomial, x1 after 50 steps": float(x_poly[0])}


def _minibatch_count() -> float:
    rng = np.random.default_rng(0)  # not drawn from: shuffle=False
    return float(sum(1 for _ in minibatches(rng, 4_000_000, 1000, shuffle=False)))


# --- Momentum ----------------------------------------------------------------------------


def _ellipsoid_gd() -> dict:
    f = objectives.ellipsoid()
    return {f"eta={eta}": _pair(_run(optim.SGD(lr=eta), f, [-5.0, -2.0], 20))
            for eta in (0.4, 0.6)}


def _ellipsoid_momentum() -> dict:
    f = objectives.ellipsoid()

    def runs(form: str) -> dict:
        return {f"beta={beta}": _pair(_run(optim.Momentum(lr=0.6, beta=beta, form=form), f,
                                           [-5.0, -2.0], 20))
                for beta in (0.5, 0.25)}

    return {"sum form v = βv + g (d2l, whose figures the slide shows)": runs("sum"),
            "ema form v = βv + (1-β)g (seed 002 Algorithm 4)": runs("ema")}


def _momentum_forms_first_step() -> dict:
    f = objectives.error_surface()
    out = {}
    for form, name in (("classic", "classic v = βv - ηg, w = w + v (seed 001)"),
                       ("sum", "sum v = βv + g (d2l 'leaky average', PyTorch)"),
                       ("ema", "ema v = βv + (1-β)g (seed 002 Algorithm 4)")):
        out[name] = _pair(_run(optim.Momentum(lr=0.3, beta=0.6, form=form), f, [1.5, 2.0], 1))
    return out


def _effective_number(beta: float) -> float:
    # Total weight of the unrolled average measured in units of the newest gradient's
    # weight (1 - β): how many gradients it is worth. 50/(1-β) terms make β^T < e^-50.
    w = ewa_weights(beta, int(50 / (1.0 - beta)))
    return float(w.sum() / w[-1])


def _heavy_ball_step(beta: float) -> tuple[float, float]:
    f = objectives.error_surface()
    opt = optim.Momentum(lr=0.3, beta=beta, form="classic")
    params = f.params([1.5, 2.0])
    # In the classic form v is the last displacement: (1.5, 2.0) - (1, 1) = (0.5, 1.0),
    # so the update is w - η∇E(w) + βΔw, the slide's rule.
    state = dataclasses.replace(opt.init(params), step=1,
                                velocity={"x": np.array([0.5, 1.0])})
    new, _ = opt.update(params, f.grad_fn(params), state)
    return _pair(new["x"])


# --- AdaGrad, RMSProp, Adam --------------------------------------------------------------


def _adagrad_first_step() -> tuple[float, float]:
    opt = optim.AdaGrad(lr=0.4, eps=1e-6, eps_inside_sqrt=True)
    return _pair(_run(opt, objectives.ellipsoid(), [-5.0, -2.0], 1))


def _adagrad_steps() -> dict:
    opt = optim.AdaGrad(lr=0.4, eps=1e-6, eps_inside_sqrt=True)
    traj = optim.run(opt, lambda p: {"w": np.ones(1)}, {"w": np.zeros(1)}, 100)
    w = traj.stack("w")[:, 0]
    steps = w[:-1] - w[1:]  # step t moves w from w[t-1] to w[t]
    return {f"t={t}": float(steps[t - 1]) for t in (1, 4, 100)}


def _rmsprop(n_steps: int) -> tuple[float, float]:
    opt = optim.RMSProp(lr=0.4, rho=0.9, eps=1e-6, eps_inside_sqrt=True)
    return _pair(_run(opt, objectives.ellipsoid(), [-5.0, -2.0], n_steps))


def _adam_eps_placement() -> dict:
    out = {}
    for inside, name in ((True, "ε inside the root (Algorithm 6, 'Compute updates')"),
                         (False, "ε outside the root ('Rescale the gradient', the example)")):
        opt = optim.Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-8, eps_inside_sqrt=inside)
        params = {"w": np.zeros(1)}
        new, _ = opt.update(params, {"w": np.full(1, -1e-4)}, opt.init(params))
        out[name] = float(new["w"][0])
    return out


def _neuron() -> dict:
    """Seed 002's single sigmoid neuron, one Adam step, every intermediate by name."""
    x, y = np.array([[3.5]]), np.array([[0.5]])
    params = {"w": np.array([[-2.0]]), "b": np.array([-2.0])}
    z, affine_cache = layers.affine_forward(x, params["w"], params["b"])
    loss, loss_cache = losses.bce_with_logits_forward(z, y)
    dz = losses.bce_with_logits_backward(1.0, loss_cache).dlogits
    grads = layers.affine_backward(dz, affine_cache)
    # ε outside the root, as the example writes η/(√r̂ + ε).
    opt = optim.Adam(lr=0.1, beta1=0.9, beta2=0.99, eps=1e-8)
    new, state = opt.update(params, {"w": grads.dW, "b": grads.db}, opt.init(params))
    m_w, m_b = float(state.m["w"][0, 0]), float(state.m["b"][0])
    s_w, s_b = float(state.s["w"][0, 0]), float(state.s["b"][0])
    return {
        "y_hat": float(activations.sigmoid(z)[0, 0]),
        "loss": float(loss),
        "grad_w": float(grads.dW[0, 0]),
        "grad_b": float(grads.db[0]),
        "s_W": m_w, "s_B": m_b,  # the slide's s is Adam's first moment
        "r_W": s_w, "r_B": s_b,  # and its r the second
        "s_W_hat": m_w / (1 - 0.9), "s_B_hat": m_b / (1 - 0.9),
        "r_W_hat": s_w / (1 - 0.99), "r_B_hat": s_b / (1 - 0.99),
        "w": float(new["w"][0, 0]), "b": float(new["b"][0]),
    }


def _neuron_values(*names: str):
    def compute():
        n = _neuron()
        if len(names) == 1:
            return n[names[0]]
        return {name: n[name] for name in names}

    return compute


ADAM_EXAMPLE = "NUMERICAL EXAMPLE (Adam, single sigmoid neuron)"
ADAM_INPUTS = {"x": 3.5, "y": 0.5, "w": -2.0, "b": -2.0, "eta": 0.1, "beta1": 0.9,
               "beta2": 0.99, "eps": 1e-8, "loss": "BCE"}
E_INPUTS = {"E": "0.05 + (w1-3)²/4 + (w2-4)²/9 - (w1-3)(w2-4)/6",
            "w(t-1)": (1.0, 1.0), "w(t)": (1.5, 2.0), "eta": 0.3, "beta": 0.6, "alpha": 1.5}

EXAMPLES: list[Example] = [
    Example(
        id="002-saddle-point",
        source=SOURCE,
        locator="SADDLE POINTS",
        title="f(x, y) = x² − y²: saddle point at (0, 0), minimum along x, maximum along y",
        inputs={"f": "x² - y²"},
        slide_value={"critical point": (0.0, 0.0), "sign of f_xx": 1.0, "sign of f_yy": -1.0},
        compute=_saddle,
        verdict="agrees",
        explanation=(
            "The text reads 'f(x, y) = x² y²': a minus sign was lost in conversion. x²y² has a "
            "zero Hessian at the origin and is never negative, so (0, 0) would be a minimum; "
            "only x² − y² fits 'maximum wrt y and minimum wrt x'. Its gradient (2x, −2y) "
            "vanishes at (0, 0), where f_xx = 2 > 0 and f_yy = −2 < 0."
        ),
        lessons=LANDSCAPE,
    ),
    Example(
        id="002-second-derivative-zero",
        source=SOURCE,
        locator="Derivatives of a function; Finding minimum of a function",
        title="\"If f''(x_soln) is zero, x_soln is a saddle point\": x⁴, −x⁴ and x³ at 0",
        inputs={"functions": ("x⁴", "−x⁴", "x³"), "point": 0.0,
                "value": "signs of f(−h) − f(0) and f(h) − f(0); a saddle has opposite signs"},
        slide_value={"x⁴": (-1.0, 1.0), "−x⁴": (-1.0, 1.0), "x³": (-1.0, 1.0)},
        compute=_second_derivative_zero,
        verdict="erratum",
        explanation=(
            "The rule is wrong: f''(x_soln) = 0 is inconclusive, not a saddle. All three "
            "functions have f'(0) = f''(0) = 0, yet x⁴ has a minimum at 0 (f rises on both "
            "sides), −x⁴ a maximum (falls on both sides), and only x³ is flat and neither "
            "(an inflection point). Higher derivatives decide; in several variables a saddle "
            "is a critical point whose Hessian has eigenvalues of both signs, and it usually "
            "has no zero second derivative at all (x² − y²: f_xx = 2, f_yy = −2)."
        ),
        lessons=LANDSCAPE,
    ),
    Example(
        id="002-quadratic-minimiser",
        source=SOURCE,
        locator="SOLUTION OF UNCONSTRAINED MINIMIZATION",
        title="Zero of the gradient of x1² + x1(1 − x2) + x2² − x2x3 + x3² + x3",
        inputs={"f": "x1² + x1(1 - x2) + x2² - x2 x3 + x3² + x3"},
        slide_value=(-1.0, -1.0, -1.0),
        compute=_three_variable_minimiser,
        verdict="agrees",
        explanation=(
            "The gradient (2x1 + 1 − x2, −x1 + 2x2 − x3, −x2 + 2x3 + 1) is correct and is 0 at "
            "(−1, −1, −1): −2 + 1 + 1 = 0, 1 − 2 + 1 = 0, 1 − 2 + 1 = 0. For a quadratic, "
            "solving ∇f = 0 is one Newton step."
        ),
        lessons=(*LANDSCAPE, "10_second_order"),
    ),
    Example(
        id="002-quadratic-hessian",
        source=SOURCE,
        locator="EXAMPLE (Compute the Hessian)",
        title="Hessian of the 3-variable quadratic",
        inputs={"f": "x1² + x1(1 - x2) + x2² - x2 x3 + x3² + x3"},
        slide_value=((2.0, -1.0, 0.0), (-1.0, 2.0, -1.0), (0.0, -1.0, 2.0)),
        compute=_three_variable_hessian,
        verdict="agrees",
        explanation=(
            "Differentiating the gradient once more: ∂²f/∂x_i² = 2, the cross terms −x1x2 "
            "and −x2x3 give −1, and x1, x3 do not interact (0). It is constant, as for any "
            "quadratic."
        ),
        lessons=LANDSCAPE,
    ),
    Example(
        id="002-quadratic-eigenvalues",
        source=SOURCE,
        locator="EXAMPLE (Evaluate the eigenvalues of the Hessain matrix)",
        title="Eigenvalues of [[2, −1, 0], [−1, 2, −1], [0, −1, 2]]",
        inputs={"H": ((2.0, -1.0, 0.0), (-1.0, 2.0, -1.0), (0.0, -1.0, 2.0))},
        slide_value={"lambda_1": 3.414, "lambda_2": 0.586, "lambda_3": 2.0},
        compute=_three_variable_eigenvalues,
        verdict="agrees",
        explanation=(
            "The eigenvalues are 2 + √2 = 3.4142, 2 − √2 = 0.5858 and 2. All are positive, so "
            "(−1, −1, −1) is a minimum. The slide says 'All Eigen vectors are positive'; it "
            "means eigenvalues (an eigenvector can be flipped in sign, so a 'positive "
            "eigenvector' means nothing)."
        ),
        decimals=3,
        lessons=LANDSCAPE,
    ),
    Example(
        id="002-tanh-derivative",
        source=SOURCE,
        locator="VANISHING GRADIENTS",
        title="tanh′(4) = 1 − tanh²(4)",
        inputs={"x": 4.0},
        slide_value=0.0013,
        compute=lambda: float(activations.tanh_derivative(4.0)),
        verdict="agrees",
        explanation=(
            "1 − tanh²(4) = 0.00134, which rounds to the slide's 0.0013. The text reads "
            "'f'(x) = 1 tanh2(x)': the minus and the superscript were lost in conversion."
        ),
        decimals=4,
        lessons=LANDSCAPE,
    ),
    Example(
        id="002-error-surface-minimum",
        source=SOURCE,
        locator="NUMERICAL EXAMPLE (Compute the value that minimizes (w_1, w_2))",
        title="Minimiser and minimum of E(w1, w2)",
        inputs={"E": E_INPUTS["E"]},
        slide_value={"w1": 3.0, "w2": 4.0, "E": 0.05},
        compute=_error_surface_minimum,
        verdict="agrees",
        explanation=(
            "Both partial derivatives are linear in u = w1 − 3 and v = w2 − 4 with "
            "determinant (1/2)(2/9) − (1/6)² = 1/12 ≠ 0, so u = v = 0 is the only solution: "
            "(3, 4), where every term but 0.05 vanishes. The Hessian [[1/2, −1/6], "
            "[−1/6, 2/9]] is positive definite, so it is the minimum."
        ),
        lessons=GD + MOMENTUM,
    ),
    Example(
        id="002-gd-step-w1",
        source=SOURCE,
        locator="NUMERICAL EXAMPLE (standard gradient descent)",
        title="One gradient-descent step on E from (1.5, 2.0), η = 0.3: w1",
        inputs=E_INPUTS,
        slide_value=1.625,
        compute=lambda: float(_gd_step()[0]),
        verdict="agrees",
        explanation=(
            "∂E/∂w1 = (1.5 − 3)/2 − (2 − 4)/6 = −0.75 + 1/3 = −5/12, so "
            "w1 = 1.5 + 0.3 × 5/12 = 1.625."
        ),
        decimals=3,
        lessons=GD,
    ),
    Example(
        id="002-gd-step-w2",
        source=SOURCE,
        locator="NUMERICAL EXAMPLE (standard gradient descent)",
        title="One gradient-descent step on E from (1.5, 2.0), η = 0.3: w2",
        inputs=E_INPUTS,
        slide_value=2.05,
        compute=lambda: float(_gd_step()[1]),
        verdict="erratum",
        explanation=(
            "∂E/∂w2 = 2(2 − 4)/9 − (1.5 − 3)/6 = −4/9 + 1/4 = −7/36, so "
            "w2 = 2 + 0.3 × 7/36 = 2.0583, which rounds to 2.06. The slide cut the digits off "
            "(2.05) instead of rounding; its own momentum example adds 0.9 to 2.0583 and gets "
            "2.958, so the full value was known."
        ),
        decimals=2,
        as_slide_computed=lambda: math.floor(float(_gd_step()[1]) * 100) / 100,
        lessons=GD,
    ),
    Example(
        id="002-gd-learning-rates",
        source=SOURCE,
        locator="Gradient Descent (gd(eta = 0.05, f_grad), gd(eta = 1.1, f_grad))",
        title="x after the 10 steps of gd(eta) from x = 10 on f(x) = x²",
        inputs={"f": "x² (assumed, as in d2l)", "x0": 10.0, "steps": 10, "eta": (0.05, 1.1)},
        slide_value={"eta=0.05": 3.486784401, "eta=1.1": 61.917364224},
        compute=_gd_1d,
        verdict="agrees",
        explanation=(
            "The slide gives the code and a plot but not f; its source, d2l, uses f(x) = x² "
            "(f_grad = 2x), which we assume. Each step multiplies x by 1 − 2η, so after 10 "
            "steps x = 10 × 0.9¹⁰ = 3.4868 for η = 0.05 (slow, steady convergence) and "
            "x = 10 × (−1.2)¹⁰ = 61.917 for η = 1.1: the sign flips every step (the "
            "oscillation) and the size grows by 1.2 (divergence). GD on x² diverges for η > 1."
        ),
        decimals=6,
        lessons=GD,
    ),
    Example(
        id="002-lr-per-axis",
        source=SOURCE,
        locator="EXAMPLE (E(x, y, z) = 3x² + 2y² + 4z² + 6)",
        title="Optimal learning rate along each axis, 1/(second derivative)",
        inputs={"E": "3x² + 2y² + 4z² + 6"},
        slide_value=(1 / 6, 1 / 4, 1 / 8),
        compute=_per_axis_rates,
        verdict="agrees",
        explanation=(
            "The second derivatives are 6, 4 and 8; a step η multiplies each coordinate by "
            "1 − η × (second derivative), which is 0 (one-step convergence on that axis) for "
            "η = 1/6, 1/4, 1/8."
        ),
        lessons=GD,
    ),
    Example(
        id="002-lr-fastest",
        source=SOURCE,
        locator="EXAMPLE (E(x, y, z) = 3x² + 2y² + 4z² + 6)",
        title="The single learning rate that converges fastest",
        inputs={"E": "3x² + 2y² + 4z² + 6"},
        slide_value=0.125,
        compute=_fastest_rate,
        verdict="erratum",
        explanation=(
            "The slide takes the smallest per-axis rate, 1/8: it is the largest rate at which "
            "no coordinate overshoots, but not the fastest. With η = 1/8 the factors "
            "|1 − η × (6, 4, 8)| are (0.25, 0.5, 0), so y only halves each step. The worst "
            "factor is smallest where the extreme curvatures balance, 1 − 4η = 8η − 1, i.e. "
            "η = 2/(4 + 8) = 1/6, with factors (0, 1/3, 1/3): every coordinate shrinks at "
            "least 3-fold per step, so from any start with y ≠ 0 the error eventually "
            "shrinks faster (3-fold per step against 2-fold)."
        ),
        as_slide_computed=lambda: min(_per_axis_rates()),
        lessons=GD,
    ),
    Example(
        id="002-lr-largest-convergent",
        source=SOURCE,
        locator="EXAMPLE (E(x, y, z) = 3x² + 2y² + 4z² + 6)",
        title="Largest learning rate for convergence, min(2η_xopt, 2η_yopt, 2η_zopt)",
        inputs={"E": "3x² + 2y² + 4z² + 6"},
        slide_value=0.33,
        compute=_largest_convergent_rate,
        verdict="erratum",
        explanation=(
            "The slide's own formula gives min(2/6, 2/4, 2/8) = min(0.33, 0.5, 0.25) = 0.25, "
            "not 0.33: it took 2η_xopt = 2 × 1/6 instead of the minimum. At η = 0.33 the z "
            "coordinate is multiplied by 1 − 0.33 × 8 = −1.67 each step and diverges; the "
            "next line of the slide itself says rates above 0.25 diverge. (At exactly 0.25 z "
            "flips sign forever without shrinking, so convergence needs η < 0.25.)"
        ),
        decimals=2,
        as_slide_computed=lambda: 2 * _per_axis_rates()[0],
        lessons=GD,
    ),
    Example(
        id="002-lr-divergence",
        source=SOURCE,
        locator="EXAMPLE (E(x, y, z) = 3x² + 2y² + 4z² + 6)",
        title="Learning rate above which gradient descent diverges, 2 × 1/8",
        inputs={"E": "3x² + 2y² + 4z² + 6"},
        slide_value=0.25,
        compute=_largest_convergent_rate,
        verdict="agrees",
        explanation=(
            "Along z the factor is 1 − 8η, whose size exceeds 1 for η > 2/8 = 0.25, so any "
            "start with z ≠ 0 diverges. Correct, and it contradicts the 0.33 one line above."
        ),
        decimals=2,
        lessons=GD,
    ),
    Example(
        id="002-sgd-noise-floor",
        source=SOURCE,
        locator="STOCHASTIC GRADIENT DESCENT (sgd code, noisy gradient)",
        title="Spread of SGD around the minimum with unit gradient noise, η = 0.1",
        inputs={"f": "x1² + 2x2² (assumed, as in d2l)", "eta": 0.1, "noise": "N(0, 1)",
                "lr()": "constant 1"},
        slide_value=(1 / 36, 1 / 64),
        compute=_sgd_noise_floor,
        verdict="agrees",
        explanation=(
            "The slide states no number: this is the concrete case for 'even near the minimum, "
            "uncertainty is injected by the instantaneous gradients'. Its code adds N(0, 1) "
            "noise to the gradient; d2l runs it on x1² + 2x2² with η = 0.1, which we assume. "
            "Each step is x ← (1 − 2η)x − ηξ along x1, so the variance settles where "
            "v = 0.64 v + 0.01, at v = 1/36 (and 1/64 along x2, factor 1 − 4η): with a "
            "constant rate the iterate never settles, but jitters by about 0.17 and 0.125 "
            "(standard deviations) around the minimum. The "
            "code's 'Ir()' is lr() garbled, and it draws from np.random's global state, so "
            "its runs cannot be reproduced."
        ),
        decimals=6,
        lessons=GD,
    ),
    Example(
        id="002-exponential-lr-counter",
        source=SOURCE,
        locator="EXPONENTIAL DECAY (exponential_lr code)",
        title="First three multipliers of exponential_lr, η(t) = e^(−0.1t)",
        inputs={"lambda": 0.1, "eta0": 1.0},
        slide_value=(math.exp(-0.1), math.exp(-0.2), math.exp(-0.3)),
        compute=lambda: _seed_counter_rates(schedules.ExponentialDecay(1.0, 0.1)),
        verdict="convention",
        explanation=(
            "The slide's code increments its global t before using it, so the first update "
            "already uses e^(−0.1) = 0.905, not η0. course_lib's schedules count completed "
            "updates from 0 (schedule(0) = η0); evaluate at step + 1 to reproduce the seed."
        ),
        decimals=6,
        lessons=GD,
    ),
    Example(
        id="002-polynomial-lr-counter",
        source=SOURCE,
        locator="POLYNOMIAL DECAY (polynomial_lr code)",
        title="First three multipliers of polynomial_lr, η(t) = (1 + 0.1t)^(−0.5)",
        inputs={"alpha": 0.5, "beta": 0.1, "eta0": 1.0},
        slide_value=(1.1**-0.5, 1.2**-0.5, 1.3**-0.5),
        compute=lambda: _seed_counter_rates(schedules.PolynomialDecay(1.0, 0.5, 0.1)),
        verdict="convention",
        explanation=(
            "Same counter as exponential_lr: t is incremented before use, so the first "
            "update uses 1.1^(−1/2) = 0.953. α = 0.5 is the 'inverse square root' decay the "
            "slide describes."
        ),
        decimals=6,
        lessons=GD,
    ),
    Example(
        id="002-decay-stall",
        source=SOURCE,
        locator="EXPONENTIAL DECAY / POLYNOMIAL DECAY",
        title="Exponential decay stalls, polynomial decay converges (noise-free x1, η = 0.1)",
        inputs={"f": "x1² + 2x2² (assumed, as in d2l)", "start": (-5.0, -2.0), "eta": 0.1,
                "steps": {"exponential": 1000, "polynomial": 50}, "noise": "none"},
        slide_value={"exponential, x1 after 1000 steps": -0.676305,
                     "polynomial, x1 after 50 steps": -0.010952},
        compute=_decay_runs,
        verdict="agrees",
        explanation=(
            "The slide claims 'the algorithm fails to converge at all' with exponential decay "
            "and 'convergence gets better after only 50 steps' with polynomial decay, on d2l's "
            "runs (x1² + 2x2² from (−5, −2), η = 0.1, 1000 and 50 steps). Without the noise "
            "the reason is plain: the exponential rates add up to only "
            "0.1 × 1/(e^0.1 − 1) = 0.95, so x1 = −5 × Π(1 − 0.2e^(−0.1t)) freezes at −0.676, "
            "far from 0, however long it runs; the polynomial rates add up without bound "
            "(like √t), and x1 reaches −0.011 after 50 steps."
        ),
        decimals=6,
        lessons=GD,
    ),
    Example(
        id="002-minibatch-count",
        source=SOURCE,
        locator="Minibatch SGD (4 million examples, mini-batch size 1000)",
        title="Number of minibatches of 1000 in 4 million examples",
        inputs={"m": 4_000_000, "batch_size": 1000},
        slide_value=4000.0,
        compute=_minibatch_count,
        verdict="agrees",
        explanation="4,000,000 / 1000 = 4000 minibatches per pass over the data.",
        lessons=GD,
    ),
    Example(
        id="002-minibatch-loop-range",
        source=SOURCE,
        locator="ALGORITHM 3: MINIBATCH STOCHASTIC GRADIENT DESCENT (also Algorithms 4-6)",
        title="Minibatches visited per epoch by 'for t in range (1, m/batch_size)'",
        inputs={"m": 4_000_000, "batch_size": 1000},
        slide_value=3999.0,
        compute=_minibatch_count,
        verdict="erratum",
        explanation=(
            "Read as Python, range(1, m/batch_size) stops before its end, so the loop visits "
            "t = 1, ..., 3999 and skips the last of the 4000 minibatches every epoch (and "
            "m/batch_size is a float, which range rejects). The loop should be "
            "'for t in range(m // batch_size)' or 'range(1, m // batch_size + 1)'."
        ),
        as_slide_computed=lambda: float(len(range(1, 4_000_000 // 1000))),
        lessons=GD,
    ),
    Example(
        id="002-ellipsoid-gd",
        source=SOURCE,
        locator="MOMENTUM METHOD EXAMPLE (η = 0.4 and η = 0.6 without momentum)",
        title="Gradient descent on 0.1x1² + 2x2² from (−5, −2), 20 steps",
        inputs={"f": "0.1 x1² + 2 x2²", "start": (-5.0, -2.0), "steps": 20, "eta": (0.4, 0.6)},
        slide_value={"eta=0.4": (-0.943467, -0.000073), "eta=0.6": (-0.387814, -1673.365109)},
        compute=_ellipsoid_gd,
        verdict="agrees",
        explanation=(
            "The slide's figures are d2l's, which starts at (−5, −2) and runs 20 steps; the "
            "numbers are what d2l prints for them. Each step multiplies x1 by 1 − 0.2η and x2 "
            "by 1 − 4η. For η = 0.4 that is 0.92 and −0.6: x2 flips sign every step (the "
            "oscillation) but shrinks. For η = 0.6 it is 0.88 (x1 converges faster, as "
            "claimed) and −1.4: x2 grows 1.4²⁰ ≈ 837-fold, so the run diverges, as claimed. "
            "Gradient descent diverges here for any η > 2/4 = 0.5."
        ),
        decimals=6,
        lessons=GD + MOMENTUM,
    ),
    Example(
        id="002-ellipsoid-momentum",
        source=SOURCE,
        locator="MOMENTUM METHOD EXAMPLE (η = 0.6 with β = 0.5 and β = 0.25)",
        title="Momentum on 0.1x1² + 2x2² from (−5, −2), η = 0.6, 20 steps",
        inputs={"f": "0.1 x1² + 2 x2²", "start": (-5.0, -2.0), "steps": 20, "eta": 0.6,
                "beta": (0.5, 0.25)},
        slide_value={"beta=0.5": (0.007188, 0.002553), "beta=0.25": (-0.12634, -0.186632)},
        compute=_ellipsoid_momentum,
        verdict="convention",
        explanation=(
            "The figures are d2l's, whose momentum is the sum form v ← βv + g, w ← w − ηv "
            "(the slide's 'leaky average', whose formula was lost in conversion); the numbers "
            "are what d2l prints after 20 steps from (−5, −2). They bear out the claims: "
            "β = 0.5 ends within 0.008 of the minimum where plain GD at η = 0.6 diverged; "
            "β = 0.25 is still 0.22 away, its x2 flipping sign every step (the x2 recurrence "
            "has roots −0.29 and −0.86, against complex roots of size 0.71 for β = 0.5). The "
            "same η and β in the seed's own Algorithm 4 (v ← βv + (1−β)g) take steps "
            "(1 − β) times smaller and give other trajectories, for which the oscillation "
            "claims fail: with β = 0.25 the x2 oscillation then dies faster (by 0.5 per step "
            "against 0.71 for β = 0.5)."
        ),
        decimals=6,
        lessons=MOMENTUM,
    ),
    Example(
        id="002-momentum-forms",
        source=SOURCE,
        locator="SGD WITH MOMENTUM ALGORITHM (Algorithm 4)",
        title="First momentum step on E from rest at (1.5, 2.0), η = 0.3, β = 0.6, per form",
        inputs={"E": E_INPUTS["E"], "w": (1.5, 2.0), "v0": 0.0, "eta": 0.3, "beta": 0.6},
        slide_value=(1.55, 2.0233333),
        compute=_momentum_forms_first_step,
        verdict="convention",
        explanation=(
            "The seed writes momentum three ways: Algorithm 4 averages, v ← βv + (1−β)g, "
            "w ← w − ηv; the 'leaky average' slide (after d2l) sums, v ← βv + g; its numerical "
            "example adds β times the last displacement, which is the classic "
            "v ← βv − ηg, w ← w + v. From rest the sum and classic forms take the plain "
            "gradient step (1.625, 2.0583), while Algorithm 4 takes (1 − β) = 0.4 of it: "
            "(1.55, 2.0233). The slide computes no number here; slide_value is Algorithm 4's "
            "rule applied by hand."
        ),
        decimals=4,
        lessons=MOMENTUM,
    ),
    Example(
        id="002-effective-gradients",
        source=SOURCE,
        locator="Momentum method: Summary (effective number of gradients 1/(1−β))",
        title="Effective number of gradients 1/(1 − β) for β = 0.9 and β = 0.6",
        inputs={"beta": (0.9, 0.6)},
        slide_value={"beta=0.9": 10.0, "beta=0.6": 2.5},
        compute=lambda: {"beta=0.9": _effective_number(0.9), "beta=0.6": _effective_number(0.6)},
        verdict="agrees",
        explanation=(
            "The slide gives the formula; the concrete cases are its 'typical' β = 0.9 and the "
            "β = 0.6 of its numerical example. Unrolled, the velocity weights past gradients "
            "by 1, β, β², ..., which add up to 1/(1 − β): 10 gradients' worth for β = 0.9, "
            "2.5 for β = 0.6."
        ),
        decimals=9,
        lessons=MOMENTUM,
    ),
    Example(
        id="002-momentum-step",
        source=SOURCE,
        locator="NUMERICAL EXAMPLE (momentum)",
        title="Momentum step on E from (1.5, 2.0) after (1, 1), η = 0.3, β = 0.6",
        inputs=E_INPUTS,
        slide_value=(2.075, 2.958),
        compute=lambda: _heavy_ball_step(0.6),
        verdict="erratum",
        explanation=(
            "The rule w(t+1) = w(t) − η∂E/∂w + βΔw is right, but the problem states β = 0.6 "
            "and the arithmetic uses 0.9: w1 = 1.625 + 0.6 × 0.5 = 1.925 (slide 2.075) and "
            "w2 = 2.0583 + 0.6 × 1.0 = 2.658 (slide 2.958). The w2 line also writes βΔw_1 "
            "but uses Δw_2 = 2 − 1, which is the right one. (The stated α = 1.5 is never "
            "used; 0.9 happens to equal α × β, but no momentum rule multiplies them: 0.9 is "
            "the 'typical' β of the Momentum slide.)"
        ),
        decimals=3,
        as_slide_computed=lambda: _heavy_ball_step(0.9),
        lessons=MOMENTUM,
    ),
    Example(
        id="002-adagrad-first-step",
        source=SOURCE,
        locator="ADAGRAD ALGORITHM",
        title="First AdaGrad step on 0.1x1² + 2x2² from (−5, −2), η = 0.4, ε = 1e-6",
        inputs={"f": "0.1 x1² + 2 x2²", "start": (-5.0, -2.0), "eta": 0.4, "eps": 1e-6,
                "s0": 0.0},
        slide_value=(-4.6, -1.6),
        compute=_adagrad_first_step,
        verdict="agrees",
        explanation=(
            "Concrete case of the slide's formulas (its text lost two symbols in conversion: "
            "it should read s_t = s_{t−1} + g_t² and w_t = w_{t−1} − η/√(s_t + ε) · g_t). "
            "With s_0 = 0 the first step is η g/√(g² + ε) ≈ η × sign(g) in every coordinate, "
            "whatever the gradient's size: g = (−1, −8) moves both coordinates by 0.4. "
            "η and ε are d2l's."
        ),
        decimals=6,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adagrad-rate-decay",
        source=SOURCE,
        locator="RMSPROP (ROOT MEAN SQUARE PROP) (AdaGrad's O(t^-1/2) schedule)",
        title="AdaGrad step size under a constant gradient g = 1, η = 0.4",
        inputs={"g": 1.0, "eta": 0.4, "eps": 1e-6, "t": (1, 4, 100)},
        slide_value={"t=1": 0.4, "t=4": 0.2, "t=100": 0.04},
        compute=_adagrad_steps,
        verdict="agrees",
        explanation=(
            "The slide says AdaGrad's rate decreases like O(t^(−1/2)). With a constant "
            "gradient, s_t = t g², so step t is η/√t: 0.4, 0.2 after 4 steps and 0.04 after "
            "100, decaying on a fixed schedule whatever the landscape, which RMSProp avoids."
        ),
        decimals=6,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-rmsprop-first-step",
        source=SOURCE,
        locator="RMSPROP EXAMPLE (rmsprop_2d code)",
        title="First step of rmsprop_2d from (−5, −2), η = 0.4, γ = 0.9",
        inputs={"f": "0.1 x1² + 2 x2²", "start": (-5.0, -2.0), "eta": 0.4, "gamma": 0.9,
                "eps": 1e-6},
        slide_value=(-3.735095, -0.735089),
        compute=lambda: _rmsprop(1),
        verdict="agrees",
        explanation=(
            "The code leaves gamma and eta unset; d2l's are η = 0.4, γ = 0.9 (start (−5, −2)). "
            "From s = 0 the first average is s = 0.1 g², so the first step is "
            "ηg/√(0.1g² + ε) ≈ η√10 = 1.265 in each coordinate, about 3.2 times the step η "
            "it takes once s has caught up with g²: the start-up bias that Adam's bias "
            "correction removes."
        ),
        decimals=6,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-rmsprop-example",
        source=SOURCE,
        locator="RMSPROP EXAMPLE (rmsprop_2d code)",
        title="rmsprop_2d after 20 steps from (−5, −2), η = 0.4, γ = 0.9",
        inputs={"f": "0.1 x1² + 2 x2²", "start": (-5.0, -2.0), "steps": 20, "eta": 0.4,
                "gamma": 0.9, "eps": 1e-6},
        slide_value=(-0.010599, 0.0),
        compute=lambda: _rmsprop(20),
        verdict="agrees",
        explanation=(
            "With d2l's settings (η = 0.4, γ = 0.9, 20 steps from (−5, −2)), which the slide's "
            "code needs but does not give, d2l prints x1 = −0.010599, x2 = 0.000000: both "
            "coordinates converge although their curvatures differ 20-fold, where plain GD "
            "at η = 0.4 was still at x1 = −0.94."
        ),
        decimals=6,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-averaging-windows",
        source=SOURCE,
        locator="ADAM ALGORITHM (β1 = 0.9, β2 = 0.999)",
        title="How many gradients Adam's two averages span, 1/(1 − β)",
        inputs={"beta1": 0.9, "beta2": 0.999},
        slide_value={"beta1=0.9": 10.0, "beta2=0.999": 1000.0},
        compute=lambda: {"beta1=0.9": _effective_number(0.9),
                         "beta2=0.999": _effective_number(0.999)},
        verdict="agrees",
        explanation=(
            "The slide says 'the variance estimate moves much more slowly than the momentum "
            "term'. In numbers: the first moment averages about 1/(1 − 0.9) = 10 gradients, "
            "the second about 1/(1 − 0.999) = 1000."
        ),
        decimals=6,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-eps-placement",
        source=SOURCE,
        locator="ADAM ALGORITHM (Rescale the gradient / Compute updates)",
        title="First Adam step for a tiny gradient g = −1e-4 (η = 0.1, ε = 1e-8), per ε placement",
        inputs={"g": -1e-4, "w0": 0.0, "eta": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        slide_value=0.1 / math.sqrt(2.0),
        compute=_adam_eps_placement,
        verdict="convention",
        explanation=(
            "On one slide the seed writes ĝ = ηv̂/(√ŝ + ε) (ε outside, as its numerical "
            "example and PyTorch) and then w ← w − ηv̂/√(ŝ + ε) (ε inside, as Algorithm 6). "
            "After bias correction the first step has v̂ = g and ŝ = g², so the step is "
            "η|g|/(|g| + ε) ≈ η outside, but η|g|/√(g² + ε) inside, which is η/√2 = 0.0707 "
            "when g² = ε. With ordinary gradients the two agree; they part once g² is near ε. "
            "The seed also varies ε itself: 1e-6 (RMSProp text), 1e-7 (Algorithms 5 and 6), "
            "1e-8 (the example). slide_value is Algorithm 6's rule applied by hand."
        ),
        decimals=6,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-neuron-yhat",
        source=SOURCE,
        locator=ADAM_EXAMPLE,
        title="Forward pass ŷ = σ(wx + b)",
        inputs=ADAM_INPUTS,
        slide_value=0.0180,
        compute=_neuron_values("y_hat"),
        verdict="erratum",
        explanation=(
            "wx + b = −2.0 × 3.5 − 2.0 = −9, and σ(−9) = 0.000123. The slide's 0.0180 is "
            "σ(−4) = 0.01799, i.e. w + b with the input x = 3.5 left out, although the slide "
            "writes the product. Every later number of the example inherits this."
        ),
        decimals=4,
        as_slide_computed=lambda: float(activations.sigmoid(-2.0 + -2.0)),
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-neuron-loss",
        source=SOURCE,
        locator=ADAM_EXAMPLE,
        title="BCE loss L = −[y log ŷ + (1 − y) log(1 − ŷ)]",
        inputs=ADAM_INPUTS,
        slide_value=4.0076,
        compute=_neuron_values("loss"),
        verdict="erratum",
        explanation=(
            "With ŷ = σ(−9), L = 0.5 × 9.000123 + 0.5 × 0.000123 = 4.500123. The slide's "
            "4.0076 does not follow even from its own ŷ = 0.0180, which gives "
            "0.5 × 4.0174 + 0.5 × 0.0182 = 2.0178; we found no rule that yields 4.0076 "
            "(−ln 0.018 alone is 4.0174). The closing bracket of the formula was lost in "
            "conversion."
        ),
        decimals=4,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-neuron-grad-w",
        source=SOURCE,
        locator=ADAM_EXAMPLE,
        title="∇_w L = (ŷ − y) x",
        inputs=ADAM_INPUTS,
        slide_value=-0.493,
        compute=_neuron_values("grad_w"),
        verdict="erratum",
        explanation=(
            "(0.000123 − 0.5) × 3.5 = −1.7496. The slide writes (0.0180 − 0.5) × 3.5 but "
            "prints −0.493, which is not that product: (0.0180 − 0.5) × 3.5 = −1.687. "
            "−0.493 looks like a ŷ − y without the factor x (as for ∇_b), but for no ŷ the "
            "slide uses; we found no rule that gives it."
        ),
        decimals=3,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-neuron-grad-b",
        source=SOURCE,
        locator=ADAM_EXAMPLE,
        title="∇_b L = ŷ − y",
        inputs=ADAM_INPUTS,
        slide_value=-0.482,
        compute=_neuron_values("grad_b"),
        verdict="erratum",
        explanation=(
            "ŷ − y = 0.000123 − 0.5 = −0.49988. The formula is right and the slide applies it "
            "correctly to its own ŷ (0.0180 − 0.5 = −0.482): the error is inherited from ŷ."
        ),
        decimals=3,
        as_slide_computed=lambda: 0.0180 - 0.5,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-neuron-first-moment-w",
        source=SOURCE,
        locator=ADAM_EXAMPLE + " / Update First Moments",
        title="First moment s_W = β1 s_W + (1 − β1) ∇_w L",
        inputs=ADAM_INPUTS,
        slide_value=0.04437,
        compute=_neuron_values("s_W"),
        verdict="erratum",
        explanation=(
            "s_W = 0.9 × 0 + 0.1 × (−1.7496) = −0.17496. From its own gradient the slide "
            "should get 0.1 × (−0.493) = −0.0493; instead it writes '0.90 × 0 − 0.10 × "
            "(−0.493)', flipping the sign, and prints 0.04437 = 0.9 × 0.1 × 0.493, an extra "
            "factor β1 = 0.9. A first moment has the sign of the gradient: here negative."
        ),
        decimals=5,
        as_slide_computed=lambda: 0.9 * 0.1 * 0.493,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-neuron-first-moment-b",
        source=SOURCE,
        locator=ADAM_EXAMPLE + " / Update First Moments",
        title="First moment s_B = β1 s_B + (1 − β1) ∇_b L",
        inputs=ADAM_INPUTS,
        slide_value=0.04382,
        compute=_neuron_values("s_B"),
        verdict="erratum",
        explanation=(
            "s_B = 0.1 × (−0.49988) = −0.049988. From its own ∇_b = −0.482 the slide should "
            "get −0.0482; it prints +0.04382, with the sign flipped as for s_W, but not even "
            "the s_W slip reproduces it (0.9 × 0.1 × 0.482 = 0.04338): no single rule found."
        ),
        decimals=5,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-neuron-second-moments",
        source=SOURCE,
        locator=ADAM_EXAMPLE + " / Update Second Moments",
        title="Second moments r = β2 r + (1 − β2)(∇L)², β2 = 0.99",
        inputs=ADAM_INPUTS,
        slide_value={"r_W": 0.0001216, "r_B": 0.0001168},
        compute=_neuron_values("r_W", "r_B"),
        verdict="erratum",
        explanation=(
            "With the stated β2 = 0.99: r_W = 0.01 × 1.7496² = 0.030610 and "
            "r_B = 0.01 × 0.49988² = 0.0024988. The slide switches to β2 = 0.999 (Algorithm "
            "6's default, not this problem's), writes '− 0.001 ×' for '+ 0.001 ×', and even "
            "with its own gradients 0.001 × 0.493² = 0.000243 and 0.001 × 0.482² = 0.000232: "
            "it prints about half of those, by no single rule we could find."
        ),
        decimals=7,
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-neuron-corrected-first",
        source=SOURCE,
        locator=ADAM_EXAMPLE + " / Corrected First Moments",
        title="Bias-corrected first moments ŝ = s/(1 − β1¹)",
        inputs=ADAM_INPUTS,
        slide_value={"s_W_hat": 0.4437, "s_B_hat": 0.4382},
        compute=_neuron_values("s_W_hat", "s_B_hat"),
        verdict="erratum",
        explanation=(
            "At t = 1 the correction divides by 1 − 0.9 = 0.1 and gives back the gradients, "
            "ŝ_W = −1.7496 and ŝ_B = −0.49988. The slide divides its own (wrong, sign-flipped) "
            "first moments correctly: this step is right, the error is inherited."
        ),
        decimals=4,
        as_slide_computed=lambda: {"s_W_hat": 0.04437 / (1 - 0.9), "s_B_hat": 0.04382 / (1 - 0.9)},
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-neuron-corrected-second",
        source=SOURCE,
        locator=ADAM_EXAMPLE + " / Corrected Second Moments",
        title="Bias-corrected second moments r̂ = r/(1 − β2¹)",
        inputs=ADAM_INPUTS,
        slide_value={"r_W_hat": 0.0608, "r_B_hat": 0.0584},
        compute=_neuron_values("r_W_hat", "r_B_hat"),
        verdict="erratum",
        explanation=(
            "At t = 1 the correction gives back the squared gradients, r̂_W = 1.7496² = 3.0610 "
            "and r̂_B = 0.49988² = 0.24988. Even from its own r and its own divisor "
            "1 − 0.999 = 0.001 the slide should get 0.1216 and 0.1168; it prints half, "
            "0.0608 and 0.0584, which is dividing by 0.002 (≈ 1 − 0.999², the correction "
            "for t = 2)."
        ),
        decimals=4,
        as_slide_computed=lambda: {"r_W_hat": 0.0001216 / 0.002, "r_B_hat": 0.0001168 / 0.002},
        lessons=ADAPTIVE,
    ),
    Example(
        id="002-adam-neuron-update",
        source=SOURCE,
        locator=ADAM_EXAMPLE + " / Update Weights and Biases",
        title="w and b after one Adam step, w − η ŝ/(√r̂ + ε)",
        inputs=ADAM_INPUTS,
        slide_value={"w": -2.081, "b": -2.079},
        compute=_neuron_values("w", "b"),
        verdict="erratum",
        explanation=(
            "At t = 1 the corrected moments are g and g², so Adam's first step is "
            "η g/(|g| + ε) ≈ η × sign(g), whatever the gradient's size: both "
            "gradients are negative (ŷ is below y, so w and b must grow), so w = b = "
            "−2 + 0.1 = −1.9. The slide moves them the wrong way, because of its sign-flipped "
            "first moments, and not even by its own numbers: −2 − 0.1 × 0.4437/√0.0608 = "
            "−2.180 and −2 − 0.1 × 0.4382/√0.0584 = −2.181, not −2.081 and −2.079. No rule "
            "we found reproduces those."
        ),
        decimals=3,
        lessons=ADAPTIVE,
    ),
]
