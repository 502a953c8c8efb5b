"""The report's judgements: which cells form a job, comparisons, sweeps and the page's edge cases."""

import pandas as pd
import pytest

from concbench.report import page
from concbench.report.charts import scaling
from concbench.report.compare import compare
from concbench.report.data import Results, typed
from concbench.report.groups import groups, series
from concbench.results import COLUMNS

GIL, FT = "cpython-3.14.7", "cpython-3.14.7t"


def cell(workload: str, label: str, wall: float = 1.0, interp: str = GIL, **kw) -> dict:
    """A results.csv row (as strings and numbers), values tight around `wall` unless given."""
    model, _, variant = label.partition("/")
    row = {c: "" for c in COLUMNS}
    row |= {
        "interpreter": interp,
        "gil_disabled_build": interp == FT,
        "gil_enabled_runtime": interp != FT,
        "workload": workload,
        "model": model,
        "variant": variant or "default",
        "params": '{"workers":2}',
        "workers": 2,
        "cores": 2,
        "status": "ok",
        "mp_start_method": "forkserver",
        "wall_s": wall,
        "samples": [wall * 0.99, wall, wall * 1.01],
    }
    return row | kw


def frame(*cells: dict) -> pd.DataFrame:
    return typed(pd.DataFrame(list(cells)))


def test_sync_joins_every_job_of_a_sweep_over_what_it_ignores():
    c1, c10 = '{"concurrency":1,"workers":2}', '{"concurrency":10,"workers":2}'
    rows = [
        cell("http_fanout", "sync", 1.0, params=c1),
        cell("http_fanout", "asyncio", 1.02, params=c1),
        cell("http_fanout", "asyncio", 0.11, params=c10),
        cell("http_fanout", "asyncio/httpx", 0.30, params=c10),
        cell("http_fanout", "threads", 0.12, params=c10),
    ]
    jobs = {params: sorted(cells.label) for _, _, params, cells in groups(frame(*rows))}
    assert jobs == {c1: ["asyncio", "sync"], c10: ["asyncio", "asyncio/httpx", "sync", "threads"]}


def test_compare_ratios_significance_and_geometric_means():
    a = Results(
        "A",
        {},
        frame(
            cell("cpu_bound", "sync", 1.0), cell("cpu_bound", "threads", 1.0), cell("cpu_bound", "trio", 1.0)
        ),
    )
    b = Results(
        "B",
        {},
        frame(
            cell("cpu_bound", "sync", 0.5),
            cell("cpu_bound", "threads", 1.0, samples=[0.9, 1.0, 1.1]),
            cell("http_fanout", "sync", 1.0),
        ),
    )
    cmp = compare(a, b)
    ratios = {r.label: r for r in cmp.ratios}
    assert ratios["sync"].ratio == 0.5 and ratios["sync"].verdict == "2.00× faster"
    assert ratios["threads"].verdict == "not significant"
    assert (cmp.only_a, cmp.only_b) == (1, 1)
    assert cmp.geomean("interpreter")[GIL] == pytest.approx(0.5**0.5)
    assert cmp.geomean("model") == {"sync": 0.5, "threads": 1.0}


def test_sweeps_are_told_from_single_cases():
    def params(c: int, n: int = 100) -> str:
        return f'{{"concurrency":{c},"requests":{n},"workers":2}}'

    rows = [cell("http_fanout", "sync", params=params(1))]
    rows += [cell("http_fanout", "asyncio", 1.0 / c, params=params(c)) for c in (1, 10, 100)]
    rows += [cell("http_fanout", "asyncio", 0.1, params=params(100, 500))]  # the full run's case
    (found, rest) = series(frame(*rows))
    ((dim, cells),) = found
    assert dim == "concurrency" and sorted(cells.label) == ["asyncio"] * 3 + ["sync"]
    assert list(rest.params) == [params(100, 500)]
    assert "<svg" in scaling(cells, dim, "t")


def test_page_renders_a_run_where_nothing_ran_and_a_sweep_of_the_only_dimension():
    na = cell(
        "cpu_bound",
        "freethreading",
        status="n/a",
        reason="needs a free-threaded build",
        wall_s="",
        samples=[],
    )
    html = page.render(Results("X", {}, frame(cell("null", "sync", 1e-6), na)))
    assert "needs a free-threaded build" in html and '<section id="claims">' in html
    swept = [cell("spawn", "threads", params=f'{{"workers":{w}}}', us_per_unit=60.0) for w in (1, 2, 4)]
    assert "scaling with workers" in page.render(Results("X", {}, frame(*swept)))


OLD = "cpython-3.13.0"
INTERPS = [  # the manifest's order, newest first: the version order is the report's to make
    {
        "id": FT,
        "version": "3.14.7",
        "version_info": [3, 14, 7],
        "gil_disabled_build": True,
        "config_args": "'--disable-gil' '--enable-optimizations' '--with-lto'",
    },
    {
        "id": GIL,
        "version": "3.14.7",
        "version_info": [3, 14, 7],
        "gil_disabled_build": False,
        "config_args": "'--enable-optimizations' '--with-lto'",
    },
    {
        "id": OLD,
        "version": "3.13.0",
        "version_info": [3, 13, 0],
        "gil_disabled_build": False,
        "config_args": "'--prefix=/root/.pyenv/versions/3.13.0' '--enable-shared'",
    },
]


