"""gevent: a greenlet per unit, a `BoundedSemaphore(C)` bounding how many run, the same blocking
client as threads (monkey-patched, so its sockets yield to the hub).

Fail-fast: `joinall(raise_error=True)` raises the first failure in the caller, and `killall` in
`finally` kills the siblings (GreenletExit in each, where it waits; urllib3 drops its
connection). Deadline: `gevent.Timeout` around the join. Cancel: the job runs in a greenlet of
its own, which the outside kills with `Cancelled` at t (`Greenlet.kill`, as a server kills a
request's greenlet); its `finally` kills the siblings the same way.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import gevent
from gevent.lock import BoundedSemaphore

from .workload import Cancelled, Params, Result, Run, connect, outcome, unit


def job(http, p: Params) -> list[Result]:
    slots = BoundedSemaphore(p.concurrency)

    def one(i: int) -> Result:
        with slots:
            return unit(http, p, i)

    greenlets = [gevent.spawn(one, i) for i in range(p.units)]
    try:
        with gevent.Timeout(p.deadline_s):
            gevent.joinall(greenlets, raise_error=True)
        return [g.value for g in greenlets]
    finally:
        gevent.killall(greenlets)


def caller(http, p: Params) -> list[Result]:
    gevent.get_hub().loop.update_now()  # its timers count from the loop's cached time
    g = gevent.spawn(job, http, p)
    killer = p.cancel_ms and gevent.spawn_later(
        p.cancel_ms / 1000, g.kill, Cancelled(f"cancelled from outside after {p.cancel_ms} ms"), block=False
    )
    try:
        return g.get()
    finally:
        if killer:
            killer.kill()


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with connect(p, p.concurrency) as http:
        yield lambda: outcome(p, lambda: caller(http, p))
