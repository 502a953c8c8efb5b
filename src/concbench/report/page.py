"""The report page: one self-contained HTML file (inline SVG and styles, no script, no request)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pandas as pd

from concbench import __version__
from concbench.host.pythons import optimizations
from concbench.registry import WORKLOADS, Workload
from concbench.report import answer, charts, claims, code, grid, palette, versions
from concbench.report.compare import Agreement, Comparison
from concbench.report.data import Results, dims
from concbench.report.fmt import seconds
from concbench.report.groups import series
from concbench.report.terminal import BESIDE_ROUNDS, columns_for
from concbench.results import COLUMNS as ROW_COLUMNS
from concbench.results import TARGETS, Row, Status, imprecise
from concbench.stats import scaling
from concbench.verdicts.decide import describe
from concbench.workloads import Kind

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 .8rem;color:#222;
overflow-wrap:anywhere}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;margin-top:2.2rem}
h3{margin-top:1.4rem;font-size:1.05rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.85rem;display:block;overflow-x:auto;max-width:100%}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.n,.cells td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.cells td:first-child,.cells td:last-child{text-align:left;white-space:normal}
.chart svg{max-width:100%;height:auto}
.supported,.contradicted,.inconclusive,.not-measured{padding:0 .35rem;border-radius:4px}
.supported{background:#d9f2d9}.contradicted{background:#f8d7d7}.inconclusive{background:#fcefc7}
.not-measured{background:#eee}
.claim{border-top:1px solid #ddd;padding:.4rem 0}.claim p{margin:.2rem 0}
.ok{color:#176117}.na{color:#8a6d00}.failed{color:#a00;font-weight:bold}
.impossible{color:#8a1a8a;font-weight:bold}
.code{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(26rem,100%),1fr));gap:.8rem}
.code pre{font-size:.75rem;overflow-x:auto;border:1px solid #ddd;padding:.4rem;margin:0}
nav{display:flex;flex-wrap:wrap;gap:.2rem .8rem}small{color:#666}summary{cursor:pointer}
.provenance{color:#444;font-size:.85rem}
@media (max-width:600px){body{font-size:14px}}
"""
STATUS_CLASS = {
    Status.OK: "ok",
    Status.IMPOSSIBLE: "impossible",
    Status.NA: "na",
    Status.FAILED: "failed",
    Status.NOT_RUN: "na",
}


def table(
    headers: Iterable[str], rows: Iterable[Iterable[object]], numeric: Iterable[int] = (), css: str = ""
) -> str:
    """An HTML table; cells are escaped unless they are `Markup`; `css`: the table's class."""
    numeric = set(numeric)
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if i in numeric else ''}>{_cell(v)}</td>" for i, v in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return (
        f"<table{f' class={css}' if css else ''}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


class Markup(str):
    """HTML that is already safe."""


def _cell(v: object) -> str:
    if isinstance(v, Markup):
        return v
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    return escape(str(v))


def _status(r: pd.Series) -> Markup:
    """The status and its reason or notes; an interval's width is in its own column, not repeated here."""
    notes = "; ".join(n for n in str(r.note or "").split("; ") if n and not n.startswith("imprecise"))
    text = r.reason or notes
    return Markup(
        f'<span class="{STATUS_CLASS[r.status]}">{escape(r.status)}</span>'
        + (f": {escape(text)}" if text else "")
    )


