"""Every model of the shared-state workload counts the counter right through the real cell worker
(tests/e2e/test_suites.py runs the tiny case, the word counts)."""

import subprocess
import sys

import pyperf
import pytest

from concbench.registry import MODELS, WORKLOADS, Cell, unavailable
from concbench.suites.shared_state import workload as wl
from concbench.worker.cell import Spec, command

SS = WORKLOADS["shared_state"]


@pytest.mark.parametrize(
    "model,variant", [(m, v.name) for m, variants in SS.variants.items() for v in variants]
)
def test_every_model_counts_the_counter_through_the_real_worker(model, variant, facts, tmp_path):
    """The tiny case is the word counts; this is the counter, with an uneven split (3 workers)."""
    case = {**SS.tiny, "shape": wl.COUNTER, "workers": 3}
    cell = Cell("shared_state", model, variant, case)
    if reason := unavailable(cell, facts):
        pytest.skip(f"n/a here: {reason}")
    spec = Spec("shared_state", model, variant, case, cell.id, SS.package)
    out = tmp_path / "out.json"
    argv = [*command(sys.executable, spec, str(out), 2, MODELS[model].monkey_patch), "--warmups", "0"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert pyperf.Benchmark.load(str(out)).get_nvalue() == 2  # each call checked against [n]
