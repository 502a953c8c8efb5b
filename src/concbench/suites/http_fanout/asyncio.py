"""asyncio: a task per request on one event loop, an `asyncio.Semaphore(C)` for the limit.

Variants: default aiohttp (one ClientSession), `httpx` (httpx.AsyncClient), `uvloop` (aiohttp on
uvloop's loop). The loop and the client live across calls (`clients.LoopWorker`).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ..clients import LoopWorker
from .workload import Params, Run, fan_out


def loop_factory(p: Params):
    if p.variant == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return None


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with LoopWorker(p.origin, p.client, p.concurrency, loop_factory(p)) as worker:
        yield lambda: worker.run(fan_out, p, range(p.requests), p.concurrency)
