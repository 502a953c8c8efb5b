"""Run a matrix of cells on one or more interpreters and write the results contract.

For each interpreter, for each cell: n/a with its reason, or one `concbench.cell` subprocess with a
timeout, whose failure or hang costs that cell only; HTTP cells are then judged by the server's own
counts. The mock server (when a workload needs one and no --target is given) lives for the whole run.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import os
import platform
import re
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from concbench import __version__, fio, target
from concbench.cell import command
from concbench.pythons import Facts
from concbench.registry import MODELS, WORKLOADS, Cell, unavailable
from concbench.results import (
    Row,
    add_note,
    base_row,
    derive,
    fail,
    noisy,
    ok_row,
    write_csv,
    write_manifest,
)
from concbench.target import Target
from concbench.verify import server_counts

ERROR_LINE = re.compile(r"^\w*(Error|Exception|Failed|Interrupt)\b.*")
PYPERF_MANAGER_ERROR = re.compile(r"failed with exit code \d+$")  # says less than the worker's own error


@dataclass(frozen=True)
class Plan:
    cells: list[Cell]
    pythons: list[Facts]
    out: Path
    mode: str  # quick | full
    timeout_s: float
    target: Target | None = None  # a running server (--target); else concbench starts its own
    server_procs: int = 1


@dataclass
class Server:
    """The HTTP target during a run, with its measured capacity."""

    target: Target
    capacity: dict
    references: dict[str, str]  # foreign servers: params JSON -> expected digest

    def demand_note(self, params: dict) -> str:
        demand = params["concurrency"] / (params["latency_ms"] / 1000)
        if demand > self.capacity["req_per_s"] / 2:
            return (
                f"server-bound? demand {demand:.0f} req/s is over half the server's capacity "
                f"({self.capacity['req_per_s']:.0f} req/s)"
            )
        return ""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def failure_reason(stderr: str, returncode: int) -> str:
    """The most telling line of a failed cell's stderr: the last exception line, else the last line."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ERROR_LINE.match(ln) and not PYPERF_MANAGER_ERROR.search(ln)]
    return (errors or lines or [f"exit code {returncode}"])[-1][:300]


def run_cell(facts: Facts, cell: Cell, plan: Plan, server: Server | None = None) -> Row:
    """Run one cell in its own process group, killed whole on timeout or on the way out; a cell that
    writes files gets a fresh directory, removed afterwards whatever happened."""
    scratch = tempfile.TemporaryDirectory(prefix="concbench-") if WORKLOADS[cell.workload].scratch else None
    with scratch or contextlib.nullcontext():
        return _run_cell(facts, cell, plan, server, scratch.name if scratch else "")


