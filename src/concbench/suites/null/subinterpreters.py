"""subinterpreters: one empty task per worker through a warm `InterpreterPoolExecutor`."""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from .workload import Params, Run, nothing


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with InterpreterPoolExecutor(p.workers) as pool:
        warm(pool, p.workers, nothing.__module__)  # every worker started, this suite imported
        yield lambda: list(pool.map(nothing, range(p.workers)))
