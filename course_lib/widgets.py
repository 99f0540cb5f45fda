"""Widget explorations: a pure plotting function, its sliders, and one registry.

Each notebook's exploration is an :class:`Explorer`: a pure function ``plot(**values) ->
matplotlib Figure`` built on course_lib, and the :class:`Control` of each argument. A
notebook cell calls :func:`explore`, which first draws the figure for the default values
as an ordinary output (so a notebook run headless, a slide deck or an HTML export shows
it) and then displays the sliders; moving one redraws that same output in place.

An explorer may also give an ``update(fig, **values)`` function that changes the artists
of a figure made by ``plot`` (line data, titles, limits) instead of building a new figure.
Building axes costs more than drawing them (about 70 ms against 30 ms for two line plots
on this course's 2-core machine), so ``update`` is how a widget stays under 100 ms. It
must leave the figure looking as ``plot(**values)`` would: ``tests/test_widgets.py``
renders both and compares the pixels.

Explorers live in :mod:`course_lib.explorations` (one module per lesson) and are
registered in one table (:func:`register`, :func:`all_explorers`) so that tests draw each
one over its range and ``make bench`` times every widget's update.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from course_lib._validation import CourseLibError


@dataclass(frozen=True)
class Control:
    """A slider (``options`` None) or a dropdown / toggle (``options`` given)."""

    name: str
    default: Any
    min: float | None = None
    max: float | None = None
    step: float | None = None
    options: tuple | None = None
    description: str = ""
    log: bool = False  # a log-scale slider (min and max are exponents of 10)

    def values(self, n: int) -> list:
        """``n`` values spread over the control's range (for benchmarks)."""
        if self.options is not None:
            return [self.options[i % len(self.options)] for i in range(n)]
        lo, hi = float(self.min), float(self.max)
        vals = [lo + (hi - lo) * i / max(n - 1, 1) for i in range(n)]
        if self.log:
            return [10.0**v for v in vals]
        if isinstance(self.default, int) and not isinstance(self.default, bool):
            return [round(v) for v in vals]
        return vals

    def widget(self):
        import ipywidgets as w

        label = self.description or self.name
        if self.options is not None:
            return w.Dropdown(options=list(self.options), value=self.default, description=label)
        if self.log:
            return w.FloatLogSlider(value=self.default, base=10, min=self.min, max=self.max,
                                    step=self.step or 0.1, description=label,
                                    continuous_update=False)
        if isinstance(self.default, int) and not isinstance(self.default, bool):
            return w.IntSlider(value=self.default, min=int(self.min), max=int(self.max),
                               step=int(self.step or 1), description=label,
                               continuous_update=False)
        return w.FloatSlider(value=self.default, min=self.min, max=self.max,
                             step=self.step or (self.max - self.min) / 100, description=label,
                             continuous_update=False)


@dataclass(frozen=True)
class Explorer:
    """A registered exploration: ``plot(**{c.name: value for c in controls}) -> Figure``.

    ``update(fig, **values)``, when given, redraws a figure made by ``plot`` in place.
    """

    name: str
    lesson: str
    plot: Callable[..., Any]
    controls: tuple[Control, ...]
    source: str = ""
    update: Callable[..., None] | None = None

    def defaults(self) -> dict[str, Any]:
        return {c.name: c.default for c in self.controls}

    def redraw(self, fig: Any, **values: Any) -> Any:
        """The figure for ``values``: ``fig`` updated in place, or a new figure from ``plot``.

        A new figure (an explorer without ``update``) is the caller's to close once shown.
        """
        if self.update is None:
            return self.plot(**values)
        self.update(fig, **values)
        return fig


def artists_by_gid(where: Any) -> dict[str, Any]:
    """The artists of a Figure (its texts and every axes) or of one Axes that carry a gid.

    ``plot`` tags what an ``update`` will change (``set_gid``); ``update`` finds it here.
    """
    if isinstance(getattr(where, "axes", None), list):  # a Figure (an Axes' .axes is itself)
        children = [*where.texts, *(a for ax in where.axes for a in ax.get_children())]
    else:
        children = where.get_children()
    found: dict[str, Any] = {}
    for artist in children:
        if artist.get_gid() is not None:
            found.setdefault(artist.get_gid(), artist)  # the first, if a gid repeats
    return found


def artist_with_gid(fig: Any, gid: str) -> Any:
    """The artist of ``fig`` tagged ``gid``; a clear error if ``fig`` was not made for it."""
    found = artists_by_gid(fig).get(gid)
    if found is None:
        raise CourseLibError(f"this figure has no artist {gid!r}: was it made by this module?")
    return found


def relabel_artist(ax: Any, artist: Any, label: str) -> None:
    """Give ``artist`` a new label, in ``ax``'s legend too (its entry is found by label)."""
    old = artist.get_label()
    if old == label:
        return
    artist.set_label(label)
    for text in ax.get_legend().get_texts():
        if text.get_text() == old:
            text.set_text(label)
            return


_REGISTRY: dict[str, Explorer] = {}


def register(explorer: Explorer) -> Explorer:
    if explorer.name in _REGISTRY and _REGISTRY[explorer.name] is not explorer:
        raise CourseLibError(f"an explorer named {explorer.name!r} is already registered")
    _REGISTRY[explorer.name] = explorer
    return explorer


def all_explorers() -> dict[str, Explorer]:
    """Every registered explorer (importing each module of :mod:`course_lib.explorations`)."""
    import pkgutil

    import course_lib.explorations as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    return dict(sorted(_REGISTRY.items()))


def explore(explorer: Explorer, **overrides: Any):
    """Draw the default figure, then return the sliders that redraw it in place."""
    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import DisplayHandle

    values = {**explorer.defaults(), **overrides}
    fig = explorer.plot(**values)
    # A display id lets the callback replace this very output: the default figure is a
    # plain output (seen headless and in slides), and live it updates in place.
    handle = DisplayHandle()
    handle.display(fig)
    plt.close(fig)
    sliders = {c.name: c.widget() for c in explorer.controls}
    for name, value in overrides.items():
        sliders[name].value = value

    def redraw(_change=None) -> None:
        new = explorer.redraw(fig, **{k: s.value for k, s in sliders.items()})
        handle.update(new)
        if new is not fig:
            plt.close(new)

    for slider in sliders.values():
        slider.observe(redraw, names="value")
    return w.VBox(list(sliders.values()))
