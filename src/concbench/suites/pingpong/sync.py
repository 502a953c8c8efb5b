"""sync: the same exchange as plain calls, the floor under every other model: the pinger calls the
echo's function and gets the answer back, R times, one pair after another."""

from collections.abc import Iterator
from contextlib import contextmanager

from ._pair import answer
from .workload import Params, Run


def chain(k: int, n: int) -> int:
    x = k
    for _ in range(n):
        x = answer(x, k)
    return x


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    yield lambda: [chain(k, p.n) for k in range(p.pairs)]
