"""free-threading: one thread per core, each writing, reading and deleting its own share of the
files (every `workers`-th one), no queue and no lock. Refuses to run with the GIL on.
"""

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, by_shares, share


def run_shares(p: Params, shares: list[list[int]]) -> list[list[str]]:
    parts: list[list[str]] = [[] for _ in shares]

    def work(k: int) -> None:
        parts[k] = share(p, shares[k])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(shares))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if sys._is_gil_enabled():
        raise RuntimeError("the GIL was re-enabled during the run")
    return parts


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    if sys._is_gil_enabled():
        raise RuntimeError("the GIL is enabled: free-threading needs a free-threaded build with it off")
    yield lambda: by_shares(p, lambda shares: run_shares(p, shares))
