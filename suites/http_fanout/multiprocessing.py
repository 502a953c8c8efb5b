"""multiprocessing: W processes (`ProcessPoolExecutor`), each running an asyncio loop and its own
client over its share of the requests, C split between them.

Each process's loop and client are made by the pool initializer and kept; results are pickled back.
Variants: default aiohttp, `httpx`.
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from ..partition import merge
from ._clients import fetch_share, start_worker
from .workload import Params, Run


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = p.shares()
    connections = max(limit for _, limit in shares)
    with ProcessPoolExecutor(len(shares), initializer=start_worker, initargs=(p, connections)) as pool:
        yield lambda: merge(list(pool.map(fetch_share, *zip(*shares, strict=True))), p.requests)
