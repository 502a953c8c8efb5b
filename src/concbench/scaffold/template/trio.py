"""trio: a nursery with a task per input, each handing its work to `trio.to_thread.run_sync`, and a
`CapacityLimiter(workers)` that keeps at most `workers` threads busy. One trio run lives for the
whole cell (`trio_runner`), as asyncio keeps one loop: a call enters it, it does not start trio anew.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import trio

from concbench.kit.triorun import trio_runner

from .workload import Params, Run, work


async def main(inputs: list[range], workers: int) -> list[int]:
    results = [0] * len(inputs)
    limiter = trio.CapacityLimiter(workers)

    async def one(i: int, x: range) -> None:
        results[i] = await trio.to_thread.run_sync(work, x, limiter=limiter)

    async with trio.open_nursery() as nursery:
        for i, x in enumerate(inputs):
            nursery.start_soon(one, i, x)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    inputs = p.inputs()
    with trio_runner() as call:
        yield lambda: call(main, inputs, p.workers)
