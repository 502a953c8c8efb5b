"""The command lines of the servers people deploy, as the serve models start them."""

from __future__ import annotations

import sys
from importlib.metadata import version
from importlib.util import find_spec

from ._load import Server

APP = "concbench.suites.serve._app"


def gunicorn(worker_class: str, workers: int, threads: int = 1) -> Server:
    """gunicorn with `workers` processes of `worker_class` (sync, gthread, gevent), `threads` each."""
    argv = (sys.executable, "-m", "gunicorn", "--bind", "fd://{fd}", "--worker-class", worker_class)
    argv += ("--workers", str(workers), "--threads", str(threads), "--no-control-socket")
    argv += ("--log-level", "warning", "--graceful-timeout", "1", f"{APP}:wsgi")
    shape = f"{workers} × {threads} threads" if threads > 1 else f"{workers} workers"
    return Server(argv, workers, f"gunicorn {version('gunicorn')} {worker_class}, {shape}")


def uvicorn(workers: int, client: str = "aiohttp") -> Server:
    """uvicorn (its default loop and HTTP parser: uvloop and httptools where installed), the app
    fetching through `client` (aiohttp or httpx); `workers` > 1: uvicorn's own `--workers` supervisor."""
    argv = (
        sys.executable,
        "-m",
        "concbench.suites.serve._launch",
        "{fd}",
        str(workers),
        f"{APP}:asgi_{client}",
    )
    parts = ", ".join(m for m in ("uvloop", "httptools") if find_spec(m)) or "asyncio, h11"
    return Server(
        argv,
        workers,
        f"uvicorn {version('uvicorn')} ({parts}), {client}, {workers} worker{'s' * (workers > 1)}",
    )


def hypercorn_trio() -> Server:
    """hypercorn's trio worker, one process, the app fetching through httpx on trio."""
    argv = (sys.executable, "-m", "hypercorn", "--bind", "fd://{fd}", "--worker-class", "trio")
    argv += ("--workers", "1", "--log-level", "warning", "--graceful-timeout", "1", f"{APP}:asgi_httpx")
    return Server(argv, 1, f"hypercorn {version('hypercorn')} trio, 1 worker")


def aiohttp_web() -> Server:
    """aiohttp's own server (aiohttp.web), one process, the app fetching through aiohttp."""
    argv = (sys.executable, "-m", "concbench.suites.serve._launch", "{fd}", "1", "aiohttp.web")
    return Server(argv, 1, f"aiohttp.web {version('aiohttp')}, 1 process")
