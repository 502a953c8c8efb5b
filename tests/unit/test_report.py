"""The report's judgements: claims, recommendations and comparisons flip when the numbers do."""

import json

import pandas as pd
import pytest

from concbench.report import claims, page
from concbench.report.charts import scaling
from concbench.report.compare import compare
from concbench.report.data import Results, typed
from concbench.report.groups import series
from concbench.report.recommend import recommend
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


def verdict(claim, *cells: dict) -> str:
    return claim(frame(*cells)).verdict


@pytest.mark.parametrize(("aiofiles", "expected"), [(0.8, claims.SUPPORTED), (0.1, claims.CONTRADICTED)])
def test_aiofiles_claim_flips_when_aiofiles_beats_every_thread_pool(aiofiles, expected):
    sync, to_thread = cell("disk_io", "sync", 0.07), cell("disk_io", "asyncio/to_thread", 0.3)
    threads = cell("disk_io", "threads", 0.2)
    aio = cell("disk_io", "asyncio/aiofiles", aiofiles)
    v = claims.aiofiles_is_a_thread_pool(frame(sync, aio, to_thread, threads))
    assert v.verdict == expected and "threads 200.0 ms" in v.evidence[0]  # the best pool is the yardstick
    assert verdict(claims.aiofiles_is_a_thread_pool, sync, aio) == claims.NOT_MEASURED


def test_within_noise_is_not_a_difference():
    noisy = [0.1, 0.3, 0.5]  # mean 0.3, like to_thread's
    to_thread = cell("disk_io", "asyncio/to_thread", 0.3, samples=[0.2, 0.3, 0.4])
    aio = cell("disk_io", "asyncio/aiofiles", 0.28, samples=noisy)
    assert verdict(claims.aiofiles_is_a_thread_pool, aio, to_thread) == claims.SUPPORTED


@pytest.mark.parametrize(
    ("naive", "offloaded", "expected"), [(300, 50, "supported"), (55, 50, "contradicted")]
)
def test_blocking_the_loop(naive, offloaded, expected):
    v = claims.blocking_the_loop(
        frame(
            cell("mixed", "asyncio/naive", loop_lag_p99_ms=naive),
            cell("mixed", "asyncio/offloaded", loop_lag_p99_ms=offloaded),
        )
    )
    assert v.verdict == expected and f"{naive:.1f} ms naive" in v.evidence[0]


def test_async_single_request_needs_concurrency_one():
    c1 = '{"concurrency":1,"requests":100,"workers":2}'
    sync = cell("http_fanout", "sync/httpx", 1.0, params=c1)
    slow, fast = (cell("http_fanout", "asyncio/httpx", w, params=c1) for w in (1.05, 0.5))
    assert verdict(claims.async_single_request, sync, slow) == "supported"
    assert verdict(claims.async_single_request, sync, fast) == "contradicted"
    other_clients = (
        cell("http_fanout", "sync", 1.0, params=c1),
        cell("http_fanout", "asyncio", 0.5, params=c1),
    )
    assert verdict(claims.async_single_request, *other_clients) == claims.NOT_MEASURED, "same client only"
    c50 = '{"concurrency":50,"requests":100,"workers":2}'
    v = claims.async_single_request(frame(sync, cell("http_fanout", "asyncio/httpx", 0.05, params=c50)))
    assert v.verdict == claims.NOT_MEASURED and "--sweep concurrency=1" in v.why


def test_threads_under_the_gil():
    sync = cell("cpu_bound", "sync", 0.35)
    same = cell("cpu_bound", "threads", 0.35, speedup_vs_sync=1.0)
    fast = cell("cpu_bound", "threads", 0.18, speedup_vs_sync=1.94)
    assert verdict(claims.threads_under_the_gil, sync, same) == claims.SUPPORTED
    assert verdict(claims.threads_under_the_gil, sync, fast) == claims.CONTRADICTED
    ft_only = cell("cpu_bound", "threads", 0.18, FT, speedup_vs_sync=1.94)
    assert verdict(claims.threads_under_the_gil, ft_only) == claims.NOT_MEASURED


