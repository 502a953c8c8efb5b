"""Claims people make about Python concurrency, each checked against the numbers of a run.

A claim is a function from the results (a DataFrame of results.csv) to a `ClaimCheck`: its `Outcome`,
why, and the figures it rests on. Each claim's rule is in its docstring, and tested: the outcome flips
when the numbers do.

The general rule. A claim is judged per place (interpreter × params, unless its docstring says
otherwise) on the 95 % interval of each figure the place rests on, never on a point estimate against
a threshold: a ratio of two cells paired by round (at least 2 rounds in common), a speedup or an
efficiency with its interval from results.csv, or, for a price measured many times within one
process (spawn, pingpong, shared_state) in a run without rounds, an interval from the values within
that process (Welch on the logarithms; the evidence says "within one process"). A figure with
neither (one round, one value) has no interval and leaves its place inconclusive.

A place is supported when every interval lies wholly on the claim's side of its threshold;
contradicted when one lies wholly on the other side at the level 1 − 0.05/m (Bonferroni over the
claim's m intervals, so that many places do not contradict a claim by chance); inconclusive
otherwise. A claim is contradicted when any place is, supported only when every place is,
inconclusive otherwise, and not measured when no place was (the why says what it needs). It is never
supported by default: without the power to decide, it is inconclusive.

Counts (the failure workload's leaked units and surfaced errors) are exact: no interval. A timing
of the failure workload (one round; each call proven), which has no interval whatever the rounds,
decides only when it clears its threshold by a wide margin: undecided within ±25 % of it. A worker's
own figures (loop lag, memory per unit) are paired by round like wall times.

The one claim of "can" (`library_matters`: one place is enough) is checked as its negation over
every place, the outcome swapped: supported when some place contradicts the negation (at the
Bonferroni level), contradicted when every place supports it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

import pandas as pd

from concbench.report.fmt import seconds
from concbench.report.groups import baseline, ok
from concbench.results import Status
from concbench.stats import paired
from concbench.stats.paired import Estimate, LogT
from concbench.verdicts.decide import describe


class Outcome(StrEnum):
    SUPPORTED = "supported"
    CONTRADICTED = "contradicted"
    INCONCLUSIVE = "inconclusive"
    NOT_MEASURED = "not measured"


CONFIDENCE = 0.95  # a place holds on 95 % intervals
ALPHA = 1 - CONFIDENCE  # and fails on intervals at 1 − ALPHA/m (Bonferroni)
TIMING = (0.75, 1.25)  # a timing without an interval is undecided within ±25 % of its threshold
MORE_ROUNDS = "more rounds (--budget 10m) would decide"

SCALES = 0.7  # threads "scale" when they reach this share of the ideal speedup
GIL_SPEEDUP = 1.1  # under the GIL, threads "don't speed up" CPU work below this
LAG_FACTOR = 1.25  # blocking the loop must raise its p99 lag clearly (by 25 %), not marginally
KEEPS_UP = 1.10  # gevent "keeps up" within 10 % of asyncio
FASTER = 0.95  # "faster" takes a difference of at least 5 %
ORDERS = 100  # "orders of magnitude": two of them, at least


@dataclass(frozen=True)
class Figure:
    """A figure a place rests on: its value, its t law on logarithms (None: no interval), and where
    that law comes from."""

    value: float
    law: LogT | None = None
    basis: str = "one round: no interval"

    def text(self, spec: str = "{:.2f}") -> str:
        """`1.40 (95 % CI 1.35–1.45, paired over 5 rounds)`, each number formatted by `spec`."""
        if self.law is None:
            return f"{spec.format(self.value)} ({self.basis})"
        low, high = self.law.interval(CONFIDENCE)
        return f"{spec.format(self.value)} (95 % CI {spec.format(low)}–{spec.format(high)}, {self.basis})"


def _figure(point: float, law: LogT | None, basis: str) -> Figure:
    return Figure(point) if law is None else Figure(law.value, law, basis)


@dataclass(frozen=True)
class Interval:
    """Holds when the figure's 95 % interval lies wholly `above` (or below) `bound`; fails when its
    interval at the contradiction level lies wholly on the other side; undecided otherwise."""

    figure: Figure
    bound: float
    above: bool
    name: str  # the bound as read: "70 % of the ideal"

    def judge(self, level: float) -> Outcome:
        if (law := self.figure.law) is None:
            return Outcome.INCONCLUSIVE
        if self._beyond(law.interval(CONFIDENCE), self.above):
            return Outcome.SUPPORTED
        return (
            Outcome.CONTRADICTED
            if self._beyond(law.interval(level), not self.above)
            else Outcome.INCONCLUSIVE
        )

    def _beyond(self, interval: tuple[float, float], above: bool) -> bool:
        low, high = interval
        return low > self.bound if above else high < self.bound

    @property
    def undecided(self) -> str:
        return "one round: no interval" if self.figure.law is None else f"intervals cross {self.name}"

    remedy = MORE_ROUNDS

    def read(self) -> tuple[str, str]:
        """(the figure with its interval, the side of the bound it must lie on)."""
        return self.figure.text(), f"wholly {'above' if self.above else 'below'} {self.name}"


@dataclass(frozen=True)
class Margin:
    """A figure without an interval: holds when it clears `bound` by the margin (`near`: the multiples
    of `bound` between which it is undecided) on the claim's side, fails beyond it on the other."""

    value: float
    bound: float
    above: bool
    near: tuple[float, float]
    undecided: str  # why in between is undecided: "lag ratios within ×2 of ×1.25 (no interval)"

    def judge(self, level: float) -> Outcome:
        low, high = (k * self.bound for k in self.near)
        if self.value > high:
            return Outcome.SUPPORTED if self.above else Outcome.CONTRADICTED
        if self.value < low:
            return Outcome.CONTRADICTED if self.above else Outcome.SUPPORTED
        return Outcome.INCONCLUSIVE

    remedy = ""

    def read(self) -> tuple[str, str]:
        low, high = (k * self.bound for k in self.near)
        side = "above" if self.above else "below"
        return (
            f"{self.value:.3g} (no interval)",
            f"{side} {self.bound:.3g}, undecided in {low:.3g}–{high:.3g}",
        )


