"""One worked example of the lecture notes, with the slide's number and ours.

An :class:`Example` records where a number appears in a seed, what the slide states, how
course_lib derives it, and a verdict:

- ``"agrees"``: the slide's value matches ours to the precision it is printed with;
- ``"erratum"``: it does not; ``explanation`` says what went wrong in words a student
  understands and, where one clear rule reproduces the slide's number,
  ``as_slide_computed`` applies that rule;
- ``"convention"``: the seeds write the same thing differently; ``compute()`` returns a
  dict with the number each convention gives on the same input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_lib._validation import CourseLibError, check_choice
from course_lib.seeds import SEEDS

VERDICTS = ("agrees", "erratum", "convention")


@dataclass(frozen=True)
class Example:
    """A worked numerical example (or numeric claim) of a seed.

    Attributes
    ----------
    id
        Unique, starting with the seed number: ``"002-gd-step"``.
    source
        The seed's file name (see :mod:`course_lib.seeds`).
    locator
        The nearby heading, so a reader finds the place in the seed.
    title
        One line saying what is computed.
    inputs
        The given values, by name.
    slide_value
        What the slide states, as numbers: a float, a tuple of floats, a nested tuple for
        a matrix, or a dict of those by name.
    compute
        Derives the value with course_lib's own functions; same structure as
        ``slide_value`` (for ``"convention"``: a dict, one entry per convention).
    verdict
        ``"agrees"``, ``"erratum"`` or ``"convention"``.
    explanation
        Why the verdict; for an erratum, what the slide got wrong.
    decimals
        The precision the slide prints with (digits after the point): "agrees" means
        ``|ours - slide| <= 0.5 * 10**-decimals`` in every entry. None where the slide's
        numbers are exact.
    as_slide_computed
        For an erratum, the rule that reproduces the slide's number, if there is one.
    lessons
        The notebooks that show this example (course-map ids, e.g. "07_gradient_descent_and_sgd").
    """

    id: str
    source: str
    locator: str
    title: str
    inputs: Mapping[str, Any]
    slide_value: Any
    compute: Callable[[], Any]
    verdict: str
    explanation: str
    decimals: int | None = None
    as_slide_computed: Callable[[], Any] | None = None
    lessons: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        check_choice("verdict", self.verdict, VERDICTS)
        number = self.id.split("-", 1)[0]
        if number not in SEEDS or SEEDS[number].file != self.source:
            raise CourseLibError(
                f"example {self.id!r}: its id must start with the seed number and its source "
                f"must be that seed's file name (got source {self.source!r})"
            )
        if self.as_slide_computed is not None and self.verdict != "erratum":
            raise CourseLibError(f"example {self.id!r}: only an erratum has as_slide_computed")
        if not self.explanation.strip():
            raise CourseLibError(f"example {self.id!r} needs an explanation")

    def tolerance(self) -> float:
        """Half a unit in the last printed digit (0 when the slide's numbers are exact)."""
        return 0.0 if self.decimals is None else 0.5 * 10.0 ** (-self.decimals)

    def slide_matches(self, value: Any) -> bool:
        """Whether ``value`` rounds to the slide's numbers at the slide's precision."""
        return max_abs_difference(value, self.slide_value) <= self.tolerance() + 1e-12


def flatten_numbers(value: Any) -> list[float]:
    """All numbers in a scalar, sequence, array or dict (dicts in key order)."""
    if isinstance(value, Mapping):
        return [x for k in sorted(value) for x in flatten_numbers(value[k])]
    if isinstance(value, np.ndarray | list | tuple):
        return [x for v in value for x in flatten_numbers(v)]
    return [float(value)]


def max_abs_difference(a: Any, b: Any) -> float:
    """Largest entry-wise difference of two values of the same structure."""
    if isinstance(a, Mapping) != isinstance(b, Mapping) or (
        isinstance(a, Mapping) and set(a) != set(b)
    ):
        raise CourseLibError(f"values have different structure: {a!r} and {b!r}")
    xs, ys = flatten_numbers(a), flatten_numbers(b)
    if len(xs) != len(ys):
        raise CourseLibError(f"values have {len(xs)} and {len(ys)} numbers: {a!r} and {b!r}")
    return max((abs(x - y) for x, y in zip(xs, ys, strict=True)), default=0.0)


def format_value(value: Any, digits: int = 6) -> str:
    """Numbers with up to ``digits`` significant digits; tuples, matrices and dicts."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {format_value(v, digits)}" for k, v in value.items())
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, list | tuple):
        return "(" + ", ".join(format_value(v, digits) for v in value) + ")"
    x = float(value)
    if x == 0 or (math.isfinite(x) and 1e-4 <= abs(x) < 1e6):
        text = f"{x:.{digits}g}"
    else:
        text = f"{x:.{max(digits - 3, 2)}e}"
    return text
