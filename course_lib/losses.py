r"""Loss functions: squared error, binary and softmax cross-entropy, as values and as layers.

Every loss is an average over the batch by default, as in seed 003's SGD algorithm,
:math:`L = \frac{1}{B}\sum_{i=1}^{B} \ell(f(W, X[i]), Y[i])`, and seed 000's
:math:`\frac{1}{N}\sum_i L^{(i)}`. Seed 004 writes sums over the training set instead
(sections 1.3 and 2.6): ``reduction="sum"`` gives those. The batch size :math:`N` is the
number of rows (``shape[0]``); the per-example loss :math:`\ell` sums over the output
components :math:`l` (seed 004's :math:`\sum_l`).

The layers (``*_forward(prediction, target) -> (loss, cache)`` and
``*_backward(dloss, cache)``) follow :mod:`course_lib.layer_registry`: the loss is a 0-d
float64, ``dloss`` is :math:`\partial(\text{total})/\partial L` (1 when the loss is the
objective), and the backward returns only the gradient for the prediction or logits, since
targets and labels are data, not something to differentiate.

Seed numbers ("seed 004") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib._validation import CourseLibError, check_choice
from course_lib.activations import sigmoid
from course_lib.layer_registry import LayerSpec, register
from course_lib.layers import check_array

REDUCTIONS = ("mean", "sum")


def _batch_pair(pred_name: str, pred: object, target_name: str, target: object):
    pred, target = check_array(pred_name, pred), check_array(target_name, target)
    if pred.ndim not in (1, 2):
        raise CourseLibError(
            f"{pred_name} must have shape (N,) or (N, D), one example per row; got shape "
            f"{pred.shape}"
        )
    if pred.shape[0] == 0:
        raise CourseLibError(f"{pred_name} is empty (shape {pred.shape}): a loss needs N >= 1")
    if target.shape != pred.shape:
        raise CourseLibError(
            f"{target_name} has shape {target.shape} but {pred_name} has shape "
            f"{pred.shape}: they must match element for element"
        )
    return pred, target


def _scale(reduction: str, n: int) -> float:
    # The factor that turns the sum over the batch into the requested reduction.
    return 1.0 / n if reduction == "mean" else 1.0


def _check_dloss(dloss: object) -> float:
    dloss = check_array("dloss", dloss)
    if dloss.shape != ():
        raise CourseLibError(
            f"dloss must be a scalar (the loss is a single number), got shape {dloss.shape}"
        )
    return float(dloss)


def _check_01(name: str, y: np.ndarray, closed: bool) -> None:
    bad = (y < 0) | (y > 1) if closed else (y <= 0) | (y >= 1)
    if bad.any():
        where = "[0, 1]" if closed else "the open interval (0, 1)"
        value = float(y[bad].flat[0])
        raise CourseLibError(f"{name} must lie in {where}, got a value {value!r}")


# --- softmax ----------------------------------------------------------------------


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    r""":math:`\log\operatorname{softmax}(z)_k = z_k - \log\sum_j e^{z_j}`, along ``axis``.

    The log-sum-exp is computed after subtracting :math:`\max_j z_j`, so no exponential
    overflows (and at least one term is :math:`e^0 = 1`, so the log never sees 0).
    """
    z = check_array("z", z)
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    r""":math:`\operatorname{softmax}(z)_k = e^{z_k} / \sum_j e^{z_j}`, along ``axis``.

    Seed 004 section 2.6. Shift-invariant, so computed from :math:`z - \max_j z_j`.

    >>> softmax(np.array([0.0, np.log(3.0)])).round(12).tolist()
    [0.25, 0.75]
    """
    z = check_array("z", z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# --- mean squared error -------------------------------------------------------------


class MSECache(NamedTuple):
    residual: np.ndarray
    scale: float
    """:math:`\\partial L/\\partial\\,\\text{residual}_{n,l} = 2\\cdot` ``scale`` ``· residual``."""


class MSEGrads(NamedTuple):
    dpred: np.ndarray


def mse_forward(
    pred: np.ndarray, target: np.ndarray, *, reduction: str = "mean", half: bool = False
) -> tuple[np.float64, MSECache]:
    r"""Squared-error loss over a batch.

    .. math:: L = \frac{c}{N} \sum_{n=1}^{N} \sum_{l} (\hat y_{n,l} - y_{n,l})^2

    with :math:`N` = ``pred.shape[0]`` for ``reduction="mean"`` (the default; seed 004
    section 1.3 item 3, seed 003's :math:`\frac{1}{B}\sum_i\ell`) and :math:`N = 1` for
    ``reduction="sum"`` (seed 004 section 1.3 item 2); :math:`c = 1` by default, and
    :math:`c = \frac12` with ``half=True``, "introduced to simplify the subsequent
    derivation" (seed 004 section 2.6, which uses ``reduction="sum", half=True``).

    For one output per example (``pred`` of shape ``(N,)`` or ``(N, 1)``) the default is
    ``torch.nn.functional.mse_loss``; with ``D > 1`` outputs, ``mse_loss`` averages over
    all ``N·D`` entries and so is this loss divided by ``D``.

    Returns
    -------
    loss, cache
        ``loss`` as a 0-d float64.

    Examples
    --------
    >>> loss, _ = mse_forward(np.array([1.0, 2.0]), np.array([0.0, 0.0]))
    >>> float(loss)  # (1 + 4) / 2
    2.5
    """
    check_choice("reduction", reduction, REDUCTIONS)
    if not isinstance(half, bool | np.bool_):
        raise CourseLibError(f"half must be True or False, got {half!r}")
    pred, target = _batch_pair("pred", pred, "target", target)
    residual = pred - target
    scale = _scale(reduction, pred.shape[0]) * (0.5 if half else 1.0)
    return np.float64(scale * np.sum(residual**2)), MSECache(residual, scale)


def mse_backward(dloss: float, cache: MSECache) -> MSEGrads:
    r""":math:`\partial L/\partial \hat y = \frac{2c}{N} (\hat y - y)` (times ``dloss``)."""
    return MSEGrads(dpred=_check_dloss(dloss) * 2.0 * cache.scale * cache.residual)


def mse(pred: np.ndarray, target: np.ndarray, *, reduction: str = "mean",
        half: bool = False) -> float:
    """The value of :func:`mse_forward` as a Python float."""
    return float(mse_forward(pred, target, reduction=reduction, half=half)[0])


# --- binary cross-entropy -------------------------------------------------------------


class BCEWithLogitsCache(NamedTuple):
    logits: np.ndarray
    target: np.ndarray
    scale: float


class BCEWithLogitsGrads(NamedTuple):
    dlogits: np.ndarray


def bce_with_logits_forward(
    logits: np.ndarray, target: np.ndarray, *, reduction: str = "mean"
) -> tuple[np.float64, BCEWithLogitsCache]:
    r"""Binary cross-entropy of :math:`\hat y = \sigma(z)`, computed from the logits :math:`z`.

    .. math:: \ell(z, y) = -[y \log\sigma(z) + (1-y)\log(1-\sigma(z))]
                         = \max(z, 0) - z y + \log(1 + e^{-|z|})

    The right-hand form is the same number, but never takes the log of a probability that
    has rounded to 0 or 1, so it stays finite and accurate for :math:`|z|` in the
    thousands (the left-hand form gives ``inf`` once :math:`\sigma(z)` rounds to 0 or 1).
    The loss is the mean of :math:`\ell` over the batch (``reduction="mean"``, seed 003) or
    its sum (``"sum"``), summed over the components of a row. Matches
    ``torch.nn.functional.binary_cross_entropy_with_logits`` for one output per example.

    Parameters
    ----------
    logits
        :math:`z = wx + b`, shape ``(N,)`` or ``(N, D)``.
    target
        :math:`y \in [0, 1]`, the same shape (soft targets such as seed 002's
        :math:`y = 0.5` are allowed).
    """
    check_choice("reduction", reduction, REDUCTIONS)
    logits, target = _batch_pair("logits", logits, "target", target)
    _check_01("target", target, closed=True)
    per_entry = (np.maximum(logits, 0.0) - logits * target
                 + np.log1p(np.exp(-np.abs(logits))))
    scale = _scale(reduction, logits.shape[0])
    return np.float64(scale * per_entry.sum()), BCEWithLogitsCache(logits, target, scale)


def bce_with_logits_backward(dloss: float, cache: BCEWithLogitsCache) -> BCEWithLogitsGrads:
    r""":math:`\partial L/\partial z = \frac{1}{N}(\sigma(z) - y)`, seed 002's :math:`\hat y - y`.

    Seed 002's single-neuron Adam example: :math:`\nabla_b L = \hat y - y` and
    :math:`\nabla_w L = (\hat y - y)\,x`.
    """
    logits, target, scale = cache
    return BCEWithLogitsGrads(
        dlogits=_check_dloss(dloss) * scale * (np.asarray(sigmoid(logits)) - target)
    )


def bce_with_logits(logits: np.ndarray, target: np.ndarray, *, reduction: str = "mean") -> float:
    """The value of :func:`bce_with_logits_forward` as a Python float."""
    return float(bce_with_logits_forward(logits, target, reduction=reduction)[0])


class BCECache(NamedTuple):
    p: np.ndarray
    target: np.ndarray
    scale: float


class BCEGrads(NamedTuple):
    dp: np.ndarray


def binary_cross_entropy_forward(
    p: np.ndarray, target: np.ndarray, *, reduction: str = "mean"
) -> tuple[np.float64, BCECache]:
    r"""Binary cross-entropy of probabilities, as the seeds write it.

    .. math:: L = -\frac{1}{N}\sum_{n} [y_n \log \hat y_n + (1 - y_n)\log(1 - \hat y_n)]

    Seed 002's single-sigmoid-neuron Adam example (":math:`L = -[y \log\hat y + (1-y)
    \log(1-\hat y)]`" with :math:`\hat y = \sigma(wx+b)`); the logistic-regression loss
    :math:`L^{(i)}(a^{(i)}, y^{(i)})` of seed 000. ``p`` must lie strictly inside (0, 1),
    or a log is :math:`-\infty`: when the probabilities come from a sigmoid, prefer
    :func:`bce_with_logits_forward`, which never forms them.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    p, target = _batch_pair("p", p, "target", target)
    _check_01("p", p, closed=False)
    _check_01("target", target, closed=True)
    per_entry = -(target * np.log(p) + (1.0 - target) * np.log1p(-p))
    scale = _scale(reduction, p.shape[0])
    return np.float64(scale * per_entry.sum()), BCECache(p, target, scale)


def binary_cross_entropy_backward(dloss: float, cache: BCECache) -> BCEGrads:
    r""":math:`\partial L/\partial \hat y = \frac{1}{N}\,\frac{\hat y - y}{\hat y(1-\hat y)}`.

    Times :math:`\sigma'(z) = \hat y(1-\hat y)` this is the :math:`\hat y - y` of
    :func:`bce_with_logits_backward`.
    """
    p, target, scale = cache
    return BCEGrads(dp=_check_dloss(dloss) * scale * (p - target) / (p * (1.0 - p)))


def binary_cross_entropy(p: np.ndarray, y: np.ndarray, *, reduction: str = "mean") -> float:
    r"""The value of :func:`binary_cross_entropy_forward` as a Python float.

    >>> round(binary_cross_entropy(np.array([0.5]), np.array([1.0])), 6)  # -log(1/2)
    0.693147
    """
    return float(binary_cross_entropy_forward(p, y, reduction=reduction)[0])


# --- softmax cross-entropy ----------------------------------------------------------


class SoftmaxCrossEntropyCache(NamedTuple):
    probs: np.ndarray
    labels: np.ndarray
    scale: float


class SoftmaxCrossEntropyGrads(NamedTuple):
    dlogits: np.ndarray


def _check_labels(labels: object, n: int, k: int) -> np.ndarray:
    array = np.asarray(labels)
    if array.dtype.kind not in "iu":
        if array.dtype.kind == "f" and array.ndim == 2:
            raise CourseLibError(
                f"labels must be integer class indices of shape ({n},), got a float array "
                f"of shape {array.shape}: for one-hot labels pass labels.argmax(axis=1)"
            )
        raise CourseLibError(
            f"labels must be integer class indices in 0..{k - 1}, got dtype {array.dtype}"
        )
    if array.shape != (n,):
        raise CourseLibError(
            f"labels has shape {array.shape} but logits has {n} rows: give one class index "
            f"per row, shape ({n},)"
        )
    bad = (array < 0) | (array >= k)
    if bad.any():
        raise CourseLibError(
            f"labels must lie in 0..{k - 1} (logits has {k} classes), got {int(array[bad][0])}"
        )
    return array.astype(np.intp)


def softmax_cross_entropy_forward(
    logits: np.ndarray, labels: np.ndarray, *, reduction: str = "mean"
) -> tuple[np.float64, SoftmaxCrossEntropyCache]:
    r"""Cross-entropy of the softmax of ``logits`` against integer class labels.

    .. math:: L = \frac{1}{N}\sum_{n=1}^{N}
                  \Big(\log\sum_k e^{z_{n,k}} - z_{n, y_n}\Big)
                = -\frac{1}{N}\sum_n \sum_l [y_n = l] \log\operatorname{softmax}(z_n)_l

    Seed 004 section 2.6 writes the right-hand form with one-hot :math:`y` and a sum over
    the training set (``reduction="sum"``); the default mean over the batch is seed 003's
    and ``torch.nn.functional.cross_entropy``'s. The log-sum-exp is computed stably
    (:func:`log_softmax`), so logits in the thousands are fine.

    Parameters
    ----------
    logits
        Shape ``(N, K)``: one row of class scores per example.
    labels
        Integer class indices in ``0..K-1``, shape ``(N,)``.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    logits = check_array("logits", logits)
    if logits.ndim != 2 or logits.shape[0] == 0:
        raise CourseLibError(
            f"logits must have shape (N, K) with N >= 1, one row of class scores per "
            f"example; got shape {logits.shape}"
        )
    n, k = logits.shape
    labels = _check_labels(labels, n, k)
    logp = log_softmax(logits, axis=1)
    scale = _scale(reduction, n)
    loss = -scale * logp[np.arange(n), labels].sum()
    return np.float64(loss), SoftmaxCrossEntropyCache(np.exp(logp), labels, scale)


