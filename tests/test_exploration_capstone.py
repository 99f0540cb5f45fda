"""Lesson 11's runs, reference answers, figures and explorer do what they claim.

Expected values come from hand derivations written out here, from scikit-learn (the
metrics, the digits data) or from course_lib.training.train (the training loop the
capstone's recorder must reproduce).
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import CourseLibError, mlp, optim, training
from course_lib.explorations import l11_capstone as l11
from course_lib.feedback import Mistake
from course_lib.widgets import all_explorers


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _by_gid(fig, gid):
    found = [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found[0]


def _algorithm_7_1(curve, patience):
    """Goodfellow's Algorithm 7.1 with n = 1, written out: (i*, i)."""
    v, j, i, i_star = math.inf, 0, 0, 0
    while j < patience and i < len(curve):
        i += 1
        if curve[i - 1] < v:
            v, j, i_star = curve[i - 1], 0, i
        else:
            j += 1
    return i_star, i


# --- the data ---------------------------------------------------------------------------


def test_the_split_uses_every_digit_once_and_keeps_a_prefix_of_the_pool():
    from sklearn.datasets import load_digits

    y_all = load_digits().target
    pool = l11.digits_split(899)
    assert (pool.train.n_samples, pool.val.n_samples, pool.test.n_samples) == (899, 449, 449)
    counts = sum(np.bincount(part.y, minlength=10) for part in pool)
    np.testing.assert_array_equal(counts, np.bincount(y_all))  # 1797 images, each once
    small = l11.digits_split()
    assert small.train.n_samples == l11.N_TRAIN == 200
    np.testing.assert_array_equal(small.train.X, pool.train.X[:200])
    np.testing.assert_array_equal(small.val.y, pool.val.y)
    assert small.train.X.min() >= 0.0 and small.train.X.max() <= 1.0  # pixels / 16
    assert not small.train.X.flags.writeable
    with pytest.raises(CourseLibError, match="n_train must be at most 899"):
        l11.digits_split(900)


# --- the runs ----------------------------------------------------------------------------


@pytest.mark.parametrize("p_drop, batchnorm", [(0.2, False), (0.0, True)])
def test_recorded_curves_are_those_of_training_train(p_drop, batchnorm):
    split = l11.digits_split(64)
    config = mlp.MLPConfig(l11.SIZES, p_drop=p_drop, batchnorm=batchnorm)
    opt = optim.Adam(lr=0.01)
    curves = l11.train_curves(config, opt, split, epochs=6, batch_size=16, seed=3)
    result = training.train(config, mlp.init_params(config, np.random.default_rng(3)),
                            split.train, split.val, opt, epochs=6, batch_size=16,
                            rng=np.random.default_rng(1003))
    np.testing.assert_allclose(curves.val_loss, result.history.val_loss, rtol=1e-12)
    np.testing.assert_allclose(curves.val_acc, result.history.val_metric, rtol=1e-12)
    assert curves.best_epoch == result.best_epoch
    for name in result.params:
        np.testing.assert_allclose(curves.best_params[name], result.params[name], rtol=1e-12)


def test_the_curves_are_eval_mode_data_losses_of_the_kept_parameters():
    c = l11.grid_run("Adam", p_drop=0.2)
    config = mlp.MLPConfig(l11.SIZES, p_drop=0.2)
    split = l11.digits_split()
    i = c.best_epoch - 1
    for part, loss, acc in ((split.val, c.val_loss, c.val_acc), (split.test, c.test_loss,
                                                                  c.test_acc)):
        ev = mlp.evaluate(c.best_params, part.X, part.y, config, c.best_running)
        assert ev.loss == pytest.approx(loss[i], rel=1e-12)
        assert ev.metric == pytest.approx(acc[i], rel=1e-12)
    assert c.best_epoch == int(np.argmin(c.val_loss)) + 1
    assert c.epochs.tolist() == list(range(1, l11.EPOCHS + 1))
    with pytest.raises(ValueError):
        c.val_loss[0] = 0.0  # cached runs are read-only


def test_adamw_without_decay_is_adam_and_l2_shrinks_less_with_decoupled_decay():
    adam, adamw = l11.grid_run("Adam"), l11.grid_run("AdamW")
    np.testing.assert_allclose(adamw.val_loss, adam.val_loss, rtol=1e-12)
    # The same λ = 0.1: inside Adam's normalisation it cripples the fit (training accuracy
    # far below 100 %), as a decoupled decay of ηλ = 0.1 % per step it barely matters.
    assert l11.grid_run("Adam", penalty=0.1).train_acc[-1] < 0.95
    assert l11.grid_run("AdamW", penalty=0.1).train_acc[-1] > 0.99


# --- the reference answers ---------------------------------------------------------------


