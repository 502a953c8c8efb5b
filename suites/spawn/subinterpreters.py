"""subinterpreters (3.14+), two variants:

- create: `concurrent.interpreters.create()`, one call into it, `close()`, per unit;
- pool: a round trip through a warm `InterpreterPoolExecutor` (submit + result), per unit.
Memory: interpreters alive at once, each having imported this module.
"""

from collections.abc import Iterator
from concurrent import interpreters
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager

from .workload import Params, Run, unit


def create_close(n: int) -> list[int]:
    done = []
    for i in range(n):
        interp = interpreters.create()
        try:
            done.append(interp.call(unit, i))
        finally:
            interp.close()
    return done


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
            yield lambda: [pool.submit(unit, i).result() for i in range(p.n)]
    else:
        yield lambda: create_close(p.n)
