"""Claims have three outcomes from intervals: each flips between supported and contradicted when the
numbers do (rounds that agree: tight intervals), and is inconclusive, never supported, when its
intervals are wide (rounds that scatter) or missing (one round)."""

import json
import math
import re
from collections.abc import Callable

import pandas as pd
import pytest

from concbench.report import claims, page
from concbench.report.claims import Outcome
from concbench.report.data import Results, typed
from concbench.results import COLUMNS
from concbench.stats import paired

GIL, FT = "cpython-3.14.7", "cpython-3.14.7t"
SUP, CON, INC, NOT = Outcome.SUPPORTED, Outcome.CONTRADICTED, Outcome.INCONCLUSIVE, Outcome.NOT_MEASURED
STEADY = (1.0, 1.01, 0.99, 1.005, 0.995)  # each round's wall over the cell's: rounds that agree
JITTER = (1.0, 0.99, 1.01, 0.995, 1.005)  # the same, another way: paired ratios within ±2 %
WIDE = (0.4, 2.0, 0.7, 1.6, 0.6)  # rounds that scatter: paired ratios within ×0.4 to ×2.3
ONE = (1.0,)  # one round: no interval


def cell(workload: str, label: str, wall: float = 1.0, interp: str = GIL, rounds=STEADY, **kw) -> dict:
    """A results.csv row (as strings and numbers) with its rounds' means (`rounds`: each over `wall`),
    values tight around `wall` unless given."""
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
        "rounds": len(rounds),
        "rounds_values": {r: wall * f for r, f in enumerate(rounds, 1)},
    }
    return row | kw


def vs_sync(row: dict, sync: dict, ideal: float = 2.0) -> dict:
    """The row with its speedup and efficiency over `sync`, paired by round as the runner pairs them."""
    up = paired.ratio(sync["rounds_values"], row["rounds_values"])
    eff = up.scaled(1 / ideal)
    return row | {
        "speedup_vs_sync": up.value,
        "speedup_ci_low": up.low,
        "speedup_ci_high": up.high,
        "efficiency": eff.value,
        "efficiency_ci_low": eff.low,
        "efficiency_ci_high": eff.high,
    }


def frame(*cells: dict) -> pd.DataFrame:
    return typed(pd.DataFrame(list(cells)))


def outcome(claim, *cells: dict) -> Outcome:
    return claim(frame(*cells)).outcome


def _price(
    workload: str, label: str, us: float, interp: str = GIL, params: str = '{"workers":2}', **kw
) -> dict:
    """A price cell: `us` µs per unit over a fixed number of units per call."""
    return cell(workload, label, us * 1e-3, interp, us_per_unit=us, params=params, **kw)


# Each interval claim as cells built around one number `x` (its subject's rounds given), with an x that
# supports it (near enough its threshold that rounds which scatter leave it undecided) and one that
# contradicts it.
Cells = Callable[[float, tuple], list[dict]]


def _aiofiles(x: float, rounds: tuple) -> list[dict]:
    return [
        cell("disk_io", "sync", 0.07),
        cell("disk_io", "asyncio/to_thread", 0.3),
        cell("disk_io", "threads", 0.2),
        cell("disk_io", "asyncio/aiofiles", x, rounds=rounds),
    ]


C1 = '{"concurrency":1,"requests":100,"workers":2}'


def _single(x: float, rounds: tuple) -> list[dict]:
    return [
        cell("http_fanout", "sync/httpx", 1.0, params=C1),
        cell("http_fanout", "asyncio/httpx", x, params=C1, rounds=rounds),
    ]


def _gil_threads(x: float, rounds: tuple) -> list[dict]:
    sync = cell("cpu_bound", "sync", 0.35)
    return [sync, vs_sync(cell("cpu_bound", "threads", x, rounds=rounds), sync)]


def _ft_threads(x: float, rounds: tuple) -> list[dict]:
    sync = cell("cpu_bound", "sync", 0.4, FT)
    return [sync, vs_sync(cell("cpu_bound", "freethreading", x, FT, rounds=rounds), sync)]


