"""What a workload says about itself: its `WORKLOAD = Workload(...)`, in its own `workload.py`.

A workload is a package: `workload.py` (params, reference, and this description) and one module per
model it implements, named after the model (`sync.py`, `threads.py`, ...). The registry finds the
built-in ones in `concbench.suites` and others through the `concbench.workloads` entry-point group
(see README, "Benchmark your own job"). Nothing here imports a model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

DEFAULT = "default"


def label(model: str, variant: str) -> str:
    """`model`, or `model/variant` for a variant other than the default: how cells are named to readers."""
    return model if variant == DEFAULT else f"{model}/{variant}"


MODEL_NAMES = (  # the registry's models, in its order (their requirements are in registry.MODELS)
    "sync",
    "threads",
    "asyncio",
    "trio",
    "gevent",
    "freethreading",
    "subinterpreters",
    "multiprocessing",
)


class Kind(StrEnum):
    """What a workload's cells are for, which decides how they are judged and shown."""

    COMPARISON = "comparison"  # models compared on wall time, sync included: a verdict per job
    PRICE = "price"  # a cost per unit (spawn, pingpong, shared_state): no speedup, no pick
    BEHAVIOUR = "behaviour"  # what a model does (failure): its metrics; its wall is no speed to compare
    YARDSTICK = "yardstick"  # null: each model's fixed cost per call, which other cells are judged against


Ideal = Callable[[dict[str, int], float, int, float], float | None]  # params, sync wall, cores, reference_s


@dataclass(frozen=True)
class Variant:
    """One way a model runs the workload. `name` is the model's own knob (`naive`, `uvloop`, a start
    method...) or, when only the library differs, that library's name; `client` is the library
    doing the I/O, which the model's code opens (`Params.client`), never inferred from the name."""

    name: str = DEFAULT
    imports: tuple[str, ...] = ()  # every module the model file needs for this variant (n/a without)
    client: str = ""  # the I/O library: urllib3, httpx, aiohttp, h11 ("" when there is none)
    about: str = ""  # what the report says it is ("aiohttp on uvloop")
    quick: bool = True  # in the quick matrix too (False: --full only, to keep quick in its budget)


@dataclass(frozen=True)
class Metric:
    """A figure of the workload's own: a model's setup or run sets `concbench.worker.usage.EXTRA[key]` (a
    number, per worker process, or a word: `fmt` "s"); results.csv's `metrics` column holds its mean
    over the rounds (a word: the commonest), and the tables and the report show it as a column
    headed `header`; the report also draws it when `chart` (the workload's headline figure: a page
    drawing every figure of every case would weigh megabytes)."""

    key: str
    header: str
    fmt: str = ".1f"
    chart: bool = False


@dataclass(frozen=True)
class Workload:
    """A workload: its parameter cases (quick and full) and, per model, the variants it implements."""

    name: str
    summary: str
    quick: list[dict[str, int]]
    full: list[dict[str, int]]
    variants: dict[str, tuple[Variant, ...]]
    ideal_s: Ideal
    server: bool = False  # needs the mock HTTP server (or --target)
    requests_per_call: Callable[[dict[str, int]], int] | None = None  # what the server's own count must
    # match, per round (None: the workload checks the server's marks itself, per call: failure)
    any_server: bool = False  # also runs against a server that is not concbench's (its reference: fetched)
    scratch: bool = False  # needs a fresh directory, removed after the cell whatever happens
    heartbeat: bool = False  # measure scheduler lag during its cells (loop_lag_* columns)
    bytes_moved: Callable[[dict[str, int]], int] | None = None  # for the MB/s column
    units: Callable[[dict[str, int], str, str], int] | None = None  # a price's units per call, by
    # params, model and variant (us_per_unit = wall / units)
    unit: str = "unit"  # what one of them is, for the report: "start + join", "round trip", "update"
    metrics: tuple[Metric, ...] = ()  # its own figures, in results.csv's `metrics` column
    kind: Kind = Kind.COMPARISON
    bound: str = ""  # what its ideal is: "cpu" (sync over the cores) or "latency" (waves of L), both
    # physical limits that no cell can beat; "" when the ideal is only a comparison (disk: sync)
    describe: Callable[[dict[str, int]], str] | None = None  # a case in words ("CPU work: 8 tasks of
    # ~20 ms"), for verdicts and the report; None: its params
    round_s: float = 1.0  # a cell-round at its quick case on a good day, worker start to end (averaged
    # over its models): round 1's estimate until this machine has recorded its own (run/costs.py)
    by_default: bool = True  # in a run without --workload (job: only with --job)
    not_applicable: dict[str, str] = field(default_factory=dict)  # model -> why its cells are n/a (a
    # result with its reason, never a silent gap)
    tools: tuple[tuple[str, str], ...] = ()  # (program, how to get it): its cells are n/a without it
    tiny: dict[str, int] | None = None  # a case small enough for the tests of every model (with workers);
    # None: its own tests run it (job: it needs a function)
    package: str = field(default="", compare=False)  # where its modules are; the registry sets it

    def __post_init__(self) -> None:
        legacy = {"job": Kind.COMPARISON}  # what plug-ins made before Kind wrote
        object.__setattr__(self, "kind", Kind(legacy.get(self.kind, self.kind)))

    def variant(self, model: str, name: str) -> Variant:
        return next((v for v in self.variants.get(model, ()) if v.name == name), Variant(name))


