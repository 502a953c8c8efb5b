"""One cell-round: one pyperf worker process for a cell, in its own process group with a timeout,
its output added to the cell's evidence, and HTTP rounds checked against the server's own counts."""

from __future__ import annotations

import contextlib
import hashlib
import re
import tempfile
import time

from concbench.host import machine
from concbench.host.pythons import Facts
from concbench.registry import MODELS, WORKLOADS, Cell, variant
from concbench.run import costs, forks
from concbench.run.judge import Evidence
from concbench.run.plan import Plan
from concbench.run.services import Server
from concbench.worker.cell import Spec, command
from concbench.worker.verify import server_counts

ERROR_LINE = re.compile(r"^\w*(Error|Exception|Failed|Interrupt)\b.*")
PYPERF_MANAGER_ERROR = re.compile(r"failed with exit code \d+$")  # says less than the worker's own error


def failure_reason(stderr: str, returncode: int) -> str:
    """The most telling line of a failed cell's stderr: the last exception line, else the last line."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ERROR_LINE.match(ln) and not PYPERF_MANAGER_ERROR.search(ln)]
    return (errors or lines or [f"exit code {returncode}"])[-1][:300]


def run_round(
    ev: Evidence, plan: Plan, round_no: int, parents: forks.Parents, server: Server | None = None
) -> None:
    """One worker process of values for a cell, added to its evidence (or its failure recorded).

    The worker (forked by the round's `parents`, or started afresh) runs in its own process group,
    killed whole on timeout or on the way out; a cell that writes files gets a fresh directory,
    removed afterwards whatever happened."""
    wl = WORKLOADS[ev.cell.workload]
    parent = str(plan.scratch) if plan.scratch else None
    scratch = tempfile.TemporaryDirectory(prefix="concbench-", dir=parent) if wl.scratch else None
    with scratch or contextlib.nullcontext():
        if scratch:
            machine.settle_disk()
        t0 = time.monotonic()
        _run_round(
            ev, plan, round_no, parents, server if wl.server else None, scratch.name if scratch else ""
        )
        ev.seconds = time.monotonic() - t0


def _run_round(
    ev: Evidence, plan: Plan, round_no: int, parents: forks.Parents, server: Server | None, scratch: str
) -> None:
    """One worker under a run token of its own, closed after it: what reaches the server for it
    later is counted as a stray, never as another cell's."""
    token = server.target.new_run() if server else None
    try:
        _run_worker(ev, plan, round_no, parents, server, scratch, token)
    finally:
        if server and token is not None:
            with contextlib.suppress(OSError):
                server.target.close_run(token)


def _run_worker(
    ev: Evidence,
    plan: Plan,
    round_no: int,
    parents: forks.Parents,
    server: Server | None,
    scratch: str,
    token: int | None,
) -> None:
    cell, facts = ev.cell, ev.facts
    out = plan.out / "raw" / f".{raw_name(facts, cell)}.round{round_no}.tmp"
    out.unlink(missing_ok=True)
    model, wl = MODELS[cell.model], WORKLOADS[cell.workload]
    spec = Spec(
        cell.workload,
        cell.model,
        cell.variant,
        cell.params,
        name=cell.id,
        package=wl.package,
        client=variant(cell).client,
        options=plan.options,
        url=server.target.base(token) if server else "",
        reference=plan.references.get((facts.id, cell.workload, cell.params_json))
        or (server.references.get(cell.params_json, "") if server else ""),
        scratch=scratch,
        heartbeat=model.heartbeat if wl.heartbeat else "",
        round=round_no,
        probe_client=variant(cell).client == "aiohttp",
    )
    argv = command(facts.executable, spec, str(out), costs.values(ev, plan), model.monkey_patch)
    server_cpu0 = server.cpu_s() if server else None
    try:
        returncode, stderr = parents.run(argv, plan.timeout_s, forkable=not model.monkey_patch)
    except (forks.TimedOut, forks.ParentLost) as e:
        ev.failure = (
            f"timed out after {plan.timeout_s:g} s (round {round_no})"
            if isinstance(e, forks.TimedOut)
            else str(e)
        )
        out.unlink(missing_ok=True)
        return
    if returncode != 0 or not out.exists():
        out.unlink(missing_ok=True)
        ev.failure = failure_reason(stderr, returncode)
        ev.digest_failed = "digest mismatch" in stderr
        return
    try:
        ev.add(str(out))
    finally:
        out.unlink(missing_ok=True)
    if server and token is not None and wl.requests_per_call:
        _check_counts(ev, server, token, round_no)
        if server_cpu0 is not None:
            ev.counts[-1]["server_cpu_s"] = (server.cpu_s() or 0.0) - server_cpu0


def _check_counts(ev: Evidence, server: Server, token: int, round_no: int) -> None:
    """Proof of the round's work from the server's side: exactly the requests sent, never more than
    C in flight, and some overlap for a concurrent model."""
    params, run = ev.cell.params, ev.bench.get_runs()[-1]
    stats = server.target.stats(token)
    sent = (len(run.warmups or ()) + len(run.values)) * WORKLOADS[ev.cell.workload].requests_per_call(params)
    ok, text = server_counts(
        stats["requests_seen"],
        stats["max_inflight"],
        sent,
        params["concurrency"],
        params["requests"],
        MODELS[ev.cell.model].concurrent,
    )
    ev.counts.append({"round": round_no, "sent": sent, **stats})
    if not ok:
        ev.failure = f"{text} (round {round_no})"


def raw_name(facts: Facts, cell: Cell) -> str:
    """A cell's raw file: its interpreter, workload, model, variant and a short hash of its params."""
    case = hashlib.sha256(cell.params_json.encode()).hexdigest()[:8]
    return f"{facts.id}.{cell.workload}.{cell.model}.{cell.variant}.{case}.json"
