"""Input layouts, workers, the sandbox fallback, locking and interruption of `grade`."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder.submissions import parse_lms_name, safe_id
from tests.test_autograder_grade import (
    ASSIGNMENT,
    NB,
    ROOT,
    autograder,
    make_course,
    put,
    read_grades,
    release_notebook,
    solution,
    with_code,
)

WRITTEN = "fixture_written"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("batch"))
    return course, solution(course), release_notebook(course)


def _nb_bytes(nb) -> bytes:
    import nbformat

    return nbformat.writes(nb).encode()


# -- an LMS zip ------------------------------------------------------------------------------


def test_lms_zip_is_imported_without_hand_work(course, tmp_path):
    course_dir, good, blank = course
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("alice_fixture_assignment.ipynb", _nb_bytes(good))
        z.writestr("submissions/fixture_assignment-bob.ipynb", _nb_bytes(blank))
        z.writestr("carol.ipynb", _nb_bytes(good))
        old = zipfile.ZipInfo("dave_fixture_assignment.ipynb", date_time=(2024, 1, 1, 9, 0, 0))
        z.writestr(old, _nb_bytes(blank))
        new = zipfile.ZipInfo("dave-fixture_assignment.ipynb", date_time=(2024, 1, 2, 9, 0, 0))
        z.writestr(new, _nb_bytes(good))
        z.writestr("__MACOSX/._alice_fixture_assignment.ipynb", b"\x00\x05")
        z.writestr("readme.txt", b"exported by the LMS")
    out = tmp_path / "out"
    done = autograder("grade", archive, "--out", out, "--course", course_dir,
                      "--assignment", ASSIGNMENT, "--cell-timeout", 10)
    assert done.returncode == 0, done.stdout + done.stderr
    grades = read_grades(out)
    assert {k[0]: float(v["score"]) for k, v in grades.items()} == {
        "alice": 5.0, "bob": 0.0, "carol": 5.0, "dave": 5.0}
    assert all(r["status"] == "ok" for r in grades.values())
    report = (out / "report.md").read_text()
    assert "2 files for this student; graded the newest, 'dave-fixture_assignment.ipynb'" in report
    assert "readme.txt (not a notebook)" in report
    assert (out / "feedback" / "carol" / ASSIGNMENT / "fixture_assignment.html").is_file()


def test_lms_file_names():
    known = {"fixture_assignment": ["fixture_assignment"], "fixture_written": ["fixture_written"],
             "01_bias_variance": ["01_bias_variance"]}
    assert parse_lms_name("alice_fixture_assignment.ipynb", known, None) == \
        ("alice", "fixture_assignment")
    assert parse_lms_name("01_bias_variance_s1234.ipynb", known, None) == \
        ("s1234", "01_bias_variance")
    assert parse_lms_name("s1234.ipynb", known, None) is None
    assert parse_lms_name("s1234.ipynb", known, "fixture_written") == ("s1234", "fixture_written")
    canvas = r"^(?P<student_id>[^_]+)_(?:LATE_)?\d+_\d+_(?P<file_id>.+?)(?:-\d+)?\.ipynb$"
    assert parse_lms_name("smithj_LATE_123_456_fixture_written-1.ipynb", known, None, canvas) == \
        ("smithj", "fixture_written")


def test_student_ids_are_made_safe_for_paths_globs_and_csv():
    assert safe_id("alice") == ("alice", None)
    assert safe_id("Zoë.Müller") == ("Zoë.Müller", None)
    assert safe_id("a[1]*") == ("a_1__", "the name 'a[1]*' has characters unsafe in file names; "
                                          "graded as a_1__")
    assert safe_id(os.fsdecode(b"jos\xe9"))[0] == "jos_xe9"
    assert safe_id("..")[0] == "unnamed"


# -- workers, several assignments, manual grading -----------------------------------------------


def test_workers_never_grade_one_student_twice_at_once(course, tmp_path):
    course_dir, good, _ = course
    written = solution(course_dir, WRITTEN)
    subs = tmp_path / "submitted"
    for student in ("ada", "ben"):
        put(subs, student, with_code(good, "squares", "import time\ntime.sleep(1)", before=True))
        put(subs, student, written, name=f"{WRITTEN}.ipynb", assignment=WRITTEN)
    out = tmp_path / "out"
    done = autograder("grade", subs, "--out", out, "--course", course_dir, "--workers", 2,
                      "--cell-timeout", 10)
    assert done.returncode == 0, done.stdout + done.stderr
    grades = read_grades(out)
    assert grades[("ada", WRITTEN)]["score"] == "1"           # the written answer awaits a grader
    assert grades[("ada", WRITTEN)]["max_score"] == "3"
    assert grades[("ada", WRITTEN)]["needs_manual_grade"] == "true"
    assert grades[("ada", ASSIGNMENT)]["needs_manual_grade"] == "false"
    assert "why_dropout" in (out / "report.md").read_text()

    spans = {}
    for path in (out / ".autograder" / "results").rglob("*.json"):
        r = json.loads(path.read_text())
        spans.setdefault(r["student"], []).append((r["started"], r["finished"]))
    for student, (a, b) in spans.items():
        assert a[1] <= b[0] or b[1] <= a[0], f"{student} was graded twice at once"
    # and the two workers did run at the same time, on different students
    everything = [s for pair in spans.values() for s in pair]
    assert any(x[0] < y[1] and y[0] < x[1] for x in spans["ada"] for y in spans["ben"]), everything


def test_a_second_run_on_the_same_output_is_refused_while_one_runs(course, tmp_path):
    course_dir, good, _ = course
    subs = tmp_path / "submitted"
    put(subs, "alice", good)
    out = tmp_path / "out"
    (out / ".autograder").mkdir(parents=True)
    with open(out / ".autograder" / "lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        done = autograder("grade", subs, "--out", out, "--course", course_dir)
    assert done.returncode == 2
    assert "another grading run is writing" in done.stderr


def test_interrupted_run_can_be_finished_by_running_it_again(course, tmp_path):
    course_dir, good, _ = course
    subs = tmp_path / "submitted"
    put(subs, "fast", good)
    for slow in ("slow1", "slow2"):
        put(subs, slow, with_code(good, "squares", "import time\ntime.sleep(60)", before=True))
    out = tmp_path / "out"
    args = ["grade", subs, "--out", out, "--course", course_dir, "--workers", 1,
            "--cell-timeout", 4]
    proc = subprocess.Popen([sys.executable, "-m", "autograder", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results = out / ".autograder" / "results"
    deadline = time.monotonic() + 120
    while not (results / "fast" / f"{ASSIGNMENT}.json").exists():
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    time.sleep(1.0)   # slow1 is now being graded
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "run the same command again" in err
    assert not (out / "grades.csv").exists()
    # the rerun keeps fast's result and grades the two others
    done = autograder(*args[:-4], "--workers", 2, "--cell-timeout", 4)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Graded 2 submissions (1 reused)" in done.stdout
    grades = read_grades(out)
    # the sleep is interrupted before squares is defined: test_squares (2 points) fails
    assert [grades[(s, ASSIGNMENT)]["score"] for s in ("fast", "slow1", "slow2")] == ["5", "3", "3"]
    assert grades[("slow1", ASSIGNMENT)]["status"] == "timeout: squares ran longer than 4 s"


# -- without bubblewrap --------------------------------------------------------------------------


def test_without_bubblewrap_grading_works_and_the_report_says_so(course, tmp_path):
    course_dir, good, _ = course
    subs = tmp_path / "submitted"
    put(subs, "alice", good)
    put(subs, "exiter", with_code(good, "mean", "import os\nos._exit(3)", before=True))
    out = tmp_path / "out"
    no_bwrap = {"PATH": str(Path(sys.executable).parent)}   # bwrap is not on this PATH
    done = autograder("grade", subs, "--out", out, "--course", course_dir, "--cell-timeout", 10,
                      env=no_bwrap)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING: grading WITHOUT a sandbox: bubblewrap (bwrap) is not installed" in done.stdout
    grades = read_grades(out)
    assert grades[("alice", ASSIGNMENT)]["score"] == "5"
    assert grades[("exiter", ASSIGNMENT)]["score"] == "2"
    assert grades[("exiter", ASSIGNMENT)]["status"] == "kernel died in mean; later cells not run"
    report = (out / "report.md").read_text()
    assert "**Sandbox: NONE. Student code ran unsandboxed** (bubblewrap (bwrap) is not " \
           "installed)" in report
    # and a configuration that requires the sandbox refuses to grade
    done = autograder("grade", subs, "--out", tmp_path / "out2", "--course", course_dir,
                      "--sandbox", "bwrap", env=no_bwrap)
    assert done.returncode == 2
    assert "the sandbox is required but bubblewrap (bwrap) is not installed" in done.stderr
    assert NB  # the submissions kept their names
