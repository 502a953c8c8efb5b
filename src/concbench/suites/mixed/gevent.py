"""gevent: greenlets in a `Pool(C)`, each running whole items with the monkey-patched urllib3.

The waits overlap; each transform runs on the hub's thread and blocks every other greenlet while
it runs (the heartbeat greenlet shows it).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from gevent.pool import Pool

from ..clients import blocking
from .workload import Params, Run, item


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    pool = Pool(p.concurrency)
    with blocking(p.origin, p.client, p.concurrency) as get:
        try:
            yield lambda: pool.map(partial(item, get, p), range(p.requests))
        finally:
            pool.kill()
