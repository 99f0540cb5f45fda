"""`python -m autograder release`: the student notebooks, regenerated from the sources.

nbgrader's generate_assignment turns ``source/<id>/<id>.ipynb`` into the student version
(solutions replaced by stubs, hidden tests removed, cells locked, checksums recorded); this
module runs it in a scratch course root and copies the result to ``notebooks/<id>.ipynb``
(supporting files of an assignment go beside it). With ``--check`` nothing is written and
the differences are returned instead: the test suite uses that to fail when notebooks/ has
drifted from the sources.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .course import Course, generate_assignments


def released_files(course: Course, assignments: list[str]) -> dict[str, bytes]:
    """name inside notebooks/ -> content, for the student versions of `assignments`."""
    files: dict[str, bytes] = {}
    if not assignments:
        return files
    with tempfile.TemporaryDirectory(prefix="autograder-release-") as tmp:
        root = Path(tmp) / "course"
        generate_assignments(course, assignments, root)
        for assignment in assignments:
            base = root / "release" / assignment
            for path in sorted(p for p in base.rglob("*") if p.is_file()):
                name = str(path.relative_to(base))
                if name in files:
                    raise ValueError(f"two assignments release a file named {name}")
                files[name] = path.read_bytes()
    return files


def release(course: Course, assignment: str | None = None, check: bool = False) -> list[str]:
    """Write (or with `check`, compare) notebooks/; returns the differences found."""
    assignments = course.check_assignment(assignment)
    wanted = released_files(course, assignments)
    target = course.notebooks_dir
    differences = []
    for name, content in sorted(wanted.items()):
        path = target / name
        if not path.is_file():
            differences.append(f"{name}: missing from {target}")
        elif path.read_bytes() != content:
            differences.append(f"{name}: differs from its source")
    stale = []
    if assignment is None and target.is_dir():
        stale = sorted(p.name for p in target.glob("*.ipynb") if p.name not in wanted)
        differences += [f"{name}: has no source in {course.source_dir}" for name in stale]
    if check:
        return differences
    target.mkdir(parents=True, exist_ok=True)
    for name, content in wanted.items():
        path = target / name
        if not path.is_file() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(content)
            os.replace(tmp, path)
    for name in stale:
        (target / name).unlink()
    return differences
