"""trio: one call into the long-lived trio run (`triorun`), a nursery of one empty task per worker."""

from collections.abc import Iterator
from contextlib import contextmanager

import trio

from ..triorun import trio_runner
from .workload import Params, Run, nothing


async def main(n: int) -> list[int]:
    results = [0] * n

    async def one(i: int) -> None:
        results[i] = nothing(i)

    async with trio.open_nursery() as nursery:
        for i in range(n):
            nursery.start_soon(one, i)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with trio_runner() as call:
        yield lambda: call(main, p.workers)
