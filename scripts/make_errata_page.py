"""Write ERRATA.md from course_lib.examples (a test checks that the page is current)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_lib.examples import all_examples  # noqa: E402
from course_lib.examples.errata import render_errata_markdown  # noqa: E402

PAGE = ROOT / "ERRATA.md"

if __name__ == "__main__":
    PAGE.write_text(render_errata_markdown(all_examples()), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
