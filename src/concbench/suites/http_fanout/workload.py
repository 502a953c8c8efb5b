"""Params, what each request returns and the reference for the HTTP fan-out workload.

N GETs of `/item/{i}` (the server waits `latency_ms`, then returns `size` bytes derived from i), at
most `concurrency` in flight in total. Each request gives `(sha256 of the body, latency in s)`, in
request order: the digests prove the right bodies arrived, the latencies give the percentiles.

The `faults=1` case (full) asks the server for its faults (`FAULTS`): a lognormal latency, L its
median with a p99 of P99X × L (a heavy tail: the static shares of the models with a client per
worker wait on their slowest block, a shared queue does not), 503s and connection resets of some
first tries. Every model retries them by the one policy (`clients.retrying`); the server then sees
N + the failed first tries (`faults.fails_first`), and the digests are of the bodies that came.
"""

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from concbench.servers.content import body
from concbench.servers.faults import fails_first, fault_plan
from concbench.workloads import Variant, Workload

from ..clients import AsyncGet, Get, aretrying, gather_limited, origin_of, retrying
from ..partition import with_limits

# 25 ms (10 before): each request's fixed CPU stays small beside the ideal on a slow day too
QUICK = [{"requests": 40, "concurrency": 10, "latency_ms": 35, "size": 1024}]
FULL = [
    {"requests": 200, "concurrency": 20, "latency_ms": 20, "size": 1024},
    {"requests": 200, "concurrency": 20, "latency_ms": 20, "size": 1024, "faults": 1},
]
P99X = 10  # the faults case's p99 / median latency
FAULTS = {"dist": "lognormal", "p99x": str(P99X), "fail503": "0.05", "reset": "0.03"}
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
    faults: int = 0  # 1: the server's FAULTS on every request

    def path(self, i: int) -> str:
        return f"{urlsplit(self.url).path}/item/{i}?delay_ms={self.latency_ms}&size={self.size}{self.extra}"

    @property
    def extra(self) -> str:
        """The faults' part of the query ("" without)."""
        return "&" + urlencode(FAULTS) if self.faults else ""

    @property
    def origin(self) -> str:
        return origin_of(self.url)

    def shares(self) -> list[tuple[list[int], int]]:
        """(request indices, in-flight limit) per worker, for the models with a client per worker."""
        return with_limits(self.requests, self.workers, self.concurrency)


def query_of(params: dict) -> dict[str, str]:
    """The query of every request of a case (its params): latency, size and the faults asked for."""
    query = {"delay_ms": str(params["latency_ms"]), "size": str(params["size"])}
    return {**query, **FAULTS} if params.get("faults") else query


def requests_per_call(params: dict[str, int]) -> int:
    """What the server sees per call: N first tries and a retry of each that fails."""
    query = query_of(params)
    return params["requests"] + sum(fails_first(i, query) for i in range(params["requests"]))


def fetched(status: int, data: bytes, t0: float) -> Fetched:
    """What one request gives: the body's digest and the latency since t0 (perf_counter)."""
    latency = time.perf_counter() - t0
    if status != 200:
        raise RuntimeError(f"HTTP {status}")
    return hashlib.sha256(data).hexdigest(), latency


def fetch(get: Get, p: Params, i: int) -> Fetched:
    """One request with a blocking client."""
    t0 = time.perf_counter()
    return fetched(*retrying(get, p.path(i)), t0)


async def afetch(get: AsyncGet, p: Params, i: int) -> Fetched:
    """One request with an async client."""
    t0 = time.perf_counter()
    return fetched(*await aretrying(get, p.path(i)), t0)


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
    """Every wave of C requests takes exactly the server latency; with faults, the longest request
    (its retry included) or all the server's waits spread over C, whichever is longer."""
    if not params.get("faults"):
        return math.ceil(params["requests"] / params["concurrency"]) * params["latency_ms"] / 1000
    return waits_bound(query_of(params), params["requests"], params["concurrency"])


def waits_bound(query: dict[str, str], n: int, concurrency: int) -> float:
    """The shortest wall for n requests of `query`, at most C in flight: the longest server wait (its
    retry included) or all of them spread over C, whichever is longer."""
    waits = [fault_plan(i, 0, query).delay_s * (1 + fails_first(i, query)) for i in range(n)]
    return max(max(waits, default=0.0), sum(waits) / concurrency)


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
    describe=lambda p: (
        f"HTTP: {p['requests']} requests, {p['concurrency']} at once, {p['latency_ms']} ms each"
        + (", slow outliers" if p.get("faults") else "")
    ),
    tiny={"requests": 8, "concurrency": 4, "latency_ms": 30, "size": 100, "workers": 2},
    bound="latency",
    server=True,
    requests_per_call=requests_per_call,
    any_server=True,
    round_s=1.0,  # a good day's, on the 2-core VM (2026-12)
)
