"""gevent: greenlets in a `gevent.pool.Pool` of `workers`.

Greenlets take turns on one OS thread and CPU work never yields, so the tasks run one after another:
gevent cannot run Python in parallel, and the numbers show it. The cell worker monkey-patches the
stdlib before anything else is imported, as a gevent program must.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from gevent.pool import Pool

from .workload import Params, Run, count_primes


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ranges = p.ranges()
    pool = Pool(p.workers)
    try:
        yield lambda: pool.map(count_primes, ranges)
    finally:
        pool.kill()
