"""The sandbox's mounts work wherever the checkout and its virtual environment live."""

from __future__ import annotations

import pytest

from autograder import sandbox


@pytest.mark.skipif(sandbox.bwrap_path() is None, reason="bubblewrap is not installed")
def test_tmp_is_mounted_before_the_read_only_binds():
    # A CI clone under /tmp has its .venv and course_lib under /tmp: if the /tmp tmpfs
    # were mounted after binding them, it would hide them and no kernel could start.
    plan = sandbox.SandboxPlan(workdir="/home/student/a", runtime_dir="/tmp/run-x",
                               packages=("/tmp/clone/course_lib",))
    argv = sandbox.bwrap_command(plan, python="/tmp/clone/.venv/bin/python")
    tmpfs_at = argv.index("/tmp", argv.index("--tmpfs"))
    bind_at = argv.index("/tmp/clone/course_lib")
    assert tmpfs_at < bind_at
    for i, arg in enumerate(argv):
        if arg == "--ro-bind" and argv[i + 1].startswith("/tmp/"):
            assert i > tmpfs_at, f"{argv[i + 1]} is bound before /tmp is mounted"
