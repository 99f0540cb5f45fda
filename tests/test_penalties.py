"""course_lib.penalties: values, gradients, soft threshold, eigen-shrinkage, early stopping.

Every expected number is derived by hand in the test (or by central differences, or by
running gradient descent), never by calling the function under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import CourseLibError, optim
from course_lib import penalties as pen
from course_lib.gradcheck import numerical_gradient, relative_error

# A weight matrix, a bias and a second weight vector. Penalized by default: W and w2
# (names not starting with "b"). Sum of squares 1 + 4 + 9 + 0 + 0.25 = 14.25, sum of
# absolute values 1 + 2 + 3 + 0 + 0.5 = 6.5.
W = np.array([[1.0, -2.0], [3.0, 0.0]])
B = np.array([5.0, 5.0])
W2 = np.array([0.5])


def params():
    return {"W": W.copy(), "b": B.copy(), "w2": W2.copy()}


def close(actual, expected, tol=1e-12):
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol)


# --------------------------------------------------------------------------------------
# L2, L1, elastic net: values and gradients by hand
# --------------------------------------------------------------------------------------

# (scaling, n, c) with c the factor before the norm, for λ = 2:
# λ/(2N) with N = 4 -> 0.25; λ/2 -> 1; λ -> 2
SCALINGS = [("lambda_over_2n", 4, 0.25), ("lambda_over_2", None, 1.0), ("lambda", None, 2.0)]


@pytest.mark.parametrize(("scaling", "n", "c"), SCALINGS)
def test_l2_value_and_gradient_by_hand(scaling, n, c):
    value = pen.l2_penalty(params(), 2.0, scaling=scaling, n=n)
    close(value, c * 14.25)  # 3.5625, 14.25, 28.5
    grads = pen.l2_penalty_grad(params(), 2.0, scaling=scaling, n=n)
    close(grads["W"], 2 * c * W)  # seed 000: (λ/N) W = 0.5 W; seed 003: λW = 2W
    close(grads["w2"], 2 * c * W2)
    close(grads["b"], [0.0, 0.0])  # the bias is not penalized


def test_l2_seed000_gradient_is_lambda_over_n_times_w():
    # seed 000: ∇L2(W) = ∇L(W) + (λ/N) W; λ = 3, N = 6 -> 0.5 W
    grads = pen.l2_penalty_grad({"W": W}, 3.0, scaling="lambda_over_2n", n=6)
    close(grads["W"], 0.5 * W)


@pytest.mark.parametrize(("scaling", "n", "c"), SCALINGS)
def test_l1_value_and_subgradient_by_hand(scaling, n, c):
    value = pen.l1_penalty(params(), 2.0, scaling=scaling, n=n)
    close(value, c * 6.5)  # 1.625, 6.5, 13
    grads = pen.l1_penalty_grad(params(), 2.0, scaling=scaling, n=n)
    close(grads["W"], c * np.array([[1.0, -1.0], [1.0, 0.0]]))  # sign, 0 at the zero entry
    close(grads["w2"], [c])
    close(grads["b"], [0.0, 0.0])


def test_default_scalings_are_goodfellows():
    # L2 default: α/2 wᵀw (eq. 7.2) -> 14.25 for α = 2; L1 default: α‖w‖₁ -> 13
    close(pen.l2_penalty(params(), 2.0), 14.25)
    close(pen.l1_penalty(params(), 2.0), 13.0)


def test_frobenius_norm_is_the_sum_of_all_squared_entries():
    m = np.arange(6.0).reshape(2, 3)  # 0 + 1 + 4 + 9 + 16 + 25 = 55
    close(pen.l2_penalty({"W1": m}, 1.0, scaling="lambda"), 55.0)
    close(pen.l2_penalty({"W1": m}, 1.0, scaling="lambda"), np.linalg.norm(m, "fro") ** 2)


def test_exclude_names_the_unpenalized_parameters():
    # exclude=() penalizes the bias too: 14.25 + 25 + 25 = 64.25
    close(pen.l2_penalty(params(), 1.0, scaling="lambda", exclude=()), 64.25)
    # exclude only W: b and w2 penalized -> 50 + 0.25
    close(pen.l2_penalty(params(), 1.0, scaling="lambda", exclude=("W",)), 50.25)
    grads = pen.l2_penalty_grad(params(), 1.0, scaling="lambda", exclude=("W",))
    close(grads["W"], np.zeros((2, 2)))
    close(grads["b"], [10.0, 10.0])
    assert pen.penalized_names({"W1": 0, "b1": 0, "beta": 0, "W2": 0}) == ["W1", "W2"]


def test_elastic_net_seed001_by_hand():
    # λ(α‖w‖² + (1-α)‖w‖₁) with λ = 2, α = 0.25: 2(0.25·14.25 + 0.75·6.5) = 16.875
    close(pen.elastic_net_penalty(params(), 2.0, 0.25), 16.875)
    grads = pen.elastic_net_penalty_grad(params(), 2.0, 0.25)
    # 2(2·0.25·W + 0.75·sign W) = W + 1.5 sign W
    close(grads["W"], W + 1.5 * np.sign(W))
    close(grads["b"], [0.0, 0.0])
    # the two ends are L2 (scaling "lambda") and L1
    close(pen.elastic_net_penalty(params(), 2.0, 1.0), 2 * 14.25)
    close(pen.elastic_net_penalty(params(), 2.0, 0.0), 2 * 6.5)


def test_elastic_net_sklearn_form_and_the_map_between_the_two():
    # sklearn: a(ρ‖w‖₁ + (1-ρ)/2 ‖w‖²). a = 3, ρ = 1/3: 3(6.5/3 + (1/3)·14.25) = 20.75
    close(pen.elastic_net_penalty_sklearn(params(), 3.0, 1 / 3), 20.75)
    # matching terms: λ(1-α) = aρ and λα = a(1-ρ)/2, so λ = 2, α = 0.5 <-> a = 3, ρ = 1/3:
    # seed 001 gives 2(0.5·14.25 + 0.5·6.5) = 20.75 too
    close(pen.elastic_net_penalty(params(), 2.0, 0.5), 20.75)
    close(pen.elastic_net_to_sklearn(2.0, 0.5), (3.0, 1 / 3))
    close(pen.elastic_net_from_sklearn(3.0, 1 / 3), (2.0, 0.5))
    grads = pen.elastic_net_penalty_sklearn_grad(params(), 3.0, 1 / 3)
    close(grads["W"], 3 * (np.sign(W) / 3 + (2 / 3) * W))


def test_l1_subgradient_is_zero_at_zero():
    close(pen.l1_subgradient(np.array([-3.0, -0.0, 0.0, 1e-300])), [-1.0, 0.0, 0.0, 1.0])


# --------------------------------------------------------------------------------------
# Gradients against central differences
# --------------------------------------------------------------------------------------


def _check_against_central_differences(value_fn, grad_fn, point):
    grads = grad_fn(point)
    for key in point:
        def f(v, key=key):
            return value_fn({**point, key: v})

        numeric = numerical_gradient(f, point[key])
        assert relative_error(grads[key], numeric) < 1e-8, key


@pytest.mark.parametrize(("scaling", "n", "_c"), SCALINGS)
def test_penalty_gradients_match_central_differences(scaling, n, _c):
    rng = np.random.default_rng(3)
    # entries away from 0, where |w| is differentiable
    point = {
        "W1": rng.uniform(0.2, 1.0, (3, 2)) * rng.choice([-1, 1], (3, 2)),
        "b1": rng.normal(size=2),
    }
    kw = {"scaling": scaling, "n": n}
    for value, grad in [
        (pen.l2_penalty, pen.l2_penalty_grad),
        (pen.l1_penalty, pen.l1_penalty_grad),
    ]:
        _check_against_central_differences(
            lambda p, value=value: value(p, 0.7, **kw),
            lambda p, grad=grad: grad(p, 0.7, **kw),
            point,
        )
    _check_against_central_differences(
        lambda p: pen.elastic_net_penalty(p, 0.7, 0.3, **kw),
        lambda p: pen.elastic_net_penalty_grad(p, 0.7, 0.3, **kw),
        point,
    )
    _check_against_central_differences(
        lambda p: pen.elastic_net_penalty_sklearn(p, 0.7, 0.3),
        lambda p: pen.elastic_net_penalty_sklearn_grad(p, 0.7, 0.3),
        point,
    )


# --------------------------------------------------------------------------------------
# Soft threshold and L1 with a diagonal Hessian
# --------------------------------------------------------------------------------------


def test_soft_threshold_by_hand():
    z = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5])
    # t = 1: move 1 towards 0, and anything within 1 of 0 becomes 0
    close(pen.soft_threshold(z, 1.0), [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.5])
    close(pen.soft_threshold(z, 0.0), z)
    close(pen.soft_threshold(np.array([3.0, 3.0]), np.array([1.0, 4.0])), [2.0, 0.0])


def test_l1_diagonal_hessian_solution_by_hand():
    # seed 001: w_i = sign(w*_i) max(|w*_i| - α/H_ii, 0). With α = 2:
    # w* = 3, H = 2 -> threshold 1 -> 2; w* = -0.5, H = 1 -> threshold 2 -> 0;
    # w* = -2, H = 4 -> threshold 0.5 -> -1.5
    w = pen.l1_diagonal_hessian_solution([3.0, -0.5, -2.0], [2.0, 1.0, 4.0], 2.0)
    close(w, [2.0, 0.0, -1.5])


def test_l1_diagonal_hessian_solution_minimizes_the_objective():
    # independent check: brute-force each 1-D problem ½H(w - w*)² + α|w| on a fine grid
    w_star, h, alpha = np.array([1.3, -0.2, -4.0]), np.array([0.5, 3.0, 1.5]), 0.6
    grid = np.linspace(-6, 6, 1_200_001)  # spacing 1e-5
    for i in range(3):
        objective = 0.5 * h[i] * (grid - w_star[i]) ** 2 + alpha * np.abs(grid)
        best = grid[np.argmin(objective)]
        got = pen.l1_diagonal_hessian_solution(w_star, h, alpha)[i]
        assert abs(got - best) < 2e-5


@given(
    z=arrays(np.float64, 5, elements=st.floats(-1e3, 1e3)),
    t=st.floats(0, 1e3),
)
@settings(max_examples=50, deadline=None)
def test_soft_threshold_properties(z, t):
    s = pen.soft_threshold(z, t)
    assert np.all(np.abs(s) <= np.abs(z))  # shrinks
    assert np.all(s * z >= 0)  # never flips a sign
    big = np.abs(z) > t
    close(s[big], z[big] - t * np.sign(z[big]), tol=1e-9)
    assert np.all(s[~big] == 0.0)


# --------------------------------------------------------------------------------------
# L2 on a quadratic: the seed 001 3x3 example and the eigen-shrinkage
# --------------------------------------------------------------------------------------

H3 = np.array([[2.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 2.0]])
SLIDE = np.array([[0.46, -0.14, -0.04], [-0.14, 0.43, -0.14], [-0.04, -0.14, 0.46]])


def test_seed001_three_by_three_example_alpha_2():
    # Q(Λ + 2I)⁻¹ΛQᵀ = (H + 2I)⁻¹H = I - 2(H + 2I)⁻¹.
    # H + 2I = [[4,-1,0],[-1,4,-1],[0,-1,4]] has determinant 4·15 - 1·4 = 56 and adjugate
    # [[15,4,1],[4,16,4],[1,4,15]], so (H + 2I)⁻¹ = adj/56 and
    # I - 2·adj/56 = I - adj/28 = [[13,-4,-1],[-4,12,-4],[-1,-4,13]] / 28
    # = [[0.4643, -0.1429, -0.0357], [-0.1429, 0.4286, -0.1429], [-0.0357, -0.1429, 0.4643]]
    expected = np.array([[13.0, -4.0, -1.0], [-4.0, 12.0, -4.0], [-1.0, -4.0, 13.0]]) / 28
    close(pen.shrinkage_matrix(H3, 2.0), expected)
    # every entry the slide prints is the exact value rounded to two decimals
    # (-1/28 = -0.0357 -> -0.04, 12/28 = 0.4286 -> 0.43): no erratum here
    np.testing.assert_array_equal(np.round(expected, 2), SLIDE)


def test_seed001_alpha_0_gives_the_identity():
    # slide: Q Λ⁻¹ Λ Qᵀ = I (no regularization, H non-singular)
    close(pen.shrinkage_matrix(H3, 0.0), np.eye(3))


def test_shrinkage_factors_of_the_three_by_three_example():
    # eigenvalues of tridiag(-1, 2, -1): 2 - 2cos(kπ/4) = 2 - √2, 2, 2 + √2 with
    # eigenvectors sin(jkπ/4): [1, √2, 1]/2, [1, 0, -1]/√2, [1, -√2, 1]/2
    r2 = np.sqrt(2.0)
    lams = np.array([2 - r2, 2.0, 2 + r2])
    result = pen.shrinkage_factors(H3, 2.0)
    close(result.eigenvalues, lams)
    close(result.factors, lams / (lams + 2.0))  # 0.2265, 0.5, 0.7735
    close(result.factors, [(2 - r2) / (4 - r2), 0.5, (2 + r2) / (4 + r2)])
    vectors = [np.array([1, r2, 1]) / 2, np.array([1, 0, -1]) / r2, np.array([1, -r2, 1]) / 2]
    for i, v in enumerate(vectors):
        close(abs(result.eigenvectors[:, i] @ v), 1.0)  # the same direction, up to sign


def test_l2_regularized_optimum_is_the_stationary_point():
    # seed 001: α w̃ + H(w̃ - w*) = 0
    w_star = np.array([1.0, -2.0, 0.5])
    w = pen.l2_regularized_optimum(H3, w_star, 2.0)
    close(2.0 * w + H3 @ (w - w_star), np.zeros(3))
    # and it is the 3x3 matrix above applied to w*
    close(w, np.array([[13, -4, -1], [-4, 12, -4], [-1, -4, 13]]) @ w_star / 28)


@given(seed=st.integers(0, 2**32 - 1), a1=st.floats(0.01, 10), a2=st.floats(0.01, 10))
@settings(max_examples=30, deadline=None)
def test_shrinkage_factors_lie_in_0_1_and_fall_as_alpha_grows(seed, a1, a2):
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(4, 4))
    h = m @ m.T
    f1 = pen.shrinkage_factors(h, min(a1, a2)).factors
    f2 = pen.shrinkage_factors(h, max(a1, a2)).factors
    assert np.all((f1 >= 0) & (f1 <= 1))
    assert np.all(f2 <= f1 + 1e-12)


# --------------------------------------------------------------------------------------
# Early stopping as L2
# --------------------------------------------------------------------------------------


def test_equivalent_alpha_is_one_over_lr_times_steps():
    # α ≈ 1/(ετ): ε = 0.01, τ = 50 -> 2; the seed's slide prints α ≈ ετ = 0.5 instead
    close(pen.early_stopping_equivalent_alpha(0.01, 50), 2.0)
    close(pen.early_stopping_equivalent_alpha(1e-3, 4000), 0.25)


def test_early_stopping_factors_by_hand():
    # 1 - (1 - ελ)^τ with ε = 0.1, τ = 2 on H = diag(1, 4):
    # λ = 1: 1 - 0.9² = 0.19; λ = 4: 1 - 0.6² = 0.64
    result = pen.early_stopping_factors(np.diag([4.0, 1.0]), 0.1, 2)
    close(result.eigenvalues, [1.0, 4.0])
    close(result.factors, [0.19, 0.64])


def test_early_stopping_matrix_is_gradient_descent_from_zero():
    # run τ steps of gradient descent on ½(w - w*)ᵀH(w - w*) from 0 and compare
    w_star = np.array([1.0, -2.0, 0.5])
    lr, tau = 0.2, 7
    traj = optim.run(
        optim.SGD(lr=lr), lambda p: {"w": H3 @ (p["w"] - w_star)}, {"w": np.zeros(3)}, tau
    )
    close(pen.early_stopping_matrix(H3, lr, tau) @ w_star, traj.final["w"])


def test_early_stopping_and_l2_factors_approach_each_other():
    # With α = 1/(ετ) and x = ετλ = λ/α, early stopping gives 1 - (1 - ελ)^τ ≈ 1 - e^{-x}
    # = x - x²/2 + ... and L2 gives λ/(λ + α) = x/(1 + x) = x - x² + ...: they agree to
    # first order, so the gap is O(x²) and vanishes as α grows (ε fixed and small).
    eps = 1e-5
    lams = np.array([2 - np.sqrt(2), 2.0, 2 + np.sqrt(2)])
    gaps = []
    for alpha in (10.0, 100.0, 1000.0):
        tau = round(1 / (eps * alpha))  # 10000, 1000, 100 steps
        es = pen.early_stopping_factors(H3, eps, tau).factors
        l2 = pen.shrinkage_factors(H3, pen.early_stopping_equivalent_alpha(eps, tau)).factors
        gap = np.abs(es - l2)
        assert np.all(gap <= (lams / alpha) ** 2)  # O(x²), with room to spare (≈ x²/2)
        gaps.append(gap.max())
    assert gaps[0] > 10 * gaps[1] > 100 * gaps[2]


def test_the_slides_alpha_equals_lr_times_steps_is_the_wrong_way_round():
    # ε = 1e-3, τ = 100: the derivation gives α = 1/(ετ) = 10, the slide α = ετ = 0.1.
    # Early-stopping factors 1 - (1 - ελ)^100 ≈ 0.057, 0.181, 0.290; L2 at α = 10 gives
    # 0.055, 0.167, 0.255 (close); at α = 0.1 it gives 0.85, 0.95, 0.97 (far off).
    es = pen.early_stopping_factors(H3, 1e-3, 100).factors
    lams = np.array([2 - np.sqrt(2), 2.0, 2 + np.sqrt(2)])
    close(es, 1 - (1 - 1e-3 * lams) ** 100)
    right = pen.shrinkage_factors(H3, 10.0).factors
    wrong = pen.shrinkage_factors(H3, 0.1).factors
    assert np.abs(es - right).max() < 0.04
    assert np.abs(es - wrong).max() > 0.75


# --------------------------------------------------------------------------------------
# Purity and errors
# --------------------------------------------------------------------------------------


def test_inputs_are_not_mutated():
    p = params()
    for v in p.values():
        v.flags.writeable = False
    h = H3.copy()
    h.flags.writeable = False
    pen.l2_penalty_grad(p, 1.0)
    pen.l1_penalty_grad(p, 1.0)
    pen.elastic_net_penalty_grad(p, 1.0, 0.5)
    pen.elastic_net_penalty_sklearn_grad(p, 1.0, 0.5)
    pen.shrinkage_matrix(h, 1.0)
    pen.early_stopping_matrix(h, 0.1, 3)
    pen.l2_regularized_optimum(h, np.ones(3), 1.0)
    close(p["W"], W)
    close(h, H3)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: pen.l2_penalty(params(), -1.0), r"lam must be >= 0, got -1.0"),
        (lambda: pen.l2_penalty(params(), 1.0, scaling="mean"), r"scaling must be one of"),
        (lambda: pen.l2_penalty(params(), 1.0, scaling="lambda_over_2n"), r"pass n=N"),
        (lambda: pen.l1_penalty(params(), 1.0, n=5), r"n=5 is only used with scaling='lambda_over_2n'"),
        (lambda: pen.l2_penalty(params(), 1.0, scaling="lambda_over_2n", n=0), r"n must be >= 1"),
        (lambda: pen.l2_penalty(params(), 1.0, exclude=("bias",)), r"exclude names \['bias'\]"),
        (lambda: pen.l2_penalty(params(), 1.0, exclude="b"), r"write exclude=\('b',\)"),
        (lambda: pen.l2_penalty([1.0], 1.0), r"params must be a dict"),
        (lambda: pen.elastic_net_penalty(params(), 1.0, 1.5), r"alpha must lie in \[0, 1\], got 1.5"),
        (lambda: pen.elastic_net_penalty_sklearn(params(), 1.0, -0.1), r"l1_ratio must lie in \[0, 1\]"),
        (lambda: pen.soft_threshold(np.ones(2), -1.0), r"threshold t must be >= 0"),
        (lambda: pen.l1_diagonal_hessian_solution([1.0], [0.0], 1.0), r"diagonal Hessian entry must be > 0"),
        (lambda: pen.l1_diagonal_hessian_solution([1.0, 2.0], [1.0], 1.0), r"hessian_diag has shape"),
        (lambda: pen.shrinkage_factors(np.ones((2, 3)), 1.0), r"H must be a square matrix, got shape \(2, 3\)"),
        (lambda: pen.shrinkage_factors(np.array([[1.0, 2.0], [0.0, 1.0]]), 1.0), r"H must be symmetric"),
        (lambda: pen.shrinkage_factors(np.diag([1.0, -1.0]), 1.0), r"positive semi-definite.*-1"),
        (lambda: pen.shrinkage_factors(np.diag([1.0, 0.0]), 0.0), r"alpha = 0 with a singular H"),
        (lambda: pen.l2_regularized_optimum(H3, np.ones(2), 1.0), r"w_star must have 3 entries"),
        (lambda: pen.early_stopping_factors(H3, 1.0, 5), r"lr = 1.0 is too large.*must be < 0.58578"),
        (lambda: pen.early_stopping_equivalent_alpha(0.0, 5), r"lr must be > 0, got 0.0"),
        (lambda: pen.early_stopping_equivalent_alpha(0.1, 0), r"n_steps must be >= 1, got 0"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, match):
    with pytest.raises(CourseLibError, match=match):
        call()
