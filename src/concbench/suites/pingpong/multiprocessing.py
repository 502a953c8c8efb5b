"""multiprocessing: a pair is an echo process and a channel to it, with the interpreter's default
start method (forkserver on Linux since 3.14), two variants:

- default: one duplex `Pipe` (`send`/`recv`: a pickle and a write, a read and an unpickle);
- queue: two `multiprocessing.Queue`s, one each way (each `put` hands the token to the queue's
  feeder thread, which pickles and writes it: a thread hop on each side, with the lock spin of a
  free-threaded build, see threads.py).
The echo processes are started in setup; the pingers are the caller's threads, one per pair in a
warm `ThreadPoolExecutor` (as for threads), all pairs at once. One round trip per pair before the
clock: every echo process is up. An echo process starts from `_pair`, which imports nothing of the
harness (see spawn's model); the forkserver preloads it.
"""

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from . import _pair
from .workload import Params, Run

Pair = tuple[multiprocessing.process.BaseProcess, Callable[[int], int], Callable[[], None]]


def context() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context()
    if ctx.get_start_method() == "forkserver":  # heeded if the server is not running yet
        ctx.set_forkserver_preload([_pair.__name__])
    return ctx


def over_pipe(ctx: multiprocessing.context.BaseContext, k: int) -> Pair:
    """Pair k on a Pipe: (its echo process, the pinger `n -> last reply`, stop)."""
    ours, theirs = ctx.Pipe()
    proc = ctx.Process(target=_pair.echo_pipe, args=(theirs, k))
    proc.start()
    theirs.close()  # the child has its own: if it dies, recv raises EOFError instead of waiting

    def stop() -> None:
        ours.send(None)
        ours.close()

    return proc, lambda n: _pair.ping_pipe(ours, k, n), stop


def over_queues(ctx: multiprocessing.context.BaseContext, k: int) -> Pair:
    """Pair k on two Queues: (its echo process, the pinger, stop)."""
    inbox, outbox = ctx.Queue(), ctx.Queue()
    proc = ctx.Process(target=_pair.echo, args=(inbox, outbox, k))
    proc.start()

    def stop() -> None:
        inbox.put(None)
        for q in (inbox, outbox):
            q.close()
            q.join_thread()

    return proc, lambda n: _pair.ping(inbox, outbox, k, n), stop


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ctx = context()
    start = over_queues if p.variant == "queue" else over_pipe
    pairs = [start(ctx, k) for k in range(p.pairs)]
    try:
        with ThreadPoolExecutor(p.pairs) as pool:
            warm(pool, p.pairs)
            list(pool.map(lambda pair: pair[1](1), pairs))
            yield lambda: list(pool.map(lambda pair: pair[1](p.n), pairs))
    finally:
        for proc, _, stop in pairs:
            stop()
            proc.join()
