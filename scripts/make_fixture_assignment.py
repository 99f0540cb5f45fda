"""Write the small nbgrader assignments the autograder tests grade.

    python scripts/make_fixture_assignment.py

writes tests/fixtures/autograder/source/<id>/<id>.ipynb for:

- fixture_assignment: three autograded exercises (squares 2 points, mean 2 points,
  clip_norm 1 point), each with visible asserts and hidden tests;
- fixture_written: one autograded exercise (1 point) and one written answer graded by
  hand (2 points), for the manual-grading column.

The output is deterministic (fixed cell ids, no outputs), so rerunning the script on an
unchanged version of it leaves the files byte-identical.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "fixtures" / "autograder" / "source"


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def text(cell_id: str, source: str) -> nbformat.NotebookNode:
    return new_markdown_cell(source, id=cell_id, metadata=_meta(cell_id, locked=True))


def answer(grade_id: str, source: str) -> nbformat.NotebookNode:
    return new_code_cell(source, id=grade_id, metadata=_meta(grade_id, solution=True))


def test(grade_id: str, points: float, source: str) -> nbformat.NotebookNode:
    return new_code_cell(source, id=grade_id,
                         metadata=_meta(grade_id, grade=True, locked=True, points=points))


def written(grade_id: str, points: float, source: str) -> nbformat.NotebookNode:
    return new_markdown_cell(source, id=grade_id,
                             metadata=_meta(grade_id, solution=True, grade=True, points=points))


def notebook(cells: list) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return nb


def fixture_assignment() -> nbformat.NotebookNode:
    return notebook([
        text("intro", "# Fixture assignment\n\nThree small exercises for the autograder's tests."),
        new_code_cell("import numpy as np", id="setup"),
        text("ex1", "## Exercise 1 (2 points)\n\nReturn the float array "
                    "$[0, 1, 4, \\dots, (n-1)^2]$."),
        answer("squares", 'def squares(n):\n'
                          '    """Squares of 0, 1, ..., n-1 as a float array."""\n'
                          '    ### BEGIN SOLUTION\n'
                          '    return np.arange(n, dtype=float) ** 2\n'
                          '    ### END SOLUTION'),
        test("test_squares", 2,
             'assert np.allclose(squares(3), [0.0, 1.0, 4.0]), "squares(3) should be [0, 1, 4]"\n'
             '### BEGIN HIDDEN TESTS\n'
             'assert np.allclose(squares(5), [0.0, 1.0, 4.0, 9.0, 16.0])\n'
             'assert len(squares(0)) == 0\n'
             '### END HIDDEN TESTS'),
        text("ex2", "## Exercise 2 (2 points)\n\nReturn the mean of a non-empty sequence."),
        answer("mean", 'def mean(xs):\n'
                       '    """Arithmetic mean of the numbers in xs."""\n'
                       '    ### BEGIN SOLUTION\n'
                       '    return float(np.sum(xs)) / len(xs)\n'
                       '    ### END SOLUTION'),
        test("test_mean", 2,
             'assert mean([1, 2, 3]) == 2.0, "the mean of 1, 2, 3 is 2"\n'
             '### BEGIN HIDDEN TESTS\n'
             'assert mean([0.5]) == 0.5\n'
             'assert abs(mean(np.arange(10)) - 4.5) < 1e-12\n'
             '### END HIDDEN TESTS'),
        text("ex3", "## Exercise 3 (1 point)\n\nScale the vector `g` down to norm `max_norm` "
                    "when its norm is larger; leave it unchanged otherwise."),
        answer("clip_norm", 'def clip_norm(g, max_norm):\n'
                            '    """g rescaled to have norm at most max_norm."""\n'
                            '    ### BEGIN SOLUTION\n'
                            '    norm = np.linalg.norm(g)\n'
                            '    return g * (max_norm / norm) if norm > max_norm else g.copy()\n'
                            '    ### END SOLUTION'),
        test("test_clip_norm", 1,
             'assert np.allclose(clip_norm(np.array([3.0, 4.0]), 1.0), [0.6, 0.8])\n'
             '### BEGIN HIDDEN TESTS\n'
             'assert np.allclose(clip_norm(np.array([0.3, 0.4]), 1.0), [0.3, 0.4])\n'
             'assert np.allclose(clip_norm(np.zeros(3), 1.0), 0.0)\n'
             '### END HIDDEN TESTS'),
    ])


def fixture_written() -> nbformat.NotebookNode:
    return notebook([
        text("intro", "# Fixture with a written answer"),
        text("ex1", "## Exercise 1 (1 point)\n\nReturn twice `x`."),
        answer("double", 'def double(x):\n'
                         '    ### BEGIN SOLUTION\n'
                         '    return 2 * x\n'
                         '    ### END SOLUTION'),
        test("test_double", 1,
             'assert double(2) == 4\n'
             '### BEGIN HIDDEN TESTS\n'
             'assert double(-1.5) == -3.0\n'
             '### END HIDDEN TESTS'),
        text("ex2", "## Exercise 2 (2 points, graded by hand)\n\nWhy does dropout regularize?"),
        written("why_dropout", 2, "### BEGIN SOLUTION\n"
                               "It trains an ensemble of thinned networks that share weights.\n"
                               "### END SOLUTION"),
    ])


FIXTURES = {"fixture_assignment": fixture_assignment, "fixture_written": fixture_written}


def write(source_dir: Path = SOURCE) -> list[Path]:
    paths = []
    for name, build in FIXTURES.items():
        path = source_dir / name / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nb = build()
        nbformat.validate(nb)
        nbformat.write(nb, path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE):
        print(p)
