"""Lesson 03's explorations and figures: they draw what they claim, from course_lib's numbers.

Expected values come from hand derivations written here, from independent numpy
computations (an explicit gradient-descent loop, numpy's lstsq), or from the course_lib
function the figure claims to plot.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_lib import CourseLibError, penalties
from course_lib.early_stopping import stopping_step
from course_lib.explorations import l03_early_stopping as l03
from course_lib.widgets import all_explorers


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _line(ax, label_start):
    hits = [ln for ln in ax.get_lines() if ln.get_label().startswith(label_start)]
    assert hits, f"no line labelled {label_start!r} in {[ln.get_label() for ln in ax.get_lines()]}"
    return hits[0]


# --- the running example ----------------------------------------------------------------


def test_linear_problem_is_seeded_read_only_and_shaped():
    p = l03.linear_problem(0)
    assert l03.linear_problem(0) is p  # cached
    train, val, test = p.split
    assert train.X.shape == (50, 40) and val.X.shape == (200, 40) and test.X.shape == (1000, 40)
    assert not train.X.flags.writeable and not p.w_true.flags.writeable
    fresh = l03.linear_problem(1)
    assert not np.array_equal(fresh.split.train.X, train.X)
    # y = X w_true + noise of std 0.6: the residual variance is near 0.36 on 1000 examples
    resid = test.y - test.X @ p.w_true
    assert abs(resid.var() - 0.36) < 0.05


def test_sgd_trainer_takes_the_minibatch_gradient_step_and_copies():
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    y = np.array([1.0, 4.0])
    w0 = np.array([0.5, 0.5])
    train = l03.sgd_trainer(np.random.default_rng(0), lr=0.1, batch_size=2)
    w1 = train(w0, (X, y), 1)
    # both examples: residuals (0.5 - 1, 1 - 4) = (-0.5, -3); gradient (2/2) Xᵀr = (-0.5, -6)
    np.testing.assert_allclose(w1, [0.5 + 0.05, 0.5 + 0.6])
    np.testing.assert_array_equal(w0, [0.5, 0.5])
    with pytest.raises(CourseLibError, match="batch_size=3 is larger"):
        l03.sgd_trainer(np.random.default_rng(0), batch_size=3)(w0, (X, y), 1)


def test_sgd_run_has_the_u_shaped_validation_curve_the_lesson_describes():
    run = l03.sgd_run()
    assert run.val_error.shape == run.train_error.shape == (1500,)
    k = int(np.argmin(run.val_error))
    assert 150 < k < 600  # "bottoms out after about 300 steps"
    assert run.val_error[-1] > run.val_error[k] + 0.15  # "then climbs"
    assert run.train_error[-1] < run.train_error[k]  # the training error keeps falling


def test_evaluations_are_every_nth_entry():
    np.testing.assert_array_equal(l03.evaluations(np.arange(1.0, 11.0), 3), [3.0, 6.0, 9.0])
    with pytest.raises(CourseLibError, match="eval_every"):
        l03.evaluations(np.ones(3), 0)


# --- explorer 1: patience --------------------------------------------------------------


@pytest.mark.parametrize("patience, eval_every, rule", [
    (5, 10, "no_improvement"), (1, 1, "no_improvement"), (30, 50, "no_improvement"),
    (3, 5, "consecutive_increases"),
])
def test_plot_patience_marks_where_course_lib_stops(patience, eval_every, rule):
    fig = l03.plot_patience(patience, eval_every, rule)
    ax = fig.axes[0]
    run = l03.sgd_run()
    best, stop = stopping_step(run.val_error[eval_every - 1::eval_every], eval_every=eval_every,
                               patience=patience, rule=rule)
    star = _line(ax, "restored: i*")
    assert star.get_xdata()[0] == best
    assert star.get_ydata()[0] == pytest.approx(run.val_error[best - 1])
    assert _line(ax, "stop: i").get_xdata()[0] == stop
    seen = _line(ax, "evaluations")
    assert seen.get_xdata()[-1] == stop  # the last evaluation made is at the stopping step
    np.testing.assert_array_equal(seen.get_xdata(), np.arange(eval_every, stop + 1, eval_every))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None


def test_plot_patience_shows_every_patience_from_stopping_step():
    ax = l03.plot_patience(5, 10).axes[0]
    run = l03.sgd_run()
    seen = run.val_error[9::10]
    points = [stopping_step(seen, eval_every=10, patience=p) for p in range(1, 31)]
    np.testing.assert_array_equal(_line(ax, "stops for p").get_xdata(),
                                  [s.stopped_at for s in points])
    restores = _line(ax, "restores for p")
    np.testing.assert_array_equal(restores.get_xdata(), [s.best_step for s in points])
    np.testing.assert_array_equal(restores.get_ydata(),
                                  [run.val_error[s.best_step - 1] for s in points])
    assert np.all(np.diff(restores.get_xdata()) >= 0)  # more patience never restores earlier


def test_plot_patience_rejects_bad_arguments():
    with pytest.raises(CourseLibError, match="patience"):
        l03.plot_patience(0)
    with pytest.raises(CourseLibError, match="rule"):
        l03.plot_patience(3, 10, "sometimes")


# --- explorer 2: shrinkage ------------------------------------------------------------


@pytest.mark.parametrize("tau, lr", [(50, 0.01), (1.0, 0.001), (1e4, 0.019), (300.4, 0.005)])
def test_plot_shrinkage_draws_both_factors(tau, lr):
    fig = l03.plot_shrinkage(tau, lr)
    ax = fig.axes[0]
    steps = round(tau)
    es = _line(ax, "early stopping")
    lam = es.get_xdata()
    assert lam.max() * lr < 2  # gradient descent converges over the plotted range
    np.testing.assert_allclose(es.get_ydata(), 1 - (1 - lr * lam) ** steps)
    alpha = 1 / (lr * steps)
    np.testing.assert_allclose(_line(ax, "L2: λᵢ/(λᵢ + α)").get_ydata(), lam / (lam + alpha))
    np.testing.assert_allclose(_line(ax, "L2 at the slide").get_ydata(),
                               lam / (lam + lr * steps))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None


def test_plot_shrinkage_marks_the_worked_example():
    fig = l03.plot_shrinkage(50, 0.01)
    points = _line(fig.axes[0], "worked example")
    np.testing.assert_allclose(points.get_xdata(), [0.1, 1.0, 10.0])
    # 1 − 0.999⁵⁰, 1 − 0.99⁵⁰, 1 − 0.9⁵⁰
    np.testing.assert_allclose(points.get_ydata(), [0.0487944, 0.3949939, 0.9948462], atol=1e-7)


# --- static figures and experiments ---------------------------------------------------


def test_gd_vs_l2_matches_an_explicit_gradient_descent_loop():
    r = l03.gd_vs_l2(n_taus=10)
    train, val = l03.linear_problem().split[:2]
    X, y = np.asarray(train.X), np.asarray(train.y)
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    done = 0
    for tau, err in zip(r.taus[:4], r.gd[:4], strict=True):
        for _ in range(int(tau) - done):  # ∇ (1/2N)||Xw − y||² = Xᵀ(Xw − y)/N
            w = w - r.lr * X.T @ (X @ w - y) / n
        done = int(tau)
        assert err == pytest.approx(np.mean((val.X @ w - val.y) ** 2), rel=1e-9)
    # ridge at α = 1/(ετ): (XᵀX/N + αI) w = Xᵀy/N, solved directly
    alpha = 1 / (r.lr * r.taus[3])
    w_r = np.linalg.solve(X.T @ X / n + alpha * np.eye(X.shape[1]), X.T @ y / n)
    assert r.ridge[3] == pytest.approx(np.mean((val.X @ w_r - val.y) ** 2), rel=1e-9)


def test_plot_early_stopping_vs_l2_draws_three_labelled_curves():
    ax = l03.plot_early_stopping_vs_l2().axes[0]
    assert len(ax.get_lines()) == 3 and ax.get_legend() is not None
    assert ax.get_xlabel() and ax.get_ylabel()


def test_plot_learning_curves_and_augmented_digits_draw():
    ax = l03.plot_learning_curves().axes[0]
    np.testing.assert_array_equal(_line(ax, "validation").get_ydata(), l03.sgd_run().val_error)
    fig = l03.plot_augmented_digits(n_images=3, n_copies=2)
    assert len(fig.axes) == 3 * 3
    assert all(len(a.get_images()) == 1 for a in fig.axes)


def test_noise_copies_approach_ridge_at_n_sigma_squared():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0]])
    y = np.array([1.0, 2.0, 2.5, 0.0])
    dist = l03.noise_copies_distance(X, y, 0.5, [1, 4000])
    assert dist[1] < 0.03 < dist[0]
    assert len(l03.plot_noise_injection().axes) == 2


def test_bootstrap_indices_are_uniform_with_replacement():
    a = l03.bootstrap_indices(np.random.default_rng(0), 1000, 20)
    assert a.shape == (20, 1000) and a.dtype.kind == "i" and a.min() >= 0 and a.max() < 1000
    np.testing.assert_array_equal(a, l03.bootstrap_indices(np.random.default_rng(0), 1000, 20))
    distinct = np.mean([np.unique(r).size for r in a]) / 1000
    assert distinct == pytest.approx(1 - (1 - 1 / 1000) ** 1000, rel=0.02)  # ≈ 1 − 1/e
    with pytest.raises(CourseLibError, match="n_models"):
        l03.bootstrap_indices(np.random.default_rng(0), 5, 0)


def test_bagged_predictions_average_the_models_by_hand():
    X = np.array([[0.0], [1.0], [2.0]])
    y = np.array([1.0, 2.0, 6.0])
    sets = [[0, 0, 1], [2, 2, 2], [1, 1, 2]]  # means 4/3, 6, 10/3: average 32/9
    got = l03.bagged_predictions(lambda X, y: y.mean(), lambda m, X: np.full(len(X), m),
                                 X, y, np.zeros((2, 1)), sets)
    np.testing.assert_allclose(got, [32 / 9, 32 / 9])
    with pytest.raises(CourseLibError, match="at least one"):
        l03.bagged_predictions(lambda X, y: 0, lambda m, X: X, X, y, X, [])


def test_nearest_neighbour_copies_the_closest_target():
    model = l03.nn_fit(np.array([[0.0], [1.0], [3.0]]), np.array([5.0, 6.0, 7.0]))
    np.testing.assert_array_equal(l03.nn_predict(model, np.array([[-1.0], [0.6], [2.1]])),
                                  [5.0, 6.0, 7.0])
    with pytest.raises(CourseLibError, match=r"shape \(n, 1\)"):
        l03.nn_fit(np.ones((3, 2)), np.ones(3))


def test_plot_bagging_draws_the_bagged_average():
    fig = l03.plot_bagging(n_models=8)
    ax = fig.axes[0]
    bagged = _line(ax, "bagged average")
    truth = _line(ax, "truth").get_ydata()
    single = _line(ax, "one model on all").get_ydata()
    # the claim of the figure: bagging 1-NN gets closer to the truth than one 1-NN
    assert np.mean((bagged.get_ydata() - truth) ** 2) < np.mean((single - truth) ** 2)
    assert fig.axes[1].get_xlabel() and fig.axes[1].get_ylabel()


def test_tied_least_squares_spans_separate_fits_to_sharing():
    rng = np.random.default_rng(0)
    XA, XB = rng.standard_normal((10, 3)), rng.standard_normal((8, 3))
    yA, yB = rng.standard_normal(10), rng.standard_normal(8)
    a, b = l03.tied_least_squares(XA, yA, XB, yB, 0.0)
    np.testing.assert_allclose(a, np.linalg.lstsq(XA, yA, rcond=None)[0])
    np.testing.assert_allclose(b, np.linalg.lstsq(XB, yB, rcond=None)[0])
    beta = 0.7
    a, b = l03.tied_least_squares(XA, yA, XB, yB, beta)
    # gradient of the tied objective is zero: 2X_Aᵀ(X_A a − y_A) + 2β(a − b) = 0, and for b
    np.testing.assert_allclose(XA.T @ (XA @ a - yA) + beta * (a - b), 0, atol=1e-10)
    np.testing.assert_allclose(XB.T @ (XB @ b - yB) - beta * (a - b), 0, atol=1e-10)
    a, b = l03.tied_least_squares(XA, yA, XB, yB, 1e9)
    shared = np.linalg.lstsq(np.vstack([XA, XB]), np.concatenate([yA, yB]), rcond=None)[0]
    np.testing.assert_allclose(a, shared, atol=1e-6)
    np.testing.assert_allclose(b, shared, atol=1e-6)
    with pytest.raises(CourseLibError, match="same number of columns"):
        l03.tied_least_squares(XA, yA, np.ones((8, 2)), yB, 1.0)
    assert len(l03.plot_tying().axes) == 2


def test_meta_algorithms_report_course_lib_runs():
    r = l03.compare_meta_algorithms(0)
    assert r.retrain_steps == r.best_step > 0  # Algorithm 7.2 repeats i* updates
    assert all(np.isfinite([r.alg71, r.alg72, r.alg73, r.no_stopping]))
    assert max(r.alg71, r.alg72) < r.no_stopping  # stopping beats 5000 unstopped steps


def test_augmentation_experiment_reports_three_accuracies():
    acc = l03.augmentation_experiment(n_train=60)
    assert len(acc) == 3 and all(0.0 <= a <= 1.0 for a in acc.values())


def test_both_explorers_are_registered_for_the_lesson():
    explorers = all_explorers()
    for name in ("l03.patience", "l03.shrinkage"):
        assert explorers[name].lesson == "03_early_stopping_and_ensembles"
    assert penalties.early_stopping_equivalent_alpha(0.01, 50) == 2.0  # the default's α