ONE = (Variant(),)  # a model with a single way of running the workload


def every_model(*variants: Variant) -> dict[str, tuple[Variant, ...]]:
    """The same variants for all eight models (default: one plain variant each)."""
    return {m: variants or ONE for m in MODEL_NAMES}


# The written contracts: what the worker (concbench.worker.cell) reads from a workload's modules.
# `tests/unit/test_contracts.py` checks every workload, built-in and plug-in, against them.


@runtime_checkable
class WorkloadModule(Protocol):
    """A workload's `workload.py`."""

    WORKLOAD: Workload
    Params: type  # a dataclass of the case's dimensions, `variant`, and what it takes of url/dir/model/client

    def reference(self, p: Any) -> Sequence[Any]:
        """The results every model must return for `p`, computed another way (the digest's input)."""
        ...


@runtime_checkable
class Verifies(Protocol):
    """A workload whose results carry more than the digest covers (a failure's outcome, HTTP
    latencies): the part to verify. Without it, the results are verified whole."""

    def verifiable(self, results: Any) -> Sequence[Any]: ...


@runtime_checkable
class TimesRequests(Protocol):
    """A workload whose results carry each request's latency (HTTP), for the p50/p90/p99 columns."""

    def latencies(self, results: Any) -> list[float]: ...


@runtime_checkable
class PricesMemory(Protocol):
    """A workload that measures memory per live unit (spawn), with its model's `alive`."""

    def memory_per_unit(
        self, alive: Callable[[int], AbstractContextManager[None]], n: int
    ) -> dict[str, float]: ...


@runtime_checkable
class ModelModule(Protocol):
    """A model's file: `setup(p)` is a context manager (warm workers, pools, loops, outside the clock)
    yielding the call the clock times, which returns the results."""

    def setup(self, p: Any) -> AbstractContextManager[Callable[[], Any]]: ...


@runtime_checkable
class KeepsUnitsAlive(Protocol):
    """A model of a price that keeps n units alive at once (spawn), for their memory."""

    def alive(self, n: int) -> AbstractContextManager[None]: ...


OWN_HEARTBEAT = "own"  # a model file's `HEARTBEAT`: its workers beat on their own loops (mixed)


def beats_on_its_own(model: object) -> bool:
    return getattr(model, "HEARTBEAT", "") == OWN_HEARTBEAT


__all__ = [
    "DEFAULT",
    "MODEL_NAMES",
    "OWN_HEARTBEAT",
    "Ideal",
    "KeepsUnitsAlive",
    "Kind",
    "Metric",
    "ModelModule",
    "PricesMemory",
    "TimesRequests",
    "Variant",
    "Verifies",
    "Workload",
    "WorkloadModule",
    "beats_on_its_own",
    "every_model",
]