@dataclass(frozen=True)
class Exact:
    """A count, which is exact: it holds or it does not."""

    holds: bool

    def judge(self, level: float) -> Outcome:
        return Outcome.SUPPORTED if self.holds else Outcome.CONTRADICTED

    undecided = remedy = ""

    def read(self) -> tuple[str, str]:
        return ("holds" if self.holds else "fails"), "true (an exact count)"


Test = Interval | Margin | Exact


@dataclass(frozen=True)
class Place:
    """Where a claim is judged (an interpreter and case) and the tests it rests on there."""

    where: str
    tests: tuple[Test, ...]


def _all(outcomes: list[Outcome]) -> Outcome:
    """Contradicted when one is, supported when all are, inconclusive otherwise."""
    if Outcome.CONTRADICTED in outcomes:
        return Outcome.CONTRADICTED
    return Outcome.SUPPORTED if set(outcomes) == {Outcome.SUPPORTED} else Outcome.INCONCLUSIVE


@dataclass
class ClaimCheck:
    """A claim as this run's numbers judge it: its outcome, why, and the figures it rests on."""

    claim: str
    outcome: Outcome = Outcome.NOT_MEASURED
    why: str = ""
    evidence: list[str] = field(default_factory=list)
    judged: list[tuple[Place, Outcome]] = field(default_factory=list)  # each place and its outcome

    def settle(self, places: list[Place], contradicted: str, supported: str, missing: str) -> ClaimCheck:
        """The claim's outcome over its places, by the module's rule; `missing` without a place."""
        if not places:
            self.why = missing
            return self
        m = sum(isinstance(t, Interval) for p in places for t in p.tests)
        level = 1 - ALPHA / max(m, 1)
        judged = [(p, [t.judge(level) for t in p.tests]) for p in places]
        self.judged = [(p, _all(o)) for p, o in judged]
        against = [p.where for p, o in judged if _all(o) is Outcome.CONTRADICTED]
        undecided = [(p, o) for p, o in judged if _all(o) is Outcome.INCONCLUSIVE]
        if against:
            bonferroni = f" ({level:.1%} intervals: Bonferroni over {m})" if m > 1 else ""
            self.outcome = Outcome.CONTRADICTED
            self.why = f"{contradicted} on {', '.join(against)}{bonferroni}"
        elif undecided:
            self.outcome, self.why = Outcome.INCONCLUSIVE, _undecided(undecided, len(places))
        else:
            self.outcome, self.why = Outcome.SUPPORTED, supported
        return self

    def negated(self) -> ClaimCheck:
        """This check of a claim's negation as the check of the claim itself."""
        swap = {Outcome.SUPPORTED: Outcome.CONTRADICTED, Outcome.CONTRADICTED: Outcome.SUPPORTED}
        self.outcome = swap.get(self.outcome, self.outcome)
        flip = {
            t: replace(t, above=not t.above)
            for p, _ in self.judged
            for t in p.tests
            if isinstance(t, Interval)
        }
        self.judged = [
            (Place(p.where, tuple(flip.get(t, t) for t in p.tests)), swap.get(o, o)) for p, o in self.judged
        ]
        return self


def _undecided(undecided: list[tuple[Place, list[Outcome]]], places: int) -> str:
    """`2 of 3 places undecided (intervals cross 70 % of the ideal); more rounds … would decide`."""
    tests = [t for p, o in undecided for t, to in zip(p.tests, o, strict=True) if to is Outcome.INCONCLUSIVE]
    reasons = "; ".join(dict.fromkeys(t.undecided for t in tests))
    remedies = "".join(f"; {r}" for r in dict.fromkeys(t.remedy for t in tests) if r)
    return f"{len(undecided)} of {places} places undecided ({reasons}){remedies}"


def _ratio(a: pd.Series, b: pd.Series, col: str = "wall_s") -> Figure:
    """`a` over `b` in `col` (wall_s, or a price's us_per_unit): paired by round over at least 2 common
    rounds; for a price without them, Welch on the values within one process; else no interval."""
    point = a[col] / b[col]
    k = point / (a.wall_s / b.wall_s)  # a price is wall time over a fixed count of units per call
    if (law := paired.ratio_law(a.rounds_values, b.rounds_values)) is not None:
        return _figure(point, law.scaled(k), f"paired over {law.dof + 1:.0f} rounds")
    if col == "us_per_unit" and (law := paired.welch_law(a.samples, b.samples)) is not None:
        basis = f"within one process: {len(a.samples)} and {len(b.samples)} values"
        return _figure(point, law.scaled(k), basis)
    return Figure(point)


def _own(r: pd.Series, key: str) -> float:
    """One of a cell's own figures: its results.csv column, or its workload's metric."""
    if key in r.index:
        return float(r[key])
    return float(json.loads(r.metrics if isinstance(r.get("metrics"), str) else "{}").get(key, "nan"))


def _paired(a: pd.Series, b: pd.Series, key: str) -> Figure:
    """`a` over `b` in one of the worker's own figures (data.FIGURES: loop lag, memory per unit, a
    server's memory), paired by round over at least 2 common rounds; else no interval (one figure
    per cell)."""
    point = _own(a, key) / max(_own(b, key), 1e-3)
    law = paired.ratio_law(a.rounds_figures.get(key, {}), b.rounds_figures.get(key, {}))
    if law is None:
        return Figure(point, basis="one figure per cell: no interval")
    return _figure(point, law, f"paired over {law.dof + 1:.0f} rounds")


def _column(r: pd.Series, col: str, low: str, high: str) -> Figure:
    """A figure of results.csv with its 95 % interval (paired with sync by round) and rounds."""
    n = 0 if pd.isna(r.rounds) else int(r.rounds)
    lo, hi = (None if pd.isna(r[c]) else float(r[c]) for c in (low, high))
    law = paired.estimate_law(Estimate(float(r[col]), lo, hi, n))
    return _figure(float(r[col]), law, f"paired with sync over {n} rounds")


