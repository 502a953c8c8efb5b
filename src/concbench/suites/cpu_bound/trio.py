"""trio: a nursery of tasks, each handing its work to `trio.to_thread.run_sync`.

A `CapacityLimiter` keeps at most `workers` threads busy. One trio run lives for the whole cell
(`triorun`, as asyncio keeps one `Runner`): a call enters it, it does not start trio anew. A
heartbeat task in the run measures how long the scheduler is blocked.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import trio

from concbench.worker import heartbeat

from ..triorun import trio_runner
from .workload import Params, Run, count_primes


async def main(ranges: list[tuple[int, int]], workers: int) -> list[int]:
    results = [0] * len(ranges)
    limiter = trio.CapacityLimiter(workers)

    async def one(i: int, bounds: tuple[int, int]) -> None:
        results[i] = await trio.to_thread.run_sync(count_primes, bounds, limiter=limiter)

    async with heartbeat.on_trio(), trio.open_nursery() as nursery:
        for i, bounds in enumerate(ranges):
            nursery.start_soon(one, i, bounds)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ranges = p.ranges()
    with trio_runner() as call:
        yield lambda: call(main, ranges, p.workers)
