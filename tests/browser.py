"""Support for the tests that drive a real browser: Debian's Chromium through Playwright.

Nothing here downloads a browser (``playwright install`` is never needed): the tests use the
Chromium of the system (Debian's ``chromium`` package, which ``.ci/run`` installs) through
``executable_path``, and block every request that does not go to the loopback server under
test, so they run offline. Where Playwright or Chromium is missing, :data:`CHROMIUM_MISSING`
says why and :data:`requires_chromium` skips the test with that reason.

- :func:`launch_chromium` starts headless Chromium with background networking off;
- :func:`offline_context` opens a browser context that only reaches the given origins;
- :func:`jupyter_lab` runs a throw-away JupyterLab server on a free loopback port;
- :func:`screenshot_dir` is where screenshots go (``$COURSE_SCREENSHOTS`` or a tmp dir).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Debian and most distributions call it `chromium`; Ubuntu's deb-era name and Google's
# build are accepted too. $COURSE_CHROMIUM names another binary explicitly.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")


def find_chromium() -> str | None:
    """Path of the system's Chromium, or None."""
    explicit = os.environ.get("COURSE_CHROMIUM")
    if explicit:
        return shutil.which(explicit)
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _missing_reason() -> str | None:
    try:
        playwright_found = importlib.util.find_spec("playwright") is not None
    except (ImportError, ValueError):
        playwright_found = False
    if not playwright_found:
        return ("Playwright for Python is not installed (pip install -e '.[test]'); "
                "the browser tests are skipped")
    if find_chromium() is None:
        looked = os.environ.get("COURSE_CHROMIUM") or ", ".join(CHROMIUM_NAMES)
        return (f"no system Chromium found (looked for {looked} on PATH; on Debian/Ubuntu: "
                "apt-get install chromium); the browser tests are skipped")
    return None


#: Why the browser tests cannot run here, or None when they can.
CHROMIUM_MISSING: str | None = _missing_reason()

#: Marker for a test that needs Playwright and Chromium.
requires_chromium = pytest.mark.skipif(CHROMIUM_MISSING is not None,
                                       reason=CHROMIUM_MISSING or "")

# Playwright already turns off most of Chromium's own traffic (sync, component updates,
# field trials); these make sure nothing leaves the machine and nothing needs a display.
CHROMIUM_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
    "--no-pings",
    "--no-first-run",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
    "--disable-gpu",
    "--hide-scrollbars",
    "--force-color-profile=srgb",  # the same pixels on every machine
)

VIEWPORT = {"width": 1280, "height": 800}


def launch_chromium(playwright, *, args: Iterable[str] = (), **options):
    """Headless system Chromium from a ``sync_playwright()`` object (``playwright.chromium``).

    ``--no-sandbox`` is added when running as root, where Chromium refuses its sandbox.
    Extra ``options`` go to ``BrowserType.launch``.
    """
    executable = find_chromium()
    if executable is None:
        raise RuntimeError(CHROMIUM_MISSING or "no Chromium found")
    all_args = list(CHROMIUM_ARGS) + list(args)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        all_args.append("--no-sandbox")
    options.setdefault("headless", True)
    return playwright.chromium.launch(executable_path=executable, args=all_args, **options)


@dataclass
class RequestGuard:
    """The requests an :func:`offline_context` refused (for the test to report or assert)."""

    allowed: tuple[str, ...]
    blocked: list[str] = field(default_factory=list)

    def allows(self, url: str) -> bool:
        return url.startswith(("data:", "blob:", "file:", "about:")) or url.startswith(
            self.allowed)

    def handle(self, route) -> None:
        url = route.request.url
        if self.allows(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")


@contextmanager
def offline_context(browser, allowed_origins: Iterable[str] = (), **options):
    """A browser context whose pages reach only ``allowed_origins`` (and data:/file: URLs).

    Yields ``(context, guard)``; ``guard.blocked`` lists the URLs that were refused.
    """
    options.setdefault("viewport", VIEWPORT)
    options.setdefault("device_scale_factor", 1)
    options.setdefault("service_workers", "block")
    context = browser.new_context(**options)
    guard = RequestGuard(tuple(o.rstrip("/") + "/" for o in allowed_origins))
    context.route("**/*", guard.handle)
    try:
        yield context, guard
    finally:
        context.close()


def screenshot_dir(tmp_path: Path) -> Path:
    """``$COURSE_SCREENSHOTS`` when set (``make screenshots``), else ``tmp_path``."""
    target = Path(os.environ.get("COURSE_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


# -- JupyterLab ----------------------------------------------------------------------------

# User settings of the throw-away JupyterLab: no news feed and no update check (they would
# ask the network, and their toast would cover the notebook), and every cell attached to the
# DOM, so that the test can read the prompts and outputs of cells outside the viewport.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none"},
}


@dataclass(frozen=True)
class LabServer:
    url: str  # base URL, ending in "/"
    token: str
    root: Path
    log: Path

    @property
    def origin(self) -> str:
        parts = urllib.parse.urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def notebook_url(self, name: str) -> str:
        return f"{self.url}lab/tree/{name}?token={self.token}&reset"

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def _server_info(runtime: Path, pid: int) -> dict | None:
    for info_file in runtime.glob(f"jpserver-{pid}.json"):
        try:
            return json.loads(info_file.read_text())
        except (OSError, ValueError):
            return None  # being written
    return None


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def jupyter_lab(root: Path, *, timeout: float = 120.0,
                settings: dict[str, dict] | None = None) -> Iterator[LabServer]:
    """Run ``jupyter lab`` on ``root`` for the duration of the ``with`` block.

    The server listens on a free port of 127.0.0.1 (port 0: the operating system picks it, so
    two runs never race for a port), needs a random token, and keeps its config, settings, workspaces,
    runtime files and kernels' IPython profile in a temporary folder, so neither the
    developer's own Jupyter setup nor a running JupyterLab affects the test. It is always
    stopped at the end (SIGTERM, then SIGKILL of its process group).
    """
    import secrets

    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="course-lab-") as tmp:
        home = Path(tmp)
        dirs = {name: home / name for name in ("config", "data", "settings", "workspaces",
                                               "runtime", "ipython")}
        for d in dirs.values():
            d.mkdir()
        for rel, values in {**LAB_SETTINGS, **(settings or {})}.items():
            path = dirs["settings"] / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": str(dirs["config"]),
            "JUPYTER_DATA_DIR": str(dirs["data"]),
            "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
            "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
            "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
            "IPYTHONDIR": str(dirs["ipython"]),
            "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("JUPYTER_TOKEN", None)
        env.pop("JUPYTER_PORT", None)
        cmd = [
            sys.executable, "-m", "jupyter", "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            # no request to the internet from the server either
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        log = home / "server.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            server = None
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    break
                info = _server_info(dirs["runtime"], proc.pid)
                if info and _answers(f"{info['url']}api/status?token={token}"):
                    server = LabServer(url=info["url"], token=token, root=root, log=log)
                    break
                time.sleep(0.25)
            if server is None:
                state = ("exited with code " + str(proc.returncode) if proc.poll() is not None
                         else f"did not answer within {timeout:.0f} s")
                raise RuntimeError(f"JupyterLab {state}; its log ends with:\n"
                                   + LabServer("", "", root, log).log_tail())
            yield server
        finally:
            _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # jupyter_server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    # anything left in the server's own process group (it was started in a new session)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(timeout=10)