def test_free_threading_scales_only_with_the_gil_off():
    good = cell("cpu_bound", "freethreading", 0.22, FT, speedup_vs_sync=1.9, efficiency=0.95)
    poor = cell("cpu_bound", "threads", 0.4, FT, speedup_vs_sync=1.0, efficiency=0.5)
    assert verdict(claims.free_threading_scales, good) == claims.SUPPORTED
    assert verdict(claims.free_threading_scales, good, poor) == claims.CONTRADICTED
    gil_back = cell(
        "cpu_bound", "threads", 0.22, FT, gil_enabled_runtime=True, speedup_vs_sync=1.9, efficiency=0.95
    )
    assert verdict(claims.free_threading_scales, gil_back) == claims.NOT_MEASURED


def _spawn(thread: float, interp: float, process: float) -> list[dict]:
    return [
        cell("cpu_bound", "subinterpreters", 0.2, speedup_vs_sync=1.8, efficiency=0.9),
        cell("spawn", "threads", us_per_unit=thread, mem_kb_per_unit=20.0),
        cell("spawn", "subinterpreters/create", us_per_unit=interp),
        cell("spawn", "multiprocessing/forkserver", us_per_unit=process),
        cell("spawn", "multiprocessing/fork", us_per_unit=1.0),  # not the default start method here
    ]


def test_subinterpreters_start_cost_is_compared_with_the_default_start_method():
    assert verdict(claims.subinterpreters_in_between, *_spawn(60, 5000, 20000)) == claims.SUPPORTED
    v = claims.subinterpreters_in_between(frame(*_spawn(60, 13000, 3000)))
    assert v.verdict == claims.CONTRADICTED and "forkserver" in v.why


@pytest.mark.parametrize(("task_kib", "expected"), [(1.0, claims.SUPPORTED), (30.0, claims.CONTRADICTED)])
def test_coroutines_are_lighter(task_kib, expected):
    thread = cell("spawn", "threads", us_per_unit=60.0, mem_kb_per_unit=20.0)
    task = cell("spawn", "asyncio", us_per_unit=5.0, mem_kb_per_unit=task_kib)
    assert verdict(claims.coroutines_are_lighter, thread, task) == expected


def test_gevent_keeps_up_and_says_where_it_was_n_a():
    asyncio = cell("http_fanout", "asyncio/httpx", 0.050)
    keeps_up, behind = cell("http_fanout", "gevent/httpx", 0.054), cell("http_fanout", "gevent/httpx", 0.100)
    assert verdict(claims.gevent_keeps_up, asyncio, keeps_up) == claims.SUPPORTED
    assert verdict(claims.gevent_keeps_up, asyncio, behind) == claims.CONTRADICTED
    other_clients = (cell("http_fanout", "asyncio", 0.01), cell("http_fanout", "gevent", 0.1))
    assert verdict(claims.gevent_keeps_up, *other_clients) == claims.NOT_MEASURED, "same client only"
    na = cell(
        "http_fanout",
        "gevent",
        interp=FT,
        samples=[],
        status="n/a",
        reason="importing gevent re-enables the GIL",
        wall_s="",
    )
    v = claims.gevent_keeps_up(frame(na))
    assert v.verdict == claims.NOT_MEASURED and "re-enables the GIL" in v.evidence[0]


def test_library_matters_more_than_model():
    models = [cell("http_fanout", "asyncio", 0.050), cell("http_fanout", "threads", 0.060)]
    slow_httpx = cell("http_fanout", "asyncio/httpx", 0.350)
    assert verdict(claims.library_matters, *models, slow_httpx) == claims.SUPPORTED
    close_httpx = cell("http_fanout", "asyncio/httpx", 0.052)
    slow_model = cell("http_fanout", "threads", 0.5)
    assert verdict(claims.library_matters, models[0], slow_model, close_httpx) == claims.CONTRADICTED


