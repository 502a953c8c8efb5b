"""What the terminal shows: the matrix, a progress bar while cells run, the summary tables."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import groupby

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from concbench.pythons import Facts
from concbench.registry import MODELS, WORKLOADS, Cell, unavailable
from concbench.results import Row

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


def _fmt(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def print_tables(console: Console, rows: list[Row]) -> None:
    """One table per interpreter × workload × params: wall ± stdev, speedup, efficiency, status;
    for HTTP also the server's max in flight, p99 latency and the client's CPU per request."""
    key = lambda r: (r.interpreter, r.workload, r.params)  # noqa: E731
    for (interp, workload, params), group in groupby(sorted(rows, key=key), key=key):
        group = list(group)
        http = WORKLOADS[workload].server
        dims = ", ".join(f"{k}={v}" for k, v in json.loads(params).items())
        table = Table(title=escape(f"{workload} on {interp} [{dims}]"))
        cols = ["model", "variant", "wall (s)", "speedup", "efficiency", "CPU (s)", "RSS (MB)"]
        cols += ["client", "in flight", "p99 (ms)", "CPU/req (ms)"] if http else []
        disk = WORKLOADS[workload].bytes_moved is not None
        cols += ["client", "MB/s"] if disk else []
        spawn = WORKLOADS[workload].units is not None
        cols += ["unit", "µs/unit", "KiB/live unit"] if spawn else []
        for col in cols:
            table.add_column(col, justify="left" if col in ("model", "variant", "client") else "right")
        table.add_column("status")
        for r in group:
            wall = f"{r.wall_s:.3f} ± {r.wall_stdev_s:.3f}" if r.wall_s is not None else ""
            text = r.reason or r.note
            status = f"[{STATUS_STYLE[r.status]}]{r.status}[/]" + escape(f": {text}" if text else "")
            cells = [
                r.model,
                r.variant,
                wall,
                _fmt(r.speedup_vs_sync, ".2f") + ("×" if r.speedup_vs_sync else ""),
                _fmt(r.efficiency, ".0%"),
                _fmt(r.cpu_s, ".3f"),
                _fmt(r.max_rss_mb, ".0f"),
            ]
            if http:
                inflight = "" if r.max_inflight is None else str(r.max_inflight)
                cells += [r.client, inflight, _fmt(r.lat_p99_ms, ".1f"), _fmt(r.cpu_ms_per_request, ".3f")]
            if disk:
                cells += [r.client, _fmt(r.mb_per_s, ".0f")]
            if spawn:
                cells += [r.client, _fmt(r.us_per_unit, ".1f"), _fmt(r.mem_kb_per_unit, ".1f")]
            table.add_row(*cells, status)
        console.print(table)
