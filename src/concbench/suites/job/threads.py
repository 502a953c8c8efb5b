"""threads: `ThreadPoolExecutor(workers).map(FUNCTION, items)`, its threads started before the clock."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from .workload import Params, Run, ready, unit


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ready(p)
    one = unit(p)
    with ThreadPoolExecutor(p.workers) as pool:
        warm(pool, p.workers)
        yield lambda: list(pool.map(one, range(p.items)))
