r"""Dropout, Gaussian dropout and DropConnect: forward and backward, train and eval.

The seeds use the letter :math:`p` for opposite things. Seed 001 ("Regularization –
Dropout", after Srivastava et al. 2014) writes :math:`\delta_i \sim \text{Bernoulli}(p)`
and "dropout (zero out) a random fraction :math:`(1-p)`": its :math:`p` is the
probability of KEEPING a unit. Seed 004 (section 3.6) calls :math:`p` "the dropout rate"
and :math:`1-p` the keep probability, as PyTorch's ``dropout(p=...)`` does. So every
function here takes exactly one of two keyword-only arguments, never a bare ``p``:

- ``p_drop``: the probability that a unit is zeroed (seed 004's :math:`p`, PyTorch's ``p``),
  in :math:`[0, 1)`;
- ``p_keep``: the probability that it is kept (seed 001's :math:`p`), in :math:`(0, 1]`.

Two schemes keep the expected activation the same in training and at test time (seed 004,
section 3.6, item 9):

- ``scheme="scale_at_test"`` (Srivastava et al. 2014; seed 001 "Test Phase"; seed 004's
  "multiply the input weights of each unit by the keep probability after training"):
  train :math:`x \odot m`, eval :math:`p_\text{keep}\, x`;
- ``scheme="inverted"`` (seed 004's "inverted dropout"; PyTorch, Keras): train
  :math:`x \odot m / p_\text{keep}`, eval :math:`x`, so inference needs no change at all.

Both have :math:`\mathbb{E}[\text{train output}] = \text{eval output}`. They are not the
same training algorithm: the inverted network computes the scale-at-test network's
function with weights :math:`W_\text{inv} = p_\text{keep} W_\text{test}`, so its
gradients are :math:`1/p_\text{keep}` times larger and a given learning rate or weight
decay acts differently, which is why seed 004 says they are "not equivalent but they both
work well".

Every forward is deterministic once its mask (or noise) is fixed: in train mode give either
a ``numpy.random.Generator`` to draw it or the mask itself, so a gradient check or a
notebook can replay exactly the same network.

Seed numbers ("seed 001") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from course_lib._validation import (
    CourseLibError,
    check_array,
    check_bool,
    check_choice,
    check_int,
    check_nonnegative,
    check_real,
    check_rng,
)
from course_lib.layer_registry import LayerSpec, register

SCHEMES = ("inverted", "scale_at_test")
GAUSSIAN_MODES = ("multiplicative", "additive")

# ----------------------------------------------------------------------------------------
# argument checks


def keep_probability(*, p_drop: float | None = None, p_keep: float | None = None) -> float:
    """The keep probability from exactly one of ``p_drop`` or ``p_keep``.

    >>> keep_probability(p_drop=0.25)
    0.75
    >>> keep_probability(p_keep=0.8)
    0.8
    """
    if (p_drop is None) == (p_keep is None):
        given = "both" if p_drop is not None else "neither"
        raise CourseLibError(
            f"give exactly one of p_drop= (probability of zeroing a unit, seed 004's p) or "
            f"p_keep= (probability of keeping it, seed 001's p); got {given} "
            f"(p_drop={p_drop!r}, p_keep={p_keep!r})"
        )
    if p_keep is not None:
        p_keep = check_real("p_keep", p_keep)
        if not 0.0 < p_keep <= 1.0:
            hint = (" (p_keep=0 drops every unit, so nothing reaches the next layer)"
                    if p_keep == 0.0 else "")
            raise CourseLibError(f"p_keep must lie in (0, 1], got {p_keep}{hint}")
        return p_keep
    p_drop = check_real("p_drop", p_drop)
    if not 0.0 <= p_drop < 1.0:
        hint = (" (p_drop=1 drops every unit, so nothing reaches the next layer)"
                if p_drop == 1.0 else "")
        raise CourseLibError(f"p_drop must lie in [0, 1), got {p_drop}{hint}")
    # 1 - p_drop exactly as PyTorch computes it, so masks and scales agree bit for bit
    return 1.0 - p_drop





def _shape(shape: object) -> tuple[int, ...]:
    if isinstance(shape, int | np.integer) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, tuple | list):
        raise CourseLibError(
            f"shape must be an int or a tuple of ints, got {shape!r} ({type(shape).__name__})"
        )
    return tuple(check_int(f"shape[{i}]", n) for i, n in enumerate(shape))


def _check_mask(mask: object, shape: tuple[int, ...], of: str) -> np.ndarray:
    """A 0/1 mask of exactly ``shape`` (the shape of ``of``), as float64."""
    array = check_array("mask", mask)
    if array.shape != shape:
        raise CourseLibError(
            f"mask has shape {array.shape} but {of} has shape {shape}: the mask must have "
            f"exactly the shape of {of}"
        )
    if not np.isin(array, (0.0, 1.0)).all():
        bad = array[~np.isin(array, (0.0, 1.0))].flat[0]
        raise CourseLibError(
            f"mask must contain only 0 (dropped) and 1 (kept), found {bad}; the scaling "
            "by the keep probability is applied by the layer, not stored in the mask"
        )
    return array


def _mask_source(train: bool, rng: object, mask: object, what: str = "mask") -> None:
    """In train mode exactly one of ``rng`` and ``mask`` must be given."""
    if not train:
        return
    if (rng is None) == (mask is None):
        given = "both" if rng is not None else "neither"
        raise CourseLibError(
            f"in train mode give exactly one of rng= (a numpy.random.Generator to draw the "
            f"{what}) or {what}= (a fixed {what}); got {given}"
        )


# ----------------------------------------------------------------------------------------
# standard (Bernoulli) dropout


class DropoutCache(NamedTuple):
    """``multiplier``: the array (train) or number (eval) the input was multiplied by."""

    multiplier: np.ndarray | float
    mask: np.ndarray | None
    p_keep: float
    scheme: str
    train: bool


class DropoutGrads(NamedTuple):
    dx: np.ndarray


def dropout_mask(
    rng: np.random.Generator,
    shape: int | tuple[int, ...],
    *,
    p_drop: float | None = None,
    p_keep: float | None = None,
) -> np.ndarray:
    r"""A Bernoulli keep mask: each entry is 1 with probability :math:`p_\text{keep}`, else 0.

    Seed 001 (Baldi and Sadowski 2013): :math:`\delta_i \sim \text{Bernoulli}(p)` with
    :math:`p` the keep probability. Returned as float64 zeros and ones.

    >>> dropout_mask(np.random.default_rng(0), (2, 3), p_keep=1.0)
    array([[1., 1., 1.],
           [1., 1., 1.]])
    """
    keep = keep_probability(p_drop=p_drop, p_keep=p_keep)
    rng = check_rng(rng)
    # uniform on [0, 1) is < 1 always, so p_keep = 1 keeps every unit
    return (rng.random(_shape(shape)) < keep).astype(np.float64)


def dropout_forward(
    x: np.ndarray,
    *,
    p_drop: float | None = None,
    p_keep: float | None = None,
    train: bool,
    scheme: str = "inverted",
    rng: np.random.Generator | None = None,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, DropoutCache]:
    r"""Dropout on the units ``x`` (any shape), mask :math:`m \sim \text{Bernoulli}(p_\text{keep})`.

    - ``scheme="inverted"`` (seed 004): train :math:`x \odot m / p_\text{keep}`, eval
      :math:`x`;
    - ``scheme="scale_at_test"`` (seed 001): train :math:`x \odot m`, eval
      :math:`p_\text{keep}\, x`.

    In both, :math:`\mathbb{E}_m[\text{train output}] = \text{eval output}`. The inverted
    train output is computed as :math:`x \cdot (m \cdot (1/p_\text{keep}))`, as PyTorch
    does, so the two agree bit for bit given the same mask.

    Parameters
    ----------
    x
        The activations.
    p_drop, p_keep
        Exactly one: the dropout rate (seed 004's :math:`p`) or the keep probability
        (seed 001's :math:`p`).
    train
        ``True`` to drop units, ``False`` for the test-time rule.
    scheme
        ``"inverted"`` or ``"scale_at_test"``.
    rng, mask
        In train mode exactly one: a generator to draw the mask, or a 0/1 mask of
        ``x``'s shape. Ignored in eval mode.

    Returns
    -------
    out, cache
    """
    keep = keep_probability(p_drop=p_drop, p_keep=p_keep)
    train = check_bool("train", train)
    scheme = check_choice("scheme", scheme, SCHEMES)
    x = check_array("x", x)
    _mask_source(train, rng, mask)
    if not train:
        multiplier = 1.0 if scheme == "inverted" else keep
        return x * multiplier, DropoutCache(multiplier, None, keep, scheme, False)
    if mask is None:
        mask = dropout_mask(rng, x.shape, p_keep=keep)
    else:
        mask = _check_mask(mask, x.shape, "x")
    multiplier = mask * (1.0 / keep) if scheme == "inverted" else mask
    return x * multiplier, DropoutCache(multiplier, mask, keep, scheme, True)


def dropout_backward(dout: np.ndarray, cache: DropoutCache) -> DropoutGrads:
    r""":math:`\partial\ell/\partial x = \partial\ell/\partial\text{out} \odot` the multiplier.

    A dropped unit passes no gradient back: its weights are not updated this step (seed
    001, "Update (EBP) a fraction (randomly chosen) of all weights in each iteration").
    """
    dout = _check_dout(dout, cache.multiplier, cache.mask)
    return DropoutGrads(dout * cache.multiplier)


def _check_dout(dout: object, *shaped: object) -> np.ndarray:
    dout = check_array("dout", dout)
    for ref in shaped:
        if isinstance(ref, np.ndarray) and ref.shape != dout.shape:
            raise CourseLibError(
                f"dout has shape {dout.shape} but the forward's output had shape {ref.shape}"
            )
    return dout


# ----------------------------------------------------------------------------------------
# Gaussian dropout


class GaussianDropoutCache(NamedTuple):
    noise: np.ndarray | None
    mode: str
    train: bool


def gaussian_sigma(*, p_drop: float | None = None, p_keep: float | None = None) -> float:
    r"""The :math:`\sigma` whose multiplicative Gaussian noise matches inverted Bernoulli dropout.

    Srivastava et al. 2014 (section 10): :math:`m/p_\text{keep}` with
    :math:`m \sim \text{Bernoulli}(p_\text{keep})` has mean 1 and variance
    :math:`(1-p_\text{keep})/p_\text{keep}`, so :math:`\delta \sim N(1, \sigma^2)` with
    :math:`\sigma^2 = p_\text{drop}/p_\text{keep}` has the same first two moments.

    >>> gaussian_sigma(p_drop=0.5)
    1.0
    """
    keep = keep_probability(p_drop=p_drop, p_keep=p_keep)
    return math.sqrt((1.0 - keep) / keep)


def gaussian_dropout_forward(
    x: np.ndarray,
    *,
    sigma: float,
    train: bool,
    mode: str = "multiplicative",
    rng: np.random.Generator | None = None,
    noise: np.ndarray | None = None,
) -> tuple[np.ndarray, GaussianDropoutCache]:
    r"""Gaussian dropout (seed 001, "Some Variations"): noise in place of the Bernoulli gate.

    ``mode="multiplicative"``: :math:`\text{out} = x \odot \delta`,
    :math:`\delta \sim N(1, \sigma^2)` (Srivastava et al. 2014, section 10; Keras's
    ``GaussianDropout``).

    ``mode="additive"``: :math:`\text{out} = x + \delta`, :math:`\delta \sim N(0, \sigma^2)`
    (noise injection, Keras's ``GaussianNoise``; Bishop 1995 showed it acts as a Tikhonov
    penalty). The slide gives only the two distributions; note that
    :math:`x(1 + \epsilon)` with :math:`\epsilon \sim N(0, \sigma^2)` is the
    multiplicative mode again, not this one.

    Both have :math:`\mathbb{E}[\text{out}] = x`, so the eval output is :math:`x` itself
    (no rescaling, as for inverted dropout).

    Parameters
    ----------
    sigma
        Standard deviation :math:`\sigma \ge 0` of the noise (see :func:`gaussian_sigma`).
    train, mode
        Train or eval; ``"multiplicative"`` or ``"additive"``.
    rng, noise
        In train mode exactly one: a generator, or the noise :math:`\delta` itself
        (already drawn from the mode's distribution, shape of ``x``).
    """
    sigma = check_nonnegative("sigma", sigma)
    train = check_bool("train", train)
    mode = check_choice("mode", mode, GAUSSIAN_MODES)
    x = check_array("x", x)
    _mask_source(train, rng, noise, what="noise")
    if not train:
        return x.copy(), GaussianDropoutCache(None, mode, False)
    if noise is None:
        center = 1.0 if mode == "multiplicative" else 0.0
        noise = check_rng(rng).normal(center, sigma, size=x.shape)
    else:
        noise = check_array("noise", noise)
        if noise.shape != x.shape:
            raise CourseLibError(
                f"noise has shape {noise.shape} but x has shape {x.shape}: the noise must "
                "have exactly the shape of x"
            )
    out = x * noise if mode == "multiplicative" else x + noise
    return out, GaussianDropoutCache(noise, mode, True)


def gaussian_dropout_backward(dout: np.ndarray, cache: GaussianDropoutCache) -> DropoutGrads:
    r"""The input gradient: :math:`d\text{out} \odot \delta` (multiplicative) or
    :math:`d\text{out}` (additive, and eval mode)."""
    dout = _check_dout(dout, cache.noise)
    if cache.train and cache.mode == "multiplicative":
        return DropoutGrads(dout * cache.noise)
    return DropoutGrads(dout.copy())


# ----------------------------------------------------------------------------------------
# DropConnect


class DropConnectCache(NamedTuple):
    x: np.ndarray
    effective_w: np.ndarray
    mask: np.ndarray | None
    w_multiplier: np.ndarray | float


class DropConnectGrads(NamedTuple):
    dx: np.ndarray
    dW: np.ndarray
    db: np.ndarray


def dropconnect_forward(
    x: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    *,
    p_drop: float | None = None,
    p_keep: float | None = None,
    train: bool,
    scheme: str = "inverted",
    rng: np.random.Generator | None = None,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, DropConnectCache]:
    r"""DropConnect (Wan et al. 2013): dropout on the weights of an affine layer.

    Seed 001 lists it under "Some Variations"; seed 004 (3.6, item 6) notes that "dropout
    can also be applied to connections (i.e., weights)". With a mask :math:`M` of
    ``W``'s shape,

    .. math:: \text{out} = x\,(W \odot M)/s + b,

    :math:`s = p_\text{keep}` for ``scheme="inverted"`` and :math:`s = 1` for
    ``"scale_at_test"``. At eval the layer uses the expected weights:
    :math:`x W + b` (inverted) or :math:`x\,(p_\text{keep} W) + b` (scale at test), the
    same expected-value rule as :func:`dropout_forward`. Wan et al. instead approximate the
    pre-activation at inference by a Gaussian with matching mean and variance, sample it
    and average the activations; for the affine layer alone (before any nonlinearity) the
    mean used here is exact in expectation. The bias is not dropped (seed 004, item 7).

    Parameters
    ----------
    x, W, b
        Inputs ``(n, d_in)``, weights ``(d_in, d_out)``, bias ``(d_out,)``.
    p_drop, p_keep, train, scheme
        As for :func:`dropout_forward`.
    rng, mask
        In train mode exactly one: a generator, or a 0/1 mask of ``W``'s shape.
    """
    keep = keep_probability(p_drop=p_drop, p_keep=p_keep)
    train = check_bool("train", train)
    scheme = check_choice("scheme", scheme, SCHEMES)
    x, W, b = check_array("x", x), check_array("W", W), check_array("b", b)
    if x.ndim != 2 or W.ndim != 2 or x.shape[1] != W.shape[0]:
        raise CourseLibError(
            f"x must be (n, d_in) and W (d_in, d_out) with the same d_in, got x {x.shape} "
            f"and W {W.shape}"
        )
    if b.shape != (W.shape[1],):
        raise CourseLibError(f"b must have shape {(W.shape[1],)} (d_out,), got {b.shape}")
    _mask_source(train, rng, mask)
    if not train:
        w_multiplier = 1.0 if scheme == "inverted" else keep
        mask = None
    else:
        if mask is None:
            mask = dropout_mask(rng, W.shape, p_keep=keep)
        else:
            mask = _check_mask(mask, W.shape, "W")
        w_multiplier = mask * (1.0 / keep) if scheme == "inverted" else mask
    effective_w = W * w_multiplier
    return x @ effective_w + b, DropConnectCache(x, effective_w, mask, w_multiplier)


def dropconnect_backward(dout: np.ndarray, cache: DropConnectCache) -> DropConnectGrads:
    r"""Gradients of :math:`x\,\tilde W + b` with :math:`\tilde W = W \odot M / s`.

    .. math:: dx = d\text{out}\,\tilde W^\top, \quad
              dW = (x^\top d\text{out}) \odot M / s, \quad db = \textstyle\sum_n d\text{out}
    """
    dout = check_array("dout", dout)
    expected = (cache.x.shape[0], cache.effective_w.shape[1])
    if dout.shape != expected:
        raise CourseLibError(
            f"dout has shape {dout.shape} but the forward's output had shape {expected}"
        )
    dx = dout @ cache.effective_w.T
    dW = (cache.x.T @ dout) * cache.w_multiplier
    return DropConnectGrads(dx, dW, dout.sum(axis=0))


# ----------------------------------------------------------------------------------------
# the gradient-check table

_SRIVASTAVA = "seed 001, 'Regularization – Dropout' (Srivastava et al. 2014); seed 004, 3.6"


def _dropout_inputs(scheme: str, train: bool):
    def inputs(rng: np.random.Generator):
        x = rng.normal(size=(4, 5))
        options = {"p_keep": 0.6, "train": train, "scheme": scheme}
        if train:
            options["mask"] = dropout_mask(rng, x.shape, p_keep=0.6)
        return {"x": x}, options

    return inputs


def _gaussian_inputs(mode: str, train: bool):
    def inputs(rng: np.random.Generator):
        x = rng.normal(size=(4, 5))
        options = {"sigma": 0.5, "train": train, "mode": mode}
        if train:
            options["noise"] = (1.0 if mode == "multiplicative" else 0.0) + 0.5 * rng.normal(
                size=x.shape
            )
        return {"x": x}, options

    return inputs


def _dropconnect_inputs(scheme: str, train: bool):
    def inputs(rng: np.random.Generator):
        arrays = {"x": rng.normal(size=(4, 3)), "W": rng.normal(size=(3, 2)),
                  "b": rng.normal(size=2)}
        options = {"p_keep": 0.7, "train": train, "scheme": scheme}
        if train:
            options["mask"] = dropout_mask(rng, (3, 2), p_keep=0.7)
        return arrays, options

    return inputs


for _scheme in SCHEMES:
    for _train in (True, False):
        _mode = "train" if _train else "eval"
        register(LayerSpec(
            name=f"dropout[{_scheme},{_mode}]",
            forward=dropout_forward,
            backward=dropout_backward,
            inputs=_dropout_inputs(_scheme, _train),
            source=_SRIVASTAVA,
        ))
        register(LayerSpec(
            name=f"dropconnect[{_scheme},{_mode}]",
            forward=dropconnect_forward,
            backward=dropconnect_backward,
            inputs=_dropconnect_inputs(_scheme, _train),
            source="seed 001, 'Some Variations' (DropConnect, Wan et al. 2013); seed 004, 3.6",
        ))
for _gmode in GAUSSIAN_MODES:
    register(LayerSpec(
        name=f"gaussian_dropout[{_gmode}]",
        forward=gaussian_dropout_forward,
        backward=gaussian_dropout_backward,
        inputs=_gaussian_inputs(_gmode, True),
        source="seed 001, 'Some Variations' (Gaussian dropout, Srivastava et al. 2014, §10)",
    ))
register(LayerSpec(
    name="gaussian_dropout[eval]",
    forward=gaussian_dropout_forward,
    backward=gaussian_dropout_backward,
    inputs=_gaussian_inputs("multiplicative", False),
    source="seed 001, 'Some Variations' (Gaussian dropout, Srivastava et al. 2014, §10)",
))
del _scheme, _train, _mode, _gmode
