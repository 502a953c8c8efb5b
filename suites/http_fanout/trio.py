"""trio: a nursery with a task per request and a `trio.CapacityLimiter(C)`.

Variants: default h11 over trio streams (trio's own sockets, a small keep-alive connection pool,
the HTTP/1.1 state machine httpx itself runs on, without httpx's per-request overhead); `httpx`
(httpx.AsyncClient, which picks its native trio backend). trio has no loop outside `trio.run`, so
one trio run lives in a background thread for the whole cell (`anyio`'s blocking portal) and keeps
the connections open between calls.
"""

import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import h11
import trio
from anyio.from_thread import start_blocking_portal

from ._clients import AsyncGet
from .workload import TIMEOUT_S, Fetched, Params, Run, fetched


class H11Pool:
    """Keep-alive HTTP/1.1 connections: a request takes an idle one or opens one, then gives it back."""

    def __init__(self, p: Params) -> None:
        self.p = p
        self.idle: list[tuple[trio.SocketStream, h11.Connection]] = []

    async def get(self, i: int) -> Fetched:
        t0 = time.perf_counter()
        host, port = self.p.host_port
        stream, conn = self.idle.pop() if self.idle else (await trio.open_tcp_stream(host, port), None)
        conn = conn or h11.Connection(h11.CLIENT)
        request = h11.Request(method="GET", target=self.p.path(i), headers=[("Host", f"{host}:{port}")])
        with trio.fail_after(TIMEOUT_S):
            await stream.send_all(conn.send(request) + conn.send(h11.EndOfMessage()))
            status, chunks = 0, []
            while not isinstance(event := conn.next_event(), h11.EndOfMessage):
                if event is h11.NEED_DATA:
                    conn.receive_data(await stream.receive_some(65536))
                elif isinstance(event, h11.Response):
                    status = event.status_code
                elif isinstance(event, h11.Data):
                    chunks.append(event.data)
        conn.start_next_cycle()
        self.idle.append((stream, conn))
        return fetched(status, b"".join(chunks), t0)

    async def aclose(self) -> None:
        for stream, _ in self.idle:
            await stream.aclose()


@asynccontextmanager
async def client(p: Params) -> AsyncIterator[AsyncGet]:
    if p.variant == "httpx":
        import httpx

        limits = httpx.Limits(max_connections=p.concurrency, max_keepalive_connections=p.concurrency)
        async with httpx.AsyncClient(limits=limits, timeout=TIMEOUT_S) as c:

            async def get(i: int) -> Fetched:
                t0 = time.perf_counter()
                r = await c.get(p.item_url(i))
                return fetched(r.status_code, r.content, t0)

            yield get
    else:
        pool = H11Pool(p)
        try:
            yield pool.get
        finally:
            await pool.aclose()


async def fan_out(get: AsyncGet, p: Params) -> list[Fetched]:
    results: list[Fetched] = [("", 0.0)] * p.requests
    limiter = trio.CapacityLimiter(p.concurrency)

    async def one(i: int) -> None:
        async with limiter:
            results[i] = await get(i)

    async with trio.open_nursery() as nursery:
        for i in range(p.requests):
            nursery.start_soon(one, i)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with (
        start_blocking_portal("trio") as portal,
        portal.wrap_async_context_manager(client(p)) as get,
    ):
        yield lambda: portal.call(fan_out, get, p)
