"""Params, the unit of work and its reference for the CPU-bound workload.

Task i counts the primes in [BASE + i·span, BASE + (i+1)·span) by trial division: pure Python, no
call that releases the GIL, and with BASE far above K·span every task costs about the same, so a
static partition is fair. The reference uses a different algorithm (a sieve) to be independent of
the code it checks.
"""

from collections.abc import Callable
from dataclasses import dataclass
from math import isqrt

from concbench.workloads import Variant, Workload, every_model

BASE = 10_000_000
QUICK = [{"tasks": 8, "span": 5_000}]  # ~20 ms a task
FULL = [{"tasks": 32, "span": 5_000}]  # more tasks than cores: load balance matters

Run = Callable[[], list[int]]  # what a model's setup() yields: do the work once, results in task order


@dataclass(frozen=True)
class Params:
    tasks: int
    span: int
    workers: int
    variant: str = "default"

    def ranges(self) -> list[tuple[int, int]]:
        return [(BASE + i * self.span, BASE + (i + 1) * self.span) for i in range(self.tasks)]


def count_primes(bounds: tuple[int, int]) -> int:
    """Primes in [lo, hi) by trial division (lo > 2)."""
    lo, hi = bounds
    count = 0
    for n in range(lo | 1, hi, 2):
        d = 3
        while d * d <= n:
            if n % d == 0:
                break
            d += 2
        else:
            count += 1
    return count


def sieve(lo: int, hi: int) -> bytearray:
    """A segmented sieve of Eratosthenes over [lo, hi) (lo > 2): 1 at each prime, 0 elsewhere."""
    marks = bytearray([1]) * (hi - lo)
    for d in range(2, isqrt(hi) + 1):
        first = max(d * d, -(-lo // d) * d) - lo
        marks[first::d] = bytes(len(range(first, hi - lo, d)))
    return marks


def reference(p: Params) -> list[int]:
    """The expected results, by a segmented sieve of Eratosthenes."""
    primes = sieve(BASE, BASE + p.tasks * p.span)
    return [primes[i * p.span : (i + 1) * p.span].count(1) for i in range(p.tasks)]


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> float:
    """Perfect scaling of the sync time over the workers the cores can really run."""
    return sync_s / min(params["workers"], cores)


WORKLOAD = Workload(
    "cpu_bound",
    "count primes by trial division in K equal, disjoint ranges (pure Python)",
    quick=QUICK,
    full=FULL,
    variants={**every_model(), "asyncio": (Variant("naive"), Variant("offloaded"))},
    ideal_s=ideal_s,
    describe=lambda p: f"CPU work: {p['tasks']} tasks of ~{p['span'] / 250:.0f} ms",
    tiny={"tasks": 3, "span": 300, "workers": 2},
    heartbeat=True,
    bound="cpu",
    round_s=0.6,  # a good day's, on the 2-core VM (2026-12)
)