def section(anchor: str, title: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{body}</section>'


def _floors(models: dict[str, float]) -> str:
    return ", ".join(
        f"{model} {seconds(wall)}" for model, wall in sorted(models.items(), key=lambda kv: kv[1])
    )


def _values(params: dict) -> str:
    base, most = params.get("values_per_round"), params.get("values_per_round_max")
    if base is None:
        return ""
    return f"{base}" + (f" (up to {most} for calls under 0.1 s)" if most and most > base else "")


def overview(res: Results) -> str:
    m, df = res.manifest, res.df
    machines = _machines(m)
    mrows = [
        (h, d.get("processor", ""), d.get("cpu_count", ""), d.get("platform", ""))
        for h, d in machines.items()
    ]
    irows = []
    for it in m.get("interpreters", []):
        cells = df[df.interpreter == it["id"]]
        ran = cells[cells.gil_enabled_runtime.notna()]
        gil_after = "on" if ran.gil_enabled_runtime.any() else ("off" if len(ran) else "")
        reenabled = int(ran.gil_reenabled.eq(True).sum())  # NaN: not measured
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
    okc = df[(df.status == Status.OK) & (df.workload != "null")]
    modes = _modes(m)
    params = m.get("params", {})
    noise = [
        (
            "harness cost per call (null cell)",
            ", ".join(
                f"{k}: {seconds(v['null_wall_s'])} (CV {v['null_cv']:.0%})"
                for k, v in m.get("harness", {}).items()
            ),
        ),
        *(
            (f"fixed cost per call of each model, {k} (null cells)", _floors(v["models"]))
            for k, v in m.get("harness", {}).items()
            if len(v.get("models", {})) > 1
        ),
        (f"cells: {' / '.join(Status)}", " / ".join(str((df.status == s).sum()) for s in Status)),
        ("CV of ok cells: median / max", f"{okc.cv.median():.1%} / {okc.cv.max():.1%}" if len(okc) else ""),
        short_of_target(res),
        ("rounds", _rounds(m, df)),
        ("budget", f"{params['budget_s']:.0f} s" if params.get("budget_s") is not None else ""),
        ("seed", params.get("seed", "")),
        ("values per cell and round", _values(params)),
        ("run", f"{m.get('started', '')} → {m.get('finished', '')}"),
        ("elapsed", f"{m['elapsed_s']:.0f} s" if m.get("elapsed_s") is not None else ""),
        ("mode", ", ".join(modes)),
        ("scratch (disk cells)", _scratch(m.get("scratch"))),
    ]
    noise = [(k, v) for k, v in noise if v != ""]
    return section(
        "overview",
        "How the run went",
        closed(
            "machines, interpreters, harness cost, rounds",
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
            + rounds_table(m.get("rounds")),
        )
        + impossible_note(df),
    )


def _machines(m: dict) -> dict[str, dict]:
    """Hostname -> machine facts: a merge's machines, or the run's one."""
    return m.get("machines") or {m.get("machine", {}).get("hostname", "?"): m.get("machine", {})}


def _modes(m: dict) -> list[str]:
    """The modes of the run, or of each run a merge came from, once each."""
    runs = m.get("merged_from") or [m]
    return list(dict.fromkeys(str(r.get("mode") or r.get("params", {}).get("mode", "")) for r in runs))


def closed(summary: str, body: str) -> str:
    """`body` folded under `summary`: details a reader opens when they want them."""
    return f"<details><summary>{escape(summary)}</summary>{body}</details>"


def provenance_line(res: Results) -> str:
    """One line: machine, interpreters and their builds, date, mode and budget, rounds, elapsed."""
    m, df = res.manifest, res.df
    machines = _machines(m)
    where = "; ".join(
        f"{h}: {d.get('processor', '?')}, {d.get('cpu_count', '?')} CPUs" for h, d in machines.items()
    )
    interps = ", ".join(_build(it) for it in m.get("interpreters", []))
    modes = ", ".join(_modes(m))
    budget = m.get("params", {}).get("budget_s")
    parts = [
        where,
        interps,
        str(m.get("started", ""))[:10],
        " ".join(filter(None, [modes, f"budget {_duration(budget)}" if budget else ""])),
        _rounds_said(_rounds(m, df)),
        _duration(m["elapsed_s"]) if m.get("elapsed_s") else "",
    ]
    return f'<p class="provenance">{escape(" · ".join(p for p in parts if p))}</p>'


def _rounds_said(text: str) -> str:
    """`1 round`, `3 rounds`, or the text itself when it is not a count (a merge, an old run)."""
    return f"{text} round{'' if text == '1' else 's'}" if text.isdigit() else f"rounds: {text}"


def _duration(s: float) -> str:
    return f"{s / 60:.0f} min" if s >= 120 else f"{s:.0f} s"


def _build(it: dict) -> str:
    """`cpython-3.14.7t (free-threaded, GIL off)`, with its configure flags when recorded."""
    kind = "free-threaded" if it.get("gil_disabled_build") else "GIL"
    gil = ", GIL off" if it.get("gil_disabled_build") and not it.get("gil_enabled") else ""
    flags = optimizations(it.get("config_args", ""))
    built = f", {flags}" if flags else ""
    return f"{it['id']} ({kind}{gil}{built})"


def target(m: dict) -> float:
    """The CI half-width the run aimed for: the manifest's, else its modes' (the loosest of a merge)."""
    if (t := m.get("params", {}).get("ci_target")) is not None:
        return float(t)
    return max((TARGETS.get(mode, 0.05) for mode in _modes(m)), default=0.05)


def _rounds(m: dict, df: pd.DataFrame) -> str:
    if "rounds" in m:
        return str(len(m["rounds"]))
    if _has(df, "rounds"):  # a merge keeps the cells' rounds, not the records
        return f"up to {df.rounds.max():.0f} per cell (merged runs: see each run's manifest)"
    return "— (run made before rounds)"


def short_of_target(res: Results) -> tuple[str, str]:
    t, df = target(res.manifest), res.df
    label = f"cells short of the ±{t * 100:.0f} % target"
    if not _has(df, "ci_halfwidth"):
        return label, "— (run made before rounds: no CIs)"
    halfwidths = [None if pd.isna(h) else h for h in df.ci_halfwidth]
    short = [imprecise(s, w, h, t) for s, w, h in zip(df.status, df.workload, halfwidths, strict=True)]
    return (
        label,
        f"{sum(short)} of {int(((df.status == Status.OK) & (df.workload != 'null')).sum())} ok cells",
    )


def _scratch(scratch: dict | None) -> str:
    """Where disk cells wrote, its filesystem, and how the disk was settled before each cell."""
    if not scratch:
        return ""
    settle = scratch.get("settle") or {}
    done = [
        text for k, text in (("synced", "synced"), ("cache_dropped", "page cache dropped")) if settle.get(k)
    ]
    fs = f" ({scratch['fstype']})" if scratch.get("fstype") else ""
    return f"{scratch.get('dir', '')}{fs}" + (f"; before each cell: {', '.join(done)}" if done else "")


def impossible_note(df: pd.DataFrame) -> str:
    flagged = df[df.status == Status.IMPOSSIBLE]
    if flagged.empty:
        return ""
    names = ", ".join(f"{r.interpreter} {r.workload}.{r.label}" for r in flagged.itertuples())
    n = len(flagged)
    return (
        f'<p><span class="impossible">{n} cell{"s" * (n != 1)} flagged impossible</span> (faster than '
        "physics allows, so noise or a bug; they keep their timings, stay in their job's verdict and leave "
        f"it unsettled, and are left out of claims): {escape(names)}. Give the run more rounds "
        "(<code>--budget 10m</code>) on a quieter machine; the reasons are under "
        '<a href="#not-run">n/a, failed and impossible cells</a>.</p>'
    )


def rounds_table(records: list[dict] | None) -> str:
    """One row per round: the machine's yardstick and the load other processes put on it."""
    if not records:
        return ""
    rows = []
    for rec in records:
        y, load = rec.get("yardstick") or {}, rec.get("load") or {}
        rows.append(
            (
                rec.get("round", ""),
                rec.get("cells", ""),
                f"{y['loop_s'] * 1e3:.0f}" if y.get("loop_s") is not None else "",
                f"{y['parallel']:.2f} of {y.get('copies', '?')}" if y.get("parallel") is not None else "",
                f"{load['others_share']:.0%}" if load.get("others_share") is not None else "",
                ("yes" if load["busy"] else "no") if "busy" in load else "",
            )
        )
    return (
        "<p>Rounds: the machine's yardstick (one loop alone; copies in parallel) and its load.</p>"
        + table(
            ("round", "cells", "yardstick loop (ms)", "parallelism", "other processes' CPU share", "busy"),
            rows,
            numeric=(0, 1, 2, 3, 4),
        )
    )


def verdicts_section(res: Results) -> str:
    """Each job's verdict: the models that could be best, the slower ones and by how much, how finely
    the run could tell, settled or not (verdicts.csv)."""
    rows = [
        (
            v.interpreter,
            v.describe(),
            Markup(" · ".join(f"<b>{escape(p.label)}</b>" for p in v.best)),
            ", ".join(f"{p.label} {p.ratio:.2f}×" + _interval(p.low, p.high) for p in v.slower),
            f"±{v.resolution:.0%}" if v.resolution is not None else "",
            str(v.rounds),
            v.state + (f": ~{v.more_rounds} more rounds" if v.more_rounds else ""),
            v.why,
        )
        for v in sorted(res.verdicts, key=lambda v: (v.workload, v.params, v.interpreter))
    ]
    intro = (
        "<p>Per job and interpreter, every variant of every model is compared with the best in the same "
        "rounds (a round measures every cell, so it is a block), at 95 % for the whole family (Hsu's "
        "multiple comparisons with the best). <i>Could be best</i>: not shown slower than any other; "
        "<i>slower</i>: its fastest variant's time over the best's, with its interval; <i>resolution</i>: "
        "the half-width of the comparisons that decide. <i>Settled</i>: one model could be best, or all that "
        f"could are shown equal within the margin ({res.verdicts[0].margin if res.verdicts else 0.05:.0%}). "
        "One round measures no spread: no verdict. docs/verdicts.md has the method.</p>"
    )
    return section(
        "verdicts",
        "Verdicts as a table",
        intro + closed(f"{len(rows)} verdicts", table(VERDICT_COLUMNS, rows, numeric=(4, 5))),
    )


VERDICT_COLUMNS = (
    "interpreter",
    "job",
    "could be best",
    "slower",
    "resolution",
    "rounds judged",
    "verdict",
    "why",
)


def _interval(low: float | None, high: float | None) -> str:
    return f" [{low:.2f}–{high:.2f}]" if low is not None and high is not None else ""


def claims_section(res: Results) -> str:
    checked = claims.check(res.df)
    measured = [c for c in checked if c.outcome != claims.Outcome.NOT_MEASURED]
    unmeasured = [c for c in checked if c.outcome == claims.Outcome.NOT_MEASURED]
    cards = "".join(claim_card(c) for c in measured)
    if unmeasured:
        items = "".join(f"<li>{escape(c.claim)}: <small>{escape(c.why)}</small></li>" for c in unmeasured)
        cards += closed(f"{len(unmeasured)} claims not measured by this run", f"<ul>{items}</ul>")
    intro = (
        "<p>Each outcome comes from the 95 % intervals of the figures it rests on, by the rules in "
        "<code>report/claims.py</code>: supported only when every interval lies wholly on the claim's "
        "side of its threshold, contradicted when one lies wholly on the other side (at a Bonferroni "
        "level over the claim's intervals), inconclusive otherwise: one round gives no interval.</p>"
    )
    return section("claims", "Claims, checked", intro + cards)


def claim_card(c: claims.ClaimCheck) -> str:
    """The outcome, the claim, why, its rule in one line, and a compact table of the places it
    compared (the full evidence folded beneath)."""
    css = c.outcome.value.replace(" ", "-")
    rows = [
        (p.where, *t.read(), Markup(f'<span class="{o.value.replace(" ", "-")}">{escape(o)}</span>'))
        for p, o in c.judged
        for t in p.tests
    ]
    places = table(("where", "figure", "must be", "here"), rows) if rows else ""
    bounds = list(dict.fromkeys(t.read()[1] for p, _ in c.judged for t in p.tests))
    rule = f"<p><small>rule: each figure must be {' and '.join(bounds)}</small></p>" if bounds else ""
    return (
        f'<div class="claim"><p><span class="{css}"><b>{escape(c.outcome)}</b></span> '
        f"<b>{escape(c.claim)}</b></p>{rule}<p><small>{escape(c.why)}</small></p>{places}</div>"
    )


def workload_section(res: Results, workload: str) -> str:
    wl = WORKLOADS[workload]
    sweeps, cases = series(res.df[res.df.workload == workload])
    parts = []
    if job := _job(res, workload):
        code_link = '<a href="#code">Code side by side</a>'
        parts.append(f"<p>The function: <code>{escape(job)}</code> (its code: {code_link}).</p>")
    parts.append(used_table(res.df[res.df.workload == workload], wl))
    for params, case in cases.groupby("params", sort=False):
        parts.append(f"<h3>{escape(describe(workload, params))}</h3>")
        if wl.kind == Kind.COMPARISON:
            parts.append(
                "<p><small>Wall time per model, as a ratio to the best: this job's tiles in "
                '<a href="#answer">the grid</a>.</small></p>'
            )
        parts += [_chart(svg) for svg in case_charts(case, wl)]
        parts.append(closed(f"its {len(case)} cells, every figure", cells_table(case, wl)))
    for dim, cells in sweeps:
        fixed = dims(json.dumps({k: v for k, v in json.loads(cells.params.iloc[0]).items() if k != dim}))
        title = f"{wl.summary}: wall time as {dim} grows ({fixed})"
        fits, said = scaling_fits(cells, dim)
        parts += [f"<h3>scaling with {escape(dim)}</h3>", _chart(charts.scaling(cells, dim, title, fits))]
        parts += [f"<p><small>{escape(line)}</small></p>" for line in said]
        parts.append(closed(f"its {len(cells)} cells, every figure", cells_table(cells, wl)))
    return section(workload, f"{workload}: {wl.summary}", "".join(parts))


def scaling_fits(cells: pd.DataFrame, dim: str) -> tuple[dict, list[str]]:
    """Amdahl and USL fitted to each model's speedup along a workers or concurrency sweep, where the
    sweep has enough points within the cores (`stats.scaling`): the fits by (interpreter, label), and
    a line per fit, or one saying why there is none."""
    if dim not in ("workers", "concurrency"):
        return {}, []
    ok = cells[(cells.status == Status.OK) & (cells.model != "sync") & cells.speedup_vs_sync.notna()]
    fits, said, refused = {}, [], {}
    for (interp, label), line in ok.groupby(["interpreter", "label"], sort=False):
        if line.cores.isna().all():
            continue  # a run made before cores were recorded: nothing to hold the points to
        points = [(json.loads(p)[dim], s) for p, s in zip(line.params, line.speedup_vs_sync, strict=True)]
        cores = int(line.cores.max())
        if found := scaling.fit(points, cores):
            fits[(interp, label)] = found
            said += [f"{label} on {interp}: {f.text()}" for f in found]
        else:
            refused.setdefault(scaling.why_not(points, cores) or "the fit did not converge", []).append(label)
    if fits:  # some fitted: name the others
        said += [f"{', '.join(dict.fromkeys(labels))}: {why}" for why, labels in refused.items()]
    return fits, said or list(refused)


def case_charts(case: pd.DataFrame, wl: Workload) -> list[str]:
    """The charts of one params case beyond the grid's tiles (which draw a job's wall times): a price's
    unit cost and memory, a behaviour's wall time, latency, lag, the workload's headline figure."""
    ok = case[case.status == Status.OK]
    if wl.units:
        out = [charts.bars(case, "us_per_unit", f"cost of one {wl.unit}", f"µs per {wl.unit}", log=True)]
        if ok.mem_kb_per_unit.notna().any():
            out.append(
                charts.bars(case, "mem_kb_per_unit", "memory per live unit (PSS)", "KiB per unit", log=True)
            )
        return out
    out = []
    if wl.kind != Kind.COMPARISON:  # a job with a verdict has its wall times drawn in the grid's tiles
        out.append(charts.bars(case, "wall_s", "wall time (mean ± stdev)", "seconds", err="wall_stdev_s"))
    if wl.any_server and ok.lat_p50_ms.notna().any():
        out.append(charts.latency(ok, wl.name))
    if wl.heartbeat and ok.loop_lag_p99_ms.notna().any():
        out.append(
            charts.bars(case, "loop_lag_p99_ms", "scheduler lag p99 (heartbeat lateness)", "ms", log=True)
        )
    for m in (m for m in wl.metrics if m.chart):  # its headline figures (the rest: the table)
        figures = case.get("metrics", pd.Series("", index=case.index)).map(lambda t: json.loads(t or "{}"))
        own = case.assign(**{m.key: figures.map(lambda f, k=m.key: f.get(k))})
        if m.fmt != "s" and own[m.key].notna().any() and own[m.key].fillna(0).astype(float).any():
            out.append(charts.bars(own, m.key, m.header, m.header))
    return out


def _chart(svg: str) -> str:
    return f'<div class="chart">{svg}</div>' if svg else ""


USED = ("client", "server")  # what a model worked with: the same in every case, in one table per workload
TABLED = (Status.OK, Status.IMPOSSIBLE, Status.FAILED)  # what tables show (n/a, not run: their section)


def _used(wl: Workload) -> list[tuple[str, Callable[[Row], str]]]:
    return [(t, text) for t, text, _ in columns_for(wl) if t in USED]


def _row(r: pd.Series) -> SimpleNamespace:
    """A cell's row as the terminal's column functions read it (an old run's missing columns: None)."""
    values = dict.fromkeys(ROW_COLUMNS) | {k: None if _blank(v) else v for k, v in r.items()}
    return SimpleNamespace(**values | {"rounds": None if _blank(r.rounds) else int(r.rounds)})


def used_table(df: pd.DataFrame, wl: Workload) -> str:
    """What each model/variant worked with (client, server), a column per interpreter, folded: said
    once here, not in every case's table (each distinct value, should cases differ)."""
    if not (columns := _used(wl)):
        return ""
    df = df[df.status.isin(TABLED)]
    interps = list(dict.fromkeys(df.interpreter))
    said: dict[str, dict[str, dict[str, None]]] = {}
    for _, r in df.iterrows():
        row = _row(r)
        texts = said.setdefault(r.label, {}).setdefault(r.interpreter, {})
        texts.update(dict.fromkeys(t for _, text in columns if (t := text(row))))
    rows = [(label, *("; ".join(by.get(i, {})) for i in interps)) for label, by in said.items()]
    if not (rows := [r for r in rows if any(r[1:])]):
        return ""
    return closed(f"what each model used: {', '.join(t for t, _ in columns)}", table(("", *interps), rows))


def cells_table(df: pd.DataFrame, wl: Workload) -> str:
    """The terminal summary's columns for this workload (summary.columns_for) but what each model
    used (`used_table`), a table per interpreter, a row per model/variant, plus the rounds each cell
    ran; an old run's missing columns are blank."""
    skip = ("status", "model", "variant", *USED)
    columns = [(t, text) for t, text, _ in columns_for(wl) if t not in skip]
    if not _has(df, "speedup_ci_low"):
        columns = [("speedup" if t.startswith("speedup") else t, text) for t, text in columns]
    if _has(df, "rounds"):
        columns = [(t, BESIDE_ROUNDS.get(t, text)) for t, text in columns]
        at = next((i + 1 for i, (t, _) in enumerate(columns) if t == "wall"), len(columns))
        columns.insert(at, ("rounds", lambda r: "" if r.rounds is None else f"{r.rounds:.0f}"))
    out = []
    df = df[df.status.isin(TABLED)]
    for interp, cells in df.groupby("interpreter", sort=False):
        rows = []
        for _, r in cells.iterrows():
            row = _row(r)
            rows.append((r.label, *(text(row) for _, text in columns), _status(r)))
        out.append(table((interp, *(t for t, _ in columns), "status"), rows, css="cells"))
    return "".join(out)


def _has(df: pd.DataFrame, column: str) -> bool:
    """The run measured this column in some cell (a run made before rounds has none of their CIs)."""
    return column in df and df[column].notna().any()


def _blank(v: object) -> bool:
    return not isinstance(v, (list, str)) and pd.isna(v)


def _job(res: Results, workload: str) -> str:
    """`--job` runs: the user's function(s), as given."""
    job = res.manifest.get("job") or {} if workload == "job" else {}
    return " + ".join(f for f in (job.get("function"), job.get("async_function")) if f)


def _sources(res: Results, workload: str) -> list[code.Source]:
    files = code.sources(workload)
    if workload == "job":  # the user's own function first: what every model file runs
        theirs = (res.manifest.get("job") or {}).get("sources", {})
        files = [code.Source(workload, ref, text) for ref, text in theirs.items() if text] + files
    return files


SHARED = (
    "The work they share (params, reference, proof) is in each workload's "
    "<code>src/concbench/suites/&lt;workload&gt;/workload.py</code>."
)


def _loc(files: list[code.Source]) -> str:
    return ", ".join(f"{s.model} {s.lines_of_code}" for s in files)


def code_section(res: Results, workloads: list[str], code_href: str) -> str:
    """Each workload's lines of code per model, and the link to the code itself (a page of its own:
    it would be a sixth of this one's weight)."""
    href = escape(quote(code_href))
    return section(
        "code",
        "Code side by side",
        f'<p>What each model runs, side by side: <a href="{href}">{escape(code_href)}</a>. {SHARED}</p>'
        + table(("workload", "lines of code per model"), [(w, _loc(_sources(res, w))) for w in workloads]),
    )


def code_page(res: Results, workloads: list[str], report: str) -> str:
    """The page beside the report: each workload's model files, side by side."""
    parts = []
    for w in workloads:
        files = _sources(res, w)
        blocks = "".join(
            f"<div><b>{escape(s.model)}</b> <small>{s.lines_of_code} lines of code</small>{s.html()}</div>"
            for s in files
        )
        body = f'<p><small>lines of code: {escape(_loc(files))}</small></p><div class="code">{blocks}</div>'
        parts.append(section(w, w, body))
    return _document(
        "concbench: each model's code",
        f'<p><a href="{escape(quote(report))}">The report</a>. What each model runs, side by side. '
        f"{SHARED}</p>{''.join(parts)}",
    )


def not_run(res: Results) -> str:
    """The cells without a timing, a row per interpreter, workload and reason with its models."""
    df = res.df[res.df.status != Status.OK]
    rows = [
        (interp, workload, ", ".join(dict.fromkeys(g.label)), _status(g.iloc[0]))
        for (interp, workload, _, _), g in df.groupby(
            ["interpreter", "workload", "status", df.reason.fillna("") + df.note.fillna("")], sort=False
        )
    ]
    return section(
        "not-run",
        "n/a, failed, not run and impossible cells",
        table(("interpreter", "workload", "models", "status: reason"), rows) if rows else "<p>None.</p>",
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
            r.basis,
            r.verdict,
        )
        for r in cmp.ratios
    ]
    geo = [(by, k, f"{v:.3f}") for by in ("model", "interpreter") for k, v in cmp.geomean(by).items()]
    return section(
        "comparison",
        "Comparison",
        (
            f"<p>A = {escape(cmp.a)}, B = {escape(cmp.b)}; ratio = B / A (below 1: B is faster), net of the "
            "machine: relative to sync in each run (<i>sync</i>), or to the round's yardstick "
            "(<i>machine</i>); <i>wall</i>: raw wall times (a run made before rounds). "
            f"{cmp.only_a} ok cells only in A, {cmp.only_b} only in B.</p>"
            + (f"<p>{escape(cmp.machine)}.</p>" if cmp.machine else "")
            + "".join(f"<p>{escape(line)}.</p>" for line in cmp.calls())
            + table(("geometric mean per", "", "B / A"), geo, numeric=(2,))
            + table(
                ("interpreter", "job", "model", "A", "B", "B / A", "relative to", "significance"),
                rows,
                numeric=(3, 4, 5),
            )
            + agreement(cmp)
        ),
    )


