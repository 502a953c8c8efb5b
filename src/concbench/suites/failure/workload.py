"""Params, the callers, the observer and the proof of the failure workload.

"When one task fails or time runs out, does the model stop the rest, and does the error reach me?"
N units (`units`), at most C at once; a unit is a GET of `/item/i`, which the mock server answers
after L ms (`latency_ms`) with a body derived from i. One of three cases, by its params:
- fail-fast (`fail_ms`): the server answers unit 0 with HTTP 500 after fail_ms; the unit raises
  `UnitFailed("unit 0: HTTP 500")`. The event is that answer (the server's own mark).
- deadline (`deadline_ms`): the whole job has T ms, and its waves of L take longer. The event is
  the call's start + T.
- cancel (`cancel_ms`): the caller cancels the job t ms after its start, as a request abort or a
  Ctrl-C would. The event is the start + t.

Each model writes the job and its own way of ending it, as an expert in that model would, and
returns what its caller got: an `Outcome` (the results or the exception, and when).

Measured after every call, outside the clock (`verifiable`), from the server's marks of the call's
requests (when each started and ended, and whether it was answered or dropped by its client):
- stop_ms: from the event until the last sibling request ended (answered, or dropped);
- leaked: sibling requests that the server answered after the event, or that were still open 100
  ms after it (work done, or still going, that nobody will use);
- sent_after: sibling requests that reached the server after the event (even if dropped at once);
- overrun_ms: from the event until the caller got control back;
- error_surfaced: 1 when the caller got the exception that tells what happened: UnitFailed (alone
  or in an exception group) for fail-fast, a timeout for the deadline, a cancellation for cancel;
- caller_got: what the caller got, by type name;
- recover_ms (multiprocessing): making the fresh pool that replaces one it terminated, after the call;
- threads_left, procs_left, sockets_left: OS threads of the cell's process, its child processes
  and their open TCP sockets 100 ms after the event, beyond those before the call.
Each is the mean over a worker process's calls but the first (pyperf's warmup).

Proof (else the cell fails, with no timing): what the caller got is results or one of the case's
outcomes (an error of another kind, a broken pool, is no figure); every result the caller got is
unit i's body digest and the server answered that request; the server saw at least C requests (sync: 1);
fail-fast's 500 is in the marks; never more than C requests of the call were open at once; and
every request had ended within DRAIN_S. A call's requests are those that started after it began,
the previous call's having all ended (40 ms of quiet) before the next begins. The server stamps a
request's end when its handler returns, just before aiohttp writes the answer.
The marks come from one server process (`--server-procs 1`, the default).

Nothing at the top of this module may import `concbench.worker.usage` (psutil): the subinterpreters model
imports it in each of its interpreters.
"""

from __future__ import annotations

import hashlib
import json
import signal
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from statistics import fmean
from typing import NamedTuple
from urllib.parse import urlsplit

from concbench.servers.content import body
from concbench.workloads import Kind, Metric, Variant, Workload

from ..clients import host_port, origin_of

SIZE = 1024  # bytes a unit's answer carries
AFTER_S = 0.1  # "still running 100 ms later"
DRAIN_S = 5.0  # every request of a call must have ended this long after it returned
POLL_S = 0.02
QUIET = 2  # polls after the first that found every request ended and none new: 40 ms of quiet
QUICK = [  # 8 units of 100 ms, 4 at a time: two waves
    {"units": 8, "concurrency": 4, "latency_ms": 100, "fail_ms": 30},
    {"units": 8, "concurrency": 4, "latency_ms": 100, "deadline_ms": 150},
    {"units": 8, "concurrency": 4, "latency_ms": 100, "cancel_ms": 50},
]
FULL = [  # more units and waves: more work queued behind the event
    {"units": 32, "concurrency": 8, "latency_ms": 200, "fail_ms": 50},
    {"units": 32, "concurrency": 8, "latency_ms": 200, "deadline_ms": 500},
    {"units": 32, "concurrency": 8, "latency_ms": 200, "cancel_ms": 300},
]
Result = tuple[int, str]  # (unit, sha256 of its body)
Run = Callable[[], "Outcome"]