def _efficiency(r: pd.Series) -> Figure:
    return _column(r, "efficiency", "efficiency_ci_low", "efficiency_ci_high")


def _cells(df: pd.DataFrame, workload: str, label: str) -> pd.DataFrame:
    cells = ok(df)
    return cells[(cells.workload == workload) & (cells.label == label)]


def _pair(df: pd.DataFrame, workload: str, a: str, b: str) -> list[tuple[pd.Series, pd.Series]]:
    """Cells `a` and `b` of the same interpreter and params, for every such pair."""
    left, right = _cells(df, workload, a), _cells(df, workload, b)
    merged = left.reset_index().merge(
        right.reset_index(), on=["interpreter", "params"], suffixes=("_a", "_b")
    )
    return [(df.loc[m.index_a], df.loc[m.index_b]) for m in merged.itertuples()]


def _where(r: pd.Series) -> str:
    """`cpython-3.14.7t, CPU work: 8 tasks of ~20 ms, 2 workers`: the place in words."""
    return f"{r.interpreter}, {describe(r.workload, r.params)}"


Need = tuple[str, str]  # (workload, model or model/variant)
Check = Callable[[pd.DataFrame], ClaimCheck]


@dataclass(frozen=True)
class Claim:
    """A claim's check and the cells it reads: a test holds every need against the registry, so a
    renamed variant cannot silently turn a claim into "not measured"."""

    check: Check
    needs: tuple[Need, ...]


CLAIMS: list[Claim] = []  # in the order they are declared, which the report keeps


def claim(*needs: str) -> Callable[[Check], Check]:
    """Register a claim's check, with the cells it needs as `workload:model[/variant]`."""

    def register(check: Check) -> Check:
        workload_label = [n.split(":", 1) for n in needs]
        CLAIMS.append(Claim(check, tuple((w, label) for w, label in workload_label)))
        return check

    return register


@claim("disk_io:asyncio/aiofiles", "disk_io:threads", "disk_io:asyncio/to_thread")
def aiofiles_is_a_thread_pool(df: pd.DataFrame) -> ClaimCheck:
    """aiofiles' wall time over the best plain thread pool's doing the same files (the threads model or
    asyncio.to_thread, the faster at its point estimate), paired by round: supported where its interval
    lies wholly above 0.95 (aiofiles not 5 % faster: a thread pool underneath cannot beat one),
    contradicted where wholly below (that would take truly asynchronous I/O)."""
    v = ClaimCheck("File I/O in asyncio is a thread pool underneath (aiofiles vs to_thread vs sync)")
    places = []
    for _, aio in _cells(df, "disk_io", "asyncio/aiofiles").iterrows():
        same = ok(df)
        same = same[(same.interpreter == aio.interpreter) & (same.params == aio.params)]
        pools = same[same.label.isin(["threads", "asyncio/to_thread"])].sort_values("wall_s")
        if pools.empty:
            continue
        pool, sync = pools.iloc[0], baseline(df, aio)
        base = f", sync {seconds(sync.wall_s)}" if sync is not None else ""
        ratio = _ratio(aio, pool)
        v.evidence.append(
            f"{_where(aio)}: aiofiles {seconds(aio.wall_s)}, {pool.label} {seconds(pool.wall_s)}{base}; "
            f"aiofiles/{pool.label} {ratio.text()}"
        )
        places.append(Place(_where(aio), (Interval(ratio, FASTER, True, "×0.95 (5 % faster)"),)))
    return v.settle(
        places,
        "aiofiles beat every plain thread pool by 5 % or more",
        "aiofiles never beats a plain thread pool (threads or asyncio.to_thread): it hands each call to one",
        "no disk_io cell with asyncio/aiofiles beside threads or asyncio/to_thread ran",
    )


@claim(
    "cpu_bound:asyncio/naive", "cpu_bound:asyncio/offloaded", "mixed:asyncio/naive", "mixed:asyncio/offloaded"
)
def blocking_the_loop(df: pd.DataFrame) -> ClaimCheck:
    """The loop's p99 lag with CPU work left on it (asyncio/naive) over the same work offloaded, per
    cell pair, paired by round: supported where its interval lies wholly above ×1.25 (a clear rise,
    not a marginal one), contradicted where wholly below it. One round gives one lag figure a cell and
    no interval: inconclusive (a factor-2 rule on single figures once called this contradicted on
    3.14 mixed, 1.8 ms naive against 3.5 ms offloaded, where five rounds of the same cells ranged
    1.7–5.3 and 1.7–3.1 ms). Under the GIL offloaded threads still compete with the loop."""
    v = ClaimCheck("Blocking the event loop stalls everything on it (naive vs offloaded loop lag)")
    places = []
    for w in ("cpu_bound", "mixed"):
        for naive, off in _pair(df, w, "asyncio/naive", "asyncio/offloaded"):
            if pd.isna(naive.loop_lag_p99_ms) or pd.isna(off.loop_lag_p99_ms):
                continue
            gap = _paired(naive, off, "loop_lag_p99_ms")
            v.evidence.append(
                f"{_where(naive)}: loop lag p99 {naive.loop_lag_p99_ms:.1f} ms naive, "
                f"{off.loop_lag_p99_ms:.1f} ms offloaded (×{gap.text()})"
            )
            places.append(Place(_where(naive), (Interval(gap, LAG_FACTOR, True, f"×{LAG_FACTOR}"),)))
    return v.settle(
        places,
        f"the naive loop's lag was not ×{LAG_FACTOR} the offloaded one's",
        f"CPU on the loop raised its p99 lag by more than ×{LAG_FACTOR} everywhere",
        "no cpu_bound or mixed cell with both asyncio/naive and asyncio/offloaded lag figures",
    )


