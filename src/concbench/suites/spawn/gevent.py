"""gevent: one greenlet spawned and joined per unit; memory: greenlets waiting on a gevent Event."""

from collections.abc import Iterator
from contextlib import contextmanager

import gevent
from gevent.event import Event

from ._unit import unit
from .workload import Params, Run


def start_join(n: int) -> list[int]:
    return [gevent.spawn(unit, i).get() for i in range(n)]


@contextmanager
def alive(n: int) -> Iterator[None]:
    release = Event()
    greenlets = [gevent.spawn(release.wait) for _ in range(n)]
    gevent.sleep(0)  # let every greenlet start and block
    try:
        yield
    finally:
        release.set()
        gevent.joinall(greenlets)


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    yield lambda: start_join(p.n)
