"""`python -m autograder grade`: a whole class, in parallel, resumable.

How the work is shared out
--------------------------
The parent process imports nbgrader once, generates the graded assignments into a template
gradebook (nbgrader's generate_assignment), then grades each submission in a child process
forked from it (so nbgrader is never started again). At most `workers` children run at
once, and never two for the same student: each (student, assignment) is one task, and a
task waits while another task of the same student is running.

Each child grades into a private copy of the template gradebook (grading.py); no SQLite
file is ever written by two processes. When every task is done, the parent alone builds
``DIR/gradebook.db`` from the results, then ``grades.csv`` and ``report.md``.

Isolation, timeouts, resuming
-----------------------------
A child that outlives the submission timeout is killed (its sandboxed kernel dies with it),
and one that dies without a result is recorded as crashed; the others are not affected.
A child's result is written atomically as its last act, under ``DIR/.autograder/results``,
keyed by a hash of the submitted files, the assignment's sources and the grading settings.
A second run reuses every result whose key still matches and grades only the rest, so an
interrupted run finishes where it stopped and an unchanged batch gives the same grades.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import grading, submissions
from .course import (
    Course,
    CourseError,
    GradeBatch,
    ensure_scripts_on_path,
    generate_assignments,
    quiet_nbgrader_warnings,
)
from .grading import Context, Submission, one_line

COLUMNS = ["student_id", "assignment", "score", "max_score", "status", "needs_manual_grade"]


@dataclass
class BatchOutcome:
    results: list[dict]
    graded: int           # graded in this run
    reused: int           # taken from an earlier run
    ignored: list[str]
    sandbox: str
    sandbox_problem: str | None
    seconds: float


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def notebook_names(course: Course) -> dict[str, list[str]]:
    return {a: sorted(p.stem for p in (course.source_dir / a).glob("*.ipynb"))
            for a in course.assignments()}


def _fingerprint(config) -> str:
    import nbgrader

    relevant = {
        "nbgrader": nbgrader.__version__,
        "Execute": dict(config.get("Execute", {})),
        "SandboxedExecute": dict(config.get("SandboxedExecute", {})),
        "IgnorePattern": dict(config.get("IgnorePattern", {})),
        "LimitOutput": dict(config.get("LimitOutput", {})),
        "OverwriteCells": dict(config.get("OverwriteCells", {})),
        "timeout": config.get("GradeBatch", {}).get("submission_timeout"),
    }
    return hashlib.sha256(json.dumps(relevant, sort_keys=True, default=str).encode()).hexdigest()


class _Lock:
    """One grading run per output folder at a time."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(path, "w")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.close()
            raise CourseError(f"another grading run is writing {path.parent.parent}") from None

    def release(self) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _template(course: Course, assignments: list[str], work: Path) -> tuple[Path, Path]:
    """The template gradebook and release folder, rebuilt only when the sources changed."""
    import nbgrader

    key = hashlib.sha256(json.dumps(
        [nbgrader.__version__, [(a, course.source_hash(a)) for a in assignments]]
    ).encode()).hexdigest()
    root = work / "template"
    stamp = root / "KEY"
    if not (stamp.is_file() and stamp.read_text() == key):
        generate_assignments(course, assignments, root)
        stamp.write_text(key)
    return root / "gradebook.db", root / "release"


def _max_scores(db: Path, assignments: list[str]) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        return {a: float(gb.find_assignment(a).max_score) for a in assignments}


def _load_result(path: Path, key: str) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("key") != key or "status" not in data:
        return None
    return data


def _child(sub: Submission, ctx: Context) -> None:
    """Body of a worker process: grade one submission, then leave without clean-up."""
    import logging

    code = 0
    try:
        try:  # die if the parent dies (Linux PR_SET_PDEATHSIG = 1, SIGKILL = 9)
            import ctypes
            ctypes.CDLL(None).prctl(1, 9)
        except Exception:
            pass
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides when to stop
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        log_path = ctx.log_path(sub.student, sub.assignment)
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        for name in ("traitlets", "", "nbclient", "jupyter_client"):
            logger = logging.getLogger(name)
            logger.handlers = [handler]
            logger.propagate = False
            logger.setLevel(logging.INFO)
        grading.grade(sub, ctx)
    except BaseException:
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)   # skip atexit hooks inherited from the parent


