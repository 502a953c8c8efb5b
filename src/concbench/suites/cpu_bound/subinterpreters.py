"""subinterpreters: `InterpreterPoolExecutor` (3.14+), one interpreter per worker, each with its own GIL.

All in one process. Warm before the clock: every interpreter is started (`warm`), and each has
imported the workload module afresh (`count_primes` is shared by reference),
so no timed value pays for an interpreter's start or its imports.
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from .workload import Params, Run, count_primes


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ranges = p.ranges()
    with InterpreterPoolExecutor(p.workers) as pool:
        warm(pool, p.workers, count_primes.__module__)
        yield lambda: list(pool.map(count_primes, ranges))
