"""Params, proof and reference for the serve workload: the same web app on the servers people deploy.

A cell starts its model's server (gunicorn's sync, gthread or gevent workers, uvicorn, hypercorn
on trio) on a loopback socket it bound itself, then times wrk answering `requests` requests over
`connections` connections, closed loop (each connection sends its next request when the last is
answered). The app (`_app.py`) fetches an item from the mock server (held `latency_ms` there), does
`work` units of pure-Python CPU work on it (cpu_bound's unit: 250 are about 1 ms) and answers JSON.

One connection policy for every model: each request on a new connection (`Connection: close`), what
a server behind nginx's default proxy sees (HTTP/1.0 upstream, no keep-alive) and what gunicorn's
sync workers do anyway. Models that fork run W = `workers` processes; a model with threads runs
K / W threads per process so that it can hold all K connections at once, as an event loop can.

Proof, per call (`verifiable`): every response was 200 with the same body, and that body is the
reference's (the digest); wrk counted no connect, read, write or timeout error (ERRORS_MAX); and the
mock server saw between `answered` and `answered + connections` downstream calls (wrk stops with
up to K requests in flight, which the server still finishes).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from concbench.servers.content import body
from concbench.suites.cpu_bound.workload import BASE, sieve
from concbench.workloads import Metric, Variant, Workload

from ..clients import origin_of
from ._app import ITEM

SIZE = 1024  # bytes of the downstream's answer
NO_WRK = "wrk is not installed: apt-get install wrk (Debian, Ubuntu) or brew install wrk (macOS)"
ERRORS_MAX = 0  # wrk's connect, read, write and timeout errors a cell may have and still pass
QUICK = [
    {"requests": 300, "connections": 32, "latency_ms": 10, "work": 0},
    {"requests": 200, "connections": 32, "latency_ms": 10, "work": 1250},
]
FULL = [
    {"requests": r, "connections": 32, "latency_ms": latency, "work": work}
    for latency in (0, 10, 50)
    for work, r in ((0, 300), (250, 300), (1250, 200))
]


@dataclass(frozen=True)
class Params:
    requests: int
    connections: int
    latency_ms: int
    work: int
    workers: int
    variant: str = "default"
    url: str = ""  # the mock server's base URL, with the cell's run token

    @property
    def downstream(self) -> str:
        """The URL the app fetches for every request."""
        query = urlencode({"delay_ms": self.latency_ms, "size": SIZE})
        return f"{self.url}/item/{ITEM}?{query}"

    @property
    def origin(self) -> str:
        return origin_of(self.url)

    @property
    def threads(self) -> int:
        """Threads per process for a model with W processes: enough to hold all K connections."""
        return math.ceil(self.connections / self.workers)


@dataclass
class Burst:
    """What one timed call of wrk saw, and the proof still to take (outside the clock)."""

    answered: int
    bad: int  # responses that were not 200 or not the first response's body
    errors: int  # wrk's connect, read, write and timeout errors
    body: bytes  # the first response's body
    requests: int  # what it was asked to answer
    connections: int
    downstream: Callable[[], int]  # the mock server's downstream calls since the last call, once drained


def verifiable(results: Burst) -> list:
    """The proof of one call: the body's digest, how many responses differed, whether all were
    answered and wrk's errors stayed within ERRORS_MAX, and whether the mock server saw a downstream
    call per answer (and at most K more: those wrk left in flight)."""
    seen = results.downstream()
    return [
        hashlib.sha256(results.body).hexdigest(),
        results.answered >= results.requests,
        results.bad,
        results.errors <= ERRORS_MAX,
        results.answered <= seen <= results.answered + results.connections,
    ]


def expected_body(work: int) -> bytes:
    """The app's answer, computed another way: its primes by a sieve."""
    data = body(ITEM, SIZE)
    digest = hashlib.sha256(data).hexdigest()
    lo = BASE + int(digest[:4], 16) * 2
    primes = sieve(lo, lo + work).count(1)
    return json.dumps({"item": ITEM, "bytes": SIZE, "sha256": digest, "primes": primes}).encode()


def reference(p: Params) -> list:
    return [hashlib.sha256(expected_body(p.work)).hexdigest(), True, 0, True, True]


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> float | None:
    """Each connection's requests follow one another and each waits L at the mock server: N
    answered over K connections take at least ceil(N / K) × L (None when L is 0)."""
    if not params["latency_ms"]:
        return None
    return math.ceil(params["requests"] / params["connections"]) * params["latency_ms"] / 1000


def describe(p: dict[str, int]) -> str:
    cpu = f"{p['work'] / 250:.0f} ms of CPU" if p["work"] else "no CPU work"
    return f"a web app: {p['latency_ms']} ms downstream, {cpu} a request, {p['connections']} connections"


_GUNICORN = ("gunicorn", "urllib3")
_ASGI_ASYNCIO = ("uvicorn", "aiohttp")

WORKLOAD = Workload(
    "serve",
    "a web app (a downstream call held L ms, then c of CPU work) on the servers people deploy, "
    "driven by wrk over K connections",
    quick=QUICK,
    full=FULL,
    variants={
        "sync": (Variant(imports=_GUNICORN, client="urllib3", about="gunicorn, sync workers"),),
        "threads": (Variant(imports=_GUNICORN, client="urllib3", about="gunicorn, gthread workers"),),
        "asyncio": (
            Variant(imports=_ASGI_ASYNCIO, client="aiohttp", about="uvicorn, one process"),
            Variant("httpx", ("uvicorn", "httpx"), "httpx", "uvicorn, the downstream through httpx", False),
            Variant("aiohttp", ("aiohttp",), "aiohttp", "aiohttp.web's own server", False),
        ),
        "trio": (Variant(imports=("hypercorn", "httpx"), client="httpx", about="hypercorn, trio worker"),),
        "gevent": (Variant(imports=_GUNICORN, client="urllib3", about="gunicorn, gevent workers"),),
        "freethreading": (
            Variant(imports=_GUNICORN, client="urllib3", about="gunicorn, gthread: one process of K threads"),
        ),
        "subinterpreters": (Variant(),),
        "multiprocessing": (Variant(imports=_ASGI_ASYNCIO, client="aiohttp", about="uvicorn --workers W"),),
    },
    ideal_s=ideal_s,
    describe=describe,
    tiny={"requests": 20, "connections": 4, "latency_ms": 5, "work": 250, "workers": 2},
    bound="latency",
    server=True,
    not_applicable={
        "subinterpreters": "no maintained server runs its workers in subinterpreters (gunicorn, uvicorn, "
        "hypercorn and granian fork processes or start threads; 2026-12)"
    },
    tools=(("wrk", NO_WRK),),
    metrics=(
        Metric("req_per_s", "req/s", ".0f"),
        Metric("lat_max_ms", "max ms", ".0f"),
        Metric("app_cpu_ms", "app CPU ms/req", ".2f"),
        Metric("mock_cpu_ms", "mock CPU ms/req", ".2f"),
        Metric("wrk_core", "wrk cores", ".2f"),
        Metric("pss_worker_mb", "MB/worker", ".1f"),
        Metric("pss_total_mb", "MB total", ".1f", chart=True),
        Metric("server", "server", "s"),
    ),
    round_s=3.0,  # server up, a warm-up and a timed call of wrk, server down (2026-12, 2-core VM)
)
