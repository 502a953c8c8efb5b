"""gevent: a pair is two greenlets and two `gevent.queue.Queue`s, one each way, in the one hub of
the cell's thread. The echo greenlets live for the whole cell; a call spawns one pinger greenlet per
pair, all pairs at once, and joins them. A hop is a switch between greenlets, through the hub.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import gevent
from gevent.queue import Queue

from ._pair import echo, ping
from .workload import Params, Run


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    pairs = [(Queue(), Queue(), k) for k in range(p.pairs)]
    echoes = [gevent.spawn(echo, *pair) for pair in pairs]

    def run() -> list[int]:
        pingers = [gevent.spawn(ping, *pair, p.n) for pair in pairs]
        gevent.joinall(pingers, raise_error=True)
        return [g.value for g in pingers]

    try:
        yield run
    finally:
        for inbox, _, _ in pairs:
            inbox.put(None)
        gevent.joinall(echoes, raise_error=True)
