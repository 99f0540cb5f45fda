"""`python -m autograder release` and `validate`, on the fixture course and the real one."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.course import Course
from autograder.validate import leaks, solution_notebook
from tests.test_autograder_grade import FIXTURE, ROOT, autograder, cell, make_course


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    base = tmp_path_factory.mktemp("release")
    course = make_course(base)
    notebooks = base / "notebooks"
    done = autograder("release", "--course", course, "--notebooks", notebooks)
    assert done.returncode == 0, done.stderr
    return course, notebooks


def test_release_writes_one_student_notebook_per_assignment(released):
    _, notebooks = released
    assert sorted(p.name for p in notebooks.iterdir()) == [
        "fixture_assignment.ipynb", "fixture_written.ipynb"]


def test_student_version_has_stubs_and_no_solution_or_hidden_test(released):
    _, notebooks = released
    nb = nbformat.read(notebooks / "fixture_assignment.ipynb", as_version=4)
    text = nbformat.writes(nb)
    assert "np.arange(n, dtype=float) ** 2" not in text      # the solution of squares
    assert "squares(5)" not in text                           # its hidden test
    assert "HIDDEN" not in text and "BEGIN SOLUTION" not in text
    assert cell(nb, "squares").source.endswith("# YOUR CODE HERE\n    raise NotImplementedError()")
    assert cell(nb, "test_squares").source == \
        'assert np.allclose(squares(3), [0.0, 1.0, 4.0]), "squares(3) should be [0, 1, 4]"'
    assert all(not c.get("outputs") for c in nb.cells)


def test_release_check_passes_right_after_a_release(released):
    course, notebooks = released
    done = autograder("release", "--course", course, "--notebooks", notebooks, "--check")
    assert done.returncode == 0, done.stdout
    assert "is up to date" in done.stdout


def test_release_check_fails_when_notebooks_drift_from_the_sources(released, tmp_path):
    course, notebooks = released
    copy = tmp_path / "notebooks"
    shutil.copytree(notebooks, copy)
    nb = nbformat.read(copy / "fixture_assignment.ipynb", as_version=4)
    cell(nb, "intro").source += "\nA hand edit."
    nbformat.write(nb, copy / "fixture_assignment.ipynb")
    (copy / "fixture_written.ipynb").unlink()
    (copy / "orphan.ipynb").write_text("{}")
    done = autograder("release", "--course", course, "--notebooks", copy, "--check")
    assert done.returncode == 1
    assert done.stdout.splitlines()[:3] == [
        "fixture_assignment.ipynb: differs from its source",
        "fixture_written.ipynb: missing from " + str(copy),
        "orphan.ipynb: has no source in " + str(course / "source"),
    ]
    # a release repairs all three, and only touches notebooks
    done = autograder("release", "--course", course, "--notebooks", copy)
    assert done.returncode == 0, done.stderr
    for name in ("fixture_assignment.ipynb", "fixture_written.ipynb"):
        assert (copy / name).read_bytes() == (notebooks / name).read_bytes()
    assert not (copy / "orphan.ipynb").exists()


def test_release_of_one_assignment(released, tmp_path):
    course, _ = released
    done = autograder("release", "--course", course, "--notebooks", tmp_path / "nb",
                      "--assignment", "fixture_written")
    assert done.returncode == 0, done.stderr
    assert [p.name for p in (tmp_path / "nb").iterdir()] == ["fixture_written.ipynb"]


def test_release_rejects_an_unknown_assignment(released, tmp_path):
    course, _ = released
    done = autograder("release", "--course", course, "--notebooks", tmp_path,
                      "--assignment", "nope")
    assert done.returncode == 2
    assert "no assignment 'nope'" in done.stderr


def test_validate_passes_on_the_fixture_course(released):
    course, notebooks = released
    done = autograder("validate", "--course", course, "--notebooks", notebooks,
                      "--cell-timeout", 10)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [
        "ok   fixture_assignment (blank): 0/5",
        "ok   fixture_assignment (solution): 5/5",
        "ok   fixture_written (blank): 0/3",  # the unanswered written answer scores 0 too
        "ok   fixture_written (solution): 1/1",
        "validate: all checks passed",
    ]


def _broken_course(base):
    """A course whose one exercise has a test that passes unanswered and a hidden test that
    the solution fails."""
    def meta(grade_id, **flags):
        m = {"grade": False, "solution": False, "locked": False, "schema_version": 3,
             "task": False, "grade_id": grade_id}
        m.update(flags)
        return {"nbgrader": m}

    nb = new_notebook(cells=[
        new_code_cell("def answer():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
                      id="answer", metadata=meta("answer", solution=True)),
        new_code_cell("assert True", id="t_free",
                      metadata=meta("t_free", grade=True, locked=True, points=1)),
        new_code_cell("assert answer() in (1, 2)\n### BEGIN HIDDEN TESTS\nassert answer() == 2\n"
                      "### END HIDDEN TESTS", id="t_wrong",
                      metadata=meta("t_wrong", grade=True, locked=True, points=1)),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    course = base / "broken"
    (course / "source" / "broken").mkdir(parents=True)
    nbformat.write(nb, course / "source" / "broken" / "broken.ipynb")
    shutil.copy(ROOT / "autograder" / "nbgrader_config.py", course)
    return course


def test_validate_fails_on_free_points_a_wrong_hidden_test_and_drift(tmp_path):
    course = _broken_course(tmp_path)
    done = autograder("validate", "--course", course, "--notebooks", tmp_path / "nb",
                      "--cell-timeout", 10)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "FAIL broken (blank): the blank version scores 1; these tests pass without an "
        "answer: t_free",
        "FAIL broken (solution): scores 1/2; failing: t_wrong",
        "FAIL notebooks/broken.ipynb: missing from " + str(tmp_path / "nb")
        + " (run `python -m autograder release`)",
        "validate: some checks FAILED",
    ]


def test_leak_check_finds_solution_and_hidden_lines_left_in_the_student_version():
    src = new_notebook(cells=[
        new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return secret_value * 2\n"
                      "    ### END SOLUTION"),
        new_code_cell("assert f() == 4\n### BEGIN HIDDEN TESTS\nassert f(hidden_case=1) == 8\n"
                      "### END HIDDEN TESTS"),
    ])
    good = new_notebook(cells=[
        new_code_cell("def f():\n    # YOUR CODE HERE\n    raise NotImplementedError()"),
        new_code_cell("assert f() == 4\n"),
    ])
    assert leaks(src, good) == []
    bad = new_notebook(cells=[
        new_code_cell("def f():\n    return secret_value * 2"),
        new_code_cell("assert f() == 4\n### BEGIN HIDDEN TEST (typo)\nassert f(hidden_case=1) == 8"),
    ])
    assert leaks(src, bad) == [
        "marker-like comment '### BEGIN HIDDEN TEST (typo)'",
        "hidden tests line 'assert f(hidden_case=1) == 8'",
        "solution line 'return secret_value * 2'",
    ]


def test_solution_notebook_fills_every_answer_cell_of_the_student_version():
    src = nbformat.read(FIXTURE / "source" / "fixture_assignment" / "fixture_assignment.ipynb", 4)
    release = nbformat.from_dict(src)
    for c in release.cells:
        if c.get("metadata", {}).get("nbgrader", {}).get("solution"):
            c.source = "# YOUR CODE HERE"
    sol = solution_notebook(src, release)
    assert cell(sol, "mean").source == ('def mean(xs):\n'
                                        '    """Arithmetic mean of the numbers in xs."""\n'
                                        '    return float(np.sum(xs)) / len(xs)')


# -- the real course ---------------------------------------------------------------------------


def test_committed_notebooks_match_the_real_sources():
    done = autograder("release", "--check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_real_assignment_validates():
    if not Course.load().assignments():
        pytest.skip("autograder/source has no assignments yet")
    done = autograder("validate")
    assert done.returncode == 0, done.stdout + done.stderr
