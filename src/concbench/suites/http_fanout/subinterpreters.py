"""subinterpreters: W interpreters (`InterpreterPoolExecutor`), each running an asyncio loop and its
own client over its share of the requests, C split between them.

aiohttp imports in a subinterpreter but silently falls back to its pure-Python HTTP parser (its C
parser does not support subinterpreters), so this is not the same client code as in the main
interpreter. Warm before the clock: every interpreter is started (`warm`), and each, in its
initializer, has imported this suite, made its loop and client (kept between calls) and opened as
many keep-alive connections as any share's limit, since any share may land on any interpreter.
Those connections are opened with GETs of `/stats`, which carry no run token, so the server's
counts see only the timed requests. Variants: default aiohttp, `httpx`.
"""

from collections.abc import Iterator
from concurrent.futures import InterpreterPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..clients import on_worker, start_worker
from ..partition import concat
from ..pools import warm
from .workload import Params, Run, fan_out


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    shares = p.shares()
    connections = max(limit for _, limit in shares)
    indices, limits = zip(*shares, strict=True)
    with InterpreterPoolExecutor(
        len(shares), initializer=start_worker, initargs=(p.origin, p.client, connections)
    ) as pool:
        warm(pool, len(shares), fan_out.__module__)
        yield lambda: concat(list(pool.map(on_worker, repeat(fan_out), repeat(p), indices, limits)))
