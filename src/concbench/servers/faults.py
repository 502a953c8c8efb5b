"""What the mock server does to request i: its query parameters, checked, and the faults they ask
for, decided by (i, attempt) alone, so a reference knows what must happen (no aiohttp here).

    delay_ms=D      the median wait (the mean for dist=exp), 0..60000
    dist=fixed|exp|lognormal   the wait of item i: D; exponential; lognormal, its p99 `p99x` × D
    size=S          the body's bytes (/item), 0..16 MiB
    status=C        the status to answer with, 200..599
    fail503=F       a fraction F of the first tries (attempt=0) answer 503; retries succeed
    reset=F         a fraction F of the first tries that did not fail get the connection reset after
                    the headers and part of the body; retries succeed
    trickle_ms=T    the body is written in chunks of `CHUNK` bytes, T ms apart
    attempt=A       which try this is: 0 the first, 1.. the retries
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

MAX_SIZE = 16 * 1024 * 1024  # bytes
MAX_DELAY_MS = 60_000
MAX_TRICKLE_MS = 10_000
MAX_ATTEMPT = 100
MAX_P99X = 1000.0
DISTS = ("fixed", "exp", "lognormal")
CHUNK = 256  # bytes per write of a trickled body
Z99 = NormalDist().inv_cdf(0.99)


class BadQuery(ValueError):
    """A query parameter that is not a number, or out of its range: the message says which."""


@dataclass(frozen=True)
class Fault:
    """What the server does to one request."""

    delay_s: float = 0.0
    status: int = 200
    reset: bool = False  # headers and part of the body, then the connection is aborted
    trickle_s: float = 0.0  # between the body's chunks


def _int(query: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadQuery(f"{name}={raw[:40]!r}: not an integer") from None
    if not lo <= value <= hi:
        raise BadQuery(f"{name}={value}: must be in {lo}..{hi}")
    return value


def _float(query: Mapping[str, str], name: str, default: float, lo: float, hi: float) -> float:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadQuery(f"{name}={raw[:40]!r}: not a number") from None
    if not lo <= value <= hi:  # NaN fails this too
        raise BadQuery(f"{name}={raw[:40]}: must be in {lo:g}..{hi:g}")
    return value


def size_of(query: Mapping[str, str], default: int = 1024) -> int:
    """The body size asked for, within the cap."""
    return _int(query, "size", default, 0, MAX_SIZE)


def attempt_of(query: Mapping[str, str]) -> int:
    return _int(query, "attempt", 0, 0, MAX_ATTEMPT)


def unit(salt: str, i: int) -> float:
    """A number in [0, 1) fixed by (salt, i)."""
    return int.from_bytes(hashlib.sha256(f"{salt}:{i}".encode()).digest()[:8], "big") / 2**64


def delay_s(i: int, dist: str, delay_ms: int, p99x: float) -> float:
    """The wait of item i: a deterministic draw from the distribution, capped at MAX_DELAY_MS."""
    u = min(max(unit("delay", i), 1e-12), 1 - 1e-12)
    if dist == "exp":
        ms = -delay_ms * math.log1p(-u)
    elif dist == "lognormal":
        ms = delay_ms * math.exp(math.log(p99x) / Z99 * NormalDist().inv_cdf(u))
    else:
        ms = delay_ms
    return min(ms, MAX_DELAY_MS) / 1000


def fault_plan(i: int, attempt: int, query: Mapping[str, str]) -> Fault:
    """What the server does to request i on try `attempt`, given the request's query (BadQuery when
    a parameter is malformed or out of range). Only first tries fail: 503 when unit("503", i) <
    fail503, else a reset when unit("reset", i) < reset."""
    dist = query.get("dist", "fixed")
    if dist not in DISTS:
        raise BadQuery(f"dist={dist[:40]!r}: must be one of {', '.join(DISTS)}")
    delay = delay_s(
        i, dist, _int(query, "delay_ms", 0, 0, MAX_DELAY_MS), _float(query, "p99x", 10.0, 1.0, MAX_P99X)
    )
    status = _int(query, "status", 200, 200, 599)
    fail503, reset = _float(query, "fail503", 0.0, 0.0, 1.0), _float(query, "reset", 0.0, 0.0, 1.0)
    trickle = _int(query, "trickle_ms", 0, 0, MAX_TRICKLE_MS) / 1000
    if attempt == 0 and unit("503", i) < fail503:
        return Fault(delay, 503)
    return Fault(delay, status, attempt == 0 and unit("reset", i) < reset, trickle)


def fails_first(i: int, query: Mapping[str, str]) -> bool:
    """Whether the first try of request i fails (503 or reset): its retry is one more request."""
    first = fault_plan(i, 0, query)
    return first.status == 503 or first.reset
