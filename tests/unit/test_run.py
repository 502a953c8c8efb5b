"""The GIL audit of a run's rows, and what a default run says when 3.14 or 3.14t is missing."""

import dataclasses

from concbench.registry import Cell
from concbench.report.terminal import findings
from concbench.results import base_row


def test_gil_audit_names_the_cells_that_re_enabled_the_gil(facts):
    cell = Cell("cpu_bound", "threads", "default", {"workers": 2})
    ft = dataclasses.replace(facts, gil_disabled_build=True)
    clean, dirty = base_row(ft, cell, "ok"), base_row(ft, cell, "ok")
    clean.gil_enabled_runtime, clean.gil_reenabled = False, False
    dirty.gil_enabled_runtime, dirty.gil_reenabled = True, True
    clean.ci_halfwidth = dirty.ci_halfwidth = 0.01
    assert findings([clean], 0.05) == [f"GIL audit, {ft.id}: 1 cells ran; the GIL was off throughout"]
    (line,) = findings([clean, dirty], 0.05)
    assert "re-enabled by 1" in line and "cpu_bound.threads/default" in line
    assert findings([base_row(ft, cell, "n/a")], 0.05) == [
        f"GIL audit, {ft.id}: 0 cells ran; the GIL was off throughout"
    ]


def test_run_says_which_of_3_14_and_3_14t_is_missing_and_how_to_get_it(monkeypatch):
    from concbench import planning
    from concbench.host import pythons

    monkeypatch.setattr(pythons, "discover", lambda explicit=None: [])
    lines = planning.missing_pythons()
    assert [ln.split(":")[0] for ln in lines[:2]] == ["[yellow]3.14", "[yellow]3.14t"]
    assert all("uv python install" in ln for ln in lines[:2])
