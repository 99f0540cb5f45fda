"""nbgrader configuration of the course: read by `python -m autograder` and by nbgrader's
own commands (`nbgrader formgrader`, `nbgrader export`, ...) run from this folder.

Layout (the course root is this folder):

    source/<id>/<id>.ipynb     instructor versions, with solutions and hidden tests
    release/<id>/<id>.ipynb    nbgrader's student versions (generated, git-ignored);
                               `python -m autograder release` copies them to ../notebooks/<id>.ipynb
    submitted/, autograded/, feedback/, gradebook.db
                               nbgrader's working folders (generated, git-ignored);
                               `python -m autograder grade` keeps its own under --out instead
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from autograder.execute import SandboxedExecute
from autograder.feedback import FeedbackExporter

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "regopt-course"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"

# -- autograding ---------------------------------------------------------------------------
# nbgrader's autograde pipeline with Execute replaced by its sandboxed subclass (the kernel
# runs in bubblewrap; a dead or hung kernel ends the notebook's execution, not the batch).
c.Autograde.autograde_preprocessors = [
    SandboxedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
# a test cell the student deleted is put back, as are edited ones (nbgrader always restores
# locked cells from the gradebook's copy, hidden tests included)
c.OverwriteCells.add_missing_cells = True

# Per-cell timeout (s). The slowest legitimate cell of a lesson (the capstone's training run,
# skipped under NBGRADER_EXECUTION elsewhere) takes well under a minute on a laptop core;
# 120 s leaves room for a loaded grading machine. A cell past it is interrupted and fails.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
c.Execute.startup_timeout = 60
# Once the last cell has run nothing of the kernel is needed: kill it at once rather than
# wait for it to shut down cleanly (which costs a grading worker up to a second of idling).
c.Execute.shutdown_kernel = "immediate"

# The sandbox ('auto': bubblewrap where it works, else unsandboxed with a warning in the
# grading report; 'bwrap' to refuse grading without it; 'none' to never use it).
c.SandboxedExecute.sandbox = "auto"
c.SandboxedExecute.memory_limit_mb = 2048       # address space of the kernel
c.SandboxedExecute.cpu_time_limit = 1800        # CPU seconds of the kernel, all cells together
c.SandboxedExecute.file_size_limit_mb = 64
c.SandboxedExecute.tmpfs_mb = 256               # its /tmp and working directory
c.SandboxedExecute.packages = ["course_lib"]    # importable by student code, read-only

# Output limits: kept per cell while it arrives, then nbgrader trims lines and tracebacks.
c.SandboxedExecute.max_output_bytes = 200_000
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# nbgrader scores a test cell 0 when it wrote anything to stderr. Warnings (numpy's
# RuntimeWarning, a DeprecationWarning, logging.warning from a library) are not failures:
# IgnorePattern drops the stderr outputs that mention one before the cell is scored.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?i)warn"

# Feedback pages: nbgrader's HTML exporter, with its compiled templates shared by the
# grading workers instead of compiled again for every notebook.
c.GenerateFeedback.exporter_class = FeedbackExporter

# -- python -m autograder grade ------------------------------------------------------------
# Wall-clock bound of one submission, kernel start and feedback included; past it the
# submission's worker is killed and the submission is reported as timed out.
c.GradeBatch.submission_timeout = 1800
# How an LMS zip names its files: a regular expression with a `student_id` group and
# optionally an `assignment_id` group, matched against each file's name (as nbgrader's
# FileNameCollectorPlugin.named_regexp). Empty: `<student>_<assignment>.ipynb`,
# `<assignment>_<student>.ipynb`, or with --assignment, `<student>.ipynb`.
c.GradeBatch.lms_filename_regex = ""
