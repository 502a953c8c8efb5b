"""The cells of a run and their evidence, judged into rows; which jobs have reached their target."""

from __future__ import annotations

import math
from dataclasses import dataclass

from concbench.registry import DEFAULT, WORKLOADS, baseline_params, unavailable
from concbench.results import Row, Status, base_row
from concbench.run import rounds
from concbench.run.judge import Context, Evidence, judge
from concbench.run.plan import Key, Plan
from concbench.run.services import Server, foreign_reason
from concbench.workloads import Kind


@dataclass
class Matrix:
    """The cells of a run: n/a rows decided up front, and the evidence of every cell that runs."""

    na: dict[Key, Row]
    evidence: dict[Key, Evidence]
    order: list[Key]  # every cell, n/a included, as the plan lists them: the order of results.csv

    @classmethod
    def of(cls, plan: Plan, server: Server | None) -> Matrix:
        na, evidence, order = {}, {}, []
        for facts in plan.pythons:
            for cell in plan.cells:
                key = (facts.id, cell)
                order.append(key)
                refused = plan.refusals.get((facts.id, cell.workload, cell.model, cell.variant))
                if reason := unavailable(cell, facts) or foreign_reason(cell, server) or refused:
                    na[key] = base_row(facts, cell, Status.NA, reason)
                else:
                    evidence[key] = Evidence(facts, cell)
        return cls(na, evidence, order)

    def base(self, key: Key) -> Evidence | None:
        """The sync cell (default variant) that `key`'s cell is compared with, on the same interpreter;
        None outside the jobs: a price per unit (spawn) or a yardstick (null) has nothing to speed up."""
        interp, cell = key
        if WORKLOADS[cell.workload].kind != Kind.COMPARISON:
            return None
        for (i, c), ev in self.evidence.items():
            if (i, c.workload, c.model, c.variant) == (interp, cell.workload, "sync", DEFAULT) and (
                baseline_params(c.params) == baseline_params(cell.params)
            ):
                return ev
        return None

    def rows(self, plan: Plan, server: Server | None, limits: dict, yardsticks: dict[int, dict]) -> list[Row]:
        """Every cell's row as its evidence stands now: the one judging step."""
        floors = {  # (interpreter, model) -> that model's null cell: its fixed cost per call
            (interp, cell.model): ev.bench.mean()
            for (interp, cell), ev in self.evidence.items()
            if WORKLOADS[cell.workload].kind == Kind.YARDSTICK and ev.runs and not ev.failure
        }
        judged = {}
        for key, ev in self.evidence.items():
            cell = key[1]
            serves = server is not None and WORKLOADS[cell.workload].server
            ctx = Context(
                target=plan.ci_target,
                base=self.base(key),
                floor_s=floors.get((key[0], cell.model), floors.get((key[0], "sync"))),
                yardsticks=yardsticks,
                demand_note=server.demand_note(cell.params) if serves else "",
                server_procs=plan.server_procs,
                fio_mb_s=limits.get(cell.params_json, {}).get("mb_per_s"),
            )
            judged[key] = judge(ev, ctx)
        return [judged.get(k) or self.na[k] for k in self.order]


def priority(matrix: Matrix, rows: list[Row]) -> dict:
    """Per job: its widest CI half-width (infinite while a cell has none), for a partial round."""
    by_key = dict(zip(matrix.order, rows, strict=True))
    out: dict = {}
    for job, keys in rounds.jobs(matrix.evidence).items():
        widths = [by_key[k].ci_halfwidth for k in keys if by_key[k].status != Status.FAILED]
        out[job] = max((math.inf if w is None else w for w in widths), default=0.0)
    return out


def converged(matrix: Matrix, rows: list[Row], plan: Plan) -> set:
    """The jobs every cell of which has reached the target (or failed) after MIN_ROUNDS rounds. The
    null job only needs MIN_ROUNDS: its sub-µs values always scatter, and it is no finding. A
    behaviour (failure) needs one round: its figures are counts and delays per call, each call
    proven, and its wall is no speed to pin down."""
    by_key = dict(zip(matrix.order, rows, strict=True))

    def done(r: Row) -> bool:
        if r.status == Status.FAILED:
            return True
        if WORKLOADS[r.workload].kind == Kind.BEHAVIOUR and r.rounds:
            return True
        if (r.rounds or 0) < rounds.MIN_ROUNDS:
            return False
        yardstick = WORKLOADS[r.workload].kind == Kind.YARDSTICK
        return yardstick or (r.ci_halfwidth is not None and r.ci_halfwidth <= plan.ci_target)

    return {job for job, keys in rounds.jobs(matrix.evidence).items() if all(done(by_key[k]) for k in keys)}


def harness(rows: list[Row]) -> dict[str, dict]:
    """Per interpreter: the null cell's wall time (sync: the harness's own cost of a call) and each
    model's, its fixed cost per call."""
    out: dict[str, dict] = {}
    for r in rows:
        if WORKLOADS[r.workload].kind == Kind.YARDSTICK and r.status == Status.OK:
            entry = out.setdefault(r.interpreter, {"models": {}})
            entry["models"][r.model] = r.wall_s
            if r.model == "sync":
                entry |= {"null_wall_s": r.wall_s, "null_cv": r.cv}
    return {k: v for k, v in out.items() if "null_wall_s" in v}
