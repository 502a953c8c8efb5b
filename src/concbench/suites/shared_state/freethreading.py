"""free-threading: one long-lived thread per worker (`crew`), on a build without the GIL; two variants:

- lock: the threads model's code (imported from it): one object, each update under one
  `threading.Lock`. The lock makes the threads take turns, and long ones: a waiter parks and the
  holder takes the lock straight back, so it changes hands once in hundreds of updates or more,
  and two threads do about what one does alone with the lock, whose `with` costs several times the
  update itself. Sharing here serialises; it is not mostly cache lines bouncing at every update.
- local: each thread counts into an int or a dict of its own (`tally`) and the caller merges them:
  nothing shared while counting, the way code written for free-threading avoids the lock.

Refuses to run with the GIL on.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from ..freethreaded import crew, require_gil_off
from .threads import shared
from .workload import Params, Run, merge, prepare, tally


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    require_gil_off()
    prepare(p)
    blocks = p.blocks()
    with crew(len(blocks)) as each:
        if p.variant == "local":
            yield lambda: merge(p, each(lambda k: tally(p, blocks[k])))
        else:
            yield shared(p, each)