def _prepare_workers(config) -> None:
    """Load in the parent what every child needs, so that forked children start warm:
    nbgrader's converters, the kernel client, and the feedback page's templates, compiled
    (autograder.feedback), with the libraries their first use imports."""
    import nbgrader.converters  # noqa: F401
    from jupyter_client.manager import AsyncKernelManager  # noqa: F401

    from . import execute, feedback  # noqa: F401

    feedback.warm_up(config)


def run(course: Course, source: Path, out: Path, workers: int | None = None,
        assignment: str | None = None, force: bool = False, echo=print,
        gradebook_url: str | None = None) -> BatchOutcome:
    started = time.monotonic()
    ensure_scripts_on_path()
    quiet_nbgrader_warnings()
    source = source.resolve()
    out = out.resolve()
    if not source.exists():
        raise CourseError(f"{source} does not exist")
    if out == source or source in out.parents:
        raise CourseError("--out must not be inside the submissions")
    workers = workers or default_workers()
    work = out / ".autograder"
    lock = _Lock(work / "lock")
    try:
        return _run_locked(course, source, out, work, workers, assignment, force, echo, started,
                           gradebook_url)
    finally:
        lock.release()


def _run_locked(course, source, out, work, workers, assignment, force, echo, started,
                gradebook_url=None):
    from .execute import SandboxedExecute

    known = notebook_names(course)
    course.check_assignment(assignment)
    config = course.config_copy()
    settings = GradeBatch(config=config)
    if submissions.is_lms_input(source):
        inbox = work / "inbox"
        shutil.rmtree(inbox, ignore_errors=True)
        inventory = submissions.from_lms(source, inbox, known, assignment,
                                         settings.lms_filename_regex)
    else:
        inventory = submissions.from_folder(source, known, assignment)
    subs = inventory.submissions
    graded_assignments = sorted({s.assignment for s in subs})
    if not subs:
        raise CourseError(f"found no submissions in {source}"
                          + ("" if assignment else " (is --assignment needed?)"))
    echo(f"Found {len(subs)} submissions of {len({s.student for s in subs})} students "
         f"for {', '.join(graded_assignments)}.")

    template_db, release_dir = _template(course, graded_assignments, work)
    try:
        mode, problem = SandboxedExecute(config=config).sandbox_mode()
    except RuntimeError as exc:   # the configuration requires a sandbox we cannot build
        raise CourseError(str(exc)) from None
    if mode != "bwrap":
        echo(f"WARNING: grading WITHOUT a sandbox: {problem}.")
    fingerprint = _fingerprint(config)
    source_hashes = {a: course.source_hash(a) for a in graded_assignments}
    keys = {(s.student, s.assignment): hashlib.sha256(
        f"{s.input_hash()}|{source_hashes[s.assignment]}|{fingerprint}|{mode}".encode()
    ).hexdigest() for s in subs}
    ctx = Context(out=out, work=work, template_db=template_db, release_dir=release_dir,
                  source_dir=course.source_dir, config=config, assignments=known,
                  max_scores=_max_scores(template_db, graded_assignments), sandbox=mode,
                  sandbox_problem=problem, keys=keys)

    todo, reused = [], 0
    for s in subs:
        if not force and _load_result(ctx.result_path(s.student, s.assignment),
                                      keys[(s.student, s.assignment)]) is not None:
            reused += 1
        else:
            todo.append(s)
    shutil.rmtree(work / "subs", ignore_errors=True)   # leftovers of an interrupted run
    if reused:
        echo(f"Reusing {reused} results of an earlier run; grading {len(todo)}.")
    timeout = settings.submission_timeout
    _prepare_workers(config)
    _schedule(todo, ctx, workers, timeout, echo)

    results = [_load_result(ctx.result_path(s.student, s.assignment),
                            keys[(s.student, s.assignment)]) for s in subs]
    results = [r for r in results if r is not None]
    _write_gradebook(out, template_db, results)
    if gradebook_url:
        record_in_gradebook(course, gradebook_url, results, work)
        echo(f"Recorded {len(results)} grades in {gradebook_url}.")
    write_grades_csv(out / "grades.csv", results)
    (out / "report.md").write_text(
        report(results, inventory.ignored, mode, problem, config), encoding="utf-8")
    return BatchOutcome(results, len(todo), reused, inventory.ignored, mode, problem,
                        time.monotonic() - started)


