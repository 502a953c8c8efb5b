"""free-threading: an asyncio event loop in each of W threads (one per core), written for 3.14t.

Each thread (long-lived, started in setup like a pool) has its own loop and client and a contiguous
share of the requests in proportion to its share of C, so that at most C are in flight in total and
no thread needs more than ceil(N/C) waves. Without a GIL the loops run in parallel, so the client's
own CPU cost is spread over the cores. Refuses to run with the GIL on.
Variants: default aiohttp, `httpx`.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ..clients import LoopWorker
from ..freethreaded import crew, require_gil_off
from ..partition import concat
from .workload import Params, Run, fan_out


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    shares = p.shares()
    with crew(len(shares)) as each:
        loops = each(lambda k: LoopWorker(p.origin, p.client, shares[k][1]))  # each made in its own thread
        try:
            yield lambda: concat(each(lambda k: loops[k].run(fan_out, p, *shares[k])))
        finally:
            each(lambda k: loops[k].close())
