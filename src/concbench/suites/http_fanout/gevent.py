"""gevent: greenlets in a `gevent.pool.Pool(C)`, with the same blocking client as threads.

The cell worker monkey-patches the stdlib first, so urllib3's sockets yield to the hub while they
wait: plain blocking code, concurrent without async/await. Variants: default urllib3, `httpx`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from gevent.pool import Pool

from ..clients import blocking
from .workload import Params, Run, fetch


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    pool = Pool(p.concurrency)
    with blocking(p.origin, p.client, p.concurrency) as get:
        try:
            yield lambda: pool.map(partial(fetch, get, p), range(p.requests))
        finally:
            pool.kill()