@claim("http_fanout:asyncio/httpx", "http_fanout:sync/httpx")
def async_single_request(df: pd.DataFrame) -> ClaimCheck:
    """asyncio's wall time over sync's with one request in flight (concurrency=1), on the same client
    (httpx: `AsyncClient` against `Client`, so the model is compared, not the library), paired by
    round: supported where the interval lies wholly above 0.95 (asyncio not 5 % faster), contradicted
    where wholly below. Needs http_fanout at concurrency 1."""
    v = ClaimCheck("Async is not faster for a single request")
    places = []
    for a, sync in _pair(df, "http_fanout", "asyncio/httpx", "sync/httpx"):
        if json.loads(a.params).get("concurrency") != 1:
            continue
        per, ratio = a.wall_s / json.loads(a.params)["requests"], _ratio(a, sync)
        v.evidence.append(
            f"{_where(a)}: asyncio {seconds(a.wall_s)} ({seconds(per)} a request), "
            f"sync {seconds(sync.wall_s)}, both on httpx; asyncio/sync {ratio.text()}"
        )
        places.append(Place(_where(a), (Interval(ratio, FASTER, True, "×0.95 (5 % faster)"),)))
    return v.settle(
        places,
        "asyncio was 5 % or more faster one request at a time",
        "one request at a time, the event loop only adds its own overhead",
        "no http_fanout pair of asyncio and sync on httpx at concurrency=1: add "
        "`--sweep concurrency=1,10,100`",
    )


def _cpu_threads(df: pd.DataFrame, gil: bool) -> pd.DataFrame:
    cells = ok(df)
    cells = cells[(cells.workload == "cpu_bound") & cells.model.isin(["threads", "freethreading"])]
    return cells[(cells.gil_enabled_runtime == gil) & (cells.workers > 1)]


@claim("cpu_bound:threads")
def threads_under_the_gil(df: pd.DataFrame) -> ClaimCheck:
    """Threads' speedup over sync on cpu_bound (workers > 1, the GIL on), with its interval: supported
    where it lies wholly below 1.1, contradicted where wholly above (threads sped CPU work up)."""
    v = ClaimCheck("Threads, as many as cores, don't speed up CPU work under the GIL")
    places = []
    for _, r in _cpu_threads(df, gil=True).iterrows():
        up = _column(r, "speedup_vs_sync", "speedup_ci_low", "speedup_ci_high")
        v.evidence.append(f"{_where(r)}: threads with {r.workers} workers, speedup over sync ×{up.text()}")
        places.append(Place(_where(r), (Interval(up, GIL_SPEEDUP, False, f"×{GIL_SPEEDUP} sync's speed"),)))
    return v.settle(
        places,
        "threads sped CPU work up",
        "one thread at a time holds the GIL: no speedup",
        "no cpu_bound threads cell ran with the GIL on",
    )


@claim("cpu_bound:threads", "cpu_bound:freethreading")
def free_threading_scales(df: pd.DataFrame) -> ClaimCheck:
    """Threads' efficiency (speedup over the ideal min(workers, cores)) on cpu_bound, on a
    free-threaded build with the GIL off, with its interval: supported where it lies wholly above 70 %
    of the ideal, contradicted where wholly below."""
    v = ClaimCheck("Free-threading makes threads scale on CPU work")
    places = []
    for _, r in _cpu_threads(df, gil=False).iterrows():
        eff = _efficiency(r)
        v.evidence.append(
            f"{_where(r)}: {r.label} {r.speedup_vs_sync:.2f}× sync, {eff.text('{:.0%}')} of ideal"
        )
        places.append(
            Place(f"{r.label}, {_where(r)}", (Interval(eff, SCALES, True, f"{SCALES:.0%} of the ideal"),))
        )
    return v.settle(
        places,
        f"below {SCALES:.0%} of the ideal speedup",
        f"threads reached at least {SCALES:.0%} of the ideal speedup",
        "no free-threaded interpreter ran cpu_bound with the GIL off",
    )


def _unit_costs(df: pd.DataFrame, interp: str, *labels: str) -> list[pd.Series] | None:
    """The spawn cells of `labels` on `interp`, on the first params that has them all."""
    cells = ok(df)
    cells = cells[(cells.workload == "spawn") & (cells.interpreter == interp) & cells.us_per_unit.notna()]
    for _, same in cells.groupby("params", sort=False):
        found = [same[same.label == label] for label in labels]
        if all(not f.empty for f in found):
            return [f.iloc[0] for f in found]
    return None


@claim(
    "cpu_bound:subinterpreters",
    "spawn:threads",
    "spawn:subinterpreters/create",
    "spawn:multiprocessing/forkserver",
)
def subinterpreters_in_between(df: pd.DataFrame) -> ClaimCheck:
    """Per interpreter (with cpu_bound and spawn both measured): supported where every cpu_bound
    subinterpreters cell with more than one worker has its efficiency interval wholly above 70 % of
    the ideal, and their start cost (create + call + close) lies between a thread's and a process's
    (the interpreter's default start method): the intervals of interpreter/thread and
    process/interpreter both wholly above 1. Contradicted where one lies wholly on the other side."""
    v = ClaimCheck("Subinterpreters give parallelism at a start cost between threads and processes")
    places = []
    parallel = _cells(df, "cpu_bound", "subinterpreters")
    for interp, cells in parallel[parallel.workers > 1].groupby("interpreter", sort=False):
        method = cells.mp_start_method.iloc[0]
        costs = _unit_costs(df, interp, "threads", "subinterpreters/create", f"multiprocessing/{method}")
        if costs is None:
            continue
        thread, sub, process = costs
        effs = [_efficiency(r) for _, r in cells.iterrows()]
        dearer, cheaper = _ratio(sub, thread, "us_per_unit"), _ratio(process, sub, "us_per_unit")
        v.evidence.append(
            f"{interp}: cpu_bound efficiency {', '.join(e.text('{:.0%}') for e in effs)}; start cost: thread "
            f"{thread.us_per_unit:.0f} µs, interpreter {sub.us_per_unit:.0f} µs, process ({method}) "
            f"{process.us_per_unit:.0f} µs; interpreter/thread ×{dearer.text()}, "
            f"process/interpreter ×{cheaper.text()}"
        )
        tests = [Interval(e, SCALES, True, f"{SCALES:.0%} of the ideal") for e in effs]
        tests += [Interval(f, 1.0, True, "×1 (the same start cost)") for f in (dearer, cheaper)]
        places.append(Place(f"{interp} (against {method} processes)", tuple(tests)))
    return v.settle(
        places,
        "not both parallel and in between",
        "parallel like processes, cheaper to start than one, dearer than a thread",
        "needs cpu_bound subinterpreters and the spawn costs of threads, subinterpreters and processes",
    )


