"""sync: one unit after another, the baseline.

Fail-fast: the failing unit's exception ends the loop, so no unit after it starts. Deadline: each
request may take what is left of it (`unit_until`: urllib3's timeout; it drops the connection when
that runs out), sync's only way to keep one. Cancel: SIGALRM raises `Cancelled` in the middle of
the request (`interrupted_after`, as Ctrl-C raises KeyboardInterrupt), and urllib3 drops the
connection.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

from .workload import Params, Result, Run, connect, interrupted_after, outcome, unit_until


def job(http, p: Params) -> list[Result]:
    end = time.monotonic() + p.deadline_s if p.deadline_ms else None
    with interrupted_after(p.cancel_ms):
        return [unit_until(http, p, i, end) for i in range(p.units)]


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with connect(p, 1) as http:
        yield lambda: outcome(p, lambda: job(http, p))
