"""What the free-threading models share: one long-lived thread per worker, and the GIL checks.

`crew(count)` starts the threads in setup, as a pool would be, so a timed call pays for handing work
to running threads (a queue each), not for starting them: the same fixed cost as ThreadPoolExecutor.
"""

import queue
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Each = Callable[[Callable[[int], Any]], list[Any]]


def require_gil_off() -> None:
    """Refuse to run the free-threading model with the GIL on: its numbers would mean nothing."""
    if getattr(sys, "_is_gil_enabled", lambda: True)():  # before 3.13 there is always a GIL
        raise RuntimeError("the GIL is enabled: free-threading needs a free-threaded build with it off")


@contextmanager
def crew(count: int) -> Iterator[Each]:
    """`count` threads for the cell's life; yields `each(work)`: runs `work(k)` on thread k, all at
    once, and returns the results in order. A worker's exception is raised in the caller (the first
    one, with its type and message) after every thread has finished; it also fails if the GIL came
    back meanwhile (an extension module can switch it back on)."""
    inboxes: list[queue.SimpleQueue] = [queue.SimpleQueue() for _ in range(count)]
    done: queue.SimpleQueue = queue.SimpleQueue()

    def serve(k: int) -> None:
        while (work := inboxes[k].get()) is not None:
            try:
                done.put((k, work(k), None))
            except BaseException as e:  # re-raised in the caller's thread
                done.put((k, None, e))

    threads = [threading.Thread(target=serve, args=(k,), name=f"concbench-crew-{k}") for k in range(count)]
    for t in threads:
        t.start()

    def each(work: Callable[[int], Any]) -> list[Any]:
        for box in inboxes:
            box.put(work)
        results: list[Any] = [None] * count
        errors = []
        for _ in range(count):
            k, result, error = done.get()
            results[k] = result
            if error is not None:
                errors.append(error)
        if errors:
            raise errors[0]
        if sys._is_gil_enabled():
            raise RuntimeError("the GIL was re-enabled during the run")
        return results

    try:
        yield each
    finally:
        for box in inboxes:
            box.put(None)
        for t in threads:
            t.join()
