"""Every workload has one file per model with the same entry point, and each gives the reference."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pyperf
import pytest

from concbench.cell import command
from concbench.registry import MODELS, WORKLOADS, Cell, unavailable
from concbench.verify import VerificationFailed, check, digest

SUITES = Path(importlib.import_module("concbench.suites").__file__).parent
CASES = [
    (w, m, v.name) for w, wl in WORKLOADS.items() for m, variants in wl.variants.items() for v in variants
]


def test_every_workload_implements_every_model():
    for name, wl in WORKLOADS.items():
        assert set(wl.variants) == set(MODELS), name
        files = {p.stem for p in (SUITES / name).glob("*.py")} - {"__init__", "workload"}
        assert files == set(MODELS), f"{name}: model files {sorted(files)}"


@pytest.mark.parametrize("workload,model", sorted({(w, m) for w, m, _ in CASES}))
def test_same_entry_point(workload, model):
    """Read, not imported: importing gevent would switch the GIL back on in this test process."""
    tree = ast.parse((SUITES / workload / f"{model}.py").read_text())
    assert ast.get_docstring(tree), "each model file opens with what it measures"
    (setup,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "setup"]
    assert [a.arg for a in setup.args.args] == ["p"]
    assert any(isinstance(d, ast.Name) and d.id == "contextmanager" for d in setup.decorator_list)


@pytest.mark.parametrize("workload,model,variant", CASES)
def test_model_matches_reference_on_tiny_input(workload, model, variant, facts, tmp_path):
    """Through the real cell worker (gevent patched first): two calls, each checked against the reference."""
    wl = importlib.import_module(f"concbench.suites.{workload}.workload")
    cell = Cell(workload, model, variant, {**{k: 3 for k in wl.QUICK}, "workers": 2})
    if reason := unavailable(cell, facts):
        pytest.skip(f"n/a here: {reason}")
    argv = command(sys.executable, cell, str(tmp_path / "out.json"), "quick")
    argv += ["--processes", "1", "--values", "2", "--warmups", "0"]  # later options win
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    bench = pyperf.Benchmark.load(str(tmp_path / "out.json"))
    assert bench.get_nvalue() == 2
    assert bench.get_metadata()["gil_enabled_after"] == int(not facts.gil_disabled_build)


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
    from concbench.cell import timed

    calls = []
    good = timed(lambda: calls.append(1) or [1, 2], digest([1, 2]))
    assert good(3) > 0 and len(calls) == 3
    with pytest.raises(VerificationFailed):
        timed(lambda: [2, 1], digest([1, 2]))(1)
