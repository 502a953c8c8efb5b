"""gevent: the per-file function in `gevent.threadpool.ThreadPool(workers)`.

Monkey-patching does not make file I/O cooperative: a read or write blocks the hub and every other
greenlet. gevent's answer is its native thread pool, which runs blocking calls off the hub and wakes
the waiting greenlet when they finish (gevent's FileObjectThread does the same, file by file).
The files' bytes are built in setup; each file is read back and hashed in the pool thread.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from gevent.threadpool import ThreadPool

from .workload import Params, Run, one_file, prepare


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    prepare(p)
    pool = ThreadPool(p.workers)
    try:
        yield lambda: pool.map(partial(one_file, p), range(p.files))
    finally:
        pool.kill()
