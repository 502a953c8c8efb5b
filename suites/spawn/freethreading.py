"""free-threading: a thread started and joined per unit, on a build without the GIL (same code as
threads: what changes is the interpreter). Refuses to run with the GIL on.
"""

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, unit


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
    if sys._is_gil_enabled():
        raise RuntimeError("the GIL is enabled: free-threading needs a free-threaded build with it off")
    yield lambda: start_join(p.n)
