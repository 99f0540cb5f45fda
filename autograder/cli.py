"""Command line: `python -m autograder {release,validate,grade,slides}`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .course import Course, CourseError


def _course_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--course", type=Path, default=None,
                   help="course root holding nbgrader_config.py and source/ "
                        "(default: the autograder folder)")
    p.add_argument("--notebooks", type=Path, default=None,
                   help="where the student notebooks live (default: notebooks/ beside the "
                        "course root)")


def _limit_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=None,
                   help="submissions graded at once (default: the number of cores)")
    p.add_argument("--cell-timeout", type=int, default=None,
                   help="seconds a cell may run (default: nbgrader_config.py's Execute.timeout)")
    p.add_argument("--submission-timeout", type=int, default=None,
                   help="seconds one submission may take in all")
    p.add_argument("--memory-mb", type=int, default=None, help="memory limit of student code")
    p.add_argument("--sandbox", choices=["auto", "bwrap", "none"], default=None,
                   help="bubblewrap around student code: auto (where it works), bwrap "
                        "(required), none")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="Release, validate and bulk-grade the course's nbgrader assignments.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="regenerate the student notebooks from the sources")
    _course_args(p)
    p.add_argument("--assignment", help="only this assignment")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if notebooks/ differs from the sources")

    p = sub.add_parser("validate", help="sources pass their tests, student versions fail "
                                        "them, no solution or hidden test leaks")
    _course_args(p)
    p.add_argument("--assignment", help="only this assignment")
    _limit_args(p)

    p = sub.add_parser("grade", help="grade a folder of submissions or an LMS zip")
    _course_args(p)
    p.add_argument("submissions", type=Path,
                   help="folder <student>/<assignment>/<id>.ipynb, or an LMS zip")
    p.add_argument("--out", type=Path, required=True,
                   help="folder for grades.csv, feedback/, report.md")
    p.add_argument("--assignment", help="grade only this assignment (needed for an LMS zip "
                                        "whose file names do not name the assignment)")
    p.add_argument("--force", action="store_true",
                   help="regrade everything, ignoring results of earlier runs")
    p.add_argument("--gradebook", metavar="URL", default=None,
                   help="also record the grades in this nbgrader gradebook, e.g. the "
                        "course's postgresql://user@host/course (DIR/gradebook.db is "
                        "written either way)")
    _limit_args(p)

    p = sub.add_parser("slides", help="build the offline reveal.js deck of each lesson into "
                                      "slides/build/ (executes the instructor notebooks)")
    _course_args(p)
    p.add_argument("--assignment", help="only this lesson's deck")
    p.add_argument("--out", type=Path, default=None,
                   help="folder for the decks (default: slides/build beside the course root)")
    return parser


def apply_overrides(course: Course, args: argparse.Namespace) -> None:
    cfg = course.config
    if getattr(args, "cell_timeout", None) is not None:
        cfg.Execute.timeout = args.cell_timeout
    if getattr(args, "submission_timeout", None) is not None:
        cfg.GradeBatch.submission_timeout = args.submission_timeout
    if getattr(args, "memory_mb", None) is not None:
        cfg.SandboxedExecute.memory_limit_mb = args.memory_mb
    if getattr(args, "sandbox", None) is not None:
        cfg.SandboxedExecute.sandbox = args.sandbox


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        course = Course.load(args.course, args.notebooks)
        apply_overrides(course, args)
        if args.command == "release":
            return _release(course, args)
        if args.command == "validate":
            from .validate import validate

            return 0 if validate(course, args.assignment, workers=args.workers) else 1
        if args.command == "slides":
            return _slides(course, args)
        return _grade(course, args)
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: run the same command again to finish the rest", file=sys.stderr)
        return 130


def _release(course: Course, args: argparse.Namespace) -> int:
    from .release import release

    differences = release(course, args.assignment, check=args.check)
    if args.check:
        for line in differences:
            print(line)
        if differences:
            print("notebooks/ is out of date: run `python -m autograder release`")
            return 1
        print(f"{course.notebooks_dir} is up to date with {course.source_dir}")
        return 0
    for line in differences:
        print(f"updated {line}")
    print(f"released {len(course.check_assignment(args.assignment))} assignment(s) to "
          f"{course.notebooks_dir}")
    return 0


def _slides(course: Course, args: argparse.Namespace) -> int:
    from .slides import build

    for path in build(course, args.assignment, args.out):
        print(f"wrote {path}")
    return 0


def _grade(course: Course, args: argparse.Namespace) -> int:
    from .batch import run

    outcome = run(course, args.submissions, args.out, workers=args.workers,
                  assignment=args.assignment, force=args.force, gradebook_url=args.gradebook)
    attention = sum(r["status"] != "ok" for r in outcome.results)
    print(f"Graded {outcome.graded} submissions ({outcome.reused} reused) in "
          f"{outcome.seconds:.1f} s; {attention} need attention: see {args.out / 'report.md'}")
    return 0
