"""The kernel command that runs student code: bubblewrap around an IPython kernel.

Only the standard library is imported here, so the grader can build the command cheaply.

What the sandboxed kernel sees (everything else of the host does not exist for it):

- read-only: the system (``/usr`` and its symlinks, a few files of ``/etc``), the Python
  installation and the virtual environment, and the project packages named in
  ``packages`` (``course_lib``), each at its host path so imports work unchanged;
- read-write: its own kernel connection folder (the zmq IPC sockets), a size-bounded
  tmpfs as its working directory (``/home/student/<assignment>``, holding read-only
  copies of the assignment's supporting files), and a size-bounded tmpfs ``/tmp``.

So it cannot read the instructor sources, the gradebook or the notebook being graded
(which holds the hidden tests), cannot write anywhere that outlives it, and has no
network (a new, empty network namespace: the kernel talks to the grader over Unix
sockets, which are files, not network). It runs as an unprivileged user with no
capabilities, in its own PID namespace, and dies with the grader. Address space, CPU time
and file size are bounded by rlimits set before IPython starts; without bubblewrap only
those rlimits apply.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Files of /etc that Python, numpy and matplotlib read; the rest of /etc stays hidden.
_ETC_FILES = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "passwd", "group",
    "nsswitch.conf", "mime.types", "fonts", "alternatives",
)
_SYSTEM_DIRS = ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")
UNPRIVILEGED_ID = 65534  # "nobody": the sandbox user has no capabilities

# Run inside the kernel process before IPython starts: rlimits, then ipykernel as
# `python -m ipykernel_launcher` would start it. `sys.argv[1:]` holds `-f CONNECTION_FILE`.
_BOOTSTRAP = """\
import faulthandler, os, resource, sys
# the kernel's own stdout/stderr (start-up notes, a fatal error's traceback) go to a log
# the grader reads when the kernel dies; cell output reaches the notebook through zmq
_log = os.open({log!r}, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
os.dup2(_log, 1)
os.dup2(_log, 2)
# a descriptor of its own: ipykernel captures fds 1 and 2 into the notebook once it runs
_fault = os.fdopen(os.dup(_log), "w")
faulthandler.enable(file=_fault)
def _limit(kind, soft, hard=None):
    if soft > 0:
        try:
            resource.setrlimit(kind, (soft, soft if hard is None else hard))
        except (ValueError, OSError):
            pass
_limit(resource.RLIMIT_AS, {memory})
_limit(resource.RLIMIT_CPU, {cpu}, {cpu} + 5)
_limit(resource.RLIMIT_FSIZE, {fsize})
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
try:  # die with the grader even without bubblewrap (Linux PR_SET_PDEATHSIG = 1, SIGKILL)
    import ctypes
    ctypes.CDLL(None).prctl(1, 9)
except Exception:
    pass
if sys.path and sys.path[0] in ("", "."):
    del sys.path[0]
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""


@dataclass(frozen=True)
class Limits:
    """Resource bounds of one kernel (0 means unbounded)."""

    memory_mb: int = 2048
    cpu_seconds: int = 0
    file_size_mb: int = 64
    tmpfs_mb: int = 256


@dataclass(frozen=True)
class SandboxPlan:
    """Everything needed to write the kernel spec of one sandboxed kernel."""

    workdir: str              # the kernel's working directory, as the kernel sees it
    runtime_dir: str          # connection file and IPC sockets, shared with the grader
    supporting_files: tuple[str, ...] = ()   # host files shown read-only in workdir
    packages: tuple[str, ...] = ()           # host folders of project packages, read-only
    limits: Limits = field(default_factory=Limits)
    env: tuple[tuple[str, str], ...] = ()


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


_PROBE: dict[str, str | None] = {}


def bwrap_problem() -> str | None:
    """None when bubblewrap can build the sandbox here, else why not (cached per process)."""
    if "result" in _PROBE:
        return _PROBE["result"]
    exe = bwrap_path()
    if exe is None:
        problem: str | None = "bubblewrap (bwrap) is not installed"
    else:
        probe = [exe, *_namespace_args(), "--ro-bind", "/", "/", "--proc", "/proc",
                 "--dev", "/dev", "true"]
        try:
            done = subprocess.run(probe, capture_output=True, text=True, timeout=20)
            problem = None if done.returncode == 0 else (
                "bubblewrap cannot create its namespaces here: "
                + (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1])
        except (OSError, subprocess.TimeoutExpired) as exc:
            problem = f"bubblewrap failed to start: {exc}"
    _PROBE["result"] = problem
    return problem


def _namespace_args() -> list[str]:
    return [
        "--unshare-user", "--uid", str(UNPRIVILEGED_ID), "--gid", str(UNPRIVILEGED_ID),
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
        "--unshare-cgroup-try", "--die-with-parent",
    ]


def package_dirs(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Host folders of the importable packages `names` (skipping any not installed)."""
    import importlib.util

    dirs = []
    for name in names:
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        if spec.submodule_search_locations:
            dirs.extend(str(Path(p).resolve()) for p in spec.submodule_search_locations)
        elif spec.origin:
            dirs.append(str(Path(spec.origin).resolve()))
    return tuple(dirs)


def bootstrap_code(limits: Limits, log: str) -> str:
    mb = 1024 * 1024
    return _BOOTSTRAP.format(memory=limits.memory_mb * mb, cpu=limits.cpu_seconds,
                             fsize=limits.file_size_mb * mb, log=log)


def kernel_log(plan: SandboxPlan) -> str:
    return str(Path(plan.runtime_dir) / "kernel.log")


def kernel_env(plan: SandboxPlan, home: str) -> dict[str, str]:
    """The kernel's environment: deterministic, single-threaded BLAS, headless plots."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "agg",
        "MPLCONFIGDIR": home + "/.matplotlib",
        "IPYTHONDIR": home + "/.ipython",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
    }
    if os.environ.get("NBGRADER_EXECUTION"):
        env["NBGRADER_EXECUTION"] = os.environ["NBGRADER_EXECUTION"]
    env.update(dict(plan.env))
    return env


def _system_binds() -> list[str]:
    args: list[str] = []
    for name in _SYSTEM_DIRS:
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in _ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def _python_dirs() -> list[str]:
    """The interpreter's installation and the virtual environment, resolved."""
    dirs = {str(Path(p).resolve()) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    dirs.add(str(Path(sys.executable).resolve().parent.parent))
    return sorted(d for d in dirs if not d.startswith("/usr/") and d != "/usr")


def bwrap_command(plan: SandboxPlan, python: str | None = None) -> list[str]:
    """argv (before `-f {connection_file}`) of a kernel inside bubblewrap."""
    exe = bwrap_path()
    assert exe is not None, "bwrap_command needs bubblewrap"
    python = python or sys.executable
    home = "/tmp/home"
    mb = 1024 * 1024
    args = [exe, *_namespace_args(), "--disable-userns", "--cap-drop", "ALL"]
    # /tmp first: bubblewrap mounts in order, so the read-only binds below land on top of
    # it. The other way round, a checkout or virtual environment that lives under /tmp
    # (a CI clone, say) is hidden by the empty tmpfs and the kernel cannot even start.
    args += ["--size", str(plan.limits.tmpfs_mb * mb), "--tmpfs", "/tmp"]
    args += _system_binds()
    for d in _python_dirs():
        args += ["--ro-bind", d, d]
    for d in plan.packages:
        args += ["--ro-bind", d, d]
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--dir", home]
    args += ["--bind", plan.runtime_dir, plan.runtime_dir]
    args += ["--size", str(plan.limits.tmpfs_mb * mb), "--tmpfs", plan.workdir]
    for f in plan.supporting_files:
        args += ["--ro-bind", f, str(Path(plan.workdir) / Path(f).name)]
    # the root is bubblewrap's own tmpfs: read-only, so only the two bounded ones are writable
    args += ["--remount-ro", "/", "--chdir", plan.workdir, "--clearenv"]
    for key, value in sorted(kernel_env(plan, home).items()):
        args += ["--setenv", key, value]
    args += ["--hostname", "sandbox", "--",
             python, "-c", bootstrap_code(plan.limits, kernel_log(plan))]
    return args


def unsandboxed_command(plan: SandboxPlan, python: str | None = None) -> list[str]:
    """argv of a kernel without bubblewrap: only the rlimits bound it."""
    return [python or sys.executable, "-c", bootstrap_code(plan.limits, kernel_log(plan))]


def write_kernel_spec(kernels_dir: Path, name: str, argv: list[str],
                      env: dict[str, str] | None = None) -> Path:
    """Write `kernels_dir/name/kernel.json` for `argv` (+ ``-f {connection_file}``)."""
    spec_dir = kernels_dir / name
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [*argv, "-f", "{connection_file}"],
        "display_name": "Python 3 (autograder)",
        "language": "python",
        # ask ipykernel to interrupt itself (a control message) rather than signalling
        # its process group from outside, which would reach bubblewrap instead
        "interrupt_mode": "message",
        "metadata": {"debugger": False},
    }
    if env:
        spec["env"] = env
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir
