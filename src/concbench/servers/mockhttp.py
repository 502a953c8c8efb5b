"""The mock HTTP server (aiohttp), with its own count of what each run sent it.

    GET  /r/{run}/item/{i}?delay_ms=&size=&status=   waits delay_ms, returns `size` bytes derived
                                             from i (status: 200, or the error to answer with)
    GET  /r/{run}/doc/{i}?delay_ms=          waits delay_ms, returns a JSON document derived from i
    POST /runs                               a fresh run token: {"run": k}
    POST /runs/{k}/close                     run k is over: its late requests count as strays
    GET  /stats?run=k                        {"requests_seen", "max_inflight", "inflight", ...} of run k
    GET  /stats                              the server's own: {"strays", "runs", "marked_runs", ...}
    GET  /marks?run=k                        every request of run k: [i, start, end, how] (`Marks`)

Both GETs also take the faults of `faults.py` (dist, fail503, reset, trickle_ms, attempt), decided by
(i, attempt) alone; a malformed or out-of-range parameter is a 400 with a one-line reason.

A cell gets its own run token and puts it in the path, so the server's counters prove how many
requests the cell really sent and how many were in flight at once, and its marks when each
request started and ended, and how (the failure workload counts leaks by them). A request for a
token that is closed, recycled (older than the newest SLOTS) or never issued is a stray: counted
apart, never in another run's counters. Listens on 127.0.0.1 (--host: elsewhere, with a warning),
port 0; with --procs N, N processes share the port (SO_REUSEPORT) and the counters (shared memory).
`python -m concbench.servers.mockhttp` prints its URL on the first line, then serves until
SIGTERM/SIGINT, or until its parent dies (`--die-with-parent`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from concbench.worker.lifeline import die_with_parent

from .content import body, document
from .faults import CHUNK, BadQuery, Fault, attempt_of, fault_plan, size_of

SLOTS = 1024  # run tokens are recycled modulo this (slot 0 is the token-less run 0's)
FIELDS = 5  # token, closed, inflight, max_inflight, requests_seen
HEAD = 2  # the last token issued, the strays
MARKED_RUNS = 64  # the marks of this many recent runs are kept
MARKS_PER_RUN = 4096  # and at most this many requests of each
MAX_PROCS = 64
WATCH_S = 1.0  # how often the server checks that its parent is alive
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class Counters:
    """Per-run counters in shared memory, so every server process counts into the same place. Each
    slot holds its token, so run k and k + SLOTS never share counts."""

    def __init__(self, shared: Any = None) -> None:
        self.arr = shared if shared is not None else multiprocessing.Array("q", HEAD + (SLOTS + 1) * FIELDS)

    def _slot(self, run: int) -> int:
        return HEAD + (0 if run == 0 else 1 + (run - 1) % SLOTS) * FIELDS

    def _current(self, run: int) -> bool:
        """Called under the lock: run's slot is its own and it is open."""
        s = self._slot(run)
        return self.arr[s] == run and not self.arr[s + 1]

    def new_run(self) -> int:
        with self.arr.get_lock():
            run = self.arr[0] = self.arr[0] + 1
            s = self._slot(run)
            self.arr[s : s + FIELDS] = [run, 0, 0, 0, 0]
        return run

    def close(self, run: int) -> bool:
        """Mark run closed; False when it is not current."""
        with self.arr.get_lock():
            if run == 0 or not self._current(run):
                return False
            self.arr[self._slot(run) + 1] = 1
        return True

    def enter(self, run: int) -> bool:
        """Count a request of run; a stray (False) when run is not current."""
        s = self._slot(run)
        with self.arr.get_lock():
            if not self._current(run):
                self.arr[1] += 1
                return False
            self.arr[s + 2] += 1
            self.arr[s + 3] = max(self.arr[s + 3], self.arr[s + 2])
            self.arr[s + 4] += 1
        return True

    def leave(self, run: int) -> None:
        s = self._slot(run)
        with self.arr.get_lock():
            if self.arr[s] == run:  # not if the slot went to another run meanwhile
                self.arr[s + 2] -= 1

    def stats(self, run: int) -> dict[str, int] | None:
        """The counts of run (closed or not), None when its slot is not its own."""
        s = self._slot(run)
        with self.arr.get_lock():
            token, _, inflight, peak, seen = self.arr[s : s + FIELDS]
        if token != run:
            return None
        return {"run": run, "inflight": inflight, "max_inflight": peak, "requests_seen": seen}

    def totals(self) -> dict[str, int]:
        with self.arr.get_lock():
            return {"runs": self.arr[0], "strays": self.arr[1]}


