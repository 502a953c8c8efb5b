"""subinterpreters: `InterpreterPoolExecutor(workers)`, each interpreter with its own GIL taking the
next chunk of items as it comes free (`chunks`: its map has no chunksize). Every interpreter is
started, has imported the job and run its setup (the initializer, `ready`) before the clock;
results come back pickled."""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..partition import concat
from ..pools import warm
from .workload import Params, Run, chunks, ready, share


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with InterpreterPoolExecutor(p.workers, initializer=ready, initargs=(p,)) as pool:
        warm(pool, p.workers)
        parts = chunks(p)
        yield lambda: concat(pool.map(share, repeat(p), parts))
