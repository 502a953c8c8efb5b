"""The mock server's faults, served, and the one retry policy every model uses, against it. (The plan of
faults, decided by (i, attempt) alone, and the retries' bounds: tests/unit/test_server_faults.py.)"""

import asyncio
import json
import urllib.error
import urllib.request

import pytest

from concbench.kit.clients import aretrying, retrying
from concbench.servers.content import body, document
from concbench.servers.faults import fault_plan
from concbench.suites import clients

FAULTY = {"fail503": "0.2", "reset": "0.2"}


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def first(pred, n: int = 1000) -> int:
    return next(i for i in range(n) if pred(i))


def test_first_tries_fail_as_planned_and_retries_succeed(http_server):
    run = http_server.new_run()
    i = first(lambda i: fault_plan(i, 0, {"fail503": "0.5"}).status == 503)
    ok = first(lambda i: fault_plan(i, 0, {"fail503": "0.5"}).status == 200)
    base = f"{http_server.base(run)}/item"
    assert status_of(f"{base}/{i}?fail503=0.5") == 503
    assert status_of(f"{base}/{i}?fail503=0.5&attempt=1") == 200
    assert status_of(f"{base}/{ok}?fail503=0.5") == 200
    assert http_server.stats(run)["requests_seen"] == 3


def test_trickled_body_arrives_whole(http_server):
    with urllib.request.urlopen(f"{http_server.url}/item/5?size=1000&trickle_ms=5", timeout=30) as r:
        assert r.read() == body(5, 1000)


BLOCKING = ["urllib3", "httpx"]
ASYNC = ["aiohttp", "httpx"]
TRIO = ["h11", "httpx"]


def reset_index() -> int:
    return first(lambda i: fault_plan(i, 0, {"reset": "0.5"}).reset)


@pytest.mark.parametrize("client", BLOCKING)
def test_a_reset_is_retried_by_the_blocking_clients(http_server, client):
    run, i = http_server.new_run(), reset_index()
    path = f"/r/{run}/item/{i}?reset=0.5&size=5000"
    with clients.blocking(http_server.url, client, 2) as get:
        with pytest.raises(Exception) as e:
            get(path)
        assert clients.transient(e.value)
        assert retrying(get, path) == (200, body(i, 5000))
    assert http_server.stats(run)["requests_seen"] == 3, "the bare try, then a reset and its retry"


@pytest.mark.parametrize("client", ASYNC)
def test_a_reset_is_retried_by_the_asyncio_clients(http_server, client):
    run, i = http_server.new_run(), reset_index()
    path = f"/r/{run}/item/{i}?reset=0.5&size=5000"

    async def main() -> tuple[int, bytes]:
        async with clients.async_client(http_server.url, client, 2) as get:
            return await aretrying(get, path)

    assert asyncio.run(main()) == (200, body(i, 5000))
    assert http_server.stats(run)["requests_seen"] == 2


@pytest.mark.parametrize("client", TRIO)
def test_a_reset_is_retried_by_the_trio_clients(http_server, client):
    trio = pytest.importorskip("trio")
    run, i = http_server.new_run(), reset_index()
    path = f"/r/{run}/item/{i}?reset=0.5&size=5000"

    async def main() -> tuple[int, bytes]:
        async with clients.trio_client(http_server.url, client, 2) as get:
            return await aretrying(get, path)

    assert trio.run(main) == (200, body(i, 5000))
    assert http_server.stats(run)["requests_seen"] == 2


def fanout_params(url: str, client: str):
    from concbench.suites.http_fanout import workload as wl

    case = {"requests": 40, "concurrency": 8, "latency_ms": 5, "size": 200, "faults": 1}
    return wl, case, wl.Params(**case, workers=2, client=client, url=url)


@pytest.mark.parametrize(
    "model,client", [("sync", "urllib3"), ("threads", "httpx"), ("asyncio", "aiohttp"), ("trio", "h11")]
)
def test_fanout_faults_case_matches_reference_and_server_count(http_server, model, client):
    import importlib

    run = http_server.new_run()
    wl, case, p = fanout_params(http_server.base(run), client)
    assert wl.requests_per_call(case) > case["requests"], "some first tries fail"
    module = importlib.import_module(f"concbench.suites.http_fanout.{model}")
    with module.setup(p) as call:
        results = call()
    assert wl.verifiable(results) == wl.reference(p)
    assert http_server.stats(run)["requests_seen"] == wl.requests_per_call(case)


@pytest.mark.parametrize(
    "model,variant,client", [("sync", "default", "urllib3"), ("asyncio", "offloaded", "aiohttp")]
)
def test_mixed_faults_case_matches_reference_and_server_count(http_server, tmp_path, model, variant, client):
    import importlib

    from concbench.suites.mixed import workload as wl

    run = http_server.new_run()
    case = {"requests": 30, "concurrency": 6, "latency_ms": 5, "span": 20, "faults": 1}
    p = wl.Params(
        **case, workers=2, variant=variant, client=client, url=http_server.base(run), dir=str(tmp_path)
    )
    assert wl.requests_per_call(case) > case["requests"]
    with importlib.import_module(f"concbench.suites.mixed.{model}").setup(p) as call:
        results = call()
    assert wl.verifiable(results) == wl.reference(p)
    assert http_server.stats(run)["requests_seen"] == wl.requests_per_call(case)


def test_doc_bodies_are_unchanged(http_server):
    with urllib.request.urlopen(f"{http_server.url}/doc/4", timeout=30) as r:
        assert r.headers["Content-Type"].startswith("application/json")
        assert json.loads(r.read()) == document(4)
