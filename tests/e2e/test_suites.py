"""Every variant of every workload gives the reference on its tiny case, through the real cell worker.
(One file per model with the same entry point: tests/unit/test_suites.py.)"""

import dataclasses
import subprocess
import sys

import pyperf
import pytest

from concbench.registry import MODELS, WORKLOADS, Cell, unavailable
from concbench.worker.cell import Spec, command

CASES = [  # every variant of every workload that has a tiny case (the job workload needs a function)
    (w, m, v.name)
    for w, wl in WORKLOADS.items()
    if wl.tiny is not None
    for m, variants in wl.variants.items()
    for v in variants
]


# The failure workload's tiny case proves that C units were in flight when unit 0 failed (fail_ms 20
# into 100 ms requests): on a loaded free-threaded build (tox's envs run side by side) the others were
# not always sent within 20 ms, and once (CI, serve's servers beside it, multiprocessing) not within
# 60 ms. The same shape, five times slower, leaves them 100 ms.
SLOWER = {"failure": ("latency_ms", "fail_ms", "deadline_ms", "cancel_ms")}


def tiny(workload: str) -> dict:
    case = dict(WORKLOADS[workload].tiny)
    for key in SLOWER.get(workload, ()):
        if key in case:
            case[key] *= 5
    return case


@pytest.mark.parametrize("workload,model,variant", CASES)
def test_model_matches_reference_on_tiny_input(workload, model, variant, facts, tmp_path, http_server):
    """Through the real cell worker (gevent patched first): two calls, each checked against the
    reference; for HTTP, the server's own counts prove the requests and the concurrency."""
    cell = Cell(workload, model, variant, tiny(workload))
    if reason := unavailable(cell, facts):
        pytest.skip(f"n/a here: {reason}")
    run = http_server.new_run() if WORKLOADS[workload].server else None
    url = http_server.base(run) if run else ""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    scratch_arg = str(scratch) if WORKLOADS[workload].scratch else ""
    beat = MODELS[model].heartbeat if WORKLOADS[workload].heartbeat else ""
    wl = WORKLOADS[workload]
    client = wl.variant(model, variant).client
    spec = Spec(
        workload, model, variant, cell.params, cell.id, wl.package, client, url=url, scratch=scratch_arg
    )
    spec = dataclasses.replace(spec, heartbeat=beat)
    argv = command(sys.executable, spec, str(tmp_path / "out.json"), 2, MODELS[model].monkey_patch)
    argv += ["--warmups", "0"]  # later options win
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    bench = pyperf.Benchmark.load(str(tmp_path / "out.json"))
    assert bench.get_nvalue() == 2
    assert bench.get_metadata()["gil_enabled_after"] == int(not facts.gil_disabled_build)
    assert not list(scratch.iterdir()), "every file the cell wrote is gone"
    if workload == "spawn" and model != "sync":  # memory per live unit, from every worker
        assert bench.get_runs()[0].get_metadata()["mem_kb_per_unit"] > 0
    if run and wl.requests_per_call:  # (failure checks the server's marks itself, per call)
        stats = http_server.stats(run)
        assert stats["requests_seen"] == 2 * wl.requests_per_call(cell.params)
        assert 1 <= stats["max_inflight"] <= cell.params["concurrency"]
        if MODELS[model].concurrent:
            assert stats["max_inflight"] >= 2, "a concurrent model overlaps its requests"
        if "lat_p99_ms" in bench.get_runs()[0].get_metadata():
            assert bench.get_runs()[0].get_metadata()["lat_p99_ms"] >= cell.params["latency_ms"]
