r"""Test functions with analytic value, gradient and Hessian, for running the optimizers on.

Each constructor returns an :class:`Objective`; ``ALL_OBJECTIVES`` maps names to the
constructors that take no arguments. The optimizers of :mod:`course_lib.optim` work on
dicts of arrays, so an objective also offers adapters over the single key ``"x"``::

    >>> from course_lib import optim
    >>> f = error_surface()
    >>> traj = optim.run(optim.SGD(lr=0.3), f.grad_fn, f.params([1.5, 2.0]), n_steps=1)
    >>> [round(float(v), 4) for v in traj.final["x"]]
    [1.625, 2.0583]

Seed numbers ("seed 002") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from course_lib._validation import (
    CourseLibError,
    Params,
    as_params,
    check_int,
    check_positive,
    check_real,
)

VectorFn = Callable[[np.ndarray], float]
VectorGrad = Callable[[np.ndarray], np.ndarray]


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=np.float64)  # a copy, so the caller's array stays writable
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Objective:
    """A function :math:`f: \\mathbb{R}^n \\to \\mathbb{R}` with its gradient and Hessian.

    Build one with the constructors of this module (:func:`error_surface`,
    :func:`rosenbrock`, :func:`quadratic`, ...) rather than directly.

    Parameters
    ----------
    name
        Short name, the key in ``ALL_OBJECTIVES`` for the fixed functions.
    dim
        Number of variables :math:`n`.
    source
        Where the function comes from: seed file and nearby heading, or
        "standard test function".
    minimizer
        The unique global minimizer, or None where there is none (the saddle) or it is
        not unique.
    minimum
        :math:`f` at ``minimizer``, or None.
    """

    name: str
    dim: int
    source: str
    _value: VectorFn = field(repr=False)
    _gradient: VectorGrad = field(repr=False)
    _hessian: VectorGrad = field(repr=False)
    minimizer: np.ndarray | None = None
    minimum: float | None = None

    def __post_init__(self) -> None:
        check_int("dim", self.dim, minimum=1)
        if self.minimizer is not None:
            # Frozen dataclass: the attribute cannot be rebound, and a read-only copy
            # stops a notebook from moving the stored minimizer by writing into it.
            object.__setattr__(self, "minimizer", _read_only(self._point(self.minimizer)))
        if self.minimum is not None:
            object.__setattr__(self, "minimum", check_real("minimum", self.minimum))

    def _point(self, x: object, what: str = "x") -> np.ndarray:
        try:
            point = np.asarray(x, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise CourseLibError(f"{self.name}: {what} is not numeric: {err}") from None
        if self.dim == 1 and point.ndim == 0:
            point = point.reshape(1)
        if point.shape != (self.dim,):
            hint = "a number or " if self.dim == 1 else ""
            raise CourseLibError(
                f"{self.name} is a function of {self.dim} variable(s): {what} must be "
                f"{hint}a vector of shape ({self.dim},), got shape {point.shape}"
            )
        if not np.isfinite(point).all():
            raise CourseLibError(f"{self.name}: {what} must be finite, got {point}")
        return point

    def value(self, x: object) -> float:
        """:math:`f(x)` at a point of shape ``(dim,)`` (a number is fine when dim is 1)."""
        return float(self._value(self._point(x)))

    def gradient(self, x: object) -> np.ndarray:
        r""":math:`\nabla f(x)`, shape ``(dim,)``."""
        return np.asarray(self._gradient(self._point(x)), dtype=np.float64)

    def hessian(self, x: object) -> np.ndarray:
        r""":math:`\nabla^2 f(x)`, shape ``(dim, dim)``."""
        return np.asarray(self._hessian(self._point(x)), dtype=np.float64)

    # Adapters for course_lib.optim, whose params are dicts of arrays.

    def params(self, x: object) -> Params:
        """``{"x": x}`` as float64, ready for ``optim.run`` or ``opt.init``."""
        return {"x": self._point(x).copy()}

    def _unpack(self, params: object) -> tuple[np.ndarray, tuple[int, ...]]:
        params = as_params(params)
        if params.keys() != {"x"}:
            raise CourseLibError(
                f"{self.name} expects params of the form {{'x': array of shape "
                f"({self.dim},)}} (see Objective.params), got keys {sorted(params)}"
            )
        return self._point(params["x"], what="params['x']"), params["x"].shape

    def grad_fn(self, params: Params) -> Params:
        """``{"x": gradient}``, shaped like ``params["x"]`` (so ``{"x": 10.0}`` works)."""
        point, shape = self._unpack(params)
        return {"x": self._gradient(point).reshape(shape)}

    def hessian_fn(self, params: Params) -> np.ndarray:
        """The ``(dim, dim)`` Hessian at ``params["x"]``, for ``optim.Newton``."""
        point, _ = self._unpack(params)
        return np.asarray(self._hessian(point), dtype=np.float64)

    def value_fn(self, params: Params) -> float:
        """:math:`f` at ``params["x"]``, e.g. for ``Trajectory.values``."""
        point, _ = self._unpack(params)
        return float(self._value(point))


def _diagonal_quadratic(
    name: str, source: str, coeffs: tuple[float, ...], offset: float = 0.0
) -> Objective:
    r""":math:`\sum_i a_i x_i^2 + c`, minimised at 0 when every :math:`a_i > 0`."""
    a = _read_only(np.array(coeffs))
    dim = a.size
    convex = bool((a > 0).all())
    return Objective(
        name=name,
        dim=dim,
        source=source,
        _value=lambda x: float(a @ (x * x)) + offset,
        _gradient=lambda x: 2.0 * a * x,
        _hessian=lambda x: np.diag(2.0 * a),
        minimizer=np.zeros(dim) if convex else None,
        minimum=offset if convex else None,
    )


def square() -> Objective:
    r""":math:`f(x) = x^2`, the one-dimensional example of gradient descent.

    Seed 002 ("Gradient Descent") runs ``gd(eta, f_grad)`` from :math:`x = 10` for
    :math:`\eta = 0.05` (slow) and :math:`\eta = 1.1` (diverging) but never states
    :math:`f`; the d2l.ai chapter the code comes from uses :math:`f(x) = x^2`, which fits
    the plots, so that is the function here. Gradient :math:`2x`; gradient descent
    multiplies :math:`x` by :math:`1 - 2\eta` each step, so it diverges for :math:`\eta > 1`.
    """
    return _diagonal_quadratic(
        "square", "seed 002 'Gradient Descent', gd(eta, f_grad) (f = x², as in d2l.ai)", (1.0,)
    )


def scaled_bowl() -> Objective:
    r""":math:`E(x, y, z) = 3x^2 + 2y^2 + 4z^2 + 6`.

    Seed 002 "EXAMPLE" (after "Effect of Learning Rate"): which learning rate makes
    gradient descent converge fastest? Along each axis the step multiplies the coordinate
    by :math:`1 - \eta h` with :math:`h = 6, 4, 8` (the Hessian's diagonal), so
    :math:`\eta = 1/h` is optimal per axis and :math:`\eta < 2/8` is needed for convergence
    of all three. Minimum 6 at the origin.
    """
    return _diagonal_quadratic(
        "scaled_bowl", "seed 002 'EXAMPLE' (optimal learning rate)", (3.0, 2.0, 4.0), 6.0
    )


def error_surface() -> Objective:
    r"""Seed 002's error function, used for its gradient-descent and momentum examples.

    .. math:: E(w_1, w_2) = 0.05 + \frac{(w_1 - 3)^2}{4} + \frac{(w_2 - 4)^2}{9}
              - \frac{(w_1 - 3)(w_2 - 4)}{6}

    Seed 002 "NUMERICAL EXAMPLE": minimum :math:`E = 0.05` at :math:`(3, 4)`; one step of
    gradient descent with :math:`\eta = 0.3` from :math:`(1.5, 2.0)` gives
    :math:`(1.625,\ 2 + 0.3\,(4/9 - 1/4)) = (1.625,\ 2.0583)`. The seed prints 2.05, a
    truncation: its momentum example adds 0.9 to the same step and gets 2.958. The
    Hessian is constant,
    :math:`\begin{pmatrix} 1/2 & -1/6 \\ -1/6 & 2/9 \end{pmatrix}`, with determinant
    :math:`1/12 > 0`, so the minimum is unique.
    """
    center = np.array([3.0, 4.0])
    h = np.array([[1 / 2, -1 / 6], [-1 / 6, 2 / 9]])

    def value(w: np.ndarray) -> float:
        u, v = w - center
        return 0.05 + u * u / 4 + v * v / 9 - u * v / 6

    return Objective(
        name="error_surface",
        dim=2,
        source="seed 002 'NUMERICAL EXAMPLE' (E(w1, w2))",
        _value=value,
        _gradient=lambda w: h @ (w - center),
        _hessian=lambda w: h.copy(),
        minimizer=center,
        minimum=0.05,
    )


def three_variable_quadratic() -> Objective:
    r"""Seed 002's worked example of unconstrained minimisation.

    .. math:: f(x_1, x_2, x_3) = x_1^2 + x_1(1 - x_2) + x_2^2 - x_2 x_3 + x_3^2 + x_3

    Seed 002 "SOLUTION OF UNCONSTRAINED MINIMIZATION" / "EXAMPLE": the gradient vanishes at
    :math:`(-1, -1, -1)` (where :math:`f = -1`) and the Hessian
    :math:`\begin{pmatrix} 2 & -1 & 0 \\ -1 & 2 & -1 \\ 0 & -1 & 2 \end{pmatrix}` has
    eigenvalues :math:`2 - \sqrt 2,\ 2,\ 2 + \sqrt 2` (the seed's 0.586, 2, 3.414), all
    positive, so it is the minimum.
    """
    h = np.array([[2.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 2.0]])

    def value(x: np.ndarray) -> float:
        x1, x2, x3 = x
        return x1 * x1 + x1 * (1 - x2) + x2 * x2 - x2 * x3 + x3 * x3 + x3

    def gradient(x: np.ndarray) -> np.ndarray:
        x1, x2, x3 = x
        return np.array([2 * x1 + 1 - x2, -x1 + 2 * x2 - x3, -x2 + 2 * x3 + 1])

    return Objective(
        name="three_variable_quadratic",
        dim=3,
        source="seed 002 'SOLUTION OF UNCONSTRAINED MINIMIZATION' / 'EXAMPLE'",
        _value=value,
        _gradient=gradient,
        _hessian=lambda x: h.copy(),
        minimizer=np.array([-1.0, -1.0, -1.0]),
        minimum=-1.0,
    )


def saddle() -> Objective:
    r""":math:`f(x, y) = x^2 - y^2`, the textbook saddle point at the origin.

    Seed 002 "SADDLE POINTS". The seed's text reads "f(x, y) = x² y²": a minus sign lost in
    conversion, since it describes (0, 0) as a "minimum wrt x and maximum wrt y", which
    only :math:`x^2 - y^2` fits. The Hessian :math:`\operatorname{diag}(2, -2)` has
    eigenvalues of both signs (seed 001 "Optimization Challenges"); :math:`f` is unbounded
    below, so there is no minimizer.
    """
    return _diagonal_quadratic(
        "saddle", "seed 002 'SADDLE POINTS' (x² − y²; the seed lost the minus)", (1.0, -1.0)
    )


def ellipsoid() -> Objective:
    r""":math:`f(x) = 0.1 x_1^2 + 2 x_2^2`, a "moderately distorted ellipsoid".

    Seed 002 "MOMENTUM METHOD EXAMPLE" (and its RMSProp example, whose gradient is
    :math:`(0.2 x_1, 4 x_2)`): curvature 0.2 along :math:`x_1` against 4 along :math:`x_2`,
    so a learning rate large enough to move along :math:`x_1` makes :math:`x_2`
    oscillate; gradient descent diverges for :math:`\eta > 2/4 = 0.5`.
    """
    return _diagonal_quadratic("ellipsoid", "seed 002 'MOMENTUM METHOD EXAMPLE'", (0.1, 2.0))


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Objective:
    r"""Rosenbrock's banana-shaped valley, a standard test of ill-conditioned descent.

    .. math:: f(x, y) = (a - x)^2 + b\,(y - x^2)^2

    Minimum 0 at :math:`(a, a^2)`, at the end of a long curved valley whose floor is
    nearly flat. Standard test function (Rosenbrock 1960).

    Parameters
    ----------
    a
        Any real number; it sets where the minimum is.
    b
        Steepness of the valley walls, :math:`b > 0` (with :math:`b = 0` the minimizer
        would not be unique).
    """
    a = check_real("a", a)
    b = check_positive("b", b)

    def value(p: np.ndarray) -> float:
        x, y = p
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def gradient(p: np.ndarray) -> np.ndarray:
        x, y = p
        r = y - x * x
        return np.array([-2 * (a - x) - 4 * b * x * r, 2 * b * r])

    def hessian(p: np.ndarray) -> np.ndarray:
        x, y = p
        return np.array([[2 - 4 * b * y + 12 * b * x * x, -4 * b * x], [-4 * b * x, 2 * b]])

    name = "rosenbrock" if (a, b) == (1.0, 100.0) else f"rosenbrock(a={a:g}, b={b:g})"
    return Objective(
        name=name,
        dim=2,
        source="standard test function",
        _value=value,
        _gradient=gradient,
        _hessian=hessian,
        minimizer=np.array([a, a * a]),
        minimum=0.0,
    )


_BEALE_C = (1.5, 2.25, 2.625)


def beale() -> Objective:
    r"""Beale's function, a standard test with flat regions and sharp corners.

    .. math:: f(x, y) = \sum_{i=1}^{3} \bigl(c_i - x + x y^i\bigr)^2,
              \qquad c = (1.5,\ 2.25,\ 2.625)

    Minimum 0 at :math:`(3, 0.5)`. Standard test function (Beale 1958).
    """

    # Each term is u_i² with u_i = c_i - x + x y^i, so the derivatives follow from those of
    # u_i: ∇f = Σ 2 u_i ∇u_i and ∇²f = Σ 2 (∇u_i ∇u_iᵀ + u_i ∇²u_i).
    def terms(p: np.ndarray) -> list[tuple[float, np.ndarray, np.ndarray]]:
        x, y = p
        out = []
        for i, c in enumerate(_BEALE_C, start=1):
            u = c - x + x * y**i
            du = np.array([y**i - 1, i * x * y ** (i - 1)])
            # Written out so y**(i - 2) is never formed for i = 1 (a division by zero at y = 0).
            d2u_yy = i * (i - 1) * x * y ** (i - 2) if i >= 2 else 0.0
            d2u = np.array([[0.0, i * y ** (i - 1)], [i * y ** (i - 1), d2u_yy]])
            out.append((u, du, d2u))
        return out

    def value(p: np.ndarray) -> float:
        return float(sum(u * u for u, _, _ in terms(p)))

    def gradient(p: np.ndarray) -> np.ndarray:
        return sum((2 * u * du for u, du, _ in terms(p)), start=np.zeros(2))

    def hessian(p: np.ndarray) -> np.ndarray:
        return sum(
            (2 * (np.outer(du, du) + u * d2u) for u, du, d2u in terms(p)), start=np.zeros((2, 2))
        )

    return Objective(
        name="beale",
        dim=2,
        source="standard test function",
        _value=value,
        _gradient=gradient,
        _hessian=hessian,
        minimizer=np.array([3.0, 0.5]),
        minimum=0.0,
    )


def quadratic(A: object, b: object, c: float = 0.0) -> Objective:
    r"""A general quadratic :math:`f(x) = \tfrac12 x^\top A x + b^\top x + c`, A symmetric.

    Gradient :math:`A x + b`, Hessian :math:`A`. When :math:`A` is positive definite the
    minimizer is :math:`x^* = -A^{-1} b` with :math:`f(x^*) = c - \tfrac12 b^\top A^{-1} b`;
    otherwise ``minimizer`` and ``minimum`` are None (a singular :math:`A` has no unique
    minimizer, an indefinite one no minimum). Every other quadratic of this module is one of
    these: ``error_surface()`` is :math:`A = \nabla^2 E`, :math:`b = -A (3, 4)^\top`.
    Near a minimum any smooth loss looks like this (seed 001 "Ill-Conditioning").

    Parameters
    ----------
    A
        Symmetric ``(n, n)`` matrix.
    b
        Vector of shape ``(n,)``.
    c
        Constant offset.
    """
    try:
        A = np.array(A, dtype=np.float64)
        b = np.array(b, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CourseLibError(f"quadratic: A and b must be numeric arrays: {err}") from None
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise CourseLibError(f"A must be a square (n, n) matrix with n >= 1, got shape {A.shape}")
    n = A.shape[0]
    if b.ndim == 0 and n == 1:
        b = b.reshape(1)
    if b.shape != (n,):
        raise CourseLibError(
            f"b must have shape ({n},) to match A of shape {A.shape}, got {b.shape}"
        )
    if not (np.isfinite(A).all() and np.isfinite(b).all()):
        raise CourseLibError("A and b must be finite (they contain NaN or inf)")
    c = check_real("c", c)
    asym = np.abs(A - A.T)
    if asym.max() > 1e-12 * max(1.0, np.abs(A).max()):
        i, j = np.unravel_index(np.argmax(asym), asym.shape)
        raise CourseLibError(
            f"A must be symmetric, but A[{i}, {j}] = {A[i, j]} while A[{j}, {i}] = {A[j, i]}; "
            "for a non-symmetric M, A = (M + M.T) / 2 gives the same function"
        )
    # Average out rounding-level asymmetry, so the Hessian is exactly symmetric.
    A = _read_only((A + A.T) / 2)
    b = _read_only(b)

    eigenvalues = np.linalg.eigvalsh(A)
    # "Positive definite" up to rounding: a smallest eigenvalue at the level of floating-
    # point noise would give a meaningless, huge minimizer.
    if eigenvalues[0] > n * np.finfo(np.float64).eps * np.abs(eigenvalues).max():
        minimizer = np.linalg.solve(A, -b)
        minimum = c + 0.5 * float(b @ minimizer)
    else:
        minimizer, minimum = None, None

    return Objective(
        name="quadratic",
        dim=n,
        source="standard test function",
        _value=lambda x: 0.5 * float(x @ A @ x) + float(b @ x) + c,
        _gradient=lambda x: A @ x + b,
        _hessian=lambda x: A.copy(),
        minimizer=minimizer,
        minimum=minimum,
    )


ALL_OBJECTIVES: dict[str, Callable[[], Objective]] = {
    "square": square,
    "scaled_bowl": scaled_bowl,
    "error_surface": error_surface,
    "three_variable_quadratic": three_variable_quadratic,
    "saddle": saddle,
    "ellipsoid": ellipsoid,
    "rosenbrock": rosenbrock,
    "beale": beale,
}
"""Name -> constructor for every objective that needs no arguments."""
