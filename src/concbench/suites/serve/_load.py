"""The serve cells' driver: a model's server on a socket bound here, wrk against it, each call proved.

`served(p, server)` binds 127.0.0.1:0, starts the server's command on that descriptor (so the port
is never guessed and nothing else can take it), waits for `/_health`, and yields the timed call:
one run of wrk (`-t1`, K connections, `Connection: close`) until `requests` are answered, then
SIGINT (wrk's own way to stop early and print its summary). Outside the clock each call's proof
drains the app and the mock server and reads the mock's count of downstream calls, and takes the CPU
each side used and the server's memory. Drained means: no connection to the app is still open or
waiting to be accepted, the mock holds no call, and QUIET polls in a row saw no new call. (A quiet
mock alone is not enough: an event loop busy with the CPU work of the requests wrk left behind
reaches the downstream call of the last of them 150 ms and more later, and that call was counted in
the next call's proof, above its bound.) The server runs in this worker's process group: whatever
ends the cell (the end of setup, a timeout, the runner's death) ends the server with it.

wrk's latencies are closed-loop: a stalled server delays the requests it would have been sent, so
they hide the queue (coordinated omission). And wrk stops at `requests` answered with up to K - 1
still in flight, which its latencies leave out: a stall of the server delays every connection and
shows in the max, one slow request at the very end may not. Latency at a fixed offered rate is a
later step.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from concbench.worker.usage import EXTRA, pss, tcp_connections

from ._app import CONFIG, HEALTH
from .workload import NO_WRK, Burst, Params

Call = Callable[[], Burst]  # what a model's setup yields: one timed run of wrk
BACKLOG = 1024
START_S = 60.0  # a server that does not answer its health check by then fails the cell
STOP_S = 5.0  # after SIGTERM, then SIGKILL for the whole tree
LIMIT_S = 120  # wrk's own bound (-d) should the requests never be answered
DRAIN_S, POLL_S, QUIET = 10.0, 0.05, 3  # the mock server is drained once QUIET polls see no change

# wrk's script: one thread (-t1) counts answers; at `requests` it says so and stops; `done` prints
# its counts and latencies as JSON, then the first body. Every response must be 200 and that body.
SCRIPT = r"""
wrk.headers["Connection"] = "close"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) target = tonumber(args[1]); got = 0; bad = 0 end
function response(status, headers, body)
  got = got + 1
  if first == nil and status == 200 then first = body end
  if status ~= 200 or body ~= first then bad = bad + 1 end
  if got == target then io.write("answered\n"); io.flush(); wrk.thread:stop() end
