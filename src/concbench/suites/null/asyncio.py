"""asyncio: one run of the long-lived loop (`asyncio.Runner`) gathering one empty coroutine per worker."""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, nothing


async def main(n: int) -> list[int]:
    async def one(i: int) -> int:
        return nothing(i)

    return await asyncio.gather(*(one(i) for i in range(n)))


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with asyncio.Runner() as runner:
        yield lambda: runner.run(main(p.workers))
