"""subinterpreters: `InterpreterPoolExecutor(workers)` (3.14+), one interpreter per worker, each with
its own GIL, all in one process.

Before the clock every interpreter is started and has imported this workload (`warm`): `work` goes
to them by reference and the inputs and results are pickled.
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager

from concbench.kit.pools import warm

from .workload import Params, Run, work


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    inputs = p.inputs()
    with InterpreterPoolExecutor(p.workers) as pool:
        warm(pool, p.workers, work.__module__)
        yield lambda: list(pool.map(work, inputs))
