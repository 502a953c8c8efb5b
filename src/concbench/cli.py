"""The `concbench` command: subcommands in a table, bad input as one line on stderr and exit code 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from concbench.errors import EXIT_USAGE, UsageError
from concbench.outputs import writable_dir, writable_file, writable_out
from concbench.registry import MODELS, names


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


def _key_numbers(text: str) -> tuple[str, list[int]] | None:
    """`KEY=N1,N2,...` with every N a whole number >= 1, or None."""
    key, sep, values = text.partition("=")
    try:
        numbers = [int(v) for v in values.split(",")]
    except ValueError:
        return None
    return (key, numbers) if sep and key and numbers and min(numbers) >= 1 else None


def sweep(text: str) -> tuple[str, list[int]]:
    """`KEY=N1,N2,...`, every N a whole number >= 1."""
    if (parsed := _key_numbers(text)) is None:
        raise argparse.ArgumentTypeError(f"expected KEY=N1,N2,... with every N >= 1, not {text!r}")
    return parsed


def param(text: str) -> tuple[str, int]:
    """`KEY=N`, N a whole number >= 1."""
    parsed = _key_numbers(text)
    if parsed is None or len(parsed[1]) != 1:
        more = " (--sweep takes several)" if parsed else ""
        raise argparse.ArgumentTypeError(f"expected KEY=N with N a whole number >= 1{more}, not {text!r}")
    return parsed[0], parsed[1][0]


def percent(text: str) -> float:
    """`5%` or `5` -> 0.05; between 0 and 100 % exclusive."""
    try:
        value = float(text.removesuffix("%")) / 100
    except ValueError:
        value = 0.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a percentage between 0 and 100, not {text!r}")
    return value


def budget(text: str) -> float:
    from concbench.run.rounds import parse_budget

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
    p.add_argument("--workload", action="append", choices=sorted(names()), help="repeatable; default: all")
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
    p.add_argument(
        "--rounds",
        type=positive_int,
        metavar="N",
        help="at most N rounds (default: as many as the budget allows and the verdicts need)",
    )
    p.add_argument("--seed", type=int, help="the shuffle's seed (default: random; kept in the manifest)")
    p.add_argument(
        "--margin",
        type=percent,
        default=0.05,
        metavar="PCT",
        help="models within this of each other are tied (default 5%%: see README, Verdicts)",
    )
    p.add_argument("--tables", action="store_true", help="print every cell's table before the verdicts")
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


def load_results(path: Path):
    """A results directory read whole (manifest, results.csv, every raw file there) for the report;
    else its first problem as a UsageError (truncated, not UTF-8, a newer format, a missing raw file)."""
    from concbench.report.data import load
    from concbench.results import BadResults

    try:
        return load(path)
    except BadResults as e:
        raise UsageError(str(e)) from e


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    from concbench.report import page
    from concbench.report.compare import compare

    res = load_results(args.dir)
    cmp = compare(res, load_results(args.other)) if args.other else None
    out = writable_file(args.out, "-o") if args.out else writable_file(args.dir / "report.html", "DIR")
    code = writable_file(page.code_path(out), "-o" if args.out else "DIR")  # its code page, beside it
    console.print(f"report: {page.write(res, out, cmp)} (its code: {code.name})")
    return 0


def cmd_compare(args: argparse.Namespace, console: Console) -> int:
    from concbench.report.compare import compare
    from concbench.report.terminal import agreement_lines, comparison_table

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
    from concbench.host.pythons import discover, missing_families
    from concbench.report.terminal import pythons_table

    found = discover(args.python)
    console.print(pythons_table(found))
    for family, how in missing_families(found).items():
        console.print(f"{family}: not found; get it with {how}")
    return 0


def cmd_list(args: argparse.Namespace, console: Console) -> int:
    from concbench.planning import probe_all
    from concbench.report.terminal import matrix_table

    for facts in probe_all(args.python):
        console.print(matrix_table(facts))
    return 0


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    """A new run, or the rest of an interrupted one (--resume); SIGTERM takes Ctrl-C's way out."""
    import signal

    from concbench.planning import new_plan, resume_plan
    from concbench.report import answer, plot, terminal
    from concbench.results import Status
    from concbench.run.loop import run
    from concbench.run.state import Interrupted, raise_on_sigterm
    from concbench.verdicts import decide, table

    if args.resume:
        plan, resumed = resume_plan(args, console, parser().parse_args)
    else:
        plan, resumed = new_plan(args, console), None
    old = signal.signal(signal.SIGTERM, raise_on_sigterm)
    try:
        with terminal.progress(console, plan.budget_s) as on_round:
            rows = run(plan, ["concbench", *args.argv], on_round, resume=resumed)
    except Interrupted as e:
        print(
            f"concbench: interrupted by {e.signame}; finished rounds are in {e.out}; "
            f"go on with: concbench run --resume {e.out}",
            file=sys.stderr,
        )
        return e.exit_code
    finally:
        signal.signal(signal.SIGTERM, old)
    if args.tables:
        terminal.print_tables(console, rows)
    for line in terminal.findings(rows, plan.ci_target):
        console.print(line)
    for chart in plot.plot(plan.out):
        console.print(f"chart: {chart}")
    found = decide.verdicts(load_results(plan.out).df, plan.margin)
    console.print(f"results: {plan.out} (verdicts: {table.write(plan.out, found).name})")
    for v in sorted(found, key=lambda v: (v.workload, v.params, v.interpreter)):
        console.print(answer.line(v), highlight=False, soft_wrap=True)  # one line, for grep and copy
    console.print(answer.undecided(found), highlight=False, soft_wrap=True)
    if skipped := sum(r.status == Status.NOT_RUN for r in rows):
        console.print(
            f"{skipped} cells not run: the budget ({plan.budget_s:g} s) had no room for their jobs; "
            "a longer --budget runs them",
            highlight=False,
            soft_wrap=True,
        )
    return 1 if any(r.status == Status.FAILED for r in rows) else 0


def configure_new(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="the workload's name, also its package's (a Python identifier)")
    p.add_argument("--dir", type=Path, default=Path(), help="where to create NAME/ (default: here)")


def cmd_new(args: argparse.Namespace, console: Console) -> int:
    from concbench import scaffold

    try:
        made = scaffold.create(args.name, writable_dir(args.dir, "--dir")).resolve()
    except scaffold.ScaffoldError as e:
        raise UsageError(str(e)) from e
    for line in [f"created {made}", *scaffold.next_steps(made)]:
        console.print(line, highlight=False, markup=False)
    return 0


def cmd_plot(args: argparse.Namespace, console: Console) -> int:
    from concbench.report import plot

    load_results(args.dir)  # whole and readable, before a chart is drawn
    for chart in plot.plot(writable_dir(args.dir, "DIR")):
        console.print(f"chart: {chart}")
    return 0


def cmd_merge(args: argparse.Namespace, console: Console) -> int:
    from concbench.results import merge

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
        from concbench.run.state import Terminated

        print("concbench: interrupted", file=sys.stderr)
        return 143 if isinstance(e, Terminated) else 130
