"""Significance, the way pyperf compare_to decides it: a two-tailed t-test at 95 % on the values.

pyperf's own `is_significant` needs two samples of the same size; cells of different runs can have
different counts, so this is Welch's form of the same test, with pyperf's table of t critical values."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

from pyperf._utils import tdist95conf_level  # the table compare_to uses


def differs(a: Sequence[float], b: Sequence[float]) -> bool:
    """True when the means of `a` and `b` differ significantly; False with fewer than 2 values each."""
    if len(a) < 2 or len(b) < 2:
        return False
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    diff = statistics.fmean(a) - statistics.fmean(b)
    if va + vb == 0:
        return diff != 0
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return abs(diff) / math.sqrt(va + vb) >= tdist95conf_level(max(1, round(dof)))