def _spawn(interp_us: float, rounds: tuple) -> list[dict]:
    sync = cell("cpu_bound", "sync", 0.36)
    return [
        sync,
        vs_sync(cell("cpu_bound", "subinterpreters", 0.2), sync),
        _price("spawn", "threads", 60.0, mem_kb_per_unit=20.0),
        _price("spawn", "subinterpreters/create", interp_us, rounds=rounds),
        _price("spawn", "multiprocessing/forkserver", 20000.0),
        _price("spawn", "multiprocessing/fork", 1.0),  # not the default start method here
    ]


def _kib(kib: float, rounds: tuple = STEADY) -> dict:
    """Memory per live unit, one figure per round."""
    return {
        "mem_kb_per_unit": kib,
        "rounds_figures": {"mem_kb_per_unit": {r: kib * f for r, f in enumerate(rounds, 1)}},
    }


def _lighter(task_us: float, rounds: tuple) -> list[dict]:
    return [
        _price("spawn", "threads", 60.0, **_kib(20.0)),
        _price("spawn", "asyncio", task_us, **_kib(1.0, JITTER), rounds=rounds),
    ]


def _gevent(x: float, rounds: tuple) -> list[dict]:
    return [
        cell("http_fanout", "asyncio/httpx", 0.050),
        cell("http_fanout", "gevent/httpx", x, rounds=rounds),
    ]


def _library(httpx: float, rounds: tuple) -> list[dict]:
    return [
        cell("http_fanout", "asyncio", 0.050),
        cell("http_fanout", "threads", 0.060),
        cell("http_fanout", "asyncio/httpx", httpx, rounds=rounds),
    ]


def _subprocess(x: float, rounds: tuple) -> list[dict]:
    return [cell("subprocess", "threads", 0.5), cell("subprocess", "asyncio", x, rounds=rounds)]


ONE_PAIR = '{"pairs":1,"workers":2}'


def _pingpong(task_us: float, rounds: tuple) -> list[dict]:
    return [
        _price("pingpong", "asyncio", task_us, params=ONE_PAIR, rounds=rounds),
        _price("pingpong", "threads", 40.0, params=ONE_PAIR),
    ]


def _shared(local_ns: float, rounds: tuple, lock_ns: float = 300) -> list[dict]:
    """sync 100 ns an update, 2 workers on 2 cores: the ideal is 2×, 70 % of it 1.4×."""
    shape = '{"shape":0,"workers":2}'
    return [
        _price("shared_state", "sync", 0.1, FT, shape, gil_enabled_runtime=False),
        _price("shared_state", "freethreading/local", local_ns / 1e3, FT, shape, rounds=rounds),
        _price("shared_state", "freethreading/lock", lock_ns / 1e3, FT, shape),
    ]


def _manager(manager_us: float, rounds: tuple) -> list[dict]:
    return [
        _price("shared_state", "multiprocessing/manager", manager_us, rounds=rounds),
        _price("shared_state", "threads/lock", 0.1),
    ]


def _server(label: str, wall: float, mb: float, case: dict, rounds=STEADY, mb_rounds=STEADY, **kw) -> dict:
    """A serve cell: its wall, and its server's memory (PSS, whole tree) as a metric, per round."""
    figures = {"pss_total_mb": {r: mb * f for r, f in enumerate(mb_rounds, 1)}}
    params = json.dumps({"connections": 32, "requests": 300, "workers": 2, **case})
    metrics = json.dumps({"pss_total_mb": mb})
    return cell(
        "serve", label, wall, params=params, metrics=metrics, rounds_figures=figures, rounds=rounds, **kw
    )


WAITS = {"latency_ms": 10, "work": 0}
COMPUTES = {"latency_ms": 10, "work": 1250}


def _serve_memory(threads_mb: float, rounds: tuple) -> list[dict]:
    return [
        _server("asyncio", 0.13, 33.0, WAITS),
        _server("threads", 0.17, threads_mb, WAITS, mb_rounds=rounds, rounds=rounds),
    ]


def _sync_per_core(sync_s: float, rounds: tuple) -> list[dict]:
    return [_server("multiprocessing", 0.6, 88.0, COMPUTES), _server("sync", sync_s, 37.0, COMPUTES, rounds)]


def _one_process(ft_s: float, rounds: tuple) -> list[dict]:
    return [
        _server("threads", 0.8, 82.0, COMPUTES, interp=FT, cores=4),
        _server("freethreading", ft_s, 64.0, COMPUTES, rounds, interp=FT, cores=4),
    ]


