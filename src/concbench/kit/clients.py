"""The HTTP clients the models share, so that two models differ only in the model.

Each client is opened on an origin (`http://host:port`) and gives `get(path) -> (status, body)`
(awaitable for the async ones). Keep-alive connections are opened lazily, by pyperf's warmup call,
and kept between calls, so the timed values reuse them.

Each is chosen by the variant's `client` (`Params.client`), by name; an unknown name is an error.
- blocking(): `urllib3` (the lowest own cost of the blocking clients) or `httpx` (httpx.Client);
  for sync, threads, gevent.
- async_client(): `aiohttp` (the lowest own cost on asyncio) or `httpx` (httpx.AsyncClient); for
  asyncio and the models that run an event loop per worker.
- trio_client(): `httpx` (its trio backend) or `h11` (H11Pool: h11 over trio's own streams).

None retries by itself (urllib3's own retries are off): the one retry policy is `retrying` /
`aretrying`, the same for every model: a request that answers 503 or whose connection fails (reset,
cut short) is tried again at once, at most RETRIES more times, each retry marked `attempt=k` in its
query (the mock server's faults spare retries); the last try's answer or error is what the caller gets.
"""

import asyncio
import atexit
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from typing import Any
from urllib.parse import urlsplit

TIMEOUT_S = 30.0  # per request, in every client
RETRIES = 2  # more tries of a request that answered 503 or whose connection failed
RETRY_STATUS = 503

Response = tuple[int, bytes]
Get = Callable[[str], Response]
AsyncGet = Callable[[str], Awaitable[Response]]


def origin_of(url: str) -> str:
    """`http://host:port` of a URL: what the clients are opened on (paths carry the rest)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def host_port(origin: str) -> tuple[str, int]:
    parts = urlsplit(origin)
    return parts.hostname or "127.0.0.1", parts.port or 80


def _unknown(client: str, known: tuple[str, ...]) -> ValueError:
    return ValueError(f"client {client!r}: this model opens one of {', '.join(known)}")


@contextmanager
def blocking(origin: str, client: str, connections: int) -> Iterator[Get]:
    if client == "httpx":
        import httpx

        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        with httpx.Client(base_url=origin, limits=limits, timeout=TIMEOUT_S) as session:

            def get(path: str) -> Response:
                r = session.get(path)
                return r.status_code, r.content

            yield get
    elif client == "urllib3":
        import urllib3

        host, port = host_port(origin)
        with urllib3.HTTPConnectionPool(  # retries=False: no hidden retries (`retrying` is the policy)
            host, port, maxsize=connections, block=True, timeout=TIMEOUT_S, retries=False
        ) as pool:

            def get(path: str) -> Response:
                r = pool.request("GET", path)
                return r.status, r.data

            yield get
    else:
        raise _unknown(client, ("urllib3", "httpx"))


@asynccontextmanager
async def async_client(origin: str, client: str, connections: int) -> AsyncIterator[AsyncGet]:
    if client == "httpx":
        import httpx

        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=origin, limits=limits, timeout=TIMEOUT_S) as session:

            async def get(path: str) -> Response:
                r = await session.get(path)
                return r.status_code, r.content

            yield get
    elif client == "aiohttp":
        import aiohttp

        connector = aiohttp.TCPConnector(limit=connections)
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
        async with aiohttp.ClientSession(origin, connector=connector, timeout=timeout) as session:

            async def get(path: str) -> Response:
                async with session.get(path) as r:
                    return r.status, await r.read()

            yield get
    else:
        raise _unknown(client, ("aiohttp", "httpx"))


def _transport_errors() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """(the errors of a failed connection, the timeouts among them) of the clients loaded here."""
    errors: list[type[BaseException]] = [OSError, EOFError]
    timeouts: list[type[BaseException]] = [TimeoutError]
    if urllib3 := sys.modules.get("urllib3"):
        errors.append(urllib3.exceptions.HTTPError)
        timeouts.append(urllib3.exceptions.TimeoutError)
    if httpx := sys.modules.get("httpx"):
        errors.append(httpx.TransportError)
        timeouts.append(httpx.TimeoutException)
    if aiohttp := sys.modules.get("aiohttp"):
        errors.append(aiohttp.ClientError)
    if h11 := sys.modules.get("h11"):
        errors.append(h11.ProtocolError)
    if trio := sys.modules.get("trio"):
        errors += [trio.BrokenResourceError, trio.ClosedResourceError]
    return tuple(errors), tuple(timeouts)


def transient(error: BaseException) -> bool:
    """A failed connection (reset, closed, cut short) worth another try; not a timeout."""
    errors, timeouts = _transport_errors()
    return isinstance(error, errors) and not isinstance(error, timeouts)


def attempt_path(path: str, attempt: int) -> str:
    """The path of try `attempt` (0: the first, as given; then `attempt=k` in its query)."""
    return path if attempt == 0 else f"{path}{'&' if '?' in path else '?'}attempt={attempt}"


def retrying(get: Get, path: str) -> Response:
    """GET path with the retry policy (module docstring), blocking."""
    for attempt in range(RETRIES + 1):
        try:
            response = get(attempt_path(path, attempt))
        except Exception as e:
            if attempt == RETRIES or not transient(e):
                raise
            continue
        if response[0] != RETRY_STATUS or attempt == RETRIES:
            return response
    raise AssertionError("unreachable")


async def aretrying(get: AsyncGet, path: str) -> Response:
    """GET path with the retry policy (module docstring), on an event loop (asyncio or trio)."""
    for attempt in range(RETRIES + 1):
        try:
            response = await get(attempt_path(path, attempt))
        except Exception as e:
            if attempt == RETRIES or not transient(e):
                raise
            continue
        if response[0] != RETRY_STATUS or attempt == RETRIES:
            return response
    raise AssertionError("unreachable")


class H11Pool:
    """Keep-alive HTTP/1.1 connections over trio streams: a request takes an idle connection or
    opens one, and gives it back when the response is complete."""

    def __init__(self, origin: str) -> None:
        import h11
        import trio

        self.h11, self.trio = h11, trio
        self.host, self.port = host_port(origin)
        self.idle: list[tuple[Any, Any]] = []

    async def get(self, path: str) -> Response:
        h11, trio = self.h11, self.trio
        if self.idle:
            stream, conn = self.idle.pop()
        else:
            stream, conn = await trio.open_tcp_stream(self.host, self.port), h11.Connection(h11.CLIENT)
        request = h11.Request(method="GET", target=path, headers=[("Host", f"{self.host}:{self.port}")])
        try:
            status, chunks = await self._exchange(stream, conn, request)
        except BaseException:  # a broken or abandoned connection is closed, never reused
            await trio.aclose_forcefully(stream)
            raise
        conn.start_next_cycle()
        self.idle.append((stream, conn))
        return status, b"".join(chunks)

    async def _exchange(self, stream: Any, conn: Any, request: Any) -> tuple[int, list[bytes]]:
        h11, trio = self.h11, self.trio
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
        return status, chunks

    async def aclose(self) -> None:
        for stream, _ in self.idle:
            await stream.aclose()


async def gather_limited(one: Callable[[int], Awaitable[Any]], items: Sequence[int], limit: int) -> list:
    """asyncio's fan-out: a task per item, a semaphore keeps at most `limit` in progress."""
    semaphore = asyncio.Semaphore(limit)

    async def limited(i: int) -> Any:
        async with semaphore:
            return await one(i)

    return await asyncio.gather(*(limited(i) for i in items))


