"""Params, what each request returns and the reference for the HTTP fan-out workload.

N GETs of `/item/{i}` (the server waits `latency_ms`, then returns `size` bytes derived from i), at
most `concurrency` in flight in total. Each request gives `(sha256 of the body, latency in s)`, in
request order: the digests prove the right bodies arrived, the latencies give the percentiles.
"""

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from concbench.servers.content import body
from concbench.workloads import Variant, Workload

from ..clients import AsyncGet, Get, gather_limited, origin_of
from ..partition import with_limits

QUICK = [{"requests": 40, "concurrency": 10, "latency_ms": 10, "size": 1024}]
FULL = [{"requests": 200, "concurrency": 20, "latency_ms": 20, "size": 1024}]
Fetched = tuple[str, float]
Run = Callable[[], list[Fetched]]


@dataclass(frozen=True)
class Params:
    requests: int
    concurrency: int
    latency_ms: int
    size: int
    workers: int
    variant: str = "default"
    client: str = ""  # the HTTP library this variant opens (clients.py), by name
    url: str = ""  # the server's base URL, with the cell's run token

    def path(self, i: int) -> str:
        return f"{urlsplit(self.url).path}/item/{i}?delay_ms={self.latency_ms}&size={self.size}"

    @property
    def origin(self) -> str:
        return origin_of(self.url)

    def shares(self) -> list[tuple[list[int], int]]:
        """(request indices, in-flight limit) per worker, for the models with a client per worker."""
        return with_limits(self.requests, self.workers, self.concurrency)


def fetched(status: int, data: bytes, t0: float) -> Fetched:
    """What one request gives: the body's digest and the latency since t0 (perf_counter)."""
    latency = time.perf_counter() - t0
    if status != 200:
        raise RuntimeError(f"HTTP {status}")
    return hashlib.sha256(data).hexdigest(), latency


def fetch(get: Get, p: Params, i: int) -> Fetched:
    """One request with a blocking client."""
    t0 = time.perf_counter()
    return fetched(*get(p.path(i)), t0)


async def afetch(get: AsyncGet, p: Params, i: int) -> Fetched:
    """One request with an async client."""
    t0 = time.perf_counter()
    return fetched(*await get(p.path(i)), t0)


async def fan_out(get: AsyncGet, p: Params, indices: Sequence[int], limit: int) -> list[Fetched]:
    """asyncio: the requests `indices`, at most `limit` in flight (a task each, a semaphore)."""
    return await gather_limited(lambda i: afetch(get, p, i), indices, limit)


def verifiable(results: list[Fetched]) -> list[str]:
    return [digest for digest, _ in results]


def latencies(results: list[Fetched]) -> list[float]:
    return [latency for _, latency in results]


def reference(p: Params) -> list[str]:
    return [hashlib.sha256(body(i, p.size)).hexdigest() for i in range(p.requests)]


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> float:
    """Every wave of C requests takes exactly the server latency."""
    return math.ceil(params["requests"] / params["concurrency"]) * params["latency_ms"] / 1000


_BLOCKING = (Variant(imports=("urllib3",), client="urllib3"), Variant("httpx", ("httpx",), "httpx"))
_AIOHTTP_OR_HTTPX = (Variant(imports=("aiohttp",), client="aiohttp"), Variant("httpx", ("httpx",), "httpx"))

WORKLOAD = Workload(
    "http_fanout",
    "N GETs to the mock server, at most C in flight, each taking L ms on the server",
    quick=QUICK,
    full=FULL,
    variants={
        "sync": _BLOCKING,
        "threads": _BLOCKING,
        "asyncio": (
            *_AIOHTTP_OR_HTTPX,
            Variant("uvloop", ("aiohttp", "uvloop"), "aiohttp", "aiohttp on uvloop"),
        ),
        "trio": (
            Variant(imports=("httpx",), client="httpx", about="httpx (trio backend)"),
            Variant("h11", ("h11",), "h11", "h11 over trio streams (a hand-written pool)"),
        ),
        "gevent": _BLOCKING,
        "freethreading": (
            Variant(imports=("aiohttp",), client="aiohttp", about="aiohttp, a loop per thread"),
            Variant("httpx", ("httpx",), "httpx", "httpx, a loop per thread"),
        ),
        "subinterpreters": _AIOHTTP_OR_HTTPX,
        "multiprocessing": _AIOHTTP_OR_HTTPX,
    },
    ideal_s=ideal_s,
    tiny={"requests": 8, "concurrency": 4, "latency_ms": 30, "size": 100, "workers": 2},
    bound="latency",
    server=True,
    requests_per_call=lambda params: params["requests"],
    any_server=True,
)
