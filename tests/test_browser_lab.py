"""The course in a real browser: JupyterLab driven by Playwright in the system's Chromium.

What a student does, click by click, on lesson 01 (its notebook runs fastest, and its
degree explorer redraws in well under a second):

1. open the student notebook and run every cell. JupyterLab's *Run All Cells* stops at the
   first error, and the blank student notebook has one at every autograded test cell (the
   exercise stubs raise ``NotImplementedError``). JupyterLab has no "run all, ignoring
   errors" command (the ``raises-exception`` tag would mean editing the notebook), so the
   test does what a student does: after each stop it selects the next cell and chooses
   *Run ▸ Run Selected Cell and All Below*. In the saved notebook every code cell must have an
   execution count, and the cells with an error must be exactly the notebook's autograded
   test cells, each with ``NotImplementedError``: no demo, figure or widget cell may fail;
2. check that ``explore(l01.DEGREE_EXPLORER)`` shows its default figure and its controls,
   save a screenshot, move the degree slider with the keyboard and check that the figure is
   redrawn (its PNG changes);
3. press nbgrader's *Validate* button on that (blank) notebook and read the dialog: every
   autograded test is listed as failing with ``NotImplementedError`` and the written answer
   as missing; then, in a second test, press it on a copy whose answers are filled in from
   the instructor source (``autograder.validate.solution_notebook``): "Success!".

The tests skip (with the reason) where Playwright or Chromium is missing; ``.ci/run``
installs Debian's ``chromium``. Screenshots go to ``$COURSE_SCREENSHOTS`` when it is set
(``make screenshots``), else to pytest's ``tmp_path``.
"""

from __future__ import annotations

import json
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser import (
    jupyter_lab,
    launch_chromium,
    offline_context,
    requires_chromium,
    screenshot_dir,
)

pytestmark = requires_chromium

ROOT = Path(__file__).resolve().parent.parent
LESSON = "01_bias_variance"
NOTEBOOK = ROOT / "notebooks" / f"{LESSON}.ipynb"
SOURCE = ROOT / "autograder" / "source" / LESSON / f"{LESSON}.ipynb"
EXPLORE_CALL = "explore(l01.DEGREE_EXPLORER)"
SLIDER = "degree"  # the control the test moves: an integer slider

# Generous: CI machines are small and may be busy; a healthy run needs a fraction of this.
KERNEL_TIMEOUT_MS = 90_000
RUN_TIMEOUT_MS = 120_000
VALIDATE_TIMEOUT_MS = 180_000
STEP_TIMEOUT_MS = 60_000  # any other wait: a click, a redraw, a dialog


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _graded(path: Path, cell_type: str) -> list[int]:
    """Indices of the graded cells of a type: the autograded tests ("code") or the written
    answers graded by hand ("markdown"), i.e. the cells nbgrader marks ``grade: true``."""
    return [i for i, c in enumerate(_cells(path))
            if c["cell_type"] == cell_type and c["metadata"].get("nbgrader", {}).get("grade")]


def _source(cell: dict) -> str:
    return "".join(cell["source"]).strip()


# -- the server and the browser, shared by the tests of this module --------------------------

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a scratch root holding the notebooks a student would have."""
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    (root / "solved").mkdir()
    _write_solved_copy(root / "solved" / NOTEBOOK.name)
    with jupyter_lab(root) as server:
        yield server


def _write_solved_copy(target: Path) -> None:
    """The student notebook with the instructor's answers in its answer cells."""
    import nbformat

    from autograder.validate import solution_notebook

    source = nbformat.read(SOURCE, as_version=4)
    release = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.write(solution_notebook(source, release), target)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(lab, browser):
    with offline_context(browser, [lab.origin]) as (context, guard):
        context.set_default_timeout(STEP_TIMEOUT_MS)
        yield context.new_page()
        # the only server the pages may talk to is ours; JupyterLab asks for nothing else
        assert guard.blocked == [], f"requests outside the test server: {guard.blocked}"


# -- reading and driving the notebook ---------------------------------------------------------

