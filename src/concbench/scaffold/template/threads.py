"""threads: `ThreadPoolExecutor(workers).map`, its threads started before the clock.

With the GIL only one thread runs Python at a time, so CPU work is no faster than sync; on a
free-threaded build the same code runs in parallel.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from concbench.kit.pools import warm

from .workload import Params, Run, work


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    inputs = p.inputs()
    with ThreadPoolExecutor(p.workers) as pool:
        warm(pool, p.workers)
        yield lambda: list(pool.map(work, inputs))
