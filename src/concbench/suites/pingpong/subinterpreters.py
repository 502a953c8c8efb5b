"""subinterpreters (3.14+): a pair is an echo interpreter and two interpreters queues
(`interpreters.create_queue()`), one each way; the token is an int, which a queue shares without
pickling. Each echo interpreter is created in setup and runs its loop in a thread of its own
(`call_in_thread`); the pingers are the caller's threads, one per pair in a warm
`ThreadPoolExecutor` (as for threads), all pairs at once. One round trip per pair before the clock:
every echo loop is running, with `_pair` imported (`echo` uses a global, so it is pickled by
reference; `_pair` imports nothing of the harness).

A blocking `Queue.get()` does not sleep on a lock: it polls, `time.sleep(10 ms)` between tries
(CPython 3.14, concurrent/interpreters/_queues.py), so a round trip costs about one poll, 10 ms,
whatever the machine (the queue itself is fast: polling `get_nowait()` in a busy loop, a round trip
took ~4 µs here, for a core burnt on each side). Hence `heavy_round_trips` for this model.
"""

from collections.abc import Iterator
from concurrent import interpreters
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from ._pair import echo, ping
from .workload import Params, Run


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    pairs = [(interpreters.create_queue(), interpreters.create_queue(), k) for k in range(p.pairs)]
    interps = [interpreters.create() for _ in pairs]
    echoes = [interp.call_in_thread(echo, *pair) for interp, pair in zip(interps, pairs, strict=True)]
    try:
        with ThreadPoolExecutor(p.pairs) as pool:
            warm(pool, p.pairs)
            list(pool.map(lambda pair: ping(*pair, 1), pairs))
            yield lambda: list(pool.map(lambda pair: ping(*pair, p.n), pairs))
    finally:
        for inbox, _, _ in pairs:
            inbox.put(None)
        for t in echoes:
            t.join()
        for interp in interps:
            interp.close()