INTERVAL_CLAIMS = [  # claim, its cells, an x that supports it, one that contradicts it
    (claims.aiofiles_is_a_thread_pool, _aiofiles, 0.2, 0.1),
    (claims.async_single_request, _single, 1.05, 0.5),
    (claims.threads_under_the_gil, _gil_threads, 0.35, 0.18),
    (claims.free_threading_scales, _ft_threads, 0.22, 0.4),
    (claims.subinterpreters_in_between, _spawn, 100.0, 30000.0),
    (claims.coroutines_are_lighter, _lighter, 40.0, 120.0),
    (claims.gevent_keeps_up, _gevent, 0.052, 0.1),
    (claims.library_matters, _library, 0.08, 0.052),
    (claims.subprocess_no_faster, _subprocess, 0.5, 0.3),
    (claims.coroutines_switch_faster, _pingpong, 30.0, 40.0),
    (claims.free_threading_shares_little, _shared, 55.0, 100.0),
    (claims.sharing_across_processes, _manager, 15.0, 5.0),
    (claims.async_servers_hold_calls_lightly, _serve_memory, 41.0, 25.0),
    (claims.sync_workers_match_async_per_core, _sync_per_core, 0.62, 1.7),
    (claims.one_free_threaded_process, _one_process, 0.8, 1.2),
]
ids = [c[0].__name__ for c in INTERVAL_CLAIMS]


@pytest.mark.parametrize(("claim", "cells", "supports", "contradicts"), INTERVAL_CLAIMS, ids=ids)
def test_each_claim_flips_when_the_numbers_do(claim, cells, supports, contradicts):
    assert outcome(claim, *cells(supports, JITTER)) is SUP
    v = claim(frame(*cells(contradicts, JITTER)))
    assert v.outcome is CON and v.why


@pytest.mark.parametrize(("claim", "cells", "supports", "contradicts"), INTERVAL_CLAIMS, ids=ids)
def test_wide_intervals_are_inconclusive_not_supported(claim, cells, supports, contradicts):
    v = claim(frame(*cells(supports, WIDE)))
    assert v.outcome is INC, v.why
    assert v.why.startswith("1 of 1 places undecided (intervals cross") and "--budget 10m" in v.why


def _one_value(c: dict) -> dict:
    """The cell as one round of one value: no interval (results.csv leaves its CIs blank)."""
    blank = dict.fromkeys(("speedup_ci_low", "speedup_ci_high", "efficiency_ci_low", "efficiency_ci_high"))
    return c | blank | {"rounds_values": {1: c["wall_s"]}, "rounds": 1, "samples": [c["wall_s"]]}


@pytest.mark.parametrize(("claim", "cells", "supports", "contradicts"), INTERVAL_CLAIMS, ids=ids)
def test_one_round_one_value_is_inconclusive_not_supported(claim, cells, supports, contradicts):
    v = claim(frame(*(_one_value(c) for c in cells(supports, ONE))))
    assert v.outcome is INC and "one round: no interval" in v.why


def test_a_price_without_rounds_is_judged_within_one_process():
    """One round, but each price measured several times in its process: an interval from those."""
    steady = [_pingpong(30.0, ONE)[0], _price("pingpong", "threads", 40.0, params=ONE_PAIR, rounds=ONE)]
    v = claims.coroutines_switch_faster(frame(*steady))
    assert v.outcome is SUP and "within one process" in v.evidence[0]
    scattered = [c | {"samples": [c["wall_s"] * f for f in (0.3, 1.0, 2.5)]} for c in steady]
    assert outcome(claims.coroutines_switch_faster, *scattered) is INC


def test_a_job_without_rounds_has_no_interval_from_its_values():
    """Values within one process are no interval for a job's wall time: only rounds give one."""
    one = [c | {"rounds_values": {1: c["wall_s"]}} for c in _subprocess(0.3, ONE)]
    assert outcome(claims.subprocess_no_faster, *one) is INC


