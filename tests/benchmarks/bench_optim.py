"""One optimizer step on 10⁶ float64 parameters: course_lib vs torch.optim vs bandwidth.

Run with ``make bench`` (or ``python -m tests.benchmarks.bench_optim --size N``).

For Adam, RMSProp and momentum it times, interleaved in rounds within one process so
that machine noise hits every contender alike:

- course_lib's pure ``update`` (allocates its outputs);
- ``torch.optim`` with ``foreach=True`` on the CPU (updates in place), with torch's
  default thread count and with one thread (numpy's element-wise kernels use one);
- the memory-bandwidth floor: the time numpy's ``copyto`` needs to move as many bytes as
  the update must read and write (parameters, gradient and each state buffer read; the
  parameters and each buffer written).

Ratios are medians over rounds; absolute times are shown for scale only.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course_lib import optim
from tests.benchmarks._timing import SETTLE_SECONDS, have_torch, time_per_call


@dataclass(frozen=True)
class Case:
    name: str
    ours: optim.Optimizer
    torch_factory: Callable  # (params) -> torch optimizer
    n_buffers: int  # state arrays read and written per parameter array


def cases() -> list[Case]:
    def torch_opt(cls_name, **kw):
        def make(params):
            import torch

            return getattr(torch.optim, cls_name)(params, foreach=True, **kw)

        return make

    return [
        Case("Adam", optim.Adam(lr=1e-3), torch_opt("Adam", lr=1e-3), 2),
        Case("RMSProp", optim.RMSProp(lr=1e-3, rho=0.99), torch_opt("RMSprop", lr=1e-3), 1),
        Case(
            "Momentum (sum)",
            optim.Momentum(lr=1e-3, beta=0.9, form="sum"),
            torch_opt("SGD", lr=1e-3, momentum=0.9),
            1,
        ),
    ]


def course_lib_stepper(case: Case, w: np.ndarray, g: np.ndarray) -> Callable[[], None]:
    box = {"params": {"w": w.copy()}}
    box["state"] = case.ours.init(box["params"])
    grads = {"w": g}

    def step() -> None:
        box["params"], box["state"] = case.ours.update(box["params"], grads, box["state"])

    return step


def torch_stepper(case: Case, w: np.ndarray, g: np.ndarray) -> Callable[[], None]:
    import torch

    p = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    p.grad = torch.tensor(g, dtype=torch.float64)
    opt = case.torch_factory([p])

    @torch.no_grad()
    def step() -> None:
        opt.step()

    return step


def floor_stepper(case: Case, size: int) -> Callable[[], None]:
    # bytes read: params, grads, buffers; written: params, buffers -> (2 + b) + (1 + b) arrays.
    # np.copyto reads one array and writes one, so the same traffic is half as many copies.
    arrays_moved = (2 + case.n_buffers) + (1 + case.n_buffers)
    src = np.ones(size * arrays_moved // 2)
    dst = np.empty_like(src)

    def step() -> None:
        np.copyto(dst, src)

    return step


def measure(size: int, rounds: int, calls: int, settle: float = SETTLE_SECONDS) -> list[dict]:
    rng = np.random.default_rng(0)
    w, g = rng.normal(size=size), rng.normal(size=size)
    rows = []
    torch_ok = have_torch()
    if torch_ok:
        import torch

        default_threads = torch.get_num_threads()
    for case in cases():
        contenders = {"course_lib": course_lib_stepper(case, w, g), "floor": floor_stepper(case, size)}
        if torch_ok:
            contenders["torch"] = torch_stepper(case, w, g)
            contenders["torch_1t"] = contenders["torch"]
        for fn in contenders.values():
            fn()  # warm up: first-touch page faults, lazy state
        samples: dict[str, list[float]] = {k: [] for k in contenders}
        for _ in range(rounds):
            for name, fn in contenders.items():
                if torch_ok:
                    torch.set_num_threads(1 if name == "torch_1t" else default_threads)
                # torch's OpenMP workers spin-wait for a while after each call; without a
                # pause they take the cores from whatever runs next (measured: course_lib's
                # Adam 7.4 ms instead of 5.8). Letting them go idle keeps torch at its
                # default settings and gives every contender the whole machine.
                time.sleep(settle)
                samples[name].append(time_per_call(fn, calls))
        if torch_ok:
            torch.set_num_threads(default_threads)
        rows.append({"case": case.name, **{k: statistics.median(v) for k, v in samples.items()},
                     "ratios": {k: statistics.median(a / b for a, b in zip(samples["course_lib"], v, strict=True))
                                for k, v in samples.items()}})
    return rows


def table(rows: list[dict], size: int) -> str:
    torch_ok = "torch" in rows[0]
    head = f"{'optimizer step':<16}{'course_lib':>12}"
    if torch_ok:
        head += f"{'torch':>10}{'torch 1 thr':>13}{'ratio':>8}{'ratio 1 thr':>13}"
    head += f"{'floor':>10}{'vs floor':>10}"
    lines = [f"one step on {size:,} float64 parameters (median per step, ms; ratio = course_lib / other)", head]
    for r in rows:
        line = f"{r['case']:<16}{r['course_lib'] * 1e3:>12.3f}"
        if torch_ok:
            line += (f"{r['torch'] * 1e3:>10.3f}{r['torch_1t'] * 1e3:>13.3f}"
                     f"{r['ratios']['torch']:>8.2f}{r['ratios']['torch_1t']:>13.2f}")
        line += f"{r['floor'] * 1e3:>10.3f}{r['ratios']['floor']:>10.2f}"
        lines.append(line)
    if not torch_ok:
        lines.append("(torch is not installed: `make bench` installs it; torch columns omitted)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=10, help="steps timed together per sample")
    parser.add_argument("--settle", type=float, default=SETTLE_SECONDS,
                        help="pause (s) before each sample, so torch's idle threads stop spinning")
    args = parser.parse_args(argv)
    out = table(measure(args.size, args.rounds, args.calls, args.settle), args.size)
    print(out)
    if have_torch():
        import torch

        print(f"torch {torch.__version__}, default threads {torch.get_num_threads()}; numpy {np.__version__}")
    return out


if __name__ == "__main__":
    main()
