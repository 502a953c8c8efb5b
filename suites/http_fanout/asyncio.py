"""asyncio: a task per request on one event loop, an `asyncio.Semaphore(C)` for the limit.

Variants: default aiohttp (one ClientSession), `httpx` (httpx.AsyncClient), `uvloop` (aiohttp on
uvloop's loop). The loop and the client live across calls (see `_clients.LoopWorker`).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ._clients import LoopWorker
from .workload import Params, Run


def loop_factory(p: Params):
    if p.variant == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return None


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    worker = LoopWorker(p, p.concurrency, loop_factory(p))
    try:
        yield lambda: worker.fetch(range(p.requests), p.concurrency)
    finally:
        worker.close()