class Ended(StrEnum):
    """How the mock server says a request ended (its marks' last field)."""

    OPEN = "open"  # not ended yet
    DONE = "done"  # answered 200
    ERROR = "error"  # answered with another status (fail-fast's 500)
    RESET = "reset"  # its connection aborted on purpose
    DROPPED = "dropped"  # its client went away first


class Mark(NamedTuple):
    """One request of a call, as the server marked it (`GET /marks`); its end is None while open."""

    unit: int
    start: float
    end: float | None
    how: Ended | None


class UnitFailed(Exception):
    """A unit's request was answered with an error."""


class Cancelled(BaseException):
    """The caller's job was cancelled from outside (a BaseException, as KeyboardInterrupt is, so
    that no `except Exception` swallows it)."""


@dataclass(frozen=True)
class Params:
    units: int
    concurrency: int
    latency_ms: int
    workers: int
    fail_ms: int = 0
    deadline_ms: int = 0
    cancel_ms: int = 0
    variant: str = "default"
    model: str = ""
    client: str = ""
    url: str = ""  # the server's base URL, with the cell's run token

    @property
    def in_flight(self) -> int:
        """How many requests the model runs at once, all of them started before any event."""
        return 1 if self.model == "sync" else min(self.concurrency, self.units)

    @property
    def case(self) -> str:
        return "fail" if self.fail_ms else "deadline" if self.deadline_ms else "cancel"

    @property
    def deadline_s(self) -> float | None:
        return self.deadline_ms / 1000 if self.deadline_ms else None

    @property
    def origin(self) -> str:
        return origin_of(self.url)

    def path(self, i: int) -> str:
        """Unit i's request; in fail-fast, unit 0's is answered with 500 after fail_ms."""
        if i == 0 and self.fail_ms:
            return f"{urlsplit(self.url).path}/item/0?delay_ms={self.fail_ms}&status=500"
        return f"{urlsplit(self.url).path}/item/{i}?delay_ms={self.latency_ms}&size={SIZE}"


def result(p: Params, i: int, status: int, data: bytes) -> Result:
    if status != 200:
        raise UnitFailed(f"unit {i}: HTTP {status}")
    return i, hashlib.sha256(data).hexdigest()


def connect(p: Params, connections: int):
    """The blocking client of every model but asyncio and trio: an urllib3 pool of keep-alive
    connections (block=True: a unit waits for a free one rather than opening more)."""
    import urllib3

    host, port = host_port(p.origin)
    return urllib3.HTTPConnectionPool(host, port, maxsize=connections, block=True, retries=False)


def unit(http, p: Params, i: int, timeout: float | None = None) -> Result:
    """Unit i with the blocking client (`timeout`: seconds the answer may take, else the default)."""
    r = http.request("GET", p.path(i), **({"timeout": timeout} if timeout else {}))
    return result(p, i, r.status, r.data)


async def aunit(get, p: Params, i: int) -> Result:
    """Unit i with an async client (`clients`: get(path) -> (status, body))."""
    return result(p, i, *await get(p.path(i)))


def unit_until(http, p: Params, i: int, end: float | None) -> Result:
    """Unit i with what is left of the deadline `end` (time.monotonic) as its request's timeout, so
    the request itself stops at the deadline (urllib3 drops the connection); None: no deadline."""
    import urllib3

    if end is None:
        return unit(http, p, i)
    try:
        if (left := end - time.monotonic()) <= 0:
            raise urllib3.exceptions.TimeoutError("no time left")
        return unit(http, p, i, timeout=left)
    except urllib3.exceptions.TimeoutError as e:
        raise TimeoutError(f"the deadline of {p.deadline_ms} ms passed") from e


