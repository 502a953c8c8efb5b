"""What a cell-round will cost, so that no round (and no job within one) starts that the budget cannot
finish.

A cell that has run costs what its last round did outside its timed calls, plus the calls the next
round asks for. Before its first round, a cell costs what this machine recorded for it in earlier
runs (`~/.cache/concbench/costs.json`, or $CONCBENCH_COSTS), scaled by how slow the machine is today
against the day of the record (the yardstick's loop); with no record, its workload's declared
estimate of a good day (`Workload.round_s`). While a round runs, each job is checked again against
what is left, its estimate stretched by how far the round's jobs so far overran theirs (`Drift`).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pyperf

from concbench.registry import WORKLOADS, unavailable
from concbench.run import rounds
from concbench.run.judge import Evidence
from concbench.run.plan import Key, Plan
from concbench.workloads import Kind


def path() -> Path:
    default = Path.home() / ".cache" / "concbench" / "costs.json"
    return Path(os.environ.get("CONCBENCH_COSTS") or default)


@dataclass(frozen=True)
class Record:
    """One cell's last round on this machine."""

    overhead_s: float  # the worker's wall time less its timed calls
    call_s: float  # one timed call
    loop_s: float  # the machine's yardstick that round (one copy's loop)

    def cost(self, values: int, loop_s: float | None) -> float:
        slower = loop_s / self.loop_s if loop_s and self.loop_s else 1.0
        return (self.overhead_s + (1 + values) * self.call_s) * slower


def record_id(key: Key) -> str:
    interp, cell = key
    return f"{interp}/{cell.id}"


def load() -> dict[str, Record]:
    """The records of earlier runs on this machine (none if unreadable)."""
    try:
        return {k: Record(**v) for k, v in json.loads(path().read_text()).items()}
    except (OSError, ValueError, TypeError):
        return {}


def save(records: dict[str, Record]) -> None:
    """Merge `records` into this machine's, atomically; a record that cannot be written is no error."""
    with contextlib.suppress(OSError):
        target = path()
        target.parent.mkdir(parents=True, exist_ok=True)
        merged = {**load(), **records}
        with tempfile.NamedTemporaryFile("w", dir=target.parent, delete=False, suffix=".tmp") as f:
            json.dump({k: asdict(v) for k, v in merged.items()}, f)
        Path(f.name).replace(target)


def values(ev: Evidence, plan: Plan) -> int:
    """How many values the cell's next round takes, from its calls so far."""
    once = ev.cell.workload not in plan.focus and WORKLOADS[ev.cell.workload].kind == Kind.PRICE
    return rounds.values(plan.mode, ev.bench.mean() if ev.bench else None, once)


def timed_s(ev: Evidence, r: int) -> float:
    """The seconds round `r`'s worker spent in timed calls, warmups included (0 if it gave none)."""
    for run in ev.bench.get_runs() if ev.bench else ():
        if run.get_metadata().get("concbench_round") == r:
            return _timed(run)
    return 0.0


def _timed(run: pyperf.Run) -> float:
    return sum(run.values) + sum(v for _, v in run.warmups or ())


@dataclass
class Costs:
    """Each cell's cost for the next round, in seconds."""

    plan: Plan
    evidence: dict[Key, Evidence]
    records: dict[str, Record]
    loop_s: float | None = None  # today's yardstick, once a round has measured it

    def __call__(self, key: Key) -> float:
        ev = self.evidence[key]
        if ev.bench is not None and ev.seconds:
            overhead = max(0.0, ev.seconds - _timed(ev.bench.get_runs()[-1]))
            return overhead + (1 + values(ev, self.plan)) * ev.bench.mean()
        if (rec := self.records.get(record_id(key))) is not None:
            return rec.cost(values(ev, self.plan), self.loop_s)
        return WORKLOADS[key[1].workload].round_s

    def recorded(self, r: int, loop_s: float) -> dict[str, Record]:
        """Round `r`'s cells as records for later runs."""
        out = {}
        for key, ev in self.evidence.items():
            timed = timed_s(ev, r)
            if timed and ev.bench is not None:
                out[record_id(key)] = Record(round(ev.seconds - timed, 4), ev.bench.mean(), loop_s)
        return out


@dataclass
class Drift:
    """How far a round's jobs overran their estimates so far (never below 1)."""

    estimated: float = 0.0
    spent: float = 0.0

    def add(self, estimated: float, spent: float) -> None:
        self.estimated += estimated
        self.spent += spent

    @property
    def factor(self) -> float:
        return max(1.0, self.spent / self.estimated) if self.estimated else 1.0


def rounds_s(plan: Plan, records: dict[str, Record]) -> tuple[float, float]:
    """(round 1, each round after it) in seconds, before any has run: every cell in round 1; after it,
    only the jobs in the run's focus race (the others ran once). An estimate from this machine's
    records, else the workloads' own; later rounds are cheaper still as models shown slower drop out."""
    evidence = {(f.id, c): Evidence(f, c) for f in plan.pythons for c in plan.cells if not unavailable(c, f)}
    cost = Costs(plan, evidence, records)
    return sum(map(cost, evidence)), sum(cost(k) for k in evidence if k[1].workload in plan.focus)


def short_budget(plan: Plan, records: dict[str, Record]) -> str | None:
    """One line when the budget cannot give every focus job the rounds a verdict needs (MIN_ROUNDS)
    here, with the budget that would (at most: racing drops the models shown slower): the run goes
    on, with wider intervals or none."""
    if plan.max_rounds is not None and plan.max_rounds < rounds.MIN_ROUNDS:
        return None  # fewer rounds were asked for
    first, later = rounds_s(plan, records)
    spent = time.monotonic() - plan.started if plan.started is not None else 0.0  # probes, checks
    left = plan.budget_s - rounds.reserve(plan.budget_s) - spent - first  # after round 1
    if left >= (rounds.MIN_ROUNDS - 1) * later:
        return None
    need = rounds.END_RESERVE_S + spent + first + (rounds.MIN_ROUNDS - 1) * later  # a longer one's reserve
    source = "this machine's records" if records else "the workloads' estimates"
    budget, round1 = f"this budget ({_duration(plan.budget_s)})", f"~{_duration(first)}, from {source}"
    if left < 0:
        said = f"{budget} is shorter than round 1 here ({round1}): the jobs that do not fit are not run"
    else:
        fit = 1 + (int(left // later) if later else 0)
        said = f"{budget} fits about {fit} round{'s' * (fit != 1)} here (round 1 {round1})"
    return (
        f"{said}; a verdict needs {rounds.MIN_ROUNDS} rounds: --budget {math.ceil(need / 60)}m gives every "
        "job them. The run goes on: fewer rounds leave wider intervals, one round none."
    )


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"
