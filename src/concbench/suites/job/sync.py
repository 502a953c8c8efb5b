"""sync: FUNCTION(i) for every item, one after another: the baseline and the reference."""

from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, ready, unit


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ready(p)
    one = unit(p)
    yield lambda: [one(i) for i in range(p.items)]
