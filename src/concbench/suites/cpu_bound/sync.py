"""sync: a plain loop over the tasks, the baseline every other model is compared with."""

from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, count_primes


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    ranges = p.ranges()
    yield lambda: [count_primes(r) for r in ranges]
