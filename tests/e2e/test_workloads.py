"""Workloads describe themselves: a new folder is a new workload, listed and run (one round)."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from concbench.registry import MODELS

SRC = Path(__file__).resolve().parents[2] / "src"

ECHO = '''"""echo: a workload added as one folder."""

from collections.abc import Callable
from dataclasses import dataclass

from concbench.worker.usage import EXTRA
from concbench.workloads import Metric, Workload, every_model

QUICK = [{"items": 4}]
FULL = [{"items": 8}]
Run = Callable[[], list[int]]


@dataclass(frozen=True)
class Params:
    items: int
    workers: int
    variant: str = "default"


def nothing(i: int) -> int:
    return i


def reference(p: Params) -> list[int]:
    EXTRA["echoed"] = p.workers  # a figure of its own, in the worker: its `metrics` column
    return list(range(p.workers))


WORKLOAD = Workload(
    "echo",
    "a new folder",
    quick=QUICK,
    full=FULL,
    variants=every_model(),
    ideal_s=lambda *a: None,
    metrics=(Metric("echoed", "tasks echoed", ".0f"),),
)
'''


def test_a_new_folder_is_a_new_workload(tmp_path):
    """A copy of the tree with one folder added, and nothing else touched: `concbench list` shows
    the new workload and `concbench run` runs it (its model files: the null workload's, copied)."""
    tree = tmp_path / "src"
    shutil.copytree(SRC / "concbench", tree / "concbench", ignore=shutil.ignore_patterns("__pycache__"))
    echo = tree / "concbench" / "suites" / "echo"
    shutil.copytree(tree / "concbench" / "suites" / "null", echo)
    (echo / "workload.py").write_text(ECHO)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    listed = subprocess.run(
        [sys.executable, "-m", "concbench", "list"], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert listed.returncode == 0, listed.stderr
    assert sum(line.startswith("│ echo") for line in listed.stdout.splitlines()) == len(MODELS)
    out = tmp_path / "out"
    run = ["run", "--workload", "echo", "--model", "sync", "--model", "threads", "--rounds", "1", "--tables"]
    ran = subprocess.run(
        [sys.executable, "-m", "concbench", *run, "--python", sys.executable, "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    with (out / "results.csv").open() as f:
        echo_rows = [r for r in csv.DictReader(f) if r["workload"] == "echo"]
    # ok, or impossible: the echo cells are null's own, so they may time below null's floor
    assert len(echo_rows) == 2 and {r["status"] for r in echo_rows} <= {"ok", "impossible"}, echo_rows
    assert all(r["digest_ok"] == "True" for r in echo_rows)
    assert all(
        json.loads(r["metrics"])["echoed"] == int(json.loads(r["params"])["workers"]) for r in echo_rows
    )
    assert "tasks echoed" in ran.stdout, "its own metric is a column of its table"
