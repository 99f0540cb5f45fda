"""nbgrader's Execute step, run in a sandbox and hardened against hostile notebooks.

`SandboxedExecute` replaces nbgrader's `Execute` in `Autograde.autograde_preprocessors`
(see nbgrader_config.py); nbgrader's own configuration of `Execute` (timeout,
interrupt_on_timeout, ...) applies to it unchanged, because it is a subclass. It adds:

- the kernel runs inside bubblewrap (autograder.sandbox), in a working directory that
  holds only the assignment's supporting files: never the notebook being graded, which
  carries the hidden tests;
- a kernel that dies (``os._exit``, a segfault) or stops answering even to an interrupt no
  longer aborts the whole notebook, which in nbgrader would leave no grade at all: the
  cell gets an error output, later cells are marked as not run, and the grades of the
  cells that did run are kept (test cells that did not run score 0);
- output is capped per cell while it arrives (`max_output_bytes`), so megabytes of prints
  cannot exhaust the grader's memory; nbgrader's LimitOutput then trims lines as usual.

What happened (timeouts, a dead kernel, memory errors, dropped output) is appended to
`EVENTS`, which the grader reads after each submission to write its status.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer, List, Unicode

from . import sandbox

KERNEL_NAME = "autograder-sandbox"
# Filled during grading, one dict per event: kind, cell (grade id or "cell N"), detail.
EVENTS: list[dict[str, str]] = []


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"{ename}: {evalue}"])


def cell_name(cell: NotebookNode, index: int) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return str(grade_id) if grade_id else f"cell {index + 1}"


class SandboxedExecute(Execute):
    """nbgrader's Execute with a sandboxed kernel; see the module docstring."""

    sandbox = Unicode(
        "auto",
        help="'bwrap': run kernels in bubblewrap (fail if it cannot); 'none': no sandbox, "
             "only rlimits; 'auto': bubblewrap where it works, else none.",
    ).tag(config=True)
    memory_limit_mb = Integer(2048, help="address-space limit of the kernel (0: none)").tag(
        config=True)
    cpu_time_limit = Integer(0, help="CPU seconds of the kernel before it is killed (0: none)").tag(
        config=True)
    file_size_limit_mb = Integer(64, help="largest file the kernel may write").tag(config=True)
    tmpfs_mb = Integer(256, help="size of the sandbox's /tmp and working directory").tag(
        config=True)
    max_output_bytes = Integer(
        200_000, help="output kept per cell while it arrives; the rest is dropped").tag(
        config=True)
    packages = List(
        Unicode(), ["course_lib"],
        help="project packages the student code may import (shown read-only)").tag(config=True)

    def sandbox_mode(self) -> tuple[str, str | None]:
        """('bwrap' or 'none', why it is unsandboxed or None)."""
        if self.sandbox == "none":
            return "none", "sandbox disabled by configuration"
        problem = sandbox.bwrap_problem()
        if problem is None:
            return "bwrap", None
        if self.sandbox == "bwrap":
            raise RuntimeError(f"the sandbox is required but {problem}")
        return "none", problem

    # -- kernel set-up -------------------------------------------------------------------

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None):
        resources = resources or {}
        self._notebook_dir = Path(resources.get("metadata", {}).get("path") or ".").resolve()
        assignment = resources.get("nbgrader", {}).get("assignment") or "work"
        self._assignment = "".join(ch if ch.isalnum() or ch in "._-" else "_"
                                   for ch in assignment)
        self._dead: str | None = None
        self._out_bytes: dict[int, int] = {}
        self._dropped: dict[int, int] = {}
        self._tmp = Path(tempfile.mkdtemp(prefix="ag-"))
        try:
            self._plan_kernel()
            return super().preprocess(nb, resources, km)
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def _plan_kernel(self) -> None:
        runtime = self._tmp / "run"
        runtime.mkdir()
        supporting = tuple(
            str(p) for p in sorted(self._notebook_dir.iterdir())
            if p.is_file() and p.suffix != ".ipynb"
        ) if self._notebook_dir.is_dir() else ()
        limits = sandbox.Limits(memory_mb=self.memory_limit_mb, cpu_seconds=self.cpu_time_limit,
                                file_size_mb=self.file_size_limit_mb, tmpfs_mb=self.tmpfs_mb)
        mode, _ = self.sandbox_mode()
        if mode == "bwrap":
            plan = sandbox.SandboxPlan(
                workdir=f"/home/student/{self._assignment}", runtime_dir=str(runtime),
                supporting_files=supporting, packages=sandbox.package_dirs(self.packages),
                limits=limits)
            argv, env = sandbox.bwrap_command(plan), None
            self._kernel_cwd = str(runtime)
        else:
            # without a sandbox the kernel still gets a working directory of its own, so
            # the notebook under grading (with its hidden tests) is not beside it
            scratch = self._tmp / "work"
            scratch.mkdir()
            for f in supporting:
                shutil.copy(f, scratch)
            plan = sandbox.SandboxPlan(workdir=str(scratch), runtime_dir=str(runtime),
                                       limits=limits)
            argv = sandbox.unsandboxed_command(plan)
            env = {k: v for k, v in sandbox.kernel_env(plan, str(scratch)).items()
                   if k not in ("PATH", "HOME", "TMPDIR")}
            self._kernel_cwd = str(scratch)
        self._kernel_log = Path(sandbox.kernel_log(plan))
        self._kernels_dir = self._tmp / "kernels"
        sandbox.write_kernel_spec(self._kernels_dir, KERNEL_NAME, argv, env)
        self._connection_file = str(runtime / "kernel.json")

    def create_kernel_manager(self):
        self.kernel_name = KERNEL_NAME
        self.km = AsyncKernelManager(
            kernel_name=KERNEL_NAME,
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(self._kernels_dir)]),
            # Unix sockets: the kernel has no network namespace in common with us
            transport="ipc",
            connection_file=self._connection_file,
            config=self.config,
        )
        return self.km

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        kwargs["cwd"] = self._kernel_cwd
        await super().async_start_new_kernel(**kwargs)

    # -- failures of one cell do not end the notebook -------------------------------------

    def _event(self, kind: str, cell: str, detail: str = "") -> None:
        EVENTS.append({"kind": kind, "cell": cell, "detail": detail})

    def _kernel_death_detail(self) -> str:
        try:
            text = self._kernel_log.read_text(errors="replace")
        except OSError:
            return ""
        for needle in ("Segmentation fault", "Fatal Python error", "Aborted", "Bus error"):
            if needle in text:
                line = next(ln for ln in text.splitlines() if needle in ln)
                return line.strip()[:120]
        return ""

    def preprocess_cell(self, cell, resources, index):
        name = cell_name(cell, index)
        self._current_cell = name
        if self._dead is not None:
            if cell.cell_type == "code" and cell.source.strip():
                cell.outputs = [_error_output("NotRun", f"not run: {self._dead}")]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            detail = self._kernel_death_detail()
            self._dead = f"the kernel died in {name}"
            self._event("kernel_died", name, detail)
            cell.outputs = [*cell.get("outputs", []), _error_output(
                "KernelDied", "the kernel died while running this cell"
                + (f" ({detail})" if detail else "")
                + "; later cells were not run")]
        except CellTimeoutError:
            # the interrupt did not stop the cell: the kernel no longer answers
            self._dead = f"the kernel stopped responding in {name}"
            self._event("unresponsive", name)
            cell.outputs = [*cell.get("outputs", []), _error_output(
                "KernelUnresponsive",
                f"this cell did not stop within {self.timeout} s even when interrupted; "
                "later cells were not run")]
            self._stop_kernel()
        else:
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("ename") == "MemoryError":
                    self._event("memory", name, f"limit {self.memory_limit_mb} MB")
                    break
        if self._dropped.get(index):
            self._event("output_dropped", name, str(self._dropped[index]))
            cell.outputs.append(NotebookNode(
                output_type="stream", name="stdout",
                text=f"\n[autograder: {self._dropped[index]} more characters of output "
                     "were dropped]\n"))
        return cell, resources

    def _stop_kernel(self) -> None:
        # kill the kernel process (bubblewrap takes the sandbox down with it); nbclient's
        # clean-up then finds it dead and only releases its resources
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            try:
                process.kill()
            except OSError:  # already gone
                pass

    async def _async_handle_timeout(self, timeout: int, cell: NotebookNode | None = None):
        self._event("timeout", getattr(self, "_current_cell", "?"), f"{timeout} s")
        return await super()._async_handle_timeout(timeout, cell)

    # -- bounded output --------------------------------------------------------------------

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if msg.get("msg_type") == "stream":
            size = len(content.get("text", ""))
        else:
            size = sum(len(str(v)) for v in content.get("data", {}).values())
        used = self._out_bytes.get(cell_index, 0)
        room = self.max_output_bytes - used
        if size > room:
            if msg.get("msg_type") == "stream" and room > 0:
                msg = {**msg, "content": {**content, "text": content["text"][:room]}}
                self._dropped[cell_index] = self._dropped.get(cell_index, 0) + size - room
                size = room
            else:
                self._dropped[cell_index] = self._dropped.get(cell_index, 0) + size
                return None
        self._out_bytes[cell_index] = used + size
        return super().output(outs, msg, display_id, cell_index)
