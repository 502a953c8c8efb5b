"""asyncio: a task per item, an `asyncio.Semaphore(C)`; the knob is where the CPU part runs.

- naive: the transform and the write run inside the coroutine, on the loop: while one item
  computes, no other request makes progress (the heartbeat task shows the loop blocked);
- offloaded: `asyncio.to_thread` hands transform + write to the loop's default executor (sized to
  the workers), so the loop keeps serving the network;
- httpx: offloaded, with httpx's AsyncClient instead of aiohttp (the client every model has).
The client (aiohttp or httpx) is the variant's own field, `p.client`.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from concbench.worker import heartbeat

from ..clients import AsyncGet, LoopWorker, gather_limited
from .workload import Params, Run, item_inline, item_offloaded


async def main(get: AsyncGet, p: Params) -> list[str]:
    one = item_inline if p.variant == "naive" else item_offloaded
    async with heartbeat.on_asyncio():
        return await gather_limited(lambda i: one(get, p, i), range(p.requests), p.concurrency)


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with LoopWorker(p.origin, p.client, p.concurrency) as worker:
        worker.runner.get_loop().set_default_executor(ThreadPoolExecutor(p.workers))
        yield lambda: worker.run(main, p)