def executor_job(submit: Callable[[int], Future], p: Params) -> list[Result]:
    """The executors' job (threads, free-threading, subinterpreters, processes): a future per unit,
    waited for until every one is done, one raises, or the deadline passes; then every future not
    yet started is cancelled (what `shutdown(cancel_futures=True)` does, with the pool kept for the
    next call). A failure cancels them at once, from its own done-callback (which runs in the
    worker that ran it, before that worker takes another; a process pool's next call may already
    be on its way). A running unit can't be stopped: its worker finishes it."""
    futures = [submit(i) for i in range(p.units)]

    def cancel_rest(f: Future) -> None:
        if not f.cancelled() and f.exception() is not None:
            for other in futures:
                other.cancel()

    for f in futures:
        f.add_done_callback(cancel_rest)
    try:
        done, pending = wait(futures, timeout=p.deadline_s, return_when=FIRST_EXCEPTION)
        for f in done:
            if not f.cancelled() and f.exception() is not None:
                raise f.exception()
        if pending:
            raise TimeoutError(f"the deadline of {p.deadline_ms} ms passed")
        return [f.result() for f in futures]
    finally:
        for f in futures:
            f.cancel()


_http = None  # a subinterpreter's or a pool process's own client (`open_client`)


def open_client(p: Params) -> None:
    """Pool initializer (subinterpreters, processes): this worker's client, one unit at a time."""
    global _http
    _http = connect(p, 1)


def unit_here(p: Params, i: int) -> Result:
    """Unit i on this pool worker's client (after `open_client`)."""
    return unit(_http, p, i)


@contextmanager
def interrupted_after(ms: int) -> Iterator[None]:
    """Cancel from outside when the caller is a thread (sync and the executors): SIGALRM after `ms`
    raises `Cancelled` in the main thread, wherever it waits, as Ctrl-C raises KeyboardInterrupt.
    Nothing when ms is 0."""
    if not ms:
        yield
        return
    armed = [True]  # disarmed first on the way out: a late alarm then raises nothing

    def cancel(signum: int, frame: object) -> None:
        if armed[0]:
            raise Cancelled(f"cancelled from outside after {ms} ms")

    old = signal.signal(signal.SIGALRM, cancel)
    signal.setitimer(signal.ITIMER_REAL, ms / 1000)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass
class Outcome:
    """What the caller got, and when (time.monotonic, the server's clock too)."""

    p: Params
    t0: float
    returned: float
    error: BaseException | None
    results: list[Result]
    after: Callable[[], None] | None = None  # put the model back for the next call (outside the clock)


def outcome(p: Params, job: Callable[[], list[Result]]) -> Outcome:
    """Call the job as its caller would, and record what it got."""
    t0 = time.monotonic()
    try:
        results, error = job(), None
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # what the caller got is the measurement
        results, error = [], e
    return Outcome(p, t0, time.monotonic(), error, results)


async def aoutcome(p: Params, job: Callable[[], object]) -> Outcome:
    """`outcome` for a caller that is a coroutine (or a trio task): `await job()`."""
    t0 = time.monotonic()
    try:
        results, error = await job(), None
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        results, error = [], e
    return Outcome(p, t0, time.monotonic(), error, results)


SURFACED = {  # the exceptions that tell the caller the deadline passed, or the job was cancelled
    "deadline": {"TimeoutError", "TooSlowError", "Timeout"},
    "cancel": {"Cancelled", "CancelledError", "GreenletExit"},
}


def leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for e in error.exceptions for leaf in leaves(e)]
    return [error]


def got(error: BaseException | None) -> str:
    """What the caller got: `results`, an exception's type, or a group's and its leaves'."""
    if error is None:
        return "results"
    if isinstance(error, BaseExceptionGroup):
        return f"{type(error).__name__}[{', '.join(sorted({type(e).__name__ for e in leaves(error)}))}]"
    return type(error).__name__


def surfaced(p: Params, error: BaseException | None) -> bool:
    if error is None:
        return False
    if p.case == "fail":  # the original exception, with its message
        return any(type(e).__name__ == "UnitFailed" and str(e) == "unit 0: HTTP 500" for e in leaves(error))
    return any(type(e).__name__ in SURFACED[p.case] for e in leaves(error))


def reference(p: Params) -> list:
    """Nothing to compare by digest: `verifiable` proves each call itself (and returns [])."""
    return []


