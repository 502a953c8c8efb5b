"""trio: a task per unit in a nursery, started by a loop that first takes one of the
`trio.CapacityLimiter(C)`'s slots on the unit's behalf (the task gives it back), so units start in
order: trio runs a batch of ready tasks in either order, and a slot taken inside each task would put
unit 0 in the first wave only some of the time. The first failure cancels the nursery's other tasks,
and the nursery raises it (in an ExceptionGroup). Deadline: `trio.fail_after` (TooSlowError).
Cancel: the caller's cancel scope, which a task outside the job cancels at t
(`CancelScope.cancel()`, as a server cancels a request's scope); the scope absorbs its own
cancellation, so the caller learns of it from `cancelled_caught` and says so (`Cancelled`). One trio
run lives for the cell's life in a thread of its own (anyio's blocking portal), with httpx's trio
backend.
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

import trio
from anyio.from_thread import start_blocking_portal

from ..clients import AsyncGet, trio_client
from .workload import Cancelled, Params, Result, Run, aoutcome, aunit


async def units(get: AsyncGet, p: Params) -> list[Result]:
    results: list[Result] = []
    limiter = trio.CapacityLimiter(p.concurrency)

    async def one(i: int) -> None:
        try:
            results.append(await aunit(get, p, i))
        finally:
            limiter.release_on_behalf_of(i)

    async with trio.open_nursery() as nursery:
        for i in range(p.units):
            await limiter.acquire_on_behalf_of(i)  # a slot first: units start in order
            nursery.start_soon(one, i)
    return sorted(results)


async def cancel_later(scope: trio.CancelScope, ms: int) -> None:
    await trio.sleep(ms / 1000)
    scope.cancel()


async def job(get: AsyncGet, p: Params) -> list[Result]:
    if not p.cancel_ms:
        with trio.fail_after(p.deadline_s or math.inf):
            return await units(get, p)
    scope = trio.CancelScope()
    async with trio.open_nursery() as outside:
        outside.start_soon(cancel_later, scope, p.cancel_ms)
        with scope:
            results = await units(get, p)
        outside.cancel_scope.cancel()
    if scope.cancelled_caught:
        raise Cancelled(f"the caller's scope was cancelled after {p.cancel_ms} ms")
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with (
        start_blocking_portal("trio") as portal,
        portal.wrap_async_context_manager(trio_client(p.origin, p.client, p.concurrency)) as get,
    ):
        yield lambda: portal.call(aoutcome, p, partial(job, get, p))
