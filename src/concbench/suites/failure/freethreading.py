"""free-threading: the threads code (`threads.setup`), with the GIL off. Refuses to run with it on."""

from collections.abc import Iterator
from contextlib import contextmanager

from ..freethreaded import require_gil_off
from . import threads
from .workload import Params, Run


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    with threads.setup(p) as run:
        yield run
