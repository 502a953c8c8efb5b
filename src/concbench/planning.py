"""From the command line's options to a run's Plan: a new run, or the rest of an interrupted one
(`--resume`), with every check that can refuse the input done before anything is written."""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from concbench.errors import UsageError
from concbench.outputs import writable_out
from concbench.registry import MODELS, WORKLOADS


def pin_cells(server_cpus: frozenset[int], http_target: str | None) -> None:
    """Keep this process, and so every cell it starts, off the server's CPUs."""
    if not server_cpus:
        return
    if http_target is not None:
        raise UsageError("--server-cpus pins the server concbench starts; a --target server is not one")
    allowed = set(os.sched_getaffinity(0))
    if not server_cpus < allowed:
        raise UsageError(
            f"--server-cpus {','.join(map(str, sorted(server_cpus)))}: must leave some of the CPUs this "
            f"run may use ({','.join(map(str, sorted(allowed)))}) for the cells"
        )
    os.sched_setaffinity(0, allowed - server_cpus)


def new_plan(args: argparse.Namespace, console: Console, out: Path | None = None, seed: int | None = None):
    """The Plan the run options describe, every check that can refuse them done before anything is
    written; `out` and `seed` given: the plan of a run being resumed there."""
    from concbench import registry
    from concbench.host import machine, target
    from concbench.run import costs, rounds
    from concbench.run.job import plan as job_plan
    from concbench.run.plan import Plan

    started = time.monotonic()  # the budget counts from here: probes, checks and the server included
    job = user_job(args)
    # null first (the harness's own cost, which later cells are judged against), sync first (speedups)
    mode = args.mode or "quick"
    default = [w for w, wl in WORKLOADS.items() if wl.by_default and (mode == "full" or w in rounds.FOCUS)]
    chosen = args.workload or ([] if job else default)  # quick: the four main workloads; full: all
    workloads = ["null", *(w for w in chosen if w not in ("null", "job")), *(["job"] if job else [])]
    models = ["sync", *(m for m in (args.model or MODELS) if m != "sync")]
    pin_cells(args.server_cpus, args.target)  # first: the cells' CPUs decide the default workers
    try:  # every check that can refuse the input comes before anything is written
        cells = registry.cells(
            workloads,
            models,
            full=args.mode == "full",
            workers=args.workers or machine.cores(),
            overrides=dict(args.param) | ({"items": args.items} if args.items else {}),
            sweeps=dict(args.sweep),
        )
        http_target = target.connect(args.target) if args.target else None
    except (registry.UnknownParam, target.BadTarget) as e:
        raise UsageError(str(e)) from e
    if args.scratch and not args.scratch.is_dir():
        raise UsageError(f"--scratch {args.scratch}: not a directory")
    if not args.python:
        for line in missing_pythons():
            console.print(line)
    pythons, built = probe_and_build(args.python or default_pythons())
    started += built  # an environment built the first time is the one cost outside the budget
    if built > 1:
        console.print(f"environments built in {built:.0f} s (not in the budget)")
    for f in (f for f in pythons if not f.imports["concbench"]["ok"]):  # no checkout to build from
        console.print(
            f"{f.id}: concbench is not installed there, and this concbench is not run from its checkout: "
            f"its cells will be n/a. Run it from the checkout, or install concbench into {f.executable}",
            highlight=False,
            soft_wrap=True,
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    checked = check_job(job, cells, pythons, args.timeout) if job else {}
    resuming = seed is not None
    if seed is None:
        seed = random.randrange(2**32) if args.seed is None else args.seed
    plan = Plan(
        cells=cells,
        pythons=pythons,
        out=(out or writable_out(args.out or Path("results") / stamp)).resolve(),
        mode=mode,
        timeout_s=args.timeout,
        budget_s=args.budget or rounds.BUDGETS[mode],
        max_rounds=args.rounds,
        seed=seed,
        margin=args.margin,
        focus=rounds.focus(mode, args.workload),
        started=started,
        target=http_target,
        server_procs=args.server_procs,
        scratch=args.scratch,
        server_cpus=args.server_cpus,
        **(job_plan(job, checked, cells, [f.id for f in pythons]) if job else {}),
    )
    if not resuming and (short := costs.short_budget(plan, costs.load())):
        console.print(short, highlight=False, soft_wrap=True)
    return plan


def resume_plan(args: argparse.Namespace, console: Console, parse: Callable[[list[str]], argparse.Namespace]):
    """The plan of the unfinished run in --resume DIR, rebuilt from the options its manifest keeps
    and refused unless it is the same: concbench version, interpreters, cells, workload files."""
    from concbench import __version__
    from concbench.results import BadResults, read_manifest

    out = args.resume.resolve()
    if others := [a for a in args.argv[1:] if a.startswith("-") and a.split("=")[0] != "--resume"]:
        raise UsageError(f"--resume takes no other option (its run's are in its manifest), not {others[0]}")
    try:
        manifest = read_manifest(out)
    except BadResults as e:
        raise UsageError(f"--resume: {e}") from e
    if "argv" not in manifest or "rounds" not in manifest:
        raise UsageError(f"--resume {out}: not a run this concbench can resume (its manifest has no argv)")
    if "finished" in manifest:
        raise UsageError(f"--resume {out}: that run finished at {manifest['finished']}; nothing to resume")
    if manifest.get("concbench_version") != __version__:
        raise UsageError(
            f"--resume {out}: made by concbench {manifest.get('concbench_version')}, this is {__version__}"
        )
    stored = parse(manifest["argv"])
    stored.argv = manifest["argv"]
    if Path(manifest.get("cwd", "")).is_dir():
        os.chdir(manifest["cwd"])  # the stored options' relative paths (--python, --scratch, --job)
    plan = new_plan(stored, console, out=out, seed=manifest["params"]["seed"])
    if problem := plan_changes(plan, manifest):
        raise UsageError(f"--resume {out}: {problem}; start a new run instead")
    args.argv = manifest["argv"]
    return plan, manifest


def plan_changes(plan, manifest: dict) -> str:
    """How the rebuilt plan differs from the one the manifest recorded ('' when it does not)."""
    from concbench.run.state import digests

    then = [(i.get("id"), i.get("executable"), i.get("version")) for i in manifest.get("interpreters", [])]
    now = [(f.id, f.executable, f.version) for f in plan.pythons]
    if then != now:
        return f"the interpreters are not the same ({', '.join(map(str, now))} now)"
    if {c.id: c.params for c in plan.cells} != manifest["params"].get("cells"):
        return "its cells and params are not the ones this concbench makes of its options"
    old, new = manifest.get("digests", {}), digests(plan.cells)
    if changed := sorted(k for k in new if old.get(k) != new[k]):
        return f"the files of {changed[0]} changed since it started (sha256 of its package's .py files)"
    return ""


def user_job(args: argparse.Namespace):
    """The --job the user gave (None without one), its references' syntax checked."""
    from concbench.run.job import Job, parse_ref

    if not (args.job or args.async_job):
        for flag, value in (("--items", args.items), ("--job-setup", args.job_setup)):
            if value:
                raise UsageError(f"{flag} needs --job MODULE:FUNCTION (or --async-job)")
        return None
    try:
        refs = {
            k: parse_ref(v, flag)
            for k, v, flag in (
                ("function", args.job, "--job"),
                ("async_function", args.async_job, "--async-job"),
                ("setup", args.job_setup, "--job-setup"),
            )
            if v
        }
    except ValueError as e:
        raise UsageError(str(e)) from e
    return Job(**refs, path=str(Path.cwd()))


def check_job(job, cells: list, pythons: list, timeout_s: float) -> dict:
    """The job checked on every interpreter (its sync reference, once, untimed): interpreter id ->
    Checked. A job that cannot run on the first interpreter stops the run with that one line."""
    from pyperf._utils import create_environ

    from concbench.run.job import check

    items = max(c.params["items"] for c in cells if c.workload == "job")
    out = {}
    for facts in pythons:
        out[facts.id] = check(facts.executable, job, items, timeout_s, create_environ(None, False, False))
        if out[facts.id].fatal and facts is pythons[0]:
            raise UsageError(out[facts.id].fatal)
    return out


def missing_pythons() -> list[str]:
    """Before a default run: which of 3.14 and 3.14t were not found, and how to get them."""
    from concbench.host.pythons import discover, missing_families

    lines = [
        f"[yellow]{family}: not found; its cells will not run[/]. Get it with {how}"
        for family, how in missing_families(discover()).items()
    ]
    if lines:
        lines.append("(or point --python at the interpreters you have: concbench pythons lists them)")
    return lines


def default_pythons() -> list[str]:
    """This interpreter, then every usable 3.14 and 3.14t found on this machine."""
    from concbench.host.pythons import discover

    found = [
        f for f in discover() if not f.problem and f.family in ("3.14", "3.14t") and f.source != "current"
    ]
    current = sys.prefix
    return [sys.executable, *(f.path for f in found if f.prefix != current)]


def probe_all(pythons: list[str] | None):
    """Facts of each interpreter; one without concbench gets a cached environment (envs.py) when
    this is a concbench checkout, and is probed there."""
    return probe_and_build(pythons)[0]


def probe_and_build(pythons: list[str] | None):
    """probe_all, and the seconds spent making sure of the cached environments (building one, the
    first time)."""
    from concbench.host import envs
    from concbench.host.pythons import BadInterpreter, probe
    from concbench.registry import gil_only_packages, probe_modules

    out, built = [], 0.0
    root = envs.project_root()
    for python in pythons or [sys.executable]:
        try:
            facts = probe(python, probe_modules())
            if not facts.imports["concbench"]["ok"] and root is not None:
                skip = gil_only_packages() if facts.gil_disabled_build else ()
                t0 = time.monotonic()
                env = envs.ensure(python, root, facts.id, skip)
                built += time.monotonic() - t0
                facts = probe(env, probe_modules())
        except (BadInterpreter, envs.EnvError) as e:
            raise UsageError(str(e)) from e
        out.append(facts)
    return out, built
