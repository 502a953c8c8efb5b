"""Rounds: the shuffle is seeded, pairing cancels drift, physics flags the impossible, the budget
stops a run, and compare says where two runs agree. No assertion here is about speed. (A real run
that its budget stops: tests/e2e/test_rounds.py.)"""

import dataclasses
import json
import math
import time
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pyperf
import pytest

from concbench.registry import Cell
from concbench.report.compare import Agreement, compare
from concbench.report.data import Results, typed
from concbench.results import COLUMNS
from concbench.run import loop, race, rounds
from concbench.run.judge import Context, Evidence, judge
from concbench.run.matrix import Matrix
from concbench.run.plan import Plan
from concbench.run.rounds import Schedule, jobs, reserve
from concbench.stats import paired
from concbench.verdicts import decide
from concbench.verdicts.decide import State

CPU = {"tasks": 8, "span": 5000, "workers": 2}


def bench(cell: Cell, per_round: dict[int, float]) -> pyperf.Benchmark:
    """A pyperf benchmark with one run (one value) per round, as a round's worker writes it."""
    meta = {"name": cell.id, "loops": 1, "max_rss_mb": 10.0, "mp_start_method": "forkserver"}
    meta |= {"gil_enabled_after": 1, "gil_enabled_before": 1, "reference_s": 0.001}
    runs = [
        pyperf.Run([v], metadata={**meta, "concbench_round": r, "cpu_s": v}, collect_metadata=False)
        for r, v in per_round.items()
    ]
    return pyperf.Benchmark(runs)


def evidence(facts, model: str, per_round: dict[int, float], variant: str = "default") -> Evidence:
    cell = Cell("cpu_bound", model, variant, CPU)
    return Evidence(facts, cell, bench(cell, per_round))


def drift(r: int) -> float:
    """The machine's speed in round r: it swings by ±40 %, as a shared host does."""
    return 1 + 0.4 * math.sin(r * 1.7)


def test_the_order_of_a_round_is_seeded_and_keeps_each_job_together():
    keys = [
        (interp, Cell(w, m, "default", {"workers": 2}))
        for interp in ("a", "b")
        for w in ("x", "y", "z")
        for m in ("sync", "threads", "asyncio")
    ]
    by_job = jobs(keys)
    first, again, other = (Schedule(60, seed).order(by_job, lambda k: 0.1) for seed in (7, 7, 8))
    assert first == again and first != other, "the seed decides the order"
    assert sorted(first, key=repr) == sorted(keys, key=repr), "every cell once a round"
    workloads = [c.workload for _, c in first]
    assert len([w for i, w in enumerate(workloads) if i == 0 or w != workloads[i - 1]]) == 3, (
        "a job's cells (both interpreters) run back to back"
    )
    assert {i for i, c in first[:6]} == {"a", "b"}, "interpreters interleaved within a job"


def test_paired_ratios_cancel_drift_that_unpaired_means_do_not(facts):
    rounds = range(1, 11)
    sync = evidence(facts, "sync", {r: 1.0 * drift(r) for r in rounds})
    threads = evidence(facts, "threads", {r: 0.5 * drift(r) * (1 + 0.002 * (-1) ** r) for r in rounds})
    row = judge(threads, Context(target=0.05, base=sync))
    assert row.status == "ok" and row.rounds == 10
    assert row.speedup_vs_sync == pytest.approx(2.0, rel=0.01)
    assert row.speedup_ci_high / row.speedup_ci_low < 1.01, "the drift both saw cancels in each pair"
    unpaired = [paired.level(e.rounds()).halfwidth for e in (sync, threads)]
    assert min(unpaired) > 0.15, "each cell's own mean carries the whole drift"
    assert row.efficiency == pytest.approx(1.0, rel=0.01)  # 2 workers, 2 cores: ideal is sync / 2


@pytest.mark.parametrize("cores,speedup", [(2, 3.3), (1, 1.3)])
def test_a_cell_faster_than_physics_is_impossible_and_leaves_its_verdict_unsettled(facts, cores, speedup):
    facts = dataclasses.replace(facts, cpu_count=cores)
    rounds = range(1, 6)
    sync = evidence(facts, "sync", {r: drift(r) for r in rounds})
    fast = evidence(facts, "threads", {r: drift(r) / speedup for r in rounds})
    honest = evidence(facts, "multiprocessing", {r: drift(r) / (0.95 * cores) for r in rounds})
    ctx = Context(target=0.05, base=sync)
    rows = [judge(ev, ctx) for ev in (sync, fast, honest)]
    assert [r.status for r in rows] == ["ok", "impossible", "ok"]
    assert rows[1].reason.startswith("efficiency") and rows[1].wall_s is not None
    df = typed(pd.DataFrame([asdict(r) for r in rows]))
    df["rounds_values"] = [ev.rounds() for ev in (sync, fast, honest)]
    (v,) = decide.verdicts(df)
    assert v.state == State.UNSETTLED and "flagged impossible: threads: efficiency" in v.why
    assert "threads" in {p.model for p in v.best}, "the flag never silently changes the verdict"


