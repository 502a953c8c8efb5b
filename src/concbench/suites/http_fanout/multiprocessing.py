"""multiprocessing: W processes (`ProcessPoolExecutor`), each running an asyncio loop and its own
client over its share of the requests, C split between them.

Warm before the clock: every process is started and has imported this suite (`warm`); its
initializer made its loop and client (kept between calls) and opened as many keep-alive connections
as any share's limit, since any share may land on any process, on a path the server does not count.
Results are pickled back. Variants: default aiohttp, `httpx`.
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..clients import on_worker, start_worker
from ..partition import concat
from ..pools import warm
from .workload import Params, Run, fan_out


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = p.shares()
    connections = max(limit for _, limit in shares)
    indices, limits = zip(*shares, strict=True)
    with ProcessPoolExecutor(
        len(shares), initializer=start_worker, initargs=(p.origin, p.client, connections)
    ) as pool:
        warm(pool, len(shares), fan_out.__module__)
        yield lambda: concat(list(pool.map(on_worker, repeat(fan_out), repeat(p), indices, limits)))
