"""Which cells exist and what each needs, as data.

Nothing here imports a model: gevent patches the world on import, so model modules are loaded only
inside their own worker process (`python -m concbench.worker`). `concbench list` and every n/a
reason come from this table plus the probed facts of an interpreter (`concbench.host.pythons`).
"""

from __future__ import annotations

import importlib
import itertools
import json
import shutil
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib import metadata, resources

from concbench.host.pythons import Facts
from concbench.workloads import DEFAULT, MODEL_NAMES, Variant, Workload

__all__ = ["DEFAULT", "MODELS", "WORKLOADS", "Cell", "Model", "Variant", "Workload"]

ENTRY_POINTS = "concbench.workloads"  # a plug-in's entry point names its WORKLOAD: "pkg.workload:WORKLOAD"
BUILTIN = "concbench.suites"


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


MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        Model("sync", "one thing after another", concurrent=False, ignores=("concurrency", "workers")),
        Model("threads", "concurrent.futures.ThreadPoolExecutor"),
        Model("asyncio", "coroutines on one event loop", heartbeat="loop"),
        Model(  # anyio: one trio run for a cell's life, through its blocking portal (suites/triorun.py)
            "trio",
            "structured concurrency: nursery + trio.to_thread",
            imports=("trio", "anyio"),
            heartbeat="loop",
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

assert tuple(MODELS) == MODEL_NAMES, "workloads.MODEL_NAMES must list registry.MODELS in order"


def _described(module: str, where: str) -> Workload:
    """The WORKLOAD of module `module` (a workload's workload.py), told where its package is."""
    wl = getattr(importlib.import_module(module), "WORKLOAD", None)
    if not isinstance(wl, Workload):
        raise TypeError(f"{where}: {module} has no WORKLOAD = Workload(...)")
    if unknown := sorted(set(wl.variants) - set(MODELS)):
        raise ValueError(f"{where}: {wl.name} has variants for unknown models {unknown}")
    return replace(wl, package=module.rpartition(".")[0])


def builtin_workloads() -> list[Workload]:
    """Every folder of `concbench.suites` with a workload.py, in name order."""
    folder = resources.files(BUILTIN)
    found = sorted(d.name for d in folder.iterdir() if d.is_dir() and (d / "workload.py").is_file())
    return [_described(f"{BUILTIN}.{name}.workload", "built-in workload") for name in found]


def plugin_workloads(taken: set[str]) -> list[Workload]:
    """The workloads other packages declare in the `concbench.workloads` entry-point group. One that
    cannot be loaded, or reuses a name, is left out with a one-line warning on stderr."""
    found = []
    for ep in metadata.entry_points(group=ENTRY_POINTS):
        try:
            wl = _described(ep.value.partition(":")[0].strip(), f"entry point {ep.name}")
            if wl.name in taken:
                raise ValueError(f"workload name {wl.name!r} is taken")
        except Exception as e:  # a broken plug-in must not break concbench
            print(
                f"concbench: warning: workload plug-in {ep.name} ({ep.value}) left out: {e}", file=sys.stderr
            )
            continue
        taken.add(wl.name)
        found.append(wl)
    return found


def _discover() -> dict[str, Workload]:
    builtin = {wl.name: wl for wl in builtin_workloads()}
    return builtin | {wl.name: wl for wl in plugin_workloads(set(builtin))}


class _Workloads(Mapping[str, Workload]):
    """Every workload, discovered (each workload.py imported) on first use, not at import: `--help`
    and the parser's choices need only `names()`."""

    def __init__(self) -> None:
        self._found: dict[str, Workload] | None = None

    def _all(self) -> dict[str, Workload]:
        if self._found is None:
            self._found = _discover()
        return self._found

    def __getitem__(self, name: str) -> Workload:
        return self._all()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


WORKLOADS: Mapping[str, Workload] = _Workloads()


def names() -> list[str]:
    """The workloads' names without importing any: the folders of `concbench.suites` that have a
    workload.py, then the plug-ins' entry-point names."""
    folder = resources.files(BUILTIN)
    builtin = sorted(d.name for d in folder.iterdir() if d.is_dir() and (d / "workload.py").is_file())
    plugins = [ep.name for ep in metadata.entry_points(group=ENTRY_POINTS) if ep.name not in builtin]
    return builtin + plugins


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
    """A --param names a dimension that none of the selected workloads has (or a value over its limit)."""


LIMIT_FACTOR = 100  # a dimension's value may be up to this many times its largest full-mode value
FIXED_LIMITS = {"workers": 1024, "items": 1_000_000}  # --workers; a --job's items (its calls may be tiny)


def param_limits() -> dict[str, int]:
    """The largest value each dimension takes (--param, --sweep, --workers): LIMIT_FACTOR times the
    largest any workload uses in its full mode (at least 1), so no cell is set up to run for hours."""
    limits = dict(FIXED_LIMITS)
    for wl in WORKLOADS.values():
        for case in wl.full:
            for k, v in case.items():
                limits[k] = max(limits.get(k, 0), LIMIT_FACTOR * max(int(v), 1))
    return limits


def check_limits(values: dict[str, list[int]]) -> None:
    """UnknownParam (one line, with the limit) for a value over its dimension's limit."""
    limits = param_limits()
    for k, vs in values.items():
        if k in limits and max(vs) > limits[k]:
            raise UnknownParam(
                f"{k}={max(vs)}: over its limit of {limits[k]} ("
                + ("concbench's cap" if k in FIXED_LIMITS else f"{LIMIT_FACTOR}x its largest full-mode value")
                + "): a cell would run for hours"
            )


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
    check_limits({"workers": [workers], **{k: [v] for k, v in overrides.items()}, **sweeps})
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
    return WORKLOADS[cell.workload].variant(cell.model, cell.variant)


def unavailable(cell: Cell, facts: Facts) -> str | None:
    """Why `cell` cannot run on the interpreter described by `facts`, or None when it can."""
    model, wl = MODELS[cell.model], WORKLOADS[cell.workload]
    if reason := wl.not_applicable.get(cell.model):
        return reason
    if missing := next((how for tool, how in wl.tools if not shutil.which(tool)), None):
        return missing
    if not facts.imports.get("concbench", {}).get("ok"):
        return "concbench is not installed for this interpreter"
    if plugin := _plugin_module(wl):
        result = facts.imports.get(plugin, {"ok": False, "error": "not probed"})
        if not result["ok"]:
            return f"the workload's package does not import here ({plugin}: {result['error']})"
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


def _plugin_module(wl: Workload) -> str:
    """A plug-in workload's workload.py, which each interpreter must import ("" for a built-in one)."""
    return "" if wl.package.startswith(f"{BUILTIN}.") else f"{wl.package}.workload"


def probe_modules() -> list[str]:
    """Every module a model or variant needs, and every plug-in's workload.py, for the probe."""
    names = {"concbench", *filter(None, map(_plugin_module, WORKLOADS.values()))}
    for m in MODELS.values():
        names.update(m.imports)
    for wl in WORKLOADS.values():
        for variants in wl.variants.values():
            for v in variants:
                names.update(v.imports)
    return sorted(names)