def _run_cell(facts: Facts, cell: Cell, plan: Plan, server: Server | None, scratch: str) -> Row:
    raw = plan.out / "raw" / f"{facts.id}.{cell.workload}.{cell.model}.{cell.variant}.{_case(cell)}.json"
    tmp = raw.with_name(f".{raw.name}.tmp")
    tmp.unlink(missing_ok=True)
    run_token = server.target.new_run() if server else None
    url = server.target.base(run_token) if server else ""
    reference = server.references.get(cell.params_json, "") if server else ""
    proc = subprocess.Popen(
        command(facts.executable, cell, str(tmp), plan.mode, url, reference, scratch),
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
    row = ok_row(facts, cell, raw, plan.out)
    if server:
        judge_http(row, cell, server, run_token)
    if row.status == "failed":
        raw.unlink()
    return row


def _case(cell: Cell) -> str:
    """A short, stable name for the cell's params in file names."""
    return hashlib.sha256(cell.params_json.encode()).hexdigest()[:8]


def judge_http(row: Row, cell: Cell, server: Server, run_token: int | None) -> None:
    """Proof of concurrency from the server's side (a concbench server only), and capacity warnings."""
    params = cell.params
    add_note(row, server.demand_note(params))
    if run_token is None:
        return
    stats = server.target.stats(run_token)
    row.requests_seen, row.max_inflight = stats["requests_seen"], stats["max_inflight"]
    sent = (row.calls or 0) * params["requests"]
    ok, text = server_counts(
        row.requests_seen,
        row.max_inflight,
        sent,
        params["concurrency"],
        params["requests"],
        MODELS[cell.model].concurrent,
    )
    if ok:
        add_note(row, text)
    else:
        fail(row, text)


def foreign_reason(cell: Cell, server: Server | None) -> str | None:
    wl = WORKLOADS[cell.workload]
    if wl.server and not wl.any_server and server and not server.target.concbench:
        return f"{cell.workload} needs a concbench server (its /doc endpoint); --target is not one"
    return None


@contextlib.contextmanager
def http_server(plan: Plan) -> Iterator[Server | None]:
    """The target for the HTTP cells: the given one, or a mock server started now and stopped after."""
    if not any(WORKLOADS[c.workload].server for c in plan.cells):
        yield None
        return
    with contextlib.nullcontext(plan.target) if plan.target else target.serve(plan.server_procs) as t:
        references = {}
        if not t.concbench:  # no reference of its own: fetch what this server answers, once per params
            for c in plan.cells:
                if WORKLOADS[c.workload].any_server and c.params_json not in references:
                    p = importlib.import_module(f"concbench.suites.{c.workload}.workload").Params(**c.params)
                    urls = [f"{t.url}{p.path(i)}" for i in range(p.requests)]
                    references[c.params_json] = target.foreign_reference(urls)
        yield Server(t, target.capacity(t), references)


OVERHEAD_FACTOR = 10


def flag_noise(row: Row, harness: dict[str, dict]) -> None:
    """Warn on an ok cell whose values scatter (CV > 5 %) or whose wall time is within 10× of the
    harness's own cost (the null cell on the same interpreter)."""
    if row.status != "ok" or row.workload == "null":
        return
    if noisy(row.status, row.workload, row.cv):
        add_note(row, f"noisy: CV {row.cv:.0%}")
    fixed = harness.get(row.interpreter, {}).get("null_wall_s")
    if fixed and row.wall_s < OVERHEAD_FACTOR * fixed:
        add_note(row, f"within {OVERHEAD_FACTOR}× of the harness's own cost ({fixed * 1e6:.1f} µs)")


def disk_limits(cells: list[Cell]) -> dict[str, dict]:
    """fio's figure for each case of the disk workloads (none without fio), keyed by params JSON."""
    limits: dict[str, dict] = {}
    for c in cells:
        if WORKLOADS[c.workload].bytes_moved and c.params_json not in limits:
            try:
                limits[c.params_json] = fio.measure(c.params) or {}
            except (subprocess.SubprocessError, OSError, ValueError, KeyError) as e:
                limits[c.params_json] = {"tool": "fio", "error": str(e)[:200]}
    return {k: v for k, v in limits.items() if v}


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


def one_cell(
    facts: Facts, cell: Cell, plan: Plan, server: Server | None, limits: dict, harness: dict[str, dict]
) -> Row:
    """A cell's row: n/a with its reason, or run, with the disk limit and the noise notes beside it.
    The null cell's time becomes the interpreter's harness cost for the cells after it."""
    reason = unavailable(cell, facts) or foreign_reason(cell, server)
    if reason:
        return base_row(facts, cell, "n/a", reason)
    row = run_cell(facts, cell, plan, server if WORKLOADS[cell.workload].server else None)
    row.fio_mb_s = limits.get(cell.params_json, {}).get("mb_per_s")
    flag_noise(row, harness)
    if cell.workload == "null" and row.status == "ok":
        harness[facts.id] = {"null_wall_s": row.wall_s, "null_cv": row.cv}
    return row


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
    rows: list[Row] = []
    harness: dict[str, dict] = {}  # per interpreter: the null cell's wall time, the fixed cost of a call
    manifest["harness"] = harness
    limits = disk_limits(plan.cells)
    if limits:
        manifest["disk"] = limits
    with http_server(plan) as server:
        if server:
            manifest["server"] = {**asdict(server.target), "capacity": server.capacity}
        write_manifest(plan.out / "manifest.json", manifest)
        for facts in plan.pythons:
            for cell in plan.cells:
                row = one_cell(facts, cell, plan, server, limits, harness)
                rows.append(row)
                derive(rows)
                write_csv(
                    plan.out / "results.csv", rows
                )  # after every cell: an interrupted run keeps its rows
                on_cell(f"{facts.id} {cell.id}", row)
    manifest["finished"] = now()
    manifest["status_counts"] = {s: sum(r.status == s for r in rows) for s in ("ok", "n/a", "failed")}
    write_manifest(plan.out / "manifest.json", manifest)
    return rows
