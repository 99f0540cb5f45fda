"""Rules every worked example obeys, whatever its seed (the per-seed files test the numbers).

- "agrees": the slide's value matches compute() to the slide's printed precision;
- "erratum": it does not, and as_slide_computed (where given) reproduces the slide;
- "convention": compute() gives one number per convention, and the slide's is among them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from course_lib import CourseLibError
from course_lib.examples import all_examples, for_lesson, get, show
from course_lib.examples.entry import max_abs_difference
from course_lib.examples.errata import render_errata_markdown
from course_lib.seeds import SEEDS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = all_examples()
BY_ID = {ex.id: ex for ex in EXAMPLES}
LESSONS = {
    "01_bias_variance", "02_parameter_penalties", "03_early_stopping_and_ensembles",
    "04_dropout", "05_batch_norm", "06_optimization_landscape", "07_gradient_descent_and_sgd",
    "08_momentum", "09_adaptive_methods", "10_second_order", "11_capstone",
}


def test_every_seed_gave_examples():
    for number in SEEDS:
        assert any(ex.id.startswith(number + "-") for ex in EXAMPLES), f"seed {number} has none"


@pytest.mark.parametrize("eid", [ex.id for ex in EXAMPLES if ex.verdict == "agrees"])
def test_agreeing_examples_match_to_the_printed_precision(eid):
    ex = BY_ID[eid]
    ours = ex.compute()
    gap = max_abs_difference(ours, ex.slide_value)
    assert ex.slide_matches(ours), f"{eid}: slide {ex.slide_value}, ours {ours}, gap {gap:.3g}"


@pytest.mark.parametrize("eid", [ex.id for ex in EXAMPLES if ex.verdict == "erratum"])
def test_errata_differ_from_the_slide(eid):
    ex = BY_ID[eid]
    assert not ex.slide_matches(ex.compute()), f"{eid} is called an erratum but matches the slide"
    if ex.as_slide_computed is not None:
        assert ex.slide_matches(ex.as_slide_computed()), (
            f"{eid}: as_slide_computed gives {ex.as_slide_computed()}, slide {ex.slide_value}"
        )


@pytest.mark.parametrize("eid", [ex.id for ex in EXAMPLES if ex.verdict == "convention"])
def test_conventions_give_one_number_each(eid):
    ex = BY_ID[eid]
    values = ex.compute()
    assert isinstance(values, dict) and len(values) >= 2, f"{eid}: compute() must return a dict"
    # the slide states one of the conventions' numbers
    assert any(ex.slide_matches(v) for v in values.values()), (
        f"{eid}: the slide's {ex.slide_value} is none of {values}"
    )


@pytest.mark.parametrize("eid", [ex.id for ex in EXAMPLES])
def test_every_example_is_complete_and_shows(eid):
    ex = BY_ID[eid]
    assert ex.locator.strip() and ex.title.strip()
    assert set(ex.lessons) <= LESSONS, f"{eid}: unknown lessons {set(ex.lessons) - LESSONS}"
    text = str(show(eid))
    assert "the slide says" in text and ex.verdict in text
    assert "<table>" in show(eid)._repr_html_()
    assert all(np.isfinite(x) for x in _numbers(ex.slide_value))


def _numbers(value):
    from course_lib.examples.entry import flatten_numbers

    return flatten_numbers(value)


def test_errata_page_is_current():
    page = ROOT / "ERRATA.md"
    assert page.exists(), "run `python scripts/make_errata_page.py`"
    assert page.read_text(encoding="utf-8") == render_errata_markdown(EXAMPLES), (
        "ERRATA.md is stale: run `python scripts/make_errata_page.py`"
    )


def test_lookup_helpers():
    first = EXAMPLES[0]
    assert get(first.id) is first
    assert all(first.id != ex.id or ex is first for ex in for_lesson(first.lessons[0]))
    with pytest.raises(CourseLibError, match=r"no example 'nope'"):
        get("nope")


def test_an_example_must_name_its_seed_correctly():
    from course_lib.examples.entry import Example

    with pytest.raises(CourseLibError, match=r"id must start with the seed number"):
        Example(id="999-x", source="x.txt", locator="l", title="t", inputs={}, slide_value=1.0,
                compute=lambda: 1.0, verdict="agrees", explanation="e")
