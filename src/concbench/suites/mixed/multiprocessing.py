"""multiprocessing: W processes (`ProcessPoolExecutor`), each running an asyncio
loop with aiohttp over its share of the items and of C, the CPU part inline on its own loop.

Warm before the clock: every process is started and has imported this suite (`warm`); its
initializer made its loop and client (kept between calls) and opened as many keep-alive connections
as any share's limit, since any share may land on any process, on a path the server does not count.
Scheduler lag is measured on each worker's own loop, and the worst worker's counts.
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..clients import on_worker, start_worker
from ..pools import warm
from .workload import Params, Run, joined, pipeline_beating

HEARTBEAT = "own"  # each worker beats on its own loop, where the CPU part runs


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = p.shares()
    indices, limits = zip(*shares, strict=True)
    with ProcessPoolExecutor(
        len(shares), initializer=start_worker, initargs=(p.origin, p.client, max(limits))
    ) as pool:
        warm(pool, len(shares), pipeline_beating.__module__)
        yield lambda: joined(list(pool.map(on_worker, repeat(pipeline_beating), repeat(p), indices, limits)))