def test_every_claim_has_a_verdict_on_an_empty_run():
    verdicts = claims.check(frame(cell("null", "sync", 1e-6)))
    assert len(verdicts) == len(claims.CLAIMS) and {v.verdict for v in verdicts} == {claims.NOT_MEASURED}
    assert all(v.why for v in verdicts)


def test_recommendation_margin_and_noise():
    sync = cell("cpu_bound", "sync", 0.35)
    mp = cell("cpu_bound", "multiprocessing", 0.18)
    sub = cell("cpu_bound", "subinterpreters", 0.19, samples=[0.15, 0.19, 0.23])
    threads = cell("cpu_bound", "threads", 0.36)
    (pick,) = recommend(frame(sync, mp, sub, threads))
    assert (pick.best, pick.runner_up) == ("multiprocessing", "subinterpreters")
    assert pick.verdict.startswith("within noise")
    (pick,) = recommend(frame(sync, mp, threads))
    assert pick.runner_up == "sync" and pick.verdict == f"{0.35 / 0.18 - 1:.0%} ahead"


def test_recommendation_takes_each_models_best_variant_and_sync_into_sweep_groups():
    c1, c10 = '{"concurrency":1,"workers":2}', '{"concurrency":10,"workers":2}'
    rows = [
        cell("http_fanout", "sync", 1.0, params=c1),
        cell("http_fanout", "asyncio", 1.02, params=c1),
        cell("http_fanout", "asyncio", 0.11, params=c10),
        cell("http_fanout", "asyncio/httpx", 0.30, params=c10),
        cell("http_fanout", "threads", 0.12, params=c10),
    ]
    picks = {p.case: p for p in recommend(frame(*rows))}
    assert picks["http_fanout[concurrency=1, workers=2]"].best == "sync"
    ten = picks["http_fanout[concurrency=10, workers=2]"]
    assert (ten.best, ten.runner_up) == ("asyncio", "threads")


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


@pytest.mark.parametrize(("asyncio_s", "expected"), [(0.5, claims.SUPPORTED), (0.3, claims.CONTRADICTED)])
def test_subprocess_claim_flips_when_asyncio_beats_the_thread_pool(asyncio_s, expected):
    threads = cell("subprocess", "threads", 0.5)
    assert verdict(claims.subprocess_no_faster, threads, cell("subprocess", "asyncio", asyncio_s)) == expected
    assert verdict(claims.subprocess_no_faster, threads) == claims.NOT_MEASURED


def _price(workload: str, label: str, us: float, interp: str = GIL, params: str = '{"workers":2}') -> dict:
    """A price cell: `us` µs per unit over a fixed number of units per call."""
    return cell(workload, label, us * 1e-3, interp, us_per_unit=us, params=params)


@pytest.mark.parametrize(("task_us", "expected"), [(5.0, claims.SUPPORTED), (40.0, claims.CONTRADICTED)])
def test_coroutines_switch_faster_flips_with_the_round_trips(task_us, expected):
    one = '{"pairs":1,"workers":2}'
    cells = [
        _price("pingpong", "asyncio", task_us, params=one),
        _price("pingpong", "threads", 40.0, params=one),
    ]
    assert verdict(claims.coroutines_switch_faster, *cells) == expected
    two = '{"pairs":2,"workers":2}'  # only one pair at a time is a switch's latency
    cells = [
        _price("pingpong", "asyncio", task_us, params=two),
        _price("pingpong", "threads", 40.0, params=two),
    ]
    assert verdict(claims.coroutines_switch_faster, *cells) == claims.NOT_MEASURED


