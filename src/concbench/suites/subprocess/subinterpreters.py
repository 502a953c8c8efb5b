"""subinterpreters: `InterpreterPoolExecutor(W)`, each interpreter with its own contiguous share of
the children and of C (`with_limits`, so at most C alive in all), which it starts and collects
itself with `Popen`, up to its limit at once (`window`).

An isolated interpreter may not `os.fork()` or `os.exec*()` ("fork not supported for isolated
subinterpreters"), but fork+exec in one step, which is what `subprocess` does, is allowed. Every
interpreter is started and has imported this workload before the clock (`warm`).
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..partition import concat
from ..pools import warm
from .workload import Params, Run, accounted, window


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = p.shares()
    indices, limits = zip(*shares, strict=True)
    with InterpreterPoolExecutor(len(shares)) as pool:
        warm(pool, len(shares), window.__module__)
        yield accounted(p, lambda: concat(pool.map(window, repeat(p), indices, limits)))
