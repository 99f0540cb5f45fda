r"""Parameter penalties (L2, L1, elastic net) and their analysis on a quadratic.

The seeds scale the same penalty in three ways, and each is a named ``scaling`` here,
with :math:`\Omega` the squared L2 norm (:math:`\sum w^2`, the squared Frobenius norm for
a matrix) or the L1 norm (:math:`\sum |w|`) summed over the penalized parameters:

- ``"lambda_over_2n"``: :math:`\frac{\lambda}{2N}\,\Omega(w)`, seed 000 (for L2 *and* L1);
- ``"lambda_over_2"``: :math:`\frac{\lambda}{2}\,\Omega(w)`, seed 001 (Goodfellow eq. 7.2),
  seed 003 "Weight Decay", seed 004 sec. 2.11;
- ``"lambda"``: :math:`\lambda\,\Omega(w)`, seed 004 sec. 1.6 (L2), seed 001 (L1 and
  elastic net).

Which parameters are penalized: by default every parameter whose name does **not** start
with ``"b"`` (so ``"W1"``, ``"w"`` are penalized and ``"b"``, ``"b1"`` are not), because
the seeds leave biases alone (seed 000 "We can omit regularization on :math:`w_0`",
seed 001 "Typically not applied on Bias terms", seed 004 sec. 1.6 item 3). Pass
``exclude=("b1", "b2")`` to name the unpenalized parameters yourself, or ``exclude=()``
to penalize everything.

The second half is the analysis of seed 001 on the quadratic approximation
:math:`\hat J(w) = J(w^*) + \tfrac12 (w - w^*)^\top H (w - w^*)`: the L2 optimum
:math:`\tilde w = (H + \alpha I)^{-1} H w^*` shrinks the component of :math:`w^*` along
each eigenvector of :math:`H` by :math:`\lambda_i/(\lambda_i + \alpha)`; L1 with a
diagonal Hessian soft-thresholds; and :math:`\tau` steps of gradient descent from 0 with
step :math:`\epsilon` shrink by :math:`1 - (1 - \epsilon\lambda_i)^\tau`, which matches
L2 with :math:`\alpha \approx 1/(\epsilon\tau)`.

>>> import numpy as np
>>> l2_penalty({"w": np.array([3.0, 4.0]), "b": np.array(10.0)}, lam=2.0)
25.0
>>> soft_threshold(np.array([-3.0, 0.5, 2.0]), 1.0).tolist()
[-2.0, 0.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from course_lib._validation import (
    CourseLibError,
    Params,
    as_params,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
)

SCALINGS = ("lambda_over_2n", "lambda_over_2", "lambda")
"""The penalty scalings, from seed 000's :math:`\\lambda/(2N)` to seed 004's :math:`\\lambda`."""


# --------------------------------------------------------------------------------------
# Which parameters, and with what coefficient
# --------------------------------------------------------------------------------------


def penalized_names(params: Params, exclude: Iterable[str] | None = None) -> list[str]:
    """The names of the parameters a penalty applies to, in ``params`` order.

    ``exclude=None`` (the default) leaves out every name starting with ``"b"`` (biases);
    otherwise exactly the names in ``exclude`` are left out, and each must be a key of
    ``params`` (a misspelt name would silently penalize a bias).

    >>> penalized_names({"W1": 0.0, "b1": 0.0, "W2": 0.0, "b2": 0.0})
    ['W1', 'W2']
    """
    if exclude is None:
        return [k for k in params if not k.startswith("b")]
    if isinstance(exclude, str):
        raise CourseLibError(
            f"exclude must be a tuple of parameter names, got the string {exclude!r}; "
            f"write exclude=({exclude!r},)"
        )
    excluded = set(exclude)
    unknown = sorted(excluded - set(params))
    if unknown:
        raise CourseLibError(
            f"exclude names {unknown}, which are not parameters; the parameters are "
            f"{sorted(params)}"
        )
    return [k for k in params if k not in excluded]


def penalty_coefficient(lam: float, scaling: str, n: int | None = None) -> float:
    r"""The factor c before the norm: :math:`\lambda/(2N)`, :math:`\lambda/2` or :math:`\lambda`.

    ``n`` (the number of training examples :math:`N`) is required with
    ``scaling="lambda_over_2n"`` and refused otherwise, so that a forgotten or a
    meaningless :math:`N` is caught.

    >>> penalty_coefficient(0.5, "lambda_over_2n", n=10)
    0.025
    """
    lam = check_nonnegative("lam", lam)
    check_choice("scaling", scaling, SCALINGS)
    if scaling == "lambda_over_2n":
        if n is None:
            raise CourseLibError(
                "scaling='lambda_over_2n' divides by the number of examples N: pass n=N"
            )
        return lam / (2.0 * check_int("n", n, minimum=1))
    if n is not None:
        raise CourseLibError(
            f"n={n!r} is only used with scaling='lambda_over_2n', not with scaling={scaling!r}"
        )
    return lam / 2.0 if scaling == "lambda_over_2" else lam


def _params_and_coefficient(params, lam, scaling, n, exclude):
    params = as_params(params)
    return params, penalized_names(params, exclude), penalty_coefficient(lam, scaling, n)


def _zero_grads(params: Params) -> Params:
    return {k: np.zeros_like(v) for k, v in params.items()}


# --------------------------------------------------------------------------------------
# L2
# --------------------------------------------------------------------------------------


def l2_penalty(
    params: Params,
    lam: float,
    *,
    scaling: str = "lambda_over_2",
    n: int | None = None,
    exclude: Iterable[str] | None = None,
) -> float:
    r"""The L2 penalty :math:`c \sum_k \lVert W_k \rVert_F^2` over the penalized parameters.

    :math:`c` is :math:`\lambda/(2N)` (seed 000 "Regularization - Neural Network"),
    :math:`\lambda/2` (default; Goodfellow eq. 7.2 in seed 001 "L2 Regularization", seed
    003 "Weight Decay") or :math:`\lambda` (seed 004 sec. 1.6); see :data:`SCALINGS`.
    For a matrix the squared Frobenius norm is the sum of squares of all entries.

    Parameters
    ----------
    params
        Name -> array; not modified.
    lam
        :math:`\lambda \ge 0`.
    scaling
        ``"lambda_over_2n"``, ``"lambda_over_2"`` or ``"lambda"``.
    n
        The number of training examples, with ``scaling="lambda_over_2n"`` only.
    exclude
        Unpenalized parameter names; ``None`` means every name starting with ``"b"``.
    """
    params, names, c = _params_and_coefficient(params, lam, scaling, n, exclude)
    return c * float(sum(np.sum(params[k] ** 2) for k in names))


def l2_penalty_grad(
    params: Params,
    lam: float,
    *,
    scaling: str = "lambda_over_2",
    n: int | None = None,
    exclude: Iterable[str] | None = None,
) -> Params:
    r"""The gradient :math:`2c\,W` of :func:`l2_penalty`: a dict with every key of ``params``.

    Excluded parameters get zeros, so the result can be added to the data-loss gradient
    key by key: with ``scaling="lambda_over_2n"`` it is seed 000's
    :math:`\frac{\lambda}{N} W`, with ``"lambda_over_2"`` seed 003's :math:`\lambda W`
    (Goodfellow eq. 7.3 :math:`\alpha w`).
    """
    params, names, c = _params_and_coefficient(params, lam, scaling, n, exclude)
    grads = _zero_grads(params)
    for k in names:
        grads[k] = 2.0 * c * params[k]
    return grads


# --------------------------------------------------------------------------------------
# L1
# --------------------------------------------------------------------------------------


def l1_subgradient(w: np.ndarray) -> np.ndarray:
    r"""A subgradient of :math:`\lVert w\rVert_1`: :math:`\operatorname{sign}(w)`, with 0 at 0.

    :math:`|w|` has no derivative at 0, where any value in :math:`[-1, 1]` is a
    subgradient; 0 is the choice of seed 001's :math:`\alpha\,\operatorname{sign}(w)`
    (``np.sign(0) == 0``) and the one that leaves an exact zero where it is.

    >>> l1_subgradient(np.array([-2.0, 0.0, 0.3])).tolist()
    [-1.0, 0.0, 1.0]
    """
    return np.sign(np.asarray(w, dtype=np.float64))


def l1_penalty(
    params: Params,
    lam: float,
    *,
    scaling: str = "lambda",
    n: int | None = None,
    exclude: Iterable[str] | None = None,
) -> float:
    r"""The L1 penalty :math:`c \sum_k \sum_{ij} |W_{k,ij}|` over the penalized parameters.

    :math:`c` is :math:`\lambda` (default; seed 001 "L1 Regularization"
    :math:`\alpha\lVert w\rVert_1`), :math:`\lambda/2`, or :math:`\lambda/(2N)` (seed
    000 writes its L1 penalty :math:`\frac{\lambda}{2N}\lVert w\rVert_1`, with the same
    factor as its L2 one). Arguments as in :func:`l2_penalty`.
    """
    params, names, c = _params_and_coefficient(params, lam, scaling, n, exclude)
    return c * float(sum(np.sum(np.abs(params[k])) for k in names))


def l1_penalty_grad(
    params: Params,
    lam: float,
    *,
    scaling: str = "lambda",
    n: int | None = None,
    exclude: Iterable[str] | None = None,
) -> Params:
    r"""The subgradient :math:`c\,\operatorname{sign}(W)` of :func:`l1_penalty` (0 at 0).

    Seed 001: :math:`\nabla_w \tilde J = \alpha\,\operatorname{sign}(w) + \nabla_w J`.
    Excluded parameters get zeros. See :func:`l1_subgradient` for the choice at 0.
    """
    params, names, c = _params_and_coefficient(params, lam, scaling, n, exclude)
    grads = _zero_grads(params)
    for k in names:
        grads[k] = c * l1_subgradient(params[k])
    return grads


# --------------------------------------------------------------------------------------
# Elastic net
# --------------------------------------------------------------------------------------


def _check_fraction(name: str, value: object) -> float:
    value = check_real(name, value)
    if not 0.0 <= value <= 1.0:
        raise CourseLibError(f"{name} must lie in [0, 1], got {value}")
    return value


def elastic_net_penalty(
    params: Params,
    lam: float,
    alpha: float,
    *,
    scaling: str = "lambda",
    n: int | None = None,
    exclude: Iterable[str] | None = None,
) -> float:
    r"""Seed 001's elastic net :math:`c\,(\alpha\lVert w\rVert_2^2 + (1-\alpha)\lVert w\rVert_1)`.

    Seed 001 "Elastic Net Regularization" (Zou and Hastie):
    :math:`J = \text{MSE} + \lambda(\alpha\sum\lVert w\rVert_2^2 + (1-\alpha)\sum\lVert w\rVert_1)`,
    so ``alpha`` is the weight of the **L2** part: 1 gives :func:`l2_penalty` with
    ``scaling="lambda"``, 0 gives :func:`l1_penalty`. :math:`c = \lambda` by default (as
    in the seed); the other :data:`SCALINGS` are accepted too.

    scikit-learn writes the penalty as :math:`a\bigl(\rho\lVert w\rVert_1 +
    \tfrac{1-\rho}{2}\lVert w\rVert_2^2\bigr)` (:func:`elastic_net_penalty_sklearn`), with
    ``l1_ratio`` :math:`\rho` the weight of the **L1** part. Matching the two terms,
    :math:`\lambda(1-\alpha) = a\rho` and :math:`\lambda\alpha = a(1-\rho)/2`, gives

    .. math:: a = \lambda(1 + \alpha), \quad \rho = \frac{1-\alpha}{1+\alpha};
              \qquad \lambda = \frac{a(1+\rho)}{2}, \quad \alpha = \frac{1-\rho}{1+\rho}

    (:func:`elastic_net_to_sklearn`, :func:`elastic_net_from_sklearn`). This maps the
    penalties only: sklearn's data term is :math:`\frac{1}{2n}\lVert y - Xw\rVert^2`, not
    the MSE.
    """
    alpha = _check_fraction("alpha", alpha)
    params, names, c = _params_and_coefficient(params, lam, scaling, n, exclude)
    sq = float(sum(np.sum(params[k] ** 2) for k in names))
    ab = float(sum(np.sum(np.abs(params[k])) for k in names))
    return c * (alpha * sq + (1.0 - alpha) * ab)


def elastic_net_penalty_grad(
    params: Params,
    lam: float,
    alpha: float,
    *,
    scaling: str = "lambda",
    n: int | None = None,
    exclude: Iterable[str] | None = None,
) -> Params:
    r"""The (sub)gradient of :func:`elastic_net_penalty`.

    .. math:: c\,\bigl(2\alpha W + (1-\alpha)\operatorname{sign}(W)\bigr)

    Excluded parameters get zeros; 0 is the subgradient chosen at 0 (:func:`l1_subgradient`).
    """
    alpha = _check_fraction("alpha", alpha)
    params, names, c = _params_and_coefficient(params, lam, scaling, n, exclude)
    grads = _zero_grads(params)
    for k in names:
        grads[k] = c * (2.0 * alpha * params[k] + (1.0 - alpha) * l1_subgradient(params[k]))
    return grads


def elastic_net_penalty_sklearn(
    params: Params,
    alpha: float,
    l1_ratio: float,
    *,
    exclude: Iterable[str] | None = None,
) -> float:
    r"""scikit-learn's elastic-net penalty.

    .. math:: a\bigl(\rho\lVert w\rVert_1 + \tfrac{1-\rho}{2}\lVert w\rVert_2^2\bigr)

    ``alpha`` is sklearn's :math:`a` and ``l1_ratio`` its :math:`\rho` (the weight of the
    L1 part), as in ``sklearn.linear_model.ElasticNet(alpha=a, l1_ratio=ρ)``, whose
    objective adds this to :math:`\frac{1}{2n}\lVert y - Xw\rVert^2`. See
    :func:`elastic_net_penalty` for the map to seed 001's :math:`(\lambda, \alpha)`.
    """
    l1_ratio = _check_fraction("l1_ratio", l1_ratio)
    params, names, a = _params_and_coefficient(params, alpha, "lambda", None, exclude)
    sq = float(sum(np.sum(params[k] ** 2) for k in names))
    ab = float(sum(np.sum(np.abs(params[k])) for k in names))
    return a * (l1_ratio * ab + 0.5 * (1.0 - l1_ratio) * sq)


def elastic_net_penalty_sklearn_grad(
    params: Params,
    alpha: float,
    l1_ratio: float,
    *,
    exclude: Iterable[str] | None = None,
) -> Params:
    r"""The (sub)gradient :math:`a\,(\rho\operatorname{sign}(W) + (1-\rho) W)`.

    Of :func:`elastic_net_penalty_sklearn`; excluded parameters get zeros.
    """
    l1_ratio = _check_fraction("l1_ratio", l1_ratio)
    params, names, a = _params_and_coefficient(params, alpha, "lambda", None, exclude)
    grads = _zero_grads(params)
    for k in names:
        grads[k] = a * (l1_ratio * l1_subgradient(params[k]) + (1.0 - l1_ratio) * params[k])
    return grads


def elastic_net_to_sklearn(lam: float, alpha: float) -> tuple[float, float]:
    r"""Seed 001's :math:`(\lambda, \alpha)` as sklearn's ``(alpha, l1_ratio)``.

    .. math:: a = \lambda(1+\alpha), \qquad \rho = \frac{1-\alpha}{1+\alpha}

    >>> elastic_net_to_sklearn(2.0, 0.5)
    (3.0, 0.3333333333333333)
    """
    lam = check_nonnegative("lam", lam)
    alpha = _check_fraction("alpha", alpha)
    return lam * (1.0 + alpha), (1.0 - alpha) / (1.0 + alpha)


def elastic_net_from_sklearn(alpha: float, l1_ratio: float) -> tuple[float, float]:
    r"""sklearn's ``(alpha, l1_ratio)`` :math:`(a, \rho)` as seed 001's :math:`(\lambda, \alpha)`.

    .. math:: \lambda = \frac{a(1+\rho)}{2}, \qquad \alpha = \frac{1-\rho}{1+\rho}

    >>> elastic_net_from_sklearn(4.0, 0.5)
    (3.0, 0.3333333333333333)
    """
    a = check_nonnegative("alpha", alpha)
    rho = _check_fraction("l1_ratio", l1_ratio)
    return a * (1.0 + rho) / 2.0, (1.0 - rho) / (1.0 + rho)


# --------------------------------------------------------------------------------------
# Soft threshold: L1 with a diagonal Hessian
# --------------------------------------------------------------------------------------


def soft_threshold(z: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    r"""The soft-threshold operator :math:`S_t(z) = \operatorname{sign}(z)\max(|z| - t, 0)`.

    It is the minimizer of :math:`\tfrac12 (w - z)^2 + t|w|`: values within :math:`t` of
    zero become exactly zero and the others move :math:`t` towards zero. ``t`` (a number
    or an array broadcasting against ``z``) must be :math:`\ge 0`.
    """
    z = np.asarray(z, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    if not (np.isfinite(z).all() and np.isfinite(t).all()):
        raise CourseLibError("soft_threshold needs finite z and t, got NaN or inf")
    if (t < 0).any():
        raise CourseLibError(f"the threshold t must be >= 0, got {t.min()}")
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def l1_diagonal_hessian_solution(
    w_star: np.ndarray, hessian_diag: np.ndarray, alpha: float
) -> np.ndarray:
    r"""The minimizer of the L1-penalized quadratic with a diagonal Hessian (seed 001).

    Seed 001 "L1 Regularization", for diagonal :math:`H`:

    .. math:: \hat J(w) = J(w^*) + \sum_i \Bigl[\tfrac12 H_{ii}(w_i - w_i^*)^2 + \alpha|w_i|\Bigr],
              \qquad
              w_i = \operatorname{sign}(w_i^*)\max\Bigl\{|w_i^*| - \frac{\alpha}{H_{ii}}, 0\Bigr\}

    i.e. :func:`soft_threshold` of :math:`w^*` at :math:`\alpha/H_{ii}`. Every
    :math:`H_{ii}` must be > 0.
    """
    w_star = _as_vector("w_star", w_star)
    h = _as_vector("hessian_diag", hessian_diag)
    if h.shape != w_star.shape:
        raise CourseLibError(
            f"hessian_diag has shape {h.shape} but w_star has shape {w_star.shape}"
        )
    if (h <= 0).any():
        raise CourseLibError(
            f"every diagonal Hessian entry must be > 0 (a convex quadratic), got {h.tolist()}"
        )
    alpha = check_nonnegative("alpha", alpha)
    return soft_threshold(w_star, alpha / h)


# --------------------------------------------------------------------------------------
# L2 on a quadratic: eigen-shrinkage (seed 001 "L2 Regularization - Analysis")
# --------------------------------------------------------------------------------------


class Shrinkage(NamedTuple):
    r"""Per-eigendirection shrinkage of :math:`w^*`.

    ``factors[i]`` multiplies the component of :math:`w^*` along ``eigenvectors[:, i]``;
    ``eigenvalues`` are ascending (``numpy.linalg.eigh``'s order), the columns of
    ``eigenvectors`` are :math:`Q` in :math:`H = Q\Lambda Q^\top`.
    """

    factors: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray


def _as_vector(name: str, value: object) -> np.ndarray:
    try:
        v = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CourseLibError(f"{name} must be a numeric vector: {err}") from None
    if v.ndim != 1:
        raise CourseLibError(f"{name} must be a 1-D vector, got shape {v.shape}")
    if not np.isfinite(v).all():
        raise CourseLibError(f"{name} contains NaN or inf")
    return v


def check_psd(H: object, name: str = "H") -> tuple[np.ndarray, np.ndarray]:
    r"""Check that ``H`` is a symmetric positive semi-definite matrix; return its eigenpairs.

    Returns ``(eigenvalues, Q)`` from ``numpy.linalg.eigh`` (ascending). Eigenvalues that
    are negative only by rounding (within :math:`10^{-10}` of the largest magnitude) are
    set to 0; a clearly negative one is an error, because the seed's analysis assumes a
    convex loss ("H is pdm").
    """
    try:
        h = np.asarray(H, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CourseLibError(f"{name} must be a numeric matrix: {err}") from None
    if h.ndim != 2 or h.shape[0] != h.shape[1] or h.shape[0] == 0:
        raise CourseLibError(f"{name} must be a square matrix, got shape {h.shape}")
    if not np.isfinite(h).all():
        raise CourseLibError(f"{name} contains NaN or inf")
    scale = max(float(np.abs(h).max()), np.finfo(float).tiny)
    asym = float(np.abs(h - h.T).max())
    if asym > 1e-10 * scale:
        raise CourseLibError(
            f"{name} must be symmetric (a Hessian is), but {name} - {name}.T has an entry "
            f"of size {asym:.3g}"
        )
    eigenvalues, q = np.linalg.eigh((h + h.T) / 2.0)
    tol = 1e-10 * max(float(np.abs(eigenvalues).max()), np.finfo(float).tiny)
    if eigenvalues[0] < -tol:
        raise CourseLibError(
            f"{name} must be positive semi-definite (a convex quadratic), but it has the "
            f"eigenvalue {eigenvalues[0]:.6g} < 0"
        )
    return np.maximum(eigenvalues, 0.0), q


def _l2_factors(eigenvalues: np.ndarray, alpha: float, name: str = "H") -> np.ndarray:
    if alpha == 0.0 and (eigenvalues == 0.0).any():
        raise CourseLibError(
            f"alpha = 0 with a singular {name}: λ/(λ + α) is 0/0 along a zero eigenvalue "
            "(the unregularized minimum is not unique); use alpha > 0"
        )
    return eigenvalues / (eigenvalues + alpha)


def shrinkage_factors(H: np.ndarray, alpha: float) -> Shrinkage:
    r"""The L2 shrinkage :math:`\lambda_i / (\lambda_i + \alpha)` along each eigenvector of ``H``.

    Seed 001 "L2 Regularization - Analysis": :math:`(\Lambda + \alpha I)^{-1}\Lambda
    \iff \frac{\lambda_i}{\lambda_i + \alpha}`. Directions of high curvature
    (:math:`\lambda_i \gg \alpha`) keep their component of :math:`w^*`; directions of low
    curvature (:math:`\lambda_i \ll \alpha`) lose it.

    Parameters
    ----------
    H
        Symmetric positive semi-definite Hessian at :math:`w^*`.
    alpha
        :math:`\alpha \ge 0` (0 only for a non-singular ``H``).
    """
    eigenvalues, q = check_psd(H)
    alpha = check_nonnegative("alpha", alpha)
    return Shrinkage(_l2_factors(eigenvalues, alpha), eigenvalues, q)


def shrinkage_matrix(H: np.ndarray, alpha: float) -> np.ndarray:
    r"""The matrix :math:`Q(\Lambda + \alpha I)^{-1}\Lambda Q^\top = (H + \alpha I)^{-1} H`.

    It maps :math:`w^*` to the L2-regularized optimum :math:`\tilde w` (seed 001 "L2
    Regularization - Analysis", the :math:`3\times3` example with :math:`\alpha = 2`).
    """
    factors, _, q = shrinkage_factors(H, alpha)
    return (q * factors) @ q.T


def l2_regularized_optimum(H: np.ndarray, w_star: np.ndarray, alpha: float) -> np.ndarray:
    r"""The minimizer :math:`\tilde w = (H + \alpha I)^{-1} H w^*` of the L2-penalized quadratic.

    Seed 001 "L2 Regularization - Analysis": setting the gradient of
    :math:`\tfrac12 (w - w^*)^\top H (w - w^*) + \tfrac{\alpha}{2} w^\top w` to zero gives
    :math:`(H + \alpha I)\tilde w = H w^*`, solved here directly (no inverse).
    """
    eigenvalues, _ = check_psd(H)
    h = np.asarray(H, dtype=np.float64)
    w_star = _as_vector("w_star", w_star)
    if w_star.shape != (h.shape[0],):
        raise CourseLibError(
            f"w_star must have {h.shape[0]} entries to match H {h.shape}, got shape "
            f"{w_star.shape}"
        )
    alpha = check_nonnegative("alpha", alpha)
    _l2_factors(eigenvalues, alpha)  # the same singular-H check as shrinkage_factors
    return np.linalg.solve(h + alpha * np.eye(h.shape[0]), h @ w_star)


# --------------------------------------------------------------------------------------
# Early stopping as L2 (seed 001 "Regularization - Early Stopping Theory")
# --------------------------------------------------------------------------------------


def early_stopping_equivalent_alpha(lr: float, n_steps: int) -> float:
    r"""The L2 strength :math:`\alpha \approx 1/(\epsilon\tau)` that early stopping mimics.

    Seed 001 "Early Stopping Theory" equates the two shrinkages,
    :math:`(1 - \epsilon\lambda_i)^\tau = \alpha/(\lambda_i + \alpha)`. For small
    :math:`\epsilon\lambda_i` and large :math:`\alpha`, the left side is
    :math:`\approx 1 - \tau\epsilon\lambda_i` and the right side
    :math:`(1 + \lambda_i/\alpha)^{-1} \approx 1 - \lambda_i/\alpha`, so
    :math:`\tau\epsilon = 1/\alpha`: training for :math:`\tau` steps of size
    :math:`\epsilon` acts like L2 with :math:`\alpha \approx 1/(\epsilon\tau)` (Goodfellow
    eq. 7.45). The seed's last slide prints :math:`\alpha \approx \epsilon\tau`, which
    inverts the relation: more training means *less* regularization.

    >>> early_stopping_equivalent_alpha(0.01, 50)
    2.0
    """
    lr = check_positive("lr", lr)
    n_steps = check_int("n_steps", n_steps, minimum=1)
    return 1.0 / (lr * n_steps)


def early_stopping_factors(H: np.ndarray, lr: float, n_steps: int) -> Shrinkage:
    r"""The exact shrinkage :math:`1 - (1 - \epsilon\lambda_i)^\tau` of gradient descent from 0.

    Seed 001 "Early Stopping Theory": on :math:`\hat J(w) = J(w^*) +
    \tfrac12 (w - w^*)^\top H (w - w^*)`, :math:`\tau` steps of gradient descent with step
    :math:`\epsilon` from :math:`w^{(0)} = 0` give
    :math:`Q^\top w^{(\tau)} = [I - (I - \epsilon\Lambda)^\tau]\, Q^\top w^*`.
    Compare with :func:`shrinkage_factors` at :math:`\alpha = 1/(\epsilon\tau)`
    (:func:`early_stopping_equivalent_alpha`): with :math:`x = \epsilon\tau\lambda_i`,
    early stopping gives :math:`\approx 1 - e^{-x} = x - x^2/2 + \dots` and L2 gives
    :math:`x/(1 + x) = x - x^2 + \dots`, so they agree to first order in :math:`x`
    (directions with :math:`\lambda_i \ll \alpha`, which both all but remove); along
    directions with :math:`\lambda_i \gg \alpha` both factors approach 1.

    Parameters
    ----------
    H
        Symmetric positive semi-definite Hessian.
    lr
        Step size :math:`\epsilon > 0`; gradient descent must not diverge, so
        :math:`\epsilon\lambda_\max < 2` (the seed's :math:`|1 - \epsilon\lambda_i| < 1`).
    n_steps
        :math:`\tau \ge 0`.
    """
    eigenvalues, q = check_psd(H)
    lr = check_positive("lr", lr)
    n_steps = check_int("n_steps", n_steps)
    if lr * eigenvalues[-1] >= 2.0:
        raise CourseLibError(
            f"lr = {lr} is too large for this H: gradient descent diverges unless "
            f"lr·λ_max < 2, and λ_max = {eigenvalues[-1]:.6g} (so lr must be < "
            f"{2.0 / eigenvalues[-1]:.6g})"
        )
    return Shrinkage(1.0 - (1.0 - lr * eigenvalues) ** n_steps, eigenvalues, q)


def early_stopping_matrix(H: np.ndarray, lr: float, n_steps: int) -> np.ndarray:
    r"""The matrix :math:`Q[I - (I - \epsilon\Lambda)^\tau]Q^\top` with :math:`w^{(\tau)} = M w^*`.

    The counterpart of :func:`shrinkage_matrix` for early stopping: the gradient-descent
    iterate after ``n_steps`` steps from 0 is this matrix times :math:`w^*`.
    """
    factors, _, q = early_stopping_factors(H, lr, n_steps)
    return (q * factors) @ q.T
