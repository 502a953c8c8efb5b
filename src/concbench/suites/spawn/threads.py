"""threads: one `threading.Thread` started and joined per unit. A thread has no return value: each
writes its result into its own slot of a list. Memory: threads blocked on an Event."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ._unit import unit
from .workload import Params, Run


def start_join(n: int) -> list[int]:
    done = [0] * n

    def one(i: int) -> None:
        done[i] = unit(i)

    for i in range(n):
        t = threading.Thread(target=one, args=(i,))
        t.start()
        t.join()
    return done


@contextmanager
def alive(n: int) -> Iterator[None]:
    release = threading.Event()
    threads = [threading.Thread(target=release.wait) for _ in range(n)]
    for t in threads:
        t.start()
    try:
        yield
    finally:
        release.set()
        for t in threads:
            t.join()


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    yield lambda: start_join(p.n)
