"""Lecture decks: each instructor notebook, executed, exported as an offline reveal.js deck.

``python -m autograder slides`` (``make slides``) runs every source notebook with a real
kernel, keeps the cells a lecturer shows, and writes ``slides/build/<id>.slides.html``
through nbconvert's reveal.js exporter. The notebooks' ``metadata.slideshow.slide_type``
decides the slides, so nothing is written twice: the deck is the lesson.

What a deck leaves out, whatever a cell's slide type says: exercise answers (nbgrader
``solution`` cells), test cells (``grade`` cells), and the live sliders of an
exploration (a deck has no kernel: the default figure drawn above them stays).

The decks work offline: reveal.js, MathJax, require.js and jQuery are the pinned npm packages of
``slides/package.json`` (installed into ``slides/node_modules`` by ``npm ci``), and the
deck points at them by relative paths, so the ``slides/`` folder can be copied to a
lecture-hall machine as it is.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import nbformat

from .course import Course, CourseError

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# The versions nbconvert's reveal template is written for: it calls require.js and jQuery,
# the UMD build of reveal.js with its notes plugin, and MathJax 2's ``MathJax.Hub`` API.
VENDOR_FILES = {
    "jquery": "jquery/dist/jquery.min.js",
    "reveal.js": "reveal.js/dist/reveal.js",
    "notes": "reveal.js/plugin/notes/notes.js",
    "mathjax": "mathjax/MathJax.js",
    "requirejs": "requirejs/require.js",
}


def slides_dir(course: Course) -> Path:
    return course.root.parent / "slides"


def vendor_dir(course: Course) -> Path:
    return slides_dir(course) / "node_modules"


def check_vendor(vendor: Path) -> None:
    """Raise a :class:`CourseError` that says how to install a missing asset."""
    missing = [name for name, rel in VENDOR_FILES.items() if not (vendor / rel).is_file()]
    if missing:
        raise CourseError(
            f"the decks' offline assets are missing from {vendor} ({', '.join(missing)}): "
            "run `make slides`, which installs them with `npm ci` in slides/")


def is_shown(cell: nbformat.NotebookNode) -> bool:
    """Whether a cell belongs on a slide: not skipped, not an answer, not a test."""
    grader = cell.metadata.get("nbgrader", {})
    if grader.get("solution") or grader.get("grade"):
        return False
    return cell.metadata.get("slideshow", {}).get("slide_type", "-") != "skip"


def without_widgets(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The cell without live-widget outputs (their text stand-in reads as noise on a slide)."""
    if cell.cell_type != "code":
        return cell
    cell = copy.deepcopy(cell)
    cell.outputs = [out for out in cell.outputs if WIDGET_VIEW not in out.get("data", {})]
    return cell


def deck_notebook(executed: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The executed notebook cut down to what the slides show."""
    deck = copy.deepcopy(executed)
    deck.cells = [without_widgets(cell) for cell in executed.cells if is_shown(cell)]
    deck.metadata.pop("widgets", None)
    return deck


def execute(path: Path, timeout: int) -> nbformat.NotebookNode:
    """Run the instructor notebook top to bottom (answers included) in its own folder."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # The widget state would make the exporter load a widget renderer from a CDN.
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def export(deck: nbformat.NotebookNode, out: Path, vendor: Path, templates: Path) -> Path:
    """Write ``deck`` as a reveal.js page at ``out`` that loads its assets from ``vendor``.

    ``templates`` holds ``course_reveal``, nbconvert's reveal template minus its CDN script.
    """
    from nbconvert.exporters import SlidesExporter
    from traitlets.config import Config

    prefix = Path(os.path.relpath(vendor, out.parent)).as_posix()
    config = Config()
    config.SlidesExporter.reveal_url_prefix = f"{prefix}/reveal.js"
    config.SlidesExporter.require_js_url = f"{prefix}/requirejs/require.js"
    config.SlidesExporter.jquery_url = f"{prefix}/jquery/dist/jquery.min.js"
    config.SlidesExporter.mathjax_url = (
        f"{prefix}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe")
    config.SlidesExporter.reveal_theme = "white"  # its fonts ship with reveal.js (no web fonts)
    config.SlidesExporter.reveal_scroll = True  # a tall figure scrolls instead of clipping
    config.SlidesExporter.exclude_input_prompt = True
    config.SlidesExporter.exclude_output_prompt = True
    exporter = SlidesExporter(config=config, template_name="course_reveal",
                              extra_template_basedirs=[str(templates)])
    body, _ = exporter.from_notebook_node(deck)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out


def build(course: Course, assignment: str | None = None, out_dir: Path | None = None,
          timeout: int = 300) -> list[Path]:
    """Build the deck of ``assignment`` (or of every assignment); return the pages written."""
    vendor = vendor_dir(course)
    check_vendor(vendor)
    out_dir = out_dir or slides_dir(course) / "build"
    templates = slides_dir(course) / "templates"
    written = []
    for name in course.check_assignment(assignment):
        executed = execute(course.source_dir / name / f"{name}.ipynb", timeout)
        deck = deck_notebook(executed)
        written.append(export(deck, out_dir / f"{name}.slides.html", vendor, templates))
    return written
