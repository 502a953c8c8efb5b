"""The web app every server runs: one endpoint, the same logic under WSGI and ASGI.

Each request fetches `/item/{ITEM}` from the mock server (the database or API behind a real
endpoint, held L ms there), does `work` units of pure-Python CPU work on its body (cpu_bound's unit:
trial division, seeded by the body) and answers a small JSON document. `/_health` answers without
the downstream call: the server is up, and whether its process has the GIL on.

The servers import this module in their own processes; the cell's load driver says what to do
through one environment variable (`CONFIG`), read at import.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

from concbench.suites.cpu_bound.workload import BASE, count_primes

CONFIG = "CONCBENCH_SERVE"  # JSON: {"downstream": URL of the item, "work": units, "pool": connections}
HEALTH = "/_health"
ITEM = 7  # the item every request asks the downstream for
_config = json.loads(os.environ.get(CONFIG, '{"downstream": "", "work": 0, "pool": 10}'))
DOWNSTREAM: str = _config["downstream"]
WORK: int = _config["work"]
POOL: int = _config["pool"]  # a WSGI worker's downstream connections
JSON = [(b"content-type", b"application/json")]


def answer(data: bytes, work: int) -> bytes:
    """The response to one request, from the downstream's body: its digest and the primes in a range
    of `work` numbers that the digest picks (pure Python, holding the GIL where there is one)."""
    digest = hashlib.sha256(data).hexdigest()
    lo = BASE + int(digest[:4], 16) * 2
    primes = count_primes((lo, lo + work)) if work else 0
    return json.dumps({"item": ITEM, "bytes": len(data), "sha256": digest, "primes": primes}).encode()


def health() -> bytes:
    return json.dumps({"gil": getattr(sys, "_is_gil_enabled", lambda: True)(), "pid": os.getpid()}).encode()


def _failed(status: int) -> bytes:
    return json.dumps({"downstream_status": status}).encode()


# WSGI: gunicorn's sync, gthread and gevent workers. One urllib3 pool per worker process (made after
# gunicorn forks it: the app is imported in each worker), as large as its threads.

_pool = None


def _get() -> tuple[int, bytes]:
    global _pool
    if _pool is None:
        import urllib3

        _pool = urllib3.PoolManager(maxsize=POOL)
    r = _pool.request("GET", DOWNSTREAM, retries=False)
    return r.status, r.data


def wsgi(environ: dict, start_response) -> list[bytes]:
    if environ.get("PATH_INFO") == HEALTH:
        body = health()
    else:
        status, data = _get()
        if status != 200:
            start_response("502 Bad Gateway", [("Content-Type", "application/json")])
            return [_failed(status)]
        body = answer(data, WORK)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


# ASGI: one client for the process's life, opened and closed by the lifespan protocol. asyncio
# servers (uvicorn) fetch through aiohttp, trio's (hypercorn) through httpx on trio.


def _asgi(client):
    """An ASGI app around `client()`: an async context manager yielding `get(url) -> (status, body)`."""
    state: dict = {}

    async def app(scope: dict, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    state["cm"] = client()
                    state["get"] = await state["cm"].__aenter__()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await state.pop("cm").__aexit__(None, None, None)
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["path"] == HEALTH:
            status, body = 200, health()
        else:
            code, data = await state["get"](DOWNSTREAM)
            status, body = (200, answer(data, WORK)) if code == 200 else (502, _failed(code))
        headers = [*JSON, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


class _Aiohttp:
    async def __aenter__(self):
        import aiohttp

        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

        async def get(url: str) -> tuple[int, bytes]:
            async with self.session.get(url) as r:
                return r.status, await r.read()

        return get

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()


class _Httpx:
    async def __aenter__(self):
        import httpx

        limits = httpx.Limits(max_connections=None, max_keepalive_connections=100)
        self.client = httpx.AsyncClient(limits=limits)

        async def get(url: str) -> tuple[int, bytes]:
            r = await self.client.get(url)
            return r.status_code, r.content

        return get

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()


asgi_aiohttp = _asgi(_Aiohttp)
asgi_httpx = _asgi(_Httpx)


def aiohttp_web():
    """The same app on aiohttp.web (an asyncio server of its own), one ClientSession for its life."""
    import aiohttp
    from aiohttp import web

    async def session(app: web.Application):
        app["get"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        yield
        await app["get"].close()

    async def handle(request: web.Request) -> web.Response:
        if request.path == HEALTH:
            return web.Response(body=health(), content_type="application/json")
        async with request.app["get"].get(DOWNSTREAM) as r:
            code, data = r.status, await r.read()
        status, body = (200, answer(data, WORK)) if code == 200 else (502, _failed(code))
        return web.Response(status=status, body=body, content_type="application/json")

    app = web.Application()
    app.cleanup_ctx.append(session)
    app.router.add_get("/{path:.*}", handle)
    return app
