"""Grading throughput: `python -m autograder grade` against plain nbgrader and the floor.

Run with ``python -m tests.benchmarks.bench_grading [--students 40] [--assignment ID]``.

It grades the same batch of correct submissions (the solution of one assignment: the first
real one, or the test fixture while autograder/source is empty) four ways, on this machine,
one run each:

- ``autograder``: ``python -m autograder grade`` with the default workers (the number of
  cores), from a cold start (process start-up, template gradebook, feedback included);
- ``nbgrader / student``: ``nbgrader autograde ID --student S``, one command per student,
  one after the other, as a shell loop over a class would;
- ``nbgrader batch``: one ``nbgrader autograde ID`` for the whole batch (sequential inside);
- ``floor``: executing the notebook once with nbclient in this process (kernel start
  included), median of three runs: what grading one submission cannot go below on one
  core.

It reports seconds per submission and the ratios; the aim is for ``autograder`` to stay
within 1.3 × floor / workers. Plain nbgrader produces no feedback; ``autograder`` does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "autograder"
PLAIN_CONFIG = """\
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "bench"
"""


def _course(base: Path, assignment: str | None) -> tuple[Path, str]:
    """A course root to grade: the real one if it has assignments, else the fixture."""
    from autograder.course import Course

    real = Course.load()
    if real.assignments():
        return real.root, assignment or real.assignments()[0]
    course = base / "course"
    shutil.copytree(FIXTURE / "source", course / "source")
    shutil.copy(ROOT / "autograder" / "nbgrader_config.py", course / "nbgrader_config.py")
    return course, assignment or "fixture_assignment"


def _solution(course_root: Path, assignment: str, base: Path) -> nbformat.NotebookNode:
    from autograder.course import Course
    from autograder.release import released_files
    from autograder.validate import solution_notebook

    course = Course.load(course_root, base / "released")
    release = nbformat.reads(released_files(course, [assignment])[f"{assignment}.ipynb"]
                             .decode(), as_version=4)
    source = nbformat.read(course.source_dir / assignment / f"{assignment}.ipynb", 4)
    return solution_notebook(source, release)


def _env() -> dict[str, str]:
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}


def _timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def floor_seconds(nb: nbformat.NotebookNode, runs: int = 3) -> float:
    from nbclient import NotebookClient

    times = []
    for _ in range(runs):
        copy = nbformat.from_dict(nb)
        start = time.perf_counter()
        NotebookClient(copy, kernel_name="python3", timeout=600, allow_errors=True).execute()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--assignment", default=None)
    parser.add_argument("--skip-per-student", action="store_true",
                        help="leave out the slow one-command-per-student nbgrader run")
    args = parser.parse_args(argv)
    from autograder.batch import default_workers

    workers = default_workers()
    n = args.students
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        base = Path(tmp)
        course, assignment = _course(base, args.assignment)
        nb = _solution(course, assignment, base)
        students = [f"s{i:03d}" for i in range(n)]

        subs = base / "submitted"
        for s in students:
            (subs / s / assignment).mkdir(parents=True)
            nbformat.write(nb, subs / s / assignment / f"{assignment}.ipynb")

        # plain nbgrader: its own course root with the same sources and submissions
        plain = base / "plain"
        shutil.copytree(course / "source" / assignment, plain / "source" / assignment)
        shutil.copytree(subs, plain / "submitted")
        (plain / "nbgrader_config.py").write_text(PLAIN_CONFIG.format(root=str(plain)))
        nbgrader = [str(Path(sys.executable).parent / "nbgrader")]
        _timed([*nbgrader, "generate_assignment", assignment], plain)

        rows: list[tuple[str, float]] = []
        floor = floor_seconds(nb)
        rows.append(("floor (nbclient, one run)", floor))
        ours = _timed([sys.executable, "-m", "autograder", "grade", str(subs), "--out",
                       str(base / "out"), "--course", str(course)], ROOT)
        rows.append((f"autograder ({workers} workers)", ours / n))
        batch = _timed([*nbgrader, "autograde", assignment], plain)
        rows.append(("nbgrader batch", batch / n))
        if not args.skip_per_student:
            shutil.rmtree(plain / "autograded")
            total = sum(_timed([*nbgrader, "autograde", assignment, "--student", s], plain)
                        for s in students)
            rows.append(("nbgrader / student", total / n))

    target = floor / workers
    lines = [f"Grading {n} correct submissions of {assignment} ({workers} cores)", "",
             f"{'contender':32s} {'s/submission':>12s} {'x floor/workers':>16s}"]
    for name, per in rows:
        lines.append(f"{name:32s} {per:12.3f} {per / target:16.2f}")
    lines += ["", f"aim: autograder within 1.3 x floor/workers = {1.3 * target:.3f} s/submission"]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
