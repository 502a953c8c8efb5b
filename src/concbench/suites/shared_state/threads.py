"""threads: a warm `ThreadPoolExecutor`, one task per worker, all updating one shared object, each
update under one `threading.Lock`. The same code on both builds; free-threading reuses it.

Why the lock: `total += 1` is a read, an add and a write, and `counts[w] = counts.get(w, 0) + 1` a
get and a set; another thread's update between the two is lost. With the GIL a thread can be
switched out there; without it, on 3.14t, the dict's own per-object lock makes the get atomic and
the set atomic, not the pair. One lock for the whole object, as such code usually has; striping
it by word would not help, since every update still goes through the dict's own lock (tried: slower
than one lock). Counting locally and merging is free-threading's `local`; under the GIL it is sync.
"""

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from .workload import COUNTER, Params, Run, prepare, text

Each = Callable[[Callable[[int], None]], object]  # runs work(k) on worker k, all at once, and waits


def shared(p: Params, each: Each) -> Run:
    """A call: every worker updates one object under one lock; that object is the result."""
    blocks, lock = p.blocks(), threading.Lock()

    def counter() -> int:
        total = 0

        def work(k: int) -> None:
            nonlocal total
            lo, hi = blocks[k]
            for _ in range(hi - lo):
                with lock:
                    total += 1

        each(work)
        return total

    def word_counts() -> dict[str, int]:
        counts: dict[str, int] = {}
        words = text(p)

        def work(k: int) -> None:
            lo, hi = blocks[k]
            for w in words[lo:hi]:
                with lock:
                    counts[w] = counts.get(w, 0) + 1

        each(work)
        return counts

    return counter if p.shape == COUNTER else word_counts


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    prepare(p)
    workers = len(p.blocks())
    with ThreadPoolExecutor(workers) as pool:
        warm(pool, workers)
        yield shared(p, lambda work: list(pool.map(work, range(workers))))