NOTEBOOK_STATE_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel');
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  return {
    cells: cells.map(c => ({
      code: c.classList.contains('jp-CodeCell'),
      prompt: c.classList.contains('jp-CodeCell')
        ? c.querySelector('.jp-InputPrompt').textContent.trim() : '',
    })),
  };
}"""

# Done when the cell the run started from has its execution count, no cell is queued
# ("[*]") and the kernel is idle. Queued cells show "[*]" as soon as the run is requested,
# and a run stopped by an error resets the cells it skipped to "[ ]".
RUN_FINISHED_JS = """(start) => {
  const panel = document.querySelector('.jp-NotebookPanel');
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
  const prompt = c => c.querySelector('.jp-InputPrompt').textContent;
  const code = cells.filter(c => c.classList.contains('jp-CodeCell'));
  const status = panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status;
  return /\\[\\d+\\]/.test(prompt(cells[start]))
    && !code.some(c => prompt(c).includes('*'))
    && status === 'idle';
}"""


def open_notebook(page, lab, path: str) -> None:
    """Open ``path`` in JupyterLab and wait until its kernel is up and idle."""
    page.goto(lab.notebook_url(path))
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
    # The toolbar's indicator reads "idle" before a kernel exists; the status bar names the
    # kernel's real state ("Python 3 (ipykernel) | Idle").
    page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle$")).wait_for(
        timeout=KERNEL_TIMEOUT_MS)


def run_menu(page, item: str) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def wait_for_run(page, start: int) -> dict:
    page.wait_for_function(RUN_FINISHED_JS, arg=start, polling=200, timeout=RUN_TIMEOUT_MS)
    return page.evaluate(NOTEBOOK_STATE_JS)


def run_every_cell(page) -> int:
    """Run All, then *Run Selected Cell and All Below* from each cell a run skipped, as a
    student would; returns the number of runs it took.

    Which cell stopped a run is not read off the prompts: the kernel aborts only the requests
    already queued when a cell fails, so on a busy machine a run sometimes goes on past an
    error. The errors are read from the saved notebook instead (:func:`check_every_cell_runs`).
    """
    cells = page.evaluate(NOTEBOOK_STATE_JS)["cells"]
    first_code = next(i for i, c in enumerate(cells) if c["code"])
    run_menu(page, "Run All Cells")
    state = wait_for_run(page, first_code)
    for runs in range(1, len(cells) + 1):
        waiting = [i for i, c in enumerate(state["cells"]) if c["code"] and c["prompt"] == "[ ]:"]
        if not waiting:
            return runs
        cell = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(waiting[0])
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputPrompt").click()  # selects the cell (command mode)
        run_menu(page, "Run Selected Cell and All Below")
        state = wait_for_run(page, waiting[0])
    pytest.fail("the notebook kept stopping: more runs than cells")


def save_notebook(page) -> None:
    page.locator(".jp-NotebookPanel-toolbar [data-jp-item-name='save'] button").click()
    # the tab loses its "modified" mark once the server has written the file
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.jp-mod-dirty").wait_for(state="detached")


def figure_src(cell) -> str:
    return cell.locator(".jp-OutputArea-output img").first.get_attribute("src")


def collapse_left_sidebar(page) -> None:
    """Give the notebook the whole width (for the screenshot), as a student might."""
    current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if current.count():
        current.first.click()


# -- the tests ---------------------------------------------------------------------------------

@contextmanager
def diagnosed(page, lab, folder: Path, name: str):
    """On failure, keep a screenshot (in the test's tmp_path, never among the README's
    pictures) and add the server's last log lines to the error."""
    try:
        yield
    except BaseException as error:
        try:
            page.screenshot(path=str(folder / f"failure-{name}.png"))
            error.add_note(f"screenshot: {folder / f'failure-{name}.png'}")
        except Exception:  # the page may be gone; the original error is what matters
            pass
        error.add_note("JupyterLab's log ends with:\n" + lab.log_tail())
        raise


def _validate(page):
    """Press nbgrader's Validate button and return the results dialog's message element."""
    page.locator(".jp-NotebookPanel .jp-Toolbar-item", has_text="Validate").click()
    message = page.locator(".jp-Dialog #validation-message")
    message.wait_for(timeout=VALIDATE_TIMEOUT_MS)
    assert page.locator(".jp-Dialog-header").inner_text().strip() == "Validation Results"
    return message


def check_every_cell_runs(page, path: Path) -> None:
    """Run the notebook at ``path`` as a student would; only the autograded tests may fail."""
    runs = run_every_cell(page)
    save_notebook(page)
    cells = _cells(path)
    assert len(cells) == len(_cells(NOTEBOOK))
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    not_run = [i for i in code if not cells[i]["execution_count"]]
    assert not_run == [], f"code cells without an execution count after {runs} runs: {not_run}"
    # On a blank notebook each autograded test fails, because its exercise is a stub; no
    # other cell (demo, figure, widget) may fail.
    errors = {i: [o for o in cells[i]["outputs"] if o["output_type"] == "error"] for i in code}
    failed = [i for i in code if errors[i]]
    assert failed == _graded(NOTEBOOK, "code"), {i: errors[i][0]["evalue"] for i in failed}
    assert all(errors[i][0]["ename"] == "NotImplementedError" for i in failed)


