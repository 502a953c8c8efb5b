"""serve's driver against fake servers: a stall shows in the latency max, the proof fails a wrong body
and a missing downstream call, and nothing the server started outlives the cell. (Every real server
serves the tiny case through the cell worker in tests/e2e/test_suites.py.)"""

from __future__ import annotations

import sys

import psutil
import pytest

from concbench.suites.serve import workload as wl
from concbench.suites.serve._load import Server, served
from concbench.worker.usage import EXTRA

# A one-thread server that answers `answer` for every request, never calling the downstream;
# "stall": it stops for 200 ms before its sixth answer, and every connection waits; "late": it calls
# the downstream for every request, but 300 ms late for the first call's leftovers (those wrk left
# behind after the 40th answer, as an event loop busy with their CPU work would), which wait in the
# backlog meanwhile.
FAKE = """
import itertools, json, os, socket, sys, time, urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from concbench.suites.serve import workload as wl
fd, mode = int(sys.argv[1]), sys.argv[2]
answer = b'{"item": 7}' if mode == "wrong" else wl.expected_body(0)
count = itertools.count()
downstream = json.loads(os.environ["CONCBENCH_SERVE"])["downstream"]

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        data = b'{"gil": false, "pid": 0}' if self.path == "/_health" else answer
        if self.path != "/_health" and mode == "stall" and next(count) == 5:
            time.sleep(0.2)
        if self.path != "/_health" and mode == "late":
            time.sleep(0.3 if 40 <= next(count) < 44 else 0)
            urllib.request.urlopen(downstream).read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass

server = HTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
server.socket = socket.socket(fileno=fd)
server.serve_forever()
"""


def fake(http_server, mode: str, calls: int = 1) -> tuple[list, dict, list[psutil.Process]]:
    """`calls` calls against the fake server: the last one's proof, the figures, and the processes
    it had."""
    run = http_server.new_run()
    p = wl.Params(requests=40, connections=4, latency_ms=0, work=0, workers=1, url=http_server.base(run))
    before = {c.pid for c in psutil.Process().children(recursive=True)}  # the mock server's
    with served(p, Server((sys.executable, "-c", FAKE, "{fd}", mode), 1, "fake")) as call:
        started = [c for c in psutil.Process().children(recursive=True) if c.pid not in before]
        for _ in range(calls):
            proof = wl.verifiable(call())
    return proof, dict(EXTRA), started


@pytest.fixture(autouse=True)
def needs_wrk():
    import shutil

    if not shutil.which("wrk"):
        pytest.skip(wl.NO_WRK)


def test_a_stall_shows_in_the_latency_max_and_the_server_is_gone_after(http_server):
    _, figures, started = fake(http_server, "stall")
    assert figures["lat_max_ms"] >= 200 > figures["lat_p50_ms"]
    assert started, "the server ran as a child of the cell"
    assert not [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_the_proof_fails_a_wrong_body_and_a_missing_downstream_call(http_server):
    reference = wl.reference(wl.Params(requests=40, connections=4, latency_ms=0, work=0, workers=1))
    right, _, _ = fake(http_server, "right")
    assert right[:4] == reference[:4], "the right body, every request answered, no error"
    assert right[4] is False, "but no downstream call: the proof fails"
    wrong, _, _ = fake(http_server, "wrong")
    assert wrong[0] != reference[0]


def test_the_drain_waits_for_the_requests_wrk_left_with_the_app(http_server):
    """The requests wrk left behind reach the downstream 300 ms apart, after the mock has been quiet
    for longer than the drain's polls: counted in the next call, they would put it above its bound."""
    proof, _, _ = fake(http_server, "late", calls=2)
    assert proof[4] is True, "the second call saw its own downstream calls, not the first's late ones"
