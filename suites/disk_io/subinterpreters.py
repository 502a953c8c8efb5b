"""subinterpreters: `InterpreterPoolExecutor(workers)`, each interpreter handling its own share of
the files in one task. Params and results cross interpreters by pickling.
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..partition import interleave, merge
from .workload import Params, Run, share


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = interleave(p.files, p.workers)
    with InterpreterPoolExecutor(len(shares)) as pool:
        yield lambda: merge(list(pool.map(share, repeat(p), shares)), p.files)