@dataclass
class Observer:
    """The figures of a worker process's calls, and the OS counts before the next call."""

    figures: list[dict] = field(default_factory=list)
    before: tuple[int, int, int] | None = None


OBSERVED = Observer()


def verifiable(o: Outcome) -> list:
    """Prove the call (see the module's docstring; raises VerificationFailed) and record its figures."""
    from concbench.worker.usage import EXTRA
    from concbench.worker.verify import VerificationFailed

    p = o.p
    event = o.t0 + (p.deadline_ms or p.cancel_ms) / 1000 if not p.fail_ms else None
    marks = _marks(p, o.t0)
    failing = [m for m in marks if m.unit == 0 and m.how is Ended.ERROR] if p.fail_ms else []
    if p.fail_ms:
        if not failing:
            raise VerificationFailed("the server's marks have no HTTP 500 for unit 0")
        event = failing[0][2]
    time.sleep(max(0.0, event + AFTER_S - time.monotonic()))
    counts = os_counts()
    marks = _drained(p, o.t0)
    if o.error is not None and not surfaced(p, o.error):
        raise VerificationFailed(f"the caller got {got(o.error)} ({o.error}), none of this case's outcomes")
    if len(marks) < p.in_flight:
        raise VerificationFailed(f"the server saw {len(marks)} requests, not the {p.in_flight} in flight")
    answered = {m.unit for m in marks if m.how is Ended.DONE}
    for i, sha in o.results:
        if sha != hashlib.sha256(body(i, SIZE)).hexdigest() or i not in answered:
            raise VerificationFailed(f"unit {i}: the caller's result is not the server's answer")
    if (peak := most_open(marks)) > p.concurrency:
        raise VerificationFailed(f"{peak} requests open at once, above C={p.concurrency}")
    siblings = [m for m in marks if m not in failing[:1]]
    ends = [m[2] for m in siblings]
    figures = {
        "stop_ms": max(0.0, max(ends, default=event) - event) * 1000,
        "leaked": sum((m.how is Ended.DONE and m.end > event) or m.end > event + AFTER_S for m in siblings),
        "sent_after": sum(m[1] > event for m in siblings),
        "overrun_ms": (o.returned - event) * 1000,
        "error_surfaced": int(surfaced(p, o.error)),
    }
    if o.after:  # put the model back (multiprocessing: a fresh pool), timed as recover_ms
        t0 = time.monotonic()
        o.after()
        figures["recover_ms"] = (time.monotonic() - t0) * 1000
    if OBSERVED.before is not None:  # every call but a worker's first (pyperf's warmup)
        left = (max(0, now - then) for now, then in zip(counts, OBSERVED.before, strict=True))
        figures |= dict(zip(("threads_left", "procs_left", "sockets_left"), left, strict=True))
        OBSERVED.figures.append(figures)
        EXTRA.update({k: fmean(f[k] for f in OBSERVED.figures if k in f) for k in figures})
        EXTRA["caller_got"] = got(o.error)
    OBSERVED.before = os_counts()
    return []


def os_counts() -> tuple[int, int, int]:
    """(OS threads of this process, its live child processes, open TCP sockets of them all)."""
    import psutil

    from concbench.worker.usage import tcp_connections

    me = psutil.Process()
    tree = [me, *me.children(recursive=True)]
    sockets = sum(len(tcp_connections(proc)) for proc in tree)
    return len(list(Path("/proc/self/task").iterdir())), len(tree) - 1, sockets


def _marks(p: Params, since: float) -> list[Mark]:
    """The server's marks of this call's requests (those started since `since`)."""
    from concbench.worker.verify import VerificationFailed

    run = urlsplit(p.url).path.rsplit("/", 1)[-1]
    with urllib.request.urlopen(f"{p.origin}/marks?run={run}", timeout=10) as r:
        answer = json.load(r)
    if answer["procs"] != 1:
        raise VerificationFailed("needs a one-process mock server (--server-procs 1) for its marks")
    marks = [Mark(i, start, end, Ended(how) if how else None) for i, start, end, how in answer["marks"]]
    return [m for m in marks if m.start >= since]


