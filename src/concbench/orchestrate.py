"""Run a matrix of cells in interleaved rounds on one or more interpreters; write the results contract.

Each round measures the machine (its yardstick and what else ran), then gives every cell of every
job still short of its target one pyperf worker process, in a shuffled order (`rounds.py`). A worker
runs in its own process group with a timeout, so a failure or a hang costs that cell only; HTTP
rounds are checked against the server's own counts. After every round each cell's evidence is judged
into its row (`judge.py`) and raw/, results.csv and the manifest are rewritten, so an interrupted run
keeps every finished round. The mock server (when a workload needs one and no --target is given)
lives for the whole run.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib
import importlib.util
import math
import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
from pyperf._utils import create_environ  # the environment pyperf's manager gives its workers

from concbench import __version__, fio, machine, rounds, target
from concbench.cell import Spec, command
from concbench.judge import NOT_RUN, Context, Evidence, judge
from concbench.pythons import Facts
from concbench.registry import DEFAULT, MODELS, WORKLOADS, Cell, baseline_params, unavailable, variant
from concbench.results import FORMAT, TARGETS, Row, base_row, write_csv, write_manifest
from concbench.target import Target
from concbench.verify import server_counts

ERROR_LINE = re.compile(r"^\w*(Error|Exception|Failed|Interrupt)\b.*")
PYPERF_MANAGER_ERROR = re.compile(r"failed with exit code \d+$")  # says less than the worker's own error

Key = tuple[str, Cell]  # (interpreter id, cell)


@dataclass(frozen=True)
class Plan:
    cells: list[Cell]
    pythons: list[Facts]
    out: Path
    mode: str  # quick | full
    timeout_s: float  # per worker process (one cell, one round)
    budget_s: float = rounds.BUDGETS["quick"]
    seed: int = 0
    target: Target | None = None  # a running server (--target); else concbench starts its own
    server_procs: int = 1
    scratch: Path | None = None  # where disk cells write (default: the system's temporary directory)
    server_cpus: frozenset[int] = frozenset()  # pin the mock server there (the cells run on the rest)
    options: dict = field(default_factory=dict)  # run-wide settings for the workloads that take them (--job)
    refusals: dict[tuple[str, str, str, str], str] = field(default_factory=dict)  # (interpreter, workload,
    # model, variant) -> why n/a, decided before the run (a --job that a model cannot run)
    references: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (interpreter, workload,
    # params JSON) -> the digest to expect, computed before the run (a --job's sync results)
    manifest: dict = field(default_factory=dict)  # more for manifest.json (what --job ran)

    @property
    def ci_target(self) -> float:
        return TARGETS[self.mode]


class Interrupted(KeyboardInterrupt):
    """The run stopped on a signal (SIGINT or SIGTERM); its finished work is written."""

    def __init__(self, out: Path, signame: str) -> None:
        super().__init__(signame)
        self.out, self.signame = out, signame

    @property
    def exit_code(self) -> int:
        return 128 + signal.Signals[self.signame].value


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the run is, to take Ctrl-C's way out."""


def raise_on_sigterm(signum: int, frame: object) -> None:
    raise Terminated("SIGTERM")


