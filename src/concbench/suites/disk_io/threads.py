"""threads: a `ThreadPoolExecutor` of `workers` running the same per-file function.

File reads and writes release the GIL while the kernel works, so threads overlap the system calls
even with the GIL; the Python around them still takes turns. The files' bytes are built in setup;
each file is read back and hashed in the pool thread that wrote it.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial

from .workload import Params, Run, one_file, prepare


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    prepare(p)
    with ThreadPoolExecutor(p.workers) as pool:
        yield lambda: list(pool.map(partial(one_file, p), range(p.files)))
