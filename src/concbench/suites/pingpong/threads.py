"""threads: a pair is two threads and two `queue.Queue`s, one each way. Each echo unit is a thread
started in setup; the pingers are the caller's threads, one per pair in a warm
`ThreadPoolExecutor`, all pairs at once. A thread waiting for a token waits in `Condition.wait`,
on a `threading.Lock`.

Under the GIL the waiter sleeps at once (a futex), and a hop is a wakeup plus the GIL handed over
(the sender blocks in its own `get` right away, so the switch interval never comes into it). On a
free-threaded build a contended `threading.Lock` first yields the CPU 40 times (`sched_yield`)
before it sleeps, and in 3.14 that spin never rereads the lock, so every wait pays all 40 yields
(CPython gh-135871; main changed it in gh-146064). Which costs more depends on the cores: with a
core each, the spinning waiter never sleeps, so no hop waits for an idle core to wake up (3.14t
cheaper); sharing a core, the two threads yield to each other 40 times a hop (3.14t dearer).
"""

import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from ..pools import warm
from ._pair import echo, ping
from .workload import Params, Run


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    pairs = [(queue.Queue(), queue.Queue(), k) for k in range(p.pairs)]
    echoes = [threading.Thread(target=echo, args=pair, name=f"echo-{pair[2]}") for pair in pairs]
    for t in echoes:
        t.start()
    try:
        with ThreadPoolExecutor(p.pairs) as pool:
            warm(pool, p.pairs)
            yield lambda: list(pool.map(lambda pair: ping(*pair, p.n), pairs))
    finally:
        for inbox, _, _ in pairs:
            inbox.put(None)
        for t in echoes:
            t.join()
