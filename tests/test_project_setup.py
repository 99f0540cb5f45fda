"""The project's own plumbing: dependency lists in sync, idempotent setup, benchmarks run."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI's
CONDA_NAMES = {"torch": "pytorch"}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def conda_requirements() -> tuple[dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    specs, pip_section = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section = dep["pip"]
            continue
        req = Requirement(dep)
        specs[req.name] = str(req.specifier)
    return specs, pip_section


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = pyproject()["project"]
    expected = {
        CONDA_NAMES.get(r.name, r.name): str(r.specifier)
        for r in map(Requirement, project["dependencies"])
    }
    conda, pip_section = conda_requirements()
    python_spec = conda.pop("python")
    conda.pop("pip")
    missing = {k: v for k, v in expected.items() if k not in conda}
    extra = sorted(conda.keys() - expected.keys())
    assert not missing, f"environment.yml lacks {missing} (from pyproject.toml)"
    assert not extra, f"environment.yml has {extra}, which pyproject.toml does not list"
    differ = {k: (expected[k], conda[k]) for k in expected if expected[k] != conda[k]}
    assert not differ, f"version constraints differ (pyproject, environment.yml): {differ}"
    assert python_spec == project["requires-python"]
    # conda provides the dependencies; pip installs only the course package itself (pip
    # rejects options such as --no-deps in a requirements file, which is what conda writes;
    # tests/test_delivery.py runs pip on this section)
    assert pip_section == ["-e ."]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_setup_is_idempotent_once_installed():
    """`make test` must not reinstall anything when pyproject.toml has not changed."""
    stamp = ROOT / ".venv" / ".stamps" / "test"
    if not stamp.exists():
        pytest.skip("the suite is not running from `make test`'s virtual environment")
    if stamp.stat().st_mtime < (ROOT / "pyproject.toml").stat().st_mtime:
        pytest.skip("pyproject.toml changed since the last `make test`, which will reinstall")
    # -q: exit 0 if the target is up to date, 1 if make would rebuild it
    done = subprocess.run(["make", "-q", str(stamp.relative_to(ROOT))], cwd=ROOT)
    assert done.returncode == 0, "make would reinstall the test environment although nothing changed"
    # and a newer pyproject.toml is noticed (checked by make's dry run, which runs nothing)
    dry = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", str(stamp.relative_to(ROOT))],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    assert "pip install" in dry.stdout


def test_benchmark_runs_and_prints_a_table():
    from tests.benchmarks import bench_optim

    out = bench_optim.main(["--size", "4096", "--rounds", "1", "--calls", "1", "--settle", "0"])
    rows = out.splitlines()
    assert rows[1].split()[:3] == ["optimizer", "step", "course_lib"]
    assert [r.split()[0] for r in rows[2:5]] == ["Adam", "RMSProp", "Momentum"]


def test_record_script_refuses_another_torch_version(monkeypatch):
    torch = pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import record_torch_fixtures
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    monkeypatch.setattr(torch, "__version__", "9.9.9")
    with pytest.raises(SystemExit, match=r"record with torch 2\.13\.0"):
        record_torch_fixtures.main()


def test_notebook_benchmark_runs_on_the_widgets():
    from tests.benchmarks import bench_notebooks

    out = bench_notebooks.main(["--skip-notebooks", "--changes", "2"])
    assert out.splitlines()[0].split()[:2] == ["widget", "(plot"]
