"""Every lesson meets the notebook guide's structure (read from the instructor sources).

Executing and grading the lessons is tested in test_autograder_release.py (validate);
here, statically: each lesson shows every worked example tagged for it, has at least three
graded exercises with points on every test cell, explores with a registered widget, and
gives every cell a slide type (the decks are built from them).
"""

from __future__ import annotations

import re

import nbformat
import pytest

from autograder.course import Course
from course_lib.examples import all_examples, for_lesson
from course_lib.widgets import all_explorers

COURSE = Course.load()
LESSONS = COURSE.assignments()
EXAMPLE_ID = re.compile(r"""["']([0-9]{3}-[a-z0-9-]+)["']""")


def cells(lesson: str) -> list:
    return nbformat.read(COURSE.source_dir / lesson / f"{lesson}.ipynb", as_version=4).cells


def grader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_the_course_has_all_eleven_lessons_of_the_course_map():
    assert [lesson[:2] for lesson in LESSONS] == [f"{i:02d}" for i in range(1, 12)]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_worked_example_of_the_lesson_is_shown(lesson):
    # ids quoted in a (non-test) code cell that calls examples.show, directly or in a loop
    shown = {m for c in cells(lesson) if c.cell_type == "code" and "examples.show(" in c.source
             and not grader(c).get("grade") for m in EXAMPLE_ID.findall(c.source)}
    known = {ex.id for ex in all_examples()}
    assert shown <= known, f"{lesson} shows unknown examples {sorted(shown - known)}"
    missing = sorted({ex.id for ex in for_lesson(lesson)} - shown)
    assert not missing, f"{lesson} does not show its worked examples {missing}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_at_least_three_graded_exercises_with_points_on_every_test_cell(lesson):
    answers = [c for c in cells(lesson) if grader(c).get("solution") and c.cell_type == "code"]
    tests = [c for c in cells(lesson) if grader(c).get("grade") and c.cell_type == "code"]
    assert len(answers) >= 3, f"{lesson} has {len(answers)} code exercises"
    assert tests and all(grader(c).get("points", 0) > 0 for c in tests)
    hidden = [c for c in tests if "### BEGIN HIDDEN TESTS" in c.source]
    assert len(hidden) >= len(answers) // 2, f"{lesson}: too few cells with hidden tests"


@pytest.mark.parametrize("lesson", LESSONS)
def test_each_lesson_explores_with_a_registered_widget(lesson):
    mine = [ex for ex in all_explorers().values() if ex.lesson == lesson]
    assert mine, f"no explorer is registered for {lesson}"
    assert any("explore(" in c.source for c in cells(lesson) if c.cell_type == "code")


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_cell_has_a_slide_type_and_answers_never_reach_a_slide(lesson):
    for cell in cells(lesson):
        kind = cell.metadata.get("slideshow", {}).get("slide_type")
        assert kind in {"slide", "subslide", "fragment", "-", "skip", "notes"}, \
            f"{lesson}: a cell has no slide type: {cell.source[:60]!r}"
        if grader(cell).get("grade") and cell.cell_type == "code":
            assert kind == "skip", f"{lesson}: a test cell is on a slide"
