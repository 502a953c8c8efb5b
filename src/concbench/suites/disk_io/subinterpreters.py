"""subinterpreters: `InterpreterPoolExecutor(workers)`, each interpreter handling its own share of
the files in one task. Params and results cross interpreters by pickling.

Every worker interpreter is started in setup (`warm`), and its initializer has imported this
workload and built the files' bytes there (`prepare`), so neither a cold start nor the bytes are
timed. Each file is read back and hashed in the interpreter that wrote it.
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..partition import interleave, merge
from ..pools import warm
from .workload import Params, Run, prepare, share


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = interleave(p.files, p.workers)
    with InterpreterPoolExecutor(len(shares), initializer=prepare, initargs=(p,)) as pool:
        warm(pool, len(shares))
        yield lambda: merge(list(pool.map(share, repeat(p), shares)), p.files)