class Marks:
    """When each request of a run started and ended (`time.monotonic()`, the clock every process on
    the machine shares) and how it ended: `done` (answered 200), `error` (answered with another
    status), `reset` (its connection aborted on purpose) or `dropped` (the client went away first:
    its task cancelled, its process killed). Bounded: MARKED_RUNS runs, MARKS_PER_RUN marks each.
    This process's requests only (one server process: with --procs N each keeps its own)."""

    def __init__(self) -> None:
        self.runs: dict[int, list[list]] = {}

    def start(self, run: int, i: int) -> list:
        if run not in self.runs:
            while len(self.runs) >= MARKED_RUNS:
                del self.runs[next(iter(self.runs))]
            self.runs[run] = []
        mark = [i, time.monotonic(), None, "open"]
        if len(self.runs[run]) < MARKS_PER_RUN:
            self.runs[run].append(mark)
        return mark


def bad_request(reason: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=reason + "\n")


def run_param(request: web.Request) -> int:
    """The `run` query parameter (0 without one), or a 400."""
    raw = request.query.get("run", "0")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise bad_request(f"run={raw[:40]!r}: not a run token (a number)")
    return int(raw)


async def send(request: web.Request, data: bytes, content_type: str, fault: Fault) -> web.StreamResponse:
    """The response `fault` asks for: whole, trickled in chunks, or cut after part of the body."""
    if fault.status != 200:
        return web.Response(status=fault.status, text=f"HTTP {fault.status}\n")
    if not fault.reset and not fault.trickle_s:
        return web.Response(body=data, content_type=content_type)
    response = web.StreamResponse(headers={"Content-Type": content_type})
    response.content_length = len(data)
    await response.prepare(request)
    end = len(data) // 2 if fault.reset else len(data)
    for k in range(0, end, CHUNK):
        await response.write(data[k : min(k + CHUNK, end)])
        if fault.trickle_s:
            await asyncio.sleep(fault.trickle_s)
    if fault.reset:
        if request.transport is not None:
            request.transport.abort()
        return response
    await response.write_eof()
    return response


def app(counters: Counters, procs: int) -> web.Application:
    marks = Marks()
    Content = Callable[[int], tuple[bytes, str]]

    async def counted(request: web.Request, content: Content) -> web.StreamResponse:
        i, run = int(request.match_info["i"]), int(request.match_info.get("run", 0))
        try:
            fault = fault_plan(i, attempt_of(request.query), request.query)
            data, content_type = content(i)
        except BadQuery as e:
            raise bad_request(str(e)) from None
        if not counters.enter(run):  # a stray: answered, counted apart, never marked
            await asyncio.sleep(fault.delay_s)
            return await send(request, data, content_type, fault)
        mark = marks.start(run, i)
        try:
            await asyncio.sleep(fault.delay_s)
            mark[3] = "reset" if fault.reset else "done" if fault.status == 200 else "error"
            return await send(request, data, content_type, fault)
        except asyncio.CancelledError:  # the client went away (handler_cancellation)
            mark[3] = "dropped"
            raise
        finally:
            mark[2] = time.monotonic()
            counters.leave(run)

    async def item(request: web.Request) -> web.StreamResponse:
        try:
            size = size_of(request.query)
        except BadQuery as e:
            raise bad_request(str(e)) from None
        return await counted(request, lambda i: (body(i, size), "application/octet-stream"))

    async def doc(request: web.Request) -> web.StreamResponse:
        return await counted(request, lambda i: (json.dumps(document(i)).encode(), "application/json"))

    async def runs(request: web.Request) -> web.StreamResponse:
        return web.json_response({"run": counters.new_run()})

    async def close(request: web.Request) -> web.StreamResponse:
        run = int(request.match_info["run"])
        if not counters.close(run):
            raise web.HTTPNotFound(text=f"run {run} is not current (closed, recycled or never issued)\n")
        return web.json_response({"run": run, "closed": True})

    async def stats(request: web.Request) -> web.StreamResponse:
        if "run" not in request.query:
            own = {"marked_runs": len(marks.runs), "slots": SLOTS, **counters.totals()}
            return web.json_response({"concbench": True, "procs": procs, **own})
        run = run_param(request)
        if (counts := counters.stats(run)) is None:
            raise web.HTTPNotFound(text=f"run {run}: recycled or never issued\n")
        return web.json_response({"concbench": True, "procs": procs, **counts})

    async def marked(request: web.Request) -> web.StreamResponse:
        return web.json_response({"procs": procs, "marks": marks.runs.get(run_param(request), [])})

    application = web.Application()
    token, index = "{run:\\d{1,18}}", "{i:\\d{1,18}}"
    application.add_routes(
        [
            web.get(f"/r/{token}/item/{index}", item),
            web.get(f"/item/{index}", item),
            web.get(f"/r/{token}/doc/{index}", doc),
            web.get(f"/doc/{index}", doc),
            web.post("/runs", runs),
            web.post(f"/runs/{token}/close", close),
            web.get("/stats", stats),
            web.get("/marks", marked),
        ]
    )
    return application


