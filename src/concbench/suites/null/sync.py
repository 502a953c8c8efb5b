"""sync: the empty task called once per worker, in a loop: the harness's own cost of a call."""

from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, nothing


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    yield lambda: [nothing(i) for i in range(p.workers)]
