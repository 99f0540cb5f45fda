r"""Batch normalization (Ioffe and Szegedy 2015): train and eval, staged and compact backward.

The training algorithm (seed 001 "Batch Normalization, Training Phase Algorithm"; seed
004, 3.5 Algorithm 2) normalizes each feature over the mini-batch
:math:`\mathcal{B} = \{x_1, \dots, x_m\}`:

.. math::
    \mu_\mathcal{B} = \frac1m \sum_i x_i, \quad
    \sigma^2_\mathcal{B} = \frac1m \sum_i (x_i - \mu_\mathcal{B})^2, \quad
    \hat x_i = \frac{x_i - \mu_\mathcal{B}}{\sqrt{\sigma^2_\mathcal{B} + \epsilon}}, \quad
    y_i = \gamma \hat x_i + \beta .

At test time (seed 001 "Test/Inference Phase"; seed 004, 3.5 item 4) the batch statistics
are replaced by estimates of the population's, kept as running averages during training.
:func:`batchnorm_forward` RETURNS the updated running statistics; it never writes into
the ones it is given, so a training loop threads them through explicitly::

    out, cache, running = batchnorm_forward(x, gamma, beta, train=True, running=running)

Seed numbers ("seed 001") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from course_lib._validation import (
    CourseLibError,
    check_array,
    check_bool,
    check_choice,
    check_positive,
    check_real,
)
from course_lib.layer_registry import LayerSpec, register

MOMENTUM_CONVENTIONS = ("new_weight", "old_weight")


class RunningStats(NamedTuple):
    r"""Running (population) estimates per feature: ``mean`` of :math:`E[x]`, ``var`` of
    :math:`\mathrm{Var}[x]`."""

    mean: np.ndarray
    var: np.ndarray


class BatchNormCache(NamedTuple):
    r"""What the backward needs. In train mode ``mean``/``var`` are the batch's
    :math:`\mu_\mathcal{B}` and (biased) :math:`\sigma^2_\mathcal{B}`; in eval mode the
    running statistics, which are constants for the backward."""

    x: np.ndarray
    xhat: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    gamma: np.ndarray
    eps: float
    train: bool


class BatchNormGrads(NamedTuple):
    dx: np.ndarray
    dgamma: np.ndarray
    dbeta: np.ndarray


class BatchNormStages(NamedTuple):
    """The intermediate gradients of seed 001's "EBP for Two Extra Weights", in its order."""

    dxhat: np.ndarray
    dvar: np.ndarray
    dmu: np.ndarray
    dx: np.ndarray
    dgamma: np.ndarray
    dbeta: np.ndarray


def init_running_stats(n_features: int) -> RunningStats:
    """Mean 0 and variance 1 per feature, as PyTorch and Keras start them.

    >>> init_running_stats(2)
    RunningStats(mean=array([0., 0.]), var=array([1., 1.]))
    """
    if isinstance(n_features, bool) or not isinstance(n_features, int | np.integer):
        raise CourseLibError(
            f"n_features must be an integer, got {n_features!r} ({type(n_features).__name__})"
        )
    if n_features < 1:
        raise CourseLibError(f"n_features must be >= 1, got {n_features}")
    return RunningStats(np.zeros(n_features), np.ones(n_features))


# ----------------------------------------------------------------------------------------
# argument checks



def _check_x(x: object) -> np.ndarray:
    x = check_array("x", x)
    if x.ndim != 2:
        raise CourseLibError(
            f"x must be a 2-D array (m examples, D features), got shape {x.shape}; "
            "for a single example use x.reshape(1, -1)"
        )
    return x


def _check_feature_vector(name: str, value: object, n_features: int) -> np.ndarray:
    array = check_array(name, value)
    if array.shape != (n_features,):
        raise CourseLibError(
            f"{name} must have shape ({n_features},), one entry per feature of x, "
            f"got {array.shape}"
        )
    return array


