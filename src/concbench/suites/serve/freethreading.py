"""free-threading: one process of K threads on a free-threaded build (3.14t).

    python3.14t -m gunicorn --worker-class gthread --workers 1 --threads K app:wsgi

The same gthread server as threads, but one process instead of W: its threads run the CPU work in
parallel. The server must keep the GIL off (its health check says), or the cell fails.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ._load import Call, served
from ._servers import gunicorn
from .workload import Params


@contextmanager
def setup(p: Params) -> Iterator[Call]:
    with served(p, gunicorn("gthread", 1, p.connections), gil_off=True) as call:
        yield call
