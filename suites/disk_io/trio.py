"""trio: a nursery with a task per file, `trio.Path` / `trio.open_file` for the I/O.

trio has no asynchronous file I/O either: each call is `trio.to_thread.run_sync` underneath. A
`CapacityLimiter(workers)` bounds how many files are in progress, so at most `workers` threads work.
"""

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager

import trio

from .workload import Params, Run


async def one(p: Params, i: int, limiter: trio.CapacityLimiter) -> str:
    path = trio.Path(p.path(i))
    async with limiter:
        async with await trio.open_file(path, "wb") as f:
            await f.write(p.data(i))
            if p.fsync:
                await f.flush()
                await trio.to_thread.run_sync(os.fsync, f.wrapped.fileno())
        data = await path.read_bytes()
        await path.unlink()
    return hashlib.sha256(data).hexdigest()


async def main(p: Params) -> list[str]:
    results = [""] * p.files
    limiter = trio.CapacityLimiter(p.workers)

    async def store(i: int) -> None:
        results[i] = await one(p, i, limiter)

    async with trio.open_nursery() as nursery:
        for i in range(p.files):
            nursery.start_soon(store, i)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    yield lambda: trio.run(main, p)
