"""One row of results.csv (one cell on one interpreter), and the named states a cell ends in."""

from __future__ import annotations

import platform
import typing
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cache

from concbench.host.pythons import Facts
from concbench.registry import WORKLOADS, Cell, variant
from concbench.workloads import Kind

TARGETS = {"quick": 0.05, "full": 0.02}  # the CI half-width a mode's rounds aim for


class Status(StrEnum):
    """How a cell ended. The CSV holds the value; a StrEnum compares equal to it."""

    OK = "ok"
    IMPOSSIBLE = "impossible"  # beyond what physics allows: noise or a bug, never a finding
    NA = "n/a"  # cannot run here, with the reason
    FAILED = "failed"  # ran and failed (verification, crash, timeout), with the reason; no timing
    NOT_RUN = "not run"  # stopped before its turn (--resume runs it), or no room in the budget (--budget)

    @property
    def timed(self) -> bool:
        """Its row has timings (an impossible cell keeps them, to show why it was flagged)."""
        return self in (Status.OK, Status.IMPOSSIBLE)


def imprecise(status: str, workload: str, halfwidth: float | None, target: float) -> bool:
    """An ok cell whose headline figure's CI is wider than the target (or has no CI: one round);
    never the null cell, the sub-µs yardstick of the harness, nor a behaviour (one round is enough)."""
    wl = WORKLOADS.get(workload)
    if status != Status.OK or (wl is not None and wl.kind in (Kind.YARDSTICK, Kind.BEHAVIOUR)):
        return False
    return halfwidth is None or halfwidth != halfwidth or halfwidth > target  # NaN: no CI


@dataclass
class Row:
    """One row of results.csv: one cell on one interpreter."""

    machine: str  # hostname: results are per machine, merged by union
    interpreter: str
    interpreter_path: str
    python_version: str
    gil_disabled_build: bool
    gil_enabled_runtime: bool | None  # after the work; None when the cell did not run
    gil_reenabled: bool | None  # the GIL was off at the start of a worker and on after its work
    workload: str
    model: str
    variant: str
    params: str  # JSON, one key per dimension
    workers: int
    cores: int
    status: Status
    reason: str = ""  # why impossible, n/a or failed ("" when not run)
    note: str = ""  # findings on an ok cell: client-bound, server-bound, GIL re-enabled, imprecise, ...
    client: str = ""  # the I/O library of this variant
    wall_s: float | None = None
    wall_stdev_s: float | None = None
    cv: float | None = None
    values: int | None = None
    rounds: int | None = None  # rounds (one worker process each) that gave values
    wall_ci_low_s: float | None = None  # 95 % CI of the geometric mean of the rounds' wall times
    wall_ci_high_s: float | None = None
    cpu_s: float | None = None
    max_rss_mb: float | None = None
    ideal_s: float | None = None
    efficiency: float | None = None  # ideal / wall, paired with sync round by round where ideal uses it
    efficiency_ci_low: float | None = None
    efficiency_ci_high: float | None = None
    speedup_vs_sync: float | None = None  # geometric mean of sync / this cell, round by round
    speedup_ci_low: float | None = None
    speedup_ci_high: float | None = None
    machine_efficiency: float | None = None  # cpu cells: speedup / the parallelism the yardstick found
    ci_halfwidth: float | None = None  # relative half-width of the headline figure's CI (speedup, else wall)
    digest_ok: bool | None = None
    mp_start_method: str = ""
    calls: int | None = None  # timed function calls in all worker processes, warmups included
    reference_s: float | None = None  # computing the reference in the worker (mixed: the N transforms)
    requests_seen: int | None = None  # HTTP workloads with a concbench server: its own counts
    max_inflight: int | None = None
    server_cpu_s: float | None = None  # the mock server's CPU per call (its processes, during the cell)
    lat_p50_ms: float | None = None  # HTTP: per-request latency seen by the client (mean over runs)
    lat_p90_ms: float | None = None
    lat_p99_ms: float | None = None
    cpu_ms_per_request: float | None = None  # HTTP: the client's own CPU cost
    loop_lag_p99_ms: float | None = None  # heartbeat lateness on the model's scheduler (worst run)
    loop_lag_max_ms: float | None = None
    bytes_moved: int | None = None  # disk: bytes written plus bytes read per call
    mb_per_s: float | None = None
    fio_mb_s: float | None = None  # disk: fio's figure for the same bytes, when fio is installed
    us_per_unit: float | None = None  # spawn: start + join of one unit
    mem_kb_per_unit: float | None = None  # spawn: PSS growth per live unit (mean over runs)
    metrics: str = ""  # JSON: the workload's own figures (Workload.metrics), each the mean over runs
    raw_file: str = ""


COLUMNS = [f.name for f in fields(Row)]


@cache
def column_types() -> dict[str, type]:
    """Each column's type, from Row's own annotations: str, int, float, bool or Status (None is
    allowed where the annotation says `| None`, and is the empty field in the CSV)."""
    out = {}
    for name, hint in typing.get_type_hints(Row).items():
        args = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
        out[name] = args[0]
    return out


def base_row(facts: Facts, cell: Cell, status: Status, reason: str = "") -> Row:
    return Row(
        machine=platform.node(),
        interpreter=facts.id,
        interpreter_path=facts.executable,
        python_version=facts.version,
        gil_disabled_build=facts.gil_disabled_build,
        gil_enabled_runtime=None,
        gil_reenabled=None,
        workload=cell.workload,
        model=cell.model,
        variant=cell.variant,
        params=cell.params_json,
        workers=cell.params["workers"],
        cores=facts.cpu_count,
        status=status,
        reason=reason,
        client=variant(cell).about or variant(cell).client,
        mp_start_method=facts.mp_start_method,
    )