def softmax_cross_entropy_backward(
    dloss: float, cache: SoftmaxCrossEntropyCache
) -> SoftmaxCrossEntropyGrads:
    r"""Gradient of the softmax cross-entropy with respect to the logits.

    .. math:: \frac{\partial L}{\partial z_{n,k}}
              = \frac{1}{N}\big(\operatorname{softmax}(z_n)_k - [y_n = k]\big)
    """
    probs, labels, scale = cache
    grad = probs.copy()
    grad[np.arange(labels.size), labels] -= 1.0
    return SoftmaxCrossEntropyGrads(dlogits=_check_dloss(dloss) * scale * grad)


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray, *,
                          reduction: str = "mean") -> float:
    """The value of :func:`softmax_cross_entropy_forward` as a Python float."""
    return float(softmax_cross_entropy_forward(logits, labels, reduction=reduction)[0])


# --- registration ---------------------------------------------------------------------


def _mse_inputs(rng: np.random.Generator):
    return {"pred": rng.normal(size=(5, 2))}, {"target": rng.normal(size=(5, 2))}


def _mse_half_sum_inputs(rng: np.random.Generator):
    arrays, options = _mse_inputs(rng)
    return arrays, {**options, "reduction": "sum", "half": True}


def _bce_with_logits_inputs(rng: np.random.Generator):
    return {"logits": rng.normal(scale=2.0, size=(6,))}, {"target": rng.uniform(size=6)}


