"""What the terminal shows: the matrix, a progress bar while cells run, the summary tables."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import groupby
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from concbench.report.compare import Comparison

from concbench.host.pythons import Facts, Found
from concbench.registry import MODELS, WORKLOADS, Cell, Workload, unavailable
from concbench.report.fmt import seconds
from concbench.results import Row, Status, imprecise

STATUS_STYLE = {
    Status.OK: "green",
    Status.IMPOSSIBLE: "bold magenta",
    Status.NA: "yellow",
    Status.FAILED: "bold red",
    Status.NOT_RUN: "yellow",
}


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
def progress(console: Console, budget_s: float) -> Iterator[Callable[[dict, list[Row]], None]]:
    """A bar over the time budget on a terminal; one line per round either way."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
    )
    task = bar.add_task("rounds", total=budget_s)
    started = time.monotonic()

    def on_round(record: dict, rows: list[Row]) -> None:
        bar.update(task, completed=time.monotonic() - started, description=f"round {record['round']}")
        console.print(round_line(record, rows), highlight=False, soft_wrap=True)

    with bar:
        yield on_round


def round_line(record: dict, rows: list[Row]) -> str:
    """`round 3: 120 cells; machine: loop 0.112 s, 1.9 cores; others 2 % of the CPU; 14 short of target`"""
    y, load = record["yardstick"], record["load"]
    counts = ", ".join(
        f"{n} {s}" for s in Status if (n := sum(r.status == s for r in rows)) and s != Status.OK
    )
    busy = " [yellow]busy[/]" if load["busy"] else ""
    return (
        f"round {record['round']}: {record['cells']} cells in {load['wall_s']:.0f} s; machine: loop "
        f"{y['loop_s'] * 1000:.0f} ms, {y['parallel']:.2f} of {y['copies']} cores; other processes took "
        f"{load['others_share']:.0%} of the CPU{busy}" + (f"; {counts}" if counts else "")
    )


def _fmt(value: float | None, spec: str, suffix: str = "") -> str:
    return "" if value is None else format(value, spec) + suffix


def _ci(value: float | None, low: float | None, high: float | None, suffix: str = "") -> str:
    if value is None:
        return ""
    if low is None or high is None:
        return f"{value:.2f}{suffix}"
    return f"{value:.2f}{suffix} [{low:.2f}–{high:.2f}]"


def _spread(r: Row, scale: float = 1.0, say_rounds: bool = True) -> str:
    """The interval a figure has, and what it covers: across rounds (95 % CI of the rounds' geometric
    mean; how many rounds unless a column says it), else within one process (pyperf's stdev of its
    values); nothing from a single value."""
    if r.wall_ci_low_s is not None and r.wall_ci_high_s is not None and (r.rounds or 0) > 1:
        low, high = seconds(r.wall_ci_low_s * scale), seconds(r.wall_ci_high_s * scale)
        return f" [{low}–{high}]" + (f" over {r.rounds} rounds" if say_rounds else "")
    if (r.values or 0) > 1 and r.wall_stdev_s:
        return f" ± {seconds(r.wall_stdev_s * scale)} within one process"
    return ""


def _wall(r: Row, say_rounds: bool = True) -> str:
    return "" if r.wall_s is None else seconds(r.wall_s) + _spread(r, say_rounds=say_rounds)


def _per_unit(r: Row, say_rounds: bool = True) -> str:
    """A price per unit, with the interval it has."""
    if r.us_per_unit is None or not r.wall_s:
        return ""
    return seconds(r.us_per_unit / 1e6) + _spread(r, r.us_per_unit / 1e6 / r.wall_s, say_rounds)


def _p99(r: Row) -> str:
    """The latency p99; with fewer than 100 requests a call, that is its slowest one: say so."""
    if r.lat_p99_ms is None:
        return ""
    requests = json.loads(r.params).get("requests", 100)
    return f"{r.lat_p99_ms:.1f}" + (f" (max of {requests})" if requests < 100 else "")


def _status(r: Row) -> str:
    text = r.reason or r.note
    return f"[{STATUS_STYLE[r.status]}]{r.status}[/]" + escape(f": {text}" if text else "")


Column = tuple[str, Callable[[Row], str], Callable[[Workload], bool]]
ALWAYS = lambda wl: True  # noqa: E731
COLUMNS: list[Column] = [  # header, cell text, for which workloads
    ("model", lambda r: r.model, ALWAYS),
    ("variant", lambda r: r.variant, ALWAYS),
    ("wall", _wall, ALWAYS),
    (
        "speedup [95% CI]",
        lambda r: _ci(r.speedup_vs_sync, r.speedup_ci_low, r.speedup_ci_high, "×"),
        lambda wl: wl.units is None,
    ),
    ("efficiency", lambda r: _fmt(r.efficiency, ".0%"), lambda wl: bool(wl.bound)),  # of a physical ideal
    ("vs machine", lambda r: _fmt(r.machine_efficiency, ".0%"), lambda wl: wl.bound == "cpu"),
    ("CPU (s)", lambda r: _fmt(r.cpu_s, ".3f"), ALWAYS),
    ("RSS (MB)", lambda r: _fmt(r.max_rss_mb, ".0f"), ALWAYS),
    (
        "client",
        lambda r: r.client,
        lambda wl: any(v.client or v.about for vs in wl.variants.values() for v in vs),
    ),
    ("in flight", lambda r: "" if r.max_inflight is None else str(r.max_inflight), lambda wl: wl.server),
    ("p99 (ms)", _p99, lambda wl: wl.any_server),
    ("CPU/req (ms)", lambda r: _fmt(r.cpu_ms_per_request, ".3f"), lambda wl: wl.any_server),
    ("lag p99 (ms)", lambda r: _fmt(r.loop_lag_p99_ms, ".1f"), lambda wl: wl.heartbeat),
    ("MB/s", lambda r: _fmt(r.mb_per_s, ".0f"), lambda wl: wl.bytes_moved is not None),
    ("fio MB/s", lambda r: _fmt(r.fio_mb_s, ".0f"), lambda wl: wl.bytes_moved is not None),
    ("per unit", _per_unit, lambda wl: wl.units),
    ("KiB/live unit", lambda r: _fmt(r.mem_kb_per_unit, ".1f"), lambda wl: wl.units is not None),
    ("status", _status, ALWAYS),
]
LEFT = {"model", "variant", "client", "status"}
BESIDE_ROUNDS: dict[str, Callable[[Row], str]] = {  # the columns with an interval, in a table that
    "wall": lambda r: _wall(r, say_rounds=False),  # has a column of rounds: not said again
    "per unit": lambda r: _per_unit(r, say_rounds=False),
}


