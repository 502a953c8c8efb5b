"""trio: one task per worker in a nursery, all updating one object, with no lock. Every call runs in
one trio run that lives for the cell's life (`trio_runner`).

As with asyncio, the tasks share one thread and switch only at a checkpoint (an `await`); there is
none between the read and the write, nor in the loop, so nothing is lost and the tasks run one after
another.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import trio

from ..triorun import trio_runner
from .workload import COUNTER, Params, Run, prepare, text


async def counter(p: Params) -> int:
    total = 0

    async def work(lo: int, hi: int) -> None:
        nonlocal total
        for _ in range(hi - lo):
            total += 1

    async with trio.open_nursery() as nursery:
        for lo, hi in p.blocks():
            nursery.start_soon(work, lo, hi)
    return total


async def word_counts(p: Params) -> dict[str, int]:
    counts: dict[str, int] = {}
    words = text(p)

    async def work(lo: int, hi: int) -> None:
        for w in words[lo:hi]:
            counts[w] = counts.get(w, 0) + 1

    async with trio.open_nursery() as nursery:
        for lo, hi in p.blocks():
            nursery.start_soon(work, lo, hi)
    return counts


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    prepare(p)
    main = counter if p.shape == COUNTER else word_counts
    with trio_runner() as call:
        yield lambda: call(main, p)
