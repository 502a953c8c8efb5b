"""Every workload has one file per model with the same entry point, and each gives the reference."""

import ast
import dataclasses
import importlib
import subprocess
import sys
from pathlib import Path

import pyperf
import pytest

from concbench.registry import MODELS, WORKLOADS, Cell, unavailable
from concbench.worker.cell import Spec, command
from concbench.worker.verify import VerificationFailed, check, digest

CASES = [  # every variant of every workload that has a tiny case (the job workload needs a function)
    (w, m, v.name)
    for w, wl in WORKLOADS.items()
    if wl.tiny is not None
    for m, variants in wl.variants.items()
    for v in variants
]


def test_every_workload_implements_every_model():
    for name, wl in WORKLOADS.items():
        assert set(wl.variants) == set(MODELS), name
        folder = Path(importlib.import_module(wl.package).__file__).parent
        files = {p.stem for p in folder.glob("[!_]*.py")} - {"workload"}  # _*.py: shared helpers
        assert files == set(wl.variants), f"{name}: model files {sorted(files)}"


@pytest.mark.parametrize("workload,model", sorted((w, m) for w, wl in WORKLOADS.items() for m in wl.variants))
def test_same_entry_point(workload, model):
    """Read, not imported: importing gevent would switch the GIL back on in this test process."""
    folder = Path(importlib.import_module(WORKLOADS[workload].package).__file__).parent
    tree = ast.parse((folder / f"{model}.py").read_text())
    assert ast.get_docstring(tree), "each model file opens with what it measures"
    (setup,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "setup"]
    assert [a.arg for a in setup.args.args] == ["p"]
    assert any(isinstance(d, ast.Name) and d.id == "contextmanager" for d in setup.decorator_list)


@pytest.mark.parametrize("workload,model,variant", CASES)
def test_model_matches_reference_on_tiny_input(workload, model, variant, facts, tmp_path, http_server):
    """Through the real cell worker (gevent patched first): two calls, each checked against the
    reference; for HTTP, the server's own counts prove the requests and the concurrency."""
    cell = Cell(workload, model, variant, WORKLOADS[workload].tiny)
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


def test_cpu_reference_is_independent_of_the_models():
    from concbench.suites.cpu_bound import workload as wl

    p = wl.Params(tasks=4, span=3_000, workers=1)
    assert wl.reference(p) == [wl.count_primes(r) for r in p.ranges()]
    assert sum(wl.reference(p)) > 0


def test_check_rejects_wrong_results():
    check([1, 2, 3], digest([1, 2, 3]))
    with pytest.raises(VerificationFailed, match="digest mismatch"):
        check([1, 2, 4], digest([1, 2, 3]))
    with pytest.raises(VerificationFailed):
        check([3, 2, 1], digest([1, 2, 3]))  # order matters: results are in task order


def test_timed_checks_every_call_outside_the_timing():
    from concbench.suites.cpu_bound import workload as cpu
    from concbench.suites.http_fanout import workload as http
    from concbench.worker.cell import timed

    calls = []
    good = timed(lambda: calls.append(1) or [1, 2], digest([1, 2]), cpu)
    assert good(3) > 0 and len(calls) == 3
    with pytest.raises(VerificationFailed):
        timed(lambda: [2, 1], digest([1, 2]), cpu)(1)
    fetched = [("a", 0.01), ("b", 0.02)]  # HTTP: only the body digests are verified, not the latencies
    assert timed(lambda: fetched, digest(["a", "b"]), http)(1) > 0
    with pytest.raises(VerificationFailed):
        timed(lambda: fetched[::-1], digest(["a", "b"]), http)(1)
