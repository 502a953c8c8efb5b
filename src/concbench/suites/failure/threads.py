"""threads: a `ThreadPoolExecutor(C)` for the cell's life and a future per unit (`executor_job`):
the caller waits for the first exception, or the deadline (`wait(timeout=)`), then cancels every
future not yet started. A running thread can't be stopped: it finishes its request, whatever the
caller does. Cancel: SIGALRM raises `Cancelled` where the caller waits (`interrupted_after`, as
Ctrl-C raises KeyboardInterrupt), and it cancels the same way. The threads are started before
the clock (`warm`). Variant `timeouts`: each request's timeout is what is left of the deadline
(`unit_until`, as sync's), so the requests stop at it, though the threads can't be.
"""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from .workload import Params, Run, connect, executor_job, interrupted_after, outcome, unit_until


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with connect(p, p.concurrency) as http, ThreadPoolExecutor(p.concurrency) as pool:
        warm(pool, p.concurrency)

        def job():
            timed = p.variant == "timeouts" and p.deadline_ms
            end = time.monotonic() + p.deadline_s if timed else None
            with interrupted_after(p.cancel_ms):
                return executor_job(lambda i: pool.submit(unit_until, http, p, i, end), p)

        yield lambda: outcome(p, job)
