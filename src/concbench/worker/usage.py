"""CPU time, peak RSS, GIL state, request latencies and heartbeat lag of a cell, as a pyperf hook.

pyperf enters the hook around every call of the timed function in a worker and hands it the run's
metadata at the end, so the figures ride along in the pyperf JSON (`pyperf show --metadata`).
Registered as the `concbench_usage` entry point in the `pyperf.hook` group.
"""

from __future__ import annotations

import contextlib
import resource
import statistics
import sys
import time
from pathlib import Path

import psutil

from concbench.worker.heartbeat import LAGS

HOOK = "concbench_usage"
LATENCIES: list[float] = []  # seconds per request, filled by the cell's timed function (HTTP workloads)
EXTRA: dict[str, float | str] = {}  # other per-process facts the cell measured (spawn: memory per unit)


def gil_enabled() -> bool:
    return getattr(sys, "_is_gil_enabled", lambda: True)()


def _processes() -> list[psutil.Process]:
    me = psutil.Process()
    return [me, *me.children(recursive=True)]


def tree_cpu_s() -> float:
    """User+sys seconds of this process and its descendants, live and reaped (pools, forkserver).

    This process by its precise clock (`time.process_time`); the others from /proc, in ticks."""
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = time.process_time() + reaped.ru_utime + reaped.ru_stime
    for proc in _processes()[1:]:
        try:
            t = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def _peak_rss(proc: psutil.Process) -> int:
    """Peak RSS in bytes: VmHWM on Linux, the current RSS elsewhere."""
    try:
        for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return proc.memory_info().rss
    except (OSError, psutil.NoSuchProcess):
        return 0


def tree_pss() -> int:
    """Proportional set size of this process and its descendants, in bytes: shared pages split
    fairly, so forked children are not counted twice (Linux; RSS where PSS is not available)."""
    return sum(pss(proc) for proc in _processes())


def tcp_connections(proc: psutil.Process) -> list:
    """`proc`'s TCP sockets (psutil.pconn), none if it is gone or not ours to see."""
    with contextlib.suppress(psutil.Error):
        return (getattr(proc, "net_connections", None) or proc.connections)(kind="tcp")  # psutil < 6
    return []


def pss(proc: psutil.Process) -> int:
    """One process's proportional set size in bytes (RSS where PSS is not available; 0 once gone)."""
    with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
        info = proc.memory_full_info()
        return getattr(info, "pss", info.rss)
    return 0


def tree_peak_rss() -> int:
    """This process's peak RSS plus the peaks of its live descendants, in bytes (VmHWM: ru_maxrss
    would carry over the parent's peak across fork and exec)."""
    return sum(_peak_rss(p) for p in _processes())


class UsageHook:
    """pyperf hook: CPU seconds per call, peak RSS, the GIL state after the work, latency percentiles."""

    def __init__(self) -> None:  # pyperf makes one for the warmups, then one for the values
        LATENCIES.clear()
        LAGS.clear()
        self.cpu_s = 0.0
        self.calls = 0
        self.rss = 0
        self._start = 0.0

    def __enter__(self) -> None:
        self._start = tree_cpu_s()

    def __exit__(self, *exc: object) -> None:
        self.cpu_s += tree_cpu_s() - self._start
        self.calls += 1
        self.rss = max(self.rss, tree_peak_rss())

    def teardown(self, metadata: dict) -> None:
        if self.calls:
            metadata["cpu_s"] = self.cpu_s / self.calls
            metadata["max_rss_mb"] = self.rss / 2**20
        metadata["gil_enabled_after"] = int(gil_enabled())
        metadata.update(EXTRA)
        if len(LATENCIES) >= 2:
            cuts = statistics.quantiles(LATENCIES, n=100, method="inclusive")
            for pct in (50, 90, 99):
                metadata[f"lat_p{pct}_ms"] = cuts[pct - 1] * 1000
        if LAGS:
            p99 = statistics.quantiles(LAGS, n=100, method="inclusive")[98] if len(LAGS) > 1 else LAGS[0]
            metadata["loop_lag_p99_ms"] = p99 * 1000
            metadata["loop_lag_max_ms"] = max(LAGS) * 1000
            metadata["loop_ticks"] = len(LAGS)
