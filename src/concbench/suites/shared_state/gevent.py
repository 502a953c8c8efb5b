"""gevent: one greenlet per worker, all updating one object in the hub's thread, with no lock.

Greenlets switch only where one yields to the hub (I/O, sleep, a gevent lock); the update loop has
no such point, so nothing is lost and the greenlets run one after another. The cell worker
monkey-patches the stdlib before anything else is imported, as a gevent program must.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import gevent

from .workload import COUNTER, Params, Run, prepare, text


def counter(p: Params) -> int:
    total = 0

    def work(lo: int, hi: int) -> None:
        nonlocal total
        for _ in range(hi - lo):
            total += 1

    gevent.joinall([gevent.spawn(work, lo, hi) for lo, hi in p.blocks()], raise_error=True)
    return total


def word_counts(p: Params) -> dict[str, int]:
    counts: dict[str, int] = {}
    words = text(p)

    def work(lo: int, hi: int) -> None:
        for w in words[lo:hi]:
            counts[w] = counts.get(w, 0) + 1

    gevent.joinall([gevent.spawn(work, lo, hi) for lo, hi in p.blocks()], raise_error=True)
    return counts


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    prepare(p)
    main = counter if p.shape == COUNTER else word_counts
    yield lambda: main(p)
