"""The ping-pong workload's echo processes and greenlets: they live for the whole cell and are gone
after it, and a dead echo fails the call instead of hanging. (The proof, and the echo threads, tasks and
interpreters, in this process: tests/unit/test_pingpong.py.)"""

import json
import subprocess
import sys
import sysconfig
import threading
from importlib.util import find_spec
from textwrap import dedent

import psutil
import pytest

from concbench.suites.pingpong import multiprocessing as mp_model
from concbench.suites.pingpong import workload as wl
from concbench.worker.verify import check, digest

FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
HELPERS = ("forkserver", "resource_tracker")


def params(model: str = "threads", variant: str = "default", n: int = 40, pairs: int = 2) -> wl.Params:
    return wl.Params(round_trips=n, heavy_round_trips=3, pairs=pairs, workers=2, variant=variant, model=model)


def echo_children(before: set[int]) -> list[psutil.Process]:
    """This process's descendants started since `before`, less multiprocessing's own helpers (the
    forkserver and the resource tracker, started once for the life of this process)."""
    me = psutil.Process()
    return [
        c
        for c in me.children(recursive=True)
        if c.pid not in before
        and not (c.ppid() == me.pid and any(h in " ".join(c.cmdline()) for h in HELPERS))
    ]


def descendants() -> set[int]:
    return {c.pid for c in psutil.Process().children(recursive=True)}


@pytest.mark.parametrize("variant", ["default", "queue"])
def test_echo_processes_live_for_the_cell_and_are_gone_after_it(variant):
    p = params("multiprocessing", variant, n=30)
    threads, before = threading.active_count(), descendants()
    with mp_model.setup(p) as run:
        check(run(), digest(wl.reference(p)))
        first = echo_children(before)
        check(run(), digest(wl.reference(p)))
        assert {c.pid for c in echo_children(before)} == {c.pid for c in first}, "no process per call"
        assert len(first) == p.pairs
    for child in first:
        assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE
    assert threading.active_count() == threads, "the pool and the queues' feeder threads are gone"


GEVENT = dedent(
    """
    from gevent import monkey
    monkey.patch_all()
    import gc, json, gevent
    from concbench.suites.pingpong import gevent as model, workload as wl
    from concbench.worker.verify import check, digest

    def live():
        return sum(isinstance(g, gevent.Greenlet) and not g.dead for g in gc.get_objects())

    p = wl.Params(round_trips=30, heavy_round_trips=3, pairs=2, workers=2, model="gevent")
    before = live()
    with model.setup(p) as run:
        for _ in range(2):
            check(run(), digest(wl.reference(p)))
        during = live()
    gc.collect()
    print(json.dumps({"before": before, "during": during, "after": live()}))
    """
)


@pytest.mark.skipif(FREE_THREADED or not find_spec("gevent"), reason="gevent: GIL builds only")
def test_echo_greenlets_live_for_the_cell_and_are_gone_after_it():
    """In a process of its own: gevent patches the stdlib first, as the cell worker does."""
    proc = subprocess.run([sys.executable, "-c", GEVENT], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    counts = json.loads(proc.stdout)
    assert counts["during"] == counts["before"] + 2  # the two echo greenlets, pingers joined
    assert counts["after"] == counts["before"]


DEAD_ECHO = dedent(
    """
    import os
    import psutil
    from concbench.suites.pingpong import multiprocessing as model, workload as wl

    if __name__ == "__main__":
        p = wl.Params(round_trips=1000, heavy_round_trips=3, pairs=1, workers=1, model="multiprocessing")
        before = {c.pid for c in psutil.Process().children(recursive=True)}
        try:
            with model.setup(p) as run:
                helpers = ("forkserver", "resource_tracker")  # our children that are not the echo
                for child in psutil.Process().children(recursive=True):
                    ours = child.ppid() == os.getpid()
                    helper = ours and any(h in " ".join(child.cmdline()) for h in helpers)
                    if child.pid not in before and not helper:
                        child.kill()  # the echo: forked by the forkserver, or by us (fork, before 3.14)
                        child.wait()
                run()
        except (EOFError, OSError) as e:
            print(type(e).__name__)
    """
)


def test_a_dead_echo_process_fails_the_call_instead_of_hanging(tmp_path):
    script = tmp_path / "dead_echo.py"
    script.write_text(DEAD_ECHO)
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() in {"EOFError", "BrokenPipeError", "ConnectionResetError"}