def _bce_inputs(rng: np.random.Generator):
    # p away from 0 and 1, where the log's derivative 1/p blows up.
    return {"p": rng.uniform(0.1, 0.9, size=(6,))}, {"target": rng.uniform(size=6)}


def _softmax_cross_entropy_inputs(rng: np.random.Generator):
    return {"logits": rng.normal(size=(5, 4))}, {"labels": rng.integers(0, 4, size=5)}


for _spec in (
    LayerSpec("loss[mse]", mse_forward, mse_backward, _mse_inputs,
              "seed 004, 1.3 item 3; seed 003, Algorithm 1 SGD"),
    LayerSpec("loss[mse,half_sum]", mse_forward, mse_backward, _mse_half_sum_inputs,
              "seed 004, 2.6 item 1"),
    LayerSpec("loss[bce_with_logits]", bce_with_logits_forward, bce_with_logits_backward,
              _bce_with_logits_inputs, "seed 002, 'NUMERICAL EXAMPLE' (Adam); seed 000"),
    LayerSpec("loss[bce]", binary_cross_entropy_forward, binary_cross_entropy_backward,
              _bce_inputs, "seed 002, 'NUMERICAL EXAMPLE' (Adam); seed 000"),
    LayerSpec("loss[softmax_cross_entropy]", softmax_cross_entropy_forward,
              softmax_cross_entropy_backward, _softmax_cross_entropy_inputs,
              "seed 004, 2.6 item 2"),
):
    register(_spec)
del _spec