def test_the_budget_stops_rounds_that_no_longer_fit():
    by_job = {"job": ["a", "b"]}
    s = Schedule(budget_s=100, seed=1)
    assert not s.another(by_job, lambda k: 1000.0), "round 1 too is planned against the budget"
    assert s.order(by_job, lambda k: 1000.0) == [] and s.round == 0, "no round started"
    s.order(by_job, lambda k: 3.0)
    assert s.another(by_job, lambda k: 3.0)
    gone = 100 - reserve(100) - 3  # 3 s left: a 6 s round would end past the budget less the end's reserve
    s.started -= gone
    assert not s.another(by_job, lambda k: 3.0)
    s.started += gone
    s.done = {"job"}
    assert not s.another(by_job, lambda k: 3.0), "every job reached its target"
    capped = Schedule(budget_s=100, seed=1, max_rounds=1)
    capped.order(by_job, lambda k: 3.0)
    assert not capped.another(by_job, lambda k: 3.0), "--rounds 1"


def run_dir(tmp_path: Path, name: str, asyncio: float, threads: float, loop_s: float) -> Results:
    """A fabricated run: sync, asyncio and threads on http_fanout over 5 rounds; a yardstick per round."""
    rows, rounds = [], range(1, 6)
    for label, wall in (("sync", 1.0), ("asyncio", asyncio), ("threads", threads)):
        per_round = {r: wall * loop_s * drift(r) for r in rounds}
        rows.append(
            dict.fromkeys(COLUMNS, "")
            | {
                "interpreter": "cpython-3.14.7",
                "workload": "http_fanout",
                "model": label,
                "variant": "default",
                "params": '{"concurrency":10,"workers":2}',
                "workers": 2,
                "cores": 2,
                "status": "ok",
                "wall_s": sum(per_round.values()) / 5,
                "samples": list(per_round.values()),
                "rounds_values": per_round,
                "gil_enabled_runtime": True,
                "raw_file": "",
            }
        )
    manifest = {
        "rounds": [{"round": r, "yardstick": {"loop_s": loop_s * drift(r), "parallel": 2.0}} for r in rounds]
    }
    return Results(tmp_path / name, manifest, typed(pd.DataFrame(rows)))


def test_compare_says_which_verdicts_agree_net_of_the_machine(tmp_path):
    a = run_dir(tmp_path, "a", asyncio=0.05, threads=0.08, loop_s=0.1)
    slower_day = run_dir(tmp_path, "b", asyncio=0.05, threads=0.08, loop_s=0.2)  # the same, machine 2× slower
    flipped = run_dir(tmp_path, "c", asyncio=0.09, threads=0.06, loop_s=0.1)
    same = compare(a, slower_day)
    assert "2.00× A's" in same.machine
    assert [j.agreement for j in same.jobs] == [Agreement.AGREE] and same.jobs[0].a.settled
    assert not same.called, "a slower machine is not a regression of any cell"
    other = compare(a, flipped)
    assert [j.agreement for j in other.jobs] == [Agreement.CONTRADICT]
    assert {r.label for r in other.called} == {"asyncio", "threads"}
    assert all(va == vb for _, va, vb in same.claims)


def test_a_last_round_that_cannot_take_every_job_takes_the_widest_cis_that_fit():
    by_job = {"narrow": ["n1", "n2"], "wide": ["w1", "w2"], "huge": ["h1"]}
    cost = {"n1": 1.0, "n2": 1.0, "w1": 1.5, "w2": 1.5, "h1": 50.0}.get
    s = Schedule(budget_s=100, seed=3)
    s.order(by_job, cost)  # round 1 takes everything
    s.started -= 100 - reserve(100) - 6  # 6 s left for rounds: room for narrow (2 s) and wide (3 s), not huge
    assert s.another(by_job, cost)
    got = s.order(by_job, cost, {"narrow": 0.01, "wide": 0.3, "huge": math.inf})
    assert sorted(got) == ["n1", "n2", "w1", "w2"], "whole jobs, widest first, as many as fit"
    s.started -= 3.5
    got = s.order(by_job, cost, {"narrow": 0.01, "wide": 0.3, "huge": math.inf})
    assert sorted(got) == ["n1", "n2"], "2.5 s left: only the job that fits"