end
function done(summary, latency, requests)
  local bad, first = 0, ""
  for _, t in ipairs(threads) do bad = bad + t:get("bad"); first = t:get("first") or first end
  local e = summary.errors
  io.write(string.format('{"answered":%d,"bad":%d,"errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d}\n', summary.requests, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
  io.write(first, "\n")
end
"""


@dataclass(frozen=True)
class Server:
    """How a model's server is started: `argv` with `{fd}` for the listening socket; `workers` the
    processes that serve (memory per worker is over the largest `workers` of its tree)."""

    argv: tuple[str, ...]
    workers: int
    about: str  # what results.csv's `server` metric says: "gunicorn 23.0.0 sync, 2 workers"


def _cpu_s(procs: list[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        with suppress(psutil.Error):
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def _tree(pid: int) -> list[psutil.Process]:
    with suppress(psutil.Error):
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    return []


def _listener(port: int) -> int | None:
    """The pid of the process listening on loopback `port` (the mock server), if this user may see it."""
    with suppress(psutil.Error):
        for c in psutil.net_connections(kind="tcp"):
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port and c.pid:
                return c.pid
    return None


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


class Mock:
    """The mock server's side of a cell: its count of the cell's downstream calls, and its CPU."""

    def __init__(self, p: Params) -> None:
        self.stats = f"{p.origin}/stats?run={urlsplit(p.url).path.rsplit('/', 1)[-1]}"
        self.seen = self._counts()[0]
        self.pid = _listener(urlsplit(p.origin).port or 80)

    def _counts(self) -> tuple[int, int]:
        answer = _get_json(self.stats)
        return answer["requests_seen"], answer["inflight"]

    def cpu_s(self) -> float:
        return _cpu_s(_tree(self.pid)) if self.pid else 0.0

    def drained(self, app_open: Callable[[], int]) -> int:
        """The downstream calls since the last time, once the app has no connection open
        (`app_open`), none is in flight here and QUIET polls in a row saw no new one: the server
        has finished what wrk left in flight."""
        from concbench.worker.verify import VerificationFailed

        deadline, quiet, last = time.monotonic() + DRAIN_S, 0, -1
        while time.monotonic() < deadline:
            seen, inflight = self._counts()
            busy = inflight or seen != last or app_open()  # the app's sockets: read only when quiet here
            quiet = quiet + 1 if not busy else 0
            if quiet == QUIET:
                calls, self.seen = seen - self.seen, seen
                return calls
            last = seen
            time.sleep(POLL_S)
        busy = (
            f"{inflight} calls in flight at the mock server"
            if inflight
            else f"{app_open()} connections open to the app"
        )
        raise VerificationFailed(f"still busy {DRAIN_S:g} s after wrk stopped: {busy}")


OPEN = {psutil.CONN_ESTABLISHED, psutil.CONN_SYN_RECV, psutil.CONN_CLOSE_WAIT}


def _open_to(port: int, server: int) -> int:
    """Connections to 127.0.0.1:`port` that the app has not closed, those still waiting to be
    accepted included (they belong to no process: only the whole system's table has them; where that
    needs root, macOS, the server's own)."""
    try:
        conns = psutil.net_connections(kind="tcp")
    except psutil.AccessDenied:
        conns = [c for proc in _tree(server) for c in tcp_connections(proc)]
    return sum(1 for c in conns if c.laddr and c.laddr[:2] == ("127.0.0.1", port) and c.status in OPEN)


def _pss_mb(procs: list[psutil.Process], workers: int) -> tuple[float, float]:
    """(mean PSS of the `workers` largest processes, PSS of the whole tree), in MB."""
    sizes = [pss(proc) / 2**20 for proc in procs]
    largest = sorted(sizes, reverse=True)[:workers]
    return (sum(largest) / len(largest) if largest else 0.0), sum(sizes)


def _wait_ready(proc: subprocess.Popen, url: str, log: Path) -> dict:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"the server exited ({proc.returncode}): {' | '.join(tail)}")
        with suppress(OSError, ValueError):
            return _get_json(url + HEALTH.lstrip("/"))
        time.sleep(0.05)
    raise RuntimeError(f"the server did not answer {HEALTH} within {START_S:g} s")


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM (each server's graceful stop), then SIGKILL for whatever of its tree is left."""
    tree = _tree(proc.pid)
    proc.terminate()
    with suppress(subprocess.TimeoutExpired):
        proc.wait(STOP_S)
    for child in tree:
        with suppress(psutil.Error):
            child.kill()
    with suppress(subprocess.TimeoutExpired):
        proc.wait(STOP_S)


@contextmanager
def served(p: Params, server: Server, gil_off: bool = False) -> Iterator[Call]:
    """Yield the timed call against `server` running the app for `p` (see the module's docstring)."""
    wrk = shutil.which("wrk")
    if not wrk:
        raise RuntimeError(NO_WRK)
    config = {"downstream": p.downstream, "work": p.work, "pool": p.connections}
    env = {**os.environ, CONFIG: json.dumps(config)}
    with tempfile.TemporaryDirectory(prefix="concbench-serve-") as tmp:
        script, log = Path(tmp) / "burst.lua", Path(tmp) / "server.log"
        script.write_text(SCRIPT)
        with socket.create_server(("127.0.0.1", 0), backlog=BACKLOG) as sock:
            port = sock.getsockname()[1]
            url = f"http://127.0.0.1:{port}/"
            argv = [a.replace("{fd}", str(sock.fileno())) for a in server.argv]
            with log.open("wb") as err:
                proc = subprocess.Popen(
                    argv, pass_fds=(sock.fileno(),), env=env, stdout=subprocess.DEVNULL, stderr=err
                )
        try:
            health = _wait_ready(proc, url, log)
            if gil_off and health["gil"]:
                raise RuntimeError("the server's process has the GIL on: not a free-threaded server")
            mock = Mock(p)
            EXTRA["server"] = server.about
            argv = [wrk, "-t1", f"-c{p.connections}", f"-d{LIMIT_S}s", "--timeout", "10s", "-s", str(script)]
            argv += [url, "--", str(p.requests)]

            def call() -> Burst:
                app_cpu0, mock_cpu0 = _cpu_s(_tree(proc.pid)), mock.cpu_s()
                reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as w:
                    assert w.stdout
                    for line in w.stdout:  # wrk's banner first, then the script's word
                        if line == b"answered\n":
                            w.send_signal(signal.SIGINT)
                            break
                    wall = time.perf_counter() - t0
                    report = w.stdout.read().split(b"\n")
                now = resource.getrusage(resource.RUSAGE_CHILDREN)
                at = next(i for i, line in enumerate(report) if line.startswith(b'{"answered"'))
                counts, body = json.loads(report[at]), report[at + 1]
                wrk_cpu = now.ru_utime + now.ru_stime - reaped.ru_utime - reaped.ru_stime

                def downstream() -> int:
                    calls = mock.drained(lambda: _open_to(port, proc.pid))
                    tree = _tree(proc.pid)
                    per = max(calls, 1) / 1000
                    EXTRA["app_cpu_ms"] = (_cpu_s(tree) - app_cpu0) / per
                    EXTRA["mock_cpu_ms"] = (mock.cpu_s() - mock_cpu0) / per
                    EXTRA["pss_worker_mb"], EXTRA["pss_total_mb"] = _pss_mb(tree, server.workers)
                    return calls

                EXTRA["req_per_s"] = counts["answered"] / wall
                EXTRA["wrk_core"] = wrk_cpu / wall
                for name in ("p50", "p90", "p99", "max"):
                    EXTRA[f"lat_{name}_ms"] = counts[f"{name}_us"] / 1000
                return Burst(
                    counts["answered"],
                    counts["bad"],
                    counts["errors"],
                    body,
                    p.requests,
                    p.connections,
                    downstream,
                )

            yield call
        finally:
            _stop(proc)
