"""multiprocessing: `ProcessPoolExecutor(workers)`, each process handling its own share of the files
in one task; only the digests travel back.
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..partition import interleave, merge
from .workload import Params, Run, share


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = interleave(p.files, p.workers)
    with ProcessPoolExecutor(len(shares)) as pool:
        yield lambda: merge(list(pool.map(share, repeat(p), shares)), p.files)
