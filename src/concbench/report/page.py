"""The report page: one self-contained HTML file (inline SVG and styles, no script, no request)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from concbench import __version__
from concbench.compare import Comparison
from concbench.registry import MODELS, WORKLOADS, Workload
from concbench.report import charts, claims, code
from concbench.report.data import Results, dims
from concbench.report.groups import series
from concbench.report.recommend import recommend
from concbench.results import NOISY_CV, noisy
from concbench.summary import COLUMNS, LEFT, seconds

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{border-bottom:2px solid #ddd;margin-top:2.5rem}h3{margin-top:1.6rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem;display:block;overflow-x:auto}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.chart{overflow-x:auto}.chart svg{max-width:100%;height:auto}
.supported,.contradicted,.not-measured{padding:.3rem;border-radius:4px}
.supported{background:#d9f2d9}.contradicted{background:#f8d7d7}.not-measured{background:#eee}
.ok{color:#176117}.na{color:#8a6d00}.failed{color:#a00;font-weight:bold}
.code{display:grid;grid-template-columns:repeat(auto-fill,minmax(26rem,1fr));gap:.8rem}
.code pre{font-size:.75rem;overflow-x:auto;border:1px solid #ddd;padding:.4rem;margin:0}
nav a{margin-right:.8rem}small{color:#666}
@media (max-width:600px){.code{grid-template-columns:1fr}body{font-size:14px}}
"""
STATUS_CLASS = {"ok": "ok", "n/a": "na", "failed": "failed"}


def table(headers: Iterable[str], rows: Iterable[Iterable[object]], numeric: Iterable[int] = ()) -> str:
    """An HTML table; cells are escaped unless they are `Markup`."""
    numeric = set(numeric)
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i in numeric else ''}>{_cell(v)}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Markup(str):
    """HTML that is already safe."""


def _cell(v: object) -> str:
    if isinstance(v, Markup):
        return v
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    return escape(str(v))


def _status(r: pd.Series) -> Markup:
    text = r.reason or r.note
    return Markup(
        f'<span class="{STATUS_CLASS[r.status]}">{escape(r.status)}</span>'
        + (f": {escape(text)}" if text else "")
    )


def section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def overview(res: Results) -> str:
    m, df = res.manifest, res.df
    machines = m.get("machines") or {m.get("machine", {}).get("hostname", "?"): m.get("machine", {})}
    mrows = [
        (h, d.get("processor", ""), d.get("cpu_count", ""), d.get("platform", ""))
        for h, d in machines.items()
    ]
    irows = []
    for it in m.get("interpreters", []):
        cells = df[df.interpreter == it["id"]]
        ran = cells[cells.gil_enabled_runtime.notna()]
        gil_after = "on" if ran.gil_enabled_runtime.any() else ("off" if len(ran) else "")
        reenabled = int(ran.gil_reenabled.fillna(False).sum())
        irows.append(
            (
                it["id"],
                it.get("machine", ""),
                it["executable"],
                "free-threaded" if it["gil_disabled_build"] else "GIL",
                "on" if it["gil_enabled"] else "off",
                f"{gil_after}" + (f" (re-enabled by {reenabled} cells)" if reenabled else ""),
                it.get("cpu_count", ""),
                it.get("mp_start_method", ""),
            )
        )
    okc = df[(df.status == "ok") & (df.workload != "null")]
    scattered = [noisy(s, w, c) for s, w, c in zip(okc.status, okc.workload, okc.cv, strict=True)]
    runs = m.get("merged_from") or [m]
    modes = dict.fromkeys(str(r.get("mode") or r.get("params", {}).get("mode", "")) for r in runs)
    noise = [
        (
            "harness cost per call (null cell)",
            ", ".join(
                f"{k}: {seconds(v['null_wall_s'])} (CV {v['null_cv']:.0%})"
                for k, v in m.get("harness", {}).items()
            ),
        ),
        (
            "cells: ok / n/a / failed",
            " / ".join(str((df.status == s).sum()) for s in ("ok", "n/a", "failed")),
        ),
        ("CV of ok cells: median / max", f"{okc.cv.median():.1%} / {okc.cv.max():.1%}" if len(okc) else ""),
        (f"noisy cells (CV > {NOISY_CV:.0%})", str(sum(scattered))),
        ("run", f"{m.get('started', '')} → {m.get('finished', '')}"),
        ("mode", ", ".join(modes)),
    ]
    return section(
        "overview",
        "Overview",
        (
            table(("machine", "processor", "CPUs", "platform"), mrows)
            + table(
                (
                    "interpreter",
                    "machine",
                    "path",
                    "build",
                    "GIL at start",
                    "GIL after the cells",
                    "CPUs",
                    "mp start",
                ),
                irows,
            )
            + table(("", ""), noise)
        ),
    )


