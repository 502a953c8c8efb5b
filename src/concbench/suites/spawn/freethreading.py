"""free-threading: a thread started and joined per unit, on a build without the GIL. The same code
as the threads model (imported from it): what changes is the interpreter. Refuses to run with the
GIL on.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ..freethreaded import require_gil_off
from .threads import alive, start_join
from .workload import Params, Run

__all__ = ["alive", "setup"]


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    yield lambda: start_join(p.n)
