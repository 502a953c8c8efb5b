"""Params, the per-item pipeline and its reference for the mixed workload.

Per item: GET `/doc/{i}` from the mock server (held L ms), transform the JSON document in pure
Python (`span` numbers of trial division: a few ms of CPU that holds the GIL), write the result to a
file. N items, at most C in flight. The results are the paths written; the digest covers the files'
contents, read back (and removed) outside the timed region.

The `faults=1` case (full) asks the server for http_fanout's FAULTS on every document: a lognormal
latency with a heavy tail, 503s and resets of some first tries, retried by the one policy
(`clients.aretrying`); the server then sees N + the failed first tries.
"""

import asyncio
import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from concbench.servers.content import document
from concbench.servers.faults import fails_first
from concbench.worker import heartbeat
from concbench.workloads import Variant, Workload

from ..clients import AsyncGet, Get, Response, aretrying, gather_limited, origin_of, retrying
from ..cpu_bound.workload import BASE, count_primes
from ..http_fanout.workload import FAULTS, waits_bound
from ..partition import concat, with_limits

QUICK = [{"requests": 30, "concurrency": 10, "latency_ms": 80, "span": 100}]  # ~0.6 ms of CPU an item
FULL = [
    {"requests": 300, "concurrency": 50, "latency_ms": 10, "span": 500},
    {"requests": 300, "concurrency": 50, "latency_ms": 10, "span": 500, "faults": 1},
]

Run = Callable[[], list[str]]


@dataclass(frozen=True)
class Params:
    requests: int
    concurrency: int
    latency_ms: int
    span: int
    workers: int
    variant: str = "default"
    client: str = ""  # the HTTP library this variant opens (clients.py), by name
    url: str = ""  # the server's base URL, with the cell's run token
    dir: str = ""  # the cell's scratch directory
    faults: int = 0  # 1: the server's FAULTS on every request

    @property
    def origin(self) -> str:
        return origin_of(self.url)

    def path(self, i: int) -> str:
        extra = "&" + urlencode(FAULTS) if self.faults else ""
        return f"{urlsplit(self.url).path}/doc/{i}?delay_ms={self.latency_ms}{extra}"

    def out(self, i: int) -> Path:
        return Path(self.dir) / f"{i}.json"

    def shares(self) -> list[tuple[list[int], int]]:
        """(request indices, in-flight limit) per worker, for the models with a client per worker."""
        return with_limits(self.requests, self.workers, self.concurrency)


def transform(doc: dict, span: int) -> bytes:
    """The CPU part: pure Python, holds the GIL for a few ms."""
    lo = BASE + doc["id"] * span
    out = {
        "id": doc["id"],
        "name": doc["name"].upper(),
        "tags": sorted(doc["tags"]),
        "primes": count_primes((lo, lo + span)),
        "score": doc["value"] * 3 % 101,
    }
    return json.dumps(out, sort_keys=True).encode()


def process(p: Params, i: int, response: Response) -> str:
    """Transform the fetched document and write the result: the CPU and the disk part of an item."""
    status, body = response
    if status != 200:
        raise RuntimeError(f"HTTP {status}")
    path = p.out(i)
    path.write_bytes(transform(json.loads(body), p.span))
    return str(path)


def fetch(get: Get, p: Params, i: int) -> Response:
    """Document i with a blocking client, by the one retry policy."""
    return retrying(get, p.path(i))


async def afetch(get: AsyncGet, p: Params, i: int) -> Response:
    """Document i with an async client (asyncio or trio), by the one retry policy."""
    return await aretrying(get, p.path(i))


def item(get: Get, p: Params, i: int) -> str:
    """One item with a blocking client, everything in the calling thread or greenlet."""
    return process(p, i, fetch(get, p, i))


async def item_inline(get: AsyncGet, p: Params, i: int) -> str:
    """One item on an event loop, the CPU part run right there, on the loop."""
    return process(p, i, await afetch(get, p, i))


async def item_offloaded(get: AsyncGet, p: Params, i: int) -> str:
    """One item on an event loop, the CPU and disk part handed to the loop's thread pool."""
    return await asyncio.to_thread(process, p, i, await afetch(get, p, i))


async def pipeline(get: AsyncGet, p: Params, indices: Sequence[int], limit: int) -> list[str]:
    """The items `indices` on one loop, CPU inline, at most `limit` in flight."""
    return await gather_limited(lambda i: item_inline(get, p, i), indices, limit)


