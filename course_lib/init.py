r"""Weight initialisers: zeros, plain normal, Xavier (Glorot) and He (Kaiming).

Every initialiser takes an explicit ``numpy.random.Generator`` and returns a float64 array
of shape ``(fan_in, fan_out)``, the shape of ``W`` in :func:`course_lib.layers.affine_forward`
(``out = x @ W + b``): ``fan_in`` = :math:`n_\text{in}`, the number of inputs of each unit,
and ``fan_out`` = :math:`n_\text{out}`, the number of units in the layer.

Source: seed 004 section 3.4 ("Weight initialization"). Its He initialisation,
:math:`\mathcal N(0, \frac{4}{n_\text{in}+n_\text{out}})` and
:math:`\mathcal U(\pm\sqrt{12/(n_\text{in}+n_\text{out})})`, is the **fan-average**
variant: He et al.'s factor 2 over :math:`\frac{n_\text{in}+n_\text{out}}{2}`, as in Keras'
``VarianceScaling(scale=2, mode="fan_avg")``. The He/Kaiming initialisation of He et al.
2015 ("Delving Deep into Rectifiers") and of ``torch.nn.init.kaiming_normal_`` uses
:math:`\frac{2}{n_\text{in}}`. Both are here, as ``mode="fan_avg"`` and ``mode="fan_in"``
(the default).

Every uniform :math:`\mathcal U(-a, a)` has variance :math:`a^2/3`, so each uniform
initialiser has the variance of its normal namesake.

Seed numbers ("seed 004") are the lecture-note files listed in :mod:`course_lib.seeds`.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib._validation import (
    CourseLibError,
    check_choice,
    check_int,
    check_nonnegative,
    check_rng,
)

HE_MODES = ("fan_in", "fan_out", "fan_avg")



def _check_shape(shape: object) -> tuple[int, ...]:
    if isinstance(shape, int | np.integer) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, tuple | list):
        raise CourseLibError(f"shape must be an int or a tuple of ints, got {shape!r}")
    return tuple(check_int(f"shape[{i}]", n) for i, n in enumerate(shape))


def _check_fans(fan_in: object, fan_out: object) -> tuple[int, int]:
    return check_int("fan_in", fan_in, minimum=1), check_int("fan_out", fan_out, minimum=1)


def zeros(shape: int | tuple[int, ...]) -> np.ndarray:
    """An all-zero float64 array (biases; weights only in a counter-example, since zero
    weights make every unit of a layer compute, and learn, the same thing)."""
    return np.zeros(_check_shape(shape), dtype=np.float64)


def normal(rng: np.random.Generator, shape: int | tuple[int, ...], std: float) -> np.ndarray:
    r"""Independent draws from :math:`\mathcal N(0, \text{std}^2)`.

    Seed 000's ``random()`` initialisation ("Gradient descent for L-layer neural network")
    with an explicit scale.
    """
    rng, shape = check_rng(rng), _check_shape(shape)
    std = check_nonnegative("std", std)
    return rng.normal(0.0, std, size=shape)


def xavier_variance(fan_in: int, fan_out: int) -> float:
    r"""The variance Xavier initialisation gives each weight, :math:`2/(n_\text{in}+n_\text{out})`.

    Both :func:`xavier_normal` and :func:`xavier_uniform` draw with this variance (a
    uniform on :math:`(-a, a)` has variance :math:`a^2/3`).
    """
    fan_in, fan_out = _check_fans(fan_in, fan_out)
    return 2.0 / (fan_in + fan_out)


def xavier_normal(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    r"""Xavier (Glorot) normal, :math:`\mathcal N(0, \frac{2}{n_\text{in} + n_\text{out}})`.

    Seed 004 section 3.4 item 2(c); Glorot and Bengio 2010;
    ``torch.nn.init.xavier_normal_``. The second argument of :math:`\mathcal N` is the
    variance: the standard deviation is :math:`\sqrt{2/(n_\text{in}+n_\text{out})}`.
    """
    rng = check_rng(rng)
    variance = xavier_variance(fan_in, fan_out)
    return rng.normal(0.0, math.sqrt(variance), size=(int(fan_in), int(fan_out)))


def xavier_uniform(rng: np.random.Generator, fan_in: int, fan_out: int) -> np.ndarray:
    r"""Xavier (Glorot) uniform, :math:`\mathcal U(\pm\sqrt{6/(n_\text{in} + n_\text{out})})`.

    Seed 004 section 3.4 item 2(c); ``torch.nn.init.xavier_uniform_``. Same variance as
    :func:`xavier_normal`.
    """
    rng = check_rng(rng)
    bound = math.sqrt(3.0 * xavier_variance(fan_in, fan_out))  # √(6/(n_in + n_out))
    return rng.uniform(-bound, bound, size=(int(fan_in), int(fan_out)))


def _he_variance(fan_in: int, fan_out: int | None, mode: str) -> tuple[float, tuple]:
    """He's variance for ``mode`` and the shape to draw."""
    check_choice("mode", mode, HE_MODES)
    fan_in = check_int("fan_in", fan_in, minimum=1)
    if fan_out is None:
        if mode != "fan_in":
            raise CourseLibError(
                f"mode={mode!r} needs fan_out (the number of units in the layer); only "
                "mode='fan_in' can do without it"
            )
        return 2.0 / fan_in, (fan_in,)
    fan_out = check_int("fan_out", fan_out, minimum=1)
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return 2.0 / fan, (fan_in, fan_out)


