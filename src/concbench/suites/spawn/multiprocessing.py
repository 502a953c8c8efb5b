"""multiprocessing: one process started per unit, which sends `unit(i)` back on a `Pipe`; the parent
receives it and joins the process. One variant per start method (spawn, forkserver, fork: each a
different price); the forkserver and the resource tracker are started before the clock. Memory:
processes of the default start method alive at once, blocked on an Event (PSS: pages shared after
fork counted fairly).

A unit starts from `_unit`, which imports nothing of the harness. A spawn or forkserver child also
re-runs the parent's main module unless it is a package's `__main__`, which the cell worker is
(`python -m concbench.worker`), so it does not re-import pyperf and psutil. The forkserver preloads
`_unit`, as its docs advise for what every child needs. fork copies the parent and imports nothing.
"""

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from . import _unit
from .workload import Params, Run


def context(method: str | None = None) -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context(method)
    if ctx.get_start_method() == "forkserver":  # heeded if the server is not running yet
        ctx.set_forkserver_preload([_unit.__name__])
    return ctx


def start_join(ctx: multiprocessing.context.BaseContext, n: int, fn: Callable = _unit.unit) -> list:
    results = []
    for i in range(n):
        recv, send = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_unit.reply, args=(send, fn, i))
        proc.start()
        send.close()  # the child has its own: a unit that dies unsent raises EOFError here
        results.append(recv.recv())
        proc.join()
        recv.close()
    return results


@contextmanager
def alive(n: int) -> Iterator[None]:
    ctx = context()
    ready, release = ctx.Semaphore(0), ctx.Event()
    procs = [ctx.Process(target=_unit.block, args=(ready, release)) for _ in range(n)]
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
    ctx = context(p.variant)
    start_join(ctx, 1)  # starts the forkserver or the resource tracker, not timed
    yield lambda: start_join(ctx, p.n)
