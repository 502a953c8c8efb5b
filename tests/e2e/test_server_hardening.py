"""The mock server, serving: it refuses bad input with a one-line 400, stays bounded, and counts strays
apart. (Its tables and its command line, in this process: tests/unit/test_server_hardening.py.)"""

import http.client
import json
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from concbench.servers.mockhttp import MARKED_RUNS, SLOTS


def answer(url: str, method: str = "GET") -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.mark.parametrize(
    "query,says",
    [
        ("/item/1?delay_ms=abc", "delay_ms"),
        ("/item/1?size=-1", "size"),
        ("/item/1?status=xyz", "status"),
        ("/item/1?size=16777217", "16777216"),
        ("/item/1?delay_ms=60001", "60000"),
        ("/item/1?status=600", "200..599"),
        ("/item/1?status=199", "200..599"),
        ("/item/1?dist=pareto", "dist"),
        ("/item/1?fail503=nan", "fail503"),
        ("/item/1?reset=2", "reset"),
        ("/item/1?attempt=-1", "attempt"),
        ("/doc/1?delay_ms=1e3", "delay_ms"),
        ("/stats?run=abc", "run"),
        ("/marks?run=-1", "run"),
    ],
)
def test_malformed_or_capped_parameters_are_a_one_line_400(http_server, query, says):
    status, text = answer(http_server.url + query)
    assert status == 400
    assert text.decode().count("\n") == 1 and says in text.decode()


def test_huge_numbers_in_the_path_are_not_found_not_a_crash(http_server):
    assert answer(f"{http_server.url}/item/{'9' * 5000}")[0] == 404
    assert answer(f"{http_server.url}/r/{'9' * 5000}/item/1")[0] == 404


def test_in_range_values_still_answer(http_server):
    assert answer(f"{http_server.url}/item/1?size=0&delay_ms=0")[1] == b""
    assert answer(f"{http_server.url}/item/1?status=599")[0] == 599


def totals(url: str) -> dict:
    return json.loads(answer(f"{url}/stats")[1])


def test_posting_runs_in_a_loop_keeps_the_tables_bounded(http_server):
    """3000 runs, each with a request: the marks keep MARKED_RUNS runs, a recycled token's counts
    are gone (404), never another run's."""
    parts = urlsplit(http_server.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    first = None
    for _ in range(3000):
        conn.request("POST", "/runs")
        run = json.loads(conn.getresponse().read())["run"]
        first = first or run
        conn.request("GET", f"/r/{run}/item/{run}?size=1")
        conn.getresponse().read()
    conn.close()
    got = totals(http_server.url)
    assert got["marked_runs"] <= MARKED_RUNS and got["slots"] == SLOTS
    assert answer(f"{http_server.url}/stats?run={first}")[0] == 404, "recycled: not the newer run's counts"
    assert json.loads(answer(f"{http_server.url}/marks?run={first}")[1])["marks"] == []
    assert http_server.stats(run)["requests_seen"] == 1


def test_a_closed_or_recycled_token_is_a_stray(http_server):
    run = http_server.new_run()
    before = totals(http_server.url)["strays"]
    assert answer(f"{http_server.base(run)}/item/1")[0] == 200
    http_server.close_run(run)
    assert answer(f"{http_server.base(run)}/item/1")[0] == 200, "a stray is still answered"
    assert answer(f"{http_server.url}/r/{run + 10 * SLOTS}/item/1")[0] == 200  # never issued
    assert http_server.stats(run)["requests_seen"] == 1, "closed: its late request is not counted"
    assert totals(http_server.url)["strays"] == before + 2
    assert answer(f"{http_server.url}/runs/{run}/close", "POST")[0] == 404


def test_warns_when_told_to_bind_beyond_loopback():
    """The process, as a user starts it (the default, loopback: tests/unit/test_server_hardening.py)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "concbench.servers.mockhttp", "--host", "0.0.0.0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        info = json.loads(proc.stdout.readline())
        assert info["url"].startswith("http://127.0.0.1:")
        assert "reachable from other machines" in proc.stderr.readline()
        assert totals(info["url"])["concbench"]
    finally:
        proc.terminate()
        proc.wait(10)
