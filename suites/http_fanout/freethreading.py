"""free-threading: an asyncio event loop in each of W threads (one per core), written for 3.14t.

Each thread has its own loop and client and a static share of the requests (every W-th one), with
C split between them so that at most C are in flight in total. Without a GIL the loops run in
parallel, so the client's own CPU cost is spread over the cores. Refuses to run with the GIL on.
Variants: default aiohttp, `httpx`.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from ..clients import LoopWorker
from ..freethreaded import one_thread_each, require_gil_off
from ..partition import concat
from .workload import Params, Run, fan_out


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    shares = p.shares()
    with ExitStack() as stack:
        loops = [stack.enter_context(LoopWorker(p.origin, p.variant, limit)) for _, limit in shares]

        def share(k: int) -> list:
            return loops[k].run(fan_out, p, *shares[k])

        yield lambda: concat(one_thread_each(share, len(shares)))
