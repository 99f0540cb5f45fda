"""Every registered exploration draws its default figure and redraws over its range."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib.widgets import Control, Explorer, all_explorers, explore, register

EXPLORERS = all_explorers()


def test_control_values_span_the_range():
    assert Control("degree", 3, 1, 9).values(5) == [1, 3, 5, 7, 9]
    assert Control("lam", 1.0, -2, 2, log=True).values(3) == [0.01, 1.0, 100.0]
    assert Control("kind", "a", options=("a", "b")).values(3) == ["a", "b", "a"]


def test_explore_draws_the_default_then_redraws_in_place():
    calls = []

    def plot(k):
        calls.append(k)
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, k])
        return fig

    ex = register(Explorer("test.line", "01_bias_variance", plot, (Control("k", 2, 0, 5),)))
    box = explore(ex)
    assert calls == [2]
    box.children[0].value = 4  # moving the slider redraws
    assert calls == [2, 4]


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_each_explorer_plots_its_default_and_extremes(name):
    ex = EXPLORERS[name]
    for values in (ex.defaults(), *({c.name: c.values(2)[i] for c in ex.controls} for i in (0, 1))):
        fig = ex.plot(**values)
        assert fig.axes, f"{name} drew an empty figure for {values}"
        plt.close(fig)


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba(), dtype=np.int16)


def test_redraw_updates_in_place_when_the_explorer_can():
    def plot(k):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, k])
        return fig

    def update(fig, k):
        fig.axes[0].lines[0].set_ydata([0, k])

    ex = Explorer("test.inplace", "01_bias_variance", plot, (Control("k", 2, 0, 5),),
                  update=update)
    fig = ex.plot(k=2)
    assert ex.redraw(fig, k=4) is fig
    assert list(fig.axes[0].lines[0].get_ydata()) == [0, 4]
    plain = Explorer("test.plain", "01_bias_variance", plot, (Control("k", 2, 0, 5),))
    assert plain.redraw(fig, k=4) is not fig
    plt.close("all")


def test_an_in_place_update_that_forgets_an_artist_is_caught():
    """The pixel comparison below can fail: a stale line differs from a fresh plot."""
    def plot(k):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, k])
        ax.set_ylim(0, 5)
        return fig

    stale = plot(2)
    fresh = plot(4)
    assert np.abs(_pixels(stale) - _pixels(fresh)).mean() > 0.01
    plt.close("all")


IN_PLACE = sorted(name for name, ex in EXPLORERS.items() if ex.update is not None)


@pytest.mark.parametrize("name", IN_PLACE)
def test_each_in_place_update_looks_like_a_fresh_plot(name):
    """update(fig, **values) on the default figure draws what plot(**values) draws."""
    ex = EXPLORERS[name]
    for i in (0, 1):
        values = {c.name: c.values(2)[i] for c in ex.controls}
        fig = ex.plot(**ex.defaults())
        ex.update(fig, **values)
        fresh = ex.plot(**values)
        diff = np.abs(_pixels(fig) - _pixels(fresh))
        # Anti-aliasing of text re-laid out in place may move a few edge pixels.
        assert (diff > 32).mean() < 1e-3, f"{name}: update differs from plot for {values}"
        plt.close(fig)
        plt.close(fresh)


def test_explore_updates_the_shown_figure_when_the_explorer_can():
    made, updated = [], []

    def plot(k):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, k])
        made.append(fig)
        return fig

    def update(fig, k):
        updated.append((fig, k))
        fig.axes[0].lines[0].set_ydata([0, k])

    ex = register(Explorer("test.explore_inplace", "01_bias_variance", plot,
                           (Control("k", 2, 0, 5),), update=update))
    box = explore(ex)
    box.children[0].value = 3
    box.children[0].value = 5
    assert len(made) == 1, "a slider change must not build a new figure"
    assert updated == [(made[0], 3), (made[0], 5)]
    plt.close("all")


def _walk(explorer) -> list[dict]:
    """Value sets visiting each control's low, middle and high value in turn."""
    values, walk = explorer.defaults(), []
    for control in explorer.controls:
        for value in control.values(3):
            values = {**values, control.name: value}
            walk.append(values)
    return walk


@pytest.mark.parametrize("name", IN_PLACE)
def test_updates_in_a_row_draw_what_a_fresh_plot_draws(name):
    # the test above compares one update from the defaults with a fresh plot; here many
    # updates in a row must leave nothing behind (no stale artist, legend entry or data
    # limit from an earlier value)
    explorer = EXPLORERS[name]
    fig = explorer.plot(**explorer.defaults())
    walk = _walk(explorer)
    for values in walk:
        explorer.update(fig, **values)
    fresh = explorer.plot(**walk[-1])
    assert [len(ax.get_children()) for ax in fig.axes] == [
        len(ax.get_children()) for ax in fresh.axes]
    for ax, ax_fresh in zip(fig.axes, fresh.axes, strict=True):
        assert ax.get_xlim() == pytest.approx(ax_fresh.get_xlim(), rel=1e-12)
        assert ax.get_ylim() == pytest.approx(ax_fresh.get_ylim(), rel=1e-12)
    diff = np.abs(_pixels(fig) - _pixels(fresh))
    assert (diff > 32).mean() < 1e-3
    plt.close(fig)
    plt.close(fresh)


def test_update_helpers_find_tagged_artists_and_relabel_legend_entries():
    from course_lib import CourseLibError
    from course_lib.widgets import artist_with_gid, artists_by_gid, relabel_artist

    fig, (left, right) = plt.subplots(1, 2)
    (a,) = left.plot([0, 1], [0, 1], gid="a", label="old")
    (b,) = right.plot([0, 1], [1, 0], gid="b")
    note = fig.text(0.5, 0.5, "status", gid="note")
    left.legend()
    assert artists_by_gid(left) == {"a": a}
    assert artists_by_gid(fig) == {"note": note, "a": a, "b": b}
    assert artist_with_gid(fig, "b") is b
    with pytest.raises(CourseLibError, match="no artist 'c'"):
        artist_with_gid(fig, "c")
    relabel_artist(left, a, "new")
    assert a.get_label() == "new"
    assert [t.get_text() for t in left.get_legend().get_texts()] == ["new"]
    plt.close(fig)
