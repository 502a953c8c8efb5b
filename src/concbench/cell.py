"""Run one cell under pyperf: the single worker entry point for every workload and model.

    python -m concbench.cell --workload W --model M --variant V --params JSON -o OUT.json [pyperf options]

The manager process only spawns pyperf workers; each worker imports the model, calls its `setup(params)`
(pools, loops, interpreters: not timed), then pyperf times `run()` for the warmups and values. Every
call's results are checked against the workload's reference digest; a mismatch kills the cell, so a
failed cell has no timing. `command()` builds the argv; the orchestrator is its only caller.
"""

import sys

# Before anything else is imported: importing gevent can switch the GIL on, and gevent must patch first.
GIL_AT_START = getattr(sys, "_is_gil_enabled", lambda: True)()

if "--worker" in sys.argv and "--monkey-patch" in sys.argv:
    from gevent import monkey  # first thing in a gevent worker, as gevent requires

    monkey.patch_all()

import argparse  # noqa: E402
import contextlib  # noqa: E402
import dataclasses  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import sysconfig  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from types import ModuleType  # noqa: E402

import pyperf  # noqa: E402

from concbench import heartbeat  # noqa: E402
from concbench.registry import MODELS, WORKLOADS, Cell  # noqa: E402
from concbench.usage import EXTRA, HOOK, LATENCIES  # noqa: E402
from concbench.verify import check, digest  # noqa: E402

PYPERF_OPTIONS = {  # macro workloads: loops=1 always (see the Runner below)
    "quick": ("--processes", "1", "--values", "3", "--warmups", "1"),
    "full": ("--processes", "3", "--values", "3", "--warmups", "1"),
}


def command(
    python: str, cell: Cell, out: str, mode: str, url: str = "", reference: str = "", scratch: str = ""
) -> list[str]:
    """The argv that runs `cell` on `python`, writing pyperf JSON to `out`.

    `url`: the HTTP target (with the cell's run token); `reference`: the digest to expect instead
    of the workload's own reference (for a server that is not concbench's); `scratch`: the cell's
    own directory, for workloads that write files."""
    argv = [python, "-m", "concbench.cell", "--workload", cell.workload, "--model", cell.model]
    argv += ["--variant", cell.variant, "--params", cell.params_json, "--hook", HOOK, "--quiet"]
    argv += [*PYPERF_OPTIONS[mode], "-o", out]
    argv += ["--url", url] if url else []
    argv += ["--reference", reference] if reference else []
    argv += ["--scratch", scratch] if scratch else []
    return argv + (["--monkey-patch"] if MODELS[cell.model].monkey_patch else [])


def _forward(cmd: list[str], args: argparse.Namespace) -> None:
    """pyperf add_cmdline_args: give every worker the cell's own options."""
    cmd += ["--workload", args.workload, "--model", args.model, "--variant", args.variant]
    cmd += [
        "--params",
        args.params,
        "--url",
        args.url,
        "--reference",
        args.reference,
        "--scratch",
        args.scratch,
    ]
    cmd += ["--monkey-patch"] if args.monkey_patch else []


def timed(
    run: Callable[[], list], expected: str, workload: ModuleType, beat: Callable = contextlib.nullcontext
) -> Callable[[int], float]:
    """pyperf time_func: time `run()` only; check its results outside the timed region.

    A workload whose results carry more than what is verified (HTTP: digest and latency per request)
    says so with `verifiable(results)` and `latencies(results)`. `beat`: the heartbeat to keep
    around each call (started before the clock, stopped after it)."""
    verifiable = getattr(workload, "verifiable", lambda results: results)
    latencies = getattr(workload, "latencies", lambda results: [])

    def time_func(loops: int) -> float:
        elapsed = 0.0
        for _ in range(loops):
            with beat():
                t0 = time.perf_counter()
                results = run()
                elapsed += time.perf_counter() - t0
            check(verifiable(results), expected)
            LATENCIES.extend(latencies(results))
        return elapsed

    return time_func


def main() -> None:
    runner = pyperf.Runner(loops=1, add_cmdline_args=_forward)
    ap = runner.argparser
    ap.add_argument("--workload", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--variant", default="default")
    ap.add_argument("--params", required=True, help="the workload's params as JSON")
    ap.add_argument("--monkey-patch", action="store_true", help="gevent: patch_all() in workers")
    ap.add_argument("--url", default="", help="HTTP workloads: the target, with the cell's run token")
    ap.add_argument("--reference", default="", help="expected digest, instead of the workload's own")
    ap.add_argument("--scratch", default="", help="file workloads: the cell's own directory")
    args = runner.parse_args()
    params = json.loads(args.params)
    cell = Cell(args.workload, args.model, args.variant, params)
    runner.metadata.update(
        {
            "concbench_workload": args.workload,
            "concbench_model": args.model,
            "concbench_variant": args.variant,
            "concbench_params": cell.params_json,
            "gil_disabled_build": int(bool(sysconfig.get_config_var("Py_GIL_DISABLED"))),
            "gil_enabled_before": int(GIL_AT_START),
            "mp_start_method": multiprocessing.get_start_method(),
        }
    )
    if not args.worker:  # the manager: spawn the workers, collect their runs
        runner.bench_time_func(cell.id, lambda loops: 0.0)
        return
    suite = f"concbench.suites.{args.workload}"
    workload = importlib.import_module(f"{suite}.workload")
    model = importlib.import_module(f"{suite}.{args.model}")
    given = {"url": args.url, "dir": args.scratch, "model": args.model}  # for the workloads that take them
    takes = {f.name for f in dataclasses.fields(workload.Params)}
    p = workload.Params(
        **params, variant=args.variant, **{k: v for k, v in given.items() if v and k in takes}
    )
    t0 = time.perf_counter()
    expected = args.reference or digest(workload.reference(p))
    EXTRA["reference_s"] = time.perf_counter() - t0
    beat = contextlib.nullcontext
    if WORKLOADS[args.workload].heartbeat:
        beat = heartbeat.AROUND.get(MODELS[args.model].heartbeat, contextlib.nullcontext)
    if hasattr(model, "alive"):  # spawn: memory per live unit, measured once per worker, not timed
        EXTRA.update(workload.memory_per_unit(model.alive, p.n_alive))
    with model.setup(p) as run:
        runner.bench_time_func(cell.id, timed(run, expected, workload, beat))


if __name__ == "__main__":
    main()
