"""Every registered exploration draws its default figure and redraws over its range."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
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
