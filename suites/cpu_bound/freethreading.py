"""free-threading: code written for a GIL-free interpreter (3.14t).

One thread per core, each with a static share of the tasks (every `workers`-th one): no shared queue,
no lock, results written into disjoint slots. It refuses to run with the GIL on and fails the cell if
the GIL came back during the work (an extension module can switch it back on).
"""

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, count_primes


def run(ranges: list[tuple[int, int]], workers: int) -> list[int]:
    results = [0] * len(ranges)

    def share(k: int) -> None:
        results[k::workers] = [count_primes(r) for r in ranges[k::workers]]

    threads = [threading.Thread(target=share, args=(k,)) for k in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if sys._is_gil_enabled():
        raise RuntimeError("the GIL was re-enabled during the run")
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    if sys._is_gil_enabled():
        raise RuntimeError("the GIL is enabled: free-threading needs a free-threaded build with it off")
    ranges = p.ranges()
    yield lambda: run(ranges, p.workers)
