"""course_lib.optim against torch.optim: 100 steps in float64 agree to 1e-10.

The recorded trajectories (scripts/record_torch_fixtures.py, torch 2.13.0 CPU) make the
first test independent of torch; the second reruns torch live where it is installed.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from tests.torch_oracle import (
    CASES,
    N_STEPS,
    TOLERANCE,
    load_fixture,
    make_problem,
    run_course_lib,
    run_torch,
)

PROBLEM, RECORDED, META = load_fixture()


def test_fixture_is_current():
    # The fixture must describe today's cases; otherwise re-record with `make fixtures`.
    assert META["cases"] == json.loads(json.dumps(CASES)), "cases changed: run `make fixtures`"
    assert META["n_steps"] == N_STEPS
    assert META["torch_version"].startswith("2.13.0")
    fresh = make_problem()
    for name in ("X", "Y", "W0", "b0"):
        np.testing.assert_array_equal(getattr(fresh, name), getattr(PROBLEM, name))


def test_every_torch_optimizer_is_covered():
    covered = {case["torch"][0] for case in CASES.values()}
    assert covered == {"SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Adamax", "NAdam"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_recorded_torch(name):
    ours = run_course_lib(CASES[name], PROBLEM)
    for key in ("W", "b"):
        assert ours[key].shape == RECORDED[name][key].shape == (N_STEPS + 1, *PROBLEM.params0()[key].shape)
        gap = np.abs(ours[key] - RECORDED[name][key]).max()
        assert gap <= TOLERANCE, f"{name}[{key}]: max |course_lib - torch| = {gap:.3g}"
    # The optimizer really moved: parity of two stalled runs would prove nothing.
    assert np.abs(ours["W"][-1] - ours["W"][0]).max() > 1e-2


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_live_torch(name):
    pytest.importorskip("torch")
    theirs = run_torch(CASES[name], PROBLEM)
    ours = run_course_lib(CASES[name], PROBLEM)
    for key in ("W", "b"):
        gap = np.abs(ours[key] - theirs[key]).max()
        assert gap <= TOLERANCE, f"{name}[{key}]: max |course_lib - torch| = {gap:.3g}"
