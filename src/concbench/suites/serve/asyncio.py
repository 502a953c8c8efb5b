"""asyncio: uvicorn, one process, a plain ASGI app fetching through aiohttp.

    uvicorn --workers 1 app:asgi_aiohttp

One event loop holds every connection; the CPU work runs on it, inline, as an async app's JSON
rendering does. Variant `httpx` (full): the downstream through httpx, trio's client, so that
asyncio and trio can be compared on the same client.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ._load import Call, served
from ._servers import uvicorn
from .workload import Params


@contextmanager
def setup(p: Params) -> Iterator[Call]:
    with served(p, uvicorn(1, "httpx" if p.variant == "httpx" else "aiohttp")) as call:
        yield call
