"""How long each lesson takes to execute, and how fast each widget redraws.

Run with ``make bench`` (or ``python -m tests.benchmarks.bench_notebooks``):

- every instructor notebook in ``autograder/source/`` executed headless by nbclient with a
  real kernel (seconds, one run each);
- every registered widget (:mod:`course_lib.explorations`): what a slider change runs
  (``Explorer.redraw``: the explorer's in-place ``update`` where it has one, else a new
  figure from ``plot``) over the control's range, 50 changes of one control at a time,
  figure redraw included (``fig.canvas.draw()``), reported as the p95 latency. Aim: under
  100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from course_lib.widgets import all_explorers

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "autograder" / "source"


def notebook_seconds(path: Path, timeout: int = 300) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def widget_latencies(n_changes: int = 50) -> dict[str, list[float]]:
    out = {}
    for name, explorer in all_explorers().items():
        samples = []
        base = explorer.defaults()
        per_control = max(n_changes // max(len(explorer.controls), 1), 1)
        # The notebook cell has drawn the default figure before any slider moves.
        shown = explorer.plot(**base)
        shown.canvas.draw()
        for control in explorer.controls:
            for value in control.values(per_control):
                start = time.perf_counter()
                fig = explorer.redraw(shown, **{**base, control.name: value})
                fig.canvas.draw()
                samples.append(time.perf_counter() - start)
                if fig is not shown:
                    plt.close(fig)
        plt.close(shown)
        out[name] = samples
    return out


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 2 else samples[0]


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--skip-notebooks", action="store_true")
    args = parser.parse_args(argv)
    lines = []
    if not args.skip_notebooks:
        lines.append(f"{'notebook (instructor version, headless)':<44}{'seconds':>10}")
        for path in sorted(SOURCE.glob("*/*.ipynb")):
            lines.append(f"{path.stem:<44}{notebook_seconds(path):>10.1f}")
    lines.append(f"{'widget (plot + draw per change)':<44}{'p95 ms':>10}{'median ms':>11}{'n':>5}")
    for name, samples in widget_latencies(args.changes).items():
        lines.append(f"{name:<44}{p95(samples) * 1e3:>10.1f}"
                     f"{statistics.median(samples) * 1e3:>11.1f}{len(samples):>5}")
    out = "\n".join(lines)
    print(out)
    return out


if __name__ == "__main__":
    main()
