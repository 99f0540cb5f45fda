"""Grading one submission with nbgrader, inside a worker process.

Each submission gets a private nbgrader course root under the run's work folder:

    gradebook.db                    a copy of the batch's template gradebook
    source/<assignment>/            the assignment's supporting files (no notebooks)
    submitted/<student>/<assignment>/<notebook>.ipynb   the normalized notebook
    autograded/..., feedback/...    nbgrader's output

and nbgrader's Autograde and GenerateFeedback converters run on it through their Python
API. A private gradebook per submission means no two processes ever write the same SQLite
file; the run's gradebook is assembled afterwards by the parent alone (batch.py).
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import execute
from .submissions import Submission

STATUS_MAX = 200


@dataclass
class Context:
    """What every worker needs to know about the run."""

    out: Path                    # the --out folder
    work: Path                   # out/.autograder
    template_db: Path            # gradebook with every graded assignment
    release_dir: Path            # student versions generated with the template
    source_dir: Path             # the course's source/ folder
    config: object               # traitlets Config (course config + command-line overrides)
    assignments: dict[str, list[str]]   # assignment -> notebook names
    max_scores: dict[str, float]
    sandbox: str                 # "bwrap" or "none"
    sandbox_problem: str | None
    keys: dict[tuple[str, str], str]    # (student, assignment) -> result key

    def result_path(self, student: str, assignment: str) -> Path:
        return self.work / "results" / student / f"{assignment}.json"

    def log_path(self, student: str, assignment: str) -> Path:
        return self.work / "logs" / student / f"{assignment}.log"


def write_json_atomic(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path)


def one_line(text: str, limit: int = STATUS_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the notebook as submitted --------------------------------------------------------------


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Parse a submitted notebook into the current nbformat, or raise ValueError(reason)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path.name}: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name} is not UTF-8 text (byte {exc.start})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path.name} is not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict) or "nbformat" not in data:
        raise ValueError(f"{path.name} is JSON but not a notebook")
    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
        nb = nbformat.convert(nb, 4) if nb.get("nbformat") != 4 else nb
        nb = nbformat.v4.upgrade(nb) if nb.get("nbformat_minor", 0) < 5 else nb
        nbformat.validator.normalize(nb)
        nbformat.validate(nb)
    except Exception as exc:
        raise ValueError(f"{path.name} is not a valid notebook: {one_line(exc, 120)}") from exc
    return nb


def tampering(nb: nbformat.NotebookNode, release: nbformat.NotebookNode) -> list[str]:
    """Locked cells of the student version that were deleted or edited (nbgrader restores
    both from the gradebook; the instructor should still hear about it)."""
    def locked(notebook):
        out = {}
        for cell in notebook.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade_id") and (meta.get("locked") or
                                         (meta.get("grade") and not meta.get("solution"))):
                out[meta["grade_id"]] = cell
        return out

    theirs, ours = locked(nb), locked(release)
    notes = []
    deleted = [g for g, cell in ours.items() if g not in theirs
               and cell.get("metadata", {}).get("nbgrader", {}).get("grade")]
    edited = [g for g, cell in ours.items() if g in theirs and
              (theirs[g].source != cell.source or theirs[g].cell_type != cell.cell_type)
              and cell.get("metadata", {}).get("nbgrader", {}).get("grade")]
    if deleted:
        notes.append("deleted test cell " + ", ".join(deleted) + " (restored)")
    if edited:
        notes.append("edited test cell " + ", ".join(edited) + " (restored)")
    return notes


# -- grading ---------------------------------------------------------------------------------


class _ErrorCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        msg = record.getMessage()
        if "Traceback" not in msg and "Please see" not in msg:
            self.messages.append(msg)


def grade(sub: Submission, ctx: Context) -> dict:
    """Grade `sub` and write its result, autograded notebook and feedback under ctx.out."""
    started = time.monotonic()
    result = {
        "student": sub.student, "assignment": sub.assignment,
        "key": ctx.keys.get((sub.student, sub.assignment), ""),
        "score": 0.0, "max_score": ctx.max_scores[sub.assignment],
        "needs_manual_grade": False, "graded": False, "cells": [], "comments": [],
        "notes": list(sub.notes), "started": time.time(),
        "sandbox": ctx.sandbox if ctx.sandbox == "bwrap" else f"none ({ctx.sandbox_problem})",
    }
    reasons: list[str] = []
    root = ctx.work / "subs" / sub.student / sub.assignment
    try:
        if sub.problem:
            reasons.append(sub.problem)
        reasons += sub.flags
        if not sub.problem:
            try:
                reasons += _grade_with_nbgrader(sub, ctx, root, result)
            except Exception as exc:  # a bug here must still leave a result behind
                logging.getLogger("traitlets").exception("grading failed")
                result.update(graded=False, score=0.0, cells=[], comments=[])
                reasons.append(f"grader error: {one_line(repr(exc), 120)}")
    finally:
        result["status"] = one_line("; ".join(reasons)) if reasons else "ok"
        result["seconds"] = round(time.monotonic() - started, 3)
        result["finished"] = time.time()
        if not result["graded"]:
            _write_plain_feedback(sub, ctx, result)
        write_json_atomic(ctx.result_path(sub.student, sub.assignment), result)
        shutil.rmtree(root, ignore_errors=True)
    return result


def _grade_with_nbgrader(sub: Submission, ctx: Context, root: Path, result: dict) -> list[str]:
    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    reasons: list[str] = []
    if root.exists():
        shutil.rmtree(root)
    submitted = root / "submitted" / sub.student / sub.assignment
    submitted.mkdir(parents=True)
    shutil.copy(ctx.template_db, root / "gradebook.db")
    source = ctx.source_dir / sub.assignment
    for path in source.rglob("*"):   # supporting files; the notebooks stay out of reach
        if path.is_file() and path.suffix != ".ipynb" and "__pycache__" not in path.parts:
            target = root / "source" / sub.assignment / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)

    for name, path in sorted(sub.notebooks.items()):
        try:
            nb = read_notebook(path)
        except ValueError as exc:
            return [f"malformed: {exc}"]
        release = ctx.release_dir / sub.assignment / f"{name}.ipynb"
        if release.is_file():
            reasons += tampering(nb, nbformat.read(release, as_version=4))
        nbformat.write(nb, submitted / f"{name}.ipynb")
    if sub.timestamp:
        (submitted / "timestamp.txt").write_text(sub.timestamp)

    config = ctx.config
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    coursedir = CourseDirectory(config=config)
    coursedir.student_id = sub.student
    coursedir.assignment_id = sub.assignment

    errors = _ErrorCollector()
    logging.getLogger("traitlets").addHandler(errors)
    execute.EVENTS.clear()
    try:
        Autograde(coursedir=coursedir, config=config).start()
    except Exception as exc:
        detail = errors.messages[0] if errors.messages else str(exc)
        return [*reasons,
                _event_reasons(ctx) or f"nbgrader could not grade it: {one_line(detail, 120)}"]
    finally:
        logging.getLogger("traitlets").removeHandler(errors)
    event_reasons = _event_reasons(ctx)
    if event_reasons:
        reasons.append(event_reasons)
    result["notes"] += _event_notes()

    with Gradebook(config.CourseDirectory.db_url) as gb:
        submission = gb.find_submission(sub.assignment, sub.student)
        result["score"] = float(submission.score)
        result["max_score"] = float(submission.max_score)
        result["needs_manual_grade"] = bool(submission.needs_manual_grade)
        for notebook in submission.notebooks:
            for g in notebook.grades:
                result["cells"].append({
                    "notebook": notebook.name, "name": g.name,
                    "auto_score": g.auto_score, "max_score": float(g.max_score),
                    "needs_manual_grade": bool(g.needs_manual_grade)})
            for c in notebook.comments:
                result["comments"].append({"notebook": notebook.name, "name": c.name,
                                           "auto_comment": c.auto_comment})
    result["graded"] = True
    if all(c["auto_comment"] == "No response." for c in result["comments"]) and \
            result["comments"]:
        result["notes"].append("blank: no answer cell was changed")

    try:
        GenerateFeedback(coursedir=coursedir, config=config).start()
    except Exception as exc:
        result["notes"].append(f"feedback could not be generated: {one_line(exc, 80)}")
    _publish(root, sub, ctx)
    return reasons


def _event_reasons(ctx: Context) -> str:
    parts: list[str] = []
    seen: set[tuple[str, str]] = set()
    for ev in execute.EVENTS:
        key = (ev["kind"], ev["cell"])
        if key in seen:
            continue
        seen.add(key)
        if ev["kind"] == "kernel_died":
            parts.append(f"kernel died in {ev['cell']}"
                         + (f" ({ev['detail']})" if ev["detail"] else "")
                         + "; later cells not run")
        elif ev["kind"] == "unresponsive":
            parts.append(f"timeout: {ev['cell']} ignored the interrupt; later cells not run")
        elif ev["kind"] == "timeout" and ("unresponsive", ev["cell"]) not in {
                (e["kind"], e["cell"]) for e in execute.EVENTS}:
            parts.append(f"timeout: {ev['cell']} ran longer than {ev['detail']}")
        elif ev["kind"] == "memory":
            parts.append(f"out of memory in {ev['cell']} ({ev['detail']})")
    return "; ".join(parts)


def _event_notes() -> list[str]:
    return [f"output of {ev['cell']} truncated ({ev['detail']} characters dropped)"
            for ev in execute.EVENTS if ev["kind"] == "output_dropped"]


def _publish(root: Path, sub: Submission, ctx: Context) -> None:
    """Copy the autograded notebooks and the feedback into the output folder."""
    for step in ("autograded", "feedback"):
        src = root / step / sub.student / sub.assignment
        dest = ctx.out / step / sub.student / sub.assignment
        if dest.exists():
            shutil.rmtree(dest)
        if src.is_dir():
            dest.mkdir(parents=True)
            for path in sorted(src.iterdir()):
                if path.is_file() and (path.suffix in (".ipynb", ".html")):
                    shutil.copy(path, dest / path.name)
                    os.chmod(dest / path.name, 0o644)


def failed_result(sub: Submission, ctx: Context, status: str) -> dict:
    """Result of a submission whose worker was killed or crashed: 0 points, with a reason."""
    result = {
        "student": sub.student, "assignment": sub.assignment,
        "key": ctx.keys.get((sub.student, sub.assignment), ""),
        "score": 0.0, "max_score": ctx.max_scores[sub.assignment],
        "needs_manual_grade": False, "graded": False, "cells": [], "comments": [],
        "notes": list(sub.notes), "status": one_line("; ".join([status, *sub.flags])),
        "seconds": None, "started": None, "finished": None,
        "sandbox": ctx.sandbox if ctx.sandbox == "bwrap" else f"none ({ctx.sandbox_problem})",
    }
    for step in ("autograded",):
        shutil.rmtree(ctx.out / step / sub.student / sub.assignment, ignore_errors=True)
    _write_plain_feedback(sub, ctx, result)
    write_json_atomic(ctx.result_path(sub.student, sub.assignment), result)
    shutil.rmtree(ctx.work / "subs" / sub.student / sub.assignment, ignore_errors=True)
    return result


def _write_plain_feedback(sub: Submission, ctx: Context, result: dict) -> None:
    """Feedback for a submission nbgrader could not grade: what went wrong, and the score."""
    dest = ctx.out / "feedback" / sub.student / sub.assignment
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    names = ctx.assignments.get(sub.assignment) or [sub.assignment]
    body = (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(sub.assignment)}: feedback</title></head><body>\n"
        f"<h1>{html.escape(sub.assignment)}</h1>\n"
        f"<p>Student: {html.escape(sub.student)}</p>\n"
        f"<p>Score: {result['score']:g} / {result['max_score']:g}</p>\n"
        "<p>Your submission could not be graded automatically: "
        f"{html.escape(result.get('status') or '')}.</p>\n"
        "<p>Please check the file you handed in, or ask your instructor.</p>\n"
        "</body></html>\n"
    )
    for name in names:
        (dest / f"{name}.html").write_text(body, encoding="utf-8")
