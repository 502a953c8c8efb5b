"""free-threading: an asyncio loop with aiohttp in each of W long-lived threads (one per core,
started in setup), each with a static share of the items and of C; the CPU part runs inline, on each
thread's own loop — without a GIL the other loops keep going. Refuses to run with the GIL on.
Scheduler lag is measured on each worker's own loop, and the worst worker's counts.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ..clients import LoopWorker
from ..freethreaded import crew, require_gil_off
from .workload import Params, Run, joined, pipeline_beating

HEARTBEAT = "own"  # each worker beats on its own loop, where the CPU part runs


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    shares = p.shares()
    with crew(len(shares)) as each:
        loops = each(lambda k: LoopWorker(p.origin, p.client, shares[k][1]))  # each made in its own thread
        try:
            yield lambda: joined(each(lambda k: loops[k].run(pipeline_beating, p, *shares[k])))
        finally:
            each(lambda k: loops[k].close())
