"""multiprocessing: `ProcessPoolExecutor(workers)`, each process handling its own share of the files
in one task; only the digests travel back.
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from .workload import Params, Run, by_shares, share


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with ProcessPoolExecutor(p.workers) as pool:
        yield lambda: by_shares(p, lambda shares: list(pool.map(share, [p] * len(shares), shares)))
