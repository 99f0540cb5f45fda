"""Finding the submissions to grade: nbgrader's submitted layout or an LMS zip.

Both are turned into `Submission`s (one per student and assignment) without reading the
notebooks: a notebook is parsed only in the worker that grades it, so a malformed or
huge file can only fail its own submission.

- Folder: ``SUBMISSIONS/<student>/<assignment>/<notebook>.ipynb``, as nbgrader's
  ``submitted/`` folder (a ``timestamp.txt`` beside the notebook is kept). A student folder
  without a notebook for an assignment that others submitted is graded 0 as missing.
- LMS zip (or a folder of loose notebooks): one notebook per student, the student id in the
  file name: ``<student>_<assignment>.ipynb``, ``<assignment>_<student>.ipynb``, or with
  ``--assignment``, ``<student>.ipynb``; or any scheme given as a regular expression with
  named groups (GradeBatch.lms_filename_regex, as nbgrader's FileNameCollectorPlugin).

Only the assignment's notebooks are graded; any other file is ignored (so a student cannot
ship a ``numpy.py`` that test cells would import) and listed in the report.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# Larger notebooks are not graded (a notebook with plots is a few MB).
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
_JUNK = {"__MACOSX", ".ipynb_checkpoints", "__pycache__", ".DS_Store", "Thumbs.db"}


@dataclass
class Submission:
    """One student's work on one assignment, as found in the input."""

    student: str
    assignment: str
    # notebook name (without .ipynb) -> file to grade for it
    notebooks: dict[str, Path] = field(default_factory=dict)
    timestamp: str | None = None
    notes: list[str] = field(default_factory=list)    # for the report
    flags: list[str] = field(default_factory=list)    # for the status: needs attention
    problem: str | None = None                        # why it cannot be graded at all

    def input_hash(self) -> str:
        digest = hashlib.sha256()
        for name, path in sorted(self.notebooks.items()):
            digest.update(name.encode())
            try:
                with open(path, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
            except OSError as exc:
                digest.update(repr(exc).encode())
        digest.update(repr((self.timestamp, self.problem, self.notes, self.flags)).encode())
        return digest.hexdigest()


@dataclass
class Inventory:
    submissions: list[Submission]
    ignored: list[str]          # input entries that belong to no submission


def display_name(raw: str) -> str:
    """A file name as text, with bytes that are not UTF-8 shown as \\xNN."""
    return os.fsencode(raw).decode("utf-8", "backslashreplace")


def safe_id(raw: str) -> tuple[str, str | None]:
    """A student id usable in paths, globs, SQL and CSV, and a note when it was changed."""
    shown = display_name(raw)
    text = unicodedata.normalize("NFC", shown)
    safe = re.sub(r"[^\w.@+-]", "_", text).lstrip(".") or "unnamed"
    if safe == raw:
        return safe, None
    if shown != raw:
        return safe, f"the name {shown} is not valid UTF-8; graded as {safe}"
    return safe, f"the name {shown!r} has characters unsafe in file names; graded as {safe}"


def _is_junk(name: str) -> bool:
    return name in _JUNK or name.startswith("._") or name.startswith(".")


# -- nbgrader's submitted layout ---------------------------------------------------------


def from_folder(root: Path, notebooks: dict[str, list[str]],
                only: str | None = None) -> Inventory:
    """Submissions of ``root/<student>/<assignment>/``.

    `notebooks` maps each known assignment to its notebook names; `only` restricts the
    batch to one assignment.
    """
    found: dict[tuple[str, str], Submission] = {}
    ignored: list[str] = []
    students: dict[str, str] = {}
    wanted = [only] if only else sorted(notebooks)
    for student_dir in sorted(root.iterdir()):
        if _is_junk(student_dir.name):
            continue
        if not student_dir.is_dir():
            ignored.append(f"{display_name(student_dir.name)} (not a student folder)")
            continue
        student, note = safe_id(student_dir.name)
        if student in students:
            student, note = _dedupe(student, students), note
        students[student] = student_dir.name
        for entry in sorted(student_dir.iterdir()):
            if _is_junk(entry.name):
                continue
            if entry.name not in wanted or not entry.is_dir():
                if entry.name not in notebooks:
                    ignored.append(f"{student}/{display_name(entry.name)} (not an assignment)")
                continue
            sub = _collect(student, entry.name, entry, notebooks[entry.name])
            if note:
                sub.flags.insert(0, note)
            found[(student, entry.name)] = sub
    # a student who submitted some assignment of the batch but not this one: graded 0
    seen = {a for _, a in found}
    for student in students:
        for assignment in wanted:
            if assignment in seen and (student, assignment) not in found:
                found[(student, assignment)] = Submission(
                    student, assignment, problem="missing: no submission for this assignment")
    return Inventory([found[k] for k in sorted(found)], ignored)


def _dedupe(student: str, taken: dict[str, str]) -> str:
    n = 2
    while f"{student}-{n}" in taken:
        n += 1
    return f"{student}-{n}"


def _collect(student: str, assignment: str, folder: Path, names: list[str]) -> Submission:
    sub = Submission(student, assignment)
    files = [p for p in sorted(folder.rglob("*")) if p.is_file()
             and not any(_is_junk(part) for part in p.relative_to(folder).parts)]
    top_notebooks = [p for p in files if p.parent == folder and p.suffix == ".ipynb"]
    used: set[Path] = set()
    for name in names:
        exact = folder / f"{name}.ipynb"
        if exact.is_file():
            sub.notebooks[name] = exact
            used.add(exact)
    missing = [n for n in names if n not in sub.notebooks]
    spare = [p for p in top_notebooks if p not in used]
    if len(missing) == 1 and len(spare) == 1:
        # renamed by the student or their browser ("fixture (1).ipynb"): grade it anyway
        sub.notebooks[missing[0]] = spare[0]
        used.add(spare[0])
        sub.notes.append(f"graded {display_name(spare[0].name)!r} as {missing[0]}.ipynb")
        missing = []
    if missing:
        sub.problem = "missing: no notebook " + ", ".join(f"{n}.ipynb" for n in missing)
    stamp = folder / "timestamp.txt"
    if stamp.is_file():
        used.add(stamp)
        sub.timestamp = _read_timestamp(stamp, sub)
    extra = [p for p in files if p not in used]
    if extra:
        shown = ", ".join(display_name(str(p.relative_to(folder))) for p in extra[:5])
        more = f" and {len(extra) - 5} more" if len(extra) > 5 else ""
        sub.notes.append(f"ignored extra files: {shown}{more}")
    for name, path in sub.notebooks.items():
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            sub.problem = (f"malformed: {name}.ipynb is larger than "
                           f"{MAX_NOTEBOOK_BYTES // 2**20} MB")
    return sub


def _read_timestamp(path: Path, sub: Submission) -> str | None:
    from nbgrader.utils import parse_utc

    try:
        text = path.read_text(encoding="utf-8").strip()
        parse_utc(text)
        return text
    except (OSError, UnicodeDecodeError, ValueError):
        sub.notes.append("ignored an unreadable timestamp.txt")
        return None


# -- LMS downloads: a zip, or a folder of loose notebooks ---------------------------------


def parse_lms_name(filename: str, assignments: dict[str, list[str]], only: str | None,
                   regex: str = "") -> tuple[str, str] | None:
    """(raw student id, assignment) from an LMS file name, or None if it cannot tell."""
    stem = filename[:-len(".ipynb")]
    if regex:
        m = re.match(regex, filename)
        if not m or not m.groupdict().get("student_id"):
            return None
        groups = m.groupdict()
        assignment = groups.get("assignment_id") or only
        if not assignment and groups.get("file_id"):
            file_id = groups["file_id"].removesuffix(".ipynb")
            assignment = next((a for a, nbs in assignments.items() if file_id in nbs), None)
        if not assignment:
            return None
        return groups["student_id"], assignment
    candidates = [only] if only else sorted(assignments, key=len, reverse=True)
    for assignment in candidates:
        for sep in "_-. ":
            if stem.endswith(sep + assignment) and len(stem) > len(assignment) + 1:
                return stem[: -len(assignment) - 1], assignment
            if stem.startswith(assignment + sep) and len(stem) > len(assignment) + 1:
                return stem[len(assignment) + 1:], assignment
    if only:
        return stem, only
    return None


def from_lms(source: Path, inbox: Path, assignments: dict[str, list[str]],
             only: str | None, regex: str = "") -> Inventory:
    """Submissions of an LMS zip (or a folder of loose notebooks), copied into `inbox`."""
    entries: list[tuple[str, bytes | Path, tuple]] = []   # (name, data, sort key)
    ignored: list[str] = []
    if source.is_dir():
        for path in sorted(source.iterdir()):
            if not _is_junk(path.name) and path.is_file():
                entries.append((path.name, path, (path.stat().st_mtime, path.name)))
    else:
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                parts = PurePosixPath(info.filename).parts
                if info.is_dir() or any(_is_junk(p) for p in parts):
                    continue
                name = parts[-1]
                if not name.endswith(".ipynb"):
                    ignored.append(f"{display_name(info.filename)} (not a notebook)")
                    continue
                if info.file_size > MAX_NOTEBOOK_BYTES:
                    ignored.append(f"{display_name(info.filename)} (larger than "
                                   f"{MAX_NOTEBOOK_BYTES // 2**20} MB)")
                    continue
                with archive.open(info) as fh:   # bounded read: the header may lie
                    data = fh.read(MAX_NOTEBOOK_BYTES + 1)
                if len(data) > MAX_NOTEBOOK_BYTES:
                    ignored.append(f"{display_name(info.filename)} (too large)")
                    continue
                entries.append((name, data, (info.date_time, info.filename)))

    chosen: dict[tuple[str, str], tuple[str, bytes | Path, tuple, str | None]] = {}
    duplicates: dict[tuple[str, str], list[str]] = {}
    for name, data, key in entries:
        if not name.endswith(".ipynb"):
            ignored.append(f"{display_name(name)} (not a notebook)")
            continue
        parsed = parse_lms_name(name, assignments, only, regex)
        if parsed is None:
            ignored.append(f"{display_name(name)} (cannot tell the student and assignment "
                           "from the file name; see --assignment and lms_filename_regex)")
            continue
        raw_student, assignment = parsed
        if assignment not in assignments or (only and assignment != only):
            ignored.append(f"{display_name(name)} (assignment {assignment!r} is not graded)")
            continue
        student, note = safe_id(raw_student)
        k = (student, assignment)
        if k in chosen:
            duplicates.setdefault(k, [chosen[k][0]]).append(name)
            if key <= chosen[k][2]:
                continue
        chosen[k] = (name, data, key, note)

    submissions = []
    for (student, assignment), (name, data, _, note) in sorted(chosen.items()):
        names = assignments[assignment]
        target = inbox / student / assignment / f"{names[0]}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else Path(data).read_bytes())
        sub = Submission(student, assignment, notebooks={names[0]: target})
        if note:
            sub.flags.append(note)
        if (student, assignment) in duplicates:
            sub.notes.append(f"{len(duplicates[(student, assignment)])} files for this "
                             f"student; graded the newest, {display_name(name)!r}")
        if len(names) > 1:
            sub.problem = "missing: an LMS upload holds one notebook, this assignment has " \
                          f"{len(names)}"
        submissions.append(sub)
    return Inventory(submissions, ignored)


def is_lms_input(path: Path) -> bool:
    if path.is_file():
        return zipfile.is_zipfile(path)
    return any(p.suffix == ".ipynb" for p in path.iterdir() if p.is_file())
