"""asyncio: a task per unit in an `asyncio.TaskGroup`, started by a loop that first takes one of the
`asyncio.Semaphore(C)`'s slots (each task gives its own back), so units start in order. The first
failure cancels the siblings and the group raises it (in an ExceptionGroup). Deadline:
`asyncio.timeout`. Cancel: the job's task is cancelled at t (`Task.cancel()`, as aiohttp's server
cancels a request's handler when its client goes away).

The loop lives for the cell's life in a thread of its own (anyio's blocking portal), as a service's
loop does, so what a job leaves running goes on running after the call returns. Variants: `gather`,
`asyncio.gather` without return_exceptions (each task takes its slot itself): the first failure
reaches the caller, and the siblings go on. `swallow`: the TaskGroup, but a unit that is cancelled
catches `CancelledError` and redoes its request, the pitfall the asyncio docs warn of (an `except
Exception` does not catch it: CancelledError is a BaseException since 3.8).
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from anyio.from_thread import start_blocking_portal

from ..clients import AsyncGet, async_client
from .workload import Params, Result, Run, aoutcome, aunit


async def unit_of(get: AsyncGet, p: Params, i: int) -> Result:
    if p.variant != "swallow":
        return await aunit(get, p, i)
    try:
        return await aunit(get, p, i)
    except asyncio.CancelledError:  # the pitfall: "cancelled? finish the work anyway"
        return await aunit(get, p, i)


async def units(get: AsyncGet, p: Params) -> list[Result]:
    slots = asyncio.Semaphore(p.concurrency)
    if p.variant == "gather":

        async def limited(i: int) -> Result:
            async with slots:
                return await unit_of(get, p, i)

        return await asyncio.gather(*(limited(i) for i in range(p.units)))

    async def one(i: int) -> Result:
        try:
            return await unit_of(get, p, i)
        finally:
            slots.release()

    async with asyncio.TaskGroup() as tg:
        tasks = []
        for i in range(p.units):
            await slots.acquire()  # the spawning loop waits for a slot: units start in order
            tasks.append(tg.create_task(one(i)))
    return [t.result() for t in tasks]


async def job(get: AsyncGet, p: Params) -> list[Result]:
    async with asyncio.timeout(p.deadline_s):
        work = asyncio.create_task(units(get, p))
        if p.cancel_ms:
            asyncio.get_running_loop().call_later(p.cancel_ms / 1000, work.cancel)
        return await work


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with (
        start_blocking_portal("asyncio") as portal,
        portal.wrap_async_context_manager(async_client(p.origin, p.client, p.concurrency)) as get,
    ):
        yield lambda: portal.call(aoutcome, p, partial(job, get, p))
