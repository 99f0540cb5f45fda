"""The notebooks' checks name the mistake, stay silent on stderr, and pass right answers."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import feedback
from course_lib.examples import get


def message(answer, expected, **kwargs):
    with pytest.raises(AssertionError) as info:
        feedback.check(answer, expected, what="the gradient", **kwargs)
    return str(info.value)


def test_right_answers_pass():
    feedback.check(np.array([1.0, 2.0]), [1.0, 2.0 + 1e-12], what="x")
    feedback.check({"w": np.ones(2), "b": 0.5}, {"w": [1.0, 1.0], "b": 0.5}, what="grads")


@pytest.mark.parametrize(
    "answer, expected, needle",
    [
        (None, [1.0], "returned None"),
        ("abc", [1.0], "expected a number or an array"),
        (np.zeros((2, 3)), np.zeros((3, 2)) + 1, "has shape (2, 3), expected (3, 2)"),
        (np.arange(6.0).reshape(2, 3).T, np.arange(6.0).reshape(2, 3), "transpose"),
        ([np.nan, 1.0], [1.0, 1.0], "NaN or inf"),
        ([-1.0, 2.0], [1.0, -2.0], "sign is flipped"),
        ([2.0, 4.0, 0.0], [1.0, 2.0, 0.0], "every entry is 2 times"),
        ([1.0, 2.5], [1.0, 2.0], "at index (1,): got 2.5, expected 2"),
    ],
)
def test_generic_diagnoses(answer, expected, needle):
    assert needle in message(answer, expected)


def test_known_mistakes_are_named_first():
    w = np.array([3.0, -4.0])
    expected = 0.1 * w
    with_bias = np.array([0.3, -0.4]) + 1
    text = message(with_bias, expected, mistakes=[
        feedback.Mistake("you penalized the bias as well", with_bias)])
    assert text == "the gradient is not right: you penalized the bias as well."


def test_dict_answers_name_the_wrong_key():
    text = message({"w": np.ones(2), "b": 1.0}, {"w": np.ones(2), "b": 2.0})
    assert "['b']" in text and "'w'" not in text
    assert "keys are wrong: missing ['b']" in message({"w": 1.0}, {"w": 1.0, "b": 2.0})


def test_the_slides_wrong_number_gets_the_slides_explanation():
    ex = get("002-gd-step-w2")  # the slide truncates 2.0583 to 2.05
    assert ex.verdict == "erratum"
    with pytest.raises(AssertionError, match="that is the slide's number") as info:
        feedback.check_example(2.05, "002-gd-step-w2", what="w2 after one step")
    assert ex.explanation in str(info.value)
    feedback.check_example(ex.compute(), "002-gd-step-w2", what="w2 after one step")


def test_mutating_an_input_is_reported():
    def bad(x):
        x[0] = 0.0
        return x.sum()

    with pytest.raises(AssertionError, match="modified its input argument 1 in place"):
        feedback.call_without_mutation(bad, np.array([1.0, 2.0]))
    assert feedback.call_without_mutation(lambda x: x.sum(), np.array([1.0, 2.0])) == 3.0


def test_checks_write_nothing_to_stderr(capfd):
    with np.errstate(all="ignore"):
        nan_answer = np.array([1.0, 0.0]) / np.array([0.0, 0.0])  # [inf, nan]
    with pytest.raises(AssertionError):
        feedback.check(nan_answer, [1.0, 1.0], what="q")
    feedback.check(np.log(np.array([1.0])), [0.0], what="q")
    assert capfd.readouterr().err == ""


def test_an_input_that_already_holds_nan_is_not_reported_as_modified():
    x = np.array([1.0, np.nan, 3.0])
    assert feedback.call_without_mutation(lambda a: a.sum(), x) != 0
    with pytest.raises(AssertionError, match="modified its input argument 1"):
        feedback.call_without_mutation(lambda a: a.__setitem__(0, 5.0), x.copy())


def test_an_answer_a_hair_off_is_not_called_a_constant_factor():
    message = feedback.diagnose(np.array([1.0, 2.0]) * (1 + 3e-7), np.array([1.0, 2.0]))
    assert "times the right value" not in message
    assert "differ" in message


def test_a_function_argument_is_not_checked_for_mutation():
    from course_lib import objectives

    f = objectives.error_surface()
    x = np.array([1.0, 1.0])
    out = feedback.call_without_mutation(lambda grad, w: w - 0.1 * grad(w), f.gradient, x)
    assert out.shape == (2,)
    with pytest.raises(AssertionError, match="argument 2"):
        feedback.call_without_mutation(lambda grad, w: w.__setitem__(0, 0.0), f.gradient, x)


def test_a_list_of_arrays_of_different_shapes_is_checked_item_by_item():
    layers = [np.ones((2, 3)), np.ones(3)]
    assert feedback.call_without_mutation(lambda ws: len(ws), layers) == 2
    with pytest.raises(AssertionError, match=r"argument 1\[1\]"):
        feedback.call_without_mutation(lambda ws: ws[1].__setitem__(0, 7.0), layers)
