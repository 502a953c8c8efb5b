"""gevent: greenlets in a `gevent.pool.Pool(workers)`.

Greenlets take turns on one OS thread and CPU work never yields, so the tasks run one after
another. concbench monkey-patches the stdlib before anything else is imported, as a gevent program
must; importing gevent switches the GIL back on, so its cells are n/a on a free-threaded build.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from gevent.pool import Pool

from .workload import Params, Run, work


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    inputs = p.inputs()
    pool = Pool(p.workers)
    try:
        yield lambda: pool.map(work, inputs)
    finally:
        pool.kill()
