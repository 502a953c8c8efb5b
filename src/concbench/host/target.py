"""The HTTP target of a run: a mock server concbench starts and stops, or a URL the user gives.

A concbench server answers `/stats` and hands out run tokens, so each cell's requests are counted by
the server itself; any other server still works, without those counts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit


class BadTarget(Exception):
    """The target URL is malformed, not on loopback, or does not answer."""


LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Target:
    url: str
    concbench: bool  # counts requests per run token (/stats)
    procs: int | None = None
    loop: str | None = None
    pid: int | None = None  # the server process, when concbench started it (its CPU is ours)

    def new_run(self) -> int | None:
        """A fresh run token for one cell (None for a foreign server)."""
        if not self.concbench:
            return None
        return _get_json(f"{self.url}/runs", method="POST")["run"]

    def stats(self, run: int) -> dict:
        return _get_json(f"{self.url}/stats?run={run}")

    def close_run(self, run: int) -> None:
        """The cell of `run` is over: the server counts its late requests as strays."""
        _get_json(f"{self.url}/runs/{run}/close", method="POST")

    def base(self, run: int | None) -> str:
        """The URL a cell's requests start with: the run token goes in the path."""
        return self.url if run is None else f"{self.url}/r/{run}"


def _get_json(url: str, method: str = "GET", timeout: float = 10) -> dict:
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=timeout) as r:
        return json.load(r)


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise BadTarget(f"--target {url}: expected http://HOST:PORT")
    if parts.hostname not in LOOPBACK:
        raise BadTarget(f"--target {url}: only loopback targets (127.0.0.1, localhost, ::1) are allowed")
    return url.rstrip("/")


def connect(url: str) -> Target:
    """A running server at `url`: a concbench one if it answers /stats as such."""
    url = check_url(url)
    try:
        info = _get_json(f"{url}/stats", timeout=5)
        if info.get("concbench"):
            return Target(url, True, info.get("procs"))
    except (urllib.error.HTTPError, json.JSONDecodeError, ValueError):
        pass  # answers, but not as a concbench server
    except (OSError, urllib.error.URLError) as e:
        raise BadTarget(f"--target {url}: does not answer ({getattr(e, 'reason', e)})") from e
    return Target(url, False)


@contextlib.contextmanager
def serve(procs: int = 1, ready_timeout: float = 30, cpus: frozenset[int] = frozenset()) -> Iterator[Target]:
    """Start the mock server in its own process, wait until it answers, stop it on the way out.
    `cpus`: pin it (and its processes) to these CPUs. It exits by itself if this process dies
    without stopping it (`--die-with-parent`: SIGKILL, a crash)."""
    cmd = [sys.executable, "-m", "concbench.servers.mockhttp", "--procs", str(procs), "--die-with-parent"]
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, preexec_fn=pin)
    try:
        info = json.loads(proc.stdout.readline() or "{}")
        if "url" not in info:
            raise RuntimeError(f"mock server did not start (exit code {proc.wait(5)})")
        deadline = time.monotonic() + ready_timeout
        while True:
            try:
                _get_json(f"{info['url']}/stats", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield Target(info["url"], True, info["procs"], info["loop"], proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def capacity(target: Target, connections: int = 64, seconds: float = 2.0) -> dict:
    """The server's throughput at zero delay: wrk when installed, else aiohttp (the cheapest client
    here). Bounded in time and in count; on a concbench server under a run token of its own."""
    url = f"{target.base(target.new_run())}/item/0?delay_ms=0&size=1024"
    if wrk := shutil.which("wrk"):
        out = subprocess.run(
            [wrk, "-t1", f"-c{connections}", f"-d{seconds:g}s", url],
            capture_output=True,
            text=True,
            timeout=seconds + 30,
        ).stdout
        found = re.search(r"Requests/sec:\s*([\d.]+)", out)
        if found:
            return {"tool": "wrk", "connections": connections, "req_per_s": float(found[1])}
    return {
        "tool": "aiohttp",
        "connections": connections,
        "req_per_s": _aiohttp_rate(url, connections, seconds),
    }


def _aiohttp_rate(url: str, connections: int, seconds: float, max_requests: int = 200_000) -> float:
    """Completed requests per second from `connections` loops of back-to-back GETs; stops at the
    deadline or after `max_requests`, and gives up on a request after 5 s."""
    import asyncio

    import aiohttp

    async def main() -> float:
        done = 0
        connector = aiohttp.TCPConnector(limit=connections)
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=5)) as s:
            start = time.perf_counter()
            deadline = start + seconds

            async def hammer() -> None:
                nonlocal done
                while time.perf_counter() < deadline and done < max_requests:
                    async with s.get(url) as r:
                        await r.read()
                    done += 1

            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with asyncio.timeout(seconds + 5):
                    await asyncio.gather(*(hammer() for _ in range(connections)))
            return done / (time.perf_counter() - start)

    return asyncio.run(main())


def foreign_reference(item_urls: list[str], workers: int = 8) -> str:
    """For a server that is not concbench's, the digest to expect: its bodies, fetched with urllib
    (the reference client), in request order."""
    from concurrent.futures import ThreadPoolExecutor

    from concbench.worker.verify import digest

    def sha(url: str) -> str:
        with urllib.request.urlopen(url, timeout=30) as r:
            return hashlib.sha256(r.read()).hexdigest()

    with ThreadPoolExecutor(workers) as pool:
        return digest(list(pool.map(sha, item_urls)))
