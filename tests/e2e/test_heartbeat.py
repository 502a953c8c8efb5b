"""The heartbeat sees a busy greenlet (gevent, in a process of its own) and the lag of workers that
run their own loops (processes, interpreters) comes back to the cell."""

import subprocess
import sys

import pytest

from concbench.worker.heartbeat import LAGS

GEVENT = """
from gevent import monkey; monkey.patch_all()
import time, gevent
from concbench.worker import heartbeat
with heartbeat.on_greenlet():
    gevent.sleep(0.01)
    t = time.perf_counter()  # CPU in the main greenlet: the hub cannot run the heartbeat
    while time.perf_counter() - t < 0.1: pass
    gevent.sleep(0.01)
print(max(heartbeat.LAGS))
"""


def test_sees_a_busy_greenlet(facts):
    if facts.gil_disabled_build or not facts.imports.get("gevent", {}).get("ok"):
        pytest.skip("gevent is n/a here")
    out = subprocess.run([sys.executable, "-c", GEVENT], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) >= 0.09


@pytest.mark.parametrize("model", ["multiprocessing", "subinterpreters"])
def test_workers_with_their_own_loops_send_their_lag_back(model, http_server):
    """mixed: a loop per process or interpreter, CPU inline; the lag is measured on those loops and
    comes back to the cell (a thread in the parent would see nothing of a blocked worker loop)."""
    import importlib

    if model == "subinterpreters" and sys.version_info < (3, 14):
        pytest.skip("subinterpreters: 3.14+")
    from concbench.suites.mixed.workload import Params

    module = importlib.import_module(f"concbench.suites.mixed.{model}")
    assert module.HEARTBEAT == "own", "the cell must not add a parent-thread heartbeat"
    run = http_server.new_run()
    p = Params(
        requests=8,
        concurrency=4,
        latency_ms=5,
        span=2000,
        workers=2,
        url=http_server.base(run),
        client="aiohttp",
    )
    import tempfile

    with tempfile.TemporaryDirectory() as d, module.setup(Params(**{**p.__dict__, "dir": d})) as call:
        LAGS.clear()
        call()
        assert LAGS, "the workers' lags came back"
        assert max(LAGS) >= 0.001, "a transform of ~10 ms inline blocks its worker's loop"
