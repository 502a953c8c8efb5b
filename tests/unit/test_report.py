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