def _check_running(running: object, n_features: int | None = None) -> RunningStats:
    """``running`` as float64 RunningStats with ``n_features`` entries (or any, if None)."""
    if not isinstance(running, RunningStats):
        example = "D" if n_features is None else n_features
        raise CourseLibError(
            f"running must be a RunningStats(mean, var), e.g. init_running_stats({example}), "
            f"got {type(running).__name__}"
        )
    if n_features is None:
        shape = np.shape(running.mean)
        if len(shape) != 1:
            raise CourseLibError(
                f"running.mean must be 1-D (one entry per feature), got shape {shape}"
            )
        n_features = shape[0]
    mean = _check_feature_vector("running.mean", running.mean, n_features)
    var = _check_feature_vector("running.var", running.var, n_features)
    if (var < 0).any():
        raise CourseLibError(f"running.var must be >= 0, got {var}")
    return RunningStats(mean, var)


def _check_momentum(momentum: object) -> float:
    momentum = check_real("momentum", momentum)
    if not 0.0 <= momentum <= 1.0:
        raise CourseLibError(f"momentum must lie in [0, 1], got {momentum}")
    return momentum



# ----------------------------------------------------------------------------------------
# forward


def update_running_stats(
    running: RunningStats,
    batch_mean: np.ndarray,
    batch_var: np.ndarray,
    *,
    momentum: float,
    momentum_convention: str,
) -> RunningStats:
    r"""One exponential-average step of the running statistics (a new tuple is returned).

    ``"new_weight"`` (PyTorch's ``momentum``, default 0.1):
    :math:`r \leftarrow (1 - \text{momentum})\, r + \text{momentum}\cdot b`.

    ``"old_weight"`` (seed 001's :math:`\lambda \sim 0.95`; Keras's ``momentum``, default
    0.99): :math:`r \leftarrow \text{momentum}\cdot r + (1 - \text{momentum})\, b`.

    ``batch_var`` is whatever variance should be averaged (the caller applies the
    :math:`m/(m-1)` correction or not).
    """
    momentum = _check_momentum(momentum)
    check_choice("momentum_convention", momentum_convention, MOMENTUM_CONVENTIONS)
    running = _check_running(running)
    n_features = running.mean.shape[0]
    batch_mean = _check_feature_vector("batch_mean", batch_mean, n_features)
    batch_var = _check_feature_vector("batch_var", batch_var, n_features)
    new = momentum if momentum_convention == "new_weight" else 1.0 - momentum
    return RunningStats(
        (1.0 - new) * running.mean + new * batch_mean,
        (1.0 - new) * running.var + new * batch_var,
    )


