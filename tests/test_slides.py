"""The lecture decks: what a deck keeps, and a built deck rendering offline in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.course import Course, CourseError
from autograder.slides import WIDGET_VIEW, build, check_vendor, deck_notebook, vendor_dir
from tests.browser import launch_chromium, offline_context, requires_chromium, screenshot_dir

COURSE = Course.load()
VENDOR = vendor_dir(COURSE)
LESSON = "01_bias_variance"  # the quickest lesson to execute
needs_assets = pytest.mark.skipif(
    not (VENDOR / "reveal.js" / "dist" / "reveal.js").is_file(),
    reason=f"the decks' offline assets are not installed in {VENDOR} (run `make slide-assets`)")


def _cell(cell, slide_type=None, **grader):
    if slide_type:
        cell.metadata["slideshow"] = {"slide_type": slide_type}
    if grader:
        cell.metadata["nbgrader"] = {"grade_id": "x", "schema_version": 3, **grader}
    return cell


def test_a_deck_keeps_teaching_and_drops_answers_tests_skips_and_sliders():
    figure = new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<F>"})
    sliders = new_output("display_data", data={WIDGET_VIEW: {"model_id": "m"},
                                               "text/plain": "VBox(...)"})
    nb = new_notebook(cells=[
        _cell(new_markdown_cell("# Title"), "slide"),
        _cell(new_code_cell("explore(x)", outputs=[figure, sliders]), "-"),
        _cell(new_code_cell("def f(): return 1  # answer"), "-", solution=True, grade=False),
        _cell(new_code_cell("assert f() == 1"), "-", solution=False, grade=True, points=1),
        _cell(new_code_cell("import numpy"), "skip"),
        _cell(new_markdown_cell("no slide type at all")),
    ])
    nb.metadata["widgets"] = {"state": {}}
    deck = deck_notebook(nb)
    assert [c.source for c in deck.cells] == ["# Title", "explore(x)", "no slide type at all"]
    assert [list(o.data) for o in deck.cells[1].outputs] == [["image/png", "text/plain"]]
    assert "widgets" not in deck.metadata
    assert len(nb.cells[1].outputs) == 2, "the executed notebook itself is left alone"


def test_missing_assets_are_reported_with_the_command_that_installs_them(tmp_path):
    with pytest.raises(CourseError, match=r"make slides.*npm ci"):
        check_vendor(tmp_path)


@pytest.fixture(scope="module")
def deck(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("decks")
    (path,) = build(COURSE, LESSON, out)
    return path


def _source_cells() -> list:
    return nbformat.read(COURSE.source_dir / LESSON / f"{LESSON}.ipynb", as_version=4).cells


@needs_assets
def test_a_built_deck_leaks_no_solution_and_loads_nothing_from_the_network(deck):
    html = deck.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "NotImplementedError"):
        assert marker not in html, f"the deck shows {marker!r}"
    solutions = [c.source for c in _source_cells()
                 if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
    body = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", solutions[0], re.S).group(1)
    first_line = next(line.strip() for line in body.splitlines() if len(line.strip()) > 12)
    assert first_line not in html, "an exercise's solution code reached the deck"
    assets = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
    remote = [a for a in assets if re.match(r"(https?:)?//", a)]
    assert not remote, f"the deck loads {remote} from the network"
    assert any("node_modules/reveal.js/dist/reveal.js" in a for a in re.findall(
        r'"([^"]*reveal\.js)"', html))


@needs_assets
@requires_chromium
def test_a_built_deck_renders_its_slides_and_math_offline(deck, tmp_path):
    from playwright.sync_api import sync_playwright

    shown = [c for c in _source_cells()
             if c.metadata.get("slideshow", {}).get("slide_type") == "slide"
             and not c.metadata.get("nbgrader", {}).get("solution")
             and not c.metadata.get("nbgrader", {}).get("grade")]
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            with offline_context(browser) as (context, guard):
                page = context.new_page()
                page.goto(deck.as_uri())
                page.wait_for_selector(".reveal.ready", timeout=30_000)
                n_slides = page.evaluate("document.querySelectorAll('.slides > section').length")
                assert n_slides == len(shown)
                page.wait_for_function(
                    "window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0 && "
                    "document.querySelectorAll('.MathJax_CHTML').length > 0", timeout=30_000)
                assert page.evaluate("document.querySelectorAll('.MathJax_Error').length") == 0
                page.keyboard.press("ArrowRight")
                page.wait_for_function("location.hash === '#/1'", timeout=10_000)
                page.wait_for_timeout(500)  # reveal's slide transition
                assert page.locator("section.present .MathJax_CHTML").count() > 0 or \
                    page.locator("section.present img").count() > 0
                page.screenshot(path=str(screenshot_dir(tmp_path) / "slide_deck.png"))
                assert guard.blocked == [], f"the deck tried to reach {guard.blocked}"
        finally:
            browser.close()