async def pipeline_beating(
    get: AsyncGet, p: Params, indices: Sequence[int], limit: int
) -> tuple[list[str], list[float]]:
    """`pipeline` with a heartbeat on this worker's own loop: (results, this loop's lags), for the
    models that run a loop per thread, interpreter or process (their lag is measured where the work
    runs; a thread in the parent would see nothing of a blocked worker loop)."""
    lags: list[float] = []
    async with heartbeat.on_asyncio(lags):
        results = await pipeline(get, p, indices, limit)
    return results, lags


def joined(parts: Sequence[tuple[list[str], list[float]]]) -> list[str]:
    """The results of `pipeline_beating` from every worker in item order; the worst worker's lags kept."""
    heartbeat.take_worst([lags for _, lags in parts])
    return concat(results for results, _ in parts)


def verifiable(results: list[str]) -> list[str]:
    """The digests of the files written, read back; the files are removed for the next call."""
    digests = []
    for name in results:
        path = Path(name)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
        path.unlink()
    return digests


def reference(p: Params) -> list[str]:
    return [hashlib.sha256(transform(document(i), p.span)).hexdigest() for i in range(p.requests)]


def requests_per_call(params: dict[str, int]) -> int:
    """What the server sees per call: N first tries and a retry of each that fails."""
    if not params.get("faults"):
        return params["requests"]
    query = fault_query(params)
    return params["requests"] + sum(fails_first(i, query) for i in range(params["requests"]))


def fault_query(params: dict[str, int]) -> dict[str, str]:
    """The query of the faults case's requests, as the server reads it."""
    return {"delay_ms": str(params["latency_ms"]), **FAULTS}


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> float:
    """The longer of the network waves and the transforms spread over the cores (`reference_s`:
    what computing the N transforms for the reference took in the same worker); with faults, the
    network part is the server's waits (`waits_bound`)."""
    if params.get("faults"):
        network = waits_bound(fault_query(params), params["requests"], params["concurrency"])
    else:
        network = math.ceil(params["requests"] / params["concurrency"]) * params["latency_ms"] / 1000
    return max(network, reference_s / min(params["workers"], cores))


_URLLIB3 = Variant(imports=("urllib3",), client="urllib3")
_HTTPX = Variant("httpx", ("httpx",), "httpx", quick=False)  # the same client on every model (full)
_AIOHTTP = Variant(imports=("aiohttp",), client="aiohttp")

WORKLOAD = Workload(
    "mixed",
    "per item: fetch a JSON document (L ms), transform it in pure Python (~3 ms), write a file",
    quick=QUICK,
    full=FULL,
    variants={
        "sync": (_URLLIB3, _HTTPX),
        "threads": (_URLLIB3, _HTTPX),
        "asyncio": (  # the knob: where the CPU part runs; the client is its own field
            Variant("naive", ("aiohttp",), "aiohttp", "aiohttp, CPU on the loop"),
            Variant("offloaded", ("aiohttp",), "aiohttp", "aiohttp, CPU in asyncio.to_thread"),
            Variant("httpx", ("httpx",), "httpx", "httpx, CPU in asyncio.to_thread", quick=False),
        ),
        "trio": (
            Variant(imports=("httpx",), client="httpx", about="httpx (trio backend), CPU in to_thread"),
            Variant(
                "h11",
                ("h11",),
                "h11",
                "h11 over trio streams (a hand-written pool), CPU in to_thread",
            ),
        ),
        "gevent": (Variant(imports=("urllib3",), client="urllib3", about="urllib3, CPU on the hub"), _HTTPX),
        "freethreading": (
            Variant(imports=("aiohttp",), client="aiohttp", about="aiohttp, a loop per thread, CPU inline"),
            _HTTPX,
        ),
        "subinterpreters": (
            Variant(imports=("aiohttp",), client="aiohttp", about="aiohttp, CPU inline"),
            _HTTPX,
        ),
        "multiprocessing": (
            Variant(imports=("aiohttp",), client="aiohttp", about="aiohttp, CPU inline"),
            _HTTPX,
        ),
    },
    ideal_s=ideal_s,
    describe=lambda p: (
        f"HTTP + CPU: {p['requests']} requests, {p['concurrency']} at once, {p['latency_ms']} ms each, "
        "CPU work on each" + (", slow outliers" if p.get("faults") else "")
    ),
    tiny={"requests": 8, "concurrency": 4, "latency_ms": 30, "span": 50, "workers": 2},
    bound="latency",
    server=True,
    requests_per_call=requests_per_call,
    scratch=True,
    heartbeat=True,
    round_s=1.5,  # a good day's, on the 2-core VM (2026-12)
)
