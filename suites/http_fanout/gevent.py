"""gevent: greenlets in a `gevent.pool.Pool(C)`, with the same blocking client as threads.

The cell worker monkey-patches the stdlib first, so urllib3's sockets yield to the hub while they
wait: plain blocking code, concurrent without async/await. Variants: default urllib3, `httpx`.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from gevent.pool import Pool

from ._clients import blocking
from .workload import Params, Run


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    pool = Pool(p.concurrency)
    with blocking(p, connections=p.concurrency) as get:
        try:
            yield lambda: pool.map(get, range(p.requests))
        finally:
            pool.kill()
