"""Versions: each model of a job across the run's interpreters in version order (3.11 → 3.14t), each
named with its build (PGO, LTO), and the free-threaded build's single-thread cost beside the figure
CPython publishes for it."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from concbench.host.pythons import optimizations
from concbench.registry import WORKLOADS
from concbench.report import charts, palette
from concbench.report.groups import NOT_COMPARED
from concbench.results import Status
from concbench.stats import paired
from concbench.verdicts.decide import describe

PUBLISHED = (0.05, 0.10)  # What's New in 3.14: the free-threaded build's single-threaded cost, "roughly
# 5-10 %, depending on the platform and C compiler"
MIN_INTERPRETERS = 3  # fewer is a comparison of two builds, not a line across versions


def ordered(interpreters: list[dict]) -> list[dict]:
    """Oldest first; a free-threaded build after the GIL build of its version."""
    return sorted(
        interpreters, key=lambda it: (it.get("version_info", [0]), bool(it.get("gil_disabled_build")))
    )


def name(it: dict) -> str:
    """`3.14.7t (PGO+LTO)`: the version, free-threaded or not, and the build."""
    flags = optimizations(it.get("config_args", ""))
    return f"{it.get('version', it['id'])}{'t' if it.get('gil_disabled_build') else ''}" + (
        f" ({flags})" if flags else ""
    )


def chart(cells: pd.DataFrame, interps: list[dict], title: str) -> str:
    """Each model's fastest variant against the interpreters in version order (log wall time)."""
    fig, (ax,) = charts.panels(["versions"], 2.6)
    ids = [it["id"] for it in interps]
    x = np.arange(len(ids))
    ok = cells[cells.status == Status.OK]
    for model in palette.order(list(dict.fromkeys(ok.model))):
        mine = (
            ok[ok.model == model]
            .sort_values("wall_s")
            .drop_duplicates("interpreter")
            .set_index("interpreter")
        )
        ys = [mine.wall_s.get(i, np.nan) for i in ids]
        ax.plot(x, ys, marker="o", markersize=3, color=palette.colour(model), label=model)
    ax.set_xticks(x, [name(it).replace(" (", "\n(") for it in interps])
    charts.log_axis(ax, "y")
    ax.set_ylabel("wall time (s), log")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=5, frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.suptitle(title, fontsize=8)
    return charts.svg(fig)


def single_thread_cost(df: pd.DataFrame, interps: list[dict]) -> list[str]:
    """Per CPU-bound job, sync (one thread) on each free-threaded build over the GIL build of the same
    version, machine and optimizations, paired by round: `CPU work: 8 tasks of ~20 ms, 2 workers:
    sync takes +7% [+3% to +11%] on cpython-3.14.7t against cpython-3.14.7`."""
    builds: dict[tuple, dict[bool, dict]] = {}
    for it in interps:
        key = (
            tuple(it.get("version_info", [])),
            it.get("machine", ""),
            optimizations(it.get("config_args", "")),
        )
        builds.setdefault(key, {})[bool(it.get("gil_disabled_build"))] = it
    pairs = [(b[False]["id"], b[True]["id"]) for b in builds.values() if True in b and False in b]
    cpu = [w for w, wl in WORKLOADS.items() if wl.bound == "cpu"]
    sync = df[
        (df.model == "sync") & (df.variant == "default") & (df.status == Status.OK) & df.workload.isin(cpu)
    ]
    out = []
    for gil, ft in pairs:
        for (workload, params), cells in sync.groupby(["workload", "params"], sort=False):
            a, b = cells[cells.interpreter == ft], cells[cells.interpreter == gil]
            if a.empty or b.empty:
                continue
            est = paired.ratio(a.rounds_values.iloc[0], b.rounds_values.iloc[0])
            if est is None or est.low is None:
                point, ci = a.wall_s.iloc[0] / b.wall_s.iloc[0], " (one round: no interval)"
            else:
                point, ci = est.value, f" [{est.low - 1:+.0%} to {est.high - 1:+.0%}]"
            out.append(f"{describe(workload, params)}: sync takes {point - 1:+.0%}{ci} on {ft} against {gil}")
    return out


def section(df: pd.DataFrame, manifest: dict) -> str:
    """The version charts (a run with MIN_INTERPRETERS or more) and the free-threaded cost lines;
    "" when the run has neither."""
    interps = ordered(manifest.get("interpreters", []))
    costs = single_thread_cost(df, interps)
    parts = []
    if costs:
        low, high = PUBLISHED
        parts.append(
            "<p>The free-threaded build's cost on one thread: sync, which runs one thread, on CPU-bound "
            "work, on each free-threaded build over the GIL build of the same version, machine and "
            f"optimizations, paired by round (CPython's figure: roughly {low:.0%}–{high:.0%}, depending "
            "on the platform and C compiler: What's New in 3.14).</p><ul>"
            + "".join(f"<li>{escape(c)}</li>" for c in costs)
            + "</ul>"
        )
    if len(interps) >= MIN_INTERPRETERS:
        jobs = df[~df.workload.isin(NOT_COMPARED)].groupby(["workload", "params"], sort=False)
        for (workload, params), cells in jobs:
            if cells[cells.status == Status.OK].interpreter.nunique() >= MIN_INTERPRETERS:
                parts.append(f'<div class="chart">{chart(cells, interps, describe(workload, params))}</div>')
    return "".join(parts)
