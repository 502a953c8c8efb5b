"""asyncio: uvicorn, one process, a plain ASGI app fetching through aiohttp.

    uvicorn --workers 1 app:asgi_aiohttp

One event loop holds every connection; the CPU work runs on it, inline, as an async app's JSON
rendering does. Variants (full): `httpx`, the downstream through httpx, trio's client, so that
asyncio and trio can be compared on the same client; `aiohttp`, the app on aiohttp.web's own server.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ._load import Call, served
from ._servers import aiohttp_web, uvicorn
from .workload import Params


@contextmanager
def setup(p: Params) -> Iterator[Call]:
    servers = {"default": lambda: uvicorn(1), "httpx": lambda: uvicorn(1, "httpx"), "aiohttp": aiohttp_web}
    with served(p, servers[p.variant]()) as call:
        yield call
