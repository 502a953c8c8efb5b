"""asyncio: one long-lived event loop (`asyncio.Runner`), each task handed to `asyncio.to_thread`,
as asyncio code calls blocking work: on the loop's default executor, sized to `workers` (threads
underneath, with their GIL story). Loop and threads are started before the clock.
"""

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from concbench.kit.pools import warm

from .workload import Params, Run, work


async def main(inputs: list[range]) -> list[int]:
    return await asyncio.gather(*(asyncio.to_thread(work, x) for x in inputs))


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    inputs = p.inputs()
    with asyncio.Runner() as runner, ThreadPoolExecutor(p.workers) as pool:
        warm(pool, p.workers)
        runner.get_loop().set_default_executor(pool)
        yield lambda: runner.run(main(inputs))