def test_contradiction_is_at_the_bonferroni_level():
    """gevent 30 % behind with a 95 % interval wholly above ×1.10, not at 1 − 0.05/3: alone that place
    contradicts the claim; beside two more places it is one of three intervals, and undecided."""
    scatter = tuple(math.exp(d) for d in (0.14, -0.14, 0.07, -0.07, 0.0))
    even = (1.0,) * 5

    def place(c: int, gevent: float, rounds: tuple) -> list[dict]:
        params = f'{{"concurrency":{c},"workers":2}}'
        return [
            cell("http_fanout", "asyncio/httpx", 0.05, params=params, rounds=even),
            cell("http_fanout", "gevent/httpx", gevent, params=params, rounds=rounds),
        ]

    behind = place(10, 0.065, scatter)
    assert outcome(claims.gevent_keeps_up, *behind) is CON
    v = claims.gevent_keeps_up(frame(*behind, *place(20, 0.05, even), *place(30, 0.05, even)))
    assert v.outcome is INC and v.why.startswith("1 of 3 places undecided (intervals cross ×1.1")


def test_a_contradiction_anywhere_outweighs_support_elsewhere():
    gil, ft = _gil_threads(0.18, JITTER), _gil_threads(0.35, JITTER)
    ft = [c | {"interpreter": "cpython-3.13.9"} for c in ft]
    v = claims.threads_under_the_gil(frame(*gil, *ft))
    assert (
        v.outcome is CON and f"on {GIL}, cpu_bound, 2 workers (97.5% intervals: Bonferroni over 2)" in v.why
    )


def test_aiofiles_is_held_against_the_best_thread_pool():
    v = claims.aiofiles_is_a_thread_pool(frame(*_aiofiles(0.8, JITTER)))
    assert (
        v.outcome is SUP and "threads 200.0 ms" in v.evidence[0] and "paired over 5 rounds" in v.evidence[0]
    )
    assert (
        outcome(claims.aiofiles_is_a_thread_pool, *_aiofiles(0.8, JITTER)[:1], _aiofiles(0.8, JITTER)[3])
        is NOT
    )


def lag(ms: float, rounds: tuple) -> dict:
    """A cell's loop lag p99, one figure per round (each `ms` × its factor)."""
    return {
        "loop_lag_p99_ms": ms,
        "rounds_figures": {"loop_lag_p99_ms": {r: ms * f for r, f in enumerate(rounds, 1)}},
    }


@pytest.mark.parametrize(
    ("naive", "offloaded", "rounds", "expected"),
    [
        (300, 50, JITTER, SUP),
        (40, 50, JITTER, CON),
        (62.5, 50, JITTER, INC),
        (80, 50, WIDE, INC),
        (300, 50, ONE, INC),
    ],
)
def test_blocking_the_loop_pairs_lag_by_round(naive, offloaded, rounds, expected):
    v = claims.blocking_the_loop(
        frame(
            cell("mixed", "asyncio/naive", **lag(naive, rounds)),
            cell("mixed", "asyncio/offloaded", **lag(offloaded, STEADY)),
        )
    )
    assert v.outcome is expected and f"{naive:.1f} ms naive" in v.evidence[0]
    if len(rounds) == 1:
        assert "no interval" in v.evidence[0], "one figure a cell decides nothing"


def test_async_single_request_needs_concurrency_one_and_the_same_client():
    other_clients = (
        cell("http_fanout", "sync", 1.0, params=C1),
        cell("http_fanout", "asyncio", 0.5, params=C1),
    )
    assert outcome(claims.async_single_request, *other_clients) is NOT, "same client only"
    c50 = '{"concurrency":50,"requests":100,"workers":2}'
    sync = cell("http_fanout", "sync/httpx", 1.0, params=C1)
    v = claims.async_single_request(frame(sync, cell("http_fanout", "asyncio/httpx", 0.05, params=c50)))
    assert v.outcome is NOT and "--sweep concurrency=1" in v.why


def test_threads_under_the_gil_is_not_measured_on_free_threading_alone():
    sync = cell("cpu_bound", "sync", 0.35, FT)
    ft_only = vs_sync(cell("cpu_bound", "threads", 0.18, FT), sync)
    assert outcome(claims.threads_under_the_gil, sync, ft_only) is NOT


def test_free_threading_scales_only_with_the_gil_off():
    sync = cell("cpu_bound", "sync", 0.4, FT)
    gil_back = vs_sync(cell("cpu_bound", "threads", 0.22, FT, gil_enabled_runtime=True), sync)
    assert outcome(claims.free_threading_scales, sync, gil_back) is NOT


