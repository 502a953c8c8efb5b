"""An interrupted run (SIGINT, SIGTERM, SIGKILL) keeps its finished rounds; `--resume` runs the rest.

One run serves every test here, stopped and resumed in turn: SIGINT in its first round (some cells not
run yet), resumed and stopped by SIGTERM after a round, resumed and killed (SIGKILL) while a cell runs,
resumed to the end. The refusals to resume another plan read a copy of it taken after the SIGTERM."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pyperf
import pytest

PLAN = ("--workload", "cpu_bound", "--model", "sync", "--model", "threads", "--budget", "25s", "--seed", "3")
CELLS = {("null", "sync"), ("null", "threads"), ("cpu_bound", "sync"), ("cpu_bound", "threads")}


def start(out: Path) -> subprocess.Popen:
    argv = [sys.executable, "-m", "concbench", "run", *PLAN, "--python", sys.executable, "--out", str(out)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def resuming(out: Path) -> subprocess.Popen:
    """`concbench run --resume OUT` as a user types it, in the background."""
    argv = [sys.executable, "-m", "concbench", "run", "--resume", str(out)]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def rows(out: Path) -> list[dict]:
    with (out / "results.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def leftover(out: Path) -> list[str]:
    """The processes of the run in `out` still alive: its own, its workers and their pools."""
    found = []
    for p in psutil.process_iter(["cmdline", "status"]):
        cmd = " ".join(p.info["cmdline"] or ())
        if p.info["status"] != psutil.STATUS_ZOMBIE and str(out) in cmd:
            found.append(cmd)
    return found


def gone(out: Path, timeout: float = 10) -> list[str]:
    deadline = time.monotonic() + timeout
    while (left := leftover(out)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def running_a_cell(proc: subprocess.Popen) -> bool:
    """Whether the run has a cell's worker running now."""
    for child in psutil.Process(proc.pid).children():
        try:
            if "concbench.worker" in " ".join(child.cmdline()):
                return True
        except psutil.Error:  # gone, or a zombie, meanwhile
            continue
    return False


