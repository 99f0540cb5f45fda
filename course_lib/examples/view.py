"""Show an example as "the slide says / we get / why", in a notebook or as text."""

from __future__ import annotations

import html
from dataclasses import dataclass

from course_lib.examples.entry import Example, format_value


@dataclass(frozen=True)
class ExampleView:
    """What a notebook displays for one example (``_repr_html_`` in Jupyter, else text)."""

    example: Example

    def rows(self) -> list[tuple[str, str]]:
        ex = self.example
        rows = [("the slide says", format_value(ex.slide_value))]
        if ex.verdict == "convention":
            for name, value in ex.compute().items():
                rows.append((f"with {name}", format_value(value)))
        else:
            rows.append(("we get", format_value(ex.compute())))
        if ex.as_slide_computed is not None:
            rows.append(("the slide's rule gives", format_value(ex.as_slide_computed())))
        rows.append(("verdict", ex.verdict))
        rows.append(("why", ex.explanation))
        return rows

    def __str__(self) -> str:
        ex = self.example
        head = f"{ex.title}  [{ex.id}; seed {ex.source}, '{ex.locator}']"
        width = max(len(k) for k, _ in self.rows())
        return head + "\n" + "\n".join(f"  {k:<{width}}  {v}" for k, v in self.rows())

    def _repr_html_(self) -> str:
        ex = self.example
        cells = "".join(
            f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
            f"<td style='text-align:left'>{html.escape(v)}</td></tr>"
            for k, v in self.rows()
        )
        return (
            f"<p><b>{html.escape(ex.title)}</b> <small>({html.escape(ex.id)}, seed "
            f"{html.escape(ex.source)}, “{html.escape(ex.locator)}”)</small></p>"
            f"<table>{cells}</table>"
        )
