"""multiprocessing: `ProcessPoolExecutor`, one process per worker, with the interpreter's default
start method (forkserver on Linux since 3.14; recorded per cell).

Tasks and results are pickled across processes. Warm before the clock: every process is started
and has imported the workload module (`count_primes` is pickled by reference) (`warm`), so no
timed value pays for a process start or an import.
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from .workload import Params, Run, count_primes


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ranges = p.ranges()
    with ProcessPoolExecutor(p.workers) as pool:
        warm(pool, p.workers, count_primes.__module__)
        yield lambda: list(pool.map(count_primes, ranges))
