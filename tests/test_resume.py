"""An interrupted run (SIGINT, SIGTERM, SIGKILL) keeps its finished rounds; `--resume` runs the rest."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pyperf
import pytest

PLAN = ("--workload", "cpu_bound", "--model", "sync", "--model", "threads", "--budget", "20s", "--seed", "3")
CELLS = {("null", "sync"), ("null", "threads"), ("cpu_bound", "sync"), ("cpu_bound", "threads")}


def start(out: Path, *extra: str) -> subprocess.Popen:
    argv = [sys.executable, "-m", "concbench", "run", *PLAN, *extra, "--python", sys.executable]
    return subprocess.Popen(
        [*argv, "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_raw(out: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Until the run has written a raw file (a round is finished), bounded in time."""
    deadline = time.monotonic() + timeout
    while not list((out / "raw").glob("*.json")):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "no raw file in time"
        time.sleep(0.1)


def rows(out: Path) -> list[dict]:
    with (out / "results.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def resume(concbench, out: Path, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`concbench run --resume OUT` as a user types it (the conftest's fixture would add --python)."""
    argv = [sys.executable, "-m", "concbench", "run", "--resume", str(out), *extra]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


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


@pytest.fixture(scope="module")
def killed_and_resumed(tmp_path_factory, concbench):
    """A run killed with SIGKILL after its first round, then resumed."""
    out = tmp_path_factory.mktemp("resume") / "run"
    proc = start(out)
    wait_for_raw(out, proc)
    proc.kill()
    proc.communicate()
    before = manifest(out)
    return out, before, resume(concbench, out)


def test_resume_finishes_a_killed_run_with_every_cell(killed_and_resumed):
    out, before, proc = killed_and_resumed
    assert "finished" not in before and "interrupted" not in before, "SIGKILL marks nothing"
    assert proc.returncode == 0, proc.stderr[-2000:]
    after = manifest(out)
    assert after["finished"] and len(after["resumed"]) == 1
    got = rows(out)
    assert {(r["workload"], r["model"]) for r in got} == CELLS, "the cells of an uninterrupted run"
    for r in got:
        assert r["status"] == "ok", r
        runs = pyperf.Benchmark.load(str(out / r["raw_file"])).get_runs()
        tags = [run.get_metadata()["concbench_round"] for run in runs if run.values]
        assert len(tags) == len(set(tags)) == int(r["rounds"]) >= 3, "every round once, none lost"
        assert int(r["values"]) == sum(len(run.values) for run in runs)
    assert not list((out / "raw").glob(".*.tmp")), "a killed round's output is cleaned up"


def test_resume_of_a_finished_run_is_refused(killed_and_resumed, concbench):
    out, _, _ = killed_and_resumed
    proc = resume(concbench, out, timeout=60)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "finished" in proc.stderr and "Traceback" not in proc.stderr


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    """A run stopped with SIGINT (as Ctrl-C does) in its second round or later."""
    out = tmp_path_factory.mktemp("sigint") / "run"
    proc = start(out)
    wait_for_raw(out, proc)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    return out, proc.returncode, stderr


def test_sigint_exits_130_with_a_consistent_directory(interrupted):
    out, code, stderr = interrupted
    assert code == 130, stderr
    assert f"concbench run --resume {out}" in stderr and "Traceback" not in stderr
    m = manifest(out)
    assert m["interrupted"] and m["signal"] == "SIGINT" and "finished" not in m
    got = rows(out)
    assert got and all((out / r["raw_file"]).is_file() for r in got if r["raw_file"])
    assert not [p for p in out.rglob("*.tmp")], "no half-written file"
    assert not gone(out), "no worker, pool or server process of the run is left"


def test_sigterm_exits_143(tmp_path):
    out = tmp_path / "run"
    proc = start(out)
    wait_for_raw(out, proc)
    proc.terminate()
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert manifest(out)["signal"] == "SIGTERM" and "--resume" in stderr
    assert not gone(out)


def refused(concbench, out: Path, edit) -> str:
    m = manifest(out)
    edit(m)
    (out / "manifest.json").write_text(json.dumps(m))
    proc = resume(concbench, out, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    return proc.stderr


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
def test_resume_refuses_another_plan(interrupted, concbench, tmp_path, edit, says):
    out = tmp_path / "copy"
    (out / "raw").mkdir(parents=True)
    for f in interrupted[0].rglob("*"):
        if f.is_file():
            (out / f.relative_to(interrupted[0])).write_bytes(f.read_bytes())
    assert says in refused(concbench, out, edit)


def test_resume_of_what_is_not_a_run_is_refused(concbench, tmp_path):
    proc = resume(concbench, tmp_path, timeout=60)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "no manifest.json" in proc.stderr
    proc = resume(concbench, tmp_path, "--seed", "1", timeout=60)
    assert proc.returncode == 2 and "no other option" in proc.stderr


def running_a_cell(proc: subprocess.Popen) -> bool:
    """Whether the run has a cell's worker running now."""
    for child in psutil.Process(proc.pid).children():
        try:
            if "concbench.worker" in " ".join(child.cmdline()):
                return True
        except psutil.Error:  # gone, or a zombie, meanwhile
            continue
    return False


def test_a_run_stopped_in_its_first_round_resumes_the_cells_it_had_not_run(tmp_path, concbench):
    """SIGINT before every cell has had its first round: the rest are `not run` (not failures), and
    `--resume` runs them."""
    out = tmp_path / "run"
    proc = start(out)
    deadline = time.monotonic() + 120
    while not (out / "manifest.json").is_file() or not running_a_cell(proc):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    before = rows(out)
    not_run = [r for r in before if r["status"] == "not run" and not r["reason"]]
    assert not_run, "some cells had not had their turn"
    done = resume(concbench, out)
    assert done.returncode == 0, done.stderr[-2000:]
    got = rows(out)
    assert {(r["workload"], r["model"]) for r in got} == CELLS
    assert all(r["status"] == "ok" and int(r["rounds"]) >= 1 for r in got), got
