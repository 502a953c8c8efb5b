"""The mock HTTP server (aiohttp), with its own count of what each run sent it.

    GET  /r/{run}/item/{i}?delay_ms=&size=&status=   waits delay_ms, returns `size` bytes derived
                                             from i (status: 200, or the error to answer with)
    GET  /r/{run}/doc/{i}?delay_ms=          waits delay_ms, returns a JSON document derived from i
    POST /runs                               a fresh run token: {"run": k}
    GET  /stats?run=k                        {"requests_seen", "max_inflight", "inflight", ...} of run k
    GET  /marks?run=k                        every request of run k: [i, start, end, how] (`Marks`)

A cell gets its own run token and puts it in the path, so the server's counters prove how many
requests the cell really sent and how many were in flight at once, and its marks when each
request started and ended, and how (the failure workload counts leaks by them). Listens on 127.0.0.1, port 0;
with --procs N, N processes share the port (SO_REUSEPORT) and the counters (shared memory).
`python -m concbench.servers.mockhttp` prints its URL on the first line, then serves until SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .content import body, document

SLOTS = 1024  # run tokens are recycled modulo this
FIELDS = 3  # inflight, max_inflight, requests_seen
MARKED_RUNS = 64  # the marks of this many recent runs are kept
MARKS_PER_RUN = 4096  # and at most this many requests of each


class Counters:
    """Per-run counters in shared memory, so every server process counts into the same place."""

    def __init__(self, shared: Any = None) -> None:
        self.arr = shared if shared is not None else multiprocessing.Array("q", 1 + SLOTS * FIELDS)

    def _slot(self, run: int) -> int:
        return 1 + (run % SLOTS) * FIELDS

    def new_run(self) -> int:
        with self.arr.get_lock():
            run = self.arr[0] = self.arr[0] + 1
            s = self._slot(run)
            self.arr[s : s + FIELDS] = [0] * FIELDS
        return run

    def enter(self, run: int) -> None:
        s = self._slot(run)
        with self.arr.get_lock():
            self.arr[s] += 1
            self.arr[s + 1] = max(self.arr[s + 1], self.arr[s])
            self.arr[s + 2] += 1

    def leave(self, run: int) -> None:
        with self.arr.get_lock():
            self.arr[self._slot(run)] -= 1

    def stats(self, run: int) -> dict[str, int]:
        s = self._slot(run)
        with self.arr.get_lock():
            inflight, peak, seen = self.arr[s : s + FIELDS]
        return {"run": run, "inflight": inflight, "max_inflight": peak, "requests_seen": seen}


class Marks:
    """When each request of a run started and ended (`time.monotonic()`, the clock every process on
    the machine shares) and how it ended: `done` (answered 200), `error` (answered with another
    status) or `dropped` (the client went away first: its task cancelled, its process killed).
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


def app(counters: Counters, procs: int) -> web.Application:
    marks = Marks()

    async def counted(request: web.Request, respond, status: int = 200) -> web.StreamResponse:
        run = int(request.match_info.get("run", 0))
        mark = marks.start(run, int(request.match_info["i"]))
        counters.enter(run)
        try:
            await asyncio.sleep(int(request.query.get("delay_ms", 0)) / 1000)
            mark[3] = "done" if status == 200 else "error"
            return respond(int(request.match_info["i"])) if status == 200 else web.Response(status=status)
        except asyncio.CancelledError:  # the client went away (handler_cancellation)
            mark[3] = "dropped"
            raise
        finally:
            mark[2] = time.monotonic()
            counters.leave(run)

    async def item(request: web.Request) -> web.StreamResponse:
        size = int(request.query.get("size", 1024))
        status = int(request.query.get("status", 200))
        return await counted(request, lambda i: web.Response(body=body(i, size)), status)

    async def doc(request: web.Request) -> web.StreamResponse:
        return await counted(request, lambda i: web.json_response(document(i)))

    async def runs(request: web.Request) -> web.StreamResponse:
        return web.json_response({"run": counters.new_run()})

    async def stats(request: web.Request) -> web.StreamResponse:
        run = int(request.query.get("run", 0))
        return web.json_response({"concbench": True, "procs": procs, **counters.stats(run)})

    async def marked(request: web.Request) -> web.StreamResponse:
        run = int(request.query.get("run", 0))
        return web.json_response({"procs": procs, "marks": marks.runs.get(run, [])})

    application = web.Application()
    application.add_routes(
        [
            web.get("/r/{run:\\d+}/item/{i:\\d+}", item),
            web.get("/item/{i:\\d+}", item),
            web.get("/r/{run:\\d+}/doc/{i:\\d+}", doc),
            web.get("/doc/{i:\\d+}", doc),
            web.post("/runs", runs),
            web.get("/stats", stats),
            web.get("/marks", marked),
        ]
    )
    return application


def listening_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def loop_factory():
    """uvloop when it is installed (recorded by the runner), else asyncio's default loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def serve(sock: socket.socket, counters: Counters, procs: int) -> None:
    async def main() -> None:
        runner = web.AppRunner(  # handler_cancellation: a request whose client is gone ends at once
            app(counters, procs), access_log=None, handle_signals=False, handler_cancellation=True
        )
        await runner.setup()
        await web.SockSite(runner, sock).start()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(main())


def _child(port: int, shared: Any, procs: int) -> None:
    serve(listening_socket(port), Counters(shared), procs)


def announce_json(info: dict) -> None:
    print(json.dumps(info), flush=True)


def main(argv: list[str] | None = None, announce: Callable[[dict], None] = announce_json) -> None:
    ap = argparse.ArgumentParser(prog="concbench.servers.mockhttp", description=__doc__)
    ap.add_argument("--procs", type=int, default=1, help="server processes sharing the port")
    ap.add_argument("--port", type=int, default=0, help="default 0: any free port")
    args = ap.parse_args(argv)
    sock = listening_socket(args.port)
    port = sock.getsockname()[1]
    counters = Counters()
    children = [
        multiprocessing.Process(target=_child, args=(port, counters.arr, args.procs), daemon=True)
        for _ in range(args.procs - 1)
    ]
    try:
        for child in children:
            child.start()
        factory = loop_factory()
        info = {
            "url": f"http://127.0.0.1:{port}",
            "procs": args.procs,
            "loop": "uvloop" if factory else "asyncio",
        }
        announce(info)
        serve(sock, counters, args.procs)
    finally:
        for child in children:
            child.terminate()
            child.join(5)


if __name__ == "__main__":
    sys.exit(main())
