"""threads: one empty task per worker through a warm `ThreadPoolExecutor`: a pool round trip."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from .workload import Params, Run, nothing


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with ThreadPoolExecutor(p.workers) as pool:
        yield lambda: list(pool.map(nothing, range(p.workers)))