def test_free_threading_names_the_model_at_each_place():
    """threads and freethreading are judged at the same interpreter and case: the place says which."""
    sync = cell("cpu_bound", "sync", 0.4, FT)
    both = [
        vs_sync(cell("cpu_bound", m, 0.22, FT, rounds=JITTER), sync) for m in ("threads", "freethreading")
    ]
    places = [p.where for p, _ in claims.free_threading_scales(frame(sync, *both)).judged]
    assert [w.split(",")[0] for w in places] == ["threads", "freethreading"]


def test_subinterpreters_name_the_start_method_they_are_held_against():
    v = claims.subinterpreters_in_between(frame(*_spawn(30000.0, JITTER)))
    assert v.outcome is CON and "forkserver" in v.why
    assert outcome(claims.subinterpreters_in_between, *_spawn(5000.0, JITTER)[2:]) is NOT  # no cpu_bound


@pytest.mark.parametrize(
    ("task_kib", "rounds", "expected"), [(1.0, JITTER, SUP), (1.0, ONE, INC), (45.0, JITTER, CON)]
)
def test_coroutines_memory_is_paired_by_round(task_kib, rounds, expected):
    thread, task = _lighter(30.0, JITTER)
    assert outcome(claims.coroutines_are_lighter, thread, task | _kib(task_kib, rounds)) is expected


def test_gevent_says_where_it_was_n_a_and_compares_the_same_client():
    other_clients = (cell("http_fanout", "asyncio", 0.01), cell("http_fanout", "gevent", 0.1))
    assert outcome(claims.gevent_keeps_up, *other_clients) is NOT, "same client only"
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
    assert v.outcome is NOT and "re-enables the GIL" in v.evidence[0]


def test_library_matters_is_a_claim_of_can():
    """Supported by one case; contradicted only where the models' spread is the larger in every case."""
    close = [c | {"params": '{"workers":4}'} for c in _library(0.052, JITTER)]
    assert outcome(claims.library_matters, *_library(0.35, JITTER), *close) is SUP
    assert outcome(claims.library_matters, *_library(0.052, JITTER), *close) is CON
    assert outcome(claims.library_matters, *_library(0.08, WIDE), *close) is INC


def test_every_claim_is_not_measured_on_an_empty_run():
    checks = claims.check(frame(cell("null", "sync", 1e-6)))
    assert len(checks) == len(claims.CLAIMS) and {c.outcome for c in checks} == {NOT}
    assert all(c.why for c in checks)


def test_subprocess_claim_is_not_measured_without_asyncio():
    assert outcome(claims.subprocess_no_faster, cell("subprocess", "threads", 0.5)) is NOT


def test_coroutines_switch_faster_needs_one_pair_at_a_time():
    two = '{"pairs":2,"workers":2}'  # only one pair at a time is a switch's latency
    cells = [_price("pingpong", "asyncio", 5.0, params=two), _price("pingpong", "threads", 40.0, params=two)]
    assert outcome(claims.coroutines_switch_faster, *cells) is NOT


def test_free_threading_shares_little_is_contradicted_when_the_lock_scales_too():
    assert outcome(claims.free_threading_shares_little, *_shared(55, JITTER, lock_ns=60)) is CON
    assert outcome(claims.free_threading_shares_little, *_shared(55, JITTER)[1:]) is NOT  # no sync


def _failure(label: str, case: str, interp: str = GIL, **figures: float) -> dict:
    """A failure cell of one case (fail_ms, deadline_ms or cancel_ms), with its own figures."""
    params = f'{{"concurrency":4,"{case}":50,"latency_ms":100,"units":8,"workers":2}}'
    base = {"leaked": 0, "stop_ms": 1.0, "overrun_ms": 1.0, "error_surfaced": 1.0, "sent_after": 0}
    return cell("failure", label, 0.05, interp, ONE, params=params, metrics=json.dumps(base | figures))


@pytest.mark.parametrize(
    ("trio", "expected"), [({}, SUP), ({"leaked": 3}, CON), ({"error_surfaced": 0.5}, CON)]
)
def test_structured_concurrency_is_judged_on_its_counts(trio, expected):
    cells = [_failure("asyncio", "fail_ms"), _failure("trio", "fail_ms", **trio)]
    v = claims.structured_concurrency_cancels(frame(*cells, _failure("asyncio/gather", "fail_ms", leaked=7)))
    assert v.outcome is expected and any("gather (for contrast) leaked 7" in e for e in v.evidence)
    assert outcome(claims.structured_concurrency_cancels, _failure("threads", "fail_ms")) is NOT


