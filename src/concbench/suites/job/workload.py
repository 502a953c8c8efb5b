"""Params, the unit of work and its reference for a user's own job (`concbench run --job M:F`).

The unit is the user's function of the item number, `FUNCTION(i) -> result`, for i in range(items):
a blocking function (CPU, blocking I/O, a library call), or an `async def` (`--async-job`, or a
`--job` that is one), the native form for asyncio and trio. Each model runs the items its own way,
at most `workers` in progress at once, each free worker taking the next item (or chunk of items).

Not timed: importing the user's module and running `--job-setup` once in every process or
interpreter that runs items (`ready`: the cell's own process, and each pool process or interpreter,
as its initializer), and computing the reference. The reference is the sync model's results,
computed once per interpreter before the run (`concbench.run.job`); every call is checked against it
by `verifiable`: each result in a canonical form (JSON where it can be; bytes by SHA-256, sets
sorted, anything else by repr), so results from another process or interpreter compare equal.
"""

import asyncio
import dataclasses
import functools
import hashlib
import importlib
import inspect
import json
import re
import sys
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from concbench.workloads import Variant, Workload, every_model

QUICK = [{"items": 64}]
FULL = [{"items": 256}]

Run = Callable[[], list[Any]]


@dataclass(frozen=True)
class Params:
    items: int
    workers: int
    variant: str = "default"
    job: str = ""  # MODULE:FUNCTION, blocking or async def
    async_job: str = ""  # MODULE:AFUNCTION, the native async form (optional)
    job_setup: str = ""  # MODULE:FUNCTION, run once per process or interpreter before the clock
    job_path: str = ""  # put first on sys.path where the job runs (the directory concbench ran in)


def resolve(ref: str) -> Callable:
    """`MODULE:FUNCTION` -> the function (importing the module)."""
    module, _, name = ref.partition(":")
    obj: Any = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def on_path(p: Params) -> None:
    """Put the job's directory first on sys.path here."""
    if p.job_path and p.job_path not in sys.path:
        sys.path.insert(0, p.job_path)


_READY: set[Params] = set()  # per process or interpreter: the jobs whose setup has run here


def ready(p: Params) -> None:
    """Import the job here and run its setup, once per process or interpreter (before the clock)."""
    on_path(p)
    if p not in _READY:
        for ref in (p.job, p.async_job):
            if ref:
                resolve(ref)
        if p.job_setup:
            resolve(p.job_setup)()
        _READY.add(p)


def async_form(p: Params) -> Callable[[int], Awaitable[Any]] | None:
    """The native async function: --async-job, else --job when it is an `async def`."""
    on_path(p)
    if p.async_job:
        return resolve(p.async_job)
    fn = resolve(p.job)
    return fn if inspect.iscoroutinefunction(fn) else None


_LOOPS = threading.local()  # per thread: the event loop an async-only job's items run on


def _on_own_loop(afn: Callable[[int], Awaitable[Any]], i: int) -> Any:
    runner = getattr(_LOOPS, "runner", None)
    if runner is None:
        runner = _LOOPS.runner = asyncio.Runner()  # lives with the thread; closed at exit
    return runner.run(afn(i))


def unit(p: Params) -> Callable[[int], Any]:
    """The blocking unit every model runs: the user's function, or, when the job is only an
    `async def`, that function run to completion on this thread's own event loop (one per thread,
    kept across items, as blocking code that calls async code would)."""
    on_path(p)
    fn = resolve(p.job or p.async_job)
    if not inspect.iscoroutinefunction(fn):
        return fn
    return functools.partial(_on_own_loop, fn)


def chunks(p: Params) -> list[range]:
    """The items in chunks of about a quarter of a worker's share, for the pools that take tasks
    (subinterpreters, multiprocessing): free workers take the next chunk, so a job whose items vary
    in cost is balanced as threads balance it, at a handful of round trips per worker."""
    size = max(1, p.items // (4 * p.workers))
    return [range(lo, min(lo + size, p.items)) for lo in range(0, p.items, size)]


def share(p: Params, indices: Sequence[int]) -> list[Any]:
    """A chunk of the items, in one task (subinterpreters, multiprocessing)."""
    one = unit(p)
    return [one(i) for i in indices]


class Unverifiable(ValueError):
    """A result whose only form is a repr with a memory address: the same value never compares equal."""


ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def canonical(value: Any) -> Any:
    """A form of a result that JSON can write and that is the same in every process."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"sha256": hashlib.sha256(value).hexdigest()}
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return canonical(dataclasses.asdict(value))
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    text = repr(value)
    if ADDRESS.search(text):
        raise Unverifiable(
            f"a result of type {type(value).__name__} has no value to check (its repr is an address); "
            "return data: numbers, strings, bytes, lists, dicts, dataclasses"
        )
    return {"repr": text}


def fingerprint(value: Any) -> str:
    text = json.dumps(canonical(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def verifiable(results: list[Any]) -> list[str]:
    return [fingerprint(r) for r in results]


def reference(p: Params) -> list[str]:
    """The sync model's results (what `concbench.run.job` computes once per interpreter, before the run)."""
    ready(p)
    one = unit(p)
    return [fingerprint(one(i)) for i in range(p.items)]


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> float:
    """Perfect overlap of the `workers` items in progress (a comparison: whether the job is bound by
    the CPU or by waiting, concbench cannot know, so no cell is called impossible by it)."""
    return sync_s / params["workers"]


NO_ASYNC = "no async form given (--async-job MODULE:AFUNCTION, or a --job that is an async def)"

WORKLOAD = Workload(
    "job",
    "your own job: FUNCTION(i) for every item i, at most `workers` in progress",
    quick=QUICK,
    full=FULL,
    variants={
        **every_model(),
        "asyncio": (
            Variant(about="asyncio.to_thread of FUNCTION"),
            Variant("native", about="await AFUNCTION(i)"),
        ),
        "trio": (
            Variant(about="trio.to_thread.run_sync of FUNCTION"),
            Variant("native", about="await AFUNCTION(i) in a nursery"),
        ),
    },
    ideal_s=ideal_s,
    describe=lambda p: f"your function: {p['items']} items",
    by_default=False,
)
