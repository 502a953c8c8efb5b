"""asyncio: one task created and awaited per unit, on a loop that lives across calls; memory:
tasks suspended on an `asyncio.Event`."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from ._unit import unit
from .workload import Params, Run


async def one(i: int) -> int:
    return unit(i)


async def start_join(n: int) -> list[int]:
    return [await asyncio.create_task(one(i)) for i in range(n)]


@contextmanager
def alive(n: int) -> Iterator[None]:
    with asyncio.Runner() as runner:
        release = asyncio.Event()

        async def start() -> list[asyncio.Task]:
            tasks = [asyncio.create_task(release.wait()) for _ in range(n)]
            await asyncio.sleep(0)  # every task has started and is now waiting
            return tasks

        tasks = runner.run(start())
        try:
            yield
        finally:
            release.set()
            runner.run(asyncio.wait(tasks))


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with asyncio.Runner() as runner:
        yield lambda: runner.run(start_join(p.n))
