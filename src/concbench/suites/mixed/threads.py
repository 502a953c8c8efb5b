"""threads: a pool of C threads, each running whole items with a shared urllib3 pool.

The waits overlap; the transforms take turns on the GIL (on 3.14t they run in parallel).
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

from ..clients import blocking
from .workload import Params, Run, item


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with blocking(p.origin, p.client, p.concurrency) as get, ThreadPoolExecutor(p.concurrency) as pool:
        yield lambda: list(pool.map(partial(item, get, p), range(p.requests)))
