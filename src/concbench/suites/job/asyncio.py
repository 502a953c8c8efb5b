"""asyncio: a task per item on one long-lived loop, an `asyncio.Semaphore(workers)` for the limit.

- default: `asyncio.to_thread(FUNCTION, i)`, on the loop's default executor sized to `workers`:
  how asyncio code calls a blocking function;
- native: `await AFUNCTION(i)`, the job's own async form, on the loop itself.
"""

import asyncio
import functools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from ..clients import gather_limited
from ..pools import warm
from .workload import Params, Run, async_form, ready, unit


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ready(p)
    native = p.variant == "native"
    one = async_form(p) if native else functools.partial(asyncio.to_thread, unit(p))
    with asyncio.Runner() as runner, ThreadPoolExecutor(p.workers) as pool:
        warm(pool, p.workers)
        runner.get_loop().set_default_executor(pool)
        yield lambda: runner.run(gather_limited(one, range(p.items), p.workers))
