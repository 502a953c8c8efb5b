"""free-threading: the threads model's code (imported from it), on a build without the GIL: a
pair is two threads and two `queue.Queue`s. No GIL is handed over, but each wait first spins on
its `threading.Lock` (see threads.py). Refuses to run with the GIL on.
"""

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
