"""threads: a pool of C threads sharing one client with C keep-alive connections.

Variants: default urllib3 (`HTTPConnectionPool(maxsize=C, block=True)`), `httpx` (one shared
httpx.Client). Threads wait for the network without holding the GIL, so this scales on both builds.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

from ..clients import blocking
from .workload import Params, Run, fetch


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with blocking(p.origin, p.client, p.concurrency) as get, ThreadPoolExecutor(p.concurrency) as pool:
        yield lambda: list(pool.map(partial(fetch, get, p), range(p.requests)))
