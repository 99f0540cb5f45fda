"""Tests for course_lib.objectives: derivatives against finite differences, and the seeds'
hand-derived facts (written out here, never produced by the code under test)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib.objectives import (
    ALL_OBJECTIVES,
    Objective,
    beale,
    ellipsoid,
    error_surface,
    quadratic,
    rosenbrock,
    saddle,
    scaled_bowl,
    square,
    three_variable_quadratic,
)


def _random_quadratic_pd() -> Objective:
    rng = np.random.default_rng(11)
    m = rng.normal(size=(4, 4))
    return quadratic(m @ m.T + 4 * np.eye(4), rng.normal(size=4), c=1.5)


def _random_quadratic_indefinite() -> Objective:
    rng = np.random.default_rng(12)
    m = rng.normal(size=(3, 3))
    return quadratic(m + m.T, rng.normal(size=3))


OBJECTIVES = {name: make() for name, make in ALL_OBJECTIVES.items()}
OBJECTIVES["rosenbrock(a=-0.5, b=3)"] = rosenbrock(a=-0.5, b=3.0)
OBJECTIVES["quadratic_pd"] = _random_quadratic_pd()
OBJECTIVES["quadratic_indefinite"] = _random_quadratic_indefinite()


def _central_difference(f, x: np.ndarray, h: float) -> np.ndarray:
    """d f / d x_i ≈ (f(x + h e_i) - f(x - h e_i)) / 2h, for scalar or vector f."""
    columns = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        columns.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.stack(columns, axis=-1)


def _sample_points(dim: int, seed: int, n: int = 5) -> np.ndarray:
    # Within [-2, 2]: wide enough to leave every minimizer, small enough that Rosenbrock
    # and Beale values stay moderate and finite differences stay accurate.
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=(n, dim))


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
def test_gradient_matches_central_differences(name):
    f = OBJECTIVES[name]
    for x in _sample_points(f.dim, seed=1):
        numeric = _central_difference(f.value, x, h=1e-6)
        np.testing.assert_allclose(f.gradient(x), numeric, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
def test_hessian_matches_differences_of_gradient(name):
    f = OBJECTIVES[name]
    for x in _sample_points(f.dim, seed=2):
        numeric = _central_difference(f.gradient, x, h=1e-6)
        np.testing.assert_allclose(f.hessian(x), numeric, rtol=1e-6, atol=1e-5)
        np.testing.assert_array_equal(f.hessian(x), f.hessian(x).T)


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
def test_shapes_and_types(name):
    f = OBJECTIVES[name]
    x = _sample_points(f.dim, seed=7, n=1)[0]
    assert isinstance(f.value(x), float)
    assert f.gradient(x).shape == (f.dim,)
    assert f.hessian(x).shape == (f.dim, f.dim)
    assert f.gradient(x).dtype == np.float64


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
def test_gradient_vanishes_at_minimizer(name):
    f = OBJECTIVES[name]
    if f.minimizer is None:
        assert f.minimum is None
        return
    np.testing.assert_allclose(f.gradient(f.minimizer), 0.0, atol=1e-12)
    assert f.value(f.minimizer) == pytest.approx(f.minimum, abs=1e-12)
    # A minimum, not just a critical point: the Hessian there is positive definite.
    assert np.linalg.eigvalsh(f.hessian(f.minimizer)).min() > 0


def test_names_match_registry():
    for name, make in ALL_OBJECTIVES.items():
        f = make()
        assert f.name == name
        assert f.source


def test_stored_minimizer_is_read_only():
    f = error_surface()
    with pytest.raises(ValueError, match="read-only"):
        f.minimizer[0] = 0.0


# --- hand-derived facts from the seeds ------------------------------------------------


def test_square():
    f = square()
    # f = x², f' = 2x, f'' = 2; seed 002's gd starts at x = 10.
    assert f.value(10.0) == 100.0
    np.testing.assert_array_equal(f.gradient(10.0), [20.0])
    np.testing.assert_array_equal(f.hessian([3.0]), [[2.0]])
    np.testing.assert_array_equal(f.minimizer, [0.0])
    assert f.minimum == 0.0


def test_error_surface_seed_002_numerical_example():
    f = error_surface()
    # dE/dw1 = (w1-3)/2 - (w2-4)/6 = 0 and dE/dw2 = 2(w2-4)/9 - (w1-3)/6 = 0 give
    # (3, 4), where every term but 0.05 vanishes.
    np.testing.assert_array_equal(f.minimizer, [3.0, 4.0])
    assert f.minimum == 0.05
    assert f.value([3.0, 4.0]) == pytest.approx(0.05, abs=1e-15)
    # The seed's gradient step at (1.5, 2.0):
    # dE/dw1 = (1.5-3)/2 - (2-4)/6 = -0.75 + 1/3
    # dE/dw2 = 2(2-4)/9 - (1.5-3)/6 = -4/9 + 0.25
    g = f.gradient([1.5, 2.0])
    np.testing.assert_allclose(g, [-0.75 + 1 / 3, -4 / 9 + 0.25], rtol=1e-14)
    # One step of gradient descent with η = 0.3: 1.5 - 0.3(-0.75 + 1/3) = 1.5 + 0.125 and
    # 2 - 0.3(-4/9 + 0.25) = 2 + 0.3(4/9 - 1/4) = 2.058333... The seed prints 2.05
    # (truncated; its momentum example's 2.958 = 2.0583 + 0.9 confirms the exact value).
    np.testing.assert_allclose(
        np.array([1.5, 2.0]) - 0.3 * g, [1.625, 2 + 0.3 * (4 / 9 - 1 / 4)], rtol=1e-14
    )
    # E(1, 1) = 0.05 + 4/4 + 9/9 - (-2)(-3)/6 = 0.05 + 1 + 1 - 1
    assert f.value([1.0, 1.0]) == pytest.approx(1.05, rel=1e-14)
    np.testing.assert_allclose(f.hessian([0.0, 0.0]), [[1 / 2, -1 / 6], [-1 / 6, 2 / 9]])


def test_error_surface_is_a_quadratic():
    # Expanding E with u = w - (3, 4): E = 0.05 + ½ uᵀAu with A = ∇²E, so b = -A(3, 4)ᵀ
    # and c = 0.05 + ½ (3, 4) A (3, 4)ᵀ.
    a = np.array([[1 / 2, -1 / 6], [-1 / 6, 2 / 9]])
    center = np.array([3.0, 4.0])
    q = quadratic(a, -a @ center, 0.05 + 0.5 * center @ a @ center)
    e = error_surface()
    for x in _sample_points(2, seed=3):
        assert q.value(x) == pytest.approx(e.value(x), rel=1e-12)


def test_three_variable_quadratic_seed_002():
    f = three_variable_quadratic()
    np.testing.assert_array_equal(f.minimizer, [-1.0, -1.0, -1.0])
    # f(-1,-1,-1) = 1 + (-1)(1+1) + 1 - (-1)(-1) + 1 + (-1) = 1 - 2 + 1 - 1 + 1 - 1
    assert f.minimum == -1.0
    assert f.value([-1.0, -1.0, -1.0]) == -1.0
    # The seed's gradient (2x1+1-x2, -x1+2x2-x3, -x2+2x3+1) at (1, 2, 3):
    np.testing.assert_array_equal(f.gradient([1.0, 2.0, 3.0]), [2 + 1 - 2, -1 + 4 - 3, -2 + 6 + 1])
    h = np.array([[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
    np.testing.assert_array_equal(f.hessian([5.0, -7.0, 0.5]), h)
    # Tridiagonal (2, -1) of size 3: eigenvalues 2 - 2cos(kπ/4), k = 1, 2, 3, i.e.
    # 2 - √2, 2, 2 + √2 (the seed's 0.586, 2, 3.414).
    eig = np.linalg.eigvalsh(f.hessian([0.0, 0.0, 0.0]))
    np.testing.assert_allclose(eig, [2 - math.sqrt(2), 2, 2 + math.sqrt(2)], rtol=1e-14)


def test_scaled_bowl_seed_002_example():
    f = scaled_bowl()
    # E = 3x² + 2y² + 4z² + 6: Hessian diag(2·3, 2·2, 2·4), minimum 6 at the origin.
    np.testing.assert_array_equal(f.hessian([1.0, -2.0, 3.0]), np.diag([6.0, 4.0, 8.0]))
    np.testing.assert_array_equal(f.gradient([1.0, 1.0, 1.0]), [6.0, 4.0, 8.0])
    assert f.value([1.0, 1.0, 1.0]) == 3 + 2 + 4 + 6
    np.testing.assert_array_equal(f.minimizer, [0.0, 0.0, 0.0])
    assert f.minimum == 6.0
    # The seed's optimal per-axis rates 1/6, 1/4, 1/8 are 1 / (Hessian diagonal).
    np.testing.assert_allclose(1 / np.diag(f.hessian([0.0, 0.0, 0.0])), [1 / 6, 1 / 4, 1 / 8])


def test_saddle():
    f = saddle()
    # f = x² - y²: minimum along x, maximum along y at the origin (seed 002).
    assert f.value([2.0, 0.0]) == 4.0
    assert f.value([0.0, 2.0]) == -4.0
    np.testing.assert_array_equal(f.gradient([0.0, 0.0]), [0.0, 0.0])
    np.testing.assert_array_equal(f.gradient([1.0, 1.0]), [2.0, -2.0])
    eig = np.linalg.eigvalsh(f.hessian([0.0, 0.0]))
    assert eig.min() < 0 < eig.max()
    np.testing.assert_array_equal(eig, [-2.0, 2.0])
    assert f.minimizer is None
    assert f.minimum is None


def test_ellipsoid_seed_002_momentum_example():
    f = ellipsoid()
    # 0.1 x1² + 2 x2²: gradient (0.2 x1, 4 x2), as in the seed's rmsprop_2d.
    np.testing.assert_allclose(f.gradient([-5.0, -2.0]), [0.2 * -5.0, 4 * -2.0])
    np.testing.assert_allclose(f.hessian([1.0, 1.0]), np.diag([0.2, 4.0]))
    assert f.value([-5.0, -2.0]) == pytest.approx(0.1 * 25 + 2 * 4)
    np.testing.assert_array_equal(f.minimizer, [0.0, 0.0])


def test_rosenbrock():
    f = rosenbrock()
    np.testing.assert_array_equal(f.minimizer, [1.0, 1.0])
    assert f.minimum == 0.0
    assert f.value([1.0, 1.0]) == 0.0
    np.testing.assert_array_equal(f.gradient([1.0, 1.0]), [0.0, 0.0])
    # At (0, 0): f = 1, ∇f = (-2(1-0) - 0, 0) = (-2, 0), ∇²f = [[2, 0], [0, 200]].
    assert f.value([0.0, 0.0]) == 1.0
    np.testing.assert_array_equal(f.gradient([0.0, 0.0]), [-2.0, 0.0])
    np.testing.assert_array_equal(f.hessian([0.0, 0.0]), [[2.0, 0.0], [0.0, 200.0]])
    # At the minimum: ∇²f = [[2 - 400·1 + 1200·1, -400], [-400, 200]] = [[802, -400], [-400, 200]].
    np.testing.assert_array_equal(f.hessian([1.0, 1.0]), [[802.0, -400.0], [-400.0, 200.0]])
    g = rosenbrock(a=2.0, b=10.0)
    # Minimum at (a, a²) = (2, 4).
    np.testing.assert_array_equal(g.minimizer, [2.0, 4.0])
    assert g.value([2.0, 4.0]) == 0.0
    assert g.name != f.name


def test_beale():
    f = beale()
    np.testing.assert_array_equal(f.minimizer, [3.0, 0.5])
    assert f.minimum == 0.0
    # At (3, 0.5) every term vanishes: 1.5 - 3 + 1.5 = 0, 2.25 - 3 + 0.75 = 0,
    # 2.625 - 3 + 0.375 = 0.
    assert f.value([3.0, 0.5]) == 0.0
    np.testing.assert_array_equal(f.gradient([3.0, 0.5]), [0.0, 0.0])
    # At (0, 0): f = 1.5² + 2.25² + 2.625² = 14.203125; ∂f/∂x = Σ 2 c_i (y^i - 1)
    # = -2(1.5 + 2.25 + 2.625) = -12.75; ∂f/∂y = Σ 2 c_i · i x y^(i-1) = 0.
    assert f.value([0.0, 0.0]) == 14.203125
    np.testing.assert_array_equal(f.gradient([0.0, 0.0]), [-12.75, 0.0])
    # ∇²f(0, 0) = Σ 2 (∇u_i ∇u_iᵀ + u_i ∇²u_i) with ∇u_i = (-1, 0) and ∇²u_i = [[0, i·0^(i-1)],
    # [., 0]]: only i = 1 has an off-diagonal 1, so ∇²f = [[6, 2·1.5], [2·1.5, 0]].
    np.testing.assert_array_equal(f.hessian([0.0, 0.0]), [[6.0, 3.0], [3.0, 0.0]])


def test_quadratic_explicit_2x2():
    # f = ½ xᵀ[[2, 1], [1, 3]]x + (1, -1)ᵀx + 4 = x² + xy + 1.5y² + x - y + 4.
    f = quadratic([[2.0, 1.0], [1.0, 3.0]], [1.0, -1.0], c=4.0)
    # At (1, 2): 1 + 2 + 6 + 1 - 2 + 4 = 12; gradient (2x + y + 1, x + 3y - 1) = (5, 6).
    assert f.value([1.0, 2.0]) == 12.0
    np.testing.assert_array_equal(f.gradient([1.0, 2.0]), [5.0, 6.0])
    np.testing.assert_array_equal(f.hessian([1.0, 2.0]), [[2.0, 1.0], [1.0, 3.0]])
    # 2x + y = -1, x + 3y = 1  =>  x = -4/5, y = 3/5;
    # f = c + ½ bᵀx* = 4 + ½(-4/5 - 3/5) = 4 - 0.7.
    np.testing.assert_allclose(f.minimizer, [-0.8, 0.6], rtol=1e-14)
    assert f.minimum == pytest.approx(3.3, rel=1e-14)


def test_quadratic_without_unique_minimum():
    # Indefinite: no minimum. Singular PSD: a line of minimizers.
    assert quadratic([[1.0, 0.0], [0.0, -1.0]], [0.0, 0.0]).minimizer is None
    singular = quadratic([[1.0, 1.0], [1.0, 1.0]], [0.0, 0.0])
    assert singular.minimizer is None
    assert singular.minimum is None


def test_quadratic_one_dimensional_accepts_scalar_b():
    f = quadratic([[4.0]], 2.0)
    # 2x² + 2x: minimum at x = -1/2, value 2/4 - 1 = -1/2.
    np.testing.assert_allclose(f.minimizer, [-0.5])
    assert f.minimum == pytest.approx(-0.5)


# --- adapters for course_lib.optim ---------------------------------------------------


def test_adapters():
    f = error_surface()
    p = f.params([1.5, 2.0])
    assert set(p) == {"x"}
    assert p["x"].dtype == np.float64
    np.testing.assert_allclose(f.grad_fn(p)["x"], [-0.75 + 1 / 3, -4 / 9 + 0.25])
    np.testing.assert_allclose(f.hessian_fn(p), [[1 / 2, -1 / 6], [-1 / 6, 2 / 9]])
    # E(1.5, 2) = 0.05 + 2.25/4 + 4/9 - (-1.5)(-2)/6 = 0.05 + 0.5625 + 4/9 - 0.5
    assert f.value_fn(p) == pytest.approx(0.05 + 0.5625 + 4 / 9 - 0.5)


def test_grad_fn_keeps_scalar_shape():
    # {"x": 10.0} is what notebooks write for a 1-D problem; the gradient must match it.
    g = square().grad_fn({"x": 10.0})
    assert g["x"].shape == ()
    assert float(g["x"]) == 20.0


def test_params_copies():
    x = np.array([1.0, 2.0])
    p = error_surface().params(x)
    p["x"][0] = 99.0
    assert x[0] == 1.0


def test_runs_with_the_optimizers():
    from course_lib import optim

    f = error_surface()
    traj = optim.run(optim.SGD(lr=0.3), f.grad_fn, f.params([1.5, 2.0]), n_steps=1)
    np.testing.assert_allclose(traj.final["x"], [1.625, 2 + 0.3 * (4 / 9 - 1 / 4)], rtol=1e-14)
    # Newton solves a quadratic in one step.
    g = three_variable_quadratic()
    traj = optim.run(optim.Newton(hessian=g.hessian_fn), g.grad_fn, g.params([3, 0, 7]), 1)
    np.testing.assert_allclose(traj.final["x"], [-1.0, -1.0, -1.0], atol=1e-12)


# --- bad inputs ----------------------------------------------------------------------


def test_wrong_shape_names_expected_and_received():
    f = three_variable_quadratic()
    with pytest.raises(CourseLibError, match=r"shape \(3,\), got shape \(2,\)"):
        f.value([1.0, 2.0])
    with pytest.raises(CourseLibError, match=r"shape \(3,\), got shape \(\)"):
        f.gradient(1.0)
    with pytest.raises(CourseLibError, match=r"shape \(2,\), got shape \(2, 1\)"):
        error_surface().hessian([[1.0], [2.0]])


def test_non_finite_point():
    with pytest.raises(CourseLibError, match="x must be finite"):
        rosenbrock().value([np.nan, 1.0])
    with pytest.raises(CourseLibError, match="must be finite"):
        square().gradient(np.inf)


def test_non_numeric_point():
    with pytest.raises(CourseLibError, match="not numeric"):
        square().value("ten")


def test_params_with_wrong_key():
    with pytest.raises(CourseLibError, match=r"expects params of the form .*got keys \['w'\]"):
        error_surface().grad_fn({"w": np.zeros(2)})
    with pytest.raises(CourseLibError, match=r"params\['x'\] must be a vector of shape \(2,\)"):
        error_surface().value_fn({"x": np.zeros(3)})


def test_quadratic_bad_arguments():
    with pytest.raises(CourseLibError, match=r"A must be a square .* got shape \(2, 3\)"):
        quadratic(np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(CourseLibError, match=r"b must have shape \(2,\) .* got \(3,\)"):
        quadratic(np.eye(2), np.zeros(3))
    with pytest.raises(CourseLibError, match=r"A must be symmetric, but A\[0, 1\] = 2.0"):
        quadratic([[1.0, 2.0], [0.0, 1.0]], [0.0, 0.0])
    with pytest.raises(CourseLibError, match="finite"):
        quadratic([[np.nan]], [0.0])
    with pytest.raises(CourseLibError, match="c must be a real number"):
        quadratic(np.eye(1), [0.0], c="zero")


def test_rosenbrock_bad_arguments():
    with pytest.raises(CourseLibError, match=r"b must be > 0, got 0\.0"):
        rosenbrock(b=0.0)
    with pytest.raises(CourseLibError, match="a must be finite"):
        rosenbrock(a=math.inf)
