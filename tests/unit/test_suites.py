"""Every workload has one file per model with the same entry point; the references and the checks.
(Each model giving the reference, through the real cell worker: tests/e2e/test_suites.py.)"""

import ast
import importlib
from pathlib import Path

import pytest

from concbench.registry import MODELS, WORKLOADS
from concbench.worker.verify import VerificationFailed, check, digest


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
