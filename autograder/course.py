"""The course on disk: its nbgrader configuration, its assignments, its student versions."""

from __future__ import annotations

import copy
import hashlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from traitlets import Integer, Unicode
from traitlets.config import Config, Configurable
from traitlets.config.loader import PyFileConfigLoader

PACKAGE_DIR = Path(__file__).resolve().parent
CONFIG_FILE = "nbgrader_config.py"


class GradeBatch(Configurable):
    """Settings of `python -m autograder grade` (set in nbgrader_config.py)."""

    submission_timeout = Integer(
        1800, help="wall-clock seconds one submission may take, feedback included").tag(
        config=True)
    lms_filename_regex = Unicode(
        "", help="regex with a `student_id` (and optionally `assignment_id` or `file_id`) "
                 "group, matched against the file names of an LMS zip").tag(config=True)


class CourseError(Exception):
    """A problem with the course or the command line, reported without a traceback."""


@dataclass
class Course:
    """A course root: nbgrader_config.py, source/<id>/<id>.ipynb and the notebooks folder."""

    root: Path
    notebooks_dir: Path
    config: Config

    @classmethod
    def load(cls, root: Path | None = None, notebooks_dir: Path | None = None) -> Course:
        root = Path(root or PACKAGE_DIR).resolve()
        if not (root / CONFIG_FILE).is_file():
            raise CourseError(f"{root} has no {CONFIG_FILE}: is it a course root?")
        config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
        # the course root is wherever the configuration is, even when it was copied
        config.CourseDirectory.root = str(root)
        notebooks_dir = Path(notebooks_dir or root.parent / "notebooks").resolve()
        return cls(root=root, notebooks_dir=notebooks_dir, config=config)

    @property
    def source_dir(self) -> Path:
        return self.root / self.config.CourseDirectory.get("source_directory", "source")

    def assignments(self) -> list[str]:
        """Ids of the assignments: folders of source/ that hold at least one notebook."""
        if not self.source_dir.is_dir():
            return []
        return sorted(
            d.name for d in self.source_dir.iterdir()
            if d.is_dir() and not d.name.startswith(".") and any(d.glob("*.ipynb"))
        )

    def check_assignment(self, assignment: str | None) -> list[str]:
        known = self.assignments()
        if assignment is None:
            return known
        if assignment not in known:
            raise CourseError(
                f"no assignment {assignment!r} in {self.source_dir} "
                f"(found: {', '.join(known) or 'none'})")
        return [assignment]

    def source_hash(self, assignment: str) -> str:
        """Fingerprint of an assignment's sources (notebooks and supporting files)."""
        digest = hashlib.sha256()
        base = self.source_dir / assignment
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            if ".ipynb_checkpoints" in path.parts or "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(base)).encode("utf-8", "surrogateescape"))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    def config_copy(self) -> Config:
        return copy.deepcopy(self.config)


def ensure_scripts_on_path() -> None:
    """Put this interpreter's scripts folder on PATH.

    nbgrader runs the `alembic` command (api.get_alembic_version) when it creates a
    gradebook, and finds it on PATH; `.venv/bin/python -m autograder` is not an activated
    environment, so without this the command is not found.
    """
    scripts = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if scripts not in path.split(os.pathsep):
        os.environ["PATH"] = scripts + (os.pathsep + path if path else "")


def quiet_nbgrader_warnings() -> None:
    """Silence SQLAlchemy's warnings about nbgrader's gradebook code (nbgrader 0.9 with
    SQLAlchemy 2: harmless autoflush notices, printed for every submission otherwise)."""
    import warnings

    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)


_EMPTY_GRADEBOOK: list[Path] = []


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "regopt-autograder"


def _empty_gradebook() -> Path:
    """An empty gradebook made by nbgrader, to start every new gradebook from.

    nbgrader runs the `alembic heads` command (about 3 s) whenever it creates a gradebook,
    to stamp its schema version. The result depends only on the nbgrader version, so the
    empty gradebook is made once and kept in the user's cache folder (or, if that is not
    writable, once per process).
    """
    if _EMPTY_GRADEBOOK:
        return _EMPTY_GRADEBOOK[0]
    import tempfile

    import nbgrader
    from nbgrader.api import Gradebook

    cached = _cache_dir() / f"empty-gradebook-nbgrader-{nbgrader.__version__}.db"
    if cached.is_file():
        _EMPTY_GRADEBOOK.append(cached)
        return cached
    folder = Path(tempfile.mkdtemp(prefix="autograder-gradebook-"))
    path = folder / "gradebook.db"
    with Gradebook(f"sqlite:///{path}"):
        pass
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        shutil.copy(path, tmp)
        os.replace(tmp, cached)
        shutil.rmtree(folder, ignore_errors=True)
        path = cached
    except OSError:
        import atexit

        atexit.register(shutil.rmtree, folder, True)
    _EMPTY_GRADEBOOK.append(path)
    return path


def generate_assignments(course: Course, assignments: list[str], work_root: Path,
                         db_url: str | None = None) -> Path:
    """Run nbgrader's generate_assignment for `assignments` in a scratch course root.

    Returns the gradebook file, which then holds the assignments, their notebooks and their
    source cells (hidden tests included); the student versions are in
    `work_root/release/<id>/`. The scratch root links to the real sources, so nothing is
    written to the course folder. With `db_url` (any gradebook nbgrader can open, such as
    ``postgresql://...``) the assignments are recorded there instead of in a new file.
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    ensure_scripts_on_path()
    quiet_nbgrader_warnings()
    if work_root.exists():
        shutil.rmtree(work_root)
    work_root.mkdir(parents=True)
    source_name = course.source_dir.name
    os.symlink(course.source_dir, work_root / source_name)
    db_path = work_root / "gradebook.db"
    if db_url is None:
        shutil.copy(_empty_gradebook(), db_path)
    config = course.config_copy()
    config.CourseDirectory.root = str(work_root)
    config.CourseDirectory.db_url = db_url or f"sqlite:///{db_path}"
    for assignment in assignments:
        coursedir = CourseDirectory(config=config)
        coursedir.assignment_id = assignment
        converter = GenerateAssignment(coursedir=coursedir, config=config)
        converter.force = True
        try:
            converter.start()
        except Exception as exc:  # nbgrader's message says what is wrong in the source
            raise CourseError(
                f"nbgrader could not generate the student version of {assignment}: {exc}"
            ) from exc
    return db_path
