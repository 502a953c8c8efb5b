"""Run one cell under pyperf: the single worker entry point for every workload and model.

    python -m concbench.worker --cell JSON -o OUT.json [pyperf options]   (by hand: pyperf's manager)
    python -m concbench.worker --worker --cell JSON -o OUT.json ...        (what the orchestrator starts)

The orchestrator starts one pyperf worker per cell and round (`command()`); it imports the model,
calls its `setup(params)` (pools, loops, interpreters: not timed), then pyperf times `run()` for one
warmup and the values. Every call's results are checked against the workload's reference digest; a
mismatch kills the worker, so a failed cell has no timing. Nothing here imports the registry (every
workload and its clients): a worker imports only its own workload and model.
"""

import argparse
import contextlib
import dataclasses
import importlib
import json
import multiprocessing
import sysconfig
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import pyperf

from concbench.worker import heartbeat
from concbench.worker.usage import EXTRA, HOOK, LATENCIES
from concbench.worker.verify import check, digest
from concbench.workloads import (
    KeepsUnitsAlive,
    ModelModule,
    PricesMemory,
    TimesRequests,
    Verifies,
    WorkloadModule,
    beats_on_its_own,
)


@dataclass(frozen=True)
class Spec:
    """Everything a cell's worker needs, passed as one JSON option (`--cell`) so it is written once.

    `url`: the HTTP target with the run token of this process; `reference`: the digest to expect
    instead of the workload's own (a server that is not concbench's); `scratch`: the cell's own
    directory, for workloads that write files; `heartbeat`: where the model's heartbeat runs
    (thread | greenlet | loop | "" for none); `round`: the round these values belong to."""

    workload: str
    model: str
    variant: str
    params: dict
    name: str
    package: str = ""  # where the workload's modules are (default: the built-in concbench.suites.<workload>)
    client: str = ""  # the variant's I/O library (Params.client), for the workloads that open one
    options: dict = dataclasses.field(default_factory=dict)  # run-wide settings (--job), given to the
    # workloads whose Params take them
    url: str = ""
    reference: str = ""
    scratch: str = ""
    heartbeat: str = ""
    round: int = 0
    probe_client: bool = False  # record which of the client's C accelerators are active


def command(python: str, spec: Spec, out: str, values: int, monkey_patch: bool) -> list[str]:
    """The argv of one pyperf worker process for `spec`: one warmup, then `values` timed calls,
    its run written to `out`. The orchestrator starts workers itself (one per cell and round), so
    there is no pyperf manager process in between."""
    argv = [python, "-m", "concbench.worker", "--worker", "--worker-task=0", "--loops", "1"]
    argv += ["--warmups", "1", "--values", str(values), "--hook", HOOK, "-o", out]
    argv += ["--cell", json.dumps(dataclasses.asdict(spec), separators=(",", ":"))]
    return argv + (["--monkey-patch"] if monkey_patch else [])


def _forward(cmd: list[str], args: argparse.Namespace) -> None:
    """pyperf add_cmdline_args, for a cell run by hand under pyperf's manager."""
    cmd += ["--cell", args.cell] + (["--monkey-patch"] if args.monkey_patch else [])


def timed(
    run: Callable[[], list], expected: str, workload: ModuleType, beat: Callable = contextlib.nullcontext
) -> Callable[[int], float]:
    """pyperf time_func: time `run()` only; check its results outside the timed region.

    A workload whose results carry more than what is verified (HTTP: digest and latency per request)
    says so with `verifiable(results)` and `latencies(results)`. `beat`: the heartbeat to keep
    around each call (started and stopped inside the clock, as those the event loops open)."""
    verifiable = workload.verifiable if isinstance(workload, Verifies) else lambda results: results
    latencies = workload.latencies if isinstance(workload, TimesRequests) else lambda results: []

    def time_func(loops: int) -> float:
        elapsed = 0.0
        for _ in range(loops):
            t0 = time.perf_counter()  # the heartbeat starts and stops inside the clock, as the loops' do
            with beat():
                results = run()
            elapsed += time.perf_counter() - t0
            check(verifiable(results), expected)
            LATENCIES.extend(latencies(results))
        return elapsed

    return time_func


def main(gil_at_start: bool) -> None:
    """The worker (`concbench.worker` runs it, after gevent's patches where a cell needs them)."""
    runner = pyperf.Runner(loops=1, add_cmdline_args=_forward)
    runner.argparser.add_argument("--cell", required=True, help="the cell as JSON (see Spec)")
    runner.argparser.add_argument("--monkey-patch", action="store_true", help="gevent: patch_all() first")
    args = runner.parse_args()
    spec = Spec(**json.loads(args.cell))
    params = json.dumps(spec.params, sort_keys=True, separators=(",", ":"))
    runner.metadata.update(
        {
            "concbench_workload": spec.workload,
            "concbench_model": spec.model,
            "concbench_variant": spec.variant,
            "concbench_params": params,
            "concbench_round": spec.round,
            "gil_disabled_build": int(bool(sysconfig.get_config_var("Py_GIL_DISABLED"))),
            "gil_enabled_before": int(gil_at_start),
            "mp_start_method": multiprocessing.get_start_method(),
        }
    )
    if not args.worker:  # run by hand under pyperf's manager: it only spawns the workers
        runner.bench_time_func(spec.name, lambda loops: 0.0)
        return
    package = spec.package or f"concbench.suites.{spec.workload}"
    workload = importlib.import_module(f"{package}.workload")
    model = importlib.import_module(f"{package}.{spec.model}")
    if not isinstance(workload, WorkloadModule) or not isinstance(model, ModelModule):
        raise TypeError(f"{package}: its workload.py or {spec.model}.py breaks concbench.workloads' contract")
    given = {  # for the workloads whose Params take them
        "url": spec.url,
        "dir": spec.scratch,
        "model": spec.model,
        "client": spec.client,
        **spec.options,
    }
    takes = {f.name for f in dataclasses.fields(workload.Params)}
    p = workload.Params(
        **spec.params, variant=spec.variant, **{k: v for k, v in given.items() if v and k in takes}
    )
    t0 = time.perf_counter()
    expected = spec.reference or digest(workload.reference(p))
    EXTRA["reference_s"] = time.perf_counter() - t0
    beat = heartbeat.AROUND.get(spec.heartbeat, contextlib.nullcontext) if spec.heartbeat else None
    if beats_on_its_own(model):  # its workers beat on their own loops
        beat = None
    if spec.probe_client:  # aiohttp: its C parser, yarl and multidict, or their pure-Python fallbacks
        from concbench.kit.clients import accelerators_in

        EXTRA["client_accel"] = accelerators_in(spec.model)
    if isinstance(model, KeepsUnitsAlive) and isinstance(workload, PricesMemory):  # spawn, not timed
        EXTRA.update(workload.memory_per_unit(model.alive, p.n_alive))
    with model.setup(p) as run:
        runner.bench_time_func(spec.name, timed(run, expected, workload, beat or contextlib.nullcontext))