@claim("spawn:asyncio", "spawn:threads")
def coroutines_are_lighter(df: pd.DataFrame) -> ClaimCheck:
    """Per interpreter: a thread's start cost over a task's, and a thread's memory alive over a task's
    (paired by round), both with intervals wholly above 1: supported; contradicted where either lies
    wholly below 1; inconclusive otherwise (one round: memory has no interval)."""
    v = ClaimCheck("Coroutines are lighter than threads (start cost and memory per unit)")
    places = []
    for interp in dict.fromkeys(df.interpreter):
        if (costs := _unit_costs(df, interp, "asyncio", "threads")) is None:
            continue
        task, thread = costs
        start = _ratio(thread, task, "us_per_unit")
        v.evidence.append(
            f"{interp}: task {task.us_per_unit:.1f} µs, {task.mem_kb_per_unit:.1f} KiB; "
            f"thread {thread.us_per_unit:.1f} µs, {thread.mem_kb_per_unit:.1f} KiB; "
            f"thread/task start cost ×{start.text()}"
        )
        tests: list[Test] = [Interval(start, 1.0, True, "×1 (the same start cost)")]
        if pd.notna(task.mem_kb_per_unit) and pd.notna(thread.mem_kb_per_unit):
            memory = _paired(thread, task, "mem_kb_per_unit")
            tests.append(Interval(memory, 1.0, True, "×1 (the same memory)"))
        places.append(Place(interp, tuple(tests)))
    return v.settle(
        places,
        "a task was not cheaper than a thread",
        "a task starts faster and holds less memory than a thread",
        "no spawn cells for both asyncio and threads",
    )


@claim("http_fanout:gevent/httpx", "http_fanout:asyncio/httpx")
def gevent_keeps_up(df: pd.DataFrame) -> ClaimCheck:
    """gevent's wall time over asyncio's on http_fanout with the same client library (httpx: a
    blocking `httpx.Client` under gevent's patches, `httpx.AsyncClient` on asyncio, so the model is
    compared, not the library), paired by round: supported where the interval lies wholly below 1.10
    (within 10 %), contradicted where wholly above."""
    v = ClaimCheck("gevent keeps up with asyncio on network fan-out, without function colouring")
    places = []
    for g, a in _pair(df, "http_fanout", "gevent/httpx", "asyncio/httpx"):
        ratio = _ratio(g, a)
        v.evidence.append(
            f"{_where(g)}: gevent {seconds(g.wall_s)} vs asyncio {seconds(a.wall_s)}, both on httpx; "
            f"gevent/asyncio ×{ratio.text()}"
        )
        places.append(Place(_where(g), (Interval(ratio, KEEPS_UP, False, f"×{KEEPS_UP} (10 % behind)"),)))
    v.settle(
        places,
        f"gevent fell more than {KEEPS_UP - 1:.0%} behind",
        f"gevent within {KEEPS_UP - 1:.0%} of asyncio, with blocking code",
        "no http_fanout pair of gevent and asyncio on the same client (their httpx variants) ran",
    )
    skipped = df[(df.workload == "http_fanout") & (df.model == "gevent") & (df.status == Status.NA)]
    for _, r in skipped.drop_duplicates("interpreter").iterrows():
        v.evidence.append(f"{r.interpreter}: gevent n/a ({r.reason})")
    return v


def _per_round(num: pd.Series, den: pd.Series) -> dict[int, float]:
    """num / den in each round both ran."""
    a, b = num.rounds_values, den.rounds_values
    return {r: a[r] / b[r] for r in set(a) & set(b) if b[r] > 0}


@claim("http_fanout:threads", "http_fanout:threads/httpx", "http_fanout:asyncio", "http_fanout:asyncio/httpx")
def library_matters(df: pd.DataFrame) -> ClaimCheck:
    """ "Can": per interpreter and params, the client's factor (the model whose wall time moved most
    when switched to httpx, either way) over the models' spread (slowest over fastest concurrent model
    on their default clients), paired by round. Checked as its negation (the spread at least the
    client's factor everywhere): supported where one place's interval lies wholly above 1 at the
    Bonferroni level, contradicted when every place's 95 % interval lies wholly below 1."""
    v = ClaimCheck("The HTTP library can matter more than the model (httpx vs aiohttp and urllib3)")
    cells = ok(df)
    cells = cells[(cells.workload == "http_fanout") & (cells.model != "sync")]
    places = []
    for _, group in cells.groupby(["interpreter", "params"], sort=False):
        defaults = group[group.variant == "default"].drop_duplicates("model").set_index("model")
        httpx = group[group.variant == "httpx"].drop_duplicates("model").set_index("model")
        both = defaults.index.intersection(httpx.index)
        if len(defaults) < 2 or both.empty:
            continue
        moved = {m: httpx.wall_s[m] / defaults.wall_s[m] for m in both}
        model = max(moved, key=lambda m: max(moved[m], 1 / moved[m]))
        h, d = httpx.loc[model], defaults.loc[model]
        h, d = (h, d) if moved[model] >= 1 else (d, h)  # the client's factor, whichever way it went
        slow, fast = defaults.loc[defaults.wall_s.idxmax()], defaults.loc[defaults.wall_s.idxmin()]
        point = (h.wall_s / d.wall_s) / (slow.wall_s / fast.wall_s)
        law = paired.ratio_law(_per_round(h, d), _per_round(slow, fast))
        over = _figure(point, law, f"paired over {law.dof + 1:.0f} rounds" if law else "")
        where = _where(group.iloc[0])
        v.evidence.append(
            f"{where}: library ×{h.wall_s / d.wall_s:.2f} ({model} with httpx); models "
            f"×{slow.wall_s / fast.wall_s:.2f} ({slow.name} vs {fast.name}); library/models ×{over.text()}"
        )
        places.append(Place(where, (Interval(over, 1.0, False, "×1 (library and models alike)"),)))
    return v.settle(  # the negation's check: the models' spread is the larger everywhere
        places,
        "swapping the client moved a model more than choosing another model did",
        "the choice of model moved the wall time more than the client, in every case",
        "needs http_fanout with default and httpx variants of at least two models",
    ).negated()