@dataclass
class Server:
    """The HTTP target during a run, with its measured capacity."""

    target: Target
    capacity: dict
    references: dict[str, str]  # foreign servers: params JSON -> expected digest

    def cpu_s(self) -> float | None:
        """CPU seconds the server's processes have used so far (None when it is not ours): from
        each thread's `/proc/PID/task/TID/schedstat` (nanoseconds), else psutil's 10 ms ticks."""
        if not self.target.pid:
            return None
        total = 0.0
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(self.target.pid)
            for p in (proc, *proc.children(recursive=True)):
                total += machine.thread_cpu_s(p.pid) or sum(p.cpu_times()[:2])
        return total

    def demand_note(self, params: dict) -> str:
        demand = params["concurrency"] / (params["latency_ms"] / 1000)
        if demand > self.capacity["req_per_s"] / 2:
            return (
                f"server-bound? demand {demand:.0f} req/s is over half the server's capacity "
                f"({self.capacity['req_per_s']:.0f} req/s)"
            )
        return ""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def failure_reason(stderr: str, returncode: int) -> str:
    """The most telling line of a failed cell's stderr: the last exception line, else the last line."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ERROR_LINE.match(ln) and not PYPERF_MANAGER_ERROR.search(ln)]
    return (errors or lines or [f"exit code {returncode}"])[-1][:300]


def run_round(ev: Evidence, plan: Plan, round_no: int, server: Server | None = None) -> None:
    """One worker process of values for a cell, added to its evidence (or its failure recorded).

    The worker runs in its own process group, killed whole on timeout or on the way out; a cell
    that writes files gets a fresh directory, removed afterwards whatever happened."""
    wl = WORKLOADS[ev.cell.workload]
    parent = str(plan.scratch) if plan.scratch else None
    scratch = tempfile.TemporaryDirectory(prefix="concbench-", dir=parent) if wl.scratch else None
    with scratch or contextlib.nullcontext():
        if scratch:
            machine.settle_disk()
        t0 = time.monotonic()
        _run_round(ev, plan, round_no, server if wl.server else None, scratch.name if scratch else "")
        ev.seconds = time.monotonic() - t0


def _run_round(ev: Evidence, plan: Plan, round_no: int, server: Server | None, scratch: str) -> None:
    """One worker under a run token of its own, closed after it: what reaches the server for it
    later is counted as a stray, never as another cell's."""
    token = server.target.new_run() if server else None
    try:
        _run_worker(ev, plan, round_no, server, scratch, token)
    finally:
        if server and token is not None:
            with contextlib.suppress(OSError):
                server.target.close_run(token)


def _run_worker(
    ev: Evidence, plan: Plan, round_no: int, server: Server | None, scratch: str, token: int | None
) -> None:
    cell, facts = ev.cell, ev.facts
    out = plan.out / "raw" / f".{raw_name(facts, cell)}.round{round_no}.tmp"
    out.unlink(missing_ok=True)
    model, wl = MODELS[cell.model], WORKLOADS[cell.workload]
    spec = Spec(
        cell.workload,
        cell.model,
        cell.variant,
        cell.params,
        name=cell.id,
        package=wl.package,
        client=variant(cell).client,
        options=plan.options,
        url=server.target.base(token) if server else "",
        reference=plan.references.get((facts.id, cell.workload, cell.params_json))
        or (server.references.get(cell.params_json, "") if server else ""),
        scratch=scratch,
        heartbeat=model.heartbeat if wl.heartbeat else "",
        round=round_no,
        probe_client=variant(cell).client == "aiohttp",
    )
    call_s = ev.bench.mean() if ev.bench else None
    argv = command(facts.executable, spec, str(out), rounds.values(plan.mode, call_s), model.monkey_patch)
    server_cpu0 = server.cpu_s() if server else None
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=create_environ(None, False, False),
    )
    try:
        _, stderr = proc.communicate(timeout=plan.timeout_s)
    except subprocess.TimeoutExpired:
        ev.failure = f"timed out after {plan.timeout_s:g} s (round {round_no})"
        return
    finally:  # the worker and every process it started share this process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        if proc.returncode != 0 or not out.exists():
            out.unlink(missing_ok=True)
    if proc.returncode != 0 or not out.exists():
        ev.failure = failure_reason(stderr, proc.returncode)
        ev.digest_failed = "digest mismatch" in stderr
        return
    try:
        ev.add(str(out))
    finally:
        out.unlink(missing_ok=True)
    if server and token is not None and wl.requests_per_call:
        _check_counts(ev, server, token, round_no)
        if server_cpu0 is not None:
            ev.counts[-1]["server_cpu_s"] = (server.cpu_s() or 0.0) - server_cpu0


def _check_counts(ev: Evidence, server: Server, token: int, round_no: int) -> None:
    """Proof of the round's work from the server's side: exactly the requests sent, never more than
    C in flight, and some overlap for a concurrent model."""
    params, run = ev.cell.params, ev.bench.get_runs()[-1]
    stats = server.target.stats(token)
    sent = (len(run.warmups or ()) + len(run.values)) * WORKLOADS[ev.cell.workload].requests_per_call(params)
    ok, text = server_counts(
        stats["requests_seen"],
        stats["max_inflight"],
        sent,
        params["concurrency"],
        params["requests"],
        MODELS[ev.cell.model].concurrent,
    )
    ev.counts.append({"round": round_no, "sent": sent, **stats})
    if not ok:
        ev.failure = f"{text} (round {round_no})"


