"""The mock server's faults, decided by (i, attempt) alone, and the bounds of the one retry policy every
model uses. (Served, and retried by each client: tests/e2e/test_server_faults.py.)"""

import statistics

import pytest

from concbench.kit.clients import RETRIES, retrying
from concbench.servers.faults import BadQuery, fails_first, fault_plan

FAULTY = {"fail503": "0.2", "reset": "0.2"}


def test_the_plan_is_a_function_of_i_and_attempt():
    query = {"dist": "lognormal", "delay_ms": "20", "p99x": "10", **FAULTY}
    assert [fault_plan(i, 0, query) for i in range(200)] == [
        fault_plan(i, 0, dict(query)) for i in range(200)
    ]
    failing = [i for i in range(2000) if fails_first(i, query)]
    assert 600 < len(failing) < 840, "about 1 - 0.8 * 0.8 of the first tries"
    assert not any(
        fault_plan(i, a, query).status == 503 or fault_plan(i, a, query).reset
        for i in failing
        for a in (1, 2)
    )


def test_lognormal_has_the_tail_it_was_asked_for():
    query = {"dist": "lognormal", "delay_ms": "20", "p99x": "10"}
    delays = sorted(fault_plan(i, 0, query).delay_s for i in range(20000))
    median, p99 = statistics.median(delays), delays[int(0.99 * len(delays))]
    assert 0.018 < median < 0.022 and 8 < p99 / median < 12
    exp = [fault_plan(i, 0, {"dist": "exp", "delay_ms": "20"}).delay_s for i in range(20000)]
    assert 0.018 < statistics.mean(exp) < 0.022
    assert {fault_plan(i, 0, {"delay_ms": "20"}).delay_s for i in range(50)} == {0.02}


def test_bad_fault_parameters_are_refused():
    for query in ({"dist": "zipf"}, {"p99x": "0.5"}, {"fail503": "-0.1"}, {"trickle_ms": "x"}):
        with pytest.raises(BadQuery):
            fault_plan(1, 0, query)


def test_the_retries_are_bounded():
    tries: list[str] = []

    def always(status):
        def get(path: str):
            tries.append(path)
            if status is None:
                raise ConnectionResetError("reset")
            return status, b""

        return get

    assert retrying(always(503), "/item/1?x=1") == (503, b"")
    assert tries == ["/item/1?x=1", "/item/1?x=1&attempt=1", "/item/1?x=1&attempt=2"][: RETRIES + 1]
    tries.clear()
    with pytest.raises(ConnectionResetError):
        retrying(always(None), "/item/1")
    assert len(tries) == RETRIES + 1
    tries.clear()
    assert retrying(always(500), "/item/1") == (500, b"") and len(tries) == 1, "only 503 is retried"

    def slow(path: str):
        tries.append(path)
        raise TimeoutError

    tries.clear()
    with pytest.raises(TimeoutError):
        retrying(slow, "/item/1")
    assert len(tries) == 1, "a timeout is not retried"