def test_accuracy_and_confusion_by_hand():
    logits = np.array([[2.0, 1.0, 0.0], [0.0, 3.0, 1.0], [1.0, 0.0, 4.0], [5.0, 0.0, 0.0]])
    labels = np.array([0, 2, 2, 1])  # predictions 0, 1, 2, 0: two right
    assert l11.accuracy_from_logits(logits, labels) == 0.5
    assert l11.accuracy_from_logits(logits, np.eye(3)[labels]) == 0.5
    C = l11.confusion_from_logits(logits, labels, 3)
    np.testing.assert_array_equal(C, [[1, 0, 0], [1, 0, 0], [0, 1, 1]])
    assert C.dtype == np.int64


def test_accuracy_and_confusion_match_scikit_learn():
    from sklearn.metrics import accuracy_score, confusion_matrix

    rng = np.random.default_rng(5)
    logits = rng.normal(size=(60, 6))
    labels = rng.integers(0, 5, size=60)  # class 5 never occurs
    pred = logits.argmax(axis=1)
    assert l11.accuracy_from_logits(logits, labels) == pytest.approx(accuracy_score(labels, pred))
    C = l11.confusion_from_logits(logits, labels, 6)
    np.testing.assert_array_equal(C, confusion_matrix(labels, pred, labels=range(6)))
    assert C[5].sum() == 0
    assert np.trace(C) / 60 == pytest.approx(l11.accuracy_from_logits(logits, labels))
    with pytest.raises(CourseLibError, match="shape"):
        l11.accuracy_from_logits(logits[:, 0], labels)
    with pytest.raises(CourseLibError, match="labels must be 60"):
        l11.accuracy_from_logits(logits, labels[:10])


def test_report_at_best_epoch_by_hand():
    history = {"epochs": [2, 4, 6, 8, 10], "val_loss": [0.9, 0.5, 0.4, 0.4, 0.6],
               "test_acc": [0.7, 0.8, 0.85, 0.9, 0.95], "train_loss": [1, 0.5, 0.2, 0.1, 0.0]}
    # the lowest validation loss 0.4 first occurs at the 3rd evaluation, epoch 6
    assert l11.report_at_best_epoch(history) == {"best_epoch": 6, "val_loss": 0.4,
                                                 "test_acc": 0.85}
    with pytest.raises(CourseLibError, match="missing"):
        l11.report_at_best_epoch({"epochs": [1], "val_loss": [1.0]})


def test_build_setup_follows_the_plan():
    config, opt = l11.build_setup("adamw", 0.01, 0.1, 0.8, True)
    assert config == mlp.MLPConfig(l11.SIZES, l2=0.0, p_drop=1.0 - 0.8, batchnorm=True)
    assert opt == optim.AdamW(lr=0.01, weight_decay=0.1)
    config, opt = l11.build_setup("adam", 0.01, 0.1, 1.0, False)
    assert config.l2 == 0.1 and config.p_drop == 0.0
    assert opt == optim.Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8)
    assert l11.build_setup("momentum", 0.03, 0.0, 1.0, False)[1] == optim.Momentum(
        lr=0.03, beta=0.9, form="sum")
    assert l11.build_setup("sgd", 0.3, 0.001, 0.5, False)[1] == optim.SGD(lr=0.3)
    with pytest.raises(CourseLibError, match="optimizer must be one of"):
        l11.build_setup("rmsprop", 0.01, 0.0, 1.0, False)
    with pytest.raises(CourseLibError, match="keep_prob must lie in"):
        l11.build_setup("sgd", 0.01, 0.0, 0.0, False)


def test_check_setup_names_the_mistake_or_the_fields():
    expected = l11.build_setup("adamw", 0.01, 0.1, 0.8, False)
    coupled = (mlp.MLPConfig(l11.SIZES, l2=0.1, p_drop=0.2), optim.Adam(lr=0.01))
    l11.check_setup((mlp.MLPConfig(l11.SIZES, p_drop=0.2), optim.AdamW(lr=0.01,
                                                                      weight_decay=0.1)),
                    expected, what="x")  # 0.2 and 1 - 0.8 agree within rounding
    with pytest.raises(AssertionError, match="L2 in the loss"):
        l11.check_setup(coupled, expected, what="the setup",
                        mistakes=[Mistake("that is Adam with L2 in the loss", coupled)])
    with pytest.raises(AssertionError, match=r"config.l2 is 0.1, expected 0.0; the optimizer "
                                             r"is optim.Adam, expected optim.AdamW"):
        l11.check_setup(coupled, expected, what="the setup")
    with pytest.raises(AssertionError, match="return the pair"):
        l11.check_setup(None, expected, what="the setup")


def test_select_by_validation_by_hand():
    table = [{"name": "a", "train_acc": 1.0, "val_acc": 0.90, "test_acc": 0.95},
             {"name": "b", "train_acc": 0.9, "val_acc": 0.92, "test_acc": 0.88},
             {"name": "c", "train_acc": 0.8, "val_acc": 0.92, "test_acc": 0.91}]
    assert l11.select_by_validation(table) == ("b", 0.88)  # ties: the first
    with pytest.raises(CourseLibError, match="non-empty list"):
        l11.select_by_validation([])


