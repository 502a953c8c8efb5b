"""free-threading: an asyncio loop with aiohttp in each of W threads (one per core), each with a
static share of the items and of C; the CPU part runs inline, on each thread's own loop — without
a GIL the other loops keep going. Refuses to run with the GIL on.
"""

import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from ..clients import LoopWorker
from ..partition import merge
from .workload import Params, Run, pipeline


def run(p: Params, workers: list[LoopWorker]) -> list[str]:
    parts: list[list[str]] = [[] for _ in workers]

    def share(k: int, indices: list[int], limit: int) -> None:
        parts[k] = workers[k].run(pipeline, p, indices, limit)

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
            workers.append(LoopWorker(p.origin, "default", limit))
            stack.callback(workers[-1].close)
        yield lambda: run(p, workers)