def agreement(cmp: Comparison) -> str:
    """Do the two runs reach the same verdicts and the same claim outcomes?"""
    parts = []
    if cmp.jobs:
        same = sum(j.agreement == Agreement.AGREE for j in cmp.jobs)
        contra = sum(j.agreement == Agreement.CONTRADICT for j in cmp.jobs)
        rows = [(answer.line(j.a), answer.line(j.b), _agreement(j.agreement), j.why) for j in cmp.jobs]
        parts.append(
            f"<h3>Verdicts: {same} of {len(cmp.jobs)} agree, {contra} contradict</h3>"
            + table(("A's verdict", "B's verdict", "", "why"), rows)
        )
    if cmp.claims:
        both = cmp.measured_in_both()
        same = sum(va == vb for _, va, vb in both)
        rows = [
            (c, va, vb or "", _agree(va == vb) if (c, va, vb) in both else "") for c, va, vb in cmp.claims
        ]
        parts.append(
            f"<h3>Claims: {same} of the {len(both)} measured in both runs agree</h3>"
            + table(("claim", "A's outcome", "B's outcome", ""), rows)
        )
    return "".join(parts)


def _agreement(a: Agreement) -> Markup:
    css = {Agreement.AGREE: "ok", Agreement.CONTRADICT: "failed"}.get(a, "na")
    return Markup(f'<span class="{css}">{a}</span>')


