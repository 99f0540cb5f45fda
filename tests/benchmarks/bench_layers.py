"""Batch norm and one MLP training epoch: course_lib against PyTorch, float64, on the CPU.

Run with ``python -m tests.benchmarks.bench_layers`` (add ``--help`` for the sizes).

Two cases, timed in interleaved rounds within one process (see ``_timing.py``):

1. batch normalization, forward and backward, on a 256×1024 float64 batch:
   course_lib's ``batchnorm_forward`` (training mode) and compact ``batchnorm_backward``,
   against ``torch.nn.functional.batch_norm(training=True)`` and autograd's backward;
2. one training epoch of an MLP (64, 128, 64, 10), ReLU, on scikit-learn's digits,
   minibatches of 32 and SGD with momentum 0.9, followed by one evaluation of the
   validation set: ``course_lib.training.train(epochs=1)`` against the usual torch loop
   (``nn.Sequential`` in float64 with the same weights, ``torch.optim.SGD``,
   ``zero_grad``/``backward``/``step``, ``loss.item()`` per step, a ``no_grad`` pass over
   the validation set).

torch runs with its default thread count and with one thread (numpy's element-wise
kernels use one). Ratios are course_lib / torch, medians over rounds; absolute times are
shown for scale only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np

from course_lib import data, optim
from course_lib.batchnorm import batchnorm_backward, batchnorm_forward, init_running_stats
from course_lib.mlp import MLPConfig, init_params
from course_lib.training import train
from tests.benchmarks._timing import SETTLE_SECONDS, have_torch, interleaved, medians

LR, BETA = 0.01, 0.9


# --- case 1: batch norm ----------------------------------------------------------------


def batchnorm_contenders(rows: int, cols: int, torch_ok: bool) -> dict[str, Callable[[], object]]:
    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(rows, cols))
    gamma, beta = rng.normal(size=cols), rng.normal(size=cols)
    dout = rng.normal(size=(rows, cols))
    running = init_running_stats(cols)

    def ours() -> object:
        _, cache, _ = batchnorm_forward(x, gamma, beta, train=True, running=running)
        return batchnorm_backward(dout, cache)

    contenders = {"course_lib": ours}
    if torch_ok:
        import torch
        import torch.nn.functional as F

        tx = torch.tensor(x, requires_grad=True)
        tg = torch.tensor(gamma, requires_grad=True)
        tb = torch.tensor(beta, requires_grad=True)
        tdout = torch.tensor(dout)
        rmean, rvar = torch.zeros(cols, dtype=torch.float64), torch.ones(cols, dtype=torch.float64)

        def theirs() -> object:
            out = F.batch_norm(tx, rmean, rvar, weight=tg, bias=tb, training=True,
                               momentum=0.1, eps=1e-5)
            return torch.autograd.grad(out, (tx, tg, tb), tdout)

        contenders["torch"] = contenders["torch_1t"] = theirs
    return contenders


# --- case 2: one epoch of an MLP ---------------------------------------------------------


def digits_split(n_train: int | None) -> data.Split:
    split = data.digits(np.random.default_rng(0))
    if n_train is not None:
        train_part = data.Dataset(split.train.X[:n_train], split.train.y[:n_train])
        split = data.Split(train_part, split.val, split.test)
    return split


def epoch_contenders(sizes: tuple[int, ...], batch_size: int, split: data.Split,
                     torch_ok: bool) -> dict[str, Callable[[], object]]:
    config = MLPConfig(sizes=sizes, activation="relu", loss="softmax_cross_entropy")
    params0 = init_params(config, np.random.default_rng(1))
    opt = optim.Momentum(lr=LR, beta=BETA, form="sum")  # PyTorch's SGD(momentum=β)

    def ours() -> object:
        return train(config, params0, split.train, split.val, opt, epochs=1,
                     batch_size=batch_size, rng=np.random.default_rng(2))

    contenders = {"course_lib": ours}
    if torch_ok:
        contenders["torch"] = contenders["torch_1t"] = torch_epoch(config, params0,
                                                                   batch_size, split)
    return contenders


def torch_epoch(config: MLPConfig, params0: dict, batch_size: int,
                split: data.Split) -> Callable[[], object]:
    import torch
    import torch.nn.functional as F
    from torch import nn

    layers: list[nn.Module] = []
    for k in range(1, config.n_layers + 1):
        linear = nn.Linear(config.sizes[k - 1], config.sizes[k]).double()
        with torch.no_grad():  # the same starting weights (nn.Linear stores W.T)
            linear.weight.copy_(torch.from_numpy(params0[f"W{k}"].T))
            linear.bias.copy_(torch.from_numpy(params0[f"b{k}"]))
        layers.append(linear)
        if k < config.n_layers:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=BETA)
    X, y = torch.from_numpy(split.train.X), torch.from_numpy(split.train.y)
    Xv, yv = torch.from_numpy(split.val.X), torch.from_numpy(split.val.y)
    gen = torch.Generator().manual_seed(2)
    n = X.shape[0]

    def epoch() -> object:
        model.train()
        total = 0.0
        for idx in torch.randperm(n, generator=gen).split(batch_size):
            opt.zero_grad()
            loss = F.cross_entropy(model(X[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.numel()
        model.eval()
        with torch.no_grad():
            logits = model(Xv)
            val = (F.cross_entropy(logits, yv).item(),
                   (logits.argmax(dim=1) == yv).double().mean().item())
        return total / n, val

    return epoch


# --- the report ----------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> list[dict]:
    torch_ok = have_torch()
    before = None
    if torch_ok:
        import torch

        default_threads = torch.get_num_threads()

        def before(name: str) -> None:
            torch.set_num_threads(1 if name == "torch_1t" else default_threads)

    sizes = tuple(args.sizes)
    split = digits_split(args.n_train)
    cases = [
        (f"batchnorm {args.bn_rows}x{args.bn_cols}", args.bn_calls,
         batchnorm_contenders(args.bn_rows, args.bn_cols, torch_ok)),
        (f"MLP {sizes} epoch, n={split.train.n_samples}, batch {args.batch_size}", 1,
         epoch_contenders(sizes, args.batch_size, split, torch_ok)),
    ]
    rows = []
    try:
        for name, calls, contenders in cases:
            samples = interleaved(contenders, rounds=args.rounds, calls=calls,
                                  settle=args.settle, before=before)
            rows.append({"case": name, **medians(samples, "course_lib")})
    finally:
        if torch_ok:
            torch.set_num_threads(default_threads)
    return rows


def table(rows: list[dict]) -> str:
    torch_ok = "torch" in rows[0]["times"]
    head = f"{'case':<48}{'course_lib':>12}"
    if torch_ok:
        head += f"{'torch':>10}{'torch 1 thr':>13}{'ratio':>8}{'ratio 1 thr':>13}"
    lines = ["float64 on the CPU (median per call, ms; ratio = course_lib / torch)", head]
    for r in rows:
        t = r["times"]
        line = f"{r['case']:<48}{t['course_lib'] * 1e3:>12.3f}"
        if torch_ok:
            line += (f"{t['torch'] * 1e3:>10.3f}{t['torch_1t'] * 1e3:>13.3f}"
                     f"{r['ratios']['torch']:>8.2f}{r['ratios']['torch_1t']:>13.2f}")
        lines.append(line)
    if not torch_ok:
        lines.append("(torch is not installed: `make bench` installs it; torch columns omitted)")
    return "\n".join(lines)


def _sizes(text: str) -> list[int]:
    sizes = [int(s) for s in text.split(",")]
    if len(sizes) < 2 or sizes[0] != 64 or sizes[-1] != 10:
        raise argparse.ArgumentTypeError(
            f"sizes must start with 64 (the digits' pixels) and end with 10 (classes), got {text}"
        )
    return sizes


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bn-rows", type=int, default=256)
    parser.add_argument("--bn-cols", type=int, default=1024)
    parser.add_argument("--bn-calls", type=int, default=20,
                        help="batch-norm forward+backward calls timed together per sample")
    parser.add_argument("--sizes", type=_sizes, default=[64, 128, 64, 10],
                        help="MLP layer sizes, comma-separated (64,...,10)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--n-train", type=int, default=None,
                        help="use only the first N training digits (default: all)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--settle", type=float, default=SETTLE_SECONDS,
                        help="pause (s) before each sample, so torch's idle threads stop spinning")
    args = parser.parse_args(argv)
    out = table(measure(args))
    print(out)
    if have_torch():
        import torch

        print(f"torch {torch.__version__}, default threads {torch.get_num_threads()}; numpy {np.__version__}")
    return out


if __name__ == "__main__":
    main()