def batchnorm_forward(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    *,
    train: bool,
    running: RunningStats,
    momentum: float = 0.1,
    momentum_convention: str = "new_weight",
    unbiased: bool = True,
    eps: float = 1e-5,
) -> tuple[np.ndarray, BatchNormCache, RunningStats]:
    r"""Batch normalization of ``x`` (``(m, D)``), per feature over the batch.

    Train mode: normalize with the batch mean and the BIASED batch variance
    :math:`\sigma^2_\mathcal{B} = \frac1m\sum_i (x_i-\mu_\mathcal{B})^2` (seed 001's
    algorithm), and return the running statistics updated with

    .. math:: \mu_\mathcal{B} \quad\text{and}\quad
              \tfrac{m}{m-1}\,\sigma^2_\mathcal{B} \ (\texttt{unbiased=True})
              \ \text{or}\ \sigma^2_\mathcal{B} \ (\texttt{unbiased=False}).

    Seed 001's test phase method 1 boxes the factor :math:`m/(m-1)`: the average of the
    biased batch variances underestimates :math:`\mathrm{Var}[x]` by exactly that factor.
    Its method 2 (running averages with :math:`\lambda \sim 0.95`) averages
    :math:`\sigma^2_\mathcal{B}` without it; PyTorch applies it. See
    :func:`update_running_stats` for the two ``momentum_convention`` values.

    Eval mode: normalize with the running statistics,
    :math:`y = \gamma\,(x - E[x])/\sqrt{\mathrm{Var}[x] + \epsilon} + \beta`, and return
    ``running`` unchanged (see :func:`fold_batchnorm` for the equivalent affine map).

    Parameters
    ----------
    x
        ``(m, D)``: m examples, D features.
    gamma, beta
        ``(D,)`` scale and shift, learned.
    train
        Batch statistics and a running-stat update (``True``), or running statistics.
    running
        The current :class:`RunningStats`.
    momentum, momentum_convention
        Weight of the new batch (``"new_weight"``, PyTorch) or of the old running value
        (``"old_weight"``, seed 001's :math:`\lambda`, Keras).
    unbiased
        Average :math:`\frac{m}{m-1}\sigma^2_\mathcal{B}` into the running variance.
        A batch of one example then cannot be used: :math:`m - 1 = 0`, and a single
        example carries no information about the spread at all.
    eps
        :math:`\epsilon > 0` under the square root.

    Returns
    -------
    out, cache, running
        The output ``(m, D)``, the cache for the backward, and the new running statistics.
    """
    train = check_bool("train", train)
    x = _check_x(x)
    m, n_features = x.shape
    gamma = _check_feature_vector("gamma", gamma, n_features)
    beta = _check_feature_vector("beta", beta, n_features)
    running = _check_running(running, n_features)
    momentum = _check_momentum(momentum)
    check_choice("momentum_convention", momentum_convention, MOMENTUM_CONVENTIONS)
    if not isinstance(unbiased, bool | np.bool_):
        raise CourseLibError(f"unbiased must be True or False, got {unbiased!r}")
    eps = check_positive("eps", eps)
    if m == 0:
        raise CourseLibError("x has no rows: batch normalization needs at least one example")

    if not train:
        mean, var = running.mean, running.var
        new_running = running
    else:
        if unbiased and m == 1:
            raise CourseLibError(
                "a batch of size m = 1 cannot update the running variance with unbiased=True: "
                "the correction m/(m-1) divides by m - 1 = 0 (one example says nothing about "
                "the spread; its batch variance is 0 and x̂ = 0 whatever x is). Use batches "
                "of at least 2 examples, or unbiased=False"
            )
        mean = x.mean(axis=0)
        centered = x - mean
        # Σ(x-μ)² per feature without a temporary (m, D) array of squares
        var = np.einsum("ij,ij->j", centered, centered) / m
        running_var_input = var * (m / (m - 1)) if unbiased else var
        new_running = update_running_stats(
            running, mean, running_var_input,
            momentum=momentum, momentum_convention=momentum_convention,
        )
    if not train:
        centered = x - mean
    # x̂ = (x - μ)/√(σ² + ε), normalised in place: `centered` is ours, not the caller's
    xhat = centered
    xhat *= 1.0 / np.sqrt(var + eps)
    out = xhat * gamma
    out += beta
    cache = BatchNormCache(x, xhat, mean, var, gamma, eps, train)
    return out, cache, new_running


# ----------------------------------------------------------------------------------------
# backward


def _check_dout(dout: object, cache: BatchNormCache) -> np.ndarray:
    dout = check_array("dout", dout)
    if dout.shape != cache.x.shape:
        raise CourseLibError(
            f"dout has shape {dout.shape} but the forward's output had shape {cache.x.shape}"
        )
    return dout


