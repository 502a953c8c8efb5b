"""multiprocessing: a `ProcessPoolExecutor(C)` and a future per unit (`executor_job`), each process
with its own client (`open_client`): the caller waits for the first exception or the deadline,
then cancels every future not yet started, and stops the running units the only way a process
pool can: `terminate_workers()`, which kills the pool's processes, and the pool with them (3.14;
before it, a running unit can't be stopped, as in a thread). Cancel: SIGALRM in the waiting
caller (`interrupted_after`), then the same. A pool it terminated is replaced by a fresh, warm
one after the call, outside the clock (`Outcome.after`).
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from .workload import Outcome, Params, Run, executor_job, interrupted_after, open_client, outcome, unit_here


def start(p: Params) -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(p.concurrency, initializer=open_client, initargs=(p,))
    warm(pool, p.concurrency, unit_here.__module__)
    return pool


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    pools, terminated = [start(p)], []

    def job():
        try:
            with interrupted_after(p.cancel_ms):
                return executor_job(lambda i: pools[0].submit(unit_here, p, i), p)
        except BaseException:
            if hasattr(pools[0], "terminate_workers"):  # 3.14: stop the running units, with the pool
                pools[0].terminate_workers()
                terminated.append(pools[0])
            raise

    def run() -> Outcome:
        o = outcome(p, job)
        if terminated:  # a fresh pool for the next call
            terminated.clear()
            o.after = lambda: pools.__setitem__(0, start(p))
        return o

    try:
        yield run
    finally:
        pools[0].shutdown(cancel_futures=True)
