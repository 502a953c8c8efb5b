"""free-threading: an asyncio loop with aiohttp in each of W threads (one per core), each with a
static share of the items and of C; the CPU part runs inline, on each thread's own loop — without
a GIL the other loops keep going. Refuses to run with the GIL on.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from ..clients import LoopWorker
from ..freethreaded import one_thread_each, require_gil_off
from ..partition import concat
from .workload import Params, Run, pipeline


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    shares = p.shares()
    with ExitStack() as stack:
        loops = [stack.enter_context(LoopWorker(p.origin, "default", limit)) for _, limit in shares]

        def share(k: int) -> list[str]:
            return loops[k].run(pipeline, p, *shares[k])

        yield lambda: concat(one_thread_each(share, len(shares)))