def test_check_selection_names_the_mistake():
    l11.check_selection(("b", 0.88 + 1e-15), ("b", 0.88), what="x")
    with pytest.raises(AssertionError, match="chose on the test set"):
        l11.check_selection(("a", 0.95), ("b", 0.88), what="the choice",
                            mistakes=[Mistake("you chose on the test set", ("a", 0.95))])
    with pytest.raises(AssertionError, match=r"you returned \('c', 0.91\)"):
        l11.check_selection(["c", 0.91], ("b", 0.88), what="the choice")
    with pytest.raises(AssertionError, match="return the pair"):
        l11.check_selection("b", ("b", 0.88), what="the choice")


def test_markdown_table_formats_each_column():
    rows = [{"name": "a", "acc": 0.915, "loss": 0.27612}]
    text = l11.markdown_table(rows, [("run", "name", "{}"), ("acc.", "acc", "{:.1%}"),
                                     ("loss", "loss", "{:.3f}")]).data
    assert text.splitlines() == ["| run | acc. | loss |", "|---|---|---|", "| a | 91.5% | 0.276 |"]


def test_standard_error_by_hand():
    assert l11.accuracy_standard_error(0.9, 100) == pytest.approx(0.03)  # √(0.09/100)
    assert l11.accuracy_standard_error(1.0, 449) == 0.0


# --- figures and the explorer --------------------------------------------------------------


def test_one_explorer_is_registered_for_the_lesson():
    names = {n for n, ex in all_explorers().items() if ex.lesson == "11_capstone"}
    assert names == {"l11_capstone.learning_curves"}


def test_explorer_draws_both_ends_of_every_control():
    ex = l11.LEARNING_CURVES
    for control in ex.controls:
        for value in control.values(2):
            fig = ex.plot(**{**ex.defaults(), control.name: value})
            assert all(ax.get_xlabel() and ax.get_ylabel() for ax in fig.axes)
            plt.close(fig)


@pytest.mark.parametrize("optimizer, batchnorm, patience", [("SGD", False, 2),
                                                            ("Adam", True, 10)])
def test_explorer_marks_where_algorithm_7_1_stops(optimizer, batchnorm, patience):
    curves = l11.grid_run(optimizer, batchnorm=batchnorm)
    best, stop = _algorithm_7_1(curves.val_loss, patience)
    assert stop < l11.EPOCHS  # these two settings do stop early
    fig = l11.plot_learning_curves(optimizer, 0.0, 0.0, batchnorm, patience)
    assert _by_gid(fig, "loss-stop").get_xdata()[0] == stop
    star = _by_gid(fig, "loss-best")
    assert star.get_xdata()[0] == best
    assert star.get_ydata()[0] == curves.val_loss[best - 1]
    solid, faded = _by_gid(fig, "acc-val"), _by_gid(fig, "acc-val-after")
    assert solid.get_xdata()[-1] == stop and faded.get_xdata()[0] == stop
    np.testing.assert_array_equal(solid.get_ydata(), curves.val_acc[:stop])
    title = next(t for t in fig.texts if t.get_gid() == "title").get_text()
    assert f"stops after epoch {stop}, keeps epoch {best}" in title


def test_explorer_refuses_values_off_the_grid():
    with pytest.raises(CourseLibError, match="penalty must be one of"):
        l11.plot_learning_curves(penalty=0.05)
    with pytest.raises(CourseLibError, match="optimizer must be one of"):
        l11.plot_learning_curves(optimizer="RMSProp")


def test_static_figures_draw_what_they_say():
    runs = {"SGD": l11.grid_run("SGD"), "Adam": l11.grid_run("Adam")}
    fig = l11.plot_comparison(runs, title="t")
    ax_loss, ax_acc = fig.axes
    assert len(ax_acc.get_legend().get_texts()) == 2
    np.testing.assert_array_equal(ax_loss.lines[1].get_ydata(), runs["SGD"].val_loss)
    np.testing.assert_array_equal(ax_acc.lines[0].get_ydata(), runs["SGD"].train_acc)
    np.testing.assert_array_equal(ax_acc.lines[1].get_ydata(), runs["SGD"].val_acc)
    fig = l11.plot_training_loss({"p": runs})
    np.testing.assert_array_equal(fig.axes[0].lines[1].get_ydata(), runs["Adam"].train_loss)
    C = np.array([[3, 1], [0, 2]])
    fig = l11.plot_confusion(C)
    assert [t.get_text() for t in fig.axes[0].texts] == ["3", "1", "2"]
    split = l11.digits_split()
    wrong = (split.test.y + 1) % 10
    wrong[:5] = split.test.y[:5]
    fig = l11.plot_misclassified(split.test.X, split.test.y, wrong, n=4)
    assert fig.axes[0].get_title() == f"{split.test.y[5]} → {wrong[5]}"
    fig = l11.plot_digit_samples(1)
    assert len(fig.axes) == 10
    fig = l11.plot_data_size((60, 100))
    assert fig.axes[0].get_xlabel()
