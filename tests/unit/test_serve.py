"""serve's reference, proof and n/a rules, without a server (tests/e2e/test_serve.py runs them)."""

import dataclasses

import pytest

from concbench.registry import Cell, unavailable
from concbench.servers.content import body
from concbench.suites.serve import _app as app
from concbench.suites.serve import workload as wl
from concbench.worker.verify import VerificationFailed, check, digest

P = wl.Params(requests=20, connections=4, latency_ms=5, work=250, workers=2)


@pytest.mark.parametrize("work", [0, 1, 250, 1250])
def test_the_reference_body_is_the_apps_answer_computed_another_way(work):
    assert wl.expected_body(work) == app.answer(body(app.ITEM, wl.SIZE), work)


def burst(answered=20, bad=0, errors=0, answer=None, seen=20) -> wl.Burst:
    data = wl.expected_body(P.work) if answer is None else answer
    return wl.Burst(answered, bad, errors, data, P.requests, P.connections, lambda: seen)


def passes(b: wl.Burst) -> bool:
    try:
        check(wl.verifiable(b), digest(wl.reference(P)))
    except VerificationFailed:
        return False
    return True


def test_the_proof_passes_the_work_done_and_up_to_k_downstream_calls_left_in_flight():
    assert passes(burst())
    assert passes(burst(answered=21, seen=21 + P.connections))  # wrk stopped with K in flight


@pytest.mark.parametrize(
    "case",
    [
        {"answer": b'{"item": 7}'},  # a wrong body
        {"bad": 1},  # one response not 200, or not the first one's body
        {"seen": 19},  # a downstream call missing
        {"seen": 20 + P.connections + 1},  # more downstream calls than requests could make
        {"answered": 19, "seen": 19},  # wrk stopped (its time bound) before all were answered
        {"errors": 1},  # a reset, timeout or refused connection
    ],
)
def test_the_proof_fails(case):
    assert not passes(burst(**case))


def test_the_ideal_is_waves_of_l_over_k_connections():
    assert wl.ideal_s({"requests": 300, "connections": 32, "latency_ms": 10}, 1.0, 2, 0.0) == 0.1
    assert wl.ideal_s({"requests": 300, "connections": 32, "latency_ms": 0}, 1.0, 2, 0.0) is None


def test_threads_per_process_hold_all_k_connections():
    assert dataclasses.replace(P, connections=32, workers=2).threads == 16
    assert dataclasses.replace(P, connections=32, workers=3).threads == 11


def test_serve_cells_are_na_with_their_reason(facts, monkeypatch):
    cell = Cell("serve", "subinterpreters", "default", {})
    assert "no maintained server" in unavailable(cell, facts)
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert unavailable(Cell("serve", "sync", "default", {}), facts) == wl.NO_WRK
