"""Params, the text, the local count and the reference of the shared-state workload (a price).

Two shapes, `shape` (params are ints):
- COUNTER (0): n increments of one counter in all, each worker its share of them;
- WORDS (1): the words of a generated text counted into one dict, each worker a block of the text.
  Word i is drawn from a 40-word vocabulary by a cheap rule of i, skewed like a real text ("the" is
  16 % of it), so a few keys are hot. The 40 words are interned, hence immortal on 3.14t: a text
  of 40 mortal objects read by every thread would make their reference counts the hottest shared
  state of all (two threads counting locally ran slower than one), which a real text, one object
  per occurrence, does not have.

Every model does the same update statement per item, `total += 1` or `counts[w] = counts.get(w, 0)
+ 1`, in pure Python (`Counter(words)` would count in C and measure something else); what differs
is where the state lives and what protects it: one object under a lock (threads, free-threading
`lock`), one object and no lock (asyncio, trio, gevent: one thread, no switch between the read and
the write), counts local to each worker merged by the caller (sync's one loop, free-threading
`local`, subinterpreters, multiprocessing), or a `multiprocessing.Manager` proxy (`manager`).

A price (µs per update, `units`): `multiprocessing/manager` makes `proxy_updates` updates per
call, every other cell `updates`, because each of its manager updates is four IPC round trips (lock,
get, set, unlock). Not timed: building the text (`prepare`, in setup or in each pool
worker's initializer) and the reference. The results are the final counts: the counter's value, or
the dict as sorted items, against a closed form or `collections.Counter` over the words.
"""

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from concbench.workloads import Kind, Variant, Workload

COUNTER, WORDS = 0, 1
QUICK = [{"updates": 500_000, "proxy_updates": 1_000, "shape": WORDS}]  # sync ~20 ms; the counter: --full
FULL = [
    {"updates": 4_000_000, "proxy_updates": 3_000, "shape": COUNTER},
    {"updates": 2_000_000, "proxy_updates": 3_000, "shape": WORDS},
]
PROXIED = ("multiprocessing", "manager")  # the (model, variant) that makes proxy_updates updates
_WORDS = """the of and to a in is it you that he was for on are with as I his they be at one have this
from or had by hot word but what some we can out other were all"""
VOCAB = tuple(sys.intern(w) for w in _WORDS.split())  # immortal on 3.14t: reading them is not sharing

State = int | dict[str, int]  # the final counts: the counter's value, or the counts by word
Run = Callable[[], State]


@dataclass(frozen=True)
class Params:
    updates: int
    proxy_updates: int
    shape: int
    workers: int
    variant: str = "default"
    model: str = ""  # given by the runner: multiprocessing/manager makes proxy_updates updates

    @property
    def n(self) -> int:
        return self.proxy_updates if (self.model, self.variant) == PROXIED else self.updates

    def blocks(self) -> list[tuple[int, int]]:
        """(lo, hi) per worker: the items [lo, hi), contiguous, sizes within one of each other."""
        w = max(1, min(self.workers, self.n))
        return [(k * self.n // w, (k + 1) * self.n // w) for k in range(w)]


def word(i: int) -> str:
    """Word i of the text: a multiplicative hash of i, squared, so low ranks come up most often."""
    h = (i * 2654435761) & 0xFFFF
    return VOCAB[len(VOCAB) * h * h >> 32]


_TEXTS: dict[int, list[str]] = {}  # per process: what `prepare` built


def prepare(p: Params) -> None:
    """Build the text in this process, once, before the clock (setup, pool initializer)."""
    if p.shape == WORDS and p.n not in _TEXTS:
        _TEXTS[p.n] = [word(i) for i in range(p.n)]


def text(p: Params) -> list[str]:
    """The text as `prepare` built it; a KeyError if it did not, rather than build it timed."""
    return _TEXTS[p.n]


def tally(p: Params, block: tuple[int, int]) -> State:
    """The items of `block` counted into state of this worker's own: the unshared update loop."""
    lo, hi = block
    if p.shape == COUNTER:
        total = 0
        for _ in range(hi - lo):
            total += 1
        return total
    counts: dict[str, int] = {}
    for w in text(p)[lo:hi]:
        counts[w] = counts.get(w, 0) + 1
    return counts


def merge(p: Params, parts: list[State]) -> State:
    """The caller's merge of the workers' local counts."""
    if p.shape == COUNTER:
        return sum(parts)
    total: Counter[str] = Counter()
    for part in parts:
        total.update(part)
    return total


def verifiable(state: State) -> list:
    """What is checked: the counter's value, or every word's count in word order."""
    return [state] if isinstance(state, int) else sorted(state.items())


def reference(p: Params) -> list:
    """The closed form for the counter; for the words, `Counter` over the rule, not over the text."""
    return [p.n] if p.shape == COUNTER else sorted(Counter(map(word, range(p.n))).items())


def units(params: dict[str, int], model: str, variant: str) -> int:
    """Updates per call of a cell (the same rule as `Params.n`)."""
    return Params(**params, model=model, variant=variant).n


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> None:
    """A price has no ideal: it is reported per update."""
    return None


LOCAL = "local counts, merged"

WORKLOAD = Workload(
    "shared_state",
    "W workers update one counter or one dict of word counts: under a lock, unlocked, or local + merge",
    quick=QUICK,
    full=FULL,
    variants={
        "sync": (Variant(about="one loop, a local count"),),
        "threads": (Variant("lock", about="one object, threading.Lock"),),
        "asyncio": (Variant(about="one object, no lock: tasks"),),
        "trio": (Variant(about="one object, no lock: tasks"),),
        "gevent": (Variant(about="one object, no lock: greenlets"),),
        "freethreading": (
            Variant("lock", about="one object, threading.Lock"),
            Variant("local", about=LOCAL),
        ),
        "subinterpreters": (Variant("local", about=LOCAL),),
        "multiprocessing": (
            Variant("local", about=LOCAL),
            Variant("manager", about="Manager proxies + Lock (proxy_updates)"),
        ),
    },
    ideal_s=ideal_s,
    units=units,
    unit="update",
    kind=Kind.PRICE,
    tiny={"updates": 3_000, "proxy_updates": 40, "shape": WORDS, "workers": 2},
)
