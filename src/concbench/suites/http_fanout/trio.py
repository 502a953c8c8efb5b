"""trio: a nursery with a task per request and a `trio.CapacityLimiter(C)`.

Variants: default httpx (`httpx.AsyncClient`, which picks its native trio backend: what a trio user
ships); `h11`, h11 over trio streams (`clients.H11Pool`: trio's own sockets, a small keep-alive pool,
the HTTP/1.1 state machine httpx itself runs on, without httpx's per-request overhead). One trio run
lives for the whole cell (`triorun`) and keeps the connections open between calls.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import trio
from anyio.from_thread import start_blocking_portal

from ..clients import AsyncGet, trio_client
from .workload import Fetched, Params, Run, afetch


async def fan_out(get: AsyncGet, p: Params) -> list[Fetched]:
    results: list[Fetched] = [("", 0.0)] * p.requests
    limiter = trio.CapacityLimiter(p.concurrency)

    async def one(i: int) -> None:
        async with limiter:
            results[i] = await afetch(get, p, i)

    async with trio.open_nursery() as nursery:
        for i in range(p.requests):
            nursery.start_soon(one, i)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with (
        start_blocking_portal("trio") as portal,
        portal.wrap_async_context_manager(trio_client(p.origin, p.client, p.concurrency)) as get,
    ):
        yield lambda: portal.call(fan_out, get, p)