def raced(facts, tmp_path, per_model: dict[str, float], rounds_: int = 6):
    """A cpu_bound job on one interpreter: each model at its speed, every round drifting alike,
    with a little noise of its own; its Matrix, rows and Plan (cpu_bound in the focus)."""
    noise = {r: 1 + 0.01 * math.sin(r * 2.3 + i) for i in range(1) for r in range(1, rounds_ + 1)}
    evs = {
        (facts.id, ev.cell): ev
        for i, (m, t) in enumerate(per_model.items())
        for ev in [
            evidence(facts, m, {r: t * drift(r) * noise[r] * (1 + 0.01 * math.cos(r + i)) for r in noise})
        ]
    }
    matrix = Matrix({}, evs, list(evs))
    plan = Plan(
        cells=[], pythons=[facts], out=tmp_path, mode="quick", timeout_s=60, focus=rounds.focus("quick", None)
    )
    sync = evs[next(k for k in evs if k[1].model == "sync")]
    rows = [
        judge(ev, Context(target=0.05, base=None if k[1].model == "sync" else sync)) for k, ev in evs.items()
    ]
    return matrix, rows, plan


def test_racing_drops_a_model_shown_slower_and_keeps_sync_and_the_contenders(facts, tmp_path):
    matrix, rows, plan = raced(
        facts, tmp_path, {"sync": 2.0, "threads": 1.0, "multiprocessing": 1.0, "trio": 1.6}
    )
    dropped = race.losers(matrix, rows, plan, 6)
    assert {k[1].model for k in dropped} == {"trio"}, "sync always goes on, so do the could-be-best"
    assert "at 99 %" in next(iter(dropped.values()))["why"]
    manifest: dict = {}
    race.record(manifest, matrix, dropped)
    assert race.reload(json.loads(json.dumps(manifest)), matrix) == dropped, "--resume continues the race"


def test_a_job_finishes_when_its_verdict_settles_and_what_the_focus_leaves_out_runs_once(facts, tmp_path):
    matrix, rows, plan = raced(facts, tmp_path, {"sync": 2.0, "threads": 1.0, "trio": 1.6})
    (job,) = jobs(matrix.evidence)
    assert race.finished(matrix, rows, plan) == {job}, "one model is best, shown apart from the rest"
    once, rows, plan = raced(facts, tmp_path, {"sync": 2.0, "threads": 1.0, "trio": 1.6}, rounds_=1)
    assert race.finished(once, rows, plan) == set(), "one round: no verdict yet, more rounds"
    unfocused = dataclasses.replace(plan, focus=frozenset({"http_fanout"}))
    assert race.finished(once, rows, unfocused) == {job}, "out of the focus: one round is enough"


def test_the_budget_counts_from_the_commands_start():
    s = Schedule(budget_s=100, seed=1, started=time.monotonic() - (100 - reserve(100) - 2))
    assert not s.another({"job": ["a"]}, lambda k: 3.0), "the probes and the server had their share already"
    assert s.another({"job": ["a"]}, lambda k: 1.5)


def test_round_1_is_planned_against_the_budget_from_its_estimates():
    by_job = {"a": ["a1", "a2"], "b": ["b1", "b2"], "c": ["c1", "c2"]}
    cost = {"a1": 10.0, "a2": 10.0, "b1": 40.0, "b2": 40.0, "c1": 30.0, "c2": 30.0}.get
    s = Schedule(budget_s=100, seed=2)  # 85 s for rounds: a (20 s) and c (60 s) fit, b (80 s) would not
    assert sorted(s.order(by_job, cost)) == ["a1", "a2", "c1", "c2"] and s.round == 1


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_slow_day_never_starts_a_job_that_cannot_finish(facts, tmp_path, monkeypatch):
    """Estimates of 1 s a cell on a day twice as slow: the round stretches what is left of its jobs'
    estimates by how far the first ones overran, and skips the job that would end past the budget."""
    clock = FakeClock()
    monkeypatch.setattr(time, "monotonic", clock)
    evs = {
        (facts.id, ev.cell): ev
        for w in ("p", "q", "r")
        for m in ("sync", "threads")
        for ev in [Evidence(facts, Cell("cpu_bound", m, "default", {**CPU, "tasks": len(w) + ord(w)}))]
    }
    matrix = Matrix({}, evs, list(evs))
    plan = Plan(cells=[], pythons=[facts], out=tmp_path, mode="quick", timeout_s=60)

    def slow_round(ev, plan, r, parents, server):  # a worker that takes twice its estimate
        clock.t += 2.0
        ev.seconds = 2.0

    monkeypatch.setattr(loop, "run_round", slow_round)
    s = Schedule(
        budget_s=100, seed=1, started=clock() - (100 - reserve(100) - 11)
    )  # 11 s left: 6 cells, est. 6 s
    order = s.order(jobs(evs), lambda k: 1.0)
    assert len(order) == 6, "planned: everything fits"
    record = loop.one_round(plan, matrix, order, s, None, {1: {"loop_s": 0.1}}, lambda k: 1.0)
    assert record["cells"] == 4 and record["jobs_skipped"] == 1, (
        "the third job (est. 2 s × 2) would end past it"
    )
    assert s.left() >= 0, "nothing ran past the budget"