def _agree(same: bool) -> Markup:
    return Markup('<span class="ok">agree</span>' if same else '<span class="failed">disagree</span>')


def _workloads(res: Results) -> list[str]:
    return [w for w in WORKLOADS if w in set(res.df.workload) and w != "null"]  # null: overview


def render(res: Results, cmp: Comparison | None = None, code_href: str = "report-code.html") -> str:
    """The answer first (provenance line, legend, verdict grid, sentences), then claims, then each
    workload's charts with its cells folded, then what a reader opens only to check; the code is on
    the page `code_href` beside it."""
    workloads = _workloads(res)
    across = versions.section(res.df, res.manifest)
    anchors = ["answer", "claims", *(["versions"] if across else []), *workloads]
    anchors += ["overview", "verdicts", "code", "not-run", "provenance"]
    nav = "".join(f'<a href="#{a}">{escape(a)}</a>' for a in anchors + (["comparison"] if cmp else []))
    interps = [it["id"] for it in res.manifest.get("interpreters", [])]
    answer_first = section(
        "answer",
        "Which model, for which job, on which interpreter",
        grid.html(res.verdicts, interps) if res.verdicts else "<p>No job with a verdict in this run.</p>",
    )
    body = "".join(
        [
            answer_first,
            claims_section(res),
            section("versions", "Across versions and builds", across) if across else "",
            *(workload_section(res, w) for w in workloads),
            overview(res),
            verdicts_section(res),
            code_section(res, workloads, code_href),
            not_run(res),
            provenance(res),
            comparison_section(cmp) if cmp else "",
        ]
    )
    return _document(
        "concbench: which concurrency model, on which interpreter?",
        f"{provenance_line(res)}<nav>{nav}</nav>{body}",
        f"{grid.CSS}{palette.css()}",
    )


def _document(title: str, body: str, css: str = "") -> str:
    """A self-contained page: its style inline, no script, nothing fetched."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}{css}</style></head><body>"
        f"<h1>{escape(title)}</h1>{body}</body></html>\n"
    )


def code_path(out: Path) -> Path:
    """The code page beside the report `out`: report.html's is report-code.html."""
    return out.with_name(f"{out.stem}-code.html")


def write(res: Results, out: Path, cmp: Comparison | None = None) -> Path:
    """The report at `out` and its code page beside it (`code_path`), each written atomically."""
    from concbench.results import write_atomic

    code = code_path(out)
    write_atomic(code, code_page(res, _workloads(res), out.name))
    write_atomic(out, render(res, cmp, code.name))
    return out
