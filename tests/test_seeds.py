"""Every seed the docstrings cite exists, and every citation names a known seed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course_lib.seeds import SEEDS, seed_path

ROOT = Path(__file__).resolve().parents[1]


def test_seed_files_exist_where_the_course_expects_them():
    if not seed_path("000").parent.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    for number in SEEDS:
        path = seed_path(number)
        assert path.is_file(), f"missing {path}"
        assert path.name.startswith(number)


def test_docstrings_cite_only_known_seeds():
    cited = set()
    for path in (ROOT / "course_lib").rglob("*.py"):
        cited |= set(re.findall(r"\bseeds? (\d{3})", path.read_text()))
    assert cited, "no seed citations found"
    assert cited <= SEEDS.keys(), f"unknown seeds cited: {sorted(cited - SEEDS.keys())}"
