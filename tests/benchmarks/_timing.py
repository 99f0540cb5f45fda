"""Timing helpers shared by the benchmarks: interleaved rounds, medians, ratios.

Every benchmark times its contenders in rounds within one process, one sample of each
per round, so that machine noise (another process, a frequency change) hits every
contender alike; it reports medians over the rounds, and ratios as the median of the
per-round ratios.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

SETTLE_SECONDS = 0.2


def time_per_call(fn: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def have_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def interleaved(
    contenders: dict[str, Callable[[], object]],
    *,
    rounds: int,
    calls: int,
    settle: float = SETTLE_SECONDS,
    before: Callable[[str], None] | None = None,
) -> dict[str, list[float]]:
    """Seconds per call of each contender, one sample per round, in interleaved rounds.

    ``before(name)`` runs ahead of each sample (e.g. to set torch's thread count). Then
    the loop sleeps ``settle`` seconds: torch's OpenMP workers spin-wait for a while after
    each call, and without a pause they take the cores from whatever runs next (see
    bench_optim.py); letting them go idle gives every contender the whole machine.
    """
    for fn in contenders.values():
        fn()  # warm up: first-touch page faults, lazy state, imports
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            if before is not None:
                before(name)
            time.sleep(settle)
            samples[name].append(time_per_call(fn, calls))
    return samples


def medians(samples: dict[str, list[float]], reference: str) -> dict:
    """Median time of each contender, and the median of ``reference`` / contender per round."""
    ref = samples[reference]
    return {
        "times": {name: statistics.median(v) for name, v in samples.items()},
        "ratios": {name: statistics.median(a / b for a, b in zip(ref, v, strict=True))
                   for name, v in samples.items()},
    }
