r"""A small multilayer perceptron built from the course's layers, as pure functions.

The network has :math:`L` = ``len(config.sizes) - 1`` affine layers. With examples as
rows (:mod:`course_lib.layers`), :math:`h^{[0]} = X` and for each hidden layer
:math:`k = 1, \dots, L-1`

.. math::
    z^{[k]} = h^{[k-1]} W_k + b_k, \qquad
    a^{[k]} = g\big(\mathrm{BN}_{\gamma_k, \beta_k}(z^{[k]})\big), \qquad
    h^{[k]} = \mathrm{dropout}(a^{[k]}),

and the output layer is affine only, :math:`\text{out} = h^{[L-1]} W_L + b_L`: logits for
the cross-entropy losses, predictions for the squared error. Batch normalization and
dropout are optional (``config.batchnorm``, ``config.p_drop``); without them a hidden
layer is :math:`h^{[k]} = g(h^{[k-1]} W_k + b_k)`, the forward loop of seed 000
("Gradient descent for L-layer neural network") and the 3-layer network of seed 004
(sections 2.4–2.5) written with examples as rows.

**Batch-norm placement.** Seed 004 (3.5, item 2b) normalizes "before applying the
activation function of each layer", as Ioffe and Szegedy do; seed 001 ("Batch
Normalization") says "insert a BN-layer before each layer" and "normalize each layer
output (input of next layer)", which could also be read as after the activation. We
follow seed 004: affine → batch norm → activation, on hidden layers only (the output
layer is never normalized). A layer followed by batch norm has **no bias** ``b_k``: the
batch mean is subtracted right after it, so :math:`b_k` would cancel exactly (its
gradient is zero) and :math:`\beta_k` plays its role (Ioffe and Szegedy 2015, section
3.2; ``nn.Linear(bias=False)`` before ``nn.BatchNorm1d`` in PyTorch).

**Dropout** acts on the hidden activations :math:`a^{[k]}` (never on the input or the
output layer), with ``config.p_drop`` the probability of dropping a unit (seed 004's
:math:`p`; see :mod:`course_lib.dropout` for seed 001's opposite :math:`p`).

**Parameters** are a dict (:data:`~course_lib._validation.Params`) with, for
``k = 1..L``:

- ``"W{k}"`` of shape ``(sizes[k-1], sizes[k])`` (``out = h @ W + b``);
- ``"b{k}"`` of shape ``(sizes[k],)``, except on hidden layers with batch norm;
- ``"gamma{k}"``, ``"beta{k}"`` of shape ``(sizes[k],)`` on hidden layers with batch norm.

:func:`param_shapes` lists them in order. The running statistics of the batch-norm
layers are kept apart from the parameters (they are not trained by the optimizer) in a
dict ``{"bn{k}": RunningStats}``, which :func:`forward` returns updated rather than
modifying.

**L2 penalty.** The objective that :func:`loss_and_grads` returns is

.. math:: J = \frac{1}{N}\sum_{n=1}^{N} \ell(\text{out}_n, y_n)
              + \frac{\lambda}{2} \sum_{k=1}^{L} \lVert W_k \rVert_F^2,

the mean loss over the batch (seed 003, "Algorithm 1 SGD") plus the weight penalty of
seed 003 "Weight Decay" (:math:`\frac{\lambda}{2}\lVert\mathrm{Vec}(W)\rVert^2`), with
:math:`\lambda` = ``config.l2``; biases, :math:`\gamma` and :math:`\beta` are never
penalized. How this :math:`\lambda` maps to the seeds:

- seed 003: the same :math:`\lambda`;
- seed 000 ("Regularization - Neural Network") writes
  :math:`\frac{1}{N}\sum_i L^{(i)} + \frac{\lambda_{000}}{2N}\sum_k\lVert W^{[k]}\rVert_F^2`,
  so ``l2`` = :math:`\lambda_{000}/N` with :math:`N` the number of examples in the sum;
  its gradient :math:`\nabla L + \frac{\lambda_{000}}{N} W` is our :math:`\nabla + \lambda W`;
- seed 004 (2.7, item 11) adds :math:`\frac{\lambda_{004}}{2}\sum w^2` to the loss
  *summed* over the :math:`N` training examples: dividing its objective by :math:`N`
  gives ours with ``l2`` = :math:`\lambda_{004}/N` (same minimizer; its gradients, and
  so its learning rates, are :math:`N` times ours).

For plain SGD, ``l2=λ`` here equals ``optim.SGD(weight_decay=λ)`` with ``l2=0``, except
that weight decay also shrinks biases and batch-norm parameters.

Every function is pure: arguments are never modified, randomness comes only from an
explicit ``numpy.random.Generator`` (or from dropout masks passed in, which makes a
gradient check deterministic).

Seed numbers ("seed 004") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from course_lib import init as initializers
from course_lib._validation import (
    CourseLibError,
    Params,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
)
from course_lib.activations import ACTIVATIONS, activation_backward, activation_forward
from course_lib.batchnorm import (
    MOMENTUM_CONVENTIONS,
    BatchNormCache,
    RunningStats,
    batchnorm_backward,
    batchnorm_forward,
    init_running_stats,
)
from course_lib.dropout import (
    SCHEMES,
    DropoutCache,
    dropout_backward,
    dropout_forward,
    dropout_mask,
)
from course_lib.layers import AffineCache, affine_backward, affine_forward
from course_lib.losses import (
    bce_with_logits_backward,
    bce_with_logits_forward,
    mse_backward,
    mse_forward,
    softmax_cross_entropy_backward,
    softmax_cross_entropy_forward,
)

LOSSES = ("softmax_cross_entropy", "bce_with_logits", "mse")
"""The losses an :class:`MLPConfig` accepts."""

INITS = ("he_normal", "he_uniform", "xavier_normal", "xavier_uniform", "normal", "zeros")
"""The weight initialisers of :mod:`course_lib.init` an :class:`MLPConfig` accepts."""

Running = dict[str, RunningStats]
"""Batch-norm running statistics by layer: ``{"bn1": RunningStats, ...}``."""


# ----------------------------------------------------------------------------------------
# configuration


@dataclass(frozen=True)
class MLPConfig:
    r"""The architecture and regularization of an MLP (everything but the weights).

    Parameters
    ----------
    sizes
        ``(n_in, hidden_1, ..., n_out)``: at least two entries (two give a single affine
        layer, e.g. logistic regression), each ``>= 1``.
    activation
        Activation of the hidden layers, a key of
        :data:`course_lib.activations.ACTIVATIONS` (default hyper-parameters).
    loss
        ``"softmax_cross_entropy"`` (integer labels, ``n_out >= 2`` classes),
        ``"bce_with_logits"`` (targets in [0, 1], one per output) or ``"mse"``
        (real targets); all averaged over the batch.
    l2
        :math:`\lambda \ge 0` of the penalty :math:`\frac{\lambda}{2}\sum_k \lVert W_k
        \rVert_F^2` (weights only; see the module docstring for the seeds' scalings).
    p_drop
        Dropout rate on the hidden activations, in [0, 1) (0: no dropout).
    dropout_scheme
        ``"inverted"`` (seed 004, PyTorch: scale by :math:`1/p_\text{keep}` in training)
        or ``"scale_at_test"`` (seed 001: scale by :math:`p_\text{keep}` at test time).
    batchnorm
        Batch normalization between each hidden affine layer and its activation.
    bn_momentum, bn_momentum_convention
        The running-average update of :func:`course_lib.batchnorm.update_running_stats`:
        ``"new_weight"`` (PyTorch's momentum 0.1, the default) or ``"old_weight"``
        (seed 001's :math:`\lambda \sim 0.95`).
    bn_eps
        :math:`\epsilon > 0` under the square root of batch norm.
    init
        Weight initialiser, one of :data:`INITS` (biases start at 0, :math:`\gamma` at 1,
        :math:`\beta` at 0).
    init_mode
        The fan of the He initialisers: ``"fan_in"`` (He et al. 2015, PyTorch) or
        ``"fan_avg"`` (seed 004, 3.4) or ``"fan_out"``; ignored by the others.
    init_std
        Standard deviation for ``init="normal"`` (seed 000's ``random()``; Andrew Ng's
        course scales it by 0.01).

    Examples
    --------
    >>> MLPConfig(sizes=(2, 16, 2)).n_layers
    2
    """

    sizes: tuple[int, ...]
    activation: str = "relu"
    loss: str = "softmax_cross_entropy"
    l2: float = 0.0
    p_drop: float = 0.0
    dropout_scheme: str = "inverted"
    batchnorm: bool = False
    bn_momentum: float = 0.1
    bn_momentum_convention: str = "new_weight"
    bn_eps: float = 1e-5
    init: str = "he_normal"
    init_mode: str = "fan_in"
    init_std: float = 0.01

    def __post_init__(self) -> None:
        sizes = self.sizes
        if isinstance(sizes, str) or not isinstance(sizes, Sequence | np.ndarray):
            raise CourseLibError(
                f"sizes must be a tuple (n_in, hidden..., n_out) such as (2, 16, 2), got "
                f"{sizes!r}"
            )
        sizes = tuple(check_int(f"sizes[{i}]", n, minimum=1) for i, n in enumerate(sizes))
        if len(sizes) < 2:
            raise CourseLibError(
                f"sizes must have at least two entries (n_in, n_out), got {sizes}: a network "
                "needs an input size and an output size"
            )
        # A list is accepted and stored as a tuple, so the config stays hashable.
        object.__setattr__(self, "sizes", sizes)
        if self.activation not in ACTIVATIONS:
            known = ", ".join(repr(k) for k in ACTIVATIONS)
            raise CourseLibError(
                f"activation must be one of {known}, got {self.activation!r}"
            )
        check_choice("loss", self.loss, LOSSES)
        if self.loss == "softmax_cross_entropy" and sizes[-1] < 2:
            raise CourseLibError(
                f"loss='softmax_cross_entropy' needs n_out >= 2 classes, but sizes ends in "
                f"{sizes[-1]}: a softmax over one class is always 1. For two classes use "
                "loss='bce_with_logits' with one output, or n_out = 2"
            )
        object.__setattr__(self, "l2", check_nonnegative("l2", self.l2))
        p_drop = check_real("p_drop", self.p_drop)
        if not 0.0 <= p_drop < 1.0:
            raise CourseLibError(
                f"p_drop (the probability of dropping a hidden unit) must lie in [0, 1), "
                f"got {p_drop}"
            )
        object.__setattr__(self, "p_drop", p_drop)
        check_choice("dropout_scheme", self.dropout_scheme, SCHEMES)
        if not isinstance(self.batchnorm, bool | np.bool_):
            raise CourseLibError(f"batchnorm must be True or False, got {self.batchnorm!r}")
        momentum = check_real("bn_momentum", self.bn_momentum)
        if not 0.0 <= momentum <= 1.0:
            raise CourseLibError(f"bn_momentum must lie in [0, 1], got {momentum}")
        check_choice("bn_momentum_convention", self.bn_momentum_convention,
                     MOMENTUM_CONVENTIONS)
        check_positive("bn_eps", self.bn_eps)
        check_choice("init", self.init, INITS)
        check_choice("init_mode", self.init_mode, initializers.HE_MODES)
        check_nonnegative("init_std", self.init_std)
        if len(sizes) == 2 and (p_drop > 0 or self.batchnorm):
            what = "p_drop > 0" if p_drop > 0 else "batchnorm=True"
            raise CourseLibError(
                f"{what} acts on hidden layers, but sizes={sizes} has none (a single affine "
                "layer): add a hidden size, e.g. sizes=(n_in, 16, n_out)"
            )

    @property
    def n_layers(self) -> int:
        """:math:`L`, the number of affine layers (hidden layers plus the output layer)."""
        return len(self.sizes) - 1

    @property
    def n_in(self) -> int:
        return self.sizes[0]

    @property
    def n_out(self) -> int:
        return self.sizes[-1]


def _check_config(config: object) -> MLPConfig:
    if not isinstance(config, MLPConfig):
        raise CourseLibError(
            f"config must be an MLPConfig, e.g. MLPConfig(sizes=(2, 16, 2)), got "
            f"{type(config).__name__}"
        )
    return config


def _has_bias(config: MLPConfig, k: int) -> bool:
    # Layers followed by batch norm have no bias: β_k replaces it (module docstring).
    return not (config.batchnorm and k < config.n_layers)


def param_shapes(config: MLPConfig) -> dict[str, tuple[int, ...]]:
    """The name and shape of every parameter, in the order :func:`init_params` builds them.

    >>> param_shapes(MLPConfig(sizes=(3, 4, 2), batchnorm=True))
    {'W1': (3, 4), 'gamma1': (4,), 'beta1': (4,), 'W2': (4, 2), 'b2': (2,)}
    """
    return dict(_shapes(_check_config(config)))


@functools.lru_cache(maxsize=64)
def _shapes(config: MLPConfig) -> tuple[tuple[str, tuple[int, ...]], ...]:
    # Cached (configs are frozen and hashable): training looks the layout up every step.
    shapes: list[tuple[str, tuple[int, ...]]] = []
    for k in range(1, config.n_layers + 1):
        fan_in, fan_out = config.sizes[k - 1], config.sizes[k]
        shapes.append((f"W{k}", (fan_in, fan_out)))
        if _has_bias(config, k):
            shapes.append((f"b{k}", (fan_out,)))
        else:
            shapes.append((f"gamma{k}", (fan_out,)))
            shapes.append((f"beta{k}", (fan_out,)))
    return tuple(shapes)


def init_params(config: MLPConfig, rng: np.random.Generator) -> Params:
    """Fresh parameters: weights from ``config.init``, biases and β at 0, γ at 1.

    The weight matrices are drawn in layer order ``W1, W2, ...`` from ``rng`` (nothing
    else is random), so the same generator state gives the same network.

    Returns
    -------
    Params
        The keys of :func:`param_shapes`, float64 arrays.
    """
    config = _check_config(config)
    if not isinstance(rng, np.random.Generator):
        raise CourseLibError(
            f"rng must be a numpy.random.Generator, e.g. np.random.default_rng(0), got "
            f"{type(rng).__name__}"
        )
    params: Params = {}
    for name, shape in param_shapes(config).items():
        if name.startswith("W"):
            params[name] = _init_weight(config, rng, *shape)
        elif name.startswith("gamma"):
            params[name] = np.ones(shape)
        else:
            params[name] = np.zeros(shape)
    return params


def _init_weight(config: MLPConfig, rng: np.random.Generator, fan_in: int,
                 fan_out: int) -> np.ndarray:
    kind = config.init
    if kind == "zeros":
        return initializers.zeros((fan_in, fan_out))
    if kind == "normal":
        return initializers.normal(rng, (fan_in, fan_out), std=config.init_std)
    if kind.startswith("he_"):
        return getattr(initializers, kind)(rng, fan_in, fan_out, mode=config.init_mode)
    return getattr(initializers, kind)(rng, fan_in, fan_out)


def init_running(config: MLPConfig) -> Running:
    """Running statistics (mean 0, variance 1) for every batch-norm layer; ``{}`` without.

    >>> sorted(init_running(MLPConfig(sizes=(3, 4, 5, 2), batchnorm=True)))
    ['bn1', 'bn2']
    """
    config = _check_config(config)
    if not config.batchnorm:
        return {}
    return {f"bn{k}": init_running_stats(config.sizes[k]) for k in range(1, config.n_layers)}


# ----------------------------------------------------------------------------------------
# argument checks


def check_params(params: object, config: MLPConfig) -> Params:
    """``params`` as float64 arrays with exactly the keys and shapes of :func:`param_shapes`.

    Float64 arrays are not copied (nothing here writes into them).
    """
    config = _check_config(config)
    if not isinstance(params, Mapping):
        raise CourseLibError(
            f"params must be a dict of arrays as made by init_params(config, rng), got "
            f"{type(params).__name__}"
        )
    shapes = dict(_shapes(config))
    if params.keys() != shapes.keys():
        missing = [k for k in shapes if k not in params]
        extra = sorted(str(k) for k in params if k not in shapes)
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"unexpected {extra}")
        hint = ""
        if config.batchnorm and any(str(k).startswith("b") and str(k)[1:].isdigit()
                                    for k in extra):
            hint = " (hidden layers with batch norm have no bias b_k: β_k replaces it)"
        raise CourseLibError(
            f"params do not match the network sizes={config.sizes}"
            f"{', batchnorm' if config.batchnorm else ''}: {'; '.join(parts)}{hint}. "
            f"Expected keys {list(shapes)}; init_params(config, rng) makes them"
        )
    out: Params = {}
    for name, shape in shapes.items():
        try:
            value = np.asarray(params[name], dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise CourseLibError(f"params[{name!r}] is not numeric: {err}") from None
        if value.shape != shape:
            raise CourseLibError(
                f"params[{name!r}] has shape {value.shape} but sizes={config.sizes} needs "
                f"{shape}"
                + (" (W has shape (fan_in, fan_out): did you pass it transposed?)"
                   if name.startswith("W") and value.shape == shape[::-1] else "")
            )
        out[name] = value
    return out


def _check_X(X: object, config: MLPConfig) -> np.ndarray:
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CourseLibError(f"X must be a numeric array: {err}") from None
    if X.ndim != 2 or X.shape[1] != config.n_in:
        hint = ("; for a single example use X.reshape(1, -1)"
                if X.ndim == 1 and X.size == config.n_in else "")
        raise CourseLibError(
            f"X must have shape (N, {config.n_in}), one example per row with n_in = "
            f"sizes[0] = {config.n_in} features; got shape {X.shape}{hint}"
        )
    if X.shape[0] == 0:
        raise CourseLibError("X has no rows: give at least one example")
    return X


def _check_train(train: object) -> bool:
    if not isinstance(train, bool | np.bool_):
        raise CourseLibError(
            f"train must be True (training mode) or False (eval mode), got {train!r}"
        )
    return bool(train)


def _check_masks(config: MLPConfig, train: bool, rng: object, masks: object,
                 n: int) -> tuple[np.ndarray, ...] | None:
    """The dropout masks to use (None: draw them from ``rng``)."""
    dropping = train and config.p_drop > 0
    if not dropping:
        if masks is not None:
            why = "p_drop is 0" if config.p_drop == 0 else "eval mode drops nothing"
            raise CourseLibError(f"masks were given but {why}: pass masks=None")
        return None
    if (rng is None) == (masks is None):
        given = "both" if rng is not None else "neither"
        raise CourseLibError(
            f"training with dropout (p_drop={config.p_drop}) needs exactly one of rng= (a "
            f"numpy.random.Generator to draw the masks) or masks= (one 0/1 mask per hidden "
            f"layer, see draw_masks); got {given}"
        )
    if masks is None:
        if not isinstance(rng, np.random.Generator):
            raise CourseLibError(
                f"rng must be a numpy.random.Generator, e.g. np.random.default_rng(0), got "
                f"{type(rng).__name__}"
            )
        return None
    n_hidden = config.n_layers - 1
    if isinstance(masks, np.ndarray) or not isinstance(masks, Sequence) or len(masks) != n_hidden:
        raise CourseLibError(
            f"masks must be a list of {n_hidden} arrays, one per hidden layer (shapes "
            f"{[(n, s) for s in config.sizes[1:-1]]}), got {type(masks).__name__}"
            + (f" of length {len(masks)}" if isinstance(masks, Sequence) else "")
        )
    return tuple(masks)  # dropout_forward checks each mask's shape and 0/1 values


def _check_running(config: MLPConfig, train: bool, running: object) -> Running:
    if not config.batchnorm:
        return {}
    if running is None:
        if not train:
            raise CourseLibError(
                "eval mode with batch norm normalizes with the running statistics gathered "
                "in training: pass running= (e.g. the .running of a TrainResult, or the "
                "new_running returned by forward in train mode)"
            )
        return init_running(config)
    expected = init_running(config)
    if not isinstance(running, Mapping) or running.keys() != expected.keys():
        got = sorted(running) if isinstance(running, Mapping) else type(running).__name__
        raise CourseLibError(
            f"running must be a dict with keys {sorted(expected)} (one RunningStats per "
            f"batch-norm layer, as init_running(config) makes), got {got}"
        )
    return dict(running)  # batchnorm_forward checks each RunningStats


# ----------------------------------------------------------------------------------------
# forward and backward


class LayerCache(NamedTuple):
    """What the backward pass needs from one layer; ``None`` where a stage is absent."""

    affine: AffineCache
    batchnorm: BatchNormCache | None
    activation: object | None
    dropout: DropoutCache | None


def draw_masks(config: MLPConfig, n: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """One Bernoulli keep mask per hidden layer, shapes ``(n, sizes[k])``.

    They are the masks :func:`forward` draws itself from an identically seeded ``rng``
    (same calls, same order), so a network can be replayed with fixed masks.
    """
    config = _check_config(config)
    n = check_int("n", n, minimum=1)
    return tuple(dropout_mask(rng, (n, size), p_drop=config.p_drop)
                 for size in config.sizes[1:-1])



def _checked(params, X, config, train, rng, masks, running):
    """The validated inputs shared by :func:`forward` and :func:`loss_and_grads`."""
    config = _check_config(config)
    train = _check_train(train)
    params = check_params(params, config)
    X = _check_X(X, config)
    masks = _check_masks(config, train, rng, masks, X.shape[0])
    running = _check_running(config, train, running)
    return config, train, params, X, masks, running

def forward(
    params: Params,
    X: np.ndarray,
    config: MLPConfig,
    *,
    train: bool,
    rng: np.random.Generator | None = None,
    masks: Sequence[np.ndarray] | None = None,
    running: Running | None = None,
) -> tuple[np.ndarray, tuple[LayerCache, ...], Running]:
    r"""The network's output for a batch ``X``, with the caches of every layer.

    Parameters
    ----------
    params
        As made by :func:`init_params`.
    X
        Shape ``(N, n_in)``, one example per row.
    config
        The architecture.
    train
        Training mode (batch statistics, dropout) or eval mode (running statistics, no
        units dropped).
    rng, masks
        Only in training mode with ``p_drop > 0``, exactly one: a generator to draw the
        dropout masks, or the masks themselves (one 0/1 array of shape
        ``(N, sizes[k])`` per hidden layer, e.g. from :func:`draw_masks`).
    running
        Batch-norm running statistics (:func:`init_running`); required in eval mode
        with batch norm, a fresh start in training mode if omitted.

    Returns
    -------
    out, caches, new_running
        ``out`` of shape ``(N, n_out)``; one :class:`LayerCache` per layer; the running
        statistics after this batch in training mode (``running`` itself in eval mode,
        ``{}`` without batch norm). ``running`` is not modified.
    """
    config, train, params, X, masks, running = _checked(
        params, X, config, train, rng, masks, running
    )
    return _forward(params, X, config, train, rng, masks, running)


def _forward(params: Params, X: np.ndarray, config: MLPConfig, train: bool,
             rng: np.random.Generator | None, masks: tuple[np.ndarray, ...] | None,
             running: Running) -> tuple[np.ndarray, tuple[LayerCache, ...], Running]:
    """:func:`forward` on checked arguments (the layers still check their own)."""
    new_running: Running = {}
    caches = []
    h = X
    for k in range(1, config.n_layers + 1):
        W = params[f"W{k}"]
        b = params[f"b{k}"] if _has_bias(config, k) else np.zeros(W.shape[1])
        z, affine_cache = affine_forward(h, W, b)
        if k == config.n_layers:
            caches.append(LayerCache(affine_cache, None, None, None))
            h = z
            break
        bn_cache = None
        if config.batchnorm:
            key = f"bn{k}"
            z, bn_cache, new_running[key] = batchnorm_forward(
                z, params[f"gamma{k}"], params[f"beta{k}"], train=train, running=running[key],
                momentum=config.bn_momentum,
                momentum_convention=config.bn_momentum_convention, eps=config.bn_eps,
            )
        h, act_cache = activation_forward(z, config.activation)
        drop_cache = None
        if config.p_drop > 0:
            h, drop_cache = dropout_forward(
                h, p_drop=config.p_drop, train=train, scheme=config.dropout_scheme,
                rng=rng if masks is None else None,
                mask=None if masks is None else masks[k - 1],
            )
        caches.append(LayerCache(affine_cache, bn_cache, act_cache, drop_cache))
    return h, tuple(caches), new_running


def backward(dout: np.ndarray, caches: Sequence[LayerCache], config: MLPConfig) -> Params:
    r"""Back-propagate :math:`\partial L/\partial\,\text{out}` through every layer.

    Each layer's backward of the layer contract is applied in reverse order (seed 000's
    backward loop, seed 004 2.7's :math:`\delta^{[3]} \to \delta^{[2]} \to \delta^{[1]}`).

    Returns
    -------
    Params
        The gradient of the data loss (no L2 term) for every parameter, keys and order of
        :func:`param_shapes`.
    """
    config = _check_config(config)
    if len(caches) != config.n_layers:
        raise CourseLibError(
            f"caches has {len(caches)} entries but the network has {config.n_layers} layers: "
            "pass the caches returned by forward with the same config"
        )
    found: Params = {}
    delta = dout
    for k in range(config.n_layers, 0, -1):
        cache = caches[k - 1]
        if cache.dropout is not None:
            delta = dropout_backward(delta, cache.dropout).dx
        if cache.activation is not None:
            delta = activation_backward(delta, cache.activation).dx
        if cache.batchnorm is not None:
            bn = batchnorm_backward(delta, cache.batchnorm)
            found[f"gamma{k}"], found[f"beta{k}"] = bn.dgamma, bn.dbeta
            delta = bn.dx
        grads = affine_backward(delta, cache.affine)
        found[f"W{k}"] = grads.dW
        if _has_bias(config, k):
            found[f"b{k}"] = grads.db
        delta = grads.dx
    return {name: found[name] for name, _ in _shapes(config)}


# ----------------------------------------------------------------------------------------
# losses


def _data_loss(out: np.ndarray, y: object, config: MLPConfig,
               with_grad: bool = True) -> tuple[float, np.ndarray | None]:
    """The mean data loss over the batch and (``with_grad``) its gradient for ``out``."""
    n = out.shape[0]
    if config.loss == "softmax_cross_entropy":
        labels = np.asarray(y)
        if labels.ndim >= 1 and labels.shape[0] != n:
            raise CourseLibError(
                f"y has {labels.shape[0]} labels but X has {n} rows: give one class label "
                "per example"
            )
        loss, cache = softmax_cross_entropy_forward(out, labels)
        if not with_grad:
            return float(loss), None
        return float(loss), softmax_cross_entropy_backward(1.0, cache).dlogits
    try:
        target = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CourseLibError(f"y must be numeric: {err}") from None
    if target.shape == (n,) and config.n_out == 1:
        pred = out[:, 0]
    elif target.shape == out.shape:
        pred = out
    else:
        one = " (N,) or" if config.n_out == 1 else ""
        raise CourseLibError(
            f"y has shape {target.shape} but the network gives {config.n_out} output(s) for "
            f"{n} examples: y must have shape{one} (N, n_out) = {out.shape}"
        )
    if config.loss == "bce_with_logits":
        loss, cache = bce_with_logits_forward(pred, target)
        backward_fn = bce_with_logits_backward
    else:
        loss, cache = mse_forward(pred, target)
        backward_fn = mse_backward
    if not with_grad:
        return float(loss), None
    dpred = backward_fn(1.0, cache)[0]
    return float(loss), dpred.reshape(out.shape)


def l2_penalty(params: Params, config: MLPConfig) -> float:
    r""":math:`\frac{\lambda}{2}\sum_k \lVert W_k\rVert_F^2`, over the weight matrices only.

    >>> cfg = MLPConfig(sizes=(1, 1, 1), loss="mse", l2=0.5)
    >>> l2_penalty({"W1": [[2.0]], "b1": [9.0], "W2": [[1.0]], "b2": [9.0]}, cfg)
    1.25
    """
    config = _check_config(config)
    return _penalty(check_params(params, config), config)


def _penalty(params: Params, config: MLPConfig) -> float:
    if config.l2 == 0.0:
        return 0.0
    total = sum(float(np.vdot(params[f"W{k}"], params[f"W{k}"]))
                for k in range(1, config.n_layers + 1))
    return 0.5 * config.l2 * total


def loss_and_grads(
    params: Params,
    X: np.ndarray,
    y: np.ndarray,
    config: MLPConfig,
    *,
    train: bool = True,
    rng: np.random.Generator | None = None,
    masks: Sequence[np.ndarray] | None = None,
    running: Running | None = None,
) -> tuple[float, Params, Running]:
    r"""The objective on a batch and its gradient for every parameter.

    .. math:: J = \frac{1}{N}\sum_{n} \ell(\text{out}_n, y_n)
              + \frac{\lambda}{2}\sum_k \lVert W_k\rVert_F^2, \qquad
              \frac{\partial J}{\partial W_k} = \frac{\partial}{\partial W_k}
              \Big(\frac{1}{N}\sum_n \ell\Big) + \lambda W_k

    (seed 003 "Weight Decay"; seed 000 "Regularization - Neural Network" with its
    :math:`\lambda/N` as our :math:`\lambda`). Biases, :math:`\gamma` and :math:`\beta`
    get no penalty term.

    Parameters
    ----------
    y
        Integer class labels ``(N,)`` for ``"softmax_cross_entropy"``; targets ``(N,)``
        (one output) or ``(N, n_out)`` for ``"bce_with_logits"`` and ``"mse"``.
    train, rng, masks, running
        As in :func:`forward`. In eval mode the gradient is that of the eval-mode network
        (batch norm with the running statistics as constants).

    Returns
    -------
    loss, grads, new_running
        :math:`J` as a float, its gradients (keys of ``params``), and the running
        statistics returned by :func:`forward`.
    """
    config, train, params, X, masks, running = _checked(
        params, X, config, train, rng, masks, running
    )
    out, caches, new_running = _forward(params, X, config, train, rng, masks, running)
    loss, dout = _data_loss(out, y, config)
    grads = backward(dout, caches, config)
    if config.l2 > 0:
        loss += _penalty(params, config)
        for k in range(1, config.n_layers + 1):
            grads[f"W{k}"] = grads[f"W{k}"] + config.l2 * params[f"W{k}"]
    return loss, grads, new_running


# ----------------------------------------------------------------------------------------
# evaluation


def metric_name(config: MLPConfig) -> str:
    """``"accuracy"`` for the classification losses, ``"mse"`` for regression."""
    return "mse" if _check_config(config).loss == "mse" else "accuracy"


def predict(params: Params, X: np.ndarray, config: MLPConfig,
            running: Running | None = None) -> np.ndarray:
    """Predictions in eval mode (running statistics, no dropout): deterministic.

    - ``"softmax_cross_entropy"``: the class with the largest logit, ``(N,)`` int64;
    - ``"bce_with_logits"``: 1 where the logit is > 0 (probability > 1/2), else 0,
      int64, shape ``(N,)`` for one output, ``(N, n_out)`` otherwise;
    - ``"mse"``: the outputs, shape ``(N,)`` for one output, ``(N, n_out)`` otherwise.
    """
    out, _, _ = forward(params, X, config, train=False, running=running)
    return _predictions(out, config)


def _predictions(out: np.ndarray, config: MLPConfig) -> np.ndarray:
    if config.loss == "softmax_cross_entropy":
        return out.argmax(axis=1).astype(np.int64)
    values = out[:, 0] if config.n_out == 1 else out
    if config.loss == "bce_with_logits":
        return (values > 0).astype(np.int64)
    return values.copy()


def _accuracy(out: np.ndarray, y: object, config: MLPConfig) -> float:
    predicted = _predictions(out, config)
    target = np.asarray(y)
    if config.loss == "bce_with_logits":
        # soft targets count as the class they are closer to
        target = (np.asarray(target, dtype=np.float64) >= 0.5).astype(np.int64)
    if target.shape != predicted.shape:
        raise CourseLibError(
            f"y has shape {target.shape} but the predictions have shape {predicted.shape}"
        )
    return float(np.mean(predicted == target))


def accuracy(params: Params, X: np.ndarray, y: np.ndarray, config: MLPConfig,
             running: Running | None = None) -> float:
    """The fraction of examples whose :func:`predict` equals the label (eval mode).

    With several ``"bce_with_logits"`` outputs, the fraction of correct entries.
    """
    config = _check_config(config)
    if config.loss == "mse":
        raise CourseLibError(
            "accuracy is for classification; this network is trained with loss='mse': "
            "use evaluate(...).metric, the mean squared error"
        )
    out, _, _ = forward(params, X, config, train=False, running=running)
    return _accuracy(out, y, config)


class Evaluation(NamedTuple):
    """The data loss (no L2 term) and the metric of :func:`metric_name`, in eval mode."""

    loss: float
    metric: float


def evaluate(params: Params, X: np.ndarray, y: np.ndarray, config: MLPConfig,
             running: Running | None = None) -> Evaluation:
    """Mean data loss and accuracy (classification) or MSE (regression), in eval mode.

    One forward pass; the L2 penalty is left out, since it is not an error on the data.
    For ``"mse"`` the metric equals the loss.
    """
    config = _check_config(config)
    out, _, _ = forward(params, X, config, train=False, running=running)
    loss, _ = _data_loss(out, y, config, with_grad=False)
    metric = loss if config.loss == "mse" else _accuracy(out, y, config)
    return Evaluation(loss, metric)
