"""asyncio: there is no asynchronous file I/O in asyncio; every variant hands the work to threads.

- aiofiles: `aiofiles.open`, whose every call is `loop.run_in_executor` on the loop's default
  executor (a thread pool, sized here to `workers`) — a thread pool in async clothing;
- to_thread: `asyncio.to_thread` of the plain per-file function, the same pool, one hop per file;
- anyio: `anyio.Path`, one worker-thread hop per call through anyio's own thread limiter.

An `asyncio.Semaphore(workers)` keeps at most `workers` files in progress, as every model does.
The files' bytes are built in setup. Reading back and hashing are one hop of the shared
`read_back` (the single hop `anyio.Path.read_bytes` makes), so the hash runs in a pool thread, as
in every model, never on the loop.
"""

import asyncio
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import aiofiles
import aiofiles.os
import anyio
import anyio.to_thread

from .workload import Params, Run, one_file, payload, prepare, read_back

async_fsync = aiofiles.os.wrap(os.fsync)  # aiofiles' own way to make an os function async
async_read_back = aiofiles.os.wrap(read_back)


async def with_aiofiles(p: Params, i: int) -> str:
    async with aiofiles.open(p.path(i), "wb") as f:
        await f.write(payload(p, i))
        if p.fsync:
            await f.flush()
            await async_fsync(f.fileno())
    digest = await async_read_back(p.path(i))
    await aiofiles.os.remove(p.path(i))
    return digest


async def with_to_thread(p: Params, i: int) -> str:
    return await asyncio.to_thread(one_file, p, i)


async def with_anyio(p: Params, i: int) -> str:
    path = anyio.Path(p.path(i))
    async with await anyio.open_file(path, "wb") as f:
        await f.write(payload(p, i))
        if p.fsync:
            await f.flush()
            await anyio.to_thread.run_sync(os.fsync, f.wrapped.fileno())
    digest = await anyio.to_thread.run_sync(read_back, p.path(i))
    await path.unlink()
    return digest


async def main(p: Params) -> list[str]:
    one = {"aiofiles": with_aiofiles, "to_thread": with_to_thread, "anyio": with_anyio}[p.variant]
    anyio.to_thread.current_default_thread_limiter().total_tokens = p.workers
    in_progress = asyncio.Semaphore(p.workers)

    async def bounded(i: int) -> str:
        async with in_progress:
            return await one(p, i)

    return await asyncio.gather(*(bounded(i) for i in range(p.files)))


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    prepare(p)
    with asyncio.Runner() as runner:
        runner.get_loop().set_default_executor(ThreadPoolExecutor(p.workers))
        yield lambda: runner.run(main(p))
