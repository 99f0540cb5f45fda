r"""The affine (fully connected) layer, and the array checks the layer modules share.

Convention: **rows are examples**. A batch ``x`` has shape ``(N, D)`` (N examples with D
features each), and the affine layer computes

.. math:: \text{out} = x W + b, \qquad W \in \mathbb{R}^{D \times M},\ b \in \mathbb{R}^{M},

so ``out`` has shape ``(N, M)``. Seed 000 ("Gradient descent for L-layer neural network")
and seed 004 (section 2.5, "Activation Functions") write the same layer with examples as
*columns*, :math:`Z^{[k]} = W^{[k]} A^{[k-1]}` with :math:`W^{[k]}` of shape
:math:`n^{[k]} \times n^{[k-1]}`: their :math:`W^{[k]}` is our ``W.T`` and their
:math:`A^{[k-1]}` our ``x.T``. The row convention is the one of numpy, PyTorch
(``nn.Linear`` stores ``W.T``) and most code students will read.

Every layer follows the contract of :mod:`course_lib.layer_registry`: ``forward(...) ->
(out, cache)`` and ``backward(dout, cache) -> NamedTuple`` of ``d<name>`` per array input.
Seed numbers ("seed 004") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib._validation import CourseLibError, check_array
from course_lib.layer_registry import LayerSpec, register


class AffineCache(NamedTuple):
    """What :func:`affine_backward` needs: the forward's inputs."""

    x: np.ndarray
    W: np.ndarray
    b: np.ndarray


class AffineGrads(NamedTuple):
    """Gradients of the loss with respect to the affine layer's inputs."""

    dx: np.ndarray
    dW: np.ndarray
    db: np.ndarray


def affine_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, AffineCache]:
    r"""Fully connected layer, :math:`\text{out} = x W + b` with examples as rows.

    Seed 000 and seed 004 (section 2.5) write :math:`W A` with examples as columns; here
    ``x`` is their :math:`A^\top` and ``W`` their :math:`W^\top` (see the module docstring).

    Parameters
    ----------
    x
        Inputs, shape ``(N, D)``: one example per row.
    W
        Weights, shape ``(D, M)``: column ``j`` holds the incoming weights of output unit
        ``j`` (the shape :mod:`course_lib.init` returns for ``fan_in=D, fan_out=M``).
    b
        Biases, shape ``(M,)``.

    Returns
    -------
    out, cache
        ``out`` of shape ``(N, M)``, and an :class:`AffineCache` for the backward pass.

    Examples
    --------
    >>> out, _ = affine_forward(np.array([[1.0, 2.0]]), np.array([[1.0], [10.0]]), np.array([0.5]))
    >>> out.tolist()
    [[21.5]]
    """
    x = check_array("x", x)
    W = check_array("W", W)
    b = check_array("b", b)
    if x.ndim != 2:
        hint = ""
        if x.ndim == 1:
            hint = f" (for a single example use x.reshape(1, -1), of shape (1, {x.size}))"
        raise CourseLibError(
            f"x must be a 2-D array of shape (N, D), one example per row; got shape "
            f"{x.shape}{hint}"
        )
    if W.ndim != 2:
        raise CourseLibError(f"W must be a 2-D array of shape (D, M), got shape {W.shape}")
    if x.shape[1] != W.shape[0]:
        raise CourseLibError(
            f"x has shape {x.shape} and W has shape {W.shape}: W must have shape (D, M) "
            f"with D = x.shape[1] = {x.shape[1]}, but W.shape[0] = {W.shape[0]} "
            "(out = x @ W + b takes examples as rows; did you pass W transposed?)"
        )
    if b.shape != (W.shape[1],):
        raise CourseLibError(
            f"b has shape {b.shape} and W has shape {W.shape}: b must have shape "
            f"(M,) = ({W.shape[1]},), one bias per output unit"
        )
    return x @ W + b, AffineCache(x, W, b)


def affine_backward(dout: np.ndarray, cache: AffineCache) -> AffineGrads:
    r"""Gradients of the affine layer given :math:`\partial L / \partial\, \text{out}`.

    .. math:: \frac{\partial L}{\partial x} = \delta W^\top, \qquad
              \frac{\partial L}{\partial W} = x^\top \delta, \qquad
              \frac{\partial L}{\partial b} = \textstyle\sum_n \delta_{n,:}

    with :math:`\delta` = ``dout`` of shape ``(N, M)``. The sum over the batch in ``dW``
    and ``db`` is the :math:`\sum_q` of seed 004's back-propagation rules (section 2.7);
    a mean over the batch, as in seed 000's :math:`\frac{1}{N}\nabla L(Z)\,A^\top`,
    belongs to the loss (``reduction="mean"`` in :mod:`course_lib.losses`) and so is
    already inside ``dout``.
    """
    x, W, _ = cache
    dout = check_array("dout", dout)
    expected = (x.shape[0], W.shape[1])
    if dout.shape != expected:
        raise CourseLibError(
            f"dout has shape {dout.shape} but the layer's output had shape {expected}"
        )
    return AffineGrads(dx=dout @ W.T, dW=x.T @ dout, db=dout.sum(axis=0))


def _affine_inputs(rng: np.random.Generator):
    return {
        "x": rng.normal(size=(4, 3)),
        "W": rng.normal(size=(3, 5)),
        "b": rng.normal(size=5),
    }, {}


register(
    LayerSpec(
        name="affine",
        forward=affine_forward,
        backward=affine_backward,
        inputs=_affine_inputs,
        source="seed 000, 'Gradient descent for L-layer neural network'; seed 004, 2.5",
    )
)
