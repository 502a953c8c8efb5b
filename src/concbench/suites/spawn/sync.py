"""sync: a plain function call per unit, the floor every other model's start cost sits on."""

from collections.abc import Iterator
from contextlib import contextmanager

from ._unit import unit
from .workload import Params, Run


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    yield lambda: [unit(i) for i in range(p.n)]