@pytest.mark.parametrize(
    ("local_ns", "lock_ns", "expected"),
    [(55, 300, claims.SUPPORTED), (55, 60, claims.CONTRADICTED), (100, 300, claims.CONTRADICTED)],
)
def test_free_threading_shares_little_flips_with_the_scaling(local_ns, lock_ns, expected):
    """sync 100 ns an update, 2 workers on 2 cores: the ideal is 2×, 70 % of it 1.4×."""
    cells = [
        _price("shared_state", label, ns / 1e3, FT, params='{"shape":0,"workers":2}')
        for label, ns in (("sync", 100), ("freethreading/local", local_ns), ("freethreading/lock", lock_ns))
    ]
    cells = [c | {"gil_enabled_runtime": False} for c in cells]
    assert verdict(claims.free_threading_shares_little, *cells) == expected
    assert verdict(claims.free_threading_shares_little, *cells[1:]) == claims.NOT_MEASURED  # no sync


@pytest.mark.parametrize(("manager_us", "expected"), [(30.0, claims.SUPPORTED), (5.0, claims.CONTRADICTED)])
def test_sharing_across_processes_flips_below_two_orders_of_magnitude(manager_us, expected):
    cells = [
        _price("shared_state", "multiprocessing/manager", manager_us),
        _price("shared_state", "threads/lock", 0.1),
    ]
    assert verdict(claims.sharing_across_processes, *cells) == expected


def _failure(label: str, case: str, interp: str = GIL, **figures: float) -> dict:
    """A failure cell of one case (fail_ms, deadline_ms or cancel_ms), with its own figures."""
    params = f'{{"concurrency":4,"{case}":50,"latency_ms":100,"units":8,"workers":2}}'
    base = {"leaked": 0, "stop_ms": 1.0, "overrun_ms": 1.0, "error_surfaced": 1.0, "sent_after": 0}
    return cell("failure", label, 0.05, interp, params=params, metrics=json.dumps(base | figures))


@pytest.mark.parametrize(
    ("trio", "expected"),
    [
        ({}, claims.SUPPORTED),
        ({"leaked": 3}, claims.CONTRADICTED),
        ({"error_surfaced": 0.5}, claims.CONTRADICTED),
    ],
)
def test_structured_concurrency_claim_flips_with_a_leak_or_a_lost_error(trio, expected):
    cells = [_failure("asyncio", "fail_ms"), _failure("trio", "fail_ms", **trio)]
    v = claims.structured_concurrency_cancels(frame(*cells, _failure("asyncio/gather", "fail_ms", leaked=7)))
    assert v.verdict == expected and any("gather (for contrast) leaked 7" in e for e in v.evidence)
    assert (
        verdict(claims.structured_concurrency_cancels, _failure("threads", "fail_ms")) == claims.NOT_MEASURED
    )


@pytest.mark.parametrize(
    ("threads", "expected"),
    [
        ({"leaked": 4}, claims.SUPPORTED),
        ({"leaked": 0}, claims.CONTRADICTED),  # the work stopped too
        ({"leaked": 4, "overrun_ms": 60.0}, claims.CONTRADICTED),  # the waiting did not stop
    ],
)
def test_threads_cannot_be_cancelled_flips_with_the_leak_and_the_overrun(threads, expected):
    assert (
        verdict(claims.threads_cannot_be_cancelled, _failure("threads", "deadline_ms", **threads)) == expected
    )
    assert verdict(claims.threads_cannot_be_cancelled, _failure("threads", "fail_ms")) == claims.NOT_MEASURED


@pytest.mark.parametrize(
    ("swallow", "expected"),
    [({"leaked": 4, "overrun_ms": 104.0}, claims.SUPPORTED), ({}, claims.CONTRADICTED)],
)
def test_swallowing_claim_flips_when_the_swallowing_units_stop_anyway(swallow, expected):
    cells = [_failure("asyncio", "cancel_ms"), _failure("asyncio/swallow", "cancel_ms", **swallow)]
    assert verdict(claims.swallowing_breaks_cancellation, *cells) == expected
    assert verdict(claims.swallowing_breaks_cancellation, cells[1]) == claims.NOT_MEASURED
