"""A real run whose budget, not its precision target, ends it. No assertion here is about speed."""

import csv
import json


def test_a_run_of_slow_cells_stops_within_its_budget(concbench, tmp_path):
    """sync calls of ~1-3 s each, two a round: a 12 s budget leaves no room for the 3 rounds that the
    target needs at least, so the budget, not the target, ends the run."""
    out = tmp_path / "slow"
    proc = concbench(
        "run",
        "--workload",
        "cpu_bound",
        "--model",
        "sync",
        "--param",
        "tasks=16",
        "--param",
        "span=30000",
        "--budget",
        "12s",
        "--out",
        str(out),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["params"]["budget_s"] == 12
    with (out / "results.csv").open() as f:
        (slow,) = [r for r in csv.DictReader(f) if r["workload"] == "cpu_bound"]
    assert 1 <= int(slow["rounds"]) < 3, "the budget stopped it before the 3 rounds a target needs"
    assert "imprecise" in slow["note"]


def test_a_budget_with_no_room_for_a_first_round_runs_nothing_and_says_so(concbench, tmp_path):
    """Round 1 is planned against the budget too: 1 s leaves no room, so no cell starts."""
    out = tmp_path / "none"
    proc = concbench("run", "--workload", "cpu_bound", "--model", "sync", "--budget", "1s", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "is shorter than round 1 here" in proc.stdout, "said before round 1, with the budget that fits"
    assert "cells not run: the budget (1 s) had no room for their jobs" in proc.stdout
    assert "no model timed" in proc.stdout
    assert json.loads((out / "manifest.json").read_text())["rounds"] == []
    with (out / "results.csv").open() as f:
        assert {r["status"] for r in csv.DictReader(f)} == {"not run"}