def recommendations(res: Results) -> str:
    rows = [
        (
            p.interpreter,
            p.case,
            Markup(f"<b>{escape(p.best)}</b>"),
            seconds(p.best_wall_s),
            p.runner_up,
            seconds(p.runner_up_wall_s) if p.runner_up_wall_s else "",
            p.verdict,
        )
        for p in recommend(res.df)
    ]
    intro = (
        "<p>The fastest model (its best variant) for each job on each interpreter, and how far ahead of the "
        "next model it is. <i>Within noise</i>: pyperf's t-test (95 %) on the two cells' values does "
        "not tell them apart, so either is a fine choice.</p>"
    )
    return section(
        "recommendations",
        "Recommendations",
        intro
        + table(("interpreter", "job", "best", "wall", "runner-up", "wall", "margin"), rows, numeric=(3, 5)),
    )


def claims_section(res: Results) -> str:
    rows = []
    for v in claims.check(res.df):
        evidence = Markup("<br>".join(escape(e) for e in v.evidence) or "<small>none</small>")
        verdict = f'<div class="{v.verdict.replace(" ", "-")}"><b>{escape(v.verdict)}</b>'
        rows.append((v.claim, Markup(f"{verdict}<br><small>{escape(v.why)}</small></div>"), evidence))
    intro = (
        "<p>Each verdict comes from the figures beside it, by the rules in <code>report/claims.py</code>.</p>"
    )
    return section(
        "claims", "Claims, checked", intro + table(("claim", "verdict", "evidence from this run"), rows)
    )


def workload_section(res: Results, workload: str) -> str:
    wl = WORKLOADS[workload]
    sweeps, cases = series(res.df[res.df.workload == workload])
    parts = [f"<p>{escape(wl.summary)}.</p>"]
    for params, case in cases.groupby("params", sort=False):
        parts.append(f"<h3>{escape(dims(params))}</h3>")
        parts += [_chart(svg) for svg in case_charts(case, wl)]
        parts.append(cells_table(case, wl))
    for dim, cells in sweeps:
        fixed = dims(json.dumps({k: v for k, v in json.loads(cells.params.iloc[0]).items() if k != dim}))
        title = f"{workload}: wall time as {dim} grows ({fixed})"
        parts += [f"<h3>scaling with {escape(dim)}</h3>", _chart(charts.scaling(cells, dim, title))]
        parts.append(cells_table(cells, wl))
    return section(workload, workload, "".join(parts))


def case_charts(case: pd.DataFrame, wl: Workload) -> list[str]:
    """The charts of one params case: wall (or unit cost), efficiency, latency, lag, memory."""
    ok = case[case.status == "ok"]
    if wl.units:
        return [
            charts.bars(case, "us_per_unit", "start + join, per unit", "µs per unit", log=True),
            charts.bars(case, "mem_kb_per_unit", "memory per live unit (PSS)", "KiB per unit", log=True),
        ]
    out = [
        charts.bars(
            case,
            "wall_s",
            "wall time (mean ± stdev), speedup vs sync on each bar",
            "seconds",
            err="wall_stdev_s",
            note="speedup_vs_sync",
        )
    ]
    if ok.efficiency.notna().any():
        out.append(charts.bars(case, "efficiency", "efficiency: ideal / wall", "share of ideal"))
    if wl.any_server and ok.lat_p50_ms.notna().any():
        out.append(charts.latency(ok, wl.name))
    if wl.heartbeat and ok.loop_lag_p99_ms.notna().any():
        out.append(
            charts.bars(case, "loop_lag_p99_ms", "scheduler lag p99 (heartbeat lateness)", "ms", log=True)
        )
    return out


def _chart(svg: str) -> str:
    return f'<div class="chart">{svg}</div>' if svg else ""


def cells_table(df: pd.DataFrame, wl: Workload) -> str:
    """The terminal summary's columns for this workload (summary.COLUMNS), per interpreter."""
    columns = [(title, text) for title, text, shown in COLUMNS if shown(wl) and title != "status"]
    rows = []
    for _, r in df.iterrows():
        row = SimpleNamespace(**{k: None if _blank(v) else v for k, v in r.items()})
        rows.append((r.interpreter, *(text(row) for _, text in columns), _status(r)))
    numeric = [i + 1 for i, (title, _) in enumerate(columns) if title not in LEFT]
    return table(("interpreter", *(t for t, _ in columns), "status"), rows, numeric=numeric)


