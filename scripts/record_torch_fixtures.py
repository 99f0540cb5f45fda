"""Record torch.optim trajectories for the parity tests (run with `make fixtures`).

For every case of tests/torch_oracle.py, runs N_STEPS updates of torch.optim (CPU,
float64) on the seeded least-squares problem and stores problem and iterates in
tests/fixtures/torch_parity.npz, with the torch version and the case definitions.

A comparison at 1e-10 is only meaningful if the recorded run does not amplify rounding
errors (RMSProp oscillating around a minimum does, chaotically). So before writing, the
script measures each case's sensitivity: the largest change of any iterate per unit
change of the start point, by finite differences. It refuses cases whose amplification
would let float64 rounding (~1e-16 per step) approach the tolerance.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.torch_oracle import (
    CASES,
    FIXTURE,
    N_STEPS,
    TOLERANCE,
    Problem,
    make_problem,
    run_torch,
)

EXPECTED_TORCH = "2.13.0"
MAX_AMPLIFICATION = 1e3  # 1e3 * N_STEPS * 1e-16 = 1e-11, a decade under TOLERANCE


def amplification(case: dict, problem: Problem, delta: float = 1e-7) -> float:
    base = run_torch(case, problem)
    nudged = Problem(problem.X, problem.Y, problem.W0 + delta, problem.b0 + delta)
    moved = run_torch(case, nudged)
    return max(float(np.abs(moved[k] - base[k]).max()) for k in base) / delta


def main() -> None:
    import torch

    if not torch.__version__.startswith(EXPECTED_TORCH):
        sys.exit(f"record with torch {EXPECTED_TORCH} (CPU build); found {torch.__version__}")
    problem = make_problem()
    arrays = {"X": problem.X, "Y": problem.Y, "W0": problem.W0, "b0": problem.b0}
    print(f"{'case':<30}{'amplification':>14}")
    for name, case in CASES.items():
        amp = amplification(case, problem)
        print(f"{name:<30}{amp:>14.3g}")
        if amp > MAX_AMPLIFICATION:
            sys.exit(f"{name}: amplification {amp:.3g} > {MAX_AMPLIFICATION:g}; choose a better-"
                     f"conditioned setting, or {TOLERANCE:g} parity is not a fair test")
        for key, traj in run_torch(case, problem).items():
            arrays[f"{name}.{key}"] = traj
    meta = {"torch_version": torch.__version__, "n_steps": N_STEPS, "cases": CASES}
    arrays["meta"] = np.array(json.dumps(meta))
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(FIXTURE, **arrays)
    print(f"wrote {FIXTURE.relative_to(Path.cwd())} ({FIXTURE.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
