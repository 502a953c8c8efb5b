"""The shared building blocks of the model files: static shares, the free-threading crew, the trio run."""

import math

import pytest

from concbench.kit.crew import crew
from concbench.kit.partition import concat, interleave, merge, with_limits


@pytest.mark.parametrize("workers", range(1, 7))
def test_no_worker_needs_more_waves_than_the_ideal(workers):
    for n in range(1, 61):
        for c in range(1, 21):
            shares = with_limits(n, workers, c)
            assert concat(idx for idx, _ in shares) == list(range(n)), (n, c, workers)
            assert sum(limit for _, limit in shares) <= c and all(limit >= 1 for _, limit in shares)
            assert len(shares) <= workers
            waves = max(math.ceil(len(idx) / limit) for idx, limit in shares)
            assert waves == math.ceil(n / c), (n, c, workers, shares)


def test_the_cases_the_fairness_issue_named():
    """mixed quick of old (N=100, C=25, W=2) and http_fanout at W=3 (N=100, C=50): ideal waves."""
    assert max(math.ceil(len(i) / lim) for i, lim in with_limits(100, 2, 25)) == 4
    assert max(math.ceil(len(i) / lim) for i, lim in with_limits(100, 3, 50)) == 2


def test_interleave_and_merge_round_trip():
    parts = interleave(10, 3)
    assert merge(parts, 10) == list(range(10))


def test_a_crew_keeps_its_threads_across_calls_and_surfaces_errors():
    import sys
    import threading

    if getattr(sys, "_is_gil_enabled", lambda: True)():
        pytest.skip("crew checks that the GIL stays off: a free-threaded build only")
    with crew(2) as each:
        first = each(lambda k: threading.get_ident())
        assert each(lambda k: threading.get_ident()) == first, "the same threads, call after call"
        assert len(set(first)) == 2
        with pytest.raises(ValueError, match="worker 1 failed"):
            each(lambda k: k if k != 1 else (_ for _ in ()).throw(ValueError("worker 1 failed")))
        assert each(lambda k: k * 10) == [0, 10], "still serving after an error"


def test_one_trio_run_serves_every_call_of_a_cell():
    import trio

    from concbench.kit.triorun import trio_runner

    async def token() -> object:
        await trio.sleep(0)
        return trio.lowlevel.current_trio_token()

    with trio_runner() as call:
        first = call(token)
        assert call(token) is first, "the same run, call after call"