def _schedule(todo: list[Submission], ctx: Context, workers: int, timeout: float,
              echo) -> None:
    mp = multiprocessing.get_context("fork")
    pending = list(todo)
    running: dict[int, tuple] = {}
    busy: set[str] = set()
    done = 0

    def finish(sub: Submission, status_if_missing: str | None) -> None:
        nonlocal done
        path = ctx.result_path(sub.student, sub.assignment)
        result = _load_result(path, ctx.keys[(sub.student, sub.assignment)])
        if result is None or (status_if_missing and status_if_missing.startswith("timeout")):
            result = grading.failed_result(sub, ctx, status_if_missing or "grader crashed")
        done += 1
        echo(f"[{done}/{len(todo)}] {sub.student} / {sub.assignment}: "
             f"{result['score']:g}/{result['max_score']:g}  {result['status']}")

    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        while pending or running:
            while len(running) < workers:
                i = next((i for i, s in enumerate(pending) if s.student not in busy), None)
                if i is None:
                    break
                sub = pending.pop(i)
                ctx.result_path(sub.student, sub.assignment).unlink(missing_ok=True)
                proc = mp.Process(target=_child, args=(sub, ctx))
                proc.start()
                running[proc.sentinel] = (proc, sub, time.monotonic() + timeout)
                busy.add(sub.student)
            wait = max(0.0, min(d for _, _, d in running.values()) - time.monotonic())
            ready = multiprocessing.connection.wait(list(running), timeout=wait)
            for sentinel in ready:
                proc, sub, _ = running.pop(sentinel)
                proc.join()
                busy.discard(sub.student)
                finish(sub, None if proc.exitcode == 0 else
                       f"grader crashed (exit code {proc.exitcode}); see the log")
            now = time.monotonic()
            for sentinel, (proc, sub, deadline) in list(running.items()):
                if now >= deadline:
                    proc.kill()
                    proc.join()
                    running.pop(sentinel)
                    busy.discard(sub.student)
                    finish(sub, f"timeout: grading took longer than {timeout:g} s and was "
                                "stopped")
    except BaseException:
        for proc, _, _ in running.values():
            proc.kill()
            proc.join()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


# -- outputs ------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    return format(round(float(x), 6), "g")


