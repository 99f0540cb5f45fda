"""Argument checks shared by course_lib, with messages written for students.

Every public function validates what it is given and raises :class:`CourseLibError`
(a ``ValueError``) that names the argument, the value received and what was expected,
so a mistake in a notebook cell points at its cause instead of surfacing later as a
NaN or a shape error deep inside numpy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from numbers import Real

import numpy as np

Params = dict[str, np.ndarray]
"""Model parameters (or gradients, or optimizer buffers): name -> float64 array."""

LearningRate = float | Callable[[int], float]
"""A constant learning rate, or a schedule ``step -> lr`` (:mod:`course_lib.schedules`)."""


class CourseLibError(ValueError):
    """A course_lib function was called with an argument it cannot work with."""


def check_real(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise if it is not a finite real number."""
    if isinstance(value, bool) or not isinstance(value, Real | np.floating | np.integer):
        kind = type(value).__name__
        raise CourseLibError(f"{name} must be a real number, got {value!r} ({kind})")
    value = float(value)
    if not math.isfinite(value):
        raise CourseLibError(f"{name} must be finite, got {value}")
    return value


def check_nonnegative(name: str, value: object) -> float:
    value = check_real(name, value)
    if value < 0:
        raise CourseLibError(f"{name} must be >= 0, got {value}")
    return value


def check_positive(name: str, value: object) -> float:
    value = check_real(name, value)
    if value <= 0:
        raise CourseLibError(f"{name} must be > 0, got {value}")
    return value


def check_unit_interval(name: str, value: object) -> float:
    """A decay rate such as β, ρ: it must lie in [0, 1) or the averages never forget."""
    value = check_real(name, value)
    if not 0.0 <= value < 1.0:
        raise CourseLibError(f"{name} must lie in [0, 1), got {value}")
    return value


def check_int(name: str, value: object, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise CourseLibError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise CourseLibError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def check_choice(name: str, value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise CourseLibError(f"{name} must be one of {options}, got {value!r}")
    return value  # type: ignore[return-value]


def check_learning_rate(value: object, name: str = "lr") -> None:
    """Accept a non-negative number or a schedule (any callable ``step -> lr``)."""
    if callable(value):
        return
    check_nonnegative(name, value)


def learning_rate_at(lr: LearningRate, step: int) -> float:
    """The learning rate for the update that follows ``step`` completed updates."""
    if not callable(lr):
        return float(lr)
    value = lr(step)
    try:
        return check_nonnegative(f"the learning-rate schedule's value at step {step}", value)
    except CourseLibError as err:
        raise CourseLibError(f"{err} (schedule {lr!r})") from None


def as_params(params: object, what: str = "params") -> Params:
    """Return ``params`` as a dict of float64 arrays, without copying float64 arrays.

    Scalars and lists are accepted (``{"x": 10.0}``) so notebooks can stay short.
    """
    if not isinstance(params, Mapping):
        raise CourseLibError(
            f"{what} must be a dict mapping names to arrays, e.g. {{'w': np.zeros(3)}}, "
            f"got {type(params).__name__}"
        )
    if not params:
        raise CourseLibError(f"{what} is empty: give at least one named array")
    out: Params = {}
    for key, value in params.items():
        if not isinstance(key, str):
            raise CourseLibError(f"{what} keys must be strings, got {key!r}")
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise CourseLibError(f"{what}[{key!r}] is not numeric: {err}") from None
        out[key] = array
    return out


def check_gradients(params: Params, grads: object, step: int | None = None) -> Params:
    """Check that ``grads`` matches ``params`` key by key and shape by shape, and is finite."""
    grads = as_params(grads, "grads")
    where = "" if step is None else f" at step {step}"
    if grads.keys() != params.keys():
        missing = sorted(params.keys() - grads.keys())
        extra = sorted(grads.keys() - params.keys())
        parts = []
        if missing:
            parts.append(f"missing gradient for {missing}")
        if extra:
            parts.append(f"gradient for unknown parameter(s) {extra}")
        raise CourseLibError(
            f"grads do not match params{where}: {'; '.join(parts)} "
            f"(params have keys {sorted(params)})"
        )
    for key, g in grads.items():
        if g.shape != params[key].shape:
            raise CourseLibError(
                f"grads[{key!r}] has shape {g.shape} but params[{key!r}] has shape "
                f"{params[key].shape}{where}"
            )
        if not _all_finite(g):
            raise CourseLibError(
                f"grads[{key!r}] contains NaN or inf{where}: the iterates have probably "
                "diverged (try a smaller learning rate) or the gradient function is wrong"
            )
    return grads


def _all_finite(a: np.ndarray) -> bool:
    # A single reduction is much cheaper than np.isfinite(a).all() on large arrays; any
    # NaN or inf (or an overflow of the sum itself) makes it non-finite, and only then
    # do we pay for the element-wise check.
    with np.errstate(over="ignore", invalid="ignore"):
        if math.isfinite(float(np.add.reduce(a, axis=None))):
            return True
    return bool(np.isfinite(a).all())


def check_bool(name: str, value: object) -> bool:
    """A flag such as ``train``: only True or False (not 0/1, not a string)."""
    if not isinstance(value, bool | np.bool_):
        kind = type(value).__name__
        raise CourseLibError(f"{name} must be True or False, got {value!r} ({kind})")
    return bool(value)


def check_rng(rng: object, name: str = "rng") -> np.random.Generator:
    """All randomness comes from an explicit generator, never numpy's global state."""
    if not isinstance(rng, np.random.Generator):
        raise CourseLibError(
            f"{name} must be a numpy.random.Generator, e.g. np.random.default_rng(0), "
            f"got {rng!r} ({type(rng).__name__})"
        )
    return rng


def check_array(name: str, value: object, ndim: int | None = None) -> np.ndarray:
    """Return ``value`` as a float64 array, or raise if it is not numeric, finite, ``ndim``-D.

    A float64 array is returned as is (not copied): callers never write into it.
    """
    if isinstance(value, str):
        raise CourseLibError(f"{name} must be a numeric array, got the string {value!r}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise CourseLibError(f"{name} must be a numeric array: {err}") from None
    if ndim is not None and array.ndim != ndim:
        raise CourseLibError(
            f"{name} must be a {ndim}-D array, got shape {array.shape} ({array.ndim}-D)"
        )
    if not _all_finite(array):
        raise CourseLibError(
            f"{name} contains NaN or inf: the values upstream have probably diverged "
            "(try a smaller learning rate) or an earlier computation divided by zero"
        )
    return array
