"""subinterpreters: `InterpreterPoolExecutor` (3.14+), one interpreter per worker, each with its own GIL.

All in one process. `count_primes` is shared by reference, so each interpreter imports this suite
afresh; that happens in the warm-up call, outside the timed values.
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager

from .workload import Params, Run, count_primes


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ranges = p.ranges()
    with InterpreterPoolExecutor(p.workers) as pool:
        yield lambda: list(pool.map(count_primes, ranges))