def write_grades_csv(path: Path, results: list[dict]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in sorted(results, key=lambda r: (r["student"], r["assignment"])):
        writer.writerow([r["student"], r["assignment"], _fmt(r["score"]), _fmt(r["max_score"]),
                         r["status"], "true" if r["needs_manual_grade"] else "false"])
    tmp = path.with_suffix(".csv.tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    os.replace(tmp, path)


def _write_gradebook(out: Path, template_db: Path, results: list[dict]) -> None:
    """DIR/gradebook.db: an nbgrader gradebook of the whole batch, written by this process
    alone (nbgrader's formgrader or `nbgrader export` can read it)."""
    tmp = out / "gradebook.db.tmp"
    shutil.copy(template_db, tmp)
    _record_grades(f"sqlite:///{tmp}", results)
    os.replace(tmp, out / "gradebook.db")


def record_in_gradebook(course: Course, db_url: str, results: list[dict], work: Path) -> None:
    """Record the batch's grades in the course's own gradebook at ``db_url``
    (``--gradebook``; e.g. the PostgreSQL gradebook of a JupyterHub course).

    Assignments the gradebook does not know yet are generated into it first, as nbgrader's
    ``generate_assignment`` would with that ``db_url``. Only this (parent) process writes
    it, after every worker has finished, so the workers never contend for the database.
    """
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(db_url) as gb:
            missing = []
            for a in sorted({r["assignment"] for r in results}):
                try:
                    gb.find_assignment(a)
                except MissingEntry:
                    missing.append(a)
    except Exception as exc:  # a wrong URL, a missing driver, a server that refuses
        raise CourseError(f"cannot open the gradebook {db_url}: {one_line(exc)}") from exc
    if missing:
        generate_assignments(course, missing, work / "gradebook-assignments", db_url=db_url)
    _record_grades(db_url, results)


def _record_grades(db_url: str, results: list[dict]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        for r in sorted(results, key=lambda r: (r["student"], r["assignment"])):
            gb.update_or_create_student(r["student"])
            submission = gb.update_or_create_submission(r["assignment"], r["student"])
            scores = {(c["notebook"], c["name"]): c for c in r["cells"]}
            for notebook in submission.notebooks:
                for g in notebook.grades:
                    cell = scores.get((notebook.name, g.name))
                    g.auto_score = cell["auto_score"] if cell else 0.0
                    g.needs_manual_grade = bool(cell["needs_manual_grade"]) if cell else False
                comments = {(c["notebook"], c["name"]): c for c in r["comments"]}
                for c in notebook.comments:
                    cell = comments.get((notebook.name, c.name))
                    c.auto_comment = cell["auto_comment"] if cell else None
            gb.db.commit()


def report(results: list[dict], ignored: list[str], mode: str, problem: str | None,
           config) -> str:
    results = sorted(results, key=lambda r: (r["student"], r["assignment"]))
    attention = [r for r in results if r["status"] != "ok"]
    manual = [r for r in results if r["needs_manual_grade"]]
    noted = [r for r in results if r["notes"]]
    lines = ["# Grading report", ""]
    n_students = len({r["student"] for r in results})
    lines.append(f"{len(results)} submissions of {n_students} students; "
                 f"{len(attention)} need attention, {len(manual)} need manual grading.")
    lines.append("")
    if mode == "bwrap":
        lines.append("Sandbox: bubblewrap (no network, no access to the course sources, the "
                     "gradebook or other submissions; memory and time limits).")
    else:
        lines.append(f"**Sandbox: NONE. Student code ran unsandboxed** ({problem}); only the "
                     "memory and time limits applied. Install bubblewrap to isolate it.")
    execute = config.get("Execute", {})
    sandboxed = config.get("SandboxedExecute", {})
    lines.append(f"Limits: {execute.get('timeout', 30)} s per cell, "
                 f"{config.get('GradeBatch', {}).get('submission_timeout', 1800)} s per "
                 f"submission, {sandboxed.get('memory_limit_mb', 2048)} MB of memory.")
    lines.append("")

    def table(title: str, rows: list[dict], column: str, value) -> None:
        lines.extend([f"## {title}", "", f"| student | assignment | score | {column} |",
                      "|---|---|---|---|"])
        for r in rows:
            text = str(value(r)).replace("|", "\\|")
            lines.append(f"| {r['student']} | {r['assignment']} | "
                         f"{_fmt(r['score'])}/{_fmt(r['max_score'])} | {text} |")
        lines.append("")

    if attention:
        table("Needs attention", attention, "status", lambda r: r["status"])
    if manual:
        table("Needs manual grading (nbgrader formgrader)", manual, "cells", lambda r: ", ".join(
            c["name"] for c in r["cells"] if c["needs_manual_grade"]))
    if noted:
        table("Notes", noted, "notes", lambda r: "; ".join(r["notes"]))
    if ignored:
        lines.extend(["## Ignored input", ""] + [f"- {x}" for x in ignored] + [""])
    if not (attention or manual or noted or ignored):
        lines.extend(["Nothing needs your attention.", ""])
    return "\n".join(lines)
