"""trio: hypercorn's trio worker, one process, the ASGI app fetching through httpx on trio.

hypercorn --worker-class trio --workers 1 app:asgi_httpx
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ._load import Call, served
from ._servers import hypercorn_trio
from .workload import Params


@contextmanager
def setup(p: Params) -> Iterator[Call]:
    with served(p, hypercorn_trio()) as call:
        yield call
