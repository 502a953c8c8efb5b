"""asyncio: one task per worker on one loop (an `asyncio.Runner`, made in setup), all updating one
object, with no lock.

The tasks share one thread and switch only at an `await`. There is none between the read and the
write, so no update is lost; there is none in the loop at all, so the tasks run one after another:
coroutines do not interleave work that never waits, and an expert would not add
`await asyncio.sleep(0)` to such a loop, which would only add the loop's own cost.
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from .workload import COUNTER, Params, Run, prepare, text


async def counter(p: Params) -> int:
    total = 0

    async def work(lo: int, hi: int) -> None:
        nonlocal total
        for _ in range(hi - lo):
            total += 1

    await asyncio.gather(*(work(lo, hi) for lo, hi in p.blocks()))
    return total


async def word_counts(p: Params) -> dict[str, int]:
    counts: dict[str, int] = {}
    words = text(p)

    async def work(lo: int, hi: int) -> None:
        for w in words[lo:hi]:
            counts[w] = counts.get(w, 0) + 1

    await asyncio.gather(*(work(lo, hi) for lo, hi in p.blocks()))
    return counts


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    prepare(p)
    main = counter if p.shape == COUNTER else word_counts
    with asyncio.Runner() as runner:
        yield lambda: runner.run(main(p))
