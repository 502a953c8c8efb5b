"""free-threading: one empty task on each thread of the long-lived crew (a queue hop each way)."""

from collections.abc import Iterator
from contextlib import contextmanager

from ..freethreaded import crew, require_gil_off
from .workload import Params, Run, nothing


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    with crew(p.workers) as each:
        yield lambda: each(nothing)