def raw_name(facts: Facts, cell: Cell) -> str:
    """A cell's raw file: its interpreter, workload, model, variant and a short hash of its params."""
    case = hashlib.sha256(cell.params_json.encode()).hexdigest()[:8]
    return f"{facts.id}.{cell.workload}.{cell.model}.{cell.variant}.{case}.json"


def foreign_reason(cell: Cell, server: Server | None) -> str | None:
    wl = WORKLOADS[cell.workload]
    if wl.server and not wl.any_server and server and not server.target.concbench:
        return f"{cell.workload} needs a concbench server (its /doc endpoint); --target is not one"
    return None


@contextlib.contextmanager
def http_server(plan: Plan) -> Iterator[Server | None]:
    """The target for the HTTP cells: the given one, or a mock server started now and stopped after."""
    if not any(WORKLOADS[c.workload].server for c in plan.cells):
        yield None
        return
    with (
        contextlib.nullcontext(plan.target)
        if plan.target
        else target.serve(plan.server_procs, cpus=plan.server_cpus) as t
    ):
        references = {}
        if not t.concbench:  # no reference of its own: fetch what this server answers, once per params
            for c in plan.cells:
                if WORKLOADS[c.workload].any_server and c.params_json not in references:
                    workload = importlib.import_module(f"{WORKLOADS[c.workload].package}.workload")
                    p = workload.Params(**c.params)
                    urls = [f"{t.url}{p.path(i)}" for i in range(p.requests)]
                    references[c.params_json] = target.foreign_reference(urls)
        yield Server(t, target.capacity(t), references)


def disk_limits(cells: list[Cell]) -> dict[str, dict]:
    """fio's figure for each case of the disk workloads (none without fio), keyed by params JSON."""
    limits: dict[str, dict] = {}
    for c in cells:
        if WORKLOADS[c.workload].bytes_moved and c.params_json not in limits:
            try:
                limits[c.params_json] = fio.measure(c.params) or {}
            except (subprocess.SubprocessError, OSError, ValueError, KeyError) as e:
                limits[c.params_json] = {"tool": "fio", "error": str(e)[:200]}
    return {k: v for k, v in limits.items() if v}


def scratch_facts(scratch: Path | None) -> dict:
    """Where disk cells write, and what filesystem that is (tmpfs, ext4, overlay, ...)."""
    path = (scratch or Path(tempfile.gettempdir())).resolve()
    mounts = [m for m in psutil.disk_partitions(all=True) if path.is_relative_to(m.mountpoint)]
    mount = max(mounts, key=lambda m: len(m.mountpoint), default=None)
    return {"dir": str(path), "fstype": mount.fstype if mount else "", "settle": machine.settle_disk()}


@dataclass
class Matrix:
    """The cells of a run: n/a rows decided up front, and the evidence of every cell that runs."""

    na: dict[Key, Row]
    evidence: dict[Key, Evidence]
    order: list[Key]  # every cell, n/a included, as the plan lists them: the order of results.csv

    @classmethod
    def of(cls, plan: Plan, server: Server | None) -> Matrix:
        na, evidence, order = {}, {}, []
        for facts in plan.pythons:
            for cell in plan.cells:
                key = (facts.id, cell)
                order.append(key)
                refused = plan.refusals.get((facts.id, cell.workload, cell.model, cell.variant))
                if reason := unavailable(cell, facts) or foreign_reason(cell, server) or refused:
                    na[key] = base_row(facts, cell, "n/a", reason)
                else:
                    evidence[key] = Evidence(facts, cell)
        return cls(na, evidence, order)

    def base(self, key: Key) -> Evidence | None:
        """The sync cell (default variant) that `key`'s cell is compared with, on the same interpreter;
        None outside the jobs: a price per unit (spawn) or a yardstick (null) has nothing to speed up."""
        interp, cell = key
        if WORKLOADS[cell.workload].kind != "job":
            return None
        for (i, c), ev in self.evidence.items():
            if (i, c.workload, c.model, c.variant) == (interp, cell.workload, "sync", DEFAULT) and (
                baseline_params(c.params) == baseline_params(cell.params)
            ):
                return ev
        return None

    def rows(self, plan: Plan, server: Server | None, limits: dict, yardsticks: dict[int, dict]) -> list[Row]:
        """Every cell's row as its evidence stands now: the one judging step."""
        floors = {  # (interpreter, model) -> that model's null cell: its fixed cost per call
            (interp, cell.model): ev.bench.mean()
            for (interp, cell), ev in self.evidence.items()
            if WORKLOADS[cell.workload].kind == "yardstick" and ev.runs and not ev.failure
        }
        judged = {}
        for key, ev in self.evidence.items():
            cell = key[1]
            serves = server is not None and WORKLOADS[cell.workload].server
            ctx = Context(
                target=plan.ci_target,
                base=self.base(key),
                floor_s=floors.get((key[0], cell.model), floors.get((key[0], "sync"))),
                yardsticks=yardsticks,
                demand_note=server.demand_note(cell.params) if serves else "",
                server_procs=plan.server_procs,
                fio_mb_s=limits.get(cell.params_json, {}).get("mb_per_s"),
            )
            judged[key] = judge(ev, ctx)
        return [judged.get(k) or self.na[k] for k in self.order]


