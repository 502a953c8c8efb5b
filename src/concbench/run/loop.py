"""Run a matrix of cells in interleaved rounds on one or more interpreters; write the results contract.

Each round measures the machine (its yardstick and what else ran), then gives every cell of every
job still short of its target one pyperf worker process, in a shuffled order (`rounds.py`). A worker
runs in its own process group with a timeout, so a failure or a hang costs that cell only; HTTP
rounds are checked against the server's own counts. After every round each cell's evidence is judged
into its row (`judge.py`) and raw/, results.csv and the manifest are rewritten, so an interrupted run
keeps every finished round. The mock server (when a workload needs one and no --target is given)
lives for the whole run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict

from concbench.host import machine
from concbench.registry import WORKLOADS
from concbench.results import Row, Status, write_manifest
from concbench.run import costs, forks, race, rounds
from concbench.run.launch import raw_name, run_round
from concbench.run.matrix import Matrix, harness, priority
from concbench.run.plan import Key, Plan
from concbench.run.services import Server, disk_limits, http_server, scratch_facts
from concbench.run.state import (
    Interrupted,
    Terminated,
    _write,
    ignoring_signals,
    leftovers,
    mark_interrupted,
    new_manifest,
    now,
    reload,
    write_raw,
)


def run(
    plan: Plan, argv: list[str], on_round: Callable[[dict, list[Row]], None], resume: dict | None = None
) -> list[Row]:
    """Run every cell of the plan in rounds; write manifest.json, raw/ and results.csv after each.

    `resume`: the manifest of an unfinished run of the same plan in plan.out; its raw files are the
    rounds done, and the rounds go on from there. SIGINT or SIGTERM (`Terminated`) writes what is
    done, marks the manifest interrupted and raises `Interrupted`."""
    (plan.out / "raw").mkdir(parents=True, exist_ok=True)
    manifest = resume or new_manifest(plan, argv)
    if resume:
        leftovers(plan.out)
        manifest.pop("interrupted", None)
        manifest.pop("signal", None)
        manifest.setdefault("resumed", []).append(now())
    schedule = rounds.Schedule(plan.budget_s, plan.seed, plan.started, max_rounds=plan.max_rounds)
    schedule.started -= manifest.get("elapsed_s", 0.0)
    yardsticks: dict[int, dict] = {r["round"]: r["yardstick"] for r in manifest["rounds"] if "yardstick" in r}
    with http_server(plan) as server:
        if server:
            manifest["server"] = {**asdict(server.target), "capacity": server.capacity}
        limits = disk_limits(plan.cells)
        if limits:
            manifest["disk"] = limits
        if any(WORKLOADS[c.workload].scratch for c in plan.cells):
            manifest["scratch"] = scratch_facts(plan.scratch)
        matrix = Matrix.of(plan, server)
        if resume:
            schedule.round = reload(plan, matrix, manifest)
        by_job = rounds.jobs(matrix.evidence)
        rows = matrix.rows(plan, server, limits, yardsticks)
        dropped = race.reload(manifest, matrix) if resume else {}  # cells out of the race, and why
        schedule.done = race.finished(matrix, rows, plan) if resume else set()
        write_manifest(plan.out / "manifest.json", manifest)
        manifest["machine"]["orphans_adopted"] = machine.adopt_orphans()
        cost = costs.Costs(plan, matrix.evidence, costs.load())
        try:
            while schedule.another(live := _racing(by_job, dropped), cost):
                yardstick = machine.yardstick(machine.cores())
                cost.loop_s = yardstick["loop_s"]
                order = schedule.order(live, cost, priority(matrix, rows))
                if not order:  # no job fits in what is left
                    break
                yardsticks[schedule.round] = yardstick
                record = one_round(plan, matrix, order, schedule, server, yardsticks, cost)
                costs.save(cost.recorded(schedule.round, yardstick["loop_s"]))
                rows = matrix.rows(plan, server, limits, yardsticks)
                write_raw(plan, matrix, rows)
                for key, why in race.losers(matrix, rows, plan, schedule.round).items():
                    dropped.setdefault(key, why)
                race.record(manifest, matrix, dropped)
                schedule.done = race.finished(matrix, rows, plan)
                manifest["rounds"].append(record)
                manifest["harness"] = harness(rows)
                _write(plan, manifest, rows, matrix, schedule)
                on_round(record, rows)
        except KeyboardInterrupt as e:
            signame = "SIGTERM" if isinstance(e, Terminated) else "SIGINT"
            with ignoring_signals():  # a second Ctrl-C must not cut the last writes in half
                leftovers(plan.out)  # a round's output the signal caught between its checks
                rows = matrix.rows(plan, server, limits, yardsticks)
                write_raw(plan, matrix, rows)
                mark_interrupted(manifest, schedule.round, yardsticks, signame)
                _write(plan, manifest, rows, matrix, schedule)
            raise Interrupted(plan.out, signame) from e
    manifest["finished"] = now()
    manifest["status_counts"] = {s: sum(r.status == s for r in rows) for s in Status}
    _write(plan, manifest, rows, matrix, schedule)
    return rows


def _racing(by_job: dict, dropped: dict) -> dict:
    """The jobs' cells still in the race."""
    return {job: [k for k in keys if k not in dropped] for job, keys in by_job.items()}


def one_round(
    plan: Plan,
    matrix: Matrix,
    order: list[Key],
    schedule: rounds.Schedule,
    server: Server | None,
    yardsticks: dict[int, dict],
    cost: costs.Costs,
) -> dict:
    """Round `schedule.round`: one worker per cell in `order` (failed cells sit out), job by job; a job
    that no longer fits in what is left of the budget (its estimate stretched by how far this round's
    jobs so far overran theirs) does not start. Returns the round's record for the manifest, with the
    host's load and where the time went."""
    r = schedule.round
    live = [server.target.pid] if server and server.target.pid else []
    load0 = machine.Load.now(live)
    spent: dict[str, float] = {}
    overhead: dict[str, float] = {}  # per cell: the worker's wall time less its timed calls
    ran, skipped, drift = 0, 0, costs.Drift()
    with forks.Parents() as parents:  # fresh each round: a new hash seed and memory layout
        for keys in rounds.jobs(order).values():
            need = sum(cost(k) for k in keys)
            if need * drift.factor > schedule.left():
                skipped += 1
                continue
            t0 = time.monotonic()
            for key in keys:
                ev = matrix.evidence[key]
                if ev.failure:
                    continue
                run_round(ev, plan, r, parents, server)
                overhead[raw_name(ev.facts, ev.cell)] = round(ev.seconds - costs.timed_s(ev, r), 3)
                machine.reap_orphans({*live, *parents.pids()})
                spent[ev.cell.workload] = round(spent.get(ev.cell.workload, 0.0) + ev.seconds, 2)
                ran += 1
            drift.add(need, time.monotonic() - t0)
    load = machine.Load.now(live).since(load0, machine.cores())
    return {
        "round": r,
        "cells": ran,
        "jobs_skipped": skipped,  # jobs that did not fit in what was left of the budget
        "yardstick": yardsticks[r],
        "load": load,
        "seconds": spent,
        "overhead_s": overhead,
        "ended": now(),
    }
