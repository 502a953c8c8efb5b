"""Warm pools: every worker of a `ProcessPoolExecutor` or `InterpreterPoolExecutor` started, its
initializer run and its imports done, before the first timed call.

Both executors start workers lazily, as tasks arrive, so one warm-up call can leave a worker cold,
and its start-up would then land in a timed value. `warm(pool, n)` submits n tasks at a time that
each hold their worker briefly (so the pool must start a worker per task) and report who ran them,
until n different workers have reported in.
"""

import os
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

HOLD_S = 0.02  # long enough that the n tasks cannot all be done by fewer workers
TRIES = 50


def who(touch: Callable[[int], Any] | None = None, hold_s: float = HOLD_S) -> tuple[int, int]:
    """The worker this runs in: (process id, interpreter id), after calling `touch(0)` (which makes
    the worker import the module that `touch` comes from, as the real tasks will)."""
    if touch is not None:
        touch(0)
    time.sleep(hold_s)
    try:
        from concurrent import interpreters

        interp = interpreters.get_current().id
    except ImportError:  # before 3.14: one interpreter per process
        interp = 0
    return os.getpid(), interp


def warm(pool: Executor, n: int, touch: Callable[[int], Any] | None = None) -> set[tuple[int, int]]:
    """Start all n workers of `pool`, each having called `touch(0)` if given (a module-level
    function of the workload: its module is then imported everywhere); returns who reported in
    (n of them). Raises if they don't."""
    seen: set[tuple[int, int]] = set()
    for _ in range(TRIES):
        seen |= {f.result() for f in [pool.submit(who, touch) for _ in range(n)]}
        if len(seen) >= n:
            return seen
    raise RuntimeError(f"only {len(seen)} of {n} pool workers started")
