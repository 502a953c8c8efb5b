"""subinterpreters: `InterpreterPoolExecutor(workers)`, each interpreter handling its own share of
the files in one task. Params and results cross interpreters by pickling.
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager

from .workload import Params, Run, by_shares, share


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with InterpreterPoolExecutor(p.workers) as pool:
        yield lambda: by_shares(p, lambda shares: list(pool.map(share, [p] * len(shares), shares)))