def batchnorm_backward_stages(dout: np.ndarray, cache: BatchNormCache) -> BatchNormStages:
    r"""The training-mode backward in seed 001's stages ("EBP for Two Extra Weights").

    .. math::
        \frac{\partial\ell}{\partial\hat x_i} &= \frac{\partial\ell}{\partial y_i}\,\gamma \\
        \frac{\partial\ell}{\partial\sigma^2_\mathcal{B}} &= \sum_i
            \frac{\partial\ell}{\partial\hat x_i}(x_i-\mu_\mathcal{B})
            \cdot\frac{-1}{2}(\sigma^2_\mathcal{B}+\epsilon)^{-3/2} \\
        \frac{\partial\ell}{\partial\mu_\mathcal{B}} &= \sum_i
            \frac{\partial\ell}{\partial\hat x_i}\frac{-1}{\sqrt{\sigma^2_\mathcal{B}+\epsilon}}
            + \frac{\partial\ell}{\partial\sigma^2_\mathcal{B}}
              \frac{\sum_i -2(x_i-\mu_\mathcal{B})}{m} \\
        \frac{\partial\ell}{\partial x_i} &= \frac{\partial\ell}{\partial\hat x_i}
            \frac{1}{\sqrt{\sigma^2_\mathcal{B}+\epsilon}}
            + \frac{\partial\ell}{\partial\sigma^2_\mathcal{B}}\frac{2(x_i-\mu_\mathcal{B})}{m}
            + \frac{\partial\ell}{\partial\mu_\mathcal{B}}\frac1m \\
        \frac{\partial\ell}{\partial\gamma} &= \sum_i \frac{\partial\ell}{\partial y_i}\hat x_i,
        \qquad
        \frac{\partial\ell}{\partial\beta} = \sum_i \frac{\partial\ell}{\partial y_i}

    The second term of :math:`\partial\ell/\partial\mu_\mathcal{B}` is zero in exact
    arithmetic (:math:`\sum_i (x_i - \mu_\mathcal{B}) = 0`); it is kept, as on the slide.
    """
    if not cache.train:
        raise CourseLibError(
            "the staged backward follows the training algorithm, where μ and σ² depend on x; "
            "this cache is from eval mode (running statistics are constants), so use "
            "batchnorm_backward"
        )
    dout = _check_dout(dout, cache)
    x, mu, var, eps = cache.x, cache.mean, cache.var, cache.eps
    m = x.shape[0]
    dxhat = dout * cache.gamma
    dvar = np.sum(dxhat * (x - mu) * (-0.5) * (var + eps) ** -1.5, axis=0)
    dmu = np.sum(dxhat * (-1.0 / np.sqrt(var + eps)), axis=0) + dvar * np.sum(
        -2.0 * (x - mu), axis=0
    ) / m
    dx = dxhat / np.sqrt(var + eps) + dvar * 2.0 * (x - mu) / m + dmu / m
    dgamma = np.sum(dout * cache.xhat, axis=0)
    dbeta = np.sum(dout, axis=0)
    return BatchNormStages(dxhat, dvar, dmu, dx, dgamma, dbeta)


def batchnorm_backward_staged(dout: np.ndarray, cache: BatchNormCache) -> BatchNormGrads:
    """The gradients of :func:`batchnorm_backward_stages` (training mode only)."""
    stages = batchnorm_backward_stages(dout, cache)
    return BatchNormGrads(stages.dx, stages.dgamma, stages.dbeta)