def test_versions_put_builds_in_order_and_price_the_free_threaded_single_thread():
    from concbench.report import versions

    rounds = {1: 1.0, 2: 1.02, 3: 0.98, 4: 1.01}
    slower = {r: v * k for (r, v), k in zip(rounds.items(), (1.07, 1.09, 1.08, 1.08), strict=True)}
    rows = [
        cell("cpu_bound", "sync", 1.0, interp=GIL, rounds_values=rounds),
        cell("cpu_bound", "sync", 1.08, interp=FT, rounds_values=slower),
        cell("cpu_bound", "sync", 1.2, interp=OLD, rounds_values=rounds),
        cell("cpu_bound", "threads", 1.0, interp=GIL),
        cell("cpu_bound", "threads", 0.5, interp=FT),
        cell("cpu_bound", "threads", 1.2, interp=OLD),
    ]
    assert [versions.name(it) for it in versions.ordered(INTERPS)] == [
        "3.13.0 (no PGO or LTO)",
        "3.14.7 (PGO+LTO)",
        "3.14.7t (PGO+LTO)",
    ]
    (line,) = versions.single_thread_cost(frame(*rows), INTERPS)
    assert line.startswith("cpu_bound, 2 workers: sync takes +8% [+7% to +9%] on cpython-3.14.7t")
    apart = [it | {"machine": "runner-a" if it["id"] == FT else "runner-b"} for it in INTERPS]
    assert versions.single_thread_cost(frame(*rows), apart) == [], "two machines are not a pair of builds"
    http = [r | {"workload": "http_fanout"} for r in rows]
    assert versions.single_thread_cost(frame(*http), INTERPS) == [], "waiting is not the cost of one thread"
    html = versions.section(frame(*rows), {"interpreters": INTERPS})
    assert html.count("<svg") == 1, "one chart per job across the three interpreters"
    assert ">3.13.0</text>" in html and ">(no PGO or LTO)</text>" in html, (
        "each interpreter named with its build"
    )
    two = versions.section(frame(*rows[:2], *rows[3:5]), {"interpreters": INTERPS[:2]})
    assert "<svg" not in two and "sync takes +8%" in two, "two builds: their cost, no version line"
    one = [INTERPS[1] | {"executable": "python3.14", "gil_enabled": True}]
    nav = page.render(Results("r", {"interpreters": one}, frame(*rows[:1]))).split("</nav>")[0]
    assert 'href="#versions"' not in nav, "no link to a section that is not there"


def test_a_sweep_is_fitted_only_with_four_points_within_the_cores():
    sweep = [
        cell(
            "cpu_bound",
            "threads",
            1 / s,
            params=f'{{"workers":{n}}}',
            workers=n,
            cores=cores,
            speedup_vs_sync=s,
        )
        for cores, points in ((2, ((1, 1.0), (2, 1.9), (4, 1.9), (8, 1.9))),)
        for n, s in points
    ]
    fits, said = page.scaling_fits(frame(*sweep), "workers")
    assert fits == {} and said == [
        "no scaling fit: it needs 4 points within the machine's 2 cores, and this sweep has 2"
    ]
    wide = [c | {"cores": 16} for c in sweep]
    fits, said = page.scaling_fits(frame(*wide), "workers")
    assert list(fits) == [(GIL, "threads")] and said[0].startswith(
        "threads on cpython-3.14.7: Amdahl fit: serial"
    )
    assert "USL fit" in said[1]
    svg = scaling(frame(cell("cpu_bound", "sync", 1.0, params='{"workers":1}'), *wide), "workers", "t", fits)
    assert "threads: Amdahl fit" in svg and "threads: USL fit" in svg, "each fit drawn and labelled"


def test_what_each_model_used_is_said_once_per_workload_not_in_every_case():
    """The client (and serve's server) is the same in every case: one table per workload, a column per
    interpreter, each distinct value; the cases' tables leave it out."""
    cases = ('{"concurrency":10,"workers":2}', '{"concurrency":50,"workers":2}')
    rows = [
        cell("http_fanout", label, params=p, interp=i, client=f"{label} client on {i}")
        for p in cases
        for i in (GIL, FT)
        for label in ("sync", "asyncio/httpx")
    ]
    html = page.workload_section(Results("X", {}, frame(*rows)), "http_fanout")
    used = html[: html.index("<h3>")]
    assert "what each model used: client" in used
    assert (
        f"<tr><td>asyncio/httpx</td><td>asyncio/httpx client on {GIL}</td><td>asyncio/httpx client on {FT}"
        in used
    )
    assert html.count("sync client on") == 2 and "<th>client</th>" not in html