def until(proc: subprocess.Popen, ready, timeout: float = 120) -> None:
    """Wait, bounded in time, until `ready()`; the run must still be going."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the run did not get there in time"
        time.sleep(0.05)


def written(out: Path) -> dict:
    """The manifest as it is now, {} while there is none."""
    try:
        return manifest(out)
    except (OSError, ValueError):
        return {}


def rounds_done(out: Path) -> int:
    return sum(not r.get("partial") for r in written(out).get("rounds", ()))


def stopped(proc: subprocess.Popen, how: signal.Signals) -> dict:
    proc.send_signal(how)
    _, stderr = proc.communicate(timeout=60)
    return {"code": proc.returncode, "stderr": stderr}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """The run, through each stop and resume; what each stage left, for the tests to read."""
    base = tmp_path_factory.mktemp("resume")
    out = base / "run"
    seen: dict = {"out": out}

    proc = start(out)  # SIGINT once a cell of its first round is running
    until(proc, lambda: (out / "manifest.json").is_file() and running_a_cell(proc))
    seen["sigint"] = stopped(proc, signal.SIGINT) | {"manifest": manifest(out), "rows": rows(out)}
    seen["sigint"]["left"] = gone(out)
    seen["sigint"]["tmp"] = [p.name for p in out.rglob("*.tmp")]

    proc = resuming(out)  # SIGTERM once it has finished a round
    done = rounds_done(out)
    until(proc, lambda: rounds_done(out) > done)
    seen["sigterm"] = stopped(proc, signal.SIGTERM) | {"manifest": manifest(out), "rows": rows(out)}
    seen["sigterm"]["left"] = gone(out)
    seen["sigterm"]["tmp"] = [p.name for p in out.rglob("*.tmp")]
    shutil.copytree(out, base / "interrupted")  # for the refusals

    proc = resuming(out)  # SIGKILL while a cell runs: nothing is marked, a round's output is left
    until(proc, lambda: len(written(out).get("resumed", ())) == 2 and running_a_cell(proc))
    proc.kill()
    proc.communicate(timeout=60)
    seen["killed"] = {"manifest": manifest(out)}

    resumed = resuming(out)  # to the end
    _, stderr = resumed.communicate(timeout=300)
    seen["resumed"] = {"code": resumed.returncode, "stderr": stderr, "manifest": manifest(out)}
    seen["interrupted"] = base / "interrupted"
    return seen


def test_sigint_in_the_first_round_exits_130_and_leaves_the_rest_not_run(run):
    out, got = run["out"], run["sigint"]
    assert got["code"] == 130, got["stderr"]
    assert f"concbench run --resume {out}" in got["stderr"] and "Traceback" not in got["stderr"]
    m = got["manifest"]
    assert m["interrupted"] and m["signal"] == "SIGINT" and "finished" not in m
    assert {(r["workload"], r["model"]) for r in got["rows"]} == CELLS, "every cell has its row"
    not_run = [r for r in got["rows"] if r["status"] == "not run" and not r["reason"]]
    assert not_run, "some cells had not had their turn"
    assert not got["tmp"], "no half-written file"
    assert not got["left"], "no worker, pool or server process of the run is left"


def test_sigterm_exits_143_with_a_consistent_directory(run):
    out, got = run["out"], run["sigterm"]
    assert got["code"] == 143, got["stderr"]
    assert f"concbench run --resume {out}" in got["stderr"] and "Traceback" not in got["stderr"]
    m = got["manifest"]
    assert m["interrupted"] and m["signal"] == "SIGTERM" and "finished" not in m
    assert len(m["resumed"]) == 1
    assert got["rows"] and all(r["raw_file"] for r in got["rows"]), "every cell has had a round now"
    assert all((out / r["raw_file"]).is_file() for r in got["rows"])
    assert not got["tmp"], "no half-written file"
    assert not got["left"], "no worker, pool or server process of the run is left"


def test_resume_finishes_a_killed_run_with_every_cell(run):
    out = run["out"]
    before = run["killed"]["manifest"]
    assert "finished" not in before and "interrupted" not in before, "SIGKILL marks nothing"
    got = run["resumed"]
    assert got["code"] == 0, got["stderr"][-2000:]
    after = got["manifest"]
    assert after["finished"] and len(after["resumed"]) == 3
    final = rows(out)
    assert {(r["workload"], r["model"]) for r in final} == CELLS, "the cells of an uninterrupted run"
    for r in final:
        assert r["status"] == "ok", r
        runs = pyperf.Benchmark.load(str(out / r["raw_file"])).get_runs()
        tags = [run.get_metadata()["concbench_round"] for run in runs if run.values]
        assert len(tags) == len(set(tags)) == int(r["rounds"]) >= 1, "every round once, none lost"
        assert int(r["values"]) == sum(len(run.values) for run in runs)
    assert not list((out / "raw").glob(".*.tmp")), "a killed round's output is cleaned up"
    assert not leftover(out)


def test_resume_of_a_finished_run_is_refused(run, cli, refused):
    refused(cli("run", "--resume", run["out"]), "finished")


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda m: m["digests"].__setitem__("cpu_bound", "0" * 64), "files of cpu_bound changed"),
        (lambda m: m.__setitem__("concbench_version", "0.0.1"), "made by concbench 0.0.1"),
        (lambda m: m["interpreters"][0].__setitem__("version", "3.0.0"), "interpreters are not the same"),
        (lambda m: m["params"]["cells"].clear(), "cells and params"),
        (lambda m: m.__setitem__("format", 99), "format 99 is newer"),
        (lambda m: m.__setitem__("finished", "2026-01-01T00:00:00+00:00"), "nothing to resume"),
    ],
)
def test_resume_refuses_another_plan(run, cli, refused, tmp_path, edit, says):
    out = tmp_path / "copy"
    shutil.copytree(run["interrupted"], out)
    m = manifest(out)
    edit(m)
    (out / "manifest.json").write_text(json.dumps(m))
    before = {p.name: p.stat().st_mtime_ns for p in out.rglob("*")}
    refused(cli("run", "--resume", out), says)
    assert {p.name: p.stat().st_mtime_ns for p in out.rglob("*")} == before, "nothing written"
