"""gevent: `subprocess.run` in a `gevent.pool.Pool(C)` of greenlets, plain blocking code.

The cell worker monkey-patches the stdlib first, so `subprocess` is gevent's: a greenlet waiting
on its child's pipes yields to the hub, and the hub reaps the children (a libev child watcher, on
SIGCHLD). gevent's `Popen` starts a child with a full `os.fork()`, not the stdlib's vfork, and
runs Python in the child up to the exec. Unpatched, every child would block the hub and the
greenlets would take turns, so the model refuses to run that way.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from gevent import monkey
from gevent.pool import Pool

from .workload import Params, Run, accounted, run_child


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    if not monkey.is_module_patched("subprocess"):
        raise RuntimeError("subprocess is not monkey-patched: its children would block the hub")
    pool = Pool(p.concurrency)
    try:
        yield accounted(p, lambda: pool.map(partial(run_child, p), range(p.children)))
    finally:
        pool.kill()