def columns_for(wl: Workload) -> list[Column]:
    """The columns `wl` has: the common ones that apply, its own metrics before the status."""

    def metric(key: str, fmt: str) -> Callable[[Row], str]:
        return lambda r: _fmt(json.loads(r.metrics or "{}").get(key), fmt)

    common = [c for c in COLUMNS if c[2](wl)]
    own = [(m.header, metric(m.key, m.fmt), ALWAYS) for m in wl.metrics]
    return common[:-1] + own + common[-1:]


def print_tables(console: Console, rows: list[Row]) -> None:
    """One table per interpreter × workload × params, with the columns that workload has."""
    key = lambda r: (r.interpreter, r.workload, r.params)  # noqa: E731
    for (interp, workload, params), group in groupby(sorted(rows, key=key), key=key):
        wl = WORKLOADS[workload]
        columns = columns_for(wl)
        dims = ", ".join(f"{k}={v}" for k, v in json.loads(params).items())
        table = Table(title=escape(f"{workload} on {interp} [{dims}]"))
        for title, _, _ in columns:
            table.add_column(title, justify="left" if title in LEFT else "right")
        for r in group:
            table.add_row(*(text(r) for _, text, _ in columns))
        console.print(table)


def findings(rows: list[Row], target: float) -> list[str]:
    """The lines under the tables: the GIL audit of each free-threaded interpreter, the cells flagged
    impossible and what to do, the cells whose CI did not reach the target."""
    lines = []
    for interp in sorted({r.interpreter for r in rows if r.gil_disabled_build}):
        ran = [r for r in rows if r.interpreter == interp and r.gil_enabled_runtime is not None]
        back = [f"{r.workload}.{r.model}/{r.variant}" for r in ran if r.gil_reenabled]
        verdict = f"[bold red]re-enabled by {len(back)}[/]: {', '.join(back)}" if back else "off throughout"
        lines.append(f"GIL audit, {interp}: {len(ran)} cells ran; the GIL was {verdict}")
    flagged = [r for r in rows if r.status == Status.IMPOSSIBLE]
    if flagged:
        lines.append(
            f"[bold magenta]{len(flagged)} cells are impossible[/] (faster than physics allows, so noise "
            f"or a bug; left out of claims; their job's verdict stays unsettled): {_names(flagged)}. Give "
            "the run more rounds (--budget 10m) on a quieter machine."
        )
    short = [r for r in rows if imprecise(r.status, r.workload, r.ci_halfwidth, target)]
    if short:
        lines.append(
            f"[yellow]{len(short)} cells did not reach the ±{target:.0%} target[/] (the budget ran out "
            "first; their intervals are wider: see --tables or the report)"
        )
    return lines


def _names(rows: list[Row]) -> str:
    return ", ".join(f"{r.interpreter[-7:]} {r.workload}.{r.model}/{r.variant}" for r in rows)


def comparison_table(cmp: Comparison) -> Table:
    table = Table(title=escape(f"B / A, net of the machine: A = {cmp.a}, B = {cmp.b}"))
    for col in (
        "interpreter",
        "workload",
        "model",
        "params",
        "A",
        "B",
        "B / A",
        "relative to",
        "significance",
    ):
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
            r.basis,
            r.verdict,
        )
    return table


def agreement_lines(cmp: Comparison) -> list[str]:
    """Whether two runs agree: the machine, the cells called different where the runs could tell,
    each job's verdicts side by side, each claim."""
    from concbench.report.answer import line
    from concbench.report.compare import Agreement

    lines = [cmp.machine, *cmp.calls()]
    counts = {g: sum(j.agreement == g for j in cmp.jobs) for g in Agreement}
    lines.append(
        "verdicts: " + ", ".join(f"{k} {g}" for g, k in counts.items() if k) + f" (of {len(cmp.jobs)} jobs)"
    )
    for j in cmp.jobs:
        lines.append(
            f"  {j.agreement.upper() if j.agreement == Agreement.CONTRADICT else j.agreement}"
            + (f" ({j.why})" if j.why else "")
        )
        lines.append(f"    A: {line(j.a)}")
        lines.append(f"    B: {line(j.b)}")
    both = cmp.measured_in_both()
    same = sum(va == vb for _, va, vb in both)
    lines.append(f"claims: {same} of the {len(both)} measured in both runs agree")
    for claim, va, vb in cmp.claims:
        mark = "        " if (claim, va, vb) not in both else "agree   " if va == vb else "DISAGREE"
        lines.append(f"  {mark} {claim}: A {va}, B {vb or 'not checked'}")
    return lines
