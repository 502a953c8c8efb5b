"""`concbench compare A B`: do two runs agree?

Two runs made at different times differ in the machine's speed as a whole; that difference is stated
on its own line (from each run's yardstick), and every cell is judged net of it: a cell with a sync
baseline by its time relative to sync in its own run (paired by round), any other cell (sync itself,
spawn's prices) by its time relative to the yardstick of its round. A cell is called faster or slower
when Welch's t-test at 95 % on the per-round figures says so and the change is at least MIN_CHANGE;
only a cell with 2 rounds or more in both runs can be called (it has a spread to judge by), and the
smallest change the test could call is kept beside it. Runs made before rounds are compared on raw
wall times (pyperf's t-test on the values).

Then each job's verdict in A is related to B's (`relate`), pair of models by pair: they contradict
when a pair is decided in opposite orders (each shown slower than the other, one in each run), or is
shown tied within the margin in one run and apart by more than the margin in the other; else they
agree (the same models could be best, the same are slower) or overlap (one run resolved less).
Verdicts judge models, so asyncio on uvloop is asyncio. Every claim's outcome is compared too.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd
from scipy import stats

from concbench.registry import WORKLOADS
from concbench.report import claims
from concbench.report.data import Results, yardsticks
from concbench.report.groups import baseline, ok
from concbench.stats.paired import welch
from concbench.verdicts.decide import Place, Standing, Verdict
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
    detectable: float | None = None  # the smallest change the test could call (None: no spread in one run)

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
    jobs: list[Related] = field(default_factory=list)  # each job's verdicts in A and B
    claims: list[tuple[str, claims.Outcome, claims.Outcome | None]] = field(default_factory=list)

    def measured_in_both(self) -> list[tuple[str, claims.Outcome, claims.Outcome | None]]:
        """The claims both runs measured: only those can agree or not."""
        return [c for c in self.claims if claims.Outcome.NOT_MEASURED not in c[1:] and c[2] is not None]

    @property
    def powered(self) -> list[Ratio]:
        """The cells with a spread measured in both runs: only those could be called different."""
        return [r for r in self.ratios if r.detectable is not None]

    def calls(self) -> list[str]:
        """How many cells were called different, only where the runs could tell, and how finely."""
        powered, n, lines = self.powered, len(self.ratios), []
        if powered:
            called = sum(r.significant for r in powered)
            smallest = statistics.median(r.detectable for r in powered)  # type: ignore[type-var]
            lines.append(
                f"cells called different: {called} of the {len(powered)} with 2 rounds or more in both runs "
                f"({called / len(powered):.0%}; the smallest change they could call: median "
                f"±{smallest:.0%}); an A/A comparison (the same code twice) should call at most about 5 %"
            )
        if len(powered) < n:
            lines.append(
                f"{n - len(powered)} of {n} cells have one round in a run (or a run made before rounds): no "
                "spread measured, so they are not called different"
            )
        return lines

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
        called = welch(la, lb) and abs(net - 1) >= MIN_CHANGE
        return Ratio(*where, called, net, basis_a, _detectable(la, lb))
    raw = rb.wall_s / ra.wall_s
    return Ratio(*where, welch(ra.samples, rb.samples) and abs(raw - 1) >= MIN_CHANGE)


def _detectable(la: list[float], lb: list[float]) -> float | None:
    """The smallest change Welch's test at 95 % could call between these per-round logs (its critical
    difference, at least MIN_CHANGE: a true change of that size is called about half the time); None
    unless both have a spread (2 rounds or more)."""
    if len(la) < 2 or len(lb) < 2:
        return None
    va, vb = statistics.variance(la) / len(la), statistics.variance(lb) / len(lb)
    if va + vb == 0:
        return MIN_CHANGE
    df = (va + vb) ** 2 / (va**2 / (len(la) - 1) + vb**2 / (len(lb) - 1))
    return max(MIN_CHANGE, math.exp(stats.t.ppf(0.975, df) * math.sqrt(va + vb)) - 1)


class Agreement(StrEnum):
    AGREE = "agree"
    OVERLAP = "overlap"  # neither contradicts the other; one resolved less
    CONTRADICT = "contradict"
    NO_VERDICT = "no verdict"  # one of the runs has none for the job (one round, one model)


@dataclass(frozen=True)
class Related:
    a: Verdict
    b: Verdict
    agreement: Agreement
    why: str = ""


def relate(a: Verdict, b: Verdict) -> Related:
    """How B's verdict on a job stands to A's, pair of models by pair (see the module's docstring)."""
    if not (a.best and b.best) or Standing.MEASURED in {p.standing for p in (*a.places, *b.places)}:
        return Related(a, b, Agreement.NO_VERDICT)
    pa, pb = ({p.model: p for p in v.places} for v in (a, b))
    flips, apart = [], []
    for m, p in pa.items():
        if (q := pb.get(m)) is None:
            continue
        flips += [
            f"{m} slower than {o} in A, {o} slower than {m} in B"
            for o in p.slower_than
            if m in _of(pb, o).slower_than
        ]
        apart += [
            f"{m} and {o} tied in A, apart by more than ±{a.margin:.0%} in B"
            for o in p.tied_with
            if o > m and (o in q.beyond_margin or m in _of(pb, o).beyond_margin)
        ]
        apart += [
            f"{m} and {o} tied in B, apart by more than ±{b.margin:.0%} in A"
            for o in q.tied_with
            if o > m and (o in p.beyond_margin or m in _of(pa, o).beyond_margin)
        ]
    if flips or apart:
        return Related(a, b, Agreement.CONTRADICT, "; ".join(dict.fromkeys(flips + apart)))
    same = [{p.model for p in v.best} for v in (a, b)], [{p.model for p in v.slower} for v in (a, b)]
    if all(x == y for x, y in same):
        return Related(a, b, Agreement.AGREE)
    return Related(a, b, Agreement.OVERLAP)


def _of(places: dict[str, Place], model: str) -> Place:
    return places.get(model) or Place(model, "", Standing.NOT_TIMED)


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
    theirs = {(v.interpreter, v.workload, v.params): v for v in b.verdicts}
    for v in a.verdicts:
        if (w := theirs.get((v.interpreter, v.workload, v.params))) is not None:
            cmp.jobs.append(relate(v, w))
    outcomes_b = {c.claim: c.outcome for c in claims.check(b.df)}
    cmp.claims = [(c.claim, c.outcome, outcomes_b.get(c.claim)) for c in claims.check(a.df)]
    return cmp
