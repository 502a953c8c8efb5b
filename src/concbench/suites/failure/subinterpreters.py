"""subinterpreters: an `InterpreterPoolExecutor(C)` and a future per unit (`executor_job`), each
interpreter with its own client (`open_client`): the caller waits for the first exception (it
arrives as itself, pickled, with `ExecutionFailed` as its cause) or the deadline, then cancels
every future not yet started. An interpreter running a unit can't be stopped: there is no way to
interrupt one from outside, so it finishes its request. Cancel: SIGALRM in the waiting caller
(`interrupted_after`). Every interpreter is started before the clock (`warm`).
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from .workload import Params, Run, executor_job, interrupted_after, open_client, outcome, unit_here


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with InterpreterPoolExecutor(p.concurrency, initializer=open_client, initargs=(p,)) as pool:
        warm(pool, p.concurrency, unit_here.__module__)

        def job():
            with interrupted_after(p.cancel_ms):
                return executor_job(lambda i: pool.submit(unit_here, p, i), p)

        yield lambda: outcome(p, job)
