"""trio: a nursery with a task per item, a `CapacityLimiter(workers)` for the limit, in one
long-lived trio run (`triorun`).

- default: `trio.to_thread.run_sync(FUNCTION, i)`, trio's way to call a blocking function;
- native: `await AFUNCTION(i)`, the job's own async form (it must run on trio: anyio code does).
"""

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import trio

from ..triorun import trio_runner
from .workload import Params, Run, async_form, ready, unit


async def main(items: int, workers: int, one: Callable[[int, trio.CapacityLimiter], Awaitable]) -> list:
    results: list[Any] = [None] * items
    limiter = trio.CapacityLimiter(workers)

    async def item(i: int) -> None:
        results[i] = await one(i, limiter)

    async with trio.open_nursery() as nursery:
        for i in range(items):
            nursery.start_soon(item, i)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ready(p)
    if p.variant == "native":
        native = async_form(p)

        async def one(i: int, limiter: trio.CapacityLimiter) -> Any:
            async with limiter:
                return await native(i)
    else:
        blocking = unit(p)

        async def one(i: int, limiter: trio.CapacityLimiter) -> Any:  # the limiter admits W to threads
            return await trio.to_thread.run_sync(blocking, i, limiter=limiter)

    with trio_runner() as call:
        yield lambda: call(main, p.items, p.workers, one)
