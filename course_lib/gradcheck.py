r"""Numerical gradient checking: central differences and the relative error.

The relative error is the one of Andrew Ng's gradient-checking lecture (the course behind
seed 000),

.. math:: \frac{\lVert g_\text{analytic} - g_\text{numeric}\rVert_2}
               {\lVert g_\text{analytic}\rVert_2 + \lVert g_\text{numeric}\rVert_2},

where about 1e-7 or less means the backward pass is right. :func:`check_layer` applies it
to every array input of a layer registered in :mod:`course_lib.layer_registry`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib._validation import CourseLibError, check_positive


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    r"""Central differences :math:`(f(x + h e_i) - f(x - h e_i)) / 2h` for every entry of ``x``.

    ``x`` is not modified: each entry is perturbed in a private copy.
    """
    h = check_positive("h", h)
    x = np.array(x, dtype=np.float64)  # a private copy, perturbed in place below
    grad = np.empty_like(x)
    flat_x, flat_g = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + h
        plus = float(f(x))
        flat_x[i] = original - h
        minus = float(f(x))
        flat_x[i] = original
        flat_g[i] = (plus - minus) / (2 * h)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """``‖a − n‖ / (‖a‖ + ‖n‖)``; 0 when both are exactly zero."""
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    if analytic.shape != numeric.shape:
        raise CourseLibError(
            f"gradient shapes differ: analytic {analytic.shape}, numeric {numeric.shape}"
        )
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if scale == 0.0 else float(np.linalg.norm(analytic - numeric) / scale)


def check_layer(spec, rng: np.random.Generator, h: float = 1e-6) -> dict[str, float]:
    """Relative error of ``spec``'s backward against central differences, per array input.

    The scalar checked is :math:`\\sum (\\text{out} \\odot d\\text{out})` for a random
    ``dout``, whose gradient with respect to each input is exactly what ``backward(dout,
    cache)`` must return.
    """
    arrays, options = spec.inputs(rng)
    out, cache = spec.forward(**arrays, **options)
    dout = rng.normal(size=np.shape(out))
    grads = spec.backward(dout, cache)
    errors = {}
    for name, value in arrays.items():
        def loss(v, name=name):
            return float(np.sum(spec.forward(**{**arrays, name: v}, **options)[0] * dout))

        analytic = getattr(grads, f"d{name}")
        errors[name] = relative_error(analytic, numerical_gradient(loss, value, h))
    return errors
