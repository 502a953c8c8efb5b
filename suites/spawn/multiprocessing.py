"""multiprocessing: one process started per unit, which sends `unit(i)` back on a `Pipe`; the parent
receives it and joins the process. One variant per start method (spawn, forkserver, fork: each a
different price); the forkserver and the resource tracker are started before the clock. Memory:
processes of the default start method alive at once, blocked on an Event (PSS: pages shared after
fork counted fairly).

A unit starts from `_unit`, which imports nothing of the harness. But a spawn or forkserver child
would also re-run the parent's `__main__`, as `__mp_main__` (`spawn.get_preparation_data` sends its
name, `_fixup_main_from_name` re-imports it) so that functions of `__main__` can be unpickled: here
the cell worker, with pyperf and psutil, the harness's imports. No unit lives in `__main__`, so each
is started with `sys.modules["__main__"]` briefly a bare module (`bare_main`: no spec, no file,
nothing to re-run), all that `get_preparation_data` looks at; the other ways patch the stdlib or
change the worker's entry point. The forkserver preloads `_unit`, as its docs advise for what every
child needs. fork copies the parent and imports nothing.
"""

import multiprocessing
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from . import _unit
from .workload import Params, Run

BARE = types.ModuleType("__main__")


@contextmanager
def bare_main() -> Iterator[None]:
    """Processes started in here do not re-run the parent's `__main__` (see above)."""
    main, sys.modules["__main__"] = sys.modules["__main__"], BARE
    try:
        yield
    finally:
        sys.modules["__main__"] = main


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
        with bare_main():
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
    with bare_main():
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