def address(host: str, port: int) -> tuple[int, tuple]:
    """(family, sockaddr) to bind for host:port (OSError, socket.gaierror: it does not resolve)."""
    family, _, _, _, sockaddr = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    return family, sockaddr


def listening_socket(port: int, host: str = "127.0.0.1") -> socket.socket:
    family, sockaddr = address(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(sockaddr)
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    """The URL to reach the socket at: loopback for a wildcard address."""
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def loop_factory():
    """uvloop when it is installed (recorded by the runner), else asyncio's default loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def parent_alive() -> Callable[[], bool]:
    """Whether the parent that started this process lives: by its sentinel in a multiprocessing
    child (whatever the start method), else by the parent pid not changing."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        return parent.is_alive
    ppid = os.getppid()
    return lambda: os.getppid() == ppid


async def watch(alive: Callable[[], bool], stop: asyncio.Event) -> None:
    """Set `stop` once `alive()` turns false, checked every WATCH_S."""
    while not stop.is_set():
        await asyncio.sleep(WATCH_S)
        if not alive():
            stop.set()


def serve(
    sock: socket.socket, counters: Counters, procs: int, alive: Callable[[], bool] | None = None
) -> None:
    """Serve on `sock` until SIGTERM/SIGINT, or until `alive()` turns false."""

    async def main() -> None:
        runner = web.AppRunner(  # handler_cancellation: a request whose client is gone ends at once
            app(counters, procs), access_log=None, handle_signals=False, handler_cancellation=True
        )
        await runner.setup()
        await web.SockSite(runner, sock).start()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        watcher = asyncio.ensure_future(watch(alive, stop)) if alive else None
        try:
            await stop.wait()
        finally:
            if watcher:
                watcher.cancel()
            await runner.cleanup()

    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(main())


def _child(port: int, shared: Any, procs: int, host: str = "127.0.0.1") -> None:
    """One more server process: it dies with the first (PDEATHSIG, and its sentinel watched)."""
    die_with_parent()
    alive = parent_alive()
    if alive():
        serve(listening_socket(port, host), Counters(shared), procs, alive)


def announce_json(info: dict) -> None:
    print(json.dumps(info), flush=True)


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line on stderr (no usage), exit code 2."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _in_range(name: str, lo: int, hi: int) -> Callable[[str], int]:
    def number(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value} is out of range: {name} must be in {lo}..{hi}")
        return value

    number.__name__ = name
    return number


def parser() -> Parser:
    ap = Parser(prog="concbench.servers.mockhttp", description=__doc__)
    ap.add_argument(
        "--procs", type=_in_range("procs", 1, MAX_PROCS), default=1, help="server processes sharing the port"
    )
    ap.add_argument("--port", type=_in_range("port", 0, 65535), default=0, help="default 0: any free port")
    ap.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1: loopback only)"
    )
    ap.add_argument("--die-with-parent", action="store_true", help="exit when the parent process dies")
    return ap


def bind(ap: Parser, host: str, port: int) -> socket.socket:
    """The listening socket, or a one-line error (exit 2) when host:port cannot be listened on."""
    try:
        return listening_socket(port, host)
    except socket.gaierror as e:
        ap.error(f"--host {host}: does not resolve ({e.strerror})")
    except OSError as e:
        ap.error(f"--host {host} --port {port}: cannot listen there ({e.strerror or e})")
    raise AssertionError("unreachable")


def main(argv: list[str] | None = None, announce: Callable[[dict], None] = announce_json) -> None:
    ap = parser()
    args = ap.parse_args(argv)
    if args.die_with_parent:
        die_with_parent()
    alive = parent_alive() if args.die_with_parent else None
    sock = bind(ap, args.host, args.port)
    port = sock.getsockname()[1]
    if args.host not in LOOPBACK_HOSTS:
        print(
            f"warning: listening on {args.host} port {port}: reachable from other machines, without any "
            "authentication",
            file=sys.stderr,
            flush=True,
        )
    counters = Counters()
    children = [
        multiprocessing.Process(target=_child, args=(port, counters.arr, args.procs, args.host), daemon=True)
        for _ in range(args.procs - 1)
    ]
    try:
        for child in children:
            child.start()
        factory = loop_factory()
        info = {"url": url_of(sock), "procs": args.procs, "loop": "uvloop" if factory else "asyncio"}
        announce(info)
        serve(sock, counters, args.procs, alive)
    finally:
        for child in children:
            child.terminate()
            child.join(5)


if __name__ == "__main__":
    sys.exit(main())
