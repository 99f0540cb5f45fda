"""The exporter of nbgrader's feedback pages, with its compiled templates shared.

nbgrader's GenerateFeedback makes a new HTMLExporter for every notebook, and each compiles
the Jinja templates of the feedback page again (a quarter of a second, a good part of the
cost of grading a small notebook). `FeedbackExporter` is HTMLExporter with a bytecode cache
held in memory for the whole process: the grader compiles the templates once before it
forks its workers (`warm_up`), and every worker starts with them compiled. Jinja checks
each cached template against the checksum of its source, so a changed template is simply
compiled again. Selected in nbgrader_config.py with `GenerateFeedback.exporter_class`.
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter


class _MemoryBytecodeCache(BytecodeCache):
    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


BYTECODE_CACHE = _MemoryBytecodeCache()


class FeedbackExporter(HTMLExporter):
    """HTMLExporter whose Jinja environment uses the process-wide bytecode cache."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = BYTECODE_CACHE
        return environment


def warm_up(config) -> None:
    """Compile the feedback templates, as GenerateFeedback configures them, into the cache."""
    import nbformat.v4
    from nbgrader.converters import GenerateFeedback

    converter = GenerateFeedback(config=config)
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# *warm* `up`"),
        nbformat.v4.new_code_cell("x = 1  # warm up", outputs=[nbformat.v4.new_output(
            "error", ename="E", evalue="", traceback=["\x1b[31mE\x1b[0m"])])])
    resources = {"nbgrader": {"notebook": "warm-up", "score": 0, "max_score": 0,
                              "late_penalty": 0}}
    try:
        exporter.from_notebook_node(nb, resources=resources)
    except Exception:  # only a warm-up: grading does not depend on it
        pass
