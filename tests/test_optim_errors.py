"""Wrong arguments raise a CourseLibError whose message says what is wrong."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import CourseLibError, optim


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: optim.SGD(lr=-0.1), r"lr must be >= 0, got -0.1"),
        (lambda: optim.SGD(lr=float("nan")), r"lr must be finite"),
        (lambda: optim.SGD(lr="0.1"), r"lr must be a real number"),
        (lambda: optim.SGD(lr=True), r"lr must be a real number"),
        (lambda: optim.Momentum(lr=0.1, beta=1.0), r"beta must lie in \[0, 1\), got 1.0"),
        (lambda: optim.Momentum(lr=0.1, beta=-0.1), r"beta must lie in \[0, 1\)"),
        (lambda: optim.Momentum(lr=0.1, form="nesterov"), r"form must be one of 'classic', 'ema', 'sum'"),
        (lambda: optim.Nesterov(lr=0.1, form="classic"), r"form must be one of 'lookahead', 'pytorch'"),
        (lambda: optim.Adam(lr=0.1, beta2=1.5), r"beta2 must lie in \[0, 1\)"),
        (lambda: optim.Adam(lr=0.1, eps=-1e-8), r"eps must be >= 0"),
        (lambda: optim.Adam(lr=0.1, bias_correction="yes"), r"bias_correction must be one of"),
        (lambda: optim.AdamW(lr=0.1, weight_decay=-1), r"weight_decay must be >= 0"),
        (lambda: optim.RMSProp(lr=0.1, rho=1.0), r"rho must lie in \[0, 1\)"),
        (lambda: optim.Adadelta(eps=0.0), r"eps must be > 0"),
        (lambda: optim.Newton(hessian=np.eye(2)), r"hessian must be a function"),
        (lambda: optim.RegularizedNewton(hessian=lambda p: np.eye(2), alpha=-1), r"alpha must be >= 0"),
        (lambda: optim.Clipped(optim.SGD(lr=0.1)), r"needs max_norm, clip_value or both"),
        (lambda: optim.Clipped(optim.SGD(lr=0.1), max_norm=0), r"max_norm must be > 0"),
    ],
)
def test_bad_hyperparameters(make, message):
    with pytest.raises(CourseLibError, match=message):
        make()


def test_errors_are_value_errors():
    assert issubclass(CourseLibError, ValueError)


def step(opt, params, grads):
    return opt.update(params, grads, opt.init(params))


def test_missing_and_extra_gradient_keys_are_named():
    opt = optim.SGD(lr=0.1)
    params = {"W": np.ones((2, 2)), "b": np.zeros(2)}
    with pytest.raises(CourseLibError, match=r"missing gradient for \['b'\]"):
        step(opt, params, {"W": np.ones((2, 2))})
    with pytest.raises(CourseLibError, match=r"gradient for unknown parameter\(s\) \['c'\]"):
        step(opt, params, {"W": np.ones((2, 2)), "b": np.zeros(2), "c": 1.0})


def test_shape_mismatch_is_named():
    with pytest.raises(CourseLibError, match=r"grads\['w'\] has shape \(3,\) but params\['w'\] has shape \(2,\)"):
        step(optim.Adam(lr=0.1), {"w": np.zeros(2)}, {"w": np.zeros(3)})


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_gradients_are_refused(bad):
    with pytest.raises(CourseLibError, match=r"grads\['w'\] contains NaN or inf at step 0.*smaller learning rate"):
        step(optim.Momentum(lr=0.1), {"w": np.zeros(3)}, {"w": np.array([1.0, bad, 0.0])})


def test_huge_but_finite_gradients_are_accepted():
    # their sum overflows, which must not be mistaken for a non-finite gradient
    params, _ = step(optim.SGD(lr=1e-300), {"w": np.zeros(2)}, {"w": np.array([1e308, 1e308])})
    assert np.isfinite(params["w"]).all()


def test_divergence_is_reported_with_its_step():
    # gd on x² with η = 1.1 oscillates and grows (seed 002); with η = 1e3 it overflows.
    def grad(p):
        with np.errstate(over="ignore"):
            return {"x": 2 * p["x"]}

    with pytest.raises(CourseLibError, match=r"NaN or inf at step \d+"):
        optim.run(optim.SGD(lr=1e3), grad, {"x": 10.0}, 200)


def test_params_must_be_a_dict_of_numbers():
    with pytest.raises(CourseLibError, match=r"params must be a dict"):
        optim.SGD(lr=0.1).init(np.zeros(3))
    with pytest.raises(CourseLibError, match=r"params is empty"):
        optim.SGD(lr=0.1).init({})
    with pytest.raises(CourseLibError, match=r"params\['w'\] is not numeric"):
        optim.SGD(lr=0.1).init({"w": "abc"})


def test_state_from_another_optimizer_is_refused():
    params = {"w": np.zeros(2)}
    with pytest.raises(CourseLibError, match=r"Adam.update needs the state made by its own init\(\), got MomentumState"):
        optim.Adam(lr=0.1).update(params, params, optim.Momentum(lr=0.1).init(params))


def test_a_schedule_that_goes_negative_is_reported_with_its_step():
    opt = optim.SGD(lr=lambda step: 0.1 - 0.05 * step)
    with pytest.raises(CourseLibError, match=r"schedule's value at step 3 must be >= 0"):
        optim.run(opt, lambda p: p, {"w": 1.0}, 5)


def test_run_arguments():
    with pytest.raises(CourseLibError, match=r"n_steps must be >= 0"):
        optim.run(optim.SGD(lr=0.1), lambda p: p, {"w": 1.0}, -1)
    with pytest.raises(CourseLibError, match=r"n_steps must be an integer"):
        optim.run(optim.SGD(lr=0.1), lambda p: p, {"w": 1.0}, 2.5)
    with pytest.raises(CourseLibError, match=r"grad_fn must be a function"):
        optim.run(optim.SGD(lr=0.1), None, {"w": 1.0}, 1)
    with pytest.raises(CourseLibError, match=r"opt must be a course_lib optimizer"):
        optim.run("adam", lambda p: p, {"w": 1.0}, 1)


def test_singular_hessian_suggests_regularized_newton():
    opt = optim.Newton(hessian=lambda p: np.zeros((2, 2)))
    with pytest.raises(CourseLibError, match=r"singular.*use RegularizedNewton with alpha > 0"):
        step(opt, {"x": np.ones(2)}, {"x": np.ones(2)})


def test_hessian_of_the_wrong_size_is_named():
    opt = optim.Newton(hessian=lambda p: np.eye(3))
    with pytest.raises(CourseLibError, match=r"must be a 2x2 matrix.*got shape \(3, 3\)"):
        step(opt, {"x": np.ones(2)}, {"x": np.ones(2)})
