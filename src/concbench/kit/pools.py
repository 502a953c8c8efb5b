"""Warm pools: every worker of an executor (processes, interpreters or threads) started, its
initializer run and its imports done, before the first timed call.

Both executors start workers lazily, as tasks arrive, so one warm-up call can leave a worker cold,
and its start-up would then land in a timed value. `warm(pool, n)` submits n tasks at a time that
each hold their worker briefly (so the pool must start a worker per task) and report who ran them,
until n different workers have reported in.
"""

import importlib
import os
import threading
import time
from concurrent.futures import Executor

HOLD_S = 0.02  # long enough that the n tasks cannot all be done by fewer workers
TRIES = 50


def who(module: str = "", hold_s: float = HOLD_S) -> tuple[int, int, int]:
    """The worker this runs in: (process id, interpreter id, thread id), after importing `module`."""
    if module:
        importlib.import_module(module)
    time.sleep(hold_s)
    try:
        from concurrent import interpreters

        interp = interpreters.get_current().id
    except ImportError:  # before 3.14: one interpreter per process
        interp = 0
    return os.getpid(), interp, threading.get_ident()


def warm(pool: Executor, n: int, module: str = "") -> set[tuple[int, int, int]]:
    """Start all n workers of `pool`, each having imported `module` (the suite its tasks come from,
    which they would otherwise import in the first timed call); returns who reported in (n of
    them). Raises if they don't."""
    seen: set[tuple[int, int]] = set()
    for _ in range(TRIES):
        seen |= {f.result() for f in [pool.submit(who, module) for _ in range(n)]}
        if len(seen) >= n:
            return seen
    raise RuntimeError(f"only {len(seen)} of {n} pool workers started")