def he_variance(fan_in: int, fan_out: int | None = None, mode: str = "fan_in") -> float:
    """The variance He initialisation gives each weight: 2/fan for the chosen ``mode``.

    ``"fan_in"``: 2/n_in (He et al. 2015, PyTorch); ``"fan_out"``: 2/n_out;
    ``"fan_avg"``: 4/(n_in + n_out), seed 004 section 3.4's form.
    """
    return _he_variance(fan_in, fan_out, mode)[0]


def he_normal(
    rng: np.random.Generator, fan_in: int, fan_out: int | None = None, mode: str = "fan_in"
) -> np.ndarray:
    r"""He (Kaiming) normal, :math:`\mathcal N(0, 2/\text{fan})`, for ReLU and its variants.

    ``mode`` chooses the fan:

    - ``"fan_in"`` (default): :math:`\mathcal N(0, \frac{2}{n_\text{in}})`, He et al. 2015
      and ``torch.nn.init.kaiming_normal_``: keeps the variance of the forward signal.
    - ``"fan_out"``: :math:`\mathcal N(0, \frac{2}{n_\text{out}})`, He et al.'s variant
      that keeps the variance of the backward gradient.
    - ``"fan_avg"``: :math:`\mathcal N(0, \frac{4}{n_\text{in}+n_\text{out}})`, as
      seed 004 section 3.4 item 3(b) states He initialisation.

    Without ``fan_out`` (``mode="fan_in"`` only) the result has shape ``(fan_in,)``: the
    incoming weights of a single unit.
    """
    rng = check_rng(rng)
    variance, shape = _he_variance(fan_in, fan_out, mode)
    return rng.normal(0.0, math.sqrt(variance), size=shape)


def he_uniform(
    rng: np.random.Generator, fan_in: int, fan_out: int | None = None, mode: str = "fan_in"
) -> np.ndarray:
    r"""He (Kaiming) uniform, :math:`\mathcal U(\pm\sqrt{6/\text{fan}})`, variance 2/fan.

    ``mode="fan_in"`` (default): :math:`\mathcal U(\pm\sqrt{6/n_\text{in}})`, as
    ``torch.nn.init.kaiming_uniform_(nonlinearity="relu")``; ``"fan_out"``:
    :math:`\mathcal U(\pm\sqrt{6/n_\text{out}})`; ``"fan_avg"``:
    :math:`\mathcal U(\pm\sqrt{12/(n_\text{in}+n_\text{out})})`, as seed 004 section 3.4
    item 3(b) states it. Shapes as in :func:`he_normal`.
    """
    rng = check_rng(rng)
    variance, shape = _he_variance(fan_in, fan_out, mode)
    bound = math.sqrt(3.0 * variance)
    return rng.uniform(-bound, bound, size=shape)