class LoopWorker:
    """An event loop and an async client, kept alive between calls: asyncio's state, and that of
    each worker in the models that run a loop per thread, subinterpreter or process."""

    def __init__(
        self, origin: str, client: str, connections: int, loop_factory: Callable | None = None
    ) -> None:
        self.runner = asyncio.Runner(loop_factory=loop_factory)
        self.stack = AsyncExitStack()
        self.get = self.runner.run(self.stack.enter_async_context(async_client(origin, client, connections)))

    def run(self, main: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        """Run `main(get, *args)` on this worker's loop."""
        return self.runner.run(main(self.get, *args))

    def close(self) -> None:
        self.runner.run(self.stack.aclose())
        self.runner.close()

    def __enter__(self) -> "LoopWorker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_worker: LoopWorker | None = None  # the one LoopWorker of this subinterpreter or pool process


UNCOUNTED = "/stats"  # a mock-server path outside every run token: requests it never counts for a cell


async def open_connections(get: AsyncGet, n: int) -> None:
    """n requests at once on an uncounted path, so the client opens n keep-alive connections."""
    await asyncio.gather(*(get(UNCOUNTED) for _ in range(n)))


def start_worker(origin: str, client: str, connections: int) -> None:
    """Pool initializer: this worker's loop and client, with its `connections` open (the clients
    connect lazily, so a cold connection would otherwise land in a timed call); closed at exit."""
    global _worker
    _worker = LoopWorker(origin, client, connections)
    atexit.register(_worker.close)
    _worker.run(open_connections, connections)


def on_worker(main: Callable[..., Awaitable[Any]], *args: Any) -> Any:
    """Run `main(get, *args)` on this pool worker's loop (after `start_worker`)."""
    assert _worker is not None, "start_worker() runs first, as the pool's initializer"
    return _worker.run(main, *args)


def accelerators() -> str:
    """Which of aiohttp's compiled speed-ups this interpreter loaded, C or pure Python each (inside a
    subinterpreter aiohttp and yarl fall back to pure Python without a word)."""
    import aiohttp.http_parser as parser
    import multidict
    import yarl._quoting as quoting

    def kind(compiled: bool) -> str:
        return "C" if compiled else "pure Python"

    return ", ".join(
        (
            f"parser {kind(parser.HttpResponseParser is not parser.HttpResponseParserPy)}",
            f"yarl {kind(quoting._Quoter.__module__.endswith('_c'))}",
            f"multidict {kind(not multidict.MultiDict.__module__.endswith('_py'))}",
        )
    )


def accelerators_in(model: str) -> str:
    """`accelerators()` where the model's client runs: a fresh subinterpreter for subinterpreters."""
    if model != "subinterpreters":
        return accelerators()
    from concurrent import interpreters

    interp = interpreters.create()
    try:
        return interp.call(accelerators)
    finally:
        interp.close()


@asynccontextmanager
async def trio_client(origin: str, client: str, connections: int) -> AsyncIterator[AsyncGet]:
    """trio's client, inside a trio run: `httpx` (its native trio backend) or `h11` (the h11 pool
    over trio's own streams)."""
    if client == "h11":
        pool = H11Pool(origin)
        try:
            yield pool.get
        finally:
            await pool.aclose()
    elif client == "httpx":
        async with async_client(origin, "httpx", connections) as get:
            yield get
    else:
        raise _unknown(client, ("httpx", "h11"))
