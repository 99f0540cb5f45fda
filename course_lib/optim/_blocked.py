"""Run an element-wise update kernel block by block, into freshly allocated outputs.

Why: written as whole-array numpy expressions, an Adam step makes about twelve passes
over memory and allocates a temporary for most of them; on 10⁶ parameters that is
several times the cost of moving the bytes the update really needs (``make bench``).
Running the same kernel over blocks small enough to stay in the CPU cache turns the
intermediate passes into cache hits, and independent blocks can run on all cores
(numpy releases the GIL inside its loops). The outputs are new arrays, so updates stay
pure. Results do not depend on the block size or thread count: each element is computed
by the same sequence of operations.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np

# 2**17 float64 = 1 MiB per array. Smaller blocks would fit L2 better, but then each numpy
# call lasts only microseconds and two threads spend their time handing the GIL back and
# forth; measured with `make bench`, 64K-256K elements were best and 16K no faster than
# one thread.
BLOCK = 1 << 17
# Below two blocks the thread hand-off costs more than it saves.
PARALLEL_MIN = 2 * BLOCK

# Read once: os.cpu_count() is a system call, and small updates call elementwise() often.
WORKERS = os.cpu_count() or 1

Kernel = Callable[..., None]


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="course_lib")


def elementwise(kernel: Kernel, inputs: tuple[np.ndarray, ...], n_outputs: int) -> list[np.ndarray]:
    """Call ``kernel(*input_blocks, *output_blocks)`` over aligned blocks of the inputs.

    All inputs have the same shape. The kernel must write its results into the output
    blocks and may use them as scratch space; it must not write to the inputs.
    """
    shape = inputs[0].shape
    flat = [np.ravel(a) for a in inputs]
    outs = [np.empty(flat[0].size) for _ in range(n_outputs)]
    size = flat[0].size

    def run(lo: int, hi: int) -> None:
        for start in range(lo, hi, BLOCK):
            stop = min(start + BLOCK, hi)
            kernel(*(a[start:stop] for a in flat), *(o[start:stop] for o in outs))

    if size < PARALLEL_MIN or WORKERS == 1:
        run(0, size)
    else:
        # Each worker takes one contiguous stretch of blocks (friendlier to prefetching).
        per = -(-size // WORKERS)
        futures = [_pool().submit(run, lo, min(lo + per, size)) for lo in range(0, size, per)]
        for f in futures:
            f.result()
    return [o.reshape(shape) for o in outs]
