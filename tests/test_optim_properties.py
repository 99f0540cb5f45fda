"""Property tests: purity, finiteness and the trivial run, for every optimizer."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_lib import optim

SPD = np.array([[2.0, 0.5], [0.5, 1.0]])

OPTIMIZERS = [
    optim.SGD(lr=0.1),
    optim.SGD(lr=0.1, weight_decay=0.01),
    *[optim.Momentum(lr=0.1, beta=0.9, form=f) for f in optim.MOMENTUM_FORMS],
    *[optim.Nesterov(lr=0.1, beta=0.9, form=f) for f in optim.NESTEROV_FORMS],
    optim.AdaGrad(lr=0.1),
    optim.AdaGrad(lr=0.1, eps_inside_sqrt=True),
    optim.RMSProp(lr=0.1),
    optim.RMSProp(lr=0.1, eps_inside_sqrt=True),
    optim.RMSPropNesterov(lr=0.1),
    optim.Adadelta(),
    *[optim.Adam(lr=0.1, bias_correction=b) for b in optim.BIAS_CORRECTIONS],
    optim.Adam(lr=0.1, eps_inside_sqrt=True),
    optim.AdamW(lr=0.1, weight_decay=0.1),
    optim.Adamax(lr=0.1),
    optim.NAdam(lr=0.1),
    optim.Newton(hessian=lambda p: SPD),
    optim.RegularizedNewton(hessian=lambda p: SPD, alpha=0.5),
    optim.Clipped(optim.Momentum(lr=0.1), max_norm=1.0, clip_value=0.5),
]

finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False)
vectors = arrays(np.float64, 2, elements=finite)
optimizers = st.sampled_from(OPTIMIZERS)


def snapshot(tree):
    """A deep copy of params, grads or a state's buffers."""
    if isinstance(tree, dict):
        return {k: snapshot(v) for k, v in tree.items()}
    return np.array(tree, copy=True)


def assert_unchanged(before, after):
    if isinstance(before, dict):
        assert before.keys() == after.keys()
        for k in before:
            assert_unchanged(before[k], after[k])
    else:
        np.testing.assert_array_equal(before, after)


@settings(max_examples=60, deadline=None)
@given(opt=optimizers, w=vectors, g1=vectors, g2=vectors)
def test_updates_never_mutate_their_inputs(opt, w, g1, g2):
    params = {"w": w}
    state = opt.init(params)
    # Take one step first so the buffers are non-zero, then watch the second.
    params, state = opt.update(params, {"w": g1}, state)
    grads = {"w": g2}
    before = (snapshot(params), snapshot(grads), snapshot(state.buffers()), state.step)
    opt.eval_point(params, state)
    new_params, new_state = opt.update(params, grads, state)
    assert_unchanged(before[0], params)
    assert_unchanged(before[1], grads)
    assert_unchanged(before[2], state.buffers())
    assert state.step == before[3] and new_state.step == before[3] + 1
    # and the outputs are fresh arrays, not views of the inputs
    assert not np.shares_memory(new_params["w"], params["w"])


@settings(max_examples=60, deadline=None)
@given(opt=optimizers, w=vectors, gs=st.lists(vectors, min_size=1, max_size=5))
def test_finite_inputs_give_finite_results(opt, w, gs):
    params = {"w": w}
    state = opt.init(params)
    for g in gs:
        params, state = opt.update(params, {"w": g}, state)
        assert np.isfinite(params["w"]).all()
        for buffer in state.buffers().values():
            if isinstance(buffer, dict):
                assert all(np.isfinite(v).all() for v in buffer.values())


@settings(max_examples=30, deadline=None)
@given(opt=optimizers, w=vectors)
def test_run_with_zero_steps_returns_params0(opt, w):
    traj = optim.run(opt, lambda p: {"w": p["w"]}, {"w": w}, 0)
    assert len(traj.params) == len(traj.states) == 1
    np.testing.assert_array_equal(traj.params[0]["w"], w)
    assert traj.states[0].step == 0


def test_run_returns_every_iterate_and_state():
    traj = optim.run(optim.SGD(lr=0.5), lambda p: {"x": 2 * p["x"]}, {"x": 10.0}, 3)
    # x <- x - 0.5·2x = 0 after one step
    assert [float(p["x"]) for p in traj.params] == [10.0, 0.0, 0.0, 0.0]
    assert [s.step for s in traj.states] == [0, 1, 2, 3]
    assert traj.stack("x").shape == (4,)
    np.testing.assert_array_equal(traj.values(lambda p: p["x"] ** 2), [100.0, 0.0, 0.0, 0.0])
