"""What can be checked of the Binder setup without Docker: the files, the links, the names.

Binder (repo2docker) installs ``environment.yml`` (whose pip section installs the course
package) and then runs ``postBuild``. Here: both files parse, the pip section is something
pip accepts, ``postBuild`` names extensions that nbgrader really has, and every Binder
link of the README opens a notebook that exists, one per lesson.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
BINDER_LINK = re.compile(r"https://mybinder\.org/v2/gh/[^\s)\"']+")


def repository_slug() -> str:
    url = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    match = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+)", url)
    assert match, f"[project.urls] Repository should be a GitHub URL, got {url!r}"
    return match.group(1)


def binder_links() -> list[str]:
    return BINDER_LINK.findall(README)


def lessons() -> list[str]:
    return sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


def test_environment_yml_parses_and_pip_accepts_its_pip_section(tmp_path):
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_lines = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    # conda writes these lines to a requirements file and runs pip in this folder
    requirements = ROOT / f".binder-probe-{tmp_path.name}.txt"
    requirements.write_text("\n".join(pip_lines) + "\n")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps", "--no-index",
             "--no-build-isolation", "-r", requirements.name],
            cwd=ROOT, capture_output=True, text=True)
    finally:
        requirements.unlink()
    assert done.returncode == 0, f"pip rejects environment.yml's pip section:\n{done.stderr}"
    assert "regopt-course" in done.stdout


def test_post_build_is_valid_bash():
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111, "postBuild must be executable for repo2docker"
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    done = subprocess.run(["bash", "-n", str(post_build)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _post_build_names(kind: str) -> list[str]:
    """The extension names a ``for extension in ...`` loop of postBuild feeds to ``kind``."""
    text = (ROOT / "postBuild").read_text()
    loops = re.findall(r"for extension in ([^;]+); do\n\s+jupyter (labextension|server "
                       r"extension) disable[^\n]*\"([^\"]+)\$\{extension\}\"", text)
    return [prefix + name for names, k, prefix in loops if k == kind for name in names.split()]


def test_post_build_hides_real_instructor_extensions_and_keeps_validate():
    import nbgrader
    import nbgrader.server_extensions as server_extensions

    lab = _post_build_names("labextension")
    server = _post_build_names("server extension")
    assert lab and server, "postBuild should disable nbgrader's instructor extensions"
    bundle = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@jupyter" / "nbgrader"
    if not bundle.is_dir():
        pytest.skip(f"nbgrader's lab extension is not installed under {sys.prefix}")
    plugin_ids = set()
    for script in (bundle / "static").glob("*.js"):
        plugin_ids |= set(re.findall(r'"(@jupyter/nbgrader:[a-z-]+)"', script.read_text()))
    assert set(lab) <= plugin_ids, f"no such nbgrader lab plugin: {set(lab) - plugin_ids}"
    modules = {f"nbgrader.server_extensions.{p.name}"
               for p in Path(server_extensions.__file__).parent.iterdir() if p.is_dir()
               and not p.name.startswith("__")}
    assert set(server) <= modules, f"no such nbgrader {nbgrader.__version__} server " \
                                   f"extension: {set(server) - modules}"
    assert "@jupyter/nbgrader:validate-assignment" not in lab, "students need Validate"
    assert "nbgrader.server_extensions.validate_assignment" not in server


def test_the_readme_has_a_binder_badge_and_a_link_per_lesson():
    slug = repository_slug()
    links = binder_links()
    assert re.search(r"\[!\[Binder\]\(https://mybinder\.org/badge_logo\.svg\)\]\("
                     rf"https://mybinder\.org/v2/gh/{re.escape(slug)}/main[^)]*\)", README), \
        "the README should open with a Binder badge for the whole course"
    opened = {}
    for link in links:
        url = urlparse(link)
        assert url.path.startswith(f"/v2/gh/{slug}/main"), f"{link} is not this repository"
        target = parse_qs(url.query).get("urlpath", ["lab"])[0]
        if target.startswith("lab/tree/"):
            path = target.removeprefix("lab/tree/")
            assert (ROOT / path).exists(), f"{link} opens {path}, which does not exist"
            if path.endswith(".ipynb"):
                opened[Path(path).stem] = link
    missing = sorted(set(lessons()) - set(opened))
    assert not missing, f"no Binder link opens these lessons: {missing}"


def test_the_readme_tells_students_to_download_before_the_session_ends():
    students = README.split("## For students", 1)[1].split("\n## ", 1)[0]
    assert re.search(r"[Dd]ownload", students) and "Binder" in students
    assert re.search(r"[Ss]ubmit", students)
