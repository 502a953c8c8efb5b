"""asyncio: `asyncio.create_subprocess_exec` and `communicate(input)`, a task per child, an
`asyncio.Semaphore(C)` bounding how many are alive. The loop lives for the cell's life
(`asyncio.Runner`); it starts each child itself (`Popen`, a vfork + exec, on the loop's thread)
and learns of its exit from a pidfd, with no thread per child. Variants: default (asyncio's own
loop), `uvloop` (libuv starts each child with a full fork, not a vfork, and reaps it on SIGCHLD).
"""

import asyncio
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, accounted


async def one(p: Params, i: int, slots: asyncio.Semaphore) -> str:
    async with slots:
        child = await asyncio.create_subprocess_exec(
            *p.argv(), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await child.communicate(p.stdin(i))
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, p.argv())
    return out.decode()


async def main(p: Params) -> list[str]:
    slots = asyncio.Semaphore(p.concurrency)
    return await asyncio.gather(*(one(p, i, slots) for i in range(p.children)))


def loop_factory(p: Params):
    if p.variant == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return None


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with asyncio.Runner(loop_factory=loop_factory(p)) as runner:
        yield accounted(p, lambda: runner.run(main(p)))
