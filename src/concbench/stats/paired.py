"""Statistics over rounds: a figure's point estimate and 95 % confidence interval.

A round gives each cell one value (the mean of that round's pyperf values). A ratio between two cells
is taken per round (the two ran minutes apart at most, in the same state of the machine) and summarised
as the geometric mean of the per-round ratios, with a t interval on their logarithms: the drift that
both cells saw cancels in each ratio instead of widening both means.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pyperf._utils import tdist95conf_level  # the t table pyperf's compare_to uses

Rounds = Mapping[int, float]  # round number -> the cell's mean value in that round


@dataclass(frozen=True)
class Estimate:
    """A positive figure (a time or a ratio) from n rounds: geometric point estimate and 95 % CI."""

    value: float
    low: float | None  # None with fewer than 2 rounds: no interval
    high: float | None
    n: int

    @property
    def halfwidth(self) -> float | None:
        """The interval's relative half-width: 0.05 = ±5 %."""
        if self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2 / self.value

    def scaled(self, k: float) -> Estimate:
        """The same estimate of k × the figure (k > 0)."""
        low, high = (None, None) if self.low is None else (self.low * k, self.high * k)  # type: ignore[operator]
        return Estimate(self.value * k, low, high, self.n)

    def above(self, bound: float) -> bool:
        """The whole interval lies above `bound`."""
        return self.low is not None and self.low > bound

    def below(self, bound: float) -> bool:
        return self.high is not None and self.high < bound


def log_estimate(logs: Sequence[float]) -> Estimate:
    """exp of the mean of `logs`, with the t interval of that mean."""
    n = len(logs)
    mean = statistics.fmean(logs)
    if n < 2:
        return Estimate(math.exp(mean), None, None, n)
    half = tdist95conf_level(n - 1) * statistics.stdev(logs) / math.sqrt(n)
    return Estimate(math.exp(mean), math.exp(mean - half), math.exp(mean + half), n)


def level(values: Rounds) -> Estimate:
    """A cell's own figure over its rounds (geometric: times are positive and scatter by factors)."""
    return log_estimate([math.log(v) for v in values.values() if v > 0])


def ratio(num: Rounds, den: Rounds) -> Estimate | None:
    """num / den, paired by round: only the rounds both have count. None without a common round."""
    common = sorted(set(num) & set(den))
    logs = [math.log(num[r] / den[r]) for r in common if num[r] > 0 and den[r] > 0]
    return log_estimate(logs) if logs else None


def share_won(rounds: Mapping[str, Rounds], best: str) -> float | None:
    """In what share of the rounds that every contender ran `best` was the fastest of them."""
    common = set.intersection(*(set(v) for v in rounds.values())) if rounds else set()
    if not common:
        return None
    won = sum(min(rounds, key=lambda k: rounds[k][r]) == best for r in common)
    return won / len(common)


def welch(a: Sequence[float], b: Sequence[float]) -> bool:
    """Welch's t-test at 95 %: the means of `a` and `b` differ; False with fewer than 2 values each."""
    if len(a) < 2 or len(b) < 2:
        return False
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    diff = statistics.fmean(a) - statistics.fmean(b)
    if va + vb == 0:
        return diff != 0
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return abs(diff) / math.sqrt(va + vb) >= tdist95conf_level(max(1, round(dof)))


@dataclass(frozen=True)
class LogT:
    """A positive figure whose logarithm has mean `log`, standard error `se` and Student's t law with
    `dof` degrees of freedom: its interval at any confidence (a Bonferroni level is above 95 %)."""

    log: float
    se: float
    dof: float

    @property
    def value(self) -> float:
        return math.exp(self.log)

    def interval(self, confidence: float = 0.95) -> tuple[float, float]:
        from scipy.stats import t  # the report's dependency, not the runner's (judge.py imports this module)

        half = float(t.ppf((1 + confidence) / 2, self.dof)) * self.se
        return math.exp(self.log - half), math.exp(self.log + half)

    def scaled(self, k: float) -> LogT:
        """The same law of k × the figure (k > 0)."""
        return LogT(self.log + math.log(k), self.se, self.dof)


def ratio_law(num: Rounds, den: Rounds) -> LogT | None:
    """num / den paired by round, as `ratio` takes it; None with fewer than 2 common rounds."""
    common = sorted(set(num) & set(den))
    logs = [math.log(num[r] / den[r]) for r in common if num[r] > 0 and den[r] > 0]
    if len(logs) < 2:
        return None
    return LogT(statistics.fmean(logs), statistics.stdev(logs) / math.sqrt(len(logs)), len(logs) - 1)


def welch_law(a: Sequence[float], b: Sequence[float]) -> LogT | None:
    """The ratio of the geometric means of `a` and `b` (two cells' values, not paired), with Welch's
    t law on their logarithms; None with fewer than 2 positive values each."""
    la, lb = [math.log(x) for x in a if x > 0], [math.log(x) for x in b if x > 0]
    if len(la) < 2 or len(lb) < 2:
        return None
    va, vb = statistics.variance(la) / len(la), statistics.variance(lb) / len(lb)
    mean = statistics.fmean(la) - statistics.fmean(lb)
    if va + vb == 0:  # every value the same: an interval of no width
        return LogT(mean, 0.0, len(la) + len(lb) - 2)
    dof = (va + vb) ** 2 / (va**2 / (len(la) - 1) + vb**2 / (len(lb) - 1))
    return LogT(mean, math.sqrt(va + vb), dof)


def estimate_law(e: Estimate) -> LogT | None:
    """The t law behind an Estimate's 95 % interval over its n rounds; None without an interval."""
    if e.low is None or e.high is None or e.n < 2:
        return None
    return LogT(math.log(e.value), math.log(e.high / e.low) / 2 / tdist95conf_level(e.n - 1), e.n - 1)
