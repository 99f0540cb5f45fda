r"""Exponentially weighted averages, the building block of momentum, RMSProp and Adam.

Seed 000 ("Gradient descent with momentum", the share-"price" example) introduces them on
a time series before applying them to gradients:

.. math:: m_0 = 0, \qquad m_t = \beta m_{t-1} + (1 - \beta)\, x_t

Seed files (in ``shared/seeds``): 000 (Coursera-based notes), 001 (Goodfellow-based
slides), 002 (BITS Pilani module 3), 003 (CPEN 455 lecture 4), 004 (COMP4211 notes).
"""

from __future__ import annotations

import math

import numpy as np

from course_lib._validation import CourseLibError, check_int, check_unit_interval


def ewa(values: object, beta: float, bias_correction: bool = False) -> np.ndarray:
    r"""The exponentially weighted average :math:`m_1, \dots, m_T` of a sequence.

    .. math:: m_0 = 0, \qquad m_t = \beta m_{t-1} + (1 - \beta)\, x_t, \qquad
              \hat m_t = \frac{m_t}{1 - \beta^t}

    Seed 000, the "price" example with :math:`\beta = 0.9`. Starting from :math:`m_0 = 0`
    pulls the early averages towards 0: their weights :math:`(1-\beta)\beta^{t-i}` (see
    :func:`ewa_weights`) sum to only :math:`1 - \beta^t`. The bias correction divides by
    that sum, so :math:`\hat m_t` is a true weighted mean of :math:`x_1, \dots, x_t`
    (the seed's red curve rather than the orange one).

    Parameters
    ----------
    values
        :math:`x_1, \dots, x_T`: a 1-D sequence, or an array of shape ``(T, ...)``
        averaged along axis 0 (one average per remaining index).
    beta
        :math:`\beta \in [0, 1)`; it averages over roughly the last :math:`1/(1-\beta)`
        values, and :math:`\beta = 0` returns the values themselves.
    bias_correction
        Return :math:`\hat m_t` instead of :math:`m_t`.

    Returns
    -------
    numpy.ndarray
        Same shape as ``values``; row :math:`t - 1` holds :math:`m_t` (or
        :math:`\hat m_t`).
    """
    beta = check_unit_interval("beta", beta)
    if not isinstance(bias_correction, bool | np.bool_):
        raise CourseLibError(f"bias_correction must be True or False, got {bias_correction!r}")
    try:
        x = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CourseLibError(f"values must be numeric: {err}") from None
    if x.ndim == 0:
        raise CourseLibError(
            f"values must be a sequence x_1, ..., x_T (1-D, or (T, ...)), got the single "
            f"number {x}"
        )
    if x.shape[0] == 0:
        raise CourseLibError(f"values is empty (shape {x.shape}): there is nothing to average")
    if not np.isfinite(x).all():
        bad = np.argwhere(~np.isfinite(x))[0]
        raise CourseLibError(
            f"values must be finite, but values[{', '.join(map(str, bad))}] = {x[tuple(bad)]}"
        )

    out = np.empty_like(x)
    m = np.zeros_like(x[0])
    for t in range(x.shape[0]):
        # The seed's recurrence as written; its unrolled form (ewa_weights) is used only for
        # explanation, as summing T weights for each t would cost O(T²).
        m = beta * m + (1.0 - beta) * x[t]
        out[t] = m
    if bias_correction and beta > 0.0:
        t = np.arange(1, x.shape[0] + 1, dtype=np.float64)
        # 1 - β^t = -expm1(t log β), computed without the cancellation of 1 - β**t, which
        # loses digits when β is close to 1 and t small (β = 0.999999 at t = 2 keeps only
        # ten). It is >= 1 - β > 0 for t >= 1, so the division is always defined; β = 0
        # needs no correction (and log 0 is -inf).
        out /= (-np.expm1(t * math.log(beta))).reshape((-1,) + (1,) * (x.ndim - 1))
    return out


def ewa_weights(beta: float, t: int) -> np.ndarray:
    r"""The weights the unrolled average :math:`m_t` puts on :math:`x_1, \dots, x_t`.

    .. math:: m_t = \sum_{i=1}^{t} (1 - \beta)\beta^{t-i}\, x_i

    Seed 000 unrolls the "price" example with :math:`\beta = 0.9`:
    :math:`m_{100} = 0.1\,\text{price}_{100} + 0.09\,\text{price}_{99}
    + 0.081\,\text{price}_{98} + 0.9^3 m_{97}`, i.e. the last three weights are 0.081, 0.09
    and 0.1. The weights sum to :math:`1 - \beta^t` (the bias that :func:`ewa` corrects).

    Parameters
    ----------
    beta
        :math:`\beta \in [0, 1)`.
    t
        Number of values :math:`t \ge 0` (0 gives an empty array: :math:`m_0 = 0`).

    Returns
    -------
    numpy.ndarray
        Shape ``(t,)``; entry :math:`i - 1` is the weight on :math:`x_i`, so the newest
        value's weight :math:`1 - \beta` comes last. ``values @ ewa_weights(beta, len(values))``
        equals ``ewa(values, beta)[-1]``.
    """
    beta = check_unit_interval("beta", beta)
    t = check_int("t", t)
    return (1.0 - beta) * beta ** np.arange(t - 1, -1, -1, dtype=np.float64)