def batchnorm_backward(dout: np.ndarray, cache: BatchNormCache) -> BatchNormGrads:
    r"""The backward in closed form, for a training-mode or an eval-mode cache.

    Train mode: substituting the stages into one another gives

    .. math:: \frac{\partial\ell}{\partial x_i}
              = \frac{\gamma}{m\sqrt{\sigma^2_\mathcal{B}+\epsilon}}
              \Big(m\, dy_i - \sum_j dy_j - \hat x_i \sum_j dy_j\, \hat x_j\Big),

    with :math:`dy = \partial\ell/\partial y`: the gradient has the component along the
    batch mean and along :math:`\hat x` removed, since shifting or scaling a feature over
    the whole batch does not change :math:`\hat x`.

    Eval mode: the layer is the affine map :math:`y = \gamma (x - E[x])/\sqrt{\mathrm{Var}[x]
    + \epsilon} + \beta`, so :math:`\partial\ell/\partial x = dy\,\gamma/\sqrt{\mathrm{Var}[x]
    + \epsilon}`. In both, :math:`\partial\ell/\partial\gamma = \sum_i dy_i \hat x_i` and
    :math:`\partial\ell/\partial\beta = \sum_i dy_i`.
    """
    dout = _check_dout(dout, cache)
    xhat, gamma = cache.xhat, cache.gamma
    inv_std = 1.0 / np.sqrt(cache.var + cache.eps)
    dgamma = np.einsum("ij,ij->j", dout, xhat)  # Σ dy·x̂ without an (m, D) temporary
    dbeta = np.sum(dout, axis=0)
    if not cache.train:
        return BatchNormGrads(dout * (gamma * inv_std), dgamma, dbeta)
    m = dout.shape[0]
    # (γ/(m√(σ²+ε)))·(m·dy − Σdy − x̂·Σ(dy·x̂)), with the per-feature factor folded into
    # each term so that only one (m, D) result and one temporary are allocated
    scale = gamma * inv_std / m
    dx = dout * (m * scale)
    dx -= xhat * (dgamma * scale)
    dx -= dbeta * scale
    return BatchNormGrads(dx, dgamma, dbeta)


# ----------------------------------------------------------------------------------------
# inference as one affine map


def fold_batchnorm(
    gamma: np.ndarray, beta: np.ndarray, running: RunningStats, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray]:
    r"""The eval-mode layer as ``scale * x + shift`` (seed 001, "Running mean/variance").

    .. math:: y = \underbrace{\frac{\gamma}{\sqrt{\mathrm{Var}[x]+\epsilon}}}_\text{scale}\,x
              + \underbrace{\Big(\beta - \frac{\gamma\, E[x]}{\sqrt{\mathrm{Var}[x]+\epsilon}}
              \Big)}_\text{shift}

    A deployed network folds these into the preceding affine layer's weights and bias, so
    batch normalization costs nothing at inference.
    """
    gamma = check_array("gamma", gamma)
    if gamma.ndim != 1:
        raise CourseLibError(f"gamma must be 1-D (one entry per feature), got shape {gamma.shape}")
    n_features = gamma.shape[0]
    beta = _check_feature_vector("beta", beta, n_features)
    running = _check_running(running, n_features)
    eps = check_positive("eps", eps)
    scale = gamma / np.sqrt(running.var + eps)
    return scale, beta - scale * running.mean


# ----------------------------------------------------------------------------------------
# the gradient-check table (wrappers drop the running statistics: the registry's forward
# returns (out, cache))


def _forward_for_registry(x, gamma, beta, **options):
    out, cache, _ = batchnorm_forward(x, gamma, beta, **options)
    return out, cache


def _inputs(train: bool):
    def inputs(rng: np.random.Generator):
        n_features = 3
        arrays = {
            "x": 1.0 + 2.0 * rng.normal(size=(6, n_features)),
            "gamma": rng.normal(size=n_features),
            "beta": rng.normal(size=n_features),
        }
        running = RunningStats(rng.normal(size=n_features), rng.uniform(0.5, 2.0, n_features))
        return arrays, {"train": train, "running": running}

    return inputs


_SOURCE = "seed 001, 'Batch Normalization' (Ioffe and Szegedy 2015); seed 004, 3.5"
register(LayerSpec("batchnorm[train,staged]", _forward_for_registry, batchnorm_backward_staged,
                   _inputs(True), _SOURCE))
register(LayerSpec("batchnorm[train,compact]", _forward_for_registry, batchnorm_backward,
                   _inputs(True), _SOURCE))
register(LayerSpec("batchnorm[eval]", _forward_for_registry, batchnorm_backward,
                   _inputs(False), _SOURCE))
