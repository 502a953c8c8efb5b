"""asyncio: one event loop, two variants that people really write.

- naive: the work runs inside coroutines, on the loop: they can only take turns, and the loop is
  blocked for the whole of each task.
- offloaded: `asyncio.to_thread` hands each task to the loop's default executor, sized to the
  workers; that is threads underneath, with their GIL story.
The loop is created once (`asyncio.Runner`), outside the timed region. A heartbeat task on the loop
measures how long the loop is blocked.
"""

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from concbench.worker import heartbeat

from .workload import Params, Run, count_primes


async def count(bounds: tuple[int, int]) -> int:
    return count_primes(bounds)


async def naive(ranges: list[tuple[int, int]]) -> list[int]:
    async with heartbeat.on_asyncio():
        return await asyncio.gather(*(count(r) for r in ranges))


async def offloaded(ranges: list[tuple[int, int]]) -> list[int]:
    async with heartbeat.on_asyncio():
        return await asyncio.gather(*(asyncio.to_thread(count_primes, r) for r in ranges))


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    main = {"naive": naive, "offloaded": offloaded}[p.variant]
    ranges = p.ranges()
    with asyncio.Runner() as runner:
        runner.get_loop().set_default_executor(ThreadPoolExecutor(p.workers))
        yield lambda: runner.run(main(ranges))
