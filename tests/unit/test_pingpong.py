"""The ping-pong workload: the proof catches a missing, extra, reordered or crossed round trip; the
echo unit, not the pinger, answers; the echo threads, tasks and interpreters live for the whole cell and
are gone after it; heavy models do fewer round trips, and the price counts them. (Echo processes and
greenlets: tests/e2e/test_pingpong.py.)"""

import ast
import sys
import sysconfig
import threading
from pathlib import Path

import pytest

from concbench.registry import WORKLOADS
from concbench.suites.pingpong import _pair
from concbench.suites.pingpong import asyncio as asyncio_model
from concbench.suites.pingpong import threads as threads_model
from concbench.suites.pingpong import trio as trio_model
from concbench.suites.pingpong import workload as wl
from concbench.suites.pingpong.sync import chain
from concbench.worker.cell import timed
from concbench.worker.verify import VerificationFailed, check, digest

FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
GIL_OFF = not getattr(sys, "_is_gil_enabled", lambda: True)()
HARNESS = {
    "pyperf",
    "psutil",
    "concbench.worker.cell",
    "concbench.workloads",
    "concbench.suites.pingpong.workload",
}


def params(model: str = "threads", variant: str = "default", n: int = 40, pairs: int = 2) -> wl.Params:
    return wl.Params(round_trips=n, heavy_round_trips=3, pairs=pairs, workers=2, variant=variant, model=model)


def steps(x: int, k: int, n: int) -> int:
    """The chain of pair k from token x, one step at a time (what an honest pinger gets back)."""
    for _ in range(n):
        x = _pair.answer(x, k)
    return x


@pytest.mark.parametrize("n,pairs", [(0, 1), (1, 1), (7, 3), (3000, 2)])
def test_the_closed_form_reference_is_the_chain_step_by_step(n, pairs):
    p = wl.Params(round_trips=n, heavy_round_trips=1, pairs=pairs, workers=1)
    assert wl.reference(p) == [steps(k, k, n) for k in range(pairs)] == [chain(k, n) for k in range(pairs)]
    assert all(0 <= x < 2**31 for x in wl.reference(p))


N = 50


def crossed(k: int) -> int:
    """Pair k's pinger talking to the other pair's echo unit."""
    return steps(k, 1 - k, N)


TAMPERED = {
    "a round trip missing": [steps(0, 0, N), steps(1, 1, N - 1)],
    "a round trip more": [steps(0, 0, N + 1), steps(1, 1, N)],
    "pairs reordered": [steps(1, 1, N), steps(0, 0, N)],
    "answered by the other pair's echo": [crossed(0), crossed(1)],
    "pinger not waiting for replies": [_pair.answer(0, 0), _pair.answer(1, 1)],
    "one reply lost, the token resent": [steps(steps(0, 0, 10), 0, N - 11), steps(1, 1, N)],
    "one pair missing": [steps(0, 0, N)],
}


def test_the_honest_results_pass():
    check([steps(0, 0, N), steps(1, 1, N)], digest(wl.reference(params(n=N))))


@pytest.mark.parametrize("how", list(TAMPERED))
def test_verification_catches_a_tampered_exchange(how):
    with pytest.raises(VerificationFailed):
        check(TAMPERED[how], digest(wl.reference(params(n=N))))


def test_a_real_model_whose_echo_answers_for_another_pair_fails(monkeypatch):
    """Through the worker's own timing-and-check: the threads model, wired to the wrong echo."""
    p = params(n=20)
    right = _pair.answer
    monkeypatch.setattr(_pair, "answer", lambda x, k: right(x, (k + 1) % p.pairs))
    with threads_model.setup(p) as run, pytest.raises(VerificationFailed):
        timed(run, digest(wl.reference(p)), wl)(1)


@pytest.mark.parametrize("case", [*wl.QUICK, *wl.FULL, WORKLOADS["pingpong"].tiny])
def test_units_count_every_round_trip_of_every_pair(case):
    case = {**case, "workers": 2}
    for model, variants in WORKLOADS["pingpong"].variants.items():
        per_pair = case["heavy_round_trips"] if model in wl.HEAVY else case["round_trips"]
        for v in variants:
            assert wl.units(case, model, v.name) == case["pairs"] * per_pair, (model, v.name)
            assert wl.Params(**case, variant=v.name, model=model).n == per_pair
    assert wl.units(case, "subinterpreters", "default") < wl.units(case, "threads", "default")


def test_every_case_of_a_mode_does_the_same_round_trips_per_call():
    assert len({c["pairs"] * c["round_trips"] for c in wl.FULL}) == 1
    assert len({c["pairs"] * c["heavy_round_trips"] for c in wl.FULL}) == 1
    assert sorted(c["pairs"] for c in wl.FULL) == [1, 2, 8]
    assert [c["pairs"] for c in wl.QUICK] == [1], "quick: the latency of one round trip"


