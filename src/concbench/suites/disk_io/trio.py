"""trio: a nursery with a task per file, a `CapacityLimiter(workers)` bounding how many files are in
progress, so at most `workers` threads work. trio has no asynchronous file I/O either:

- default: `trio.open_file` / `trio.Path`, each call a `trio.to_thread.run_sync` hop underneath;
- to_thread: `trio.to_thread.run_sync` of the plain per-file function, one hop per file.

One trio run lives for the cell's whole life (`trio_runner`), as asyncio's `Runner` does. The
files' bytes are built in setup. Reading back and hashing are one hop of the shared `read_back`
(the single hop `trio.Path.read_bytes` makes), so the hash runs in a worker thread, as in every
model, never on the trio thread.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import trio

from ..triorun import trio_runner
from .workload import Params, Run, one_file, payload, prepare, read_back


async def with_trio_path(p: Params, i: int, limiter: trio.CapacityLimiter) -> str:
    async with limiter:
        async with await trio.open_file(p.path(i), "wb") as f:
            await f.write(payload(p, i))
            if p.fsync:
                await f.flush()
                await trio.to_thread.run_sync(os.fsync, f.wrapped.fileno())
        digest = await trio.to_thread.run_sync(read_back, p.path(i))
        await trio.Path(p.path(i)).unlink()
    return digest


async def with_to_thread(p: Params, i: int, limiter: trio.CapacityLimiter) -> str:
    return await trio.to_thread.run_sync(one_file, p, i, limiter=limiter)


async def main(p: Params) -> list[str]:
    one = {"default": with_trio_path, "to_thread": with_to_thread}[p.variant]
    limiter = trio.CapacityLimiter(p.workers)
    results = [""] * p.files

    async def store(i: int) -> None:
        results[i] = await one(p, i, limiter)

    async with trio.open_nursery() as nursery:
        for i in range(p.files):
            nursery.start_soon(store, i)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    prepare(p)
    with trio_runner() as call:
        yield lambda: call(main, p)
