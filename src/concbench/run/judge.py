"""One place that turns a cell's evidence into its finished row.

The evidence of a cell is what its rounds left: the pyperf run of every round (values, CPU, RSS, GIL,
latencies, lag), the server's counts per round, or the reason it failed. `judge` reads it, with the
evidence of its sync baseline (the same rounds), the machine's yardstick of each round and the
harness's own cost, and returns the row: ok, impossible (beyond what physics allows), or failed.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field

import pyperf

from concbench.host.pythons import Facts
from concbench.registry import MODELS, WORKLOADS, Cell
from concbench.results import Row, Status, base_row, imprecise
from concbench.stats import paired
from concbench.worker.verify import inflight_note
from concbench.workloads import Kind

OVERHEAD_FACTOR = 10  # a cell within 10× of the harness's own cost measures the harness
BUSY = 0.9  # a server (or the machine) using this share of its cores has none to spare


@dataclass
class Evidence:
    """What a cell's rounds have left so far."""

    facts: Facts
    cell: Cell
    bench: pyperf.Benchmark | None = None  # every round's run, tagged concbench_round
    counts: list[dict] = field(default_factory=list)  # per round: the server's counts and what was sent
    failure: str = ""  # why it failed; a failed cell keeps no timing
    digest_failed: bool = False
    seconds: float = 0.0  # the last round's worker, start to exit: what the next round will cost

    def add(self, run_file: str) -> None:
        """Add the run a round's worker wrote."""
        new = pyperf.Benchmark.load(run_file)
        if self.bench is None:
            self.bench = new
        else:
            self.bench.add_runs(new)

    @property
    def runs(self) -> list[pyperf.Run]:
        return [r for r in self.bench.get_runs() if r.values] if self.bench else []

    def rounds(self) -> dict[int, float]:
        """Round number -> the mean of that round's values."""
        return {r.get_metadata()["concbench_round"]: statistics.fmean(r.values) for r in self.runs}

    def meta(self, key: str) -> dict[int, float]:
        return {
            r.get_metadata()["concbench_round"]: r.get_metadata()[key]
            for r in self.runs
            if key in r.get_metadata()
        }


@dataclass
class Context:
    """What a cell is judged against, besides its own evidence."""

    target: float  # the CI half-width the run aims for
    base: Evidence | None = None  # the sync cell of the same job (None for sync itself and prices)
    floor_s: float | None = None  # the model's own fixed cost per call on this interpreter (null cell)
    yardsticks: dict[int, dict] = field(default_factory=dict)  # round -> machine.yardstick()
    demand_note: str = ""  # HTTP: server-bound? when the demand nears the server's capacity
    server_procs: int = 1
    fio_mb_s: float | None = None


def judge(ev: Evidence, ctx: Context) -> Row:
    cell, facts = ev.cell, ev.facts
    if ev.failure or not ev.runs:  # no values and no failure: a run stopped before the cell's turn
        row = base_row(facts, cell, Status.FAILED if ev.failure else Status.NOT_RUN, ev.failure)
        row.digest_ok = False if ev.digest_failed else None
        return row
    row = _measured(ev)
    wall = paired.level(ev.rounds())
    row.rounds, row.wall_ci_low_s, row.wall_ci_high_s = wall.n, wall.low, wall.high
    headline = wall
    if ctx.base is not None and ctx.base.runs:  # jobs only: prices and yardsticks have no base
        speedup = paired.ratio(ctx.base.rounds(), ev.rounds())
        if speedup is not None:
            row.speedup_vs_sync, row.speedup_ci_low, row.speedup_ci_high = (
                speedup.value,
                speedup.low,
                speedup.high,
            )
            headline = speedup if cell.model != "sync" else wall
        _efficiency(row, ev, ctx)
    row.ci_halfwidth = headline.halfwidth
    _counts(row, ev)
    row.fio_mb_s = ctx.fio_mb_s
    _notes(row, ctx, wall)
    if reason := _impossible(row, wall, ctx):
        row.status, row.reason = Status.IMPOSSIBLE, reason
    return row


