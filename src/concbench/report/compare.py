"""`concbench compare A B`: do two runs agree?

Two runs made at different times differ in the machine's speed as a whole; that difference is stated
on its own line (from each run's yardstick), and every cell is judged net of it: a cell with a sync
baseline by its time relative to sync in its own run (paired by round), any other cell (sync itself,
spawn's prices) by its time relative to the yardstick of its round. A cell is called faster or slower
when Welch's t-test at 95 % on the per-round figures says so and the change is at least MIN_CHANGE.
Runs made before rounds have neither, and are compared on raw wall times (pyperf's t-test).
Then every recommendation and claim verdict of A is checked against B's.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

import pandas as pd

from concbench.registry import WORKLOADS
from concbench.report import claims
from concbench.report.data import Results, yardsticks
from concbench.report.groups import baseline, ok
from concbench.report.recommend import recommend
from concbench.stats.paired import welch
from concbench.workloads import Kind

KEY = ["interpreter", "workload", "label", "params"]
MIN_CHANGE = 0.05  # smaller changes are not called, significant or not (pyperf compare_to's --min-speed)


@dataclass(frozen=True)
class Ratio:
    interpreter: str
    workload: str
    label: str
    case: str
    a_wall_s: float
    b_wall_s: float
    significant: bool
    net: float | None = None  # B / A net of the machine (relative to sync, or to the yardstick)
    basis: str = "wall"  # what `ratio` is relative to: sync | machine | wall

    @property
    def ratio(self) -> float:
        return self.net if self.net is not None else self.b_wall_s / self.a_wall_s

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
    machine: str = ""  # how the machine's speed differed between the runs
    notes: list[str] = field(default_factory=list)  # what was left out of the comparison, and why
    picks: list[tuple[str, str, str, bool, bool]] = field(default_factory=list)  # where, A's, B's, agree,
    # settled in both
    verdicts: list[tuple[str, str, str]] = field(default_factory=list)  # claim, A's, B's

    def measured_in_both(self) -> list[tuple[str, str, str]]:
        """The claims both runs measured: only those can agree or not."""
        return [v for v in self.verdicts if claims.NOT_MEASURED not in v[1:]]

    def geomean(self, by: str) -> dict[str, float]:
        """Geometric mean of B/A per model (by="model") or per interpreter."""
        key = (lambda r: r.label.split("/")[0]) if by == "model" else (lambda r: r.interpreter)
        out: dict[str, list[float]] = {}
        for r in self.ratios:
            out.setdefault(key(r), []).append(r.ratio)
        return {k: statistics.geometric_mean(v) for k, v in out.items()}

    @property
    def called(self) -> list[Ratio]:
        return [r for r in self.ratios if r.significant]


def _logs(res: Results, row: pd.Series) -> tuple[list[float], str]:
    """The cell's per-round figure in its own run, as logs: relative to sync, or to the yardstick."""
    own = row.rounds_values
    if not own:
        return [], "wall"
    sync = baseline(res.df, row) if row.model != "sync" else None
    if sync is not None and sync.rounds_values and _is_job(res.df.loc[sync.name, "workload"]):
        return [math.log(own[r] / sync.rounds_values[r]) for r in own if r in sync.rounds_values], "sync"
    yard = yardsticks(res.manifest)
    return [math.log(own[r] / yard[r]["loop_s"]) for r in own if r in yard], "machine"


def _is_job(workload: str) -> bool:
    """A job has a sync baseline to be relative to; a price (spawn) or a yardstick has not."""
    wl = WORKLOADS.get(workload)
    return wl is not None and wl.kind == Kind.COMPARISON


def _job(res: Results) -> tuple[str, str]:
    job = res.manifest.get("job") or {}
    return job.get("function", ""), job.get("async_function", "")


def _ratio(a: Results, b: Results, ra: pd.Series, rb: pd.Series) -> Ratio:
    (la, basis_a), (lb, basis_b) = _logs(a, ra), _logs(b, rb)
    where = (ra.interpreter, ra.workload, ra.label, ra.case, ra.wall_s, rb.wall_s)
    if basis_a == basis_b != "wall" and la and lb:
        net = math.exp(statistics.fmean(lb) - statistics.fmean(la))
        return Ratio(*where, welch(la, lb) and abs(net - 1) >= MIN_CHANGE, net, basis_a)
    raw = rb.wall_s / ra.wall_s
    return Ratio(*where, welch(ra.samples, rb.samples) and abs(raw - 1) >= MIN_CHANGE)


def machine_line(a: Results, b: Results) -> str:
    ya, yb = yardsticks(a.manifest), yardsticks(b.manifest)
    if not ya or not yb:
        return "machine speed: one of the runs has no yardstick (made before rounds); cells compared raw"
    loop = [statistics.median(y["loop_s"] for y in ys.values()) for ys in (ya, yb)]
    par = [statistics.median(y["parallel"] for y in ys.values()) for ys in (ya, yb)]
    return (
        f"machine speed: B's yardstick loop took {loop[1] / loop[0]:.2f}× A's ({loop[0] * 1e3:.0f} → "
        f"{loop[1] * 1e3:.0f} ms); parallelism {par[0]:.2f} → {par[1]:.2f} cores. Cells are judged net "
        "of this: relative to sync in their own run, or to their round's yardstick"
    )


def compare(a: Results, b: Results) -> Comparison:
    left, right = (ok(r.df) for r in (a, b))
    unlike = _job(a) != _job(b)  # two --job runs of different functions have no cell in common
    if unlike:
        left, right = left[left.workload != "job"], right[right.workload != "job"]
    both = left.reset_index().merge(right.reset_index(), on=KEY, suffixes=("_a", "_b"))
    ratios = [_ratio(a, b, a.df.loc[m.index_a], b.df.loc[m.index_b]) for m in both.itertuples()]
    cmp = Comparison(str(a.path), str(b.path), ratios, len(left) - len(both), len(right) - len(both))
    cmp.machine = machine_line(a, b)
    if unlike and {"job"} & (set(a.df.workload) | set(b.df.workload)):
        cmp.notes.append(
            f"job cells not compared: A ran {' + '.join(filter(None, _job(a))) or 'no --job'}, B "
            f"{' + '.join(filter(None, _job(b))) or 'no --job'}"
        )
    picks_b = {(p.interpreter, p.case): p for p in recommend(b.df)}
    for p in recommend(a.df):
        if (q := picks_b.get((p.interpreter, p.case))) is not None:
            where = f"{p.interpreter} {p.case}"
            cmp.picks.append((where, _pick(p), _pick(q), p.best == q.best, p.settled and q.settled))
    verdicts_b = {v.claim: v.verdict for v in claims.check(b.df)}
    cmp.verdicts = [(v.claim, v.verdict, verdicts_b.get(v.claim, "")) for v in claims.check(a.df)]
    return cmp


def _pick(p) -> str:
    if p.won is None:
        return p.best  # a run made before rounds: settling is unknown
    return f"{p.best} ({'settled' if p.settled else 'unsettled'})"
