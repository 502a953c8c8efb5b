"""free-threading: the threads model's code (`ThreadPoolExecutor(workers).map`, each free thread
taking the next item) on a build without the GIL: same code, no GIL. Refuses to run with the GIL
on, and fails the cell if it came back during the work (an extension module can switch it on)."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from ..freethreaded import require_gil_off
from . import threads
from .workload import Params, Run


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()

    def checked(run: Run) -> list:
        results = run()
        if sys._is_gil_enabled():
            raise RuntimeError("the GIL was re-enabled during the run")
        return results

    with threads.setup(p) as run:
        yield lambda: checked(run)
