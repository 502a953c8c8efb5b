"""The results contract: `manifest.json`, `raw/*.json` (pyperf, one per cell) and `results.csv`.

Tests, the report and the notebook read these files; everything is written to a temporary name
and then `os.replace`d, so a crash never leaves half a file.
"""

from __future__ import annotations

import csv
import io
import json
import platform
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from concbench.host.pythons import Facts
from concbench.registry import WORKLOADS, Cell, variant

FORMAT = 1  # manifest.json's "format": a reader refuses a directory written in a newer one
STATUSES = ("ok", "impossible", "n/a", "failed")
TARGETS = {"quick": 0.05, "full": 0.02}  # the CI half-width a mode's rounds aim for


def imprecise(status: str, workload: str, halfwidth: float | None, target: float) -> bool:
    """An ok cell whose headline figure's CI is wider than the target (or has no CI: one round);
    never the null cell, the sub-µs yardstick of the harness, nor a behaviour (one round is enough)."""
    if status != "ok" or getattr(WORKLOADS.get(workload), "kind", "") in ("yardstick", "behaviour"):
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
    status: str  # ok | impossible | n/a | failed
    reason: str = ""  # why impossible, n/a or failed
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
        client=variant(cell).about or variant(cell).client,
        mp_start_method=facts.mp_start_method,
    )


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


class BadResults(ValueError):
    """A results directory that cannot be read as one: the reason in one line."""


def read_text(path: Path) -> str:
    """A file of a results directory as UTF-8 text, or BadResults saying why not."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError as e:
        raise BadResults(f"{path.parent}: no {path.name} there (not a results directory)") from e
    except UnicodeDecodeError as e:
        raise BadResults(f"{path}: not UTF-8 text (byte {e.start} is not); the file is damaged") from e
    except OSError as e:
        raise BadResults(f"{path}: cannot read it ({e.strerror or e})") from e


def read_manifest(directory: Path) -> dict:
    """manifest.json, checked: JSON, an object, a format this concbench reads."""
    if not directory.is_dir():
        raise BadResults(f"{directory}: not a directory")
    path = directory / "manifest.json"
    try:
        manifest = json.loads(read_text(path))
    except json.JSONDecodeError as e:
        raise BadResults(f"{path}: not valid JSON ({e.msg} at line {e.lineno}); truncated or damaged") from e
    if not isinstance(manifest, dict):
        raise BadResults(f"{path}: not a concbench manifest (a JSON object)")
    fmt = manifest.get("format", 1)
    if not isinstance(fmt, int) or fmt > FORMAT:
        raise BadResults(
            f"{path}: format {fmt!r} is newer than this concbench reads (format {FORMAT}); upgrade concbench"
        )
    return manifest


def read_rows(directory: Path) -> list[dict]:
    """results.csv's rows, checked whole: UTF-8, not cut short, every field there, every raw file too."""
    path = directory / "results.csv"
    text = read_text(path)
    if not text.strip():
        raise BadResults(f"{path}: empty (the run wrote nothing, or the file was truncated)")
    if not text.endswith("\n"):
        raise BadResults(f"{path}: ends in the middle of a line (truncated)")
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise BadResults(f"{path}: not CSV ({e})") from e
    header, body = table[0], table[1:]
    if missing := [c for c in ("interpreter", "workload", "model", "status", "raw_file") if c not in header]:
        raise BadResults(f"{path}: no {missing[0]} column (not a concbench results.csv)")
    for n, fields_ in enumerate(body, start=2):
        if len(fields_) != len(header):
            raise BadResults(
                f"{path}: line {n} has {len(fields_)} fields, the header {len(header)} (truncated or damaged)"
            )
    rows = [dict(zip(header, r, strict=True)) for r in body]
    for n, r in enumerate(rows, start=2):
        if r["raw_file"] and not (directory / r["raw_file"]).is_file():
            raise BadResults(f"{directory}: {r['raw_file']} is missing (results.csv line {n})")
    return rows


def check_dir(directory: Path) -> tuple[dict, list[dict]]:
    """A results directory's manifest and rows, or BadResults naming the first problem."""
    if not (directory / "results.csv").is_file():
        raise BadResults(f"{directory}: no results.csv there (not a results directory)")
    return read_manifest(directory), read_rows(directory)
