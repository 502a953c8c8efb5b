"""notebooks/report.ipynb runs, with nbclient (a kernel process), on the reference results."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from concbench.report import grid
from concbench.report.data import load

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "report.ipynb"
REFERENCE = ROOT / "results" / "reference"


def test_notebook_executes_on_the_reference_results(monkeypatch):
    results = Path(os.environ.get("CONCBENCH_RESULTS", REFERENCE))
    if not (results / "results.csv").is_file():
        pytest.fail(f"no results at {results}: the reference run is part of the repo")
    monkeypatch.setenv("CONCBENCH_RESULTS", str(results))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4, "every chart cell draws a chart"
    shown = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    res = load(results)
    interpreters = [it["id"] for it in res.manifest.get("interpreters", [])]
    assert grid.styled(res.verdicts, interpreters) in shown, "the report's own verdict grid"
    assert "CPU work:" in shown
