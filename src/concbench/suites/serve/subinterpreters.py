"""subinterpreters: n/a. No maintained server runs its workers in subinterpreters (gunicorn,
uvicorn, hypercorn and granian fork processes or start threads; 2026-12), and concbench does not
write its own server: the cells say so (`WORKLOAD.not_applicable`)."""

from collections.abc import Iterator
from contextlib import contextmanager

from ._load import Call
from .workload import Params


@contextmanager
def setup(p: Params) -> Iterator[Call]:
    raise NotImplementedError(__doc__)
    yield
