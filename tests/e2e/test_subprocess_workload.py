"""The subprocess workload: every model keeps at most C children alive (watched from outside, in the
process tree of the real cell worker). tests/e2e/test_suites.py checks every model's results; the child,
the probe and the ideal: tests/unit/test_subprocess_workload.py."""

import hashlib
import subprocess
import sys
import threading
import time
from dataclasses import replace

import psutil
import pyperf
import pytest

from concbench.registry import MODELS, WORKLOADS, Cell, unavailable
from concbench.suites.subprocess import workload as wl
from concbench.worker.cell import Spec, command

TINY = wl.Params(**WORKLOADS["subprocess"].tiny)
WATCHED = {"children": 9, "concurrency": 3, "child_ms": 60, "workers": 2}  # limits 2 + 1: uneven shares
CASES = [(m, v.name) for m, variants in WORKLOADS["subprocess"].variants.items() for v in variants]


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