@claim("subprocess:asyncio", "subprocess:threads")
def subprocess_no_faster(df: pd.DataFrame) -> ClaimCheck:
    """asyncio's subprocesses (`create_subprocess_exec`) over threads calling `subprocess.run` for the
    same children at the same limit, wall time paired by round: supported where the interval lies
    wholly above 0.95 (asyncio not 5 % faster), contradicted where wholly below. Both wait on the
    children; neither can make them start sooner."""
    v = ClaimCheck(
        "Running other programs: asyncio.subprocess is no faster than threads calling subprocess.run"
    )
    places = []
    for a, t in _pair(df, "subprocess", "asyncio", "threads"):
        ratio = _ratio(a, t)
        v.evidence.append(
            f"{_where(a)}: asyncio {seconds(a.wall_s)}, threads {seconds(t.wall_s)}; "
            f"asyncio/threads ×{ratio.text()}"
        )
        places.append(Place(_where(a), (Interval(ratio, FASTER, True, "×0.95 (5 % faster)"),)))
    return v.settle(
        places,
        "asyncio's subprocesses were 5 % or more faster than a thread pool's",
        "the children's start and their waits cost the same whichever model waits for them",
        "no subprocess cells of both asyncio and threads ran",
    )


def _price_pairs(df: pd.DataFrame, workload: str, a: str, b: str) -> list[tuple[pd.Series, pd.Series]]:
    return [
        (x, y) for x, y in _pair(df, workload, a, b) if pd.notna(x.us_per_unit) and pd.notna(y.us_per_unit)
    ]


@claim("pingpong:asyncio", "pingpong:threads")
def coroutines_switch_faster(df: pd.DataFrame) -> ClaimCheck:
    """A round trip between two asyncio tasks (an `asyncio.Queue`) over one between two threads (a
    `queue.Queue`), one pair at a time: supported where the interval lies wholly below 0.95 (tasks 5 %
    cheaper or more), contradicted where wholly above. Threads' hand-offs scatter widely (on 3.14t
    they spin, see README), so this one often needs rounds."""
    v = ClaimCheck("Coroutines switch faster than threads")
    places = []
    for a, t in _price_pairs(df, "pingpong", "asyncio", "threads"):
        if json.loads(a.params).get("pairs") != 1:
            continue
        ratio = _ratio(a, t, "us_per_unit")
        v.evidence.append(
            f"{_where(a)}: asyncio {a.us_per_unit:.1f} µs a round trip, threads {t.us_per_unit:.1f} µs; "
            f"asyncio/threads ×{ratio.text()}"
        )
        places.append(Place(_where(a), (Interval(ratio, FASTER, False, "×0.95 (5 % cheaper)"),)))
    return v.settle(
        places,
        "a task's round trip was not 5 % cheaper than a thread's",
        "a round trip between tasks costs less than one between threads",
        "no pingpong cells with one pair of both asyncio and threads ran",
    )


@claim("shared_state:freethreading/local", "shared_state:freethreading/lock")
def free_threading_shares_little(df: pd.DataFrame) -> ClaimCheck:
    """On a free-threaded build with the GIL off, per shared_state case, speedups over sync (price
    ratios): supported where counting locally and merging (`freethreading/local`) has its interval
    wholly above 70 % of the ideal (min(workers, cores)) and one shared object under a lock
    (`freethreading/lock`) wholly below it; contradicted where the lock's lies wholly above or the
    local counts' wholly below."""
    v = ClaimCheck("Free-threading scales only while threads share little")
    places = []
    for local, locked in _price_pairs(df, "shared_state", "freethreading/local", "freethreading/lock"):
        sync = baseline(df, local)
        if sync is None or pd.isna(sync.us_per_unit) or local.gil_enabled_runtime:
            continue
        ideal = min(local.workers, local.cores)
        up = {k: _ratio(sync, r, "us_per_unit") for k, r in (("local", local), ("lock", locked))}
        v.evidence.append(
            f"{_where(local)}: sync {sync.us_per_unit * 1e3:.0f} ns an update; local counts "
            f"×{up['local'].text()} sync's speed, one locked object ×{up['lock'].text()} (ideal ×{ideal})"
        )
        name = f"{SCALES:.0%} of the ideal (×{SCALES * ideal:.2f})"
        tests = (
            Interval(up["local"], SCALES * ideal, True, name),
            Interval(up["lock"], SCALES * ideal, False, name),
        )
        places.append(Place(_where(local), tests))
    return v.settle(
        places,
        "sharing did not decide the scaling",
        f"local counts reached {SCALES:.0%} of the ideal, one shared object under a lock did not",
        "no shared_state cells of freethreading/local and freethreading/lock with the GIL off",
    )


@claim("shared_state:multiprocessing/manager", "shared_state:threads/lock")
def sharing_across_processes(df: pd.DataFrame) -> ClaimCheck:
    """An update through a `multiprocessing.Manager` proxy over one under a `threading.Lock` in a
    shared object, for the same case: supported where the interval lies wholly above ×100,
    contradicted where wholly below."""
    v = ClaimCheck("Sharing state across processes costs orders of magnitude more than across threads")
    places = []
    for m, t in _price_pairs(df, "shared_state", "multiprocessing/manager", "threads/lock"):
        times = _ratio(m, t, "us_per_unit")
        v.evidence.append(
            f"{_where(m)}: a Manager proxy {m.us_per_unit:.1f} µs an update, a thread under a lock "
            f"{t.us_per_unit * 1e3:.0f} ns (×{times.text('{:.0f}')})"
        )
        places.append(Place(_where(m), (Interval(times, ORDERS, True, f"×{ORDERS}"),)))
    return v.settle(
        places,
        f"a proxy update cost less than {ORDERS}× a locked one",
        f"every proxy update cost at least {ORDERS}× a locked update between threads",
        "no shared_state cells of multiprocessing/manager and threads/lock ran",
    )


