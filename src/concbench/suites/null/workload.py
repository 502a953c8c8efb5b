"""Params and reference of the null workload: the same call shape as every other job, with no work.

Each model's null cell hands out one empty task per worker and collects the results, the way that
model does it (a pool round trip, a loop run, a nursery, greenlets, a crew of threads): its wall
time is the model's own fixed cost per timed call, plus the harness's (the clock, the call, the
check). A cell within 10× of its model's null time measures that cost, not the work.
"""

from collections.abc import Callable
from dataclasses import dataclass

from concbench.workloads import Kind, Workload, every_model

QUICK: list[dict[str, int]] = [{}]
FULL: list[dict[str, int]] = [{}]

Run = Callable[[], list[int]]


@dataclass(frozen=True)
class Params:
    workers: int
    variant: str = "default"


def nothing(i: int) -> int:
    """The empty task: give back its number (the results prove every task ran)."""
    return i


def reference(p: Params) -> list[int]:
    return list(range(p.workers))


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> None:
    return None


WORKLOAD = Workload(
    "null",
    "the same call shape with no work: each model's own fixed cost per call",
    quick=QUICK,
    full=FULL,
    variants=every_model(),
    ideal_s=ideal_s,
    tiny={"workers": 2},
    kind=Kind.YARDSTICK,
    round_s=0.2,  # a good day's, on the 2-core VM (2026-12)
)
