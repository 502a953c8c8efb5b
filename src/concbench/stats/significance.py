"""Significance between two cells of a run: paired by round when both have rounds, else the way
pyperf compare_to decides it, a two-tailed t-test at 95 % on the values (Welch's form, since cells
can have different numbers of values; pyperf's own `is_significant` needs equal sizes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from concbench.stats import paired
from concbench.stats.paired import welch as differs

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["differ", "differs"]


def differ(a: pd.Series, b: pd.Series) -> bool:
    """Cells `a` and `b` (rows of one run) differ in wall time beyond noise."""
    ratio = paired.ratio(a.rounds_values, b.rounds_values) if len(a.rounds_values) > 1 else None
    if ratio is not None and ratio.n >= 2:
        return ratio.above(1.0) or ratio.below(1.0)
    return differs(a.samples, b.samples)
