"""The registry of every worked numerical example in the lecture notes.

>>> from course_lib import examples
>>> ex = examples.get("000-ewa-unrolled-weights")
>>> ex.verdict
'agrees'

Notebooks show an example with :func:`show`; the errata page (``ERRATA.md``) is rendered
from the same entries by :func:`course_lib.examples.errata.render_errata_markdown`.
"""

from __future__ import annotations

import importlib

from course_lib._validation import CourseLibError
from course_lib.examples.entry import VERDICTS, Example, format_value
from course_lib.examples.view import ExampleView

# One module per seed, each defining EXAMPLES: list[Example].
SEED_MODULES = tuple(f"course_lib.examples.seed_{n}" for n in ("000", "001", "002", "003", "004"))


def all_examples() -> list[Example]:
    """Every example, seed by seed, in the order they appear in the seeds."""
    out: list[Example] = []
    for name in SEED_MODULES:
        out.extend(importlib.import_module(name).EXAMPLES)
    ids = [ex.id for ex in out]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CourseLibError(f"duplicate example ids: {duplicates}")
    return out


def get(example_id: str) -> Example:
    """The example with this id (the error lists close matches)."""
    for ex in all_examples():
        if ex.id == example_id:
            return ex
    known = [ex.id for ex in all_examples()]
    close = [k for k in known if example_id.split("-", 1)[-1] in k] or known[:10]
    raise CourseLibError(f"no example {example_id!r}; did you mean one of {close}?")


def show(example_id: str) -> ExampleView:
    """Display an example as "the slide says / we get / why" (rich in Jupyter)."""
    return ExampleView(get(example_id))


def for_lesson(lesson: str) -> list[Example]:
    """The examples a notebook shows, e.g. ``for_lesson("08_momentum")``."""
    return [ex for ex in all_examples() if lesson in ex.lessons]


__all__ = ["VERDICTS", "Example", "ExampleView", "all_examples", "for_lesson", "format_value",
           "get", "show"]
