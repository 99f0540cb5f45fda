"""PyTorch as the oracle for course_lib.optim: the seeded problem, the cases, the runners.

``scripts/record_torch_fixtures.py`` runs every case through ``torch.optim`` and stores
the trajectories in ``tests/fixtures/torch_parity.npz``; ``tests/test_torch_parity.py``
compares course_lib against those recordings (no torch needed) and, where torch is
installed, against a live rerun.

The problem is least squares with two parameter blocks, so every optimizer sees coupled,
non-diagonal curvature and a dict of several arrays:

    L(W, b) = 1/(2n) * sum_i ||x_i W + b - y_i||^2
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib import optim, schedules

FIXTURE = Path(__file__).parent / "fixtures" / "torch_parity.npz"
N_STEPS = 100
TOLERANCE = 1e-10

# Each case: course_lib optimizer (class and keywords, optionally wrapped in Clipped), the
# torch.optim class and keywords that implement the same algorithm, and how torch's
# parameters relate to ours ("params": the same; "lookahead": torch stores w + βv).
# A "schedule" pairs a course_lib schedule (used as the optimizer's lr) with the
# torch.optim.lr_scheduler stepped after every update; the two agree only if the k-th
# update uses lr(k) with k counted from 0.
CASES: dict[str, dict] = {
    "sgd": {"ours": ("SGD", {"lr": 0.1}), "torch": ("SGD", {"lr": 0.1})},
    "momentum_sum": {
        "ours": ("Momentum", {"lr": 0.05, "beta": 0.9, "form": "sum"}),
        "torch": ("SGD", {"lr": 0.05, "momentum": 0.9}),
    },
    "momentum_classic": {
        "ours": ("Momentum", {"lr": 0.05, "beta": 0.9, "form": "classic"}),
        "torch": ("SGD", {"lr": 0.05, "momentum": 0.9}),
    },
    "nesterov_pytorch": {
        "ours": ("Nesterov", {"lr": 0.05, "beta": 0.9, "form": "pytorch"}),
        "torch": ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    },
    "nesterov_lookahead": {
        "ours": ("Nesterov", {"lr": 0.05, "beta": 0.9, "form": "lookahead"}),
        "torch": ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
        "compare": "lookahead",
    },
    "adagrad": {
        "ours": ("AdaGrad", {"lr": 0.1, "eps": 1e-10}),
        "torch": ("Adagrad", {"lr": 0.1, "eps": 1e-10}),
    },
    "rmsprop": {
        "ours": ("RMSProp", {"lr": 0.001, "rho": 0.9, "eps": 1e-8}),
        "torch": ("RMSprop", {"lr": 0.001, "alpha": 0.9, "eps": 1e-8}),
    },
    "adadelta": {
        "ours": ("Adadelta", {"rho": 0.9, "eps": 1e-6, "lr": 1.0}),
        "torch": ("Adadelta", {"lr": 1.0, "rho": 0.9, "eps": 1e-6}),
    },
    "adam": {
        "ours": ("Adam", {"lr": 0.01, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8}),
        "torch": ("Adam", {"lr": 0.01, "betas": (0.9, 0.99), "eps": 1e-8}),
    },
    "adamw": {
        "ours": (
            "AdamW",
            {"lr": 0.01, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.1},
        ),
        "torch": ("AdamW", {"lr": 0.01, "betas": (0.9, 0.99), "eps": 1e-8, "weight_decay": 0.1}),
    },
    "adamax": {
        "ours": ("Adamax", {"lr": 0.01, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8}),
        "torch": ("Adamax", {"lr": 0.01, "betas": (0.9, 0.99), "eps": 1e-8}),
    },
    "nadam": {
        "ours": (
            "NAdam",
            {"lr": 0.01, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "momentum_decay": 0.004},
        ),
        "torch": (
            "NAdam",
            {"lr": 0.01, "betas": (0.9, 0.99), "eps": 1e-8, "momentum_decay": 0.004},
        ),
    },
    "momentum_sum_exponential_lr": {
        "ours": ("Momentum", {"beta": 0.9, "form": "sum"}),
        "schedule": (("ExponentialDecay", {"lr0": 0.05, "rate": 0.03}),
                     ("ExponentialLR", {"gamma": math.exp(-0.03)})),
        "torch": ("SGD", {"lr": 0.05, "momentum": 0.9}),
    },
    "adam_cosine_lr": {
        "ours": ("Adam", {"beta1": 0.9, "beta2": 0.99, "eps": 1e-8}),
        "schedule": (("CosineDecay", {"lr0": 0.02, "decay_steps": N_STEPS, "lr_min": 0.001}),
                     ("CosineAnnealingLR", {"T_max": N_STEPS, "eta_min": 0.001})),
        "torch": ("Adam", {"lr": 0.02, "betas": (0.9, 0.99), "eps": 1e-8}),
    },
    "sgd_clip_norm": {
        "ours": ("SGD", {"lr": 0.1}),
        "clip": {"max_norm": 0.5, "norm_eps": 1e-6},
        "torch": ("SGD", {"lr": 0.1}),
    },
    "momentum_clip_value": {
        "ours": ("Momentum", {"lr": 0.05, "beta": 0.9, "form": "sum"}),
        "clip": {"clip_value": 0.2},
        "torch": ("SGD", {"lr": 0.05, "momentum": 0.9}),
    },
}


@dataclass(frozen=True)
class Problem:
    X: np.ndarray  # (n, 3)
    Y: np.ndarray  # (n, 2)
    W0: np.ndarray  # (3, 2)
    b0: np.ndarray  # (2,)

    def params0(self) -> dict[str, np.ndarray]:
        return {"W": self.W0.copy(), "b": self.b0.copy()}

    def grad(self, params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        residual = self.X @ params["W"] + params["b"] - self.Y
        n = self.X.shape[0]
        return {"W": self.X.T @ residual / n, "b": residual.sum(axis=0) / n}


def make_problem(seed: int = 2024) -> Problem:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(20, 3))
    W_true, b_true = rng.normal(size=(3, 2)), rng.normal(size=2)
    Y = X @ W_true + b_true + 0.1 * rng.normal(size=(20, 2))
    return Problem(X=X, Y=Y, W0=rng.normal(size=(3, 2)), b0=rng.normal(size=2))


def course_lib_optimizer(case: dict) -> optim.Optimizer:
    name, kwargs = case["ours"]
    if "schedule" in case:
        schedule_name, schedule_kwargs = case["schedule"][0]
        kwargs = {**kwargs, "lr": getattr(schedules, schedule_name)(**schedule_kwargs)}
    opt = getattr(optim, name)(**kwargs)
    if "clip" in case:
        opt = optim.Clipped(opt, **case["clip"])
    return opt


def run_course_lib(case: dict, problem: Problem, n_steps: int = N_STEPS) -> dict[str, np.ndarray]:
    traj = optim.run(course_lib_optimizer(case), problem.grad, problem.params0(), n_steps)
    if case.get("compare", "params") == "lookahead":
        # torch stores the look-ahead point w + βv as its parameters.
        beta = case["ours"][1]["beta"]
        points = [
            {k: p[k] + beta * s.velocity[k] for k in p}
            for p, s in zip(traj.params, traj.states, strict=True)
        ]
        return {k: np.stack([p[k] for p in points]) for k in ("W", "b")}
    return {k: traj.stack(k) for k in ("W", "b")}


def run_torch(case: dict, problem: Problem, n_steps: int = N_STEPS) -> dict[str, np.ndarray]:
    """Run the case through torch.optim in float64 and return the stacked iterates."""
    import torch

    # torch keeps scalar optimizer state (NAdam's momentum product, step counters) in the
    # default dtype; float32 there alone costs ~1e-9 of agreement.
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        X, Y = torch.tensor(problem.X), torch.tensor(problem.Y)
        W = torch.tensor(problem.W0, requires_grad=True)
        b = torch.tensor(problem.b0, requires_grad=True)
        name, kwargs = case["torch"]
        opt = getattr(torch.optim, name)([W, b], **kwargs)
        scheduler = None
        if "schedule" in case:
            scheduler_name, scheduler_kwargs = case["schedule"][1]
            scheduler = getattr(torch.optim.lr_scheduler, scheduler_name)(opt, **scheduler_kwargs)
        out = {"W": [W.detach().clone().numpy()], "b": [b.detach().clone().numpy()]}
        for _ in range(n_steps):
            opt.zero_grad()
            loss = ((X @ W + b - Y) ** 2).sum() / (2 * X.shape[0])
            loss.backward()
            clip = case.get("clip", {})
            if "clip_value" in clip:
                torch.nn.utils.clip_grad_value_([W, b], clip["clip_value"])
            if "max_norm" in clip:
                torch.nn.utils.clip_grad_norm_([W, b], clip["max_norm"])
            opt.step()
            if scheduler is not None:
                scheduler.step()
            out["W"].append(W.detach().clone().numpy())
            out["b"].append(b.detach().clone().numpy())
        return {k: np.stack(v) for k, v in out.items()}
    finally:
        torch.set_default_dtype(previous)


def load_fixture() -> tuple[Problem, dict[str, dict[str, np.ndarray]], dict]:
    """The recorded problem, trajectories per case, and metadata (torch version, cases)."""
    with np.load(FIXTURE) as data:
        problem = Problem(X=data["X"], Y=data["Y"], W0=data["W0"], b0=data["b0"])
        meta = json.loads(str(data["meta"]))
        trajectories = {
            name: {"W": data[f"{name}.W"], "b": data[f"{name}.b"]} for name in meta["cases"]
        }
    return problem, trajectories, meta
