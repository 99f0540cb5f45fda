# ruff: noqa: E741  (the inputs are called I, as on seed 001's slides)
r"""Baldi and Sadowski's analysis of dropout on a single linear unit (seed 001).

Seed 001, "Regularization – Dropout. Understanding Dropout, Baldi, NIPS2013" (three
slides). A linear unit with weights :math:`w`, inputs :math:`I` and target :math:`t`; the
full network (N, the "ensemble") and a dropout network (D) have the errors

.. math:: E_N = \tfrac12\Bigl(t - \sum_i p_i w_i I_i\Bigr)^2, \qquad
          E_D = \tfrac12\Bigl(t - \sum_i \delta_i w_i I_i\Bigr)^2, \qquad
          \delta_i \sim \text{Bernoulli}(p_i),

where :math:`p_i` is the probability of KEEPING input :math:`i` (the slides' :math:`p`,
as in :mod:`course_lib.dropout`; every function here also accepts ``p_drop`` =
:math:`1 - p_i`). Since :math:`\mathbb E[\delta_i] = p_i`,
:math:`\mathbb E[\delta_i^2] = p_i` and :math:`\mathbb E[\delta_i\delta_j] = p_ip_j` for
:math:`i \ne j`, the expected dropout gradient is the ensemble gradient plus a weight-decay
term:

.. math:: \mathbb E\Bigl[\frac{\partial E_D}{\partial w_i}\Bigr]
          = \frac{\partial E_N}{\partial w_i} + w_i\, p_i(1 - p_i)\, I_i^2 ,

the gradient of the regularized error

.. math:: E_R = \tfrac12\Bigl(t - \sum_i p_i w_i I_i\Bigr)^2
               + \tfrac12\sum_i p_i(1 - p_i)\, w_i^2 I_i^2 ,

which is also exactly :math:`\mathbb E[E_D]` (the mean square is the squared mean plus the
variance of :math:`\sum_i \delta_i w_i I_i`). The regularizer is strongest at
:math:`p_i = \tfrac12`, where :math:`p(1-p)` peaks: Baldi's answer to the slide's "Why
:math:`p = 0.5` is recommended?".

The slide writes :math:`E_R` without the :math:`\tfrac12` on the penalty; the gradient of
that expression is :math:`\partial E_N/\partial w_i + 2 w_i p_i(1-p_i) I_i^2`, twice the
boxed term. Baldi and Sadowski (2013, eq. for the linear case) have the :math:`\tfrac12`.
:func:`regularized_error` is the correct version, :func:`regularized_error_slide` the
slide's literal one, so a notebook can show both.

The input vector is called ``I`` to match the slides (hence the file-wide ``noqa: E741``).

>>> import numpy as np
>>> w, I = np.array([1.0, -2.0]), np.array([0.5, 1.0])
>>> expected_dropout_gradient_exact(w, I, 1.0, p_keep=0.5)      # all 4 masks
array([-0.375, -1.375])
>>> baldi_closed_form(w, I, 1.0, p_keep=0.5)
array([-0.375, -1.375])

Seed numbers ("seed 001") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib._validation import (
    CourseLibError,
    check_array,
    check_int,
    check_real,
    check_rng,
)

MAX_EXACT_UNITS = 20
"""Enumerating all :math:`2^n` masks is refused above this many inputs (about a million)."""

_CHUNK = 1 << 15  # masks (or Monte-Carlo samples) handled per block, to bound memory


# --------------------------------------------------------------------------------------
# argument checks


def _unit(w: object, I: object, t: object) -> tuple[np.ndarray, np.ndarray, float]:
    w = check_array("w", w, ndim=1)
    I = check_array("I", I, ndim=1)
    if w.size == 0:
        raise CourseLibError("w must have at least one weight, got an empty array")
    if I.shape != w.shape:
        raise CourseLibError(
            f"I must have one input per weight: w has shape {w.shape} but I has shape {I.shape}"
        )
    return w, I, check_real("t", t)


def keep_probabilities(
    n: int, *, p_drop: object = None, p_keep: object = None
) -> np.ndarray:
    r"""The keep probabilities :math:`p_1, \dots, p_n` from exactly one of ``p_keep``, ``p_drop``.

    Each may be a number (the same for every unit) or an array of ``n`` values, one per
    unit (Baldi's :math:`p_i`). Here 0 and 1 are allowed for both (a unit that is always
    dropped or always kept is a valid limit of the analysis, unlike in a layer).

    >>> keep_probabilities(3, p_drop=0.2).tolist()
    [0.8, 0.8, 0.8]
    """
    n = check_int("n", n, minimum=1)
    if (p_drop is None) == (p_keep is None):
        given = "both" if p_drop is not None else "neither"
        raise CourseLibError(
            "give exactly one of p_keep= (probability of keeping a unit, seed 001's p) or "
            f"p_drop= (probability of zeroing it); got {given} "
            f"(p_keep={p_keep!r}, p_drop={p_drop!r})"
        )
    name, value = ("p_keep", p_keep) if p_keep is not None else ("p_drop", p_drop)
    p = check_array(name, value)
    if p.ndim == 0:
        p = np.full(n, float(p))
    if p.shape != (n,):
        raise CourseLibError(
            f"{name} must be a number or an array of {n} values (one per input), "
            f"got shape {p.shape}"
        )
    if ((p < 0.0) | (p > 1.0)).any():
        bad = p[(p < 0.0) | (p > 1.0)][0]
        raise CourseLibError(f"{name} must lie in [0, 1], got {bad}")
    return p if name == "p_keep" else 1.0 - p


def _check_mask(mask: object, n: int) -> np.ndarray:
    mask = check_array("mask", mask, ndim=1)
    if mask.shape != (n,):
        raise CourseLibError(f"mask must have one entry per input ({n}), got shape {mask.shape}")
    bad = ~np.isin(mask, (0.0, 1.0))
    if bad.any():
        raise CourseLibError(f"mask must hold only 0 (dropped) and 1 (kept), got {mask[bad][0]}")
    return mask


# --------------------------------------------------------------------------------------
# one mask


def dropout_error(w: np.ndarray, I: np.ndarray, t: float, mask: np.ndarray) -> float:
    r""":math:`E_D = \tfrac12(t - \sum_i \delta_i w_i I_i)^2` for one mask :math:`\delta`."""
    w, I, t = _unit(w, I, t)
    mask = _check_mask(mask, w.size)
    return 0.5 * float(t - np.dot(mask * w, I)) ** 2


def dropout_gradient(w: np.ndarray, I: np.ndarray, t: float, mask: np.ndarray) -> np.ndarray:
    r""":math:`\partial E_D/\partial w` for one mask :math:`\delta` (seed 001, second slide).

    .. math:: \frac{\partial E_D}{\partial w_i} = -t\delta_i I_i + w_i\delta_i^2 I_i^2
              + \sum_{j \ne i} w_j \delta_i\delta_j I_i I_j
              = -\Bigl(t - \sum_j \delta_j w_j I_j\Bigr)\delta_i I_i .

    A dropped input (:math:`\delta_i = 0`) gets a zero gradient.
    """
    w, I, t = _unit(w, I, t)
    mask = _check_mask(mask, w.size)
    return -(t - np.dot(mask * w, I)) * mask * I


# --------------------------------------------------------------------------------------
# the expectation over masks: exact, Monte Carlo, closed form


def _all_masks(n: int, start: int, stop: int) -> np.ndarray:
    """Masks number ``start`` to ``stop - 1`` of the :math:`2^n`: bit i of k is unit i."""
    k = np.arange(start, stop, dtype=np.int64)
    return ((k[:, None] >> np.arange(n)) & 1).astype(np.float64)


def _mask_probabilities(masks: np.ndarray, p: np.ndarray) -> np.ndarray:
    # products of p_i (kept) and 1 - p_i (dropped); exact zeros when some p_i is 0 or 1
    return np.prod(np.where(masks == 1.0, p, 1.0 - p), axis=1)


def _check_exact_size(n: int) -> None:
    if n > MAX_EXACT_UNITS:
        raise CourseLibError(
            f"exact enumeration needs all 2^n dropout masks: with n={n} inputs that is "
            f"{2**n:,} masks, more than the limit n <= {MAX_EXACT_UNITS}. Use "
            "expected_dropout_gradient_mc or the closed form baldi_closed_form instead"
        )


def expected_dropout_gradient_exact(
    w: np.ndarray,
    I: np.ndarray,
    t: float,
    *,
    p_keep: object = None,
    p_drop: object = None,
) -> np.ndarray:
    r""":math:`\mathbb E[\partial E_D/\partial w]` by summing over all :math:`2^n` masks.

    .. math:: \sum_{\delta \in \{0,1\}^n} \Bigl(\prod_i p_i^{\delta_i}(1-p_i)^{1-\delta_i}\Bigr)
              \frac{\partial E_D}{\partial w}(\delta)

    No formula for the expectation is used, which is what makes it a check of
    :func:`baldi_closed_form`. Refused for ``n > 20`` inputs.

    Parameters
    ----------
    w, I, t
        Weights and inputs (1-D, same length) and the target.
    p_keep, p_drop
        Exactly one; a number or one value per input.
    """
    w, I, t = _unit(w, I, t)
    n = w.size
    p = keep_probabilities(n, p_keep=p_keep, p_drop=p_drop)
    _check_exact_size(n)
    total = np.zeros(n)
    for start in range(0, 2**n, _CHUNK):
        masks = _all_masks(n, start, min(start + _CHUNK, 2**n))
        residual = t - masks @ (w * I)
        grads = -residual[:, None] * masks * I
        total += _mask_probabilities(masks, p) @ grads
    return total


def expected_dropout_error_exact(
    w: np.ndarray,
    I: np.ndarray,
    t: float,
    *,
    p_keep: object = None,
    p_drop: object = None,
) -> float:
    r""":math:`\mathbb E[E_D]` by summing over all :math:`2^n` masks (equal to :math:`E_R`)."""
    w, I, t = _unit(w, I, t)
    n = w.size
    p = keep_probabilities(n, p_keep=p_keep, p_drop=p_drop)
    _check_exact_size(n)
    total = 0.0
    for start in range(0, 2**n, _CHUNK):
        masks = _all_masks(n, start, min(start + _CHUNK, 2**n))
        total += float(_mask_probabilities(masks, p) @ (0.5 * (t - masks @ (w * I)) ** 2))
    return total


class MonteCarloGradient(NamedTuple):
    """A Monte-Carlo estimate: the ``mean`` of the sampled gradients and its standard error."""

    mean: np.ndarray
    stderr: np.ndarray
    n_samples: int


def expected_dropout_gradient_mc(
    w: np.ndarray,
    I: np.ndarray,
    t: float,
    *,
    p_keep: object = None,
    p_drop: object = None,
    n_samples: int,
    rng: np.random.Generator,
) -> MonteCarloGradient:
    r""":math:`\mathbb E[\partial E_D/\partial w]` estimated from ``n_samples`` random masks.

    What dropout training actually does, one mask per step: each mask has
    :math:`\delta_i = 1` with probability :math:`p_i`, independently (drawn as
    ``rng.random() < p_i``, as :func:`course_lib.dropout.dropout_mask` does). Returns the
    sample mean and, per weight, its standard error (sample standard deviation over
    :math:`\sqrt{n}`).
    """
    w, I, t = _unit(w, I, t)
    n = w.size
    p = keep_probabilities(n, p_keep=p_keep, p_drop=p_drop)
    n_samples = check_int("n_samples", n_samples, minimum=2)
    rng = check_rng(rng)
    # Chan et al.'s pairwise update of the mean and the sum of squared deviations, block
    # by block, so large n_samples need neither much memory nor a cancelling Σg² - nḡ².
    count, mean, m2 = 0, np.zeros(n), np.zeros(n)
    for start in range(0, n_samples, _CHUNK):
        size = min(_CHUNK, n_samples - start)
        masks = (rng.random((size, n)) < p).astype(np.float64)
        grads = -(t - masks @ (w * I))[:, None] * masks * I
        block_mean = grads.mean(axis=0)
        block_m2 = np.sum((grads - block_mean) ** 2, axis=0)
        delta = block_mean - mean
        total = count + size
        mean = mean + delta * size / total
        m2 = m2 + block_m2 + delta**2 * count * size / total
        count = total
    stderr = np.sqrt(m2 / (count - 1) / count)
    return MonteCarloGradient(mean, stderr, count)


def ensemble_error(
    w: np.ndarray,
    I: np.ndarray,
    t: float,
    *,
    p_keep: object = None,
    p_drop: object = None,
) -> float:
    r""":math:`E_N = \tfrac12(t - \sum_i p_i w_i I_i)^2`: the full unit with weights scaled by
    :math:`p_i` (the slide's :math:`w'_i = p_i w_i`, the test-time rule)."""
    w, I, t = _unit(w, I, t)
    p = keep_probabilities(w.size, p_keep=p_keep, p_drop=p_drop)
    return 0.5 * float(t - np.dot(p * w, I)) ** 2


def ensemble_gradient(
    w: np.ndarray,
    I: np.ndarray,
    t: float,
    *,
    p_keep: object = None,
    p_drop: object = None,
) -> np.ndarray:
    r""":math:`\partial E_N/\partial w` (with respect to :math:`w`, not :math:`w' = pw`).

    .. math:: \frac{\partial E_N}{\partial w_i} = -tp_iI_i + w_ip_i^2I_i^2
              + \sum_{j\ne i} w_jp_ip_jI_iI_j = -\Bigl(t - \sum_j p_jw_jI_j\Bigr)p_iI_i .
    """
    w, I, t = _unit(w, I, t)
    p = keep_probabilities(w.size, p_keep=p_keep, p_drop=p_drop)
    return -(t - np.dot(p * w, I)) * p * I


def baldi_closed_form(
    w: np.ndarray,
    I: np.ndarray,
    t: float,
    *,
    p_keep: object = None,
    p_drop: object = None,
) -> np.ndarray:
    r"""The boxed result of seed 001: :math:`\partial E_N/\partial w_i + w_i p_i(1-p_i) I_i^2`.

    Equal to :math:`\mathbb E[\partial E_D/\partial w_i]` for every :math:`w, I, t, p`
    (see the module docstring), and to :func:`regularized_gradient`.
    """
    w, I, t = _unit(w, I, t)
    p = keep_probabilities(w.size, p_keep=p_keep, p_drop=p_drop)
    return ensemble_gradient(w, I, t, p_keep=p) + w * p * (1.0 - p) * I**2


# --------------------------------------------------------------------------------------
# the regularized error: correct and as printed on the slide


def regularized_error(
    w: np.ndarray,
    I: np.ndarray,
    t: float,
    *,
    p_keep: object = None,
    p_drop: object = None,
) -> float:
    r""":math:`E_R = \tfrac12(t - \sum_i p_iw_iI_i)^2 + \tfrac12\sum_i p_i(1-p_i)w_i^2I_i^2`.

    The objective whose gradient is the expected dropout gradient, and which equals
    :math:`\mathbb E[E_D]` (Baldi and Sadowski 2013). Seed 001 prints the penalty without
    the :math:`\tfrac12`: that version is :func:`regularized_error_slide`.
    """
    w, I, t = _unit(w, I, t)
    p = keep_probabilities(w.size, p_keep=p_keep, p_drop=p_drop)
    return ensemble_error(w, I, t, p_keep=p) + 0.5 * float(np.sum(p * (1 - p) * w**2 * I**2))


def regularized_gradient(
    w: np.ndarray,
    I: np.ndarray,
    t: float,
    *,
    p_keep: object = None,
    p_drop: object = None,
) -> np.ndarray:
    r""":math:`\partial E_R/\partial w_i = \partial E_N/\partial w_i + w_ip_i(1-p_i)I_i^2`.

    The same expression as seed 001's boxed result (:func:`baldi_closed_form`): that the
    expected dropout gradient is the gradient of :math:`E_R` is exactly Baldi's point.
    """
    return baldi_closed_form(w, I, t, p_keep=p_keep, p_drop=p_drop)


def regularized_error_slide(
    w: np.ndarray,
    I: np.ndarray,
    t: float,
    *,
    p_keep: object = None,
    p_drop: object = None,
) -> float:
    r"""Seed 001's :math:`E_R` as printed: :math:`\tfrac12(t - \sum_i p_iw_iI_i)^2 +
    \sum_i p_i(1-p_i)w_i^2I_i^2`, WITHOUT the :math:`\tfrac12` on the penalty.

    An erratum: its gradient (:func:`regularized_gradient_slide`) has twice the boxed
    weight-decay term, so it is not the objective that dropout minimizes in expectation.
    Use :func:`regularized_error`.
    """
    w, I, t = _unit(w, I, t)
    p = keep_probabilities(w.size, p_keep=p_keep, p_drop=p_drop)
    return ensemble_error(w, I, t, p_keep=p) + float(np.sum(p * (1 - p) * w**2 * I**2))


def regularized_gradient_slide(
    w: np.ndarray,
    I: np.ndarray,
    t: float,
    *,
    p_keep: object = None,
    p_drop: object = None,
) -> np.ndarray:
    r"""The gradient of :func:`regularized_error_slide`:
    :math:`\partial E_N/\partial w_i + 2w_ip_i(1-p_i)I_i^2` (twice the boxed term)."""
    w, I, t = _unit(w, I, t)
    p = keep_probabilities(w.size, p_keep=p_keep, p_drop=p_drop)
    return ensemble_gradient(w, I, t, p_keep=p) + 2.0 * w * p * (1.0 - p) * I**2


def regularization_strength(*, p_keep: object = None, p_drop: object = None) -> float:
    r""":math:`p(1-p)`, the variance of :math:`\delta`, which scales the dropout penalty.

    Largest, 1/4, at :math:`p = \tfrac12` ("Why :math:`p = 0.5` is recommended?",
    seed 001).

    >>> regularization_strength(p_keep=0.5), regularization_strength(p_drop=0.75)
    (0.25, 0.1875)
    """
    for name, value in (("p_keep", p_keep), ("p_drop", p_drop)):
        if value is not None:
            check_real(name, value)  # one number here, not one per unit
    p = keep_probabilities(1, p_keep=p_keep, p_drop=p_drop)[0]
    return float(p * (1.0 - p))