def write_raw(plan: Plan, matrix: Matrix, rows: list[Row]) -> None:
    """Each cell's runs so far as one pyperf JSON (atomically); a failed cell keeps none."""
    by_key = dict(zip(matrix.order, rows, strict=True))
    for key, ev in matrix.evidence.items():
        path = plan.out / "raw" / raw_name(ev.facts, ev.cell)
        row = by_key[key]
        if row.status == "failed" or ev.bench is None:
            path.unlink(missing_ok=True)
            row.raw_file = ""
            continue
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.unlink(missing_ok=True)
        ev.bench.dump(str(tmp))
        tmp.replace(path)
        row.raw_file = str(path.relative_to(plan.out))


def priority(matrix: Matrix, rows: list[Row]) -> dict:
    """Per job: its widest CI half-width (infinite while a cell has none), for a partial round."""
    by_key = dict(zip(matrix.order, rows, strict=True))
    out: dict = {}
    for job, keys in rounds.jobs(matrix.evidence).items():
        widths = [by_key[k].ci_halfwidth for k in keys if by_key[k].status != "failed"]
        out[job] = max((math.inf if w is None else w for w in widths), default=0.0)
    return out


def converged(matrix: Matrix, rows: list[Row], plan: Plan) -> set:
    """The jobs every cell of which has reached the target (or failed) after MIN_ROUNDS rounds. The
    null job only needs MIN_ROUNDS: its sub-µs values always scatter, and it is no finding. A
    behaviour (failure) needs one round: its figures are counts and delays per call, each call
    proven, and its wall is no speed to pin down."""
    by_key = dict(zip(matrix.order, rows, strict=True))

    def done(r: Row) -> bool:
        if r.status == "failed" and r.reason != NOT_RUN:
            return True
        if WORKLOADS[r.workload].kind == "behaviour" and r.rounds:
            return True
        if (r.rounds or 0) < rounds.MIN_ROUNDS:
            return False
        yardstick = WORKLOADS[r.workload].kind == "yardstick"
        return yardstick or (r.ci_halfwidth is not None and r.ci_halfwidth <= plan.ci_target)

    return {job for job, keys in rounds.jobs(matrix.evidence).items() if all(done(by_key[k]) for k in keys)}


