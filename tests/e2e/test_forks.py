"""Workers forked from a pre-imported parent: the same run as a worker started afresh, a failure's
stderr, a timeout that kills the worker's whole group, and a parent that dies."""

import contextlib
import os
import signal
import sys
import threading
import time

import psutil
import pyperf
import pytest

from concbench.run import forks
from concbench.worker.cell import Spec, command

CELL = {"tasks": 2, "span": 500, "workers": 2}


def argv(tmp_path, model: str = "sync", params: dict = CELL, name: str = "out.json") -> list[str]:
    spec = Spec("cpu_bound", model, "default", params, name="cell", round=3)
    return command(sys.executable, spec, str(tmp_path / name), 2, monkey_patch=False)


def test_a_forked_worker_writes_the_run_a_started_one_would(tmp_path):
    with forks.Parents() as parents:
        forked = [parents.run(argv(tmp_path, name=f"f{i}.json"), 60, forkable=True) for i in range(2)]
        (parent,) = parents.pids()
        started = parents.run(argv(tmp_path, name="s.json"), 60, forkable=False)
    assert [rc for rc, _ in forked] == [0, 0] and started[0] == 0
    runs = {
        n: pyperf.Benchmark.load(str(tmp_path / n)).get_runs()[-1] for n in ("f0.json", "f1.json", "s.json")
    }
    for run in runs.values():
        meta = run.get_metadata()
        assert len(run.values) == 2 and len(run.warmups) == 1
        assert meta["concbench_round"] == 3 and meta["concbench_model"] == "sync"
        assert meta["cpu_s"] > 0 and meta["gil_enabled_before"] == meta["gil_enabled_after"]  # the hook's
    assert not psutil.pid_exists(parent)  # closed with the round


def test_a_failing_worker_gives_its_exit_code_and_stderr(tmp_path):
    with forks.Parents() as parents:
        rc, stderr = parents.run(argv(tmp_path, model="no_such_model"), 60, forkable=True)
        rc2, _ = parents.run(argv(tmp_path, name="after.json"), 60, forkable=True)
    assert rc != 0 and "no_such_model" in stderr
    assert rc2 == 0  # the parent serves on


def test_a_timeout_kills_the_worker_and_its_pool(tmp_path):
    slow = argv(tmp_path, model="multiprocessing", params={"tasks": 64, "span": 500_000, "workers": 2})
    seen: set[psutil.Process] = set()

    def watch(parents: forks.Parents) -> None:  # the worker, its forkserver and its pool, while they run
        while not parents.pids():
            time.sleep(0.05)
        (parent,) = parents.pids()
        with contextlib.suppress(psutil.Error):
            while True:
                seen.update(psutil.Process(parent).children(recursive=True))
                time.sleep(0.1)

    with forks.Parents() as parents:
        threading.Thread(target=watch, args=(parents,), daemon=True).start()
        with pytest.raises(forks.TimedOut):
            parents.run(slow, 3, forkable=True)
        assert len(seen) >= 4  # worker, forkserver, 2 pool processes
        _, alive = psutil.wait_procs(seen, timeout=5)
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]


def test_a_parent_that_dies_is_replaced(tmp_path):
    with forks.Parents() as parents:
        parents.run(argv(tmp_path), 60, forkable=True)
        (parent,) = parents.pids()
        os.kill(parent, signal.SIGKILL)
        psutil.wait_procs([psutil.Process(parent)], timeout=5)
        rc, _ = parents.run(argv(tmp_path, name="again.json"), 60, forkable=True)
        assert rc == 0 and parents.pids() != {parent}
