"""multiprocessing: `ProcessPoolExecutor`, one process per worker, with the interpreter's default
start method (forkserver on Linux since 3.14; recorded per cell).

Tasks and results are pickled across processes; workers start lazily, during the warm-up call.
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from .workload import Params, Run, count_primes


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ranges = p.ranges()
    with ProcessPoolExecutor(p.workers) as pool:
        yield lambda: list(pool.map(count_primes, ranges))
