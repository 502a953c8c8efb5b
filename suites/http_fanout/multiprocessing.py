"""multiprocessing: W processes (`ProcessPoolExecutor`), each running an asyncio loop and its own
client over its share of the requests, C split between them.

Each process's loop and client are made by the pool initializer and kept; results are pickled back.
Variants: default aiohttp, `httpx`.
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..clients import on_worker, start_worker
from ..partition import concat
from .workload import Params, Run, fan_out


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = p.shares()
    connections = max(limit for _, limit in shares)
    indices, limits = zip(*shares, strict=True)
    with ProcessPoolExecutor(
        len(shares), initializer=start_worker, initargs=(p.origin, p.variant, connections)
    ) as pool:
        yield lambda: concat(list(pool.map(on_worker, repeat(fan_out), repeat(p), indices, limits)))
