"""`concbench compare A B`: every cell both runs have, B's wall time over A's, with pyperf's
significance test, and the geometric mean of the ratios per model and per interpreter."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from concbench.report.data import Results
from concbench.report.groups import ok
from concbench.report.stats import differs

KEY = ["interpreter", "workload", "label", "params"]


@dataclass(frozen=True)
class Ratio:
    interpreter: str
    workload: str
    label: str
    case: str
    a_wall_s: float
    b_wall_s: float
    significant: bool

    @property
    def ratio(self) -> float:
        return self.b_wall_s / self.a_wall_s

    @property
    def verdict(self) -> str:
        if not self.significant:
            return "not significant"
        return f"{1 / self.ratio:.2f}× faster" if self.ratio < 1 else f"{self.ratio:.2f}× slower"


@dataclass
class Comparison:
    a: str
    b: str
    ratios: list[Ratio]
    only_a: int  # ok cells of A that B lacks (or that are not ok in B)
    only_b: int

    def geomean(self, by: str) -> dict[str, float]:
        """Geometric mean of B/A per model (by="model") or per interpreter."""
        key = (lambda r: r.label.split("/")[0]) if by == "model" else (lambda r: r.interpreter)
        out: dict[str, list[float]] = {}
        for r in self.ratios:
            out.setdefault(key(r), []).append(r.ratio)
        return {k: statistics.geometric_mean(v) for k, v in out.items()}


def compare(a: Results, b: Results) -> Comparison:
    left, right = (ok(r.df) for r in (a, b))
    both = left.merge(right, on=KEY, suffixes=("_a", "_b"))
    ratios = [
        Ratio(
            r.interpreter,
            r.workload,
            r.label,
            r.case_a,
            r.wall_s_a,
            r.wall_s_b,
            differs(r.samples_a, r.samples_b),
        )
        for r in both.itertuples()
    ]
    return Comparison(str(a.path), str(b.path), ratios, len(left) - len(both), len(right) - len(both))
