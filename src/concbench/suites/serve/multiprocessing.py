"""multiprocessing: W forked workers of the asyncio server, "fork out to W web workers".

    uvicorn --workers W app:asgi_aiohttp

uvicorn's supervisor starts W processes that accept on the same socket, each an event loop.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ._load import Call, served
from ._servers import uvicorn
from .workload import Params


@contextmanager
def setup(p: Params) -> Iterator[Call]:
    with served(p, uvicorn(p.workers)) as call:
        yield call
