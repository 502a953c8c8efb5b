"""What a cell-round will cost: from its last round, else this machine's record scaled by today's
yardstick, else its workload's declared estimate; and round 1's costs recorded for the next run."""

from dataclasses import replace

import pyperf
import pytest

from concbench.registry import WORKLOADS, Cell
from concbench.run import costs
from concbench.run.judge import Evidence
from concbench.run.plan import Plan

CPU = {"tasks": 8, "span": 5000, "workers": 2}


@pytest.fixture(autouse=True)
def records(tmp_path, monkeypatch):
    monkeypatch.setenv("CONCBENCH_COSTS", str(tmp_path / "costs.json"))


def ran(ev: Evidence, value: float, seconds: float) -> None:
    """Round 1 of the cell: a warmup and a value of `value` s, in a worker of `seconds`."""
    meta = {"name": ev.cell.id, "loops": 1, "concbench_round": 1}
    ev.bench = pyperf.Benchmark(
        [pyperf.Run([value], warmups=[(1, value)], metadata=meta, collect_metadata=False)]
    )
    ev.seconds = seconds


def test_a_cell_costs_its_record_scaled_by_the_machine_then_its_last_round(facts, tmp_path):
    key = (facts.id, Cell("cpu_bound", "threads", "default", CPU))
    ev = Evidence(facts, key[1])
    plan = Plan(cells=[], pythons=[facts], out=tmp_path, mode="quick", timeout_s=60)
    fresh = costs.Costs(plan, {key: ev}, costs.load())
    assert fresh(key) == WORKLOADS["cpu_bound"].round_s, "no record: the workload's declared estimate"

    ran(ev, value=0.2, seconds=0.7)  # 0.4 s timed (warmup + value), 0.3 s outside
    assert fresh(key) == pytest.approx(0.3 + 2 * 0.2), "its last round: overhead plus the next calls"
    costs.save(fresh.recorded(1, loop_s=0.1))

    later = costs.Costs(plan, {key: Evidence(facts, key[1])}, costs.load(), loop_s=0.2)
    assert later(key) == pytest.approx(2 * 0.7), "the record, on a day twice as slow"
    assert costs.load() == {costs.record_id(key): costs.Record(0.3, 0.2, 0.1)}


def test_a_broken_record_file_is_no_record(tmp_path):
    (tmp_path / "costs.json").write_text("{not json")
    assert costs.load() == {}


def test_drift_stretches_only_overruns():
    d = costs.Drift()
    assert d.factor == 1.0
    d.add(estimated=2.0, spent=1.0)
    assert d.factor == 1.0, "a fast day never shrinks the estimates"
    d.add(estimated=2.0, spent=7.0)
    assert d.factor == 2.0


def test_a_budget_too_short_for_a_verdict_says_so_and_what_would_do(facts, tmp_path):
    """Round 1 runs every cell, later rounds only the focus's jobs: 3 rounds (MIN_ROUNDS) must fit, or
    one line says how many do and the budget that would."""
    cells = [Cell("cpu_bound", m, "default", CPU) for m in ("sync", "threads")]
    cells.append(Cell("spawn", "threads", "default", {"units": 10, "workers": 2}))
    records = {
        costs.record_id((facts.id, c)): costs.Record(overhead_s=30.0, call_s=10.0, loop_s=0.1) for c in cells
    }  # 30 + (1 + 1 value) × 10 = 50 s a cell; spawn, a price run once, takes 5 values: 90 s
    plan = Plan(
        cells=cells, pythons=[facts], out=tmp_path, mode="quick", timeout_s=60, focus=frozenset({"cpu_bound"})
    )
    assert costs.rounds_s(plan, records) == (190.0, 100.0)
    short = costs.short_budget(replace(plan, budget_s=300.0), records)  # 15 s kept for the end
    assert (
        short and "fits about 1 round here" in short and "--budget 7m gives every job them" in short
    )  # 190 + 2 × 100 + 15
    assert "fits about 2 rounds" in costs.short_budget(replace(plan, budget_s=400.0), records)
    assert costs.short_budget(replace(plan, budget_s=405.0), records) is None
    assert costs.short_budget(replace(plan, budget_s=300.0, max_rounds=1), records) is None, "asked for"
    assert "shorter than round 1 here (~3 min" in costs.short_budget(replace(plan, budget_s=120.0), records)
