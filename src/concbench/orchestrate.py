"""Run a matrix of cells on one or more interpreters and write the results contract.

For each interpreter, for each cell: n/a with its reason, or one `concbench.cell` subprocess with a
timeout, whose failure or hang costs that cell only. Then the derived columns, then the files.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import signal
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from concbench import __version__
from concbench.cell import command
from concbench.pythons import Facts
from concbench.registry import Cell, unavailable
from concbench.results import Row, base_row, derive, ok_row, write_csv, write_manifest

ERROR_LINE = re.compile(r"^\w*(Error|Exception|Failed|Interrupt)\b.*")
PYPERF_MANAGER_ERROR = re.compile(r"failed with exit code \d+$")  # says less than the worker's own error


@dataclass(frozen=True)
class Plan:
    cells: list[Cell]
    pythons: list[Facts]
    out: Path
    mode: str  # quick | full
    timeout_s: float


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def failure_reason(stderr: str, returncode: int) -> str:
    """The most telling line of a failed cell's stderr: the last exception line, else the last line."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ERROR_LINE.match(ln) and not PYPERF_MANAGER_ERROR.search(ln)]
    return (errors or lines or [f"exit code {returncode}"])[-1][:300]


def run_cell(facts: Facts, cell: Cell, plan: Plan) -> Row:
    """Run one cell in its own process group; kill the whole group on timeout or on the way out."""
    raw = plan.out / "raw" / f"{facts.id}.{cell.workload}.{cell.model}.{cell.variant}.json"
    tmp = raw.with_name(f".{raw.name}.tmp")
    tmp.unlink(missing_ok=True)
    proc = subprocess.Popen(
        command(facts.executable, cell, str(tmp), plan.mode),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = proc.communicate(timeout=plan.timeout_s)
    except subprocess.TimeoutExpired:
        return base_row(facts, cell, "failed", f"timed out after {plan.timeout_s:g} s")
    finally:  # the pyperf manager and every worker it started share this process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    if proc.returncode != 0 or not tmp.exists():
        row = base_row(facts, cell, "failed", failure_reason(stderr, proc.returncode))
        row.digest_ok = False if "digest mismatch" in stderr else None
        tmp.unlink(missing_ok=True)
        return row
    tmp.replace(raw)
    return ok_row(facts, cell, raw, plan.out)


def machine() -> dict:
    return {
        "hostname": platform.node(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _cpu_model(),
        "cpu_count": os.cpu_count(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def run(plan: Plan, argv: list[str], on_cell: Callable[[str, Row], None]) -> list[Row]:
    """Run every cell of the plan on every interpreter; write manifest.json, raw/ and results.csv."""
    (plan.out / "raw").mkdir(parents=True, exist_ok=True)
    manifest = {
        "concbench_version": __version__,
        "command": argv,
        "started": now(),
        "machine": machine(),
        "interpreters": [f.to_dict() for f in plan.pythons],
        "params": {
            "mode": plan.mode,
            "timeout_s": plan.timeout_s,
            "cells": {c.id: c.params for c in plan.cells},
        },
    }
    write_manifest(plan.out / "manifest.json", manifest)
    rows: list[Row] = []
    for facts in plan.pythons:
        for cell in plan.cells:
            reason = unavailable(cell, facts)
            row = base_row(facts, cell, "n/a", reason) if reason else run_cell(facts, cell, plan)
            rows.append(row)
            derive(rows)
            write_csv(plan.out / "results.csv", rows)  # after every cell: an interrupted run keeps its rows
            on_cell(f"{facts.id} {cell.id}", row)
    manifest["finished"] = now()
    manifest["status_counts"] = {s: sum(r.status == s for r in rows) for s in ("ok", "n/a", "failed")}
    write_manifest(plan.out / "manifest.json", manifest)
    return rows
