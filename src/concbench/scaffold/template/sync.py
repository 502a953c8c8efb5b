"""sync: a plain loop over the tasks, the baseline every other model is compared with."""

from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, work


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    inputs = p.inputs()
    yield lambda: [work(x) for x in inputs]
