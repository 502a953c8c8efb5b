"""multiprocessing: one process started and joined per unit, one variant per start method
(spawn, forkserver, fork: each a different price). A unit counts as done when its process exits 0.
Memory: processes of the default start method alive at once, blocked on an Event (PSS: pages shared
after fork counted fairly).
"""

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, block, unit


def start_join(ctx: multiprocessing.context.BaseContext, n: int) -> list[int]:
    done = []
    for i in range(n):
        proc = ctx.Process(target=unit, args=(i,))
        proc.start()
        proc.join()
        if proc.exitcode == 0:
            done.append(i)
    return done


@contextmanager
def alive(n: int) -> Iterator[None]:
    ready, release = multiprocessing.Semaphore(0), multiprocessing.Event()
    procs = [multiprocessing.Process(target=block, args=(ready, release)) for _ in range(n)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.acquire()  # every process is up and blocked, not just forked
    try:
        yield
    finally:
        release.set()
        for proc in procs:
            proc.join()


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ctx = multiprocessing.get_context(p.variant)
    yield lambda: start_join(ctx, p.n)
