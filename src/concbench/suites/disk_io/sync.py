"""sync: one file after another with plain `open`, the baseline.

The files' bytes are built in setup; each file is hashed right after it is read back, in the one thread.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, one_file, prepare


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    prepare(p)
    yield lambda: [one_file(p, i) for i in range(p.files)]
