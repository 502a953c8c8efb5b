"""gevent: FUNCTION over the items in a `gevent.pool.Pool(workers)` of greenlets, the stdlib
monkey-patched first (by the cell worker): blocking I/O yields to the hub, CPU work does not."""

from collections.abc import Iterator
from contextlib import contextmanager

from gevent.pool import Pool

from .workload import Params, Run, ready, unit


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ready(p)
    one = unit(p)
    pool = Pool(p.workers)
    try:
        yield lambda: pool.map(one, range(p.items))
    finally:
        pool.kill()
