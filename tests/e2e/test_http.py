"""The mock server, runs against a --target and against the server concbench starts, and `concbench
server`. (The proof of concurrency's verdicts: tests/unit/test_http.py.)"""

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import sysconfig
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from concbench.host.target import serve
from concbench.servers.content import body

# How long the server holds each of the requests sent at once, so that all of them are in flight
# together: long enough on a loaded machine (12 threads' connections at load 5 spread over 200 ms).
OVERLAP_MS = 1500


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read()


def test_bodies_are_deterministic_and_sized(http_server):
    a = get(f"{http_server.url}/item/7?size=1000")
    assert a == body(7, 1000) == get(f"{http_server.url}/item/7?size=1000")
    assert len(a) == 1000 and a != body(8, 1000)
    doc = json.loads(get(f"{http_server.url}/doc/3"))
    assert doc["id"] == 3 and doc == json.loads(get(f"{http_server.url}/doc/3"))


def test_server_counts_requests_and_peak_in_flight(http_server):
    run = http_server.new_run()
    assert http_server.stats(run) == {
        "concbench": True,
        "procs": 1,
        "run": run,
        "inflight": 0,
        "max_inflight": 0,
        "requests_seen": 0,
    }
    url = f"{http_server.base(run)}/item/1?delay_ms={OVERLAP_MS}"
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(get, [url] * 10))
    get(url.replace(f"delay_ms={OVERLAP_MS}", "delay_ms=0"))
    stats = http_server.stats(run)
    assert stats["requests_seen"] == 11 and stats["max_inflight"] == 10 and stats["inflight"] == 0
    assert http_server.stats(http_server.new_run())["requests_seen"] == 0, "runs are counted apart"


def test_reuseport_processes_share_the_counters():
    with serve(procs=2) as target:
        run = target.new_run()
        url = f"{target.base(run)}/item/1?delay_ms={OVERLAP_MS}"
        with ThreadPoolExecutor(12) as pool:
            list(pool.map(get, [url] * 12))
        stats = target.stats(run)
        assert stats["procs"] == 2 and stats["requests_seen"] == 12 and stats["max_inflight"] == 12


# The runs below stop after one round (--rounds 1); what they check is
# in every round's results.
ONE_ROUND = ("--rounds", "1")
SMALL = ["--param", "requests=12", "--param", "latency_ms=10", "--param", "concurrency=4"]


def read_rows(out) -> dict[tuple[str, str], dict]:
    with (out / "results.csv").open() as f:
        return {(r["model"], r["variant"]): r for r in csv.DictReader(f)}


def rows_but_httpcores_race(proc, out) -> dict[tuple[str, str], dict]:
    """A run's rows, none failed, except threads/httpx on a free-threaded build with httpcore's race:
    HTTP11Connection.has_expired checks `_expire_at is not None` and then compares it, while another
    thread may set it to None in between; without the GIL that fires now and then. The cell fails with
    that error (no number), which is right, and is left out; any other failure fails the test."""
    rows = read_rows(out)
    racy = rows.get(("threads", "httpx"), {})
    if sysconfig.get_config_var("Py_GIL_DISABLED") and racy.get("status") == "failed":
        assert racy["reason"].startswith("TypeError: '>' not supported"), racy["reason"]
        del rows[("threads", "httpx")]
    else:
        assert proc.returncode == 0, proc.stderr[-2000:]
    assert all(r["status"] != "failed" for r in rows.values()), [r["reason"] for r in rows.values()]
    return rows


def test_run_against_a_concbench_target(http_server, concbench, tmp_path):
    out = tmp_path / "res"
    args = ["run", "--workload", "http_fanout", "--model", "threads", *SMALL, *ONE_ROUND]
    proc = concbench(*args, "--target", http_server.url, "--out", str(out))
    rows = rows_but_httpcores_race(proc, out)
    for key in [("sync", "default"), ("threads", "default"), ("threads", "httpx")]:
        if key not in rows:
            continue
        r = rows[key]
        assert r["status"] == "ok", r
        assert int(r["requests_seen"]) == int(r["calls"]) * 12
        assert 1 <= int(r["max_inflight"]) <= 4
        assert float(r["lat_p50_ms"]) >= 10 and float(r["cpu_ms_per_request"]) > 0
    assert rows[("threads", "httpx")]["client"] == "httpx"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["server"]["url"] == http_server.url and manifest["server"]["capacity"]["req_per_s"] > 0