def _drained(p: Params, since: float) -> list[list]:
    """The call's marks once every request has ended and none started for QUIET polls in a row
    (DRAIN_S from 100 ms after the event, at most)."""
    from concbench.worker.verify import VerificationFailed

    deadline, quiet, last = time.monotonic() + DRAIN_S, 0, None
    while time.monotonic() < deadline:
        marks = _marks(p, since)
        ended = all(m.end is not None for m in marks)
        quiet = quiet + 1 if ended and len(marks) == last else 0
        if quiet == QUIET:
            return marks
        last = len(marks) if ended else None
        time.sleep(POLL_S)
    raise VerificationFailed(f"a request was still open {DRAIN_S:g} s after the call")


def most_open(marks: list[Mark]) -> int:
    """The most requests open at once, by their marks. A request its client dropped and then redid
    (`swallow`) ends, for this count, when the redo starts: the client let go of it then, and the
    server learns of a closed connection a little later."""
    spans, redone = [], {}  # unit -> the start of its next request
    for i, start, end, _ in sorted(marks, key=lambda m: m.start, reverse=True):
        spans.append((start, min(end, redone.get(i, end))))
        redone[i] = start
    edges = sorted([(a, 1) for a, _ in spans] + [(b, -1) for _, b in spans])
    peak = level = 0
    for _, step in edges:
        level += step
        peak = max(peak, level)
    return peak


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> None:
    """None: a behaviour, not a speed (Kind.BEHAVIOUR)."""
    return None


def blocking(about: str) -> tuple[Variant, ...]:
    """A model on the blocking client (`connect`: urllib3)."""
    return (Variant(imports=("urllib3",), about=about),)


def on_aiohttp(name: str, about: str) -> Variant:
    """An asyncio variant: aiohttp on a loop in anyio's portal thread."""
    return Variant(name, ("anyio", "aiohttp"), "aiohttp", about)


WORKLOAD = Workload(
    "failure",
    "N requests of L ms, C at a time, when unit 0 fails, the deadline passes, or the caller cancels",
    quick=QUICK,
    full=FULL,
    variants={
        "sync": blocking("one unit after another; a deadline is the request's timeout"),
        "threads": (
            *blocking("ThreadPoolExecutor futures: wait(FIRST_EXCEPTION), cancel the rest"),
            Variant("timeouts", ("urllib3",), about="the same, each request's timeout what is left of T"),
        ),
        "asyncio": (
            on_aiohttp("default", "asyncio.TaskGroup, asyncio.timeout, Task.cancel()"),
            on_aiohttp("gather", "asyncio.gather without return_exceptions"),
            on_aiohttp("swallow", "TaskGroup; a cancelled unit redoes its request"),
        ),
        "trio": (Variant(imports=("httpx",), client="httpx", about="a nursery, fail_after, a cancel scope"),),
        "gevent": blocking("joinall(raise_error=True), killall, gevent.Timeout, Greenlet.kill"),
        "freethreading": blocking("the threads code, GIL off"),
        "subinterpreters": blocking("InterpreterPoolExecutor futures, cancel the rest"),
        "multiprocessing": blocking("ProcessPoolExecutor futures, cancel, terminate_workers()"),
    },
    ideal_s=ideal_s,
    server=True,
    kind=Kind.BEHAVIOUR,
    tiny={"units": 6, "concurrency": 3, "latency_ms": 100, "fail_ms": 20, "workers": 2},
    metrics=(
        Metric("stop_ms", "stop (ms)", chart=True),
        Metric("leaked", "leaked"),
        Metric("sent_after", "sent after"),
        Metric("overrun_ms", "overrun (ms)"),
        Metric("error_surfaced", "surfaced", ".0%"),
        Metric("caller_got", "caller got", "s"),
        Metric("threads_left", "threads left"),
        Metric("procs_left", "procs left"),
        Metric("sockets_left", "sockets left"),
        Metric("recover_ms", "recover (ms)"),
    ),
)
