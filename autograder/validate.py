"""`python -m autograder validate`: every assignment is gradable as released.

For each assignment it checks that

1. the solution (the student version with the source's answers filled in, as a perfect
   student would hand it in) scores full marks on every autograded test cell;
2. the blank student version is graded without a crash or timeout and fails every test;
3. the student version contains no solution code and no hidden test (nbgrader's markers,
   or any line that only appears inside a solution or hidden-test region of the source);
4. notebooks/ holds the current student version (as `release --check`).

Cases 1 and 2 are graded by the same pipeline as `grade` (sandbox included).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import nbformat

from .course import Course

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
_LOOKALIKE = re.compile(r"^[ \t]*#+[ \t]*(BEGIN|END)[ \t]+[A-Z]", re.IGNORECASE)
_REGION = re.compile(r"^[ \t]*#*[ \t]*(BEGIN|END) (SOLUTION|HIDDEN TESTS)[ \t]*$")


def _regions(source: str) -> tuple[list[tuple[str, str]], list[str]]:
    """([(kind, line) inside a solution or hidden-test region], [lines outside any])."""
    inside, outside, kind = [], [], None
    for line in source.splitlines():
        m = _REGION.match(line)
        if m:
            kind = m.group(2).lower() if m.group(1) == "BEGIN" else None
            continue
        if kind:
            inside.append((kind, line))
        else:
            outside.append(line)
    return inside, outside


def solution_notebook(source: nbformat.NotebookNode,
                      release: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version with each answer cell replaced by the source's answer
    (markers removed): what a student who solved everything hands in."""
    answers = {}
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id"):
            text = "\n".join(line for line in cell.source.splitlines()
                             if not _REGION.match(line))
            answers[meta["grade_id"]] = text
    nb = nbformat.from_dict(release)
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def leaks(source: nbformat.NotebookNode, release: nbformat.NotebookNode) -> list[str]:
    """Solution or hidden-test text of `source` that is still in the student version."""
    released_text = "\n".join(c.source for c in release.cells)
    found = [f"marker {m!r}" for m in MARKERS if m in released_text]
    # a misspelled marker ("BEGIN SOLUTON") is not stripped by nbgrader: flag look-alikes
    for c in release.cells:
        for line in c.source.splitlines():
            if _LOOKALIKE.match(line) and not any(m in line for m in MARKERS):
                found.append(f"marker-like comment {line.strip()!r}")
    released_lines = {line.strip() for c in release.cells for line in c.source.splitlines()}
    public: set[str] = set()
    secret: dict[str, str] = {}
    for cell in source.cells:
        inside, outside = _regions(cell.source)
        public.update(line.strip() for line in outside)
        for kind, line in inside:
            secret.setdefault(line.strip(), kind)
    for line, kind in sorted(secret.items()):
        if len(line) >= 8 and not line.startswith("#") and line not in public \
                and line in released_lines:
            found.append(f"{kind} line {line!r}")
    return found


def validate(course: Course, assignment: str | None = None, workers: int | None = None,
             echo=print) -> bool:
    from .batch import run
    from .release import release

    assignments = course.check_assignment(assignment)
    if not assignments:
        stale = release(course, assignment, check=True)
        for line in stale:
            echo(f"FAIL notebooks/{line} (run `python -m autograder release`)")
        echo(f"no assignments in {course.source_dir}: nothing else to validate")
        return not stale
    ok = True
    with tempfile.TemporaryDirectory(prefix="autograder-validate-") as tmp:
        tmp = Path(tmp)
        from .course import generate_assignments

        generate_assignments(course, assignments, tmp / "course")
        subs = tmp / "submitted"
        for a in assignments:
            for nb_path in sorted((course.source_dir / a).glob("*.ipynb")):
                src = nbformat.read(nb_path, as_version=4)
                rel = nbformat.read(tmp / "course" / "release" / a / nb_path.name, as_version=4)
                for problem in leaks(src, rel):
                    ok = False
                    echo(f"FAIL {a}/{nb_path.name}: the student version leaks {problem}")
                for student, nb in (("solution", solution_notebook(src, rel)), ("blank", rel)):
                    target = subs / student / a / nb_path.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    nbformat.write(nb, target)
        outcome = run(course, subs, tmp / "graded", workers=workers, assignment=assignment,
                      echo=lambda *_: None)
        for r in sorted(outcome.results, key=lambda r: (r["assignment"], r["student"])):
            auto = [c for c in r["cells"] if c["auto_score"] is not None
                    and not c["needs_manual_grade"]]
            got = sum(c["auto_score"] for c in auto)
            best = sum(c["max_score"] for c in auto)
            name = f"{r['assignment']} ({r['student']})"
            if r["status"] != "ok" or not r["graded"]:
                ok = False
                echo(f"FAIL {name}: {r['status']}")
            elif r["student"] == "solution" and got != best:
                ok = False
                failed = [c["name"] for c in auto if c["auto_score"] != c["max_score"]]
                echo(f"FAIL {name}: scores {got:g}/{best:g}; failing: {', '.join(failed)}")
            elif r["student"] == "blank" and got != 0:
                ok = False
                passed = [c["name"] for c in auto if c["auto_score"]]
                echo(f"FAIL {name}: the blank version scores {got:g}; these tests pass "
                     f"without an answer: {', '.join(passed)}")
            else:
                echo(f"ok   {name}: {got:g}/{best:g}")
    for line in release(course, assignment, check=True):
        ok = False
        echo(f"FAIL notebooks/{line} (run `python -m autograder release`)")
    if outcome.sandbox != "bwrap":
        echo(f"note: graded without a sandbox ({outcome.sandbox_problem})")
    echo("validate: all checks passed" if ok else "validate: some checks FAILED")
    return ok
