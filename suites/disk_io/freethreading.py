"""free-threading: one thread per core, each writing, reading and deleting its own share of the
files (every `workers`-th one), no queue and no lock. Refuses to run with the GIL on.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ..freethreaded import one_thread_each, require_gil_off
from ..partition import interleave, merge
from .workload import Params, Run, share


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    shares = interleave(p.files, p.workers)
    yield lambda: merge(one_thread_each(lambda k: share(p, shares[k]), len(shares)), p.files)
