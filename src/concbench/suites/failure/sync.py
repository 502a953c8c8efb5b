"""sync: one unit after another, the baseline.

Fail-fast: the failing unit's exception ends the loop, so no unit after it starts. Deadline: each
request may take what is left of it (urllib3's timeout; it drops the connection when that runs
out). Cancel: SIGALRM raises `Cancelled` in the middle of the request (`interrupted_after`, as
Ctrl-C raises KeyboardInterrupt), and urllib3 drops the connection.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import urllib3

from .workload import Params, Result, Run, connect, interrupted_after, outcome, unit


def job(http, p: Params) -> list[Result]:
    end = time.monotonic() + p.deadline_s if p.deadline_ms else None
    results = []
    with interrupted_after(p.cancel_ms):
        for i in range(p.units):
            left = end - time.monotonic() if end else None
            try:
                if left is not None and left <= 0:
                    raise urllib3.exceptions.TimeoutError("no time left")
                results.append(unit(http, p, i, timeout=left))
            except urllib3.exceptions.TimeoutError as e:
                raise TimeoutError(f"the deadline of {p.deadline_ms} ms passed") from e
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with connect(p, 1) as http:
        yield lambda: outcome(p, lambda: job(http, p))
