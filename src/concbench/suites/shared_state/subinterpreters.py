"""subinterpreters: `InterpreterPoolExecutor` (3.14+), one interpreter per worker. Interpreters share
no Python objects, so each counts its block into an int or a dict of its own (`tally`) and returns
it (pickled back); the caller merges.

Every interpreter is started in setup (`warm`), and its initializer has imported this workload and
built the text there (`prepare`), so neither a start nor the text is timed, and no word crosses
between interpreters on the way in.
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..pools import warm
from .workload import Params, Run, merge, prepare, tally


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    blocks = p.blocks()
    with InterpreterPoolExecutor(len(blocks), initializer=prepare, initargs=(p,)) as pool:
        warm(pool, len(blocks))
        yield lambda: merge(p, list(pool.map(tally, repeat(p), blocks)))
