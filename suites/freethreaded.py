"""What the free-threading models share: one thread per worker, and the GIL checks around them."""

import sys
import threading
from collections.abc import Callable
from typing import Any


def require_gil_off() -> None:
    """Refuse to run the free-threading model with the GIL on: its numbers would mean nothing."""
    if sys._is_gil_enabled():
        raise RuntimeError("the GIL is enabled: free-threading needs a free-threaded build with it off")


def one_thread_each(work: Callable[[int], Any], count: int) -> list[Any]:
    """Run `work(k)` for k in range(count), each in a thread of its own, all at once; results in
    order. A worker's exception is raised here, after every thread has ended (the first one, with
    its own type and message); it also fails if the GIL came back meanwhile (an extension module can
    switch it back on)."""
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            results[k] = work(k)
        except BaseException as e:  # re-raised in the caller's thread below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    if sys._is_gil_enabled():
        raise RuntimeError("the GIL was re-enabled during the run")
    return results
