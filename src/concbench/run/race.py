"""Racing: after each round the jobs' verdicts decide which cells get the next one.

A comparison job in the run's focus goes on until every verdict of it is settled (or has one model).
Within it, a model shown slower than another at the racing level (99 %, stricter than the final 95 %:
the decision is taken again after every round, and each look spends some of the error rate) gets no
more rounds; sync always goes on (every speedup is paired with it), and so does every model that
could be best. A dropped cell keeps its rounds: the final verdict is computed afresh from every
round of every cell (incomplete blocks), never from the racing decisions. What the run's focus
leaves out (in quick: prices, subprocess, the failure behaviour, the null yardstick) runs one round.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import pandas as pd

from concbench.registry import WORKLOADS, baseline_params
from concbench.results import Row, Status
from concbench.run import rounds
from concbench.run.launch import raw_name
from concbench.run.matrix import Matrix, converged
from concbench.run.plan import Key, Plan
from concbench.stats import mcb
from concbench.verdicts import decide
from concbench.verdicts.decide import State
from concbench.workloads import Kind, label

RACE_ALPHA = 0.01  # a model leaves the race when shown slower at 99 % (the final verdict: 95 %)


def frame(matrix: Matrix, rows: list[Row]) -> pd.DataFrame:
    """The run's rows as the verdicts read them: each cell's label and its mean per round."""
    df = pd.DataFrame([asdict(r) for r in rows])
    df["label"] = [label(m, v) for m, v in zip(df.model, df.variant, strict=True)]
    evidence = [matrix.evidence.get(k) for k in matrix.order]
    df["rounds_values"] = [ev.rounds() if ev is not None and ev.runs else {} for ev in evidence]
    df["status"] = df.status.map(Status)
    return df


def verdicts(matrix: Matrix, rows: list[Row], plan: Plan, alpha: float) -> list[decide.Verdict]:
    return decide.verdicts(frame(matrix, rows), plan.margin, alpha)


def losers(matrix: Matrix, rows: list[Row], plan: Plan, round_no: int) -> dict[Key, dict]:
    """The cells of the focus' jobs whose model is shown slower at the racing level: key -> why."""
    out = {}
    for v in verdicts(matrix, rows, plan, RACE_ALPHA):
        if v.workload not in plan.focus:
            continue
        for p in v.slower:
            if p.model == "sync":
                continue
            for key in matrix.evidence:
                interp, cell = key
                if (interp, cell.workload, cell.params_json, cell.model) == (
                    v.interpreter,
                    v.workload,
                    v.params,
                    p.model,
                ):
                    out[key] = {
                        "round": round_no,
                        "why": f"{p.label} {p.ratio:.2f}× the best's time [{p.low:.2f}–{p.high:.2f}] at 99 %",
                    }
    return out


def finished(matrix: Matrix, rows: list[Row], plan: Plan) -> set:
    """The run's jobs (rounds.job_of) that need no more rounds: out of the focus after one round;
    a comparison in the focus once every verdict of it is settled; anything else by its target."""
    by_job = rounds.jobs(matrix.evidence)
    ran = {job for job, keys in by_job.items() if any(matrix.evidence[k].runs for k in keys)}
    done = {job for job in ran if job[0] not in plan.focus}
    open_ = {
        _run_job(v)
        for v in verdicts(matrix, rows, plan, mcb.ALPHA)
        if v.state not in (State.SETTLED, State.ONE_MODEL)
    }
    compared = {job for job in ran if WORKLOADS[job[0]].kind == Kind.COMPARISON and job[0] in plan.focus}
    done |= {job for job in compared if job not in open_}
    return done | (converged(matrix, rows, plan) - compared)


def _run_job(v: decide.Verdict) -> tuple[str, str]:
    """The run's job (rounds.job_of) a verdict belongs to."""
    return v.workload, json.dumps(baseline_params(json.loads(v.params)), sort_keys=True)


def record(manifest: dict, matrix: Matrix, dropped: dict[Key, dict]) -> None:
    """Which cells left the race, when and why: what --resume continues from."""
    manifest["raced"] = {raw_name(matrix.evidence[k].facts, k[1]): why for k, why in dropped.items()}


def reload(manifest: dict, matrix: Matrix) -> dict[Key, dict]:
    names = {raw_name(ev.facts, k[1]): k for k, ev in matrix.evidence.items()}
    return {names[n]: why for n, why in manifest.get("raced", {}).items() if n in names}
