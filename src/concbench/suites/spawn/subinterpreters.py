"""subinterpreters (3.14+), two variants:

- create: `concurrent.interpreters.create()`, one `call(unit, i)` into it, `close()`, per unit;
- pool: a round trip through a warm `InterpreterPoolExecutor` (submit + result), per unit, every
  worker interpreter started before the clock (`warm`).
The unit's result comes back as `call`'s (or the future's) return value. `unit` is stateless, so
`call` shares it without pickling and a new interpreter imports nothing for it; a unit that used
globals would be pickled by reference and import `_unit`, which imports nothing of the harness.
Memory: interpreters alive at once, each having run one unit.
"""

from collections.abc import Callable, Iterator
from concurrent import interpreters
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from ._unit import unit
from .workload import Params, Run


def create_close(n: int, fn: Callable = unit) -> list:
    results = []
    for i in range(n):
        interp = interpreters.create()
        try:
            results.append(interp.call(fn, i))
        finally:
            interp.close()
    return results


@contextmanager
def alive(n: int) -> Iterator[None]:
    interps = [interpreters.create() for _ in range(n)]
    try:
        for interp in interps:
            interp.call(unit, 0)
        yield
    finally:
        for interp in interps:
            interp.close()


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    if p.variant == "pool":
        with InterpreterPoolExecutor(p.workers) as pool:
            warm(pool, p.workers)
            yield lambda: [pool.submit(unit, i).result() for i in range(p.n)]
    else:
        yield lambda: create_close(p.n)
