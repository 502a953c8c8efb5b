"""free-threading: one long-lived thread per core (started in setup, like a pool), each writing,
reading and deleting its own share of the files (every `workers`-th one), no queue and no lock.
Refuses to run with the GIL on.

The files' bytes are built in setup; each file is read back and hashed in the thread that wrote it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ..freethreaded import crew, require_gil_off
from ..partition import interleave, merge
from .workload import Params, Run, prepare, share


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    prepare(p)
    shares = interleave(p.files, p.workers)
    with crew(len(shares)) as each:
        yield lambda: merge(each(lambda k: share(p, shares[k])), p.files)
