"""multiprocessing: `ProcessPoolExecutor(W)` (the interpreter's default start method), each process
with its own contiguous share of the children and of C (`with_limits`, so at most C alive in all),
which it starts and collects itself with `Popen`, up to its limit at once (`window`): the children
are the pool's. Every process is started and has imported this workload before the clock (`warm`);
the pool's own CPU is part of the launchers' (`accounted`).
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..partition import concat
from ..pools import warm
from .workload import Params, Run, accounted, window


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = p.shares()
    indices, limits = zip(*shares, strict=True)
    with ProcessPoolExecutor(len(shares)) as pool:
        pids = {pid for pid, _, _ in warm(pool, len(shares), window.__module__)}
        yield accounted(p, lambda: concat(pool.map(window, repeat(p), indices, limits)), pids)
