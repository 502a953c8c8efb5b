"""subinterpreters: W interpreters (`InterpreterPoolExecutor`), each running an asyncio loop and its
own client over its share of the requests, C split between them.

aiohttp imports in a subinterpreter but silently falls back to its pure-Python HTTP parser (its C
parser does not support subinterpreters), so this is not the same client code as in the main
interpreter. Each interpreter's loop and client are made by the pool initializer and kept.
Variants: default aiohttp, `httpx`.
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager

from ..partition import merge
from ._clients import fetch_share, start_worker
from .workload import Params, Run


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = p.shares()
    connections = max(limit for _, limit in shares)
    with InterpreterPoolExecutor(len(shares), initializer=start_worker, initargs=(p, connections)) as pool:
        yield lambda: merge(list(pool.map(fetch_share, *zip(*shares, strict=True))), p.requests)
