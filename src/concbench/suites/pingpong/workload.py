"""Params and reference of the ping-pong workload: the price of a hop between two workers. Both
ends of a pair are in `_pair`.

Timed: each of `pairs` (K) pingers does `round_trips` (R) round trips with its own echo unit, all K
pairs at once. The echo units are the model's other unit (a thread, a task, a greenlet, an
interpreter, a process), started in setup and alive for the whole cell; the pingers are the
caller's side: the caller's own tasks or greenlets on its loop, or the caller's threads (a warm
pool of K) for the models whose echo units are threads, interpreters or processes; sync calls the
echo's function. The price is µs per round trip (`units` = K·R per call): with K = 1 the latency of
one round trip, with K > 1 the aggregate cost per round trip of K pairs at once, 1 / their combined
rate (below the K = 1 figure only where pairs really overlap).

Proof: pair k's pinger starts from token k and sends back what came back; echo unit k answers
`_pair.answer(x, k)`, so each pair's last token is the R-th step of a chain of its own, which the
reference computes in closed form. A missing, extra or crossed round trip gives another number.
"""

from collections.abc import Callable
from dataclasses import dataclass

from concbench.workloads import DEFAULT, Kind, Variant, Workload

from ._pair import A, M

# The same round trips per call in every case, shared among the pairs (R per pair). Quick: a call
# takes ~10 ms for the fastest concurrent models (asyncio, gevent: ~3-4 µs a round trip) and up to
# ~0.5 s for the slowest that are not heavy (threads on 3.14t, multiprocessing.Queue: 0.1-0.2 ms).
QUICK = [{"round_trips": 3000, "heavy_round_trips": 15, "pairs": 1}]  # K > 1: --full (the quick budget)
FULL = [
    {"round_trips": 10000, "heavy_round_trips": 80, "pairs": 1},
    {"round_trips": 5000, "heavy_round_trips": 40, "pairs": 2},
    {"round_trips": 1250, "heavy_round_trips": 10, "pairs": 8},  # more pairs than cores
]
# An interpreters queue's blocking get() polls every 10 ms (see subinterpreters.py): a round trip
# there costs ~10 ms, so subinterpreters do heavy_round_trips (0.3 s a quick call).
HEAVY = {"subinterpreters"}

Run = Callable[[], list[int]]  # the last token of each pair, in pair order


@dataclass(frozen=True)
class Params:
    round_trips: int
    heavy_round_trips: int
    pairs: int
    workers: int  # unused: the pairs are this workload's own dimension
    variant: str = DEFAULT
    model: str = ""  # given by the runner: heavy models do fewer round trips

    @property
    def n(self) -> int:
        """Round trips per pair in one call."""
        return self.heavy_round_trips if self.model in HEAVY else self.round_trips


def reference(p: Params) -> list[int]:
    """Pair k's token after n steps of x -> A·x + (k+1) mod M from x = k, in closed form:
    A^n·k + (k+1)·(A^n - 1)/(A - 1) mod M (not the step-by-step loop the models run)."""
    an = pow(A, p.n, M)
    inverse = pow(A - 1, -1, M)
    return [(an * k + (k + 1) * (an - 1) * inverse) % M for k in range(p.pairs)]


def units(params: dict[str, int], model: str, variant: str = "") -> int:
    """Round trips per call, all pairs together (the same rule as `Params.n`)."""
    return params["pairs"] * Params(**params, model=model).n


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> None:
    """A price has no ideal: it is reported in µs per round trip."""
    return None


WORKLOAD = Workload(
    "pingpong",
    "K pairs pass a token back and forth R times: µs per round trip (a hop there and back)",
    quick=QUICK,
    full=FULL,
    variants={
        "sync": (Variant(about="a function call"),),
        "threads": (Variant(about="queue.Queue between threads"),),
        "asyncio": (Variant(about="asyncio.Queue"), Variant("event", about="asyncio.Event", quick=False)),
        "trio": (Variant(about="trio memory channels, buffer 1"),),
        "gevent": (Variant(about="gevent.queue.Queue"),),
        "freethreading": (Variant(about="queue.Queue between threads, no GIL"),),
        "subinterpreters": (Variant(about="interpreters queue between interpreters"),),
        "multiprocessing": (
            Variant(about="multiprocessing.Pipe"),
            Variant("queue", about="multiprocessing.Queue", quick=False),
        ),
    },
    ideal_s=ideal_s,
    tiny={"round_trips": 50, "heavy_round_trips": 3, "pairs": 2, "workers": 2},
    units=units,
    unit="round trip",
    kind=Kind.PRICE,
)
