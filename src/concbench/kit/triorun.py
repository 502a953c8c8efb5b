"""One trio run for a cell's whole life, as asyncio's `Runner` is: the fixed cost of starting trio is
paid once, in setup, not in every timed call.

trio has no runner object: a run lives inside `trio.run`. anyio's blocking portal keeps one alive
in a thread of its own and lets the cell's thread call into it (one thread hop there and back per
call, which the null workload measures).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from anyio.from_thread import start_blocking_portal


@contextmanager
def trio_runner() -> Iterator[Callable[..., Any]]:
    """Yields `call(afn, *args)`: runs `await afn(*args)` in the long-lived trio run, returns its result."""
    with start_blocking_portal("trio") as portal:
        yield portal.call