def _failure_cells(df: pd.DataFrame, case: str, label: str) -> list[tuple[pd.Series, dict, dict]]:
    """The failure workload's cells of one case (`fail_ms`, `deadline_ms`, `cancel_ms`) and label,
    each with its params and its own figures (results.csv's metrics)."""
    cells = _cells(df, "failure", label)
    out = []
    for _, r in cells.iterrows():
        params, figures = json.loads(r.params), json.loads(r.metrics or "{}")
        if params.get(case) and "leaked" in figures:
            out.append((r, params, figures))
    return out


def _stopped(f: dict) -> str:
    return (
        f"leaked {f['leaked']:.0f}, stopped {f['stop_ms']:.0f} ms after the event, "
        f"the caller back {f['overrun_ms']:.0f} ms after it"
    )


def _overrun(f: dict, bound: float, above: bool, name: str) -> Margin:
    """The caller's delay after the event against `bound` ms: a timing, undecided within ±25 %."""
    return Margin(f["overrun_ms"], bound, above, TIMING, f"the caller's delay within ±25 % of {name}")


@claim("failure:asyncio", "failure:trio", "failure:asyncio/gather", "failure:threads")
def structured_concurrency_cancels(df: pd.DataFrame) -> ClaimCheck:
    """Fail-fast (unit 0 fails while its siblings run), on counts (exact): supported where asyncio's
    TaskGroup and trio's nursery leave nothing running (leaked 0: no sibling answered after the
    failure or open 100 ms later) and the caller gets the original exception on every call;
    contradicted where either leaks or loses the error. gather's and threads' figures are shown beside
    them, as the contrast."""
    v = ClaimCheck("Structured concurrency cancels siblings on failure, and nothing leaks")
    places = []
    for label, name in (("asyncio", "asyncio.TaskGroup"), ("trio", "a trio nursery")):
        for r, _, f in _failure_cells(df, "fail_ms", label):
            v.evidence.append(f"{_where(r)}: {name} {_stopped(f)}, error surfaced {f['error_surfaced']:.0%}")
            tests = (Exact(f["leaked"] == 0), Exact(f["error_surfaced"] >= 1))
            places.append(Place(f"{_where(r)} ({name})", tests))
    if places:
        for label in ("asyncio/gather", "threads"):
            for r, _, f in _failure_cells(df, "fail_ms", label):
                v.evidence.append(f"{_where(r)}: {label} (for contrast) {_stopped(f)}")
    return v.settle(
        places,
        "a structured model left work running or lost the error",
        "the failure cancelled every sibling, nothing ran on after it, and the error reached the caller",
        "no fail-fast failure cells of asyncio (TaskGroup) or trio ran",
    )


@claim("failure:threads", "failure:threads/timeouts")
def threads_cannot_be_cancelled(df: pd.DataFrame) -> ClaimCheck:
    """Deadline, threads (and free-threading): supported where the units in flight run to their end
    (leaked > 0, a count) while the caller is back within a quarter of a unit's latency after the
    deadline (a timing: supported under 75 % of that quarter, contradicted over 125 %, undecided in
    between); contradicted where the work was stopped (leaked 0) or the waiting was not.
    `threads/timeouts`, whose requests each get what is left of the deadline as their timeout, is
    shown beside them: the I/O stops, not the thread."""
    v = ClaimCheck("Threads can't be cancelled: a deadline only stops the waiting, not the work")
    places = []
    for label in ("threads", "freethreading"):
        for r, params, f in _failure_cells(df, "deadline_ms", label):
            v.evidence.append(f"{_where(r)}: {label} {_stopped(f)}")
            back = _overrun(f, params["latency_ms"] / 4, False, "a quarter of the latency")
            places.append(Place(f"{_where(r)} ({label})", (Exact(f["leaked"] > 0), back)))
    if places:  # the I/O's own timeout, passed down, does stop the work: that is no cancellation
        for r, _, f in _failure_cells(df, "deadline_ms", "threads/timeouts"):
            v.evidence.append(f"{_where(r)}: threads with each request's timeout the time left {_stopped(f)}")
    return v.settle(
        places,
        "a deadline stopped the threads' work too, or did not stop the waiting",
        "the caller was back at the deadline, and the requests in flight ran to their end",
        "no deadline failure cells of threads ran",
    )


@claim("failure:asyncio", "failure:asyncio/swallow")
def swallowing_breaks_cancellation(df: pd.DataFrame) -> ClaimCheck:
    """Cancel from outside, asyncio, for the same case: supported where the plain TaskGroup leaks
    nothing (a count) while the `swallow` variant (a unit that catches CancelledError and redoes its
    request) leaves work running (leaked > 0, a count) or holds the caller for half a unit's latency
    or more (a timing: decided beyond ±25 % of that half); contradicted where swallowing changed
    nothing or the plain TaskGroup leaked too."""
    v = ClaimCheck("Swallowing CancelledError breaks cancellation")
    places = []
    plain = {(r.interpreter, r.params): f for r, _, f in _failure_cells(df, "cancel_ms", "asyncio")}
    for r, params, f in _failure_cells(df, "cancel_ms", "asyncio/swallow"):
        if (base := plain.get((r.interpreter, r.params))) is None:
            continue
        v.evidence.append(f"{_where(r)}: swallowing {_stopped(f)}; the plain TaskGroup {_stopped(base)}")
        held = _overrun(f, params["latency_ms"] / 2, True, "half the latency")
        broken = Exact(True) if f["leaked"] > 0 else held
        places.append(Place(_where(r), (Exact(base["leaked"] == 0), broken)))
    return v.settle(
        places,
        "the swallowing units stopped as the plain ones did",
        "the cancelled units redid their work, and the caller waited for it",
        "no cancel failure cells of both asyncio and asyncio/swallow ran",
    )


