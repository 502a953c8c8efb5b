"""One trio run for a cell's whole life, as asyncio's `Runner` is: the fixed cost of starting trio is
paid once, in setup, not in every timed call.

trio has no runner object: a run lives inside `trio.run`. So the run lives in a thread of its own,
started in setup, and each call enters it with `trio.from_thread.run`, trio's way of calling into a
running trio from another thread (one thread hop there and back, measured by the null workload).
"""

import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import trio


@contextmanager
def trio_runner() -> Iterator[Callable[..., Any]]:
    """Yields `call(afn, *args)`: runs `await afn(*args)` in the long-lived trio run, returns its result."""
    started = threading.Event()
    token: list[trio.lowlevel.TrioToken] = []
    stop = threading.Event()

    async def main() -> None:
        token.append(trio.lowlevel.current_trio_token())
        started.set()
        await trio.to_thread.run_sync(stop.wait)  # keeps the run alive until the cell is done

    thread = threading.Thread(target=trio.run, args=(main,), name="concbench-trio", daemon=True)
    thread.start()
    started.wait()

    def call(afn: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        return trio.from_thread.run(afn, *args, trio_token=token[0])

    try:
        yield call
    finally:
        stop.set()
        thread.join()
