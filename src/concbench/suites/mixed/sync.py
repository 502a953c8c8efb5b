"""sync: one item after another, fetch → transform → write, on one keep-alive connection (urllib3)."""

from collections.abc import Iterator
from contextlib import contextmanager

from ..clients import blocking
from .workload import Params, Run, item


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with blocking(p.origin, p.client, connections=1) as get:
        yield lambda: [item(get, p, i) for i in range(p.requests)]
