"""sync: one request after another on one keep-alive connection, so C is 1 by nature.

Variants: default urllib3, `httpx` (httpx.Client). The baseline: its wall time is N × L plus the
client's own cost.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ..clients import blocking
from .workload import Params, Run, fetch


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with blocking(p.origin, p.client, connections=1) as get:
        yield lambda: [fetch(get, p, i) for i in range(p.requests)]
