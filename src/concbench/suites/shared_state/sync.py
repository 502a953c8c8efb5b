"""sync: one loop making every update into a count of its own: the floor that sharing is priced against."""

from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, prepare, tally


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    prepare(p)
    yield lambda: tally(p, (0, p.n))
