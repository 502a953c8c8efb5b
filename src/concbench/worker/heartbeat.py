"""A heartbeat that asks to be woken every millisecond and records how late each wake-up was.

It runs where the model schedules its work: on the event loop for asyncio and trio (the model
opens it inside its main coroutine), as a greenlet for gevent, as a thread for the thread- and
process-based models (the cell opens those two around each call), and on each worker's own loop
where a model runs one loop per thread, interpreter or process (mixed: the workers send their lags
back and the worst worker's count). A task that blocks the loop shows up as lag: this is "blocking
the event loop" in numbers. Every heartbeat starts and stops inside the timed region.

Timer floors (README: *Scheduler lag*): idle, every mechanism wakes 0.07-0.09 ms late at the median;
at p99 0.1-0.5 ms, and 1-3 ms when the host is busy: lags under ~0.5 ms are the timer, not the model.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

PERIOD_S = 0.001
LAGS: list[float] = []  # seconds late, per tick, in this worker process (read by the usage hook)


class _Beat:
    """The schedule of one heartbeat: when the next tick is due, and how late each one was (into
    `lags`: this process's LAGS unless a worker keeps its own, to send back)."""

    def __init__(self, lags: list[float] | None = None) -> None:
        self.lags = LAGS if lags is None else lags
        self.due = time.perf_counter() + PERIOD_S

    def wait(self) -> float:
        return max(0.0, self.due - time.perf_counter())

    def tick(self) -> None:
        now = time.perf_counter()
        self.lags.append(max(0.0, now - self.due))
        self.due = now + PERIOD_S

    def close(self) -> None:
        """A tick still overdue when the work ends counts too: a loop blocked to the very end
        never gets to run its heartbeat."""
        if (now := time.perf_counter()) > self.due:
            self.lags.append(now - self.due)


@contextmanager
def on_thread() -> Iterator[None]:
    stop, beat = threading.Event(), _Beat()

    def run() -> None:
        while not stop.wait(beat.wait()):
            beat.tick()

    thread = threading.Thread(target=run, name="concbench-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        beat.close()


@contextmanager
def on_greenlet() -> Iterator[None]:
    import gevent

    beat = _Beat()

    def run() -> None:
        while True:
            gevent.sleep(beat.wait())
            beat.tick()

    greenlet = gevent.spawn(run)
    try:
        yield
    finally:
        greenlet.kill()
        beat.close()


@asynccontextmanager
async def on_asyncio(lags: list[float] | None = None) -> AsyncIterator[None]:
    import asyncio

    beat = _Beat(lags)

    async def run() -> None:
        while True:
            await asyncio.sleep(beat.wait())
            beat.tick()

    task = asyncio.create_task(run())
    try:
        yield
    finally:
        task.cancel()
        beat.close()


@asynccontextmanager
async def on_trio() -> AsyncIterator[None]:
    import trio

    beat = _Beat()

    async def run() -> None:
        while True:
            await trio.sleep(beat.wait())
            beat.tick()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(run)
        try:
            yield
        finally:
            nursery.cancel_scope.cancel()
            beat.close()


def take_worst(per_worker: list[list[float]]) -> None:
    """Workers that beat on their own loops (threads, interpreters, processes) send their lags back:
    keep the worst worker's (the highest p99), as the cell's figure is the worst scheduler's."""
    if per_worker := [lags for lags in per_worker if lags]:
        LAGS.extend(max(per_worker, key=lambda lags: sorted(lags)[int(0.99 * (len(lags) - 1))]))


AROUND = {"thread": on_thread, "greenlet": on_greenlet}  # what the cell opens; loops open their own
