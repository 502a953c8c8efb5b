"""sync: `subprocess.run` for one child after another, the baseline."""

from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, accounted, run_child


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    yield accounted(p, lambda: [run_child(p, i) for i in range(p.children)])