def _serve_pairs(df: pd.DataFrame, a: str, b: str, keep: Callable[[dict], bool]) -> list:
    """serve's cells `a` and `b` of the same interpreter and case, for the cases `keep` takes."""
    return [(x, y, p) for x, y in _pair(df, "serve", a, b) if keep(p := json.loads(x.params))]


@claim("serve:asyncio", "serve:threads")
def async_servers_hold_calls_lightly(df: pd.DataFrame) -> ClaimCheck:
    """On serve's cases with a downstream wait (L > 0) and no CPU work, gthread's memory (the whole
    server, PSS) over uvicorn's, both holding the same K connections, paired by round: supported
    where the interval lies wholly above 1, contradicted where wholly below."""
    v = ClaimCheck("Async servers hold many slow downstream calls with less memory than threads")
    places = []
    for t, a, _ in _serve_pairs(df, "threads", "asyncio", lambda p: p["latency_ms"] > 0 and not p["work"]):
        memory = _paired(t, a, "pss_total_mb")
        mb = {name: _own(r, "pss_total_mb") for name, r in (("gthread", t), ("uvicorn", a))}
        v.evidence.append(
            f"{_where(t)}: gthread {mb['gthread']:.0f} MB, uvicorn {mb['uvicorn']:.0f} MB; "
            f"threads/asyncio ×{memory.text()}"
        )
        places.append(Place(_where(t), (Interval(memory, 1.0, True, "×1 (the same memory)"),)))
    return v.settle(
        places,
        "the thread server held the calls in less memory than the async one",
        "the async server held the same calls in less memory",
        "no serve cells of both threads and asyncio at a case with a downstream wait and no CPU work",
    )


SYNC_PER_CORE_WORK = 750  # "a few ms" of CPU a request: serve's work units (250 ≈ 1 ms)


@claim("serve:sync", "serve:multiprocessing")
def sync_workers_match_async_per_core(df: pd.DataFrame) -> ClaimCheck:
    """On serve's cases with at least SYNC_PER_CORE_WORK units of CPU a request (~3 ms), gunicorn's W
    sync workers against W uvicorn workers (an async server per core, the same processes), wall time
    for the same requests paired by round: supported where the interval lies wholly below 1.10
    (within 10 %), contradicted where wholly above."""
    v = ClaimCheck("Once a request does a few ms of CPU work, W sync workers match an async server per core")
    places = []
    for s, m, p in _serve_pairs(df, "sync", "multiprocessing", lambda p: p["work"] >= SYNC_PER_CORE_WORK):
        ratio = _ratio(s, m)
        v.evidence.append(
            f"{_where(s)}: sync {seconds(s.wall_s)}, uvicorn --workers {seconds(m.wall_s)} "
            f"(L = {p['latency_ms']} ms); sync/async ×{ratio.text()}"
        )
        places.append(Place(_where(s), (Interval(ratio, KEEPS_UP, False, f"×{KEEPS_UP} (10 % behind)"),)))
    return v.settle(
        places,
        f"W sync workers fell more than {KEEPS_UP - 1:.0%} behind W async ones",
        "the CPU work, not the waiting, set the pace: sync workers kept up",
        "no serve cells of both sync and multiprocessing at a case with a few ms of CPU work",
    )


def serve_min_cores(workers: int) -> int:
    """The cores a claim of W processes against T threads needs: one per worker, one for wrk and one
    for the mock server, so neither side waits for the other's core."""
    return workers + 2


@claim("serve:freethreading", "serve:threads")
def one_free_threaded_process(df: pd.DataFrame) -> ClaimCheck:
    """On 3.14t, serve's one gthread process of K threads (freethreading) against W processes of K/W
    (threads), paired by round: supported where the wall time's interval lies wholly below 1.10 and
    the memory's (whole server, PSS) wholly below 1; contradicted where either lies wholly on the
    other side. Not measured on a machine with fewer than W + 2 cores (`serve_min_cores`)."""
    v = ClaimCheck("One free-threaded process of T threads matches W processes, with less memory (3.14t)")
    places, short = [], []
    for f, t, p in _serve_pairs(df, "freethreading", "threads", lambda p: True):
        if f.cores < (need := serve_min_cores(p["workers"])):
            short.append(
                f"{_where(f)}: needs {need} cores (W = {p['workers']} workers, wrk, the mock), has {f.cores}"
            )
            continue
        ratio, memory = _ratio(f, t), _paired(f, t, "pss_total_mb")
        v.evidence.append(
            f"{_where(f)}: 1 × {p['connections']} threads {seconds(f.wall_s)}, "
            f"{_own(f, 'pss_total_mb'):.0f} MB; {p['workers']} processes {seconds(t.wall_s)}, "
            f"{_own(t, 'pss_total_mb'):.0f} MB; wall ×{ratio.text()}, memory ×{memory.text()}"
        )
        tests = (Interval(ratio, KEEPS_UP, False, f"×{KEEPS_UP}"), Interval(memory, 1.0, False, "×1"))
        places.append(Place(_where(f), tests))
    v.evidence += short
    return v.settle(
        places,
        "one process of threads fell behind W processes, or took more memory",
        "one process of threads kept up with W processes in less memory",
        "not measured below W + 2 cores" if short else "no serve cells of both freethreading and threads ran",
    )


def check(df: pd.DataFrame) -> list[ClaimCheck]:
    """Every claim; one not measured because its workloads did not run says how to run them."""
    out = []
    for c in CLAIMS:
        v = c.check(df)
        absent = sorted({w for w, _ in c.needs} - set(df.workload))
        if v.outcome == Outcome.NOT_MEASURED and absent:
            names = ", ".join(absent)
            v.why += f" (no {names} cells: quick leaves them out; add --full or --workload {absent[0]})"
        out.append(v)
    return out
