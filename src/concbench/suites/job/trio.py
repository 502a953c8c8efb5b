"""trio: a nursery with a task per item, a `CapacityLimiter(workers)` for the limit, in one
long-lived trio run (`triorun`).

- default: `trio.to_thread.run_sync(FUNCTION, i)`, trio's way to call a blocking function;
- native: `await AFUNCTION(i)`, the job's own async form (it must run on trio: anyio code does).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import trio

from ..triorun import trio_runner
from .workload import Params, Run, async_form, ready, unit


async def main(p: Params) -> list[Any]:
    results: list[Any] = [None] * p.items
    limiter = trio.CapacityLimiter(p.workers)
    native = async_form(p) if p.variant == "native" else None
    blocking = unit(p)  # the limiter admits `workers` of them to trio's threads at once

    async def one(i: int) -> None:
        if native:
            async with limiter:
                results[i] = await native(i)
        else:
            results[i] = await trio.to_thread.run_sync(blocking, i, limiter=limiter)

    async with trio.open_nursery() as nursery:
        for i in range(p.items):
            nursery.start_soon(one, i)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ready(p)
    with trio_runner() as call:
        yield lambda: call(main, p)
