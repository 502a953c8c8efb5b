"""trio: one task per unit, started in a nursery and joined when the nursery closes. Every call runs
in one trio run that lives for the cell's life (`trio_runner`, as asyncio's `Runner`), so no call
pays for starting trio, only one thread hop into it. A trio task has no return value: each writes
its result into its own slot.
Memory: tasks waiting on a `trio.Event`, held in a trio run in a background thread (anyio's portal).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import anyio
import trio
from anyio.from_thread import start_blocking_portal

from ..triorun import trio_runner
from ._unit import unit
from .workload import Params, Run


async def start_join(n: int) -> list[int]:
    done = [0] * n

    async def one(i: int) -> None:
        done[i] = unit(i)

    for i in range(n):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(one, i)
    return done


async def hold(n: int, release: trio.Event, *, task_status=anyio.TASK_STATUS_IGNORED) -> None:
    async with trio.open_nursery() as nursery:
        for _ in range(n):
            nursery.start_soon(release.wait)
        await trio.sleep(0)
        task_status.started()


@contextmanager
def alive(n: int) -> Iterator[None]:
    with start_blocking_portal("trio") as portal:
        release = trio.Event()
        done, _ = portal.start_task(hold, n, release)
        try:
            yield
        finally:
            portal.call(release.set)
            done.result()


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with trio_runner() as call:
        yield lambda: call(start_join, p.n)
