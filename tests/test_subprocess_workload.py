"""The subprocess workload: what the child writes is what the reference expects, the probe that gives
the ideal its start-up cost, and every model keeping at most C children alive (watched from outside,
in the process tree of the real cell worker). tests/test_suites.py checks every model's results."""

import hashlib
import math
import subprocess
import sys
import threading
import time
from dataclasses import replace

import psutil
import pyperf
import pytest

from concbench.registry import MODELS, WORKLOADS, Cell, unavailable
from concbench.servers.content import body
from concbench.suites.subprocess import workload as wl
from concbench.worker.cell import Spec, command
from concbench.worker.usage import EXTRA

TINY = wl.Params(**WORKLOADS["subprocess"].tiny)
WATCHED = {"children": 9, "concurrency": 3, "child_ms": 60, "workers": 2}  # limits 2 + 1: uneven shares
CASES = [(m, v.name) for m, variants in WORKLOADS["subprocess"].variants.items() for v in variants]


def test_the_child_writes_what_the_reference_expects():
    expected = wl.reference(TINY)
    assert expected == [hashlib.sha256(body(i, wl.INPUT_BYTES)).hexdigest() for i in range(TINY.children)]
    assert len(set(expected)) == TINY.children, "each child's input is its own"
    for i in (0, TINY.children - 1):  # the child, run by hand
        out = subprocess.run(TINY.argv(), input=TINY.stdin(i), stdout=subprocess.PIPE, check=True).stdout
        assert out.decode() == expected[i]
    assert TINY.argv()[:3] == [sys.executable, "-I", "-S"], "the cell's own interpreter, isolated"


def test_the_probe_measures_one_child_and_fails_when_it_fails(monkeypatch):
    EXTRA.clear()
    wl.reference(TINY)
    assert EXTRA["start_ms"] > 0 and EXTRA["child_cpu_ms"] > 0
    monkeypatch.setattr(wl, "CHILD", "raise SystemExit(3)")
    with pytest.raises(RuntimeError, match="exited with 3"):
        wl.reference(TINY)


def test_the_ideal_is_the_waves_or_the_cores():
    params = {"children": 16, "concurrency": 4, "child_ms": 20, "workers": 2}
    assert wl.ideal_s(params, 1.0, 2, 0.0) == pytest.approx(4 * 0.020)  # no start-up: waves of L
    assert wl.ideal_s(params, 1.0, 2, 0.010) == pytest.approx(4 * 0.030)  # waves of s + L
    no_sleep = {**params, "child_ms": 0}
    assert wl.ideal_s(no_sleep, 1.0, 2, 0.010) == pytest.approx(16 * 0.010 / 2)  # start-ups on 2 cores


def test_shares_split_the_children_and_the_limit():
    p = wl.Params(**WATCHED)
    shares = p.shares()
    assert [i for indices, _ in shares for i in indices] == list(range(p.children))
    assert sorted(limit for _, limit in shares) == [1, 2]
    assert max(math.ceil(len(indices) / limit) for indices, limit in shares) == math.ceil(9 / 3)


def alive_children(pid: int) -> int:
    """The child programs running under process `pid` (children, grandchildren), not yet exited."""
    count = 0
    for proc in psutil.Process(pid).children(recursive=True):
        try:
            count += wl.CHILD in proc.cmdline() and proc.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:  # gone meanwhile
            continue
    return count


def peak_while(proc: subprocess.Popen | None = None, work=None) -> int:
    """The most child programs alive at once under `proc` (or this process while `work()` runs)."""
    pid = proc.pid if proc else psutil.Process().pid
    peak, done = 0, threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, alive_children(pid))
            except psutil.NoSuchProcess:
                return
            time.sleep(0.002)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        if proc:
            proc.wait(timeout=300)
        else:
            work()
    finally:
        done.set()
        watcher.join()
    return peak


@pytest.mark.parametrize("limit", [1, 2])
def test_a_window_keeps_its_limit(limit):
    p = wl.Params(**{**WATCHED, "children": 5})
    results = []
    peak = peak_while(work=lambda: results.extend(wl.window(p, range(5), limit)))
    assert results == wl.reference(p)
    assert peak == limit


@pytest.mark.parametrize("model,variant", CASES)
def test_every_model_keeps_at_most_c_children_alive(model, variant, facts, tmp_path):
    """The real cell worker, watched from here: never more than C children alive, at least 2 at once
    for a concurrent model; its own figures are in its run's metadata."""
    cell = Cell("subprocess", model, variant, WATCHED)
    if reason := unavailable(cell, facts):
        pytest.skip(f"n/a here: {reason}")
    w = WORKLOADS["subprocess"]
    spec = Spec("subprocess", model, variant, WATCHED, cell.id, w.package)
    out = tmp_path / "out.json"
    argv = [*command(sys.executable, spec, str(out), 2, MODELS[model].monkey_patch), "--warmups", "0"]
    with subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as worker:
        peak = peak_while(worker)
        assert worker.returncode == 0, worker.stderr.read()[-3000:]
    assert 1 <= peak <= WATCHED["concurrency"]
    if MODELS[model].concurrent:
        assert peak >= 2, "a concurrent model has children alive at the same time"
    else:
        assert peak == 1
    meta = pyperf.Benchmark.load(str(out)).get_runs()[0].get_metadata()
    assert all(meta[m.key] > 0 for m in w.metrics), meta


def test_gevent_refuses_to_run_unpatched(facts):
    if reason := unavailable(Cell("subprocess", "gevent", "default", WATCHED), facts):
        pytest.skip(f"n/a here: {reason}")
    code = (
        "from concbench.suites.subprocess import gevent, workload\n"
        f"with gevent.setup(workload.Params(**{WATCHED!r})) as run:\n"
        "    run()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "subprocess is not monkey-patched" in proc.stderr


def test_a_subinterpreter_may_start_a_child_but_not_fork():
    """The finding behind the subinterpreters model (3.14): subprocess's fork+exec is allowed in an
    isolated interpreter, os.fork() is not."""
    interpreters = pytest.importorskip("concurrent.interpreters")
    interp = interpreters.create()
    try:
        p = replace(TINY, child_ms=0)
        interp.exec(
            "import subprocess, sys\n"
            f"out = subprocess.run({p.argv()!r}, input=b'x', stdout=subprocess.PIPE, check=True).stdout\n"
            f"assert out.decode() == {hashlib.sha256(b'x').hexdigest()!r}\n"
        )
        with pytest.raises(interpreters.ExecutionFailed, match="fork not supported for isolated"):
            interp.exec("import os\nif os.fork() == 0:\n    os._exit(0)\n")
    finally:
        interp.close()