class Foreign(BaseHTTPRequestHandler):
    """Not a concbench server: answers any GET with a body derived from its path."""

    protocol_version = "HTTP/1.1"  # keep-alive, as clients expect

    def do_GET(self) -> None:
        data = hashlib.sha256(self.path.split("?")[0].encode()).hexdigest().encode() * 4
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def foreign_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Foreign, bind_and_activate=False)
    server.request_queue_size = 256  # the default backlog of 5 drops connections under load
    server.server_bind()
    server.server_activate()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_run_against_a_foreign_target(foreign_server, concbench, tmp_path):
    out = tmp_path / "res"
    args = ["run", "--workload", "http_fanout", "--model", "asyncio", *SMALL, *ONE_ROUND]
    proc = concbench(*args, "--target", foreign_server, "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    for r in read_rows(out).values():
        assert r["status"] == "ok" and r["digest_ok"] == "True", r
        assert r["requests_seen"] == "" and r["max_inflight"] == "", "no counts from a foreign server"


def test_server_command_serves_until_ctrl_c():
    proc = subprocess.Popen(
        [sys.executable, "-m", "concbench", "server"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = proc.stdout.readline().split()[0]
        assert url.startswith("http://127.0.0.1:")
        assert json.loads(get(f"{url}/stats"))["concbench"] is True
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 0, proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def own_server_run(tmp_path_factory, concbench):
    """One run on the mock server concbench starts: threads, asyncio and subinterpreters (n/a before
    3.14), hundreds of requests a call, one round."""
    out = tmp_path_factory.mktemp("own") / "run"
    args = ("run", "--workload", "http_fanout", "--model", "threads", "--model", "asyncio")
    args += ("--model", "subinterpreters", "--param", "requests=300", "--param", "concurrency=30")
    args += ("--param", "latency_ms=1", *ONE_ROUND, "--out", str(out))
    return out, concbench(*args, timeout=300)


def test_the_servers_own_cpu_is_recorded_per_cell(own_server_run):
    """With the mock server concbench starts, each HTTP cell records the server's CPU per call."""
    out, proc = own_server_run
    rows_but_httpcores_race(proc, out)
    with (out / "results.csv").open() as f:
        rows = [r for r in csv.DictReader(f) if r["workload"] == "http_fanout" and r["status"] == "ok"]
    assert rows and all(float(r["server_cpu_s"]) >= 0 for r in rows), "a figure for every cell"
    assert sum(float(r["server_cpu_s"]) for r in rows) > 0, "hundreds of requests cost the server CPU"


@pytest.mark.skipif(sys.version_info < (3, 14), reason="subinterpreters: 3.14+")
def test_the_client_column_says_which_accelerators_ran(own_server_run):
    """aiohttp imports in a subinterpreter but runs its pure-Python parser and yarl there: measured
    per cell where the client runs, and written in the client column."""
    from concbench.kit.clients import accelerators, accelerators_in

    assert accelerators().startswith("parser C, yarl C")
    assert accelerators_in("subinterpreters").startswith("parser pure Python, yarl pure Python")
    out, proc = own_server_run
    rows_but_httpcores_race(proc, out)
    clients = {key: r["client"] for key, r in read_rows(out).items()}
    assert "[parser pure Python" in clients[("subinterpreters", "default")]
    assert "[parser C" in clients[("asyncio", "default")]
    assert "[" not in clients[("sync", "default")], "urllib3 has nothing to report"


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="pinning needs 2 CPUs")
def test_server_cpus_pin_the_server_and_leave_the_rest_to_the_cells(concbench, tmp_path):
    cpus = sorted(os.sched_getaffinity(0))
    out = tmp_path / "pinned"
    args = ("run", "--workload", "http_fanout", "--model", "threads", "--param", "requests=8")
    args += ("--param", "concurrency=4", *ONE_ROUND, "--server-cpus", str(cpus[-1]))
    proc = concbench(*args, "--out", str(out), timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    params = json.loads((out / "manifest.json").read_text())["params"]
    assert params["server_cpus"] == [cpus[-1]] and params["cells_cpus"] == cpus[:-1]
    with (out / "results.csv").open() as f:
        assert {r["cores"] for r in csv.DictReader(f)} == {str(len(cpus) - 1)}, "cells know their cores"