def run(
    plan: Plan, argv: list[str], on_round: Callable[[dict, list[Row]], None], resume: dict | None = None
) -> list[Row]:
    """Run every cell of the plan in rounds; write manifest.json, raw/ and results.csv after each.

    `resume`: the manifest of an unfinished run of the same plan in plan.out; its raw files are the
    rounds done, and the rounds go on from there. SIGINT or SIGTERM (`Terminated`) writes what is
    done, marks the manifest interrupted and raises `Interrupted`."""
    (plan.out / "raw").mkdir(parents=True, exist_ok=True)
    manifest = resume or new_manifest(plan, argv)
    if resume:
        leftovers(plan.out)
        manifest.pop("interrupted", None)
        manifest.pop("signal", None)
        manifest.setdefault("resumed", []).append(now())
    schedule = rounds.Schedule(plan.budget_s, plan.seed)
    schedule.started -= manifest.get("elapsed_s", 0.0)
    yardsticks: dict[int, dict] = {r["round"]: r["yardstick"] for r in manifest["rounds"] if "yardstick" in r}
    with http_server(plan) as server:
        if server:
            manifest["server"] = {**asdict(server.target), "capacity": server.capacity}
        limits = disk_limits(plan.cells)
        if limits:
            manifest["disk"] = limits
        if any(WORKLOADS[c.workload].scratch for c in plan.cells):
            manifest["scratch"] = scratch_facts(plan.scratch)
        matrix = Matrix.of(plan, server)
        if resume:
            schedule.round = reload(plan, matrix, manifest)
        by_job = rounds.jobs(matrix.evidence)
        rows = matrix.rows(plan, server, limits, yardsticks)
        schedule.done = converged(matrix, rows, plan) if resume else set()
        write_manifest(plan.out / "manifest.json", manifest)
        manifest["machine"]["orphans_adopted"] = machine.adopt_orphans()
        cost = lambda k: matrix.evidence[k].seconds  # noqa: E731 - each cell's last round
        try:
            while schedule.another(by_job, cost):
                order = schedule.order(by_job, cost, priority(matrix, rows))
                record = one_round(plan, matrix, order, schedule.round, server, yardsticks)
                rows = matrix.rows(plan, server, limits, yardsticks)
                write_raw(plan, matrix, rows)
                schedule.done = converged(matrix, rows, plan)
                manifest["rounds"].append(record)
                manifest["harness"] = harness(rows)
                _write(plan, manifest, rows, matrix, schedule)
                on_round(record, rows)
        except KeyboardInterrupt as e:
            signame = "SIGTERM" if isinstance(e, Terminated) else "SIGINT"
            with ignoring_signals():  # a second Ctrl-C must not cut the last writes in half
                leftovers(plan.out)  # a round's output the signal caught between its checks
                rows = matrix.rows(plan, server, limits, yardsticks)
                write_raw(plan, matrix, rows)
                mark_interrupted(manifest, schedule.round, yardsticks, signame)
                _write(plan, manifest, rows, matrix, schedule)
            raise Interrupted(plan.out, signame) from e
    manifest["finished"] = now()
    manifest["status_counts"] = {
        s: sum(r.status == s for r in rows) for s in ("ok", "impossible", "n/a", "failed")
    }
    _write(plan, manifest, rows, matrix, schedule)
    return rows


def mark_interrupted(manifest: dict, r: int, yardsticks: dict[int, dict], signame: str) -> None:
    """The manifest of a run stopped in round `r`: when, by which signal, and that round's yardstick
    (a partial round: some cells have its values)."""
    if r in yardsticks and r not in {rec["round"] for rec in manifest["rounds"]}:
        manifest["rounds"].append({"round": r, "yardstick": yardsticks[r], "partial": True})
    manifest |= {"interrupted": now(), "signal": signame}


def new_manifest(plan: Plan, argv: list[str]) -> dict:
    """The manifest at the start of a run: what ran where, and all that `--resume` needs to check."""
    return {
        "format": FORMAT,
        "concbench_version": __version__,
        "command": argv,
        "argv": argv[1:],  # the options, as --resume parses them again
        "cwd": str(Path.cwd()),
        "started": now(),
        "machine": machine.facts(),
        "interpreters": [f.to_dict() for f in plan.pythons],
        "digests": digests(plan.cells),
        "params": {
            "mode": plan.mode,
            "timeout_s": plan.timeout_s,
            "budget_s": plan.budget_s,
            "ci_target": plan.ci_target,
            "values_per_round": rounds.VALUES[plan.mode],
            "values_per_round_max": rounds.MAX_VALUES,
            "seed": plan.seed,
            "server_cpus": sorted(plan.server_cpus),
            "cells_cpus": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [],
            "cells": {c.id: c.params for c in plan.cells},
        },
        "rounds": [],
        **plan.manifest,
    }


def digests(cells: list[Cell]) -> dict[str, str]:
    """Per workload used, and for the worker that runs the models: sha256 over its package's sorted
    .py files (names and contents), so that `--resume` sees a changed workload or model."""
    packages = {c.workload: WORKLOADS[c.workload].package for c in cells} | {"worker": "concbench.worker"}
    return {name: package_digest(package) for name, package in sorted(packages.items())}