@pytest.mark.parametrize(
    ("threads", "expected"),
    [
        ({"leaked": 4}, SUP),
        ({"leaked": 0}, CON),  # the work stopped too
        ({"leaked": 4, "overrun_ms": 60.0}, CON),  # the waiting did not stop
        ({"leaked": 4, "overrun_ms": 28.0}, INC),  # within 25 % of a quarter of the latency
    ],
)
def test_threads_cannot_be_cancelled_on_the_leak_and_a_timing_with_a_margin(threads, expected):
    v = claims.threads_cannot_be_cancelled(frame(_failure("threads", "deadline_ms", **threads)))
    assert v.outcome is expected
    if expected is INC:
        assert "within ±25 % of a quarter of the latency" in v.why
    assert outcome(claims.threads_cannot_be_cancelled, _failure("threads", "fail_ms")) is NOT


@pytest.mark.parametrize(
    ("swallow", "expected"),
    [({"leaked": 4}, SUP), ({"overrun_ms": 104.0}, SUP), ({"overrun_ms": 55.0}, INC), ({}, CON)],
)
def test_swallowing_claim_flips_when_the_swallowing_units_stop_anyway(swallow, expected):
    cells = [_failure("asyncio", "cancel_ms"), _failure("asyncio/swallow", "cancel_ms", **swallow)]
    assert outcome(claims.swallowing_breaks_cancellation, *cells) is expected
    assert outcome(claims.swallowing_breaks_cancellation, cells[1]) is NOT


def test_the_page_shows_each_outcome_in_its_own_colour(tmp_path):
    html = page.claims_section(Results(tmp_path, {}, frame(*_gevent(0.052, WIDE))))
    assert '<span class="inconclusive"><b>inconclusive</b>' in html and ".inconclusive{" in page.STYLE


def test_a_claim_shows_its_rule_and_a_row_per_place_compared(tmp_path):
    """The card: outcome, the claim, its rule in one line, and each place in words with its figure, the
    side of the bound it must lie on and the outcome there; what was not measured is folded apart."""
    html = page.claims_section(Results(tmp_path, {}, frame(*_gevent(0.0505, JITTER))))
    card = html[html.index('<div class="claim">') : html.index("</div>")]
    assert '<span class="supported"><b>supported</b></span> <b>gevent keeps up' in card
    assert "rule: each figure must be wholly below ×1.1 (10 % behind)" in card
    (row,) = re.findall(r"<tr><td>[^<]*http_fanout.*?</tr>", card)
    assert "1.01 (95 % CI" in row and "wholly below ×1.1" in row and 'class="supported">supported' in row
    assert f"<td>{GIL}, http_fanout, 2 workers</td>" in row, "the place in words (its params, here)"
    assert (
        "claims not measured by this run</summary>" in html
        and "gevent keeps up" not in html.split("not measured by this run")[1]
    )


def test_sync_per_core_is_judged_only_where_a_request_computes():
    waits = [_server("multiprocessing", 0.13, 88.0, WAITS), _server("sync", 1.7, 37.0, WAITS)]
    assert outcome(claims.sync_workers_match_async_per_core, *waits) is NOT


def test_one_free_threaded_process_needs_cores_for_both_sides():
    two_cores = [{**c, "cores": 2} for c in _one_process(0.8, JITTER)]
    v = claims.one_free_threaded_process(frame(*two_cores))
    assert v.outcome is NOT and "W + 2 cores" in v.why
    assert any("needs 4 cores" in e for e in v.evidence)
    more_memory = _one_process(0.8, JITTER)
    more_memory[1] = _server("freethreading", 0.8, 120.0, COMPUTES, JITTER, interp=FT, cores=4)
    assert outcome(claims.one_free_threaded_process, *more_memory) is CON


def test_a_claim_checked_by_its_negation_states_its_own_rule():
    """library_matters is judged as its negation; its card must still read as the claim: supported
    where the library's factor over the models' spread lies wholly above ×1."""
    card = page.claim_card(claims.library_matters(frame(*_library(0.5, STEADY))))
    assert "rule: each figure must be wholly above ×1 (library and models alike)" in card
    assert (
        '<span class="supported"><b>supported</b>' in card
        and 'class="supported">supported</span></td>' in card
    )
