"""subinterpreters: W interpreters (`InterpreterPoolExecutor`), each with its own GIL, each running an asyncio
loop with aiohttp over its share of the items and of C, the CPU part inline on its own loop.

Each worker's loop and client are made by the pool initializer and kept between calls.
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..clients import on_worker, start_worker
from ..partition import concat
from .workload import Params, Run, pipeline


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = p.shares()
    indices, limits = zip(*shares, strict=True)
    with InterpreterPoolExecutor(
        len(shares), initializer=start_worker, initargs=(p.origin, "default", max(limits))
    ) as pool:
        yield lambda: concat(list(pool.map(on_worker, repeat(pipeline), repeat(p), indices, limits)))
