"""multiprocessing: `ProcessPoolExecutor`, one process per worker; two variants:

- local: each process counts its block into an int or a dict of its own (`tally`) and returns it
  (pickled back); the caller merges: the idiom, since processes share no Python objects.
- manager: one object shared for real, a `multiprocessing.Manager` Value (the counter) or dict in
  the manager's process, under a manager Lock. Every operation on a proxy is a round trip to that
  process, so `with lock: state.value += 1` is four (acquire, get, set, release). The proxies reach
  each worker once, through the pool's initializer (`attach`); each call starts from zero.

`local` makes `updates` updates a call, like every other model; `manager` makes `proxy_updates`
(a price is per update: see the workload). Every process is started in setup
(`warm`) and has built the text there (`prepare`), so neither is timed.
"""

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import repeat

from ..pools import warm
from .workload import COUNTER, Params, Run, merge, prepare, tally, text

_SHARED: dict = {}  # in each worker process: the manager's proxies, from the initializer


def attach(p: Params, state, lock) -> None:
    prepare(p)
    with lock:  # each proxy connects to the manager on first use: here, before the clock
        repr(state)
    _SHARED.update(state=state, lock=lock)


def proxied(p: Params, block: tuple[int, int]) -> None:
    state, lock = _SHARED["state"], _SHARED["lock"]
    lo, hi = block
    if p.shape == COUNTER:
        for _ in range(hi - lo):
            with lock:
                state.value += 1
    else:
        for w in text(p)[lo:hi]:
            with lock:
                state[w] = state.get(w, 0) + 1


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    blocks = p.blocks()
    if p.variant == "local":
        with ProcessPoolExecutor(len(blocks), initializer=prepare, initargs=(p,)) as pool:
            warm(pool, len(blocks))
            yield lambda: merge(p, list(pool.map(tally, repeat(p), blocks)))
        return
    with multiprocessing.Manager() as manager:
        state = manager.Value("q", 0) if p.shape == COUNTER else manager.dict()
        init = (p, state, manager.Lock())
        with ProcessPoolExecutor(len(blocks), initializer=attach, initargs=init) as pool:
            warm(pool, len(blocks))

            def run() -> int | dict[str, int]:
                if p.shape == COUNTER:
                    state.value = 0
                else:
                    state.clear()
                list(pool.map(proxied, repeat(p), blocks))
                return state.value if p.shape == COUNTER else state.copy()

            yield run
