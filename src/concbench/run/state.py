"""The run's state on disk: the manifest, raw/ and results.csv written after every round; reloading
them for `--resume`; what a signal or a killed run leaves behind."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import os
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psutil

from concbench import __version__
from concbench.host import machine
from concbench.registry import WORKLOADS, Cell
from concbench.results import FORMAT, Row, Status, read, write_csv, write_manifest
from concbench.run import rounds
from concbench.run.launch import raw_name
from concbench.run.matrix import Matrix
from concbench.run.plan import Plan


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


@contextlib.contextmanager
def ignoring_signals() -> Iterator[None]:
    """SIGINT and SIGTERM ignored for the duration (main thread only), then as before."""
    old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


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


def mark_interrupted(manifest: dict, r: int, yardsticks: dict[int, dict], signame: str) -> None:
    """The manifest of a run stopped in round `r`: when, by which signal, and that round's yardstick
    (a partial round: some cells have its values)."""
    if r in yardsticks and r not in {rec["round"] for rec in manifest["rounds"]}:
        manifest["rounds"].append({"round": r, "yardstick": yardsticks[r], "partial": True})
    manifest |= {"interrupted": now(), "signal": signame}


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
        (r.interpreter, r.workload, r.model, r.variant, r.params): r.reason
        for r in read(plan.out).rows
        if r.status == Status.FAILED
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


def write_raw(plan: Plan, matrix: Matrix, rows: list[Row]) -> None:
    """Each cell's runs so far as one pyperf JSON (atomically); a failed cell keeps none."""
    by_key = dict(zip(matrix.order, rows, strict=True))
    for key, ev in matrix.evidence.items():
        path = plan.out / "raw" / raw_name(ev.facts, ev.cell)
        row = by_key[key]
        if row.status == Status.FAILED or ev.bench is None:
            path.unlink(missing_ok=True)
            row.raw_file = ""
            continue
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.unlink(missing_ok=True)
        ev.bench.dump(str(tmp))
        tmp.replace(path)
        row.raw_file = str(path.relative_to(plan.out))


def _write(plan: Plan, manifest: dict, rows: list[Row], matrix: Matrix, schedule: rounds.Schedule) -> None:
    """results.csv, then the manifest (with what --resume needs: the time spent, the server counts)."""
    manifest["elapsed_s"] = round(schedule.elapsed(), 1)
    counts = {raw_name(ev.facts, ev.cell): ev.counts for ev in matrix.evidence.values() if ev.counts}
    if counts:
        manifest["counts"] = counts
    write_csv(plan.out / "results.csv", rows)
    write_manifest(plan.out / "manifest.json", manifest)
