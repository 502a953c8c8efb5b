"""multiprocessing: `ProcessPoolExecutor(workers)`, each process handling its own share of the files
in one task; only the digests travel back.

Every worker process is started in setup (`warm`), and its initializer has imported this workload
and built the files' bytes there (`prepare`), so neither a cold start nor the bytes are timed, and
no file's bytes cross a pipe. Each file is read back and hashed in the process that wrote it.
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..partition import interleave, merge
from ..pools import warm
from .workload import Params, Run, prepare, share


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = interleave(p.files, p.workers)
    with ProcessPoolExecutor(len(shares), initializer=prepare, initargs=(p,)) as pool:
        warm(pool, len(shares))
        yield lambda: merge(list(pool.map(share, repeat(p), shares)), p.files)
