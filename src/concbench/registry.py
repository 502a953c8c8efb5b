"""Which cells exist and what each needs, as data.

Nothing here imports a model: gevent patches the world on import, so model modules are loaded only
inside their own worker process (`python -m concbench.worker`). `concbench list` and every n/a
reason come from this table plus the probed facts of an interpreter (`concbench.pythons`).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from concbench.pythons import Facts
from concbench.suites.cpu_bound import workload as cpu_bound
from concbench.suites.disk_io import workload as disk_io
from concbench.suites.http_fanout import workload as http_fanout
from concbench.suites.mixed import workload as mixed
from concbench.suites.null import workload as null
from concbench.suites.spawn import workload as spawn

DEFAULT = "default"


@dataclass(frozen=True)
class Model:
    """A concurrency model: its requirements on the interpreter."""

    name: str
    summary: str
    imports: tuple[str, ...] = ()  # must import in the target interpreter without re-enabling the GIL
    min_python: tuple[int, int] = (3, 11)
    free_threaded: bool = False  # needs a free-threaded build whose GIL is off at run time
    monkey_patch: bool = False  # gevent: patch the stdlib before anything else is imported
    concurrent: bool = True  # sync is not: one thing at a time by nature
    ignores: tuple[str, ...] = ()  # dimensions that do not change what it does (sync: concurrency, workers)
    heartbeat: str = "thread"  # where its heartbeat runs: thread | greenlet | loop (the model's own)
    gil_only: bool = False  # importing it switches the GIL on in a free-threaded build: n/a there, and
    # its packages are not installed in a free-threaded build's environment


@dataclass(frozen=True)
class Variant:
    name: str = DEFAULT
    imports: tuple[str, ...] = ()
    client: str = ""  # the library doing the I/O, so the report can tell it from the model
    quick: bool = True  # in the quick matrix too (False: --full only, to keep quick in its budget)


@dataclass(frozen=True)
class Workload:
    """A workload: its parameter cases (quick and full) and, per model, the variants it implements."""

    name: str
    summary: str
    quick: list[dict[str, int]]
    full: list[dict[str, int]]
    variants: dict[str, tuple[Variant, ...]]
    ideal_s: Callable[
        [dict[str, int], float, int, float], float | None
    ]  # params, sync wall, cores, reference_s
    server: bool = False  # needs the mock HTTP server (or --target)
    any_server: bool = False  # also runs against a server that is not concbench's (its reference: fetched)
    scratch: bool = False  # needs a fresh directory, removed after the cell whatever happens
    heartbeat: bool = False  # measure scheduler lag during its cells (loop_lag_* columns)
    bytes_moved: Callable[[dict[str, int]], int] | None = None  # for the MB/s column
    units: Callable[[dict[str, int], str], int] | None = None  # spawn: units per call, by model
    kind: str = "job"  # job (compared and recommended), price (spawn: a cost per unit), or
    # yardstick (null: each model's fixed cost per call, which other cells are judged against)
    bound: str = ""  # what its ideal is: "cpu" (sync over the cores) or "latency" (waves of L), both
    # physical limits that no cell can beat; "" when the ideal is only a comparison (disk: sync)


MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        Model("sync", "one thing after another", concurrent=False, ignores=("concurrency", "workers")),
        Model("threads", "concurrent.futures.ThreadPoolExecutor"),
        Model("asyncio", "coroutines on one event loop", heartbeat="loop"),
        Model(
            "trio", "structured concurrency: nursery + trio.to_thread", imports=("trio",), heartbeat="loop"
        ),
        Model(
            "gevent",
            "greenlets, monkey-patched stdlib",
            imports=("gevent",),
            monkey_patch=True,
            heartbeat="greenlet",
            gil_only=True,
        ),
        Model("freethreading", "one thread per core, written for a GIL-free build", free_threaded=True),
        Model(
            "subinterpreters",
            "concurrent.futures.InterpreterPoolExecutor",
            imports=("concurrent.interpreters",),
            min_python=(3, 14),
        ),
        Model("multiprocessing", "concurrent.futures.ProcessPoolExecutor"),
    )
}

_ONE = (Variant(),)
_MIXED_HTTPX = Variant("httpx", ("httpx",), "httpx", quick=False)  # the same client on every model (full)
_BLOCKING = (Variant(imports=("urllib3",), client="urllib3"), Variant("httpx", ("httpx",), "httpx"))

WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload(
            "null",
            "the same call shape with no work: each model's own fixed cost per call",
            quick=null.QUICK,
            full=null.FULL,
            variants={m: _ONE for m in MODELS},
            ideal_s=null.ideal_s,
            kind="yardstick",
        ),
        Workload(
            "cpu_bound",
            "count primes by trial division in K equal, disjoint ranges (pure Python)",
            quick=cpu_bound.QUICK,
            full=cpu_bound.FULL,
            variants={
                "sync": _ONE,
                "threads": _ONE,
                "asyncio": (Variant("naive"), Variant("offloaded")),
                "trio": _ONE,
                "gevent": _ONE,
                "freethreading": _ONE,
                "subinterpreters": _ONE,
                "multiprocessing": _ONE,
            },
            ideal_s=cpu_bound.ideal_s,
            heartbeat=True,
            bound="cpu",
        ),
        Workload(
            "http_fanout",
            "N GETs to the mock server, at most C in flight, each taking L ms on the server",
            quick=http_fanout.QUICK,
            full=http_fanout.FULL,
            variants={
                "sync": _BLOCKING,
                "threads": _BLOCKING,
                "asyncio": (
                    Variant(imports=("aiohttp",), client="aiohttp"),
                    Variant("httpx", ("httpx",), "httpx"),
                    Variant("uvloop", ("aiohttp", "uvloop"), "aiohttp on uvloop"),
                ),
                "trio": (
                    Variant(imports=("httpx", "anyio"), client="httpx (trio backend)"),
                    Variant("h11", ("h11", "anyio"), "h11 over trio streams (a hand-written pool)"),
                ),
                "gevent": _BLOCKING,
                "freethreading": (
                    Variant(imports=("aiohttp",), client="aiohttp, a loop per thread"),
                    Variant("httpx", ("httpx",), "httpx, a loop per thread"),
                ),
                "subinterpreters": (
                    Variant(imports=("aiohttp",), client="aiohttp"),
                    Variant("httpx", ("httpx",), "httpx"),
                ),
                "multiprocessing": (
                    Variant(imports=("aiohttp",), client="aiohttp"),
                    Variant("httpx", ("httpx",), "httpx"),
                ),
            },
            ideal_s=http_fanout.ideal_s,
            bound="latency",
            server=True,
            any_server=True,
        ),
        Workload(
            "disk_io",
            "M files written, read back and deleted; small, large, and small with fsync",
            quick=disk_io.QUICK,
            full=disk_io.FULL,
            variants={
                "sync": _ONE,
                "threads": _ONE,
                "asyncio": (
                    Variant("aiofiles", ("aiofiles",), "aiofiles: run_in_executor, a thread pool"),
                    Variant("to_thread", (), "asyncio.to_thread, a thread pool"),
                    Variant("anyio", ("anyio",), "anyio.Path: anyio worker threads"),
                ),
                "trio": (
                    Variant(client="trio.Path: trio worker threads"),
                    Variant("to_thread", client="trio.to_thread.run_sync, one hop per file"),
                ),
                "gevent": (Variant(client="gevent.threadpool"),),
                "freethreading": _ONE,
                "subinterpreters": _ONE,
                "multiprocessing": _ONE,
            },
            ideal_s=disk_io.ideal_s,
            scratch=True,
            bytes_moved=disk_io.bytes_moved,
        ),
        Workload(
            "spawn",
            "start and join one unit (thread, task, greenlet, interpreter, process); memory per live unit",
            quick=spawn.QUICK,
            full=spawn.FULL,
            variants={
                "sync": (Variant(client="a function call"),),
                "threads": (Variant(client="threading.Thread"),),
                "asyncio": (Variant(client="asyncio.create_task"),),
                "trio": (Variant(client="nursery.start_soon"),),
                "gevent": (Variant(client="gevent.spawn"),),
                "freethreading": (Variant(client="threading.Thread, no GIL"),),
                "subinterpreters": (
                    Variant("create", client="interpreters.create + call + close"),
                    Variant("pool", client="InterpreterPoolExecutor round trip"),
                ),
                "multiprocessing": (
                    Variant("spawn", client="Process, spawn"),
                    Variant("forkserver", client="Process, forkserver"),
                    Variant("fork", client="Process, fork"),
                ),
            },
            ideal_s=spawn.ideal_s,
            units=spawn.units,
            kind="price",
        ),
        Workload(
            "mixed",
            "per item: fetch a JSON document (L ms), transform it in pure Python (~3 ms), write a file",
            quick=mixed.QUICK,
            full=mixed.FULL,
            variants={
                "sync": (Variant(client="urllib3"), _MIXED_HTTPX),
                "threads": (Variant(client="urllib3"), _MIXED_HTTPX),
                "asyncio": (
                    Variant("naive", ("aiohttp",), "aiohttp, CPU on the loop"),
                    Variant("offloaded", ("aiohttp",), "aiohttp, CPU in asyncio.to_thread"),
                    Variant("httpx", ("httpx",), "httpx, CPU in asyncio.to_thread", quick=False),
                ),
                "trio": (
                    Variant(imports=("httpx", "anyio"), client="httpx (trio backend), CPU in to_thread"),
                    Variant(
                        "h11",
                        ("h11", "anyio"),
                        "h11 over trio streams (a hand-written pool), CPU in to_thread",
                    ),
                ),
                "gevent": (Variant(client="urllib3, CPU on the hub"), _MIXED_HTTPX),
                "freethreading": (
                    Variant(imports=("aiohttp",), client="aiohttp, a loop per thread, CPU inline"),
                    _MIXED_HTTPX,
                ),
                "subinterpreters": (
                    Variant(imports=("aiohttp",), client="aiohttp, CPU inline"),
                    _MIXED_HTTPX,
                ),
                "multiprocessing": (
                    Variant(imports=("aiohttp",), client="aiohttp, CPU inline"),
                    _MIXED_HTTPX,
                ),
            },
            ideal_s=mixed.ideal_s,
            bound="latency",
            server=True,
            scratch=True,
            heartbeat=True,
        ),
    )
}


@dataclass(frozen=True)
class Cell:
    """One cell of the matrix on one interpreter: workload × model × variant × params."""

    workload: str
    model: str
    variant: str
    params: dict[str, int] = field(hash=False)

    @property
    def id(self) -> str:
        """For display only: every dimension is stored as its own field."""
        model = self.model if self.variant == DEFAULT else f"{self.model}/{self.variant}"
        dims = ",".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.workload}.{model}[{dims}]"

    @property
    def params_json(self) -> str:
        return json.dumps(self.params, sort_keys=True, separators=(",", ":"))


class UnknownParam(ValueError):
    """A --param names a dimension that none of the selected workloads has."""


def cells(
    workloads: list[str],
    models: list[str],
    *,
    full: bool,
    workers: int,
    overrides: dict[str, int] | None = None,
    sweeps: dict[str, list[int]] | None = None,
) -> list[Cell]:
    """Expand the selection into cells, sync first in each workload (others are relative to it).

    `overrides` replace the quick/full value of a dimension in every workload that has it; `sweeps`
    run a series of values of a dimension (`workers` included), one cell per value. A model that
    ignores a swept dimension (sync: concurrency, workers) runs once, at the first value."""
    overrides, sweeps = overrides or {}, sweeps or {}
    known = {k for w in workloads for case in WORKLOADS[w].quick for k in case}
    for flag, keys in (("--param", overrides), ("--sweep", sweeps)):
        if unknown := sorted(set(keys) - known - {"workers"}):
            raise UnknownParam(
                f"{flag} {unknown[0]}: the selected workloads have only {', '.join(sorted(known))}"
            )
    out: dict[tuple[str, str, str, str], Cell] = {}
    for w in workloads:
        wl = WORKLOADS[w]
        for case in wl.full if full else wl.quick:
            base = {**case, **{k: v for k, v in overrides.items() if k in case}, "workers": workers}
            swept = {k: vs for k, vs in sweeps.items() if k in base}
            for values in itertools.product(*swept.values()):
                params = {**base, **dict(zip(swept, values, strict=True))}
                for m in models:
                    own = {**params, **{k: vs[0] for k, vs in swept.items() if k in MODELS[m].ignores}}
                    for v in wl.variants.get(m, ()):
                        if not (full or v.quick):
                            continue
                        cell = Cell(w, m, v.name, own)
                        out.setdefault((w, m, v.name, cell.params_json), cell)
    return list(out.values())


def baseline_params(params: dict[str, int]) -> dict[str, int]:
    """The params of the sync cell a cell is compared with: without the dimensions sync ignores."""
    return {k: v for k, v in params.items() if k not in MODELS["sync"].ignores}


def variant(cell: Cell) -> Variant:
    variants = WORKLOADS[cell.workload].variants[cell.model]
    return next((v for v in variants if v.name == cell.variant), Variant(cell.variant))


def unavailable(cell: Cell, facts: Facts) -> str | None:
    """Why `cell` cannot run on the interpreter described by `facts`, or None when it can."""
    model = MODELS[cell.model]
    if not facts.imports.get("concbench", {}).get("ok"):
        return "concbench is not installed for this interpreter"
    if tuple(facts.version_info[:2]) < model.min_python:
        need = ".".join(map(str, model.min_python))
        return f"needs Python >= {need}; this is {facts.version}"
    if model.free_threaded and not facts.gil_disabled_build:
        return "needs a free-threaded build (e.g. python3.14t); this build has the GIL"
    if model.gil_only and facts.gil_disabled_build:
        return (
            f"importing {model.imports[0]} re-enables the GIL on this free-threaded build, so its cells "
            "are not free-threaded numbers (concbench's environments for such a build leave it out)"
        )
    if model.free_threaded and facts.gil_enabled:
        return "the GIL is enabled at run time on this free-threaded build (PYTHON_GIL=1 or -X gil=1?)"
    for module in model.imports + variant(cell).imports:
        result = facts.imports.get(module, {"ok": False, "error": "not probed"})
        if not result["ok"]:
            return f"{module} does not import: {result['error']}"
        if result.get("enables_gil") and facts.gil_disabled_build:
            return f"importing {module} re-enables the GIL on this free-threaded build"
    return None


def gil_only_packages() -> tuple[str, ...]:
    """What a free-threaded build's environment leaves out."""
    return tuple(p for m in MODELS.values() if m.gil_only for p in m.imports)


def probe_modules() -> list[str]:
    """Every module a model or variant needs, for the interpreter probe."""
    names = {"concbench"}
    for m in MODELS.values():
        names.update(m.imports)
    for wl in WORKLOADS.values():
        for variants in wl.variants.values():
            for v in variants:
                names.update(v.imports)
    return sorted(names)
