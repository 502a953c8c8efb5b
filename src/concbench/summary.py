"""What the terminal shows: the matrix, a progress bar while cells run, the summary tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import groupby
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

if TYPE_CHECKING:
    from concbench.compare import Comparison

from concbench.pythons import Facts, Found
from concbench.registry import MODELS, WORKLOADS, Cell, Workload, unavailable
from concbench.results import NOISY_CV, Row, noisy

STATUS_STYLE = {"ok": "green", "n/a": "yellow", "failed": "bold red"}


def matrix_table(facts: Facts) -> Table:
    """Every workload × model × variant, and whether it can run on `facts`' interpreter."""
    gil = "free-threaded" if facts.gil_disabled_build else "GIL build"
    table = Table(title=f"{facts.id} ({gil}, {facts.cpu_count} CPUs): {facts.executable}")
    for col in ("workload", "model", "variant", "what it is", "here"):
        table.add_column(col)
    for wl in WORKLOADS.values():
        for model, variants in wl.variants.items():
            for v in variants:
                reason = unavailable(Cell(wl.name, model, v.name, {}), facts)
                here = f"[yellow]n/a[/]: {escape(reason)}" if reason else "[green]ok[/]"
                table.add_row(wl.name, model, v.name, MODELS[model].summary, here)
    return table


def pythons_table(found: list[Found]) -> Table:
    table = Table(title="Python interpreters on this machine")
    for col in ("version", "build", "usable", "found by", "path"):
        table.add_column(col)
    for f in found:
        build = "free-threaded" if f.free_threaded else ("GIL" if f.version else "")
        usable = "[red]no[/]: " + escape(f.problem) if f.problem else "[green]yes[/]"
        table.add_row(f.version, build, usable, f.source, f.path)
    return table


@contextmanager
def progress(console: Console, total: int) -> Iterator[Callable[[str, Row], None]]:
    """A bar with the cell name and ETA on a terminal; one line per cell when output is a pipe."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    task = bar.add_task("cells", total=total)

    def on_cell(name: str, row: Row) -> None:
        bar.update(task, advance=1, description=name)
        if not console.is_terminal:
            console.print(f"{row.status:6} {name} {row.reason}", highlight=False, soft_wrap=True)

    with bar:
        yield on_cell


def _fmt(value: float | None, spec: str, suffix: str = "") -> str:
    return "" if value is None else format(value, spec) + suffix


def seconds(x: float) -> str:
    """A duration in the unit that fits it: 12.3 µs, 45.6 ms, 7.890 s."""
    if x < 1e-3:
        return f"{x * 1e6:.1f} µs"
    return f"{x * 1e3:.1f} ms" if x < 1 else f"{x:.3f} s"


def _wall(r: Row) -> str:
    return "" if r.wall_s is None else f"{seconds(r.wall_s)} ± {seconds(r.wall_stdev_s or 0.0)}"


def _status(r: Row) -> str:
    text = r.reason or r.note
    return f"[{STATUS_STYLE[r.status]}]{r.status}[/]" + escape(f": {text}" if text else "")


Column = tuple[str, Callable[[Row], str], Callable[[Workload], bool]]
ALWAYS = lambda wl: True  # noqa: E731
COLUMNS: list[Column] = [  # header, cell text, for which workloads
    ("model", lambda r: r.model, ALWAYS),
    ("variant", lambda r: r.variant, ALWAYS),
    ("wall", _wall, ALWAYS),
    ("speedup", lambda r: _fmt(r.speedup_vs_sync, ".2f", "×"), lambda wl: wl.units is None),
    ("efficiency", lambda r: _fmt(r.efficiency, ".0%"), lambda wl: wl.units is None),
    ("CPU (s)", lambda r: _fmt(r.cpu_s, ".3f"), ALWAYS),
    ("RSS (MB)", lambda r: _fmt(r.max_rss_mb, ".0f"), ALWAYS),
    ("client", lambda r: r.client, lambda wl: any(v.client for vs in wl.variants.values() for v in vs)),
    ("in flight", lambda r: "" if r.max_inflight is None else str(r.max_inflight), lambda wl: wl.server),
    ("p99 (ms)", lambda r: _fmt(r.lat_p99_ms, ".1f"), lambda wl: wl.any_server),
    ("CPU/req (ms)", lambda r: _fmt(r.cpu_ms_per_request, ".3f"), lambda wl: wl.any_server),
    ("lag p99 (ms)", lambda r: _fmt(r.loop_lag_p99_ms, ".1f"), lambda wl: wl.heartbeat),
    ("MB/s", lambda r: _fmt(r.mb_per_s, ".0f"), lambda wl: wl.bytes_moved is not None),
    ("fio MB/s", lambda r: _fmt(r.fio_mb_s, ".0f"), lambda wl: wl.bytes_moved is not None),
    ("µs/unit", lambda r: _fmt(r.us_per_unit, ".1f"), lambda wl: wl.units is not None),
    ("KiB/live unit", lambda r: _fmt(r.mem_kb_per_unit, ".1f"), lambda wl: wl.units is not None),
    ("status", _status, ALWAYS),
]
LEFT = {"model", "variant", "client", "status"}


def print_tables(console: Console, rows: list[Row]) -> None:
    """One table per interpreter × workload × params, with the columns that workload has."""
    key = lambda r: (r.interpreter, r.workload, r.params)  # noqa: E731
    for (interp, workload, params), group in groupby(sorted(rows, key=key), key=key):
        wl = WORKLOADS[workload]
        columns = [c for c in COLUMNS if c[2](wl)]
        dims = ", ".join(f"{k}={v}" for k, v in json.loads(params).items())
        table = Table(title=escape(f"{workload} on {interp} [{dims}]"))
        for title, _, _ in columns:
            table.add_column(title, justify="left" if title in LEFT else "right")
        for r in group:
            table.add_row(*(text(r) for _, text, _ in columns))
        console.print(table)


def findings(rows: list[Row]) -> list[str]:
    """The lines under the tables: the GIL audit of each free-threaded interpreter, noisy cells."""
    lines = []
    for interp in sorted({r.interpreter for r in rows if r.gil_disabled_build}):
        ran = [r for r in rows if r.interpreter == interp and r.gil_enabled_runtime is not None]
        back = [f"{r.workload}.{r.model}/{r.variant}" for r in ran if r.gil_reenabled]
        verdict = f"[bold red]re-enabled by {len(back)}[/]: {', '.join(back)}" if back else "off throughout"
        lines.append(f"GIL audit, {interp}: {len(ran)} cells ran; the GIL was {verdict}")
    scattered = [r for r in rows if noisy(r.status, r.workload, r.cv)]
    if scattered:
        head = f"[yellow]{len(scattered)} cells are noisy (CV > {NOISY_CV:.0%})[/]"
        lines.append(f"{head}: {', '.join(f'{r.workload}.{r.model}/{r.variant}' for r in scattered)}")
    return lines


def comparison_table(cmp: Comparison) -> Table:
    table = Table(title=escape(f"B / A wall time: A = {cmp.a}, B = {cmp.b}"))
    for col in ("interpreter", "workload", "model", "params", "A", "B", "B / A", "significance"):
        table.add_column(col, justify="right" if col in ("A", "B", "B / A") else "left")
    for r in cmp.ratios:
        table.add_row(
            r.interpreter,
            r.workload,
            r.label,
            escape(r.case),
            seconds(r.a_wall_s),
            seconds(r.b_wall_s),
            f"{r.ratio:.3f}",
            r.verdict,
        )
    return table