def package_digest(package: str) -> str:
    spec = importlib.util.find_spec(package)
    roots = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    h = hashlib.sha256()
    for root in roots:
        for f in sorted(root.rglob("*.py")):
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def leftovers(out: Path) -> None:
    """What a killed run left: the process group of a worker still running its round (its argv names
    its output file in raw/), and the temporary files (a round's output, a half-written file)."""
    raw = str(out / "raw") + os.sep
    for p in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(OSError, psutil.Error):
            if any(raw in arg for arg in p.info["cmdline"] or ()) and os.getpgid(p.pid) != os.getpgid(0):
                os.killpg(os.getpgid(p.pid), signal.SIGKILL)
    for tmp in [*out.glob(".*.tmp"), *(out / "raw").glob(".*.tmp")]:
        tmp.unlink(missing_ok=True)


def reload(plan: Plan, matrix: Matrix, manifest: dict) -> int:
    """The evidence of a resumed run: each cell's raw file (its finished rounds), its failure from
    results.csv, its server counts from the manifest; returns the last round any cell reached."""
    failed = {  # a cell not run yet is no failure: it runs now
        (r["interpreter"], r["workload"], r["model"], r["variant"], r["params"]): r["reason"]
        for r in read_rows(plan.out / "results.csv")
        if r.get("status") == "failed" and r.get("reason") != NOT_RUN
    }
    counts = manifest.get("counts", {})
    last = max((r["round"] for r in manifest["rounds"]), default=0)
    for (interp, cell), ev in matrix.evidence.items():
        name = raw_name(ev.facts, cell)
        if (plan.out / "raw" / name).is_file():
            ev.add(str(plan.out / "raw" / name))
            ev.seconds = sum(r.get_metadata().get("duration", 0.0) for r in ev.runs[-1:])
            last = max([last, *ev.rounds()])
        if reason := failed.get((interp, cell.workload, cell.model, cell.variant, cell.params_json)):
            ev.failure, ev.digest_failed = reason, "digest mismatch" in reason
        ev.counts = counts.get(name, [])
    return last


def read_rows(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


@contextlib.contextmanager
def ignoring_signals() -> Iterator[None]:
    """SIGINT and SIGTERM ignored for the duration (main thread only), then as before."""
    old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def one_round(
    plan: Plan, matrix: Matrix, order: list[Key], r: int, server: Server | None, yardsticks: dict[int, dict]
) -> dict:
    """Round `r`: the machine's yardstick, then one worker per cell in `order` (failed cells sit out);
    returns the round's record for the manifest, with the host's load and where the time went."""
    live = [server.target.pid] if server and server.target.pid else []
    load0 = machine.Load.now(live)
    yardsticks[r] = machine.yardstick(machine.cores())
    spent: dict[str, float] = {}
    ran = 0
    for key in order:
        ev = matrix.evidence[key]
        if ev.failure:
            continue
        run_round(ev, plan, r, server)
        machine.reap_orphans(set(live))
        spent[ev.cell.workload] = round(spent.get(ev.cell.workload, 0.0) + ev.seconds, 2)
        ran += 1
    load = machine.Load.now(live).since(load0, machine.cores())
    return {
        "round": r,
        "cells": ran,
        "yardstick": yardsticks[r],
        "load": load,
        "seconds": spent,
        "ended": now(),
    }


def harness(rows: list[Row]) -> dict[str, dict]:
    """Per interpreter: the null cell's wall time (sync: the harness's own cost of a call) and each
    model's, its fixed cost per call."""
    out: dict[str, dict] = {}
    for r in rows:
        if WORKLOADS[r.workload].kind == "yardstick" and r.status == "ok":
            entry = out.setdefault(r.interpreter, {"models": {}})
            entry["models"][r.model] = r.wall_s
            if r.model == "sync":
                entry |= {"null_wall_s": r.wall_s, "null_cv": r.cv}
    return {k: v for k, v in out.items() if "null_wall_s" in v}


def _write(plan: Plan, manifest: dict, rows: list[Row], matrix: Matrix, schedule: rounds.Schedule) -> None:
    """results.csv, then the manifest (with what --resume needs: the time spent, the server counts)."""
    manifest["elapsed_s"] = round(schedule.elapsed(), 1)
    counts = {raw_name(ev.facts, ev.cell): ev.counts for ev in matrix.evidence.values() if ev.counts}
    if counts:
        manifest["counts"] = counts
    write_csv(plan.out / "results.csv", rows)
    write_manifest(plan.out / "manifest.json", manifest)
