"""The `concbench` command: subcommands in a table, bad input as one line on stderr and exit code 2."""

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

from concbench.registry import MODELS, WORKLOADS

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input: reported as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse prints usage too; we print one line
        raise UsageError(message)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, not {text!r}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0, not {text!r}")
    return value


def sweep(text: str) -> tuple[str, list[int]]:
    """`KEY=N1,N2,...`, every N a whole number >= 1."""
    key, sep, values = text.partition("=")
    try:
        numbers = [int(v) for v in values.split(",")]
    except ValueError:
        numbers = []
    if not sep or not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError(f"expected KEY=N1,N2,... with every N >= 1, not {text!r}")
    return key, numbers


def param(text: str) -> tuple[str, int]:
    """`KEY=N`: a sweep of one value."""
    key, numbers = sweep(text)
    if len(numbers) != 1:
        raise argparse.ArgumentTypeError(f"expected KEY=N (one value; --sweep takes several), not {text!r}")
    return key, numbers[0]


def budget(text: str) -> float:
    from concbench.rounds import parse_budget

    try:
        return parse_budget(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from e


def cpu_list(text: str) -> frozenset[int]:
    """`1`, `0,2`, `2-3` -> a set of CPU numbers."""
    cpus: set[int] = set()
    try:
        for part in text.split(","):
            lo, _, hi = part.partition("-")
            cpus.update(range(int(lo), int(hi or lo) + 1))
    except ValueError:
        cpus = set()
    if not cpus or min(cpus) < 0:
        raise argparse.ArgumentTypeError(f"expected CPU numbers such as 1, 0,2 or 2-3, not {text!r}")
    return frozenset(cpus)


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


def writable_out(path: Path) -> Path:
    """Create the output directory, or explain in one line why it can't be used."""
    if (path / "results.csv").exists():
        raise UsageError(f"--out {path}: already holds results; choose a new directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        (path / ".write-test").write_text("")
        (path / ".write-test").unlink()
    except OSError as e:
        raise UsageError(f"--out {path}: cannot write there ({e.strerror or e})") from e
    return path


def add_python(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--python",
        action="append",
        metavar="PATH",
        help="interpreter to run the cells on (repeatable; default: this one)",
    )


def configure_list(p: argparse.ArgumentParser) -> None:
    add_python(p)


def configure_pythons(p: argparse.ArgumentParser) -> None:
    p.add_argument("--python", action="append", default=[], metavar="PATH", help="also look at this one")


def configure_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workload", action="append", choices=sorted(WORKLOADS), help="repeatable; default: all")
    p.add_argument("--model", action="append", choices=list(MODELS), help="repeatable; default: all")
    job = p.add_argument_group("your own job", "FUNCTION(i) for i in range(N), run by every model")
    job.add_argument(
        "--job", metavar="MODULE:FUNCTION", help="a blocking function of the item (or an async def)"
    )
    job.add_argument(
        "--async-job", metavar="MODULE:AFUNCTION", help="its native async form, for asyncio and trio"
    )
    job.add_argument(
        "--job-setup", metavar="MODULE:FUNCTION", help="run once per process or interpreter, untimed"
    )
    job.add_argument("--items", type=positive_int, help="N, the items per call (default: quick 64, full 256)")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", dest="mode", action="store_const", const="quick", help="(default)")
    size.add_argument("--full", dest="mode", action="store_const", const="full")
    p.add_argument("--workers", type=positive_int, help="default: the CPUs the cells may use")
    p.add_argument(
        "--param",
        type=param,
        action="append",
        default=[],
        metavar="KEY=N",
        help="override a workload dimension",
    )
    p.add_argument(
        "--sweep",
        type=sweep,
        action="append",
        default=[],
        metavar="KEY=N1,N2,...",
        help="a series of values of a dimension (e.g. concurrency=1,10,100 or workers=1,2,4,8)",
    )
    p.add_argument(
        "--budget",
        type=budget,
        help="time for the whole run, e.g. 90s, 10m, 1h (default: quick 3m, full 30m)",
    )
    p.add_argument("--seed", type=int, help="the shuffle's seed (default: random; kept in the manifest)")
    p.add_argument(
        "--timeout", type=positive_float, default=600.0, help="seconds per worker process (default 600)"
    )
    p.add_argument("--scratch", type=Path, help="where disk cells write (a tmpfs or a disk; default: TMPDIR)")
    p.add_argument("--out", type=Path, help="results directory (default: results/<UTC timestamp>)")
    p.add_argument(
        "--resume",
        type=Path,
        metavar="DIR",
        help="go on with an interrupted run: its missing rounds, on its own plan (no other options)",
    )
    add_python(p)
    p.add_argument("--target", metavar="URL", help="HTTP workloads: a running server instead of our own")
    p.add_argument("--server-procs", type=positive_int, default=1, help="mock server processes (default 1)")
    p.add_argument(
        "--server-cpus",
        type=cpu_list,
        default=frozenset(),
        metavar="LIST",
        help="pin the mock server to these CPUs (e.g. 1 or 2-3), the cells to the rest (default: unpinned)",
    )


def configure_merge(p: argparse.ArgumentParser) -> None:
    p.add_argument("dirs", nargs="+", type=Path, metavar="DIR", help="results directories to combine")
    p.add_argument("--out", type=Path, required=True, help="the merged results directory (new)")
    p.add_argument("--prefer", choices=["newest"], help="on a conflicting duplicate, keep the newest run")


def configure_server(p: argparse.ArgumentParser) -> None:
    p.add_argument("--procs", type=positive_int, default=1, help="processes sharing the port (SO_REUSEPORT)")
    p.add_argument("--port", type=int, default=0, help="default 0: any free port")


def configure_plot(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=Path, help="a results directory written by `concbench run`")


def configure_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", type=Path, help="a results directory")
    p.add_argument("other", type=Path, nargs="?", help="a second one: adds a comparison (B = this one)")
    p.add_argument("-o", "--out", type=Path, help="the HTML file (default: DIR/report.html)")


def configure_compare(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", type=Path, metavar="A", help="the baseline results directory")
    p.add_argument("b", type=Path, metavar="B", help="the results directory compared with A")


def checked_dir(path: Path) -> Path:
    """A results directory whose manifest and results.csv read whole, every raw file there; else the
    first problem as a UsageError (truncated, not UTF-8, a newer format, a missing raw file, ...)."""
    from concbench.results import BadResults, check_dir

    try:
        check_dir(path)
    except BadResults as e:
        raise UsageError(str(e)) from e
    return path


def load_results(path: Path):
    from concbench.report.data import NotResults, load

    try:
        return load(checked_dir(path))
    except NotResults as e:
        raise UsageError(str(e)) from e


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    from concbench.compare import compare
    from concbench.report import page

    res = load_results(args.dir)
    cmp = compare(res, load_results(args.other)) if args.other else None
    out = args.out or args.dir / "report.html"
    if not out.parent.is_dir():
        raise UsageError(f"-o {out}: directory {out.parent} does not exist")
    console.print(f"report: {page.write(res, out, cmp)}")
    return 0


def cmd_compare(args: argparse.Namespace, console: Console) -> int:
    from concbench.compare import compare
    from concbench.summary import agreement_lines, comparison_table

    cmp = compare(load_results(args.a), load_results(args.b))
    if not cmp.ratios:
        raise UsageError(f"{args.a} and {args.b} have no ok cell in common")
    console.print(comparison_table(cmp))
    for by in ("model", "interpreter"):
        means = ", ".join(f"{k} {v:.3f}" for k, v in cmp.geomean(by).items())
        console.print(f"geometric mean of B/A per {by}: {means}")
    for line in [*agreement_lines(cmp), *cmp.notes]:
        console.print(line, highlight=False)
    return 0


def cmd_pythons(args: argparse.Namespace, console: Console) -> int:
    from concbench.pythons import discover, missing_families
    from concbench.summary import pythons_table

    found = discover(args.python)
    console.print(pythons_table(found))
    for family, how in missing_families(found).items():
        console.print(f"{family}: not found; get it with {how}")
    return 0


def cmd_list(args: argparse.Namespace, console: Console) -> int:
    from concbench.summary import matrix_table

    for facts in probe_all(args.python):
        console.print(matrix_table(facts))
    return 0


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    """A new run, or the rest of an interrupted one (--resume); SIGTERM takes Ctrl-C's way out."""
    import signal

    from concbench import orchestrate, plot, summary

    plan, resumed = resume_plan(args, console) if args.resume else (new_plan(args, console), None)
    old = signal.signal(signal.SIGTERM, orchestrate.raise_on_sigterm)
    try:
        with summary.progress(console, plan.budget_s) as on_round:
            rows = orchestrate.run(plan, ["concbench", *args.argv], on_round, resume=resumed)
    except orchestrate.Interrupted as e:
        print(
            f"concbench: interrupted by {e.signame}; finished rounds are in {e.out}; "
            f"go on with: concbench run --resume {e.out}",
            file=sys.stderr,
        )
        return e.exit_code
    finally:
        signal.signal(signal.SIGTERM, old)
    summary.print_tables(console, rows)
    for line in summary.findings(rows, plan.ci_target):
        console.print(line)
    for chart in plot.plot(plan.out):
        console.print(f"chart: {chart}")
    console.print(f"results: {plan.out}")
    return 1 if any(r.status == "failed" for r in rows) else 0


def new_plan(args: argparse.Namespace, console: Console, out: Path | None = None, seed: int | None = None):
    """The Plan the run options describe, every check that can refuse them done before anything is
    written; `out` and `seed` given: the plan of a run being resumed there."""
    from concbench import machine, orchestrate, registry, rounds, target
    from concbench.job import plan as job_plan

    job = job_of(args)
    # null first (the harness's own cost, which later cells are judged against), sync first (speedups)
    chosen = args.workload or ([] if job else [w for w, wl in WORKLOADS.items() if wl.by_default])
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
    t0 = time.monotonic()
    pythons = probe_all(args.python or default_pythons())
    if (built := time.monotonic() - t0) > 5:
        console.print(
            f"interpreters probed and their environments ready in {built:.0f} s (not in the budget)"
        )
    mode = args.mode or "quick"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    checked = check_job(job, cells, pythons, args.timeout) if job else {}
    if seed is None:
        seed = random.randrange(2**32) if args.seed is None else args.seed
    return orchestrate.Plan(
        cells=cells,
        pythons=pythons,
        out=(out or writable_out(args.out or Path("results") / stamp)).resolve(),
        mode=mode,
        timeout_s=args.timeout,
        budget_s=args.budget or rounds.BUDGETS[mode],
        seed=seed,
        target=http_target,
        server_procs=args.server_procs,
        scratch=args.scratch,
        server_cpus=args.server_cpus,
        **(job_plan(job, checked, cells, [f.id for f in pythons]) if job else {}),
    )


def resume_plan(args: argparse.Namespace, console: Console):
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
    stored = parser().parse_args(manifest["argv"])
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
    from concbench.orchestrate import digests

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


def job_of(args: argparse.Namespace):
    """The --job the user gave (None without one), its references' syntax checked."""
    from concbench.job import Job, parse_ref

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

    from concbench.job import check

    items = max(c.params["items"] for c in cells if c.workload == "job")
    out = {}
    for facts in pythons:
        out[facts.id] = check(facts.executable, job, items, timeout_s, create_environ(None, False, False))
        if out[facts.id].fatal and facts is pythons[0]:
            raise UsageError(out[facts.id].fatal)
    return out


def configure_new(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="the workload's name, also its package's (a Python identifier)")
    p.add_argument("--dir", type=Path, default=Path(), help="where to create NAME/ (default: here)")


def cmd_new(args: argparse.Namespace, console: Console) -> int:
    from concbench import scaffold

    try:
        made = scaffold.create(args.name, args.dir).resolve()
    except scaffold.ScaffoldError as e:
        raise UsageError(str(e)) from e
    for line in [f"created {made}", *scaffold.next_steps(made)]:
        console.print(line, highlight=False, markup=False)
    return 0


def cmd_plot(args: argparse.Namespace, console: Console) -> int:
    from concbench import plot

    for chart in plot.plot(checked_dir(args.dir)):
        console.print(f"chart: {chart}")
    return 0


def cmd_merge(args: argparse.Namespace, console: Console) -> int:
    from concbench import merge

    try:  # every source read and every conflict found before anything is written
        sources = [merge.load(d) for d in args.dirs]
        kept = merge.select(sources, prefer_newest=args.prefer == "newest")
    except merge.MergeError as e:
        raise UsageError(str(e)) from e
    merge.write(sources, kept, writable_out(args.out))
    console.print(f"merged {len(kept)} rows from {len(sources)} directories into {args.out}")
    return 0


def cmd_server(args: argparse.Namespace, console: Console) -> int:
    from concbench.servers import mockhttp

    def announce(info: dict) -> None:
        console.print(f"{info['url']}  ({info['procs']} process(es), {info['loop']} loop); Ctrl-C stops")

    try:
        mockhttp.main(["--procs", str(args.procs), "--port", str(args.port)], announce)
    except OSError as e:
        raise UsageError(f"--port {args.port}: cannot listen there ({e.strerror or e})") from e
    return 0


def missing_pythons() -> list[str]:
    """Before a default run: which of 3.14 and 3.14t were not found, and how to get them."""
    from concbench.pythons import discover, missing_families

    lines = [
        f"[yellow]{family}: not found; its cells will not run[/]. Get it with {how}"
        for family, how in missing_families(discover()).items()
    ]
    if lines:
        lines.append("(or point --python at the interpreters you have: concbench pythons lists them)")
    return lines


def default_pythons() -> list[str]:
    """This interpreter, then every usable 3.14 and 3.14t found on this machine."""
    from concbench.pythons import discover

    found = [
        f for f in discover() if not f.problem and f.family in ("3.14", "3.14t") and f.source != "current"
    ]
    current = sys.prefix
    return [sys.executable, *(f.path for f in found if f.prefix != current)]


def probe_all(pythons: list[str] | None):
    """Facts of each interpreter; one without concbench gets a cached environment (envs.py) when
    this is a concbench checkout, and is probed there."""
    from concbench import envs
    from concbench.pythons import BadInterpreter, probe
    from concbench.registry import gil_only_packages, probe_modules

    out = []
    root = envs.project_root()
    for python in pythons or [sys.executable]:
        try:
            facts = probe(python, probe_modules())
            if not facts.imports["concbench"]["ok"] and root is not None:
                skip = gil_only_packages() if facts.gil_disabled_build else ()
                facts = probe(envs.ensure(python, root, facts.id, skip), probe_modules())
        except (BadInterpreter, envs.EnvError) as e:
            raise UsageError(str(e)) from e
        out.append(facts)
    return out


Configure = Callable[[argparse.ArgumentParser], None]
COMMANDS: dict[str, tuple[str, Configure, Callable[[argparse.Namespace, Console], int]]] = {
    "pythons": (
        "the interpreters on this machine: version, build, usable or why not",
        configure_pythons,
        cmd_pythons,
    ),
    "list": ("the matrix of workloads × models; which cells are n/a here and why", configure_list, cmd_list),
    "run": ("run cells under pyperf, verify them, write results and a chart", configure_run, cmd_run),
    "new": ("a workload package of your own (a plug-in), ready to pip install", configure_new, cmd_new),
    "plot": ("bar charts (SVG and PNG) of a results directory", configure_plot, cmd_plot),
    "merge": ("combine results directories (machines, CI jobs) into one", configure_merge, cmd_merge),
    "report": ("one self-contained HTML report of a results directory", configure_report, cmd_report),
    "compare": ("B's wall time over A's per cell, with significance", configure_compare, cmd_compare),
    "server": (
        "the mock HTTP server, standalone: prints its URL, stops on Ctrl-C",
        configure_server,
        cmd_server,
    ),
}


def parser() -> Parser:
    top = Parser(prog="concbench", description=__doc__)
    subs = top.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name, (text, configure, _) in COMMANDS.items():
        configure(subs.add_parser(name, help=text, description=text))
    return top


def main(argv: list[str] | None = None) -> int:
    console = Console(width=None if sys.stdout.isatty() else 200)  # logs: wide tables, no wrapping
    try:
        argv = sys.argv[1:] if argv is None else argv
        args = parser().parse_args(argv)
        args.argv = argv  # what the manifest keeps, for --resume
        return COMMANDS[args.command][2](args, console)
    except UsageError as e:
        print(f"concbench: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt as e:  # before a run wrote anything, or in another command
        from concbench.orchestrate import Terminated

        print("concbench: interrupted", file=sys.stderr)
        return 143 if isinstance(e, Terminated) else 130
