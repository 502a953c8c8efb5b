"""Params and reference of the null workload: no work at all.

Its wall time is the fixed cost of one timed call in a cell worker (the clock, the call, the
result check): a cell whose wall time is within 10× of it measures the harness, not the model.
"""

from collections.abc import Callable
from dataclasses import dataclass

QUICK: list[dict[str, int]] = [{}]
FULL: list[dict[str, int]] = [{}]

Run = Callable[[], list]


@dataclass(frozen=True)
class Params:
    workers: int
    variant: str = "default"


def reference(p: Params) -> list:
    return []


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> None:
    return None
