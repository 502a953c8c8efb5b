"""The HTTP clients the models share, so that two models differ only in the model.

- blocking(): urllib3 (lowest own cost of the blocking clients) or httpx.Client; sync, threads, gevent.
- async_client(): aiohttp (lowest own cost on asyncio) or httpx.AsyncClient; asyncio and the models
  that run an event loop per worker (free-threading, subinterpreters, multiprocessing).
Each yields `get(i) -> Fetched` (awaitable for the async ones). Keep-alive connections are opened
lazily, by pyperf's warmup call, and kept between calls, so the timed values reuse them.
"""

import asyncio
import atexit
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager

from .workload import TIMEOUT_S, Fetched, Params, fetched

Get = Callable[[int], Fetched]
AsyncGet = Callable[[int], Awaitable[Fetched]]


@contextmanager
def blocking(p: Params, connections: int) -> Iterator[Get]:
    if p.variant == "httpx":
        import httpx

        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        with httpx.Client(limits=limits, timeout=TIMEOUT_S) as client:

            def get(i: int) -> Fetched:
                t0 = time.perf_counter()
                r = client.get(p.item_url(i))
                return fetched(r.status_code, r.content, t0)

            yield get
    else:
        import urllib3

        host, port = p.host_port
        pool = urllib3.HTTPConnectionPool(host, port, maxsize=connections, block=True, timeout=TIMEOUT_S)
        with pool:

            def get(i: int) -> Fetched:
                t0 = time.perf_counter()
                r = pool.request("GET", p.path(i))
                return fetched(r.status, r.data, t0)

            yield get


@asynccontextmanager
async def async_client(p: Params, connections: int) -> AsyncIterator[AsyncGet]:
    if p.variant == "httpx":
        import httpx

        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(limits=limits, timeout=TIMEOUT_S) as client:

            async def get(i: int) -> Fetched:
                t0 = time.perf_counter()
                r = await client.get(p.item_url(i))
                return fetched(r.status_code, r.content, t0)

            yield get
    else:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=connections)
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

            async def get(i: int) -> Fetched:
                t0 = time.perf_counter()
                async with session.get(p.item_url(i)) as r:
                    return fetched(r.status, await r.read(), t0)

            yield get


async def gather_limited(get: AsyncGet, indices: Sequence[int], limit: int) -> list[Fetched]:
    """asyncio's fan-out: a task per request, a semaphore keeps at most `limit` in flight."""
    semaphore = asyncio.Semaphore(limit)

    async def one(i: int) -> Fetched:
        async with semaphore:
            return await get(i)

    return await asyncio.gather(*(one(i) for i in indices))


class LoopWorker:
    """An event loop and a client, kept alive between calls: asyncio's state, and that of each worker
    in the models that run a loop per thread, subinterpreter or process."""

    def __init__(self, p: Params, connections: int, loop_factory: Callable | None = None) -> None:
        self.runner = asyncio.Runner(loop_factory=loop_factory)
        self.stack = AsyncExitStack()
        self.get = self.runner.run(self.stack.enter_async_context(async_client(p, connections)))

    def fetch(self, indices: Sequence[int], limit: int) -> list[Fetched]:
        return self.runner.run(gather_limited(self.get, indices, limit))

    def close(self) -> None:
        self.runner.run(self.stack.aclose())
        self.runner.close()


_worker: LoopWorker | None = None  # the one LoopWorker of this subinterpreter or pool process


def start_worker(p: Params, connections: int) -> None:
    """Pool initializer: this worker's loop and client, closed when it exits."""
    global _worker
    _worker = LoopWorker(p, connections)
    atexit.register(_worker.close)


def fetch_share(indices: Sequence[int], limit: int) -> list[Fetched]:
    assert _worker is not None, "start_worker() runs first, as the pool's initializer"
    return _worker.fetch(indices, limit)