def _blank(v: object) -> bool:
    return not isinstance(v, (list, str)) and pd.isna(v)


def code_section(workloads: list[str]) -> str:
    parts = ["<p>What each model runs, side by side; <code>workload.py</code> holds the work they share.</p>"]
    for w in workloads:
        files = code.sources(w)
        loc = ", ".join(f"{s.model} {s.lines_of_code}" for s in files)
        blocks = "".join(
            f"<div><b>{escape(s.model)}</b> <small>{s.lines_of_code} lines of code</small>{s.html()}</div>"
            for s in files
        )
        parts.append(
            f"<details><summary><b>{escape(w)}</b> <small>lines of code: {escape(loc)}</small></summary>"
            f'<div class="code">{blocks}</div></details>'
        )
    return section("code", "Code side by side", "".join(parts))


def not_run(res: Results) -> str:
    df = res.df[res.df.status != "ok"]
    rows = [(r.interpreter, r.workload, r.label, _status(r)) for _, r in df.iterrows()]
    return section(
        "not-run",
        "n/a and failed cells",
        table(("interpreter", "workload", "model", "status: reason"), rows) if rows else "<p>None.</p>",
    )


def provenance(res: Results) -> str:
    m = res.manifest
    interps = m.get("interpreters", [])
    packages = sorted({p for it in interps for p in it.get("packages", {})})
    rows = [(p, *(it.get("packages", {}).get(p, "—") for it in interps)) for p in packages]
    runs = m.get("merged_from") or [m]
    commands = "".join(
        f"<li><code>{escape(' '.join(r.get('command') or []))}</code> <small>{escape(r.get('started') or '')}"
        f"</small></li>"
        for r in runs
    )
    return section(
        "provenance",
        "Provenance",
        (
            f"<p>Commands:</p><ul>{commands}</ul>"
            + table(("package", *(it["id"] for it in interps)), rows)
            + f"<p><small>results: {escape(str(res.path))}; report by concbench {escape(__version__)} at "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC</small></p>"
        ),
    )


def comparison_section(cmp: Comparison) -> str:
    rows = [
        (
            r.interpreter,
            r.case,
            r.label,
            seconds(r.a_wall_s),
            seconds(r.b_wall_s),
            f"{r.ratio:.2f}",
            r.verdict,
        )
        for r in cmp.ratios
    ]
    geo = [(by, k, f"{v:.3f}") for by in ("model", "interpreter") for k, v in cmp.geomean(by).items()]
    return section(
        "comparison",
        "Comparison",
        (
            f"<p>A = {escape(cmp.a)}, B = {escape(cmp.b)}; ratio = B / A (below 1: B is faster). "
            f"{cmp.only_a} ok cells only in A, {cmp.only_b} only in B.</p>"
            + table(("geometric mean per", "", "B / A"), geo, numeric=(2,))
            + table(
                ("interpreter", "job", "model", "A", "B", "B / A", "significance"), rows, numeric=(3, 4, 5)
            )
        ),
    )


def render(res: Results, cmp: Comparison | None = None) -> str:
    workloads = [w for w in WORKLOADS if w in set(res.df.workload) and w != "null"]  # null: overview
    nav = " ".join(
        f'<a href="#{a}">{escape(a)}</a>'
        for a in [
            "overview",
            "recommendations",
            "claims",
            "heatmap",
            *workloads,
            "code",
            "not-run",
            "provenance",
        ]
        + (["comparison"] if cmp else [])
    )
    heat = charts.heatmap(res.df)
    body = "".join(
        [
            overview(res),
            recommendations(res),
            claims_section(res),
            section(
                "heatmap",
                "Heatmap: model × job",
                "<p>Per interpreter, each model's best variant relative to the "
                "fastest model for that job (1.00 = fastest, n/a = did not run).</p>" + _chart(heat),
            ),
            *(workload_section(res, w) for w in workloads),
            code_section(workloads),
            not_run(res),
            provenance(res),
            comparison_section(cmp) if cmp else "",
        ]
    )
    models = ", ".join(MODELS)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>concbench report</title><style>{STYLE}</style></head><body>"
        f"<h1>concbench: which concurrency model, on which interpreter?</h1>"
        f"<p><small>{escape(models)}</small></p><nav>{nav}</nav>{body}</body></html>\n"
    )


def write(res: Results, out: Path, cmp: Comparison | None = None) -> Path:
    from concbench.results import write_atomic

    write_atomic(out, render(res, cmp))
    return out
