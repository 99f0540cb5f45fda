"""Checks for the notebooks' test cells that say what is wrong, not just that it is.

A test cell calls, for example::

    feedback.check(student_l2_grad(params, lam), expected, what="the L2 gradient",
                   mistakes=[feedback.Mistake("you penalized the bias b as well", with_bias)])

and, when the answer is wrong, gets an ``AssertionError`` whose message names the likely
mistake: one of the exercise's known mistakes (each with the value that mistake produces
on these inputs), the slide's own erroneous number (with the slide's explanation, from
:mod:`course_lib.examples`), or a generic diagnosis (returned None, wrong shape,
transposed, flipped sign, off by a constant factor, NaN, mutated its input).

Nothing here writes to stderr: nbgrader scores a test cell 0 when it does, so numpy's
warnings are silenced inside every check.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np


class Mistake(NamedTuple):
    """A known mistake: what it is, and the value it produces on the test's inputs."""

    description: str
    value: Any


@contextmanager
def quiet() -> Iterator[None]:
    """Silence numpy floating-point warnings and Python warnings (nothing on stderr)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def _as_array(value: Any) -> np.ndarray | None:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def _close(a: Any, b: Any, rtol: float, atol: float) -> bool:
    if isinstance(b, Mapping):
        return isinstance(a, Mapping) and set(a) == set(b) and all(
            _close(a[k], b[k], rtol, atol) for k in b
        )
    x, y = _as_array(a), _as_array(b)
    if x is None or y is None or x.shape != y.shape:
        return False
    with quiet():
        return bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=False))


def _short(value: Any) -> str:
    array = _as_array(value)
    if array is None:
        return repr(value)[:120]
    with np.printoptions(precision=6, suppress=True, threshold=12, edgeitems=3):
        return np.array2string(array, separator=", ") if array.ndim else f"{float(array):.8g}"


def diagnose(answer: Any, expected: Any, rtol: float = 1e-7, atol: float = 1e-10) -> str:
    """A one-line description of how ``answer`` differs from ``expected``."""
    if answer is None:
        return "your function returned None: did you forget the `return` statement?"
    if isinstance(expected, Mapping):
        if not isinstance(answer, Mapping):
            return f"expected a dict with keys {sorted(expected)}, got {type(answer).__name__}"
        if set(answer) != set(expected):
            missing = sorted(set(expected) - set(answer))
            extra = sorted(set(answer) - set(expected))
            return f"the dict's keys are wrong: missing {missing}, unexpected {extra}"
        wrong = [k for k in expected if not _close(answer[k], expected[k], rtol, atol)]
        return "; ".join(f"[{k!r}] {diagnose(answer[k], expected[k], rtol, atol)}" for k in wrong)
    x, y = _as_array(answer), _as_array(expected)
    if x is None:
        return f"expected a number or an array, got {type(answer).__name__}: {_short(answer)}"
    if x.shape != y.shape:
        hint = ""
        if x.T.shape == y.shape and _close(x.T, y, rtol, atol):
            hint = " (it is the transpose of the right answer)"
        elif x.size == y.size and _close(x.reshape(y.shape), y, rtol, atol):
            hint = " (the numbers are right but the shape is not: check how you reshape)"
        return f"the result has shape {x.shape}, expected {y.shape}{hint}"
    with quiet():
        if not np.isfinite(x).all():
            return "the result contains NaN or inf (a division by zero, or log of 0?)"
        if _close(-x, y, rtol, atol):
            return "the sign is flipped (a minus sign is missing or extra)"
        nonzero = np.abs(y) > atol
        if nonzero.any() and np.allclose(x[~nonzero], 0, atol=atol):
            ratios = x[nonzero] / y[nonzero]
            # a ratio of about 1 is a small difference, not a wrong constant factor
            if np.allclose(ratios, ratios.flat[0], rtol=1e-6) and \
                    not np.isclose(ratios.flat[0], 1.0, rtol=1e-4):
                return f"every entry is {float(ratios.flat[0]):.6g} times the right value " \
                       "(a constant factor such as 2, 1/2, N or 1/N is off)"
        diff = np.abs(x - y)
        i = np.unravel_index(np.argmax(diff), diff.shape) if diff.ndim else ()
        where = f" at index {tuple(int(j) for j in i)}" if diff.ndim else ""
        return (f"the values differ{where}: got {float(x[i]):.8g}, expected {float(y[i]):.8g} "
                f"(largest difference {float(diff[i]):.3g})")


def check(
    answer: Any,
    expected: Any,
    *,
    what: str,
    mistakes: Sequence[Mistake] = (),
    rtol: float = 1e-7,
    atol: float = 1e-10,
) -> None:
    """Raise an ``AssertionError`` naming the mistake unless ``answer ≈ expected``.

    ``mistakes`` are tried in order before the generic diagnosis: the first whose value
    the answer matches is named.
    """
    with quiet():
        if _close(answer, expected, rtol, atol):
            return
        for mistake in mistakes:
            if _close(answer, mistake.value, rtol, atol):
                raise AssertionError(f"{what} is not right: {mistake.description}.")
        raise AssertionError(f"{what} is not right: {diagnose(answer, expected, rtol, atol)}.")


def check_example(
    answer: Any,
    example_id: str,
    *,
    what: str,
    mistakes: Sequence[Mistake] = (),
    rtol: float = 1e-7,
    atol: float = 1e-10,
) -> None:
    """Check ``answer`` against a worked example's correct value (``course_lib.examples``).

    An answer that equals the slide's erroneous number gets the slide's mistake explained.
    """
    from course_lib.examples import get

    example = get(example_id)
    expected = example.compute()
    known = list(mistakes)
    if example.verdict == "erratum":
        known.append(Mistake(
            f"that is the slide's number ({_short(example.slide_value)}), but the slide is "
            f"wrong here: {example.explanation}",
            example.slide_value,
        ))
    # The slide prints rounded numbers: match them at the slide's precision.
    with quiet():
        if _close(answer, expected, rtol, atol):
            return
        for mistake in known:
            tol = example.tolerance() if mistake.value is example.slide_value else atol
            if _close(answer, mistake.value, 0.0, max(tol, atol)):
                raise AssertionError(f"{what} is not right: {mistake.description}.")
    check(answer, expected, what=what, rtol=rtol, atol=atol)


def _same(before: np.ndarray, after: np.ndarray) -> bool:
    # A NaN the caller passed in is not a modification (NaN != NaN otherwise).
    try:
        return bool(np.array_equal(before, after, equal_nan=True))
    except TypeError:  # equal_nan needs numbers; strings and objects compare plainly
        return bool(np.array_equal(before, after))


def check_unchanged(before: Any, after: Any, *, what: str) -> None:
    """Raise if an input was modified (``before`` is a deep copy taken before the call)."""
    if isinstance(before, Mapping):
        for key in before:
            check_unchanged(before[key], after[key], what=f"{what}[{key!r}]")
        return
    if isinstance(before, list | tuple) and any(isinstance(b, np.ndarray) for b in before):
        # e.g. one weight matrix per layer: shapes differ, so compare item by item
        if len(before) != len(after):
            raise AssertionError(f"your function changed the length of its input {what}.")
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            check_unchanged(b, a, what=f"{what}[{i}]")
        return
    with quiet():
        if not _same(np.asarray(before), np.asarray(after)):
            raise AssertionError(
                f"your function modified its input {what} in place; work on a copy "
                "(e.g. x = x.copy(), or build a new array) so the caller's data stays intact."
            )


def call_without_mutation(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` and raise (naming the argument) if it modified any array argument."""
    # A function argument (a gradient, an objective's method) is not data: a deep copy of
    # a bound method is bound to a copy of its object and never compares equal to it.
    saved_args = {i: copy.deepcopy(a) for i, a in enumerate(args) if not callable(a)}
    saved_kwargs = {k: copy.deepcopy(a) for k, a in kwargs.items() if not callable(a)}
    with quiet():
        result = fn(*args, **kwargs)
    for i, before in saved_args.items():
        check_unchanged(before, args[i], what=f"argument {i + 1}")
    for key, before in saved_kwargs.items():
        check_unchanged(before, kwargs[key], what=f"argument {key!r}")
    return result
