"""trio: `trio.run_process(stdin=..., capture_stdout=True)`, a task per child in a nursery, a
`trio.CapacityLimiter(C)` bounding how many are alive. trio starts each child in a worker thread
(`Popen` can block) and waits for its exit on a pidfd. One trio run lives for the cell's whole
life (`triorun`), as asyncio's `Runner` does.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import trio

from ..triorun import trio_runner
from .workload import Params, Run, accounted


async def main(p: Params) -> list[str]:
    results = [""] * p.children
    limiter = trio.CapacityLimiter(p.concurrency)

    async def one(i: int) -> None:
        async with limiter:
            child = await trio.run_process(p.argv(), stdin=p.stdin(i), capture_stdout=True)
        results[i] = child.stdout.decode()

    async with trio.open_nursery() as nursery:
        for i in range(p.children):
            nursery.start_soon(one, i)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with trio_runner() as call:
        yield accounted(p, lambda: call(main, p))