def check_explorer(page, shots: Path) -> None:
    """The explorer shows its figure and controls; moving a slider redraws the figure."""
    from playwright.sync_api import expect

    from course_lib.explorations import l01_bias_variance as l01

    controls = l01.DEGREE_EXPLORER.controls
    control = next(c for c in controls if c.name == SLIDER)
    assert isinstance(control.default, int) and control.options is None and not control.log
    moved = min(control.default + int(control.step or 1), int(control.max))
    assert moved != control.default, "the slider starts at its maximum"

    cell = page.locator(".jp-NotebookPanel .jp-CodeCell", has_text=EXPLORE_CALL)
    assert cell.count() == 1
    figure = cell.locator(".jp-OutputArea-output img").first
    figure.wait_for()
    width = figure.evaluate("img => img.naturalWidth")
    assert width >= 400, f"the explorer's figure is {width} px wide"
    # one widget per control: a slider for a range, a dropdown for options
    sliders = cell.locator(".widget-slider")
    assert sliders.count() == sum(c.options is None for c in controls)
    assert cell.locator(".widget-dropdown").count() == sum(c.options is not None
                                                           for c in controls)
    slider = sliders.filter(has=page.locator(".widget-label", has_text=control.description))
    assert slider.count() == 1
    readout = slider.locator(".widget-readout")
    expect(readout).to_have_text(str(control.default), timeout=STEP_TIMEOUT_MS)

    collapse_left_sidebar(page)
    cell.evaluate("el => el.scrollIntoView({block: 'start'})")
    # the status bar's "Saving completed" of the save above fades after 2 s: not in the picture
    page.locator(".jp-StatusBar-TextItem", has_text="Saving completed").wait_for(
        state="detached")
    page.wait_for_timeout(300)  # let the scroll settle
    page.screenshot(path=str(shots / "lesson_widget.png"))

    # One step to the right with the keyboard (the sliders redraw on release, not while
    # dragging: continuous_update=False); the figure must be redrawn in place.
    before = figure_src(cell)
    handle = slider.locator(".noUi-handle")
    handle.focus()
    handle.press("ArrowRight")
    expect(readout).to_have_text(str(moved), timeout=STEP_TIMEOUT_MS)
    page.wait_for_function(
        """([el, old]) => { const img = el.querySelector('.jp-OutputArea-output img');
                            return img && img.src !== old && img.complete; }""",
        arg=[cell.element_handle(), before], polling=100, timeout=STEP_TIMEOUT_MS)
    assert figure_src(cell) != before
    assert cell.locator(".jp-OutputArea-output img").count() == 1


def check_validate_lists_failures(page, shots: Path) -> None:
    """nbgrader's Validate on the blank notebook lists what a student still has to do."""
    # nbgrader saves the notebook, runs it on the server and lists each failed cell as its
    # source and its error: on a blank notebook every autograded test (its exercise raises
    # NotImplementedError) and every written answer ("You did not provide a response."), in
    # notebook order.
    message = _validate(page)
    assert "validation-failed" in message.get_attribute("class")
    cells = _cells(NOTEBOOK)
    expected = sorted(
        [(i, "NotImplementedError") for i in _graded(NOTEBOOK, "code")]
        + [(i, "You did not provide a response.") for i in _graded(NOTEBOOK, "markdown")])
    assert message.get_by_text("The following cell failed:", exact=True).count() == len(expected)
    listed = message.locator(".jp-RenderedText pre").all_inner_texts()
    assert len(listed) == 2 * len(expected)
    for (i, reason), source, error in zip(expected, listed[0::2], listed[1::2], strict=True):
        assert source.strip() == _source(cells[i]), f"cell {i} is not the one listed"
        assert reason in error, (i, error[-300:])
    page.screenshot(path=str(shots / "validate_failed.png"))
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()  # "Ok"
    message.wait_for(state="detached")


def test_student_runs_the_lesson_moves_a_slider_and_validates(page, lab, tmp_path):
    shots = screenshot_dir(tmp_path)
    with diagnosed(page, lab, tmp_path, "lesson"):
        open_notebook(page, lab, NOTEBOOK.name)
        check_every_cell_runs(page, lab.root / NOTEBOOK.name)
        check_explorer(page, shots)
        check_validate_lists_failures(page, shots)


def test_validate_passes_a_solved_notebook(page, lab, tmp_path):
    shots = screenshot_dir(tmp_path)
    with diagnosed(page, lab, tmp_path, "solved"):
        open_notebook(page, lab, f"solved/{NOTEBOOK.name}")
        message = _validate(page)
        assert "validation-success" in message.get_attribute("class")
        assert message.inner_text().strip() == "Success! Your notebook passes all the tests."
        page.screenshot(path=str(shots / "validate_passed.png"))
