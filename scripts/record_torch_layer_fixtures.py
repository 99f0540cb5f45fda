"""Record PyTorch's batch norm and dropout for the layer parity tests.

    .venv/bin/python scripts/record_torch_layer_fixtures.py

On seeded inputs (numpy only, so the tests can regenerate and compare them), runs in
float64 on the CPU:

- ``torch.nn.functional.batch_norm`` in training mode on the first batch: output, and
  ``dx, dgamma, dbeta`` by autograd for a given ``dout``; the running mean and variance
  after each of 3 training batches (momentum 0.1, PyTorch's convention, unbiased running
  variance); the eval-mode output (and its gradients) with those running statistics.
  ``torch.nn.BatchNorm1d`` is run too and must agree exactly, so the fixture describes
  both interfaces.
- ``torch.nn.functional.dropout`` in eval mode (the identity) and in training mode for a
  few dropout rates, with the output and ``dx`` for a given ``dout``. The tests rebuild
  torch's mask from the output (nonzero pattern: the inputs contain no zeros) and
  require course_lib's inverted dropout, given that mask, to reproduce torch's output.

Everything goes to tests/fixtures/torch_layers.npz with the torch version and settings.
``tests/test_torch_layers.py`` imports this file for :func:`make_inputs` and
:func:`run_torch`, so the recording and the live rerun are one code path.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "torch_layers.npz"
EXPECTED_TORCH = "2.13.0"

SETTINGS = {
    "batch_size": 8,
    "n_features": 3,
    "n_batches": 3,
    "n_eval": 5,
    "momentum": 0.1,
    "eps": 1e-5,
    "dropout_shape": [6, 5],
    "p_drops": [0.2, 0.5, 0.75],
    "dropout_torch_seed": 7,
    "numpy_seed": 2025,
}


def make_inputs() -> dict[str, np.ndarray]:
    """The seeded inputs: numpy only, so a test can rebuild them without torch."""
    s = SETTINGS
    rng = np.random.default_rng(s["numpy_seed"])
    m, d = s["batch_size"], s["n_features"]
    # features on different scales and offsets, so normalization has work to do
    offsets, scales = np.array([1.0, -2.0, 0.5]), np.array([0.5, 3.0, 1.0])
    inputs = {
        "bn_x": offsets + scales * rng.normal(size=(s["n_batches"], m, d)),
        "bn_gamma": rng.uniform(0.5, 2.0, size=d),
        "bn_beta": rng.normal(size=d),
        "bn_dout": rng.normal(size=(m, d)),
        "bn_x_eval": offsets + scales * rng.normal(size=(s["n_eval"], d)),
        "bn_dout_eval": rng.normal(size=(s["n_eval"], d)),
        "drop_x": rng.normal(size=tuple(s["dropout_shape"])),
        "drop_dout": rng.normal(size=tuple(s["dropout_shape"])),
    }
    # torch's mask is read back from the output's nonzero pattern: no input may be 0
    assert np.all(inputs["drop_x"] != 0.0)
    return inputs


def run_torch(inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Run torch (float64 default dtype) on ``inputs``; return the recorded arrays."""
    import torch
    import torch.nn.functional as F

    s = SETTINGS
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        out: dict[str, np.ndarray] = {}
        t = torch.tensor
        gamma0, beta0 = inputs["bn_gamma"], inputs["bn_beta"]

        # functional batch norm: training mode, gradients on the first batch
        x = t(inputs["bn_x"][0], requires_grad=True)
        gamma, beta = t(gamma0, requires_grad=True), t(beta0, requires_grad=True)
        running_mean, running_var = torch.zeros(s["n_features"]), torch.ones(s["n_features"])
        y = F.batch_norm(x, running_mean, running_var, gamma, beta, training=True,
                         momentum=s["momentum"], eps=s["eps"])
        y.backward(t(inputs["bn_dout"]))
        out["bn_train_out"] = y.detach().numpy().copy()
        out["bn_train_dx"] = x.grad.numpy().copy()
        out["bn_train_dgamma"] = gamma.grad.numpy().copy()
        out["bn_train_dbeta"] = beta.grad.numpy().copy()

        # running statistics after each training batch (batch 0 was just used)
        means, variances = [running_mean.numpy().copy()], [running_var.numpy().copy()]
        with torch.no_grad():
            for batch in inputs["bn_x"][1:]:
                F.batch_norm(t(batch), running_mean, running_var, t(gamma0), t(beta0),
                             training=True, momentum=s["momentum"], eps=s["eps"])
                means.append(running_mean.numpy().copy())
                variances.append(running_var.numpy().copy())
        out["bn_running_mean"] = np.stack(means)
        out["bn_running_var"] = np.stack(variances)

        # eval mode with the final running statistics
        x_eval = t(inputs["bn_x_eval"], requires_grad=True)
        gamma, beta = t(gamma0, requires_grad=True), t(beta0, requires_grad=True)
        y = F.batch_norm(x_eval, running_mean, running_var, gamma, beta, training=False,
                         momentum=s["momentum"], eps=s["eps"])
        y.backward(t(inputs["bn_dout_eval"]))
        out["bn_eval_out"] = y.detach().numpy().copy()
        out["bn_eval_dx"] = x_eval.grad.numpy().copy()
        out["bn_eval_dgamma"] = gamma.grad.numpy().copy()
        out["bn_eval_dbeta"] = beta.grad.numpy().copy()

        # the module interface must give the same numbers
        module = torch.nn.BatchNorm1d(s["n_features"], eps=s["eps"], momentum=s["momentum"])
        with torch.no_grad():
            module.weight.copy_(t(gamma0))
            module.bias.copy_(t(beta0))
            module.train()
            first = module(t(inputs["bn_x"][0])).numpy().copy()
            for batch in inputs["bn_x"][1:]:
                module(t(batch))
            module.eval()
            evaluated = module(t(inputs["bn_x_eval"])).numpy().copy()
        np.testing.assert_array_equal(first, out["bn_train_out"])
        np.testing.assert_array_equal(module.running_mean.numpy(), means[-1])
        np.testing.assert_array_equal(module.running_var.numpy(), variances[-1])
        np.testing.assert_array_equal(evaluated, out["bn_eval_out"])

        # dropout: eval mode is the identity; training mode draws torch's own mask
        x = t(inputs["drop_x"])
        out["drop_eval_out"] = F.dropout(x, p=0.5, training=False).numpy().copy()
        module = torch.nn.Dropout(p=0.5).eval()
        np.testing.assert_array_equal(module(x).numpy(), out["drop_eval_out"])
        for i, p in enumerate(s["p_drops"]):
            torch.manual_seed(s["dropout_torch_seed"] + i)
            x = t(inputs["drop_x"], requires_grad=True)
            y = F.dropout(x, p=p, training=True)
            y.backward(t(inputs["drop_dout"]))
            out[f"drop_train_out[{p}]"] = y.detach().numpy().copy()
            out[f"drop_train_dx[{p}]"] = x.grad.numpy().copy()
        return out
    finally:
        torch.set_default_dtype(previous)


def main() -> None:
    import torch

    if not torch.__version__.startswith(EXPECTED_TORCH):
        sys.exit(f"record with torch {EXPECTED_TORCH} (CPU build); found {torch.__version__}")
    inputs = make_inputs()
    recorded = run_torch(inputs)
    meta = {"torch_version": torch.__version__, "settings": SETTINGS}
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(FIXTURE, **inputs, **recorded, meta=np.array(json.dumps(meta)))
    print(f"wrote {FIXTURE.relative_to(ROOT)} ({FIXTURE.stat().st_size / 1024:.1f} KiB)")


if __name__ == "__main__":
    main()
