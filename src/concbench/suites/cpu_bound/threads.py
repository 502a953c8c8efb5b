"""threads: the classic `ThreadPoolExecutor` code, unchanged on both builds.

With the GIL only one thread runs Python at a time, so this is no faster than sync; on a
free-threaded build the same code runs in parallel ("same code, no GIL").
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from .workload import Params, Run, count_primes


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ranges = p.ranges()
    with ThreadPoolExecutor(p.workers) as pool:
        yield lambda: list(pool.map(count_primes, ranges))
