"""What cells use besides their worker, set up once per run: the HTTP target (the mock server or
--target, with its capacity) and fio's figure for each disk case."""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

from concbench.host import fio, machine, target
from concbench.host.target import Target
from concbench.registry import WORKLOADS, Cell
from concbench.run.plan import Plan


@dataclass
class Server:
    """The HTTP target during a run, with its measured capacity."""

    target: Target
    capacity: dict
    references: dict[str, str]  # foreign servers: params JSON -> expected digest

    def cpu_s(self) -> float | None:
        """CPU seconds the server's processes have used so far (None when it is not ours): from
        each thread's `/proc/PID/task/TID/schedstat` (nanoseconds), else psutil's 10 ms ticks."""
        if not self.target.pid:
            return None
        total = 0.0
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(self.target.pid)
            for p in (proc, *proc.children(recursive=True)):
                total += machine.thread_cpu_s(p.pid) or sum(p.cpu_times()[:2])
        return total

    def demand_note(self, params: dict) -> str:
        """A note when the cell's requests could ask more than half the server's capacity: C (or a
        load generator's K connections) in flight, each held L ms."""
        in_flight = params.get("concurrency") or params.get("connections")
        if not in_flight or not params.get("latency_ms"):
            return ""
        demand = in_flight / (params["latency_ms"] / 1000)
        if demand > self.capacity["req_per_s"] / 2:
            return (
                f"server-bound? demand {demand:.0f} req/s is over half the server's capacity "
                f"({self.capacity['req_per_s']:.0f} req/s)"
            )
        return ""


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
    with (
        contextlib.nullcontext(plan.target)
        if plan.target
        else target.serve(plan.server_procs, cpus=plan.server_cpus) as t
    ):
        references = {}
        if not t.concbench:  # no reference of its own: fetch what this server answers, once per params
            for c in plan.cells:
                if WORKLOADS[c.workload].any_server and c.params_json not in references:
                    workload = importlib.import_module(f"{WORKLOADS[c.workload].package}.workload")
                    p = workload.Params(**c.params)
                    urls = [f"{t.url}{p.path(i)}" for i in range(p.requests)]
                    references[c.params_json] = target.foreign_reference(urls)
        yield Server(t, target.capacity(t), references)


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


def scratch_facts(scratch: Path | None) -> dict:
    """Where disk cells write, and what filesystem that is (tmpfs, ext4, overlay, ...)."""
    path = (scratch or Path(tempfile.gettempdir())).resolve()
    mounts = [m for m in psutil.disk_partitions(all=True) if path.is_relative_to(m.mountpoint)]
    mount = max(mounts, key=lambda m: len(m.mountpoint), default=None)
    return {"dir": str(path), "fstype": mount.fstype if mount else "", "settle": machine.settle_disk()}
