"""trio: a nursery with a task per item, a `CapacityLimiter(C)` for the network and one of
`workers` for the CPU part, which `trio.to_thread.run_sync` keeps off the scheduler.

Variants: default httpx (its trio backend); `h11`, h11 over trio streams (`clients.H11Pool`). One trio
run lives for the whole cell (`triorun`), so connections live across calls.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import trio
from anyio.from_thread import start_blocking_portal

from concbench.worker import heartbeat

from ..clients import AsyncGet, trio_client
from .workload import Params, Run, afetch, process


async def main(get: AsyncGet, p: Params) -> list[str]:
    results = [""] * p.requests
    network, cpu = trio.CapacityLimiter(p.concurrency), trio.CapacityLimiter(p.workers)

    async def one(i: int) -> None:
        async with network:
            response = await afetch(get, p, i)
            results[i] = await trio.to_thread.run_sync(process, p, i, response, limiter=cpu)

    async with heartbeat.on_trio(), trio.open_nursery() as nursery:
        for i in range(p.requests):
            nursery.start_soon(one, i)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with (
        start_blocking_portal("trio") as portal,
        portal.wrap_async_context_manager(trio_client(p.origin, p.client, p.concurrency)) as get,
    ):
        yield lambda: portal.call(main, get, p)
