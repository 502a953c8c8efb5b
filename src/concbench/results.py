"""The results contract: `manifest.json`, `raw/*.json` (pyperf, one per cell) and `results.csv`.

Tests, the report and the notebook read these files; everything is written to a temporary name
and then `os.replace`d, so a crash never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
import platform
import statistics
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pyperf

from concbench.pythons import Facts
from concbench.registry import DEFAULT, WORKLOADS, Cell, baseline_params, variant

NOISY_CV = 0.05  # a cell whose values scatter more than this is noted as noisy


def noisy(status: str, workload: str, cv: float | None) -> bool:
    """An ok cell whose values scatter by more than NOISY_CV; never the null cell, the sub-µs
    yardstick whose values always scatter."""
    return status == "ok" and workload != "null" and cv is not None and cv > NOISY_CV


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
    status: str  # ok | n/a | failed
    reason: str = ""  # why n/a or failed
    note: str = ""  # findings on an ok cell: client-bound, server-bound, GIL re-enabled, ...
    client: str = ""  # the I/O library of this variant
    wall_s: float | None = None
    wall_stdev_s: float | None = None
    cv: float | None = None
    values: int | None = None
    cpu_s: float | None = None
    max_rss_mb: float | None = None
    ideal_s: float | None = None
    efficiency: float | None = None
    speedup_vs_sync: float | None = None
    digest_ok: bool | None = None
    mp_start_method: str = ""
    calls: int | None = None  # timed function calls in all worker processes, warmups included
    reference_s: float | None = None  # computing the reference in the worker (mixed: the N transforms)
    requests_seen: int | None = None  # HTTP workloads with a concbench server: its own counts
    max_inflight: int | None = None
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
    raw_file: str = ""


COLUMNS = [f.name for f in fields(Row)]
TIMINGS = (
    "wall_s wall_stdev_s cv cpu_s max_rss_mb ideal_s efficiency speedup_vs_sync "
    "lat_p50_ms lat_p90_ms lat_p99_ms cpu_ms_per_request mb_per_s loop_lag_p99_ms loop_lag_max_ms "
    "us_per_unit mem_kb_per_unit"
).split()


def base_row(facts: Facts, cell: Cell, status: str, reason: str = "") -> Row:
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
        client=variant(cell).client,
        mp_start_method=facts.mp_start_method,
    )


def ok_row(facts: Facts, cell: Cell, raw: Path, out_dir: Path) -> Row:
    """A row from a cell's pyperf JSON: timings, and per-run CPU, RSS and GIL facts from its metadata."""
    bench = pyperf.Benchmark.load(str(raw))
    runs = [r.get_metadata() for r in bench.get_runs() if r.values]
    row = base_row(facts, cell, "ok")
    row.calls = sum(len(r.warmups or ()) + len(r.values) for r in bench.get_runs())
    row.wall_s = bench.mean()
    row.values = bench.get_nvalue()
    row.wall_stdev_s = bench.stdev() if row.values > 1 else 0.0
    row.cv = row.wall_stdev_s / row.wall_s
    row.cpu_s = statistics.fmean(m["cpu_s"] for m in runs)
    row.max_rss_mb = max(m["max_rss_mb"] for m in runs)
    row.gil_enabled_runtime = any(m["gil_enabled_after"] for m in runs)
    row.gil_reenabled = any(m["gil_enabled_after"] and not m["gil_enabled_before"] for m in runs)
    row.mp_start_method = runs[0]["mp_start_method"]
    row.reference_s = statistics.fmean(m.get("reference_s", 0.0) for m in runs)
    row.digest_ok = True  # every value was checked in the worker; a mismatch would have failed the cell
    row.raw_file = str(raw.relative_to(out_dir))
    if "lat_p50_ms" in runs[0]:
        for col in ("lat_p50_ms", "lat_p90_ms", "lat_p99_ms"):
            setattr(row, col, statistics.fmean(m[col] for m in runs))
        row.cpu_ms_per_request = row.cpu_s / cell.params["requests"] * 1000
    if "loop_lag_p99_ms" in runs[0]:
        row.loop_lag_p99_ms = max(m["loop_lag_p99_ms"] for m in runs)
        row.loop_lag_max_ms = max(m["loop_lag_max_ms"] for m in runs)
    if count_units := WORKLOADS[cell.workload].units:
        row.us_per_unit = row.wall_s / count_units(cell.params, cell.model) * 1e6
        if "mem_kb_per_unit" in runs[0]:
            row.mem_kb_per_unit = statistics.fmean(m["mem_kb_per_unit"] for m in runs)
    if count := WORKLOADS[cell.workload].bytes_moved:
        row.bytes_moved = count(cell.params)
        row.mb_per_s = row.bytes_moved / row.wall_s / 1e6
    if row.workers > row.cores:
        add_note(row, f"oversubscribed: {row.workers} workers on {row.cores} cores")
    if row.gil_reenabled:
        add_note(row, "GIL re-enabled during the cell: these are not free-threaded numbers")
    return row


def add_note(row: Row, note: str) -> None:
    row.note = "; ".join(n for n in (row.note, note) if n)


def fail(row: Row, reason: str) -> None:
    """A cell that did not prove its work keeps no number."""
    row.status, row.reason, row.note = "failed", reason, ""
    for col in TIMINGS:
        setattr(row, col, None)


def derive(rows: list[Row]) -> None:
    """Fill speedup_vs_sync, ideal_s and efficiency from the sync cell (default variant) of the group."""

    def key(r: Row) -> tuple[str, str, str]:
        return r.interpreter, r.workload, json.dumps(baseline_params(json.loads(r.params)), sort_keys=True)

    sync = {key(r): r.wall_s for r in rows if r.model == "sync" and r.variant == DEFAULT and r.status == "ok"}
    for r in rows:
        base = sync.get(key(r))
        if r.status != "ok" or base is None or WORKLOADS[r.workload].units:
            continue  # spawn cost is a price per unit: nothing to speed up
        r.speedup_vs_sync = base / r.wall_s
        r.ideal_s = WORKLOADS[r.workload].ideal_s(json.loads(r.params), base, r.cores, r.reference_s or 0.0)
        if r.ideal_s is not None:
            r.efficiency = r.ideal_s / r.wall_s


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    tmp.replace(path)


def write_csv(path: Path, rows: list[Row] | list[dict]) -> None:
    """results.csv in the contract's column order (rows as Row, or as dicts read from a CSV)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(
            {k: ("" if v is None else v) for k, v in (asdict(r) if isinstance(r, Row) else r).items()}
        )
    write_atomic(path, buf.getvalue())


def write_manifest(path: Path, manifest: dict) -> None:
    write_atomic(path, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