def _measured(ev: Evidence) -> Row:
    """The row's plain measurements: pyperf's mean and spread over every value, CPU, RSS, GIL."""
    cell, bench, runs = ev.cell, ev.bench, [r.get_metadata() for r in ev.runs]
    row = base_row(ev.facts, cell, Status.OK)
    row.calls = sum(len(r.warmups or ()) + len(r.values) for r in bench.get_runs())
    row.wall_s = bench.mean()
    row.values = bench.get_nvalue()
    row.wall_stdev_s = bench.stdev() if row.values > 1 else 0.0
    row.cv = row.wall_stdev_s / row.wall_s
    row.cpu_s = statistics.fmean(m["cpu_s"] for m in runs)
    row.max_rss_mb = max(m["max_rss_mb"] for m in runs)
    row.gil_enabled_runtime = any(m["gil_enabled_after"] for m in runs)
    row.gil_reenabled = any(m["gil_enabled_after"] and not m["gil_enabled_before"] for m in runs)
    row.mp_start_method = runs[0]["mp_start_method"]
    row.reference_s = statistics.fmean(m.get("reference_s", 0.0) for m in runs)
    row.digest_ok = True  # every value was checked in the worker; a mismatch fails the cell
    if accel := runs[0].get("client_accel"):
        row.client = f"{row.client} [{accel}]"
    if "lat_p50_ms" in runs[0]:
        for col in ("lat_p50_ms", "lat_p90_ms", "lat_p99_ms"):
            setattr(row, col, statistics.fmean(m[col] for m in runs))
        row.cpu_ms_per_request = row.cpu_s / cell.params["requests"] * 1000
    if "loop_lag_p99_ms" in runs[0]:
        row.loop_lag_p99_ms = max(m["loop_lag_p99_ms"] for m in runs)
        row.loop_lag_max_ms = max(m["loop_lag_max_ms"] for m in runs)
    wl = WORKLOADS[cell.workload]
    if wl.units:
        row.us_per_unit = row.wall_s / wl.units(cell.params, cell.model, cell.variant) * 1e6
        if "mem_kb_per_unit" in runs[0]:
            row.mem_kb_per_unit = statistics.fmean(m["mem_kb_per_unit"] for m in runs)
    if wl.bytes_moved:
        row.bytes_moved = wl.bytes_moved(cell.params)
        row.mb_per_s = row.bytes_moved / row.wall_s / 1e6
    if figures := {
        m.key: (statistics.mode if m.fmt == "s" else statistics.fmean)(r[m.key] for r in runs)
        for m in wl.metrics
        if all(m.key in r for r in runs)
    }:
        row.metrics = json.dumps(figures, sort_keys=True)
    return row


def _efficiency(row: Row, ev: Evidence, ctx: Context) -> None:
    """ideal / wall per round (the ideal from the same round's sync), and against the yardstick."""
    wl, params = WORKLOADS[ev.cell.workload], ev.cell.params
    sync, own, ref = ctx.base.rounds(), ev.rounds(), ev.meta("reference_s")
    row.ideal_s = wl.ideal_s(params, ctx.base.bench.mean(), row.cores, row.reference_s or 0.0)
    if row.ideal_s is None:
        return
    ideal = {r: wl.ideal_s(params, sync[r], row.cores, ref.get(r, 0.0)) for r in own if r in sync}
    eff = paired.ratio(ideal, own)
    if eff is not None:
        row.efficiency, row.efficiency_ci_low, row.efficiency_ci_high = eff.value, eff.low, eff.high
    if wl.bound == "cpu" and ctx.yardsticks:
        usable = {
            r: sync[r] / min(params["workers"], max(ctx.yardsticks[r]["parallel"], 1e-9))
            for r in ideal
            if r in ctx.yardsticks
        }
        machine = paired.ratio(usable, own)
        row.machine_efficiency = machine.value if machine else None