def test_the_pinger_side_never_answers():
    """What runs on the caller's side only sends and receives: the answers come from the echo."""
    tree = ast.parse(Path(_pair.__file__).read_text())
    pingers = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("ping")]
    assert pingers
    for fn in pingers:
        called = {c.func.id for c in ast.walk(fn) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
        assert "answer" not in called, fn.name


def record(monkeypatch, module, who):
    """Patch `module.answer` to note who calls it; returns the list of callers."""
    callers, right = [], module.answer

    def answer(x, k):
        callers.append(who())
        return right(x, k)

    monkeypatch.setattr(module, "answer", answer)
    return callers


def asyncio_task_coro() -> str:
    import asyncio

    return asyncio.current_task().get_coro().__name__


def trio_task_name() -> str:
    import trio

    return trio.lowlevel.current_task().name


WHO = {  # model, variant -> (its module, where `answer` is looked up, who is calling, the echo's mark)
    ("threads", "default"): (threads_model, _pair, lambda: threading.current_thread().name, "echo-"),
    ("asyncio", "default"): (asyncio_model, asyncio_model, asyncio_task_coro, "echo"),
    ("asyncio", "event"): (asyncio_model, asyncio_model, asyncio_task_coro, "echo_event"),
    ("trio", "default"): (trio_model, trio_model, trio_task_name, "echo-"),
}


@pytest.mark.parametrize("model,variant", list(WHO))
def test_the_echo_unit_answers_every_round_trip(model, variant, monkeypatch):
    module, where, who, mark = WHO[(model, variant)]
    p = params(model, variant, n=25)
    callers = record(monkeypatch, where, who)
    with module.setup(p) as run:
        for calls in (1, 2):
            check(run(), digest(wl.reference(p)))
            assert len(callers) == calls * p.pairs * p.n
    assert all(mark in c and "ping" not in c for c in callers), set(callers)


@pytest.mark.parametrize("model,variant", list(WHO))
def test_echo_threads_and_tasks_live_for_the_cell_and_are_gone_after_it(model, variant):
    module = WHO[(model, variant)][0]
    p = params(model, variant, n=30)
    before = {t.ident for t in threading.enumerate()}
    with module.setup(p) as run:
        check(run(), digest(wl.reference(p)))
        during = {t.ident for t in threading.enumerate()} - before
        check(run(), digest(wl.reference(p)))
        assert {t.ident for t in threading.enumerate()} - before == during, "no thread per call"
    assert {t.ident for t in threading.enumerate()} == before


def test_echo_interpreters_live_for_the_cell_and_are_gone_after_it():
    interpreters = pytest.importorskip("concurrent.interpreters")
    from concbench.suites.pingpong import subinterpreters

    p = params("subinterpreters", n=0)
    assert p.n == 3
    interps, threads = len(interpreters.list_all()), threading.active_count()
    with subinterpreters.setup(p) as run:
        ids = {i.id for i in interpreters.list_all()}
        check(run(), digest(wl.reference(p)))
        check(run(), digest(wl.reference(p)))
        assert {i.id for i in interpreters.list_all()} == ids, "no interpreter per call"
        assert len(ids) == interps + p.pairs
    assert len(interpreters.list_all()) == interps
    assert threading.active_count() == threads


def test_an_echo_interpreter_imports_none_of_the_harness():
    interpreters = pytest.importorskip("concurrent.interpreters")
    tree = ast.parse(Path(_pair.__file__).read_text())
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    interp, out = interpreters.create(), interpreters.create_queue()
    try:
        interp.prepare_main(out=out)
        interp.exec(f"import sys, {_pair.__name__}\nout.put(tuple(sorted(sys.modules)))")
        mods = set(out.get())
    finally:
        interp.close()
    assert _pair.__name__ in mods
    assert not mods & HARNESS, sorted(mods & HARNESS)
    assert all(interpreters.is_shareable(x) for x in wl.reference(params(n=1000))), "ints, no pickling"


@pytest.mark.skipif(FREE_THREADED and GIL_OFF, reason="the GIL is off here: free-threading runs")
def test_free_threading_refuses_to_run_with_the_gil():
    from concbench.suites.pingpong import freethreading

    with pytest.raises(RuntimeError, match="GIL is enabled"), freethreading.setup(params("freethreading")):
        pass


@pytest.mark.skipif(not (FREE_THREADED and GIL_OFF), reason="needs a free-threaded build, GIL off")
def test_free_threading_runs_the_threads_code_with_the_gil_off():
    from concbench.suites.pingpong import freethreading

    p = params("freethreading", n=30)
    before = {t.ident for t in threading.enumerate()}
    with freethreading.setup(p) as run:
        check(run(), digest(wl.reference(p)))
    assert {t.ident for t in threading.enumerate()} == before
    assert not sys._is_gil_enabled(), "the GIL stayed off"
