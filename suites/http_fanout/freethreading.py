"""free-threading: an asyncio event loop in each of W threads (one per core), written for 3.14t.

Each thread has its own loop and client and a static share of the requests (every W-th one), with
C split between them so that at most C are in flight in total. Without a GIL the loops run in
parallel, so the client's own CPU cost is spread over the cores. Refuses to run with the GIL on.
Variants: default aiohttp, `httpx`.
"""

import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from ..clients import LoopWorker
from ..partition import merge
from .workload import Fetched, Params, Run, fan_out


def run(p: Params, workers: list[LoopWorker]) -> list[Fetched]:
    parts: list[list[Fetched]] = [[] for _ in workers]

    def share(k: int, indices: list[int], limit: int) -> None:
        parts[k] = workers[k].run(fan_out, p, indices, limit)

    threads = [threading.Thread(target=share, args=(k, *s)) for k, s in enumerate(p.shares())]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if sys._is_gil_enabled():
        raise RuntimeError("the GIL was re-enabled during the run")
    return merge(parts, p.requests)


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    if sys._is_gil_enabled():
        raise RuntimeError("the GIL is enabled: free-threading needs a free-threaded build with it off")
    with ExitStack() as stack:
        workers = []
        for _, limit in p.shares():
            workers.append(LoopWorker(p.origin, p.variant, limit))
            stack.callback(workers[-1].close)
        yield lambda: run(p, workers)
