"""course_lib's batch norm and dropout against PyTorch (float64), to 1e-12.

The recordings (scripts/record_torch_layer_fixtures.py, torch 2.13.0 CPU) make the first
group of tests independent of torch; the `torch`-marked test reruns torch live where it is
installed and compares course_lib with that.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from course_lib.batchnorm import (
    batchnorm_backward,
    batchnorm_backward_staged,
    batchnorm_forward,
    init_running_stats,
)
from course_lib.dropout import dropout_backward, dropout_forward

TOLERANCE = 1e-12
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "record_torch_layer_fixtures.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("record_torch_layer_fixtures", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ORACLE = _load_script()
with np.load(ORACLE.FIXTURE) as _data:
    RECORDED = {k: _data[k] for k in _data.files if k != "meta"}
    META = json.loads(str(_data["meta"]))
SETTINGS = META["settings"]


def course_lib_results(inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The quantities the fixture records, computed by course_lib from the same inputs."""
    s = SETTINGS
    kw = {"momentum": s["momentum"], "eps": s["eps"]}  # convention: "new_weight", unbiased
    gamma, beta = inputs["bn_gamma"], inputs["bn_beta"]
    running = init_running_stats(s["n_features"])
    out, cache, running = batchnorm_forward(inputs["bn_x"][0], gamma, beta, train=True,
                                            running=running, **kw)
    grads = batchnorm_backward(inputs["bn_dout"], cache)
    staged = batchnorm_backward_staged(inputs["bn_dout"], cache)
    res = {
        "bn_train_out": out,
        "bn_train_dx": grads.dx, "bn_train_dgamma": grads.dgamma, "bn_train_dbeta": grads.dbeta,
        "bn_train_dx_staged": staged.dx,
    }
    means, variances = [running.mean], [running.var]
    for batch in inputs["bn_x"][1:]:
        _, _, running = batchnorm_forward(batch, gamma, beta, train=True, running=running, **kw)
        means.append(running.mean)
        variances.append(running.var)
    res["bn_running_mean"], res["bn_running_var"] = np.stack(means), np.stack(variances)
    out, cache, _ = batchnorm_forward(inputs["bn_x_eval"], gamma, beta, train=False,
                                      running=running, **kw)
    grads = batchnorm_backward(inputs["bn_dout_eval"], cache)
    res.update(bn_eval_out=out, bn_eval_dx=grads.dx, bn_eval_dgamma=grads.dgamma,
               bn_eval_dbeta=grads.dbeta)
    res["drop_eval_out"], _ = dropout_forward(inputs["drop_x"], p_drop=0.5, train=False)
    return res


def dropout_from_torch_mask(x, torch_out, dout, p_drop):
    """Our inverted dropout with torch's mask, read back from its output's nonzero pattern."""
    mask = (torch_out != 0.0).astype(np.float64)
    out, cache = dropout_forward(x, p_drop=p_drop, train=True, scheme="inverted", mask=mask)
    return out, dropout_backward(dout, cache).dx


def assert_close(ours, theirs, what):
    assert np.shape(ours) == np.shape(theirs), f"{what}: shape {np.shape(ours)} vs {np.shape(theirs)}"
    gap = float(np.max(np.abs(np.asarray(ours) - np.asarray(theirs))))
    assert gap <= TOLERANCE, f"{what}: max |course_lib - torch| = {gap:.3g}"


COMPARED = ["bn_train_out", "bn_train_dx", "bn_train_dgamma", "bn_train_dbeta",
            "bn_running_mean", "bn_running_var", "bn_eval_out", "bn_eval_dx",
            "bn_eval_dgamma", "bn_eval_dbeta", "drop_eval_out"]


def test_fixture_is_current():
    assert META["torch_version"].startswith(ORACLE.EXPECTED_TORCH)
    assert SETTINGS == json.loads(json.dumps(ORACLE.SETTINGS)), "settings changed: re-record"
    for name, value in ORACLE.make_inputs().items():
        np.testing.assert_array_equal(RECORDED[name], value, err_msg=name)


@pytest.mark.parametrize("name", COMPARED)
def test_batchnorm_and_eval_dropout_match_recorded_torch(name):
    ours = course_lib_results(RECORDED)
    assert_close(ours[name], RECORDED[name], name)


def test_staged_backward_matches_recorded_torch():
    ours = course_lib_results(RECORDED)
    assert_close(ours["bn_train_dx_staged"], RECORDED["bn_train_dx"], "staged dx")


def test_recorded_running_stats_are_not_trivial():
    # three distinct updates away from the (0, 1) start: a parity of no-ops proves nothing
    means, variances = RECORDED["bn_running_mean"], RECORDED["bn_running_var"]
    assert means.shape == variances.shape == (3, SETTINGS["n_features"])
    assert np.all(np.abs(np.diff(means, axis=0)) > 1e-3)
    assert np.all(np.abs(variances[-1] - 1.0) > 1e-2)


def test_torch_eval_dropout_is_the_identity():
    np.testing.assert_array_equal(RECORDED["drop_eval_out"], RECORDED["drop_x"])


@pytest.mark.parametrize("p_drop", SETTINGS["p_drops"])
def test_inverted_dropout_reproduces_torchs_training_output(p_drop):
    x, torch_out = RECORDED["drop_x"], RECORDED[f"drop_train_out[{p_drop}]"]
    out, dx = dropout_from_torch_mask(x, torch_out, RECORDED["drop_dout"], p_drop)
    # same mask, same p: bit for bit (both multiply by the rounded 1/(1-p))
    np.testing.assert_array_equal(out, torch_out)
    assert_close(dx, RECORDED[f"drop_train_dx[{p_drop}]"], f"dropout dx, p_drop={p_drop}")
    # the mask really dropped something and kept something
    kept = (torch_out != 0).mean()
    assert 0.0 < kept < 1.0


@pytest.mark.torch
def test_matches_live_torch():
    pytest.importorskip("torch")
    inputs = ORACLE.make_inputs()
    theirs = ORACLE.run_torch(inputs)
    ours = course_lib_results(inputs)
    for name in COMPARED:
        assert_close(ours[name], theirs[name], f"live {name}")
    for p_drop in SETTINGS["p_drops"]:
        torch_out = theirs[f"drop_train_out[{p_drop}]"]
        out, dx = dropout_from_torch_mask(inputs["drop_x"], torch_out, inputs["drop_dout"], p_drop)
        np.testing.assert_array_equal(out, torch_out)
        assert_close(dx, theirs[f"drop_train_dx[{p_drop}]"], f"live dropout dx, p_drop={p_drop}")



@pytest.mark.torch
def test_running_stats_start_where_torch_starts():
    torch = pytest.importorskip("torch")
    module = torch.nn.BatchNorm1d(4, dtype=torch.float64)
    start = init_running_stats(4)
    np.testing.assert_array_equal(start.mean, module.running_mean.numpy())
    np.testing.assert_array_equal(start.var, module.running_var.numpy())