def _counts(row: Row, ev: Evidence) -> None:
    if ev.counts:
        row.requests_seen = sum(c["requests_seen"] for c in ev.counts)
        row.max_inflight = max(c["max_inflight"] for c in ev.counts)
        if all("server_cpu_s" in c for c in ev.counts):
            row.server_cpu_s = sum(c["server_cpu_s"] for c in ev.counts) / row.calls


def _notes(row: Row, ctx: Context, wall: paired.Estimate) -> None:
    notes = [ctx.demand_note, _machine_bound(row, ctx)]
    if row.max_inflight is not None:
        params = json.loads(row.params)
        concurrent = MODELS[row.model].concurrent
        note = inflight_note(row.max_inflight, params["concurrency"], params["requests"], concurrent)
        if note and _server_busy(row, ctx):  # requests queued in front of a busy server do not show
            note = note.replace("client-bound", "server-bound") + " (the server had no CPU to spare)"
        notes.append(note)
    if (load := json.loads(row.metrics or "{}").get("wrk_core", 0)) >= BUSY:  # serve's load generator
        notes.append(f"load-bound: wrk used {load:.2f} of a core, so it may have set the pace")
    if row.workers > row.cores and (row.cpu_s or 0) > BUSY * row.cores * row.wall_s:
        notes.append(f"oversubscribed: {row.workers} workers on {row.cores} cores, all of them busy")
    if row.gil_reenabled:
        notes.append("GIL re-enabled during the cell: these are not free-threaded numbers")
    if imprecise(row.status, row.workload, row.ci_halfwidth, ctx.target):
        if row.ci_halfwidth is None:
            notes.append(f"imprecise: {wall.n} round, no CI")
        else:
            notes.append(f"imprecise: CI ±{row.ci_halfwidth:.0%} (target ±{ctx.target:.0%})")
    if ctx.floor_s and not _yardstick(row) and row.wall_s < OVERHEAD_FACTOR * ctx.floor_s:
        notes.append(
            f"within {OVERHEAD_FACTOR}× of its model's fixed cost per call ({ctx.floor_s * 1e6:.1f} µs)"
        )
    row.note = "; ".join(n for n in notes if n)


def _yardstick(row: Row) -> bool:
    """The null cells: the floor other cells are held against, not held against it."""
    return WORKLOADS[row.workload].kind == Kind.YARDSTICK


def _server_busy(row: Row, ctx: Context) -> bool:
    """The server used nearly all the CPU it can (its processes, one core each) during the calls."""
    if row.server_cpu_s is None or not row.wall_s:
        return False
    return row.server_cpu_s / row.wall_s >= BUSY * ctx.server_procs


def _machine_bound(row: Row, ctx: Context) -> str:
    """A note when client and server together used nearly every core during the calls."""
    if row.server_cpu_s is None or not row.wall_s or row.cpu_s is None:
        return ""
    used = (row.cpu_s + row.server_cpu_s) / row.wall_s
    if used < BUSY * row.cores:
        return ""
    return f"machine-bound: client and server used {used:.1f} of {row.cores} cores"


def _impossible(row: Row, wall: paired.Estimate, ctx: Context) -> str:
    """Why the cell is beyond what physics allows, or "": faster than its ideal (on CPU work, more
    than the cores × sync; on HTTP, under ceil(N/C)·L) with the whole interval beyond it (so from 2
    rounds on: a point estimate alone is never judged impossible); or faster than the harness's own
    cost of a call, again by the whole interval."""
    wl = WORKLOADS[row.workload]
    low = row.efficiency_ci_low
    if wl.bound and low is not None and low > 1 and row.model != "sync":
        what = "the cores × sync" if wl.bound == "cpu" else "the server's latency allows"
        return (
            f"efficiency {row.efficiency:.2f} (CI {low:.2f}–{row.efficiency_ci_high:.2f}), faster than "
            f"{what}; noise or a bug: run more rounds (--budget) on a quieter machine"
        )
    if ctx.floor_s and not _yardstick(row) and wall.below(ctx.floor_s):
        return f"faster than its model's own fixed cost of a call ({ctx.floor_s * 1e6:.2f} µs)"
    return ""
