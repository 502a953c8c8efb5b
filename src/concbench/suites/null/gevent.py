"""gevent: one empty greenlet per worker through a `gevent.pool.Pool`, joined."""

from collections.abc import Iterator
from contextlib import contextmanager

from gevent.pool import Pool

from .workload import Params, Run, nothing


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    pool = Pool(p.workers)
    try:
        yield lambda: pool.map(nothing, range(p.workers))
    finally:
        pool.kill()
