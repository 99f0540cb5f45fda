"""The README's Python examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_readme_has_examples():
    assert python_blocks(), "README.md has no ```python example"


def test_readme_examples_run():
    for block in python_blocks():
        namespace: dict = {}
        exec(compile(block, str(README), "exec"), namespace)
        # the momentum example: 21 iterates of E(w1, w2), heading for its minimum (3, 4)
        if "traj" in namespace:
            xs = namespace["traj"].stack("x")
            assert xs.shape == (21, 2)
            assert abs(xs[-1] - [3.0, 4.0]).max() < abs(xs[0] - [3.0, 4.0]).max()
