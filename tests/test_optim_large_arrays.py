"""The block-wise, multi-threaded path of the element-wise kernels (large arrays).

The small-array tests never reach it, so here each kernel runs on arrays big enough to be
split across threads, in several shapes, and is compared with the update rule written
directly in numpy in this file.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import optim
from course_lib.optim import _blocked

SIZE = 2 * _blocked.PARALLEL_MIN + 12_345  # several blocks, a ragged last one, > 1 worker


@pytest.fixture(scope="module")
def arrays():
    rng = np.random.default_rng(3)
    w, g1, g2 = (rng.normal(size=SIZE) for _ in range(3))
    return w, g1, g2


def two_updates(opt, w, g1, g2, shape):
    params = {"w": w.reshape(shape)}
    state = opt.init(params)
    p1, s1 = opt.update(params, {"w": g1.reshape(shape)}, state)
    p2, s2 = opt.update(p1, {"w": g2.reshape(shape)}, s1)
    assert p2["w"].shape == shape
    return p2["w"].ravel(), s2


@pytest.mark.parametrize("shape", [(SIZE,), (SIZE, 1)])
def test_adam(arrays, shape):
    w, g1, g2 = arrays
    got, state = two_updates(optim.Adam(lr=0.01, beta1=0.9, beta2=0.99, eps=1e-8), w, g1, g2, shape)
    m1, s1 = 0.1 * g1, 0.01 * g1**2
    w1 = w - 0.01 * (m1 / 0.1) / (np.sqrt(s1 / 0.01) + 1e-8)
    m2, s2 = 0.9 * m1 + 0.1 * g2, 0.99 * s1 + 0.01 * g2**2
    w2 = w1 - 0.01 * (m2 / (1 - 0.9**2)) / (np.sqrt(s2 / (1 - 0.99**2)) + 1e-8)
    np.testing.assert_allclose(got, w2, rtol=1e-12, atol=1e-14)
    # m is computed as m + (1-β1)(g-m): equal to βm + (1-β)g up to rounding (~1e-17 here)
    np.testing.assert_allclose(state.m["w"].ravel(), m2, rtol=1e-13, atol=1e-15)


def test_adamw_decay(arrays):
    w, g1, g2 = arrays
    got, _ = two_updates(optim.AdamW(lr=0.01, weight_decay=0.5, eps_inside_sqrt=True), w, g1, g2, (SIZE,))
    m1, s1 = 0.1 * g1, 0.001 * g1**2
    w1 = (1 - 0.005) * w - 0.01 * (m1 / 0.1) / np.sqrt(s1 / 0.001 + 1e-8)
    m2, s2 = 0.9 * m1 + 0.1 * g2, 0.999 * s1 + 0.001 * g2**2
    w2 = (1 - 0.005) * w1 - 0.01 * (m2 / 0.19) / np.sqrt(s2 / (1 - 0.999**2) + 1e-8)
    np.testing.assert_allclose(got, w2, rtol=1e-11, atol=1e-13)


def test_rmsprop_and_adagrad(arrays):
    w, g1, g2 = arrays
    got, _ = two_updates(optim.RMSProp(lr=0.01, rho=0.9, eps=1e-8), w, g1, g2, (SIZE,))
    r1 = 0.1 * g1**2
    w1 = w - 0.01 * g1 / (np.sqrt(r1) + 1e-8)
    r2 = 0.9 * r1 + 0.1 * g2**2
    np.testing.assert_allclose(got, w1 - 0.01 * g2 / (np.sqrt(r2) + 1e-8), rtol=1e-12, atol=1e-14)
    got, _ = two_updates(optim.AdaGrad(lr=0.01, eps=1e-10), w, g1, g2, (SIZE,))
    w1 = w - 0.01 * g1 / (np.abs(g1) + 1e-10)
    r2 = g1**2 + g2**2
    np.testing.assert_allclose(got, w1 - 0.01 * g2 / (np.sqrt(r2) + 1e-10), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("form", optim.MOMENTUM_FORMS)
def test_momentum(arrays, form):
    w, g1, g2 = arrays
    got, state = two_updates(optim.Momentum(lr=0.01, beta=0.9, form=form), w, g1, g2, (SIZE,))
    if form == "classic":
        v1 = -0.01 * g1
        v2 = 0.9 * v1 - 0.01 * g2
        expected = w + v1 + v2
    else:
        scale = 0.1 if form == "ema" else 1.0
        v1 = scale * g1
        v2 = 0.9 * v1 + scale * g2
        expected = w - 0.01 * v1 - 0.01 * v2
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(state.velocity["w"], v2, rtol=1e-12, atol=1e-15)


def test_block_size_and_threads_do_not_change_results(arrays, monkeypatch):
    w, g1, g2 = arrays
    opt = optim.Adam(lr=0.01)
    threaded, _ = two_updates(opt, w, g1, g2, (SIZE,))
    monkeypatch.setattr(_blocked, "PARALLEL_MIN", 10 * SIZE)
    monkeypatch.setattr(_blocked, "BLOCK", 10 * SIZE)
    whole, _ = two_updates(opt, w, g1, g2, (SIZE,))
    np.testing.assert_array_equal(threaded, whole)  # bit for bit


def test_non_contiguous_inputs(arrays):
    # A transposed (Fortran-ordered) parameter must come back with the same values and shape.
    w, g1, g2 = arrays
    n = SIZE - SIZE % 7
    shape = (7, n // 7)
    wt = w[:n].reshape(shape[::-1]).T
    g1t, g2t = g1[:n].reshape(shape[::-1]).T, g2[:n].reshape(shape[::-1]).T
    opt = optim.Momentum(lr=0.01, form="sum")
    p1, s1 = opt.update({"w": wt}, {"w": g1t}, opt.init({"w": wt}))
    np.testing.assert_allclose(p1["w"], wt - 0.01 * g1t, rtol=1e-13)
    p2, _ = opt.update(p1, {"w": g2t}, s1)
    np.testing.assert_allclose(p2["w"], wt - 0.01 * g1t - 0.01 * (0.9 * g1t + g2t), rtol=1e-12)
