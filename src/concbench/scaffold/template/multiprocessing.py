"""multiprocessing: `ProcessPoolExecutor(workers)`, one process per worker, with the interpreter's
default start method (forkserver on Linux since 3.14).

Before the clock every process is started and has imported this workload (`warm`): `work` goes to
them by reference and the inputs and results are pickled.
"""

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from concbench.kit.pools import warm

from .workload import Params, Run, work


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    inputs = p.inputs()
    with ProcessPoolExecutor(p.workers) as pool:
        warm(pool, p.workers, work.__module__)
        yield lambda: list(pool.map(work, inputs))
