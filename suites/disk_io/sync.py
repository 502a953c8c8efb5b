"""sync: one file after another with plain `open`, the baseline."""

from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Run, one_file


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    yield lambda: [one_file(p, i) for i in range(p.files)]
