"""multiprocessing: `ProcessPoolExecutor(workers)` (the interpreter's default start method), each
process running its share of the items in one task. Every process is started, has imported the job
and run its setup (the initializer, `ready`) before the clock; results come back pickled."""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..partition import interleave, merge
from ..pools import warm
from .workload import Params, Run, ready, share


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = interleave(p.items, p.workers)
    with ProcessPoolExecutor(len(shares), initializer=ready, initargs=(p,)) as pool:
        warm(pool, len(shares))
        yield lambda: merge(list(pool.map(share, repeat(p), shares)), p.items)
