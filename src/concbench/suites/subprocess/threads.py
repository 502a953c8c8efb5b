"""threads: a `ThreadPoolExecutor(C)` whose threads each call `subprocess.run`, so at most C
children are alive at once. A thread waiting for its child (reading its stdout, waitpid) releases
the GIL, so the waits overlap on either build. The threads are started before the clock (`warm`).
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

from ..pools import warm
from .workload import Params, Run, accounted, run_child


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with ThreadPoolExecutor(p.concurrency) as pool:
        warm(pool, p.concurrency)
        yield accounted(p, lambda: list(pool.map(partial(run_child, p), range(p.children))))
