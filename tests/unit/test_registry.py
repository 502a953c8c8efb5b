"""n/a is a result with a reason: each rule, on synthetic facts and on this interpreter."""

import dataclasses
import sys

from concbench.registry import Cell, cells, probe_modules, unavailable


def cell(model: str, variant: str = "default") -> Cell:
    return Cell("cpu_bound", model, variant, {"tasks": 2, "span": 10, "workers": 2})


def test_reasons_on_synthetic_interpreters(facts):
    gil_311 = dataclasses.replace(facts, version="3.11.7", version_info=[3, 11, 7], gil_disabled_build=False)
    assert "needs Python >= 3.14" in unavailable(cell("subinterpreters"), gil_311)
    assert "needs a free-threaded build" in unavailable(cell("freethreading"), gil_311)

    ft_gil_on = dataclasses.replace(facts, gil_disabled_build=True, gil_enabled=True)
    assert "GIL is enabled at run time" in unavailable(cell("freethreading"), ft_gil_on)

    imports = {**facts.imports, "trio": {"ok": False, "error": "ModuleNotFoundError: No module named 'trio'"}}
    no_trio = dataclasses.replace(facts, imports=imports)
    reason = unavailable(cell("trio"), no_trio)
    assert reason == "trio does not import: ModuleNotFoundError: No module named 'trio'"

    imports = {**facts.imports, "gevent": {"ok": True, "enables_gil": True}}
    ft_gevent = dataclasses.replace(facts, gil_disabled_build=True, gil_enabled=False, imports=imports)
    assert "re-enables the GIL" in unavailable(cell("gevent"), ft_gevent)

    no_concbench = dataclasses.replace(facts, imports={})
    assert "concbench is not installed" in unavailable(cell("sync"), no_concbench)


def test_reasons_on_this_interpreter(facts):
    assert unavailable(cell("sync"), facts) is None
    ft = unavailable(cell("freethreading"), facts)
    if not facts.gil_disabled_build:
        assert "needs a free-threaded build" in ft
    else:
        assert ft is None, "3.14t with the GIL off runs the free-threading model"
    sub = unavailable(cell("subinterpreters"), facts)
    assert (sub is None) == (sys.version_info >= (3, 14)), sub
    gevent = unavailable(cell("gevent"), facts)
    if facts.gil_disabled_build:  # gevent's C extension switches the GIL back on
        assert gevent is not None and "gevent" in gevent
    else:
        assert gevent is None


def test_probe_reports_the_build(facts):
    import sysconfig

    assert facts.executable
    assert facts.gil_disabled_build == bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    assert facts.id.endswith("t") == facts.gil_disabled_build
    assert set(probe_modules()) <= set(facts.imports)
    assert facts.imports["concbench"]["ok"]


def test_cells_expand_variants_and_carry_workers():
    got = cells(["cpu_bound"], ["sync", "asyncio"], full=False, workers=3)
    expected = [("sync", "default"), ("asyncio", "naive"), ("asyncio", "offloaded")]
    assert [(c.model, c.variant) for c in got] == expected
    assert all(c.params["workers"] == 3 for c in got)
    assert got[1].id == "cpu_bound.asyncio/naive[tasks=8,span=5000,workers=3]"


def test_sweeps_expand_and_sync_runs_once():
    got = cells(
        ["http_fanout"], ["sync", "threads"], full=False, workers=2, sweeps={"concurrency": [1, 10, 100]}
    )
    threads = [c for c in got if c.model == "threads" and c.variant == "default"]
    assert [c.params["concurrency"] for c in threads] == [1, 10, 100]
    sync = [c for c in got if c.model == "sync" and c.variant == "default"]
    assert len(sync) == 1, "sync ignores concurrency: one baseline for the whole series"


def test_workers_sweep_and_unknown_sweep():
    import pytest

    from concbench.registry import UnknownParam

    got = cells(["cpu_bound"], ["threads"], full=False, workers=2, sweeps={"workers": [1, 2, 4]})
    assert [c.params["workers"] for c in got] == [1, 2, 4]
    with pytest.raises(UnknownParam, match="--sweep nope"):
        cells(["cpu_bound"], ["threads"], full=False, workers=2, sweeps={"nope": [1]})


def test_every_point_of_a_sweep_is_paired_with_the_one_sync_baseline(facts, tmp_path):
    from concbench.run.matrix import Matrix
    from concbench.run.plan import Plan

    series = cells(
        ["http_fanout"], ["sync", "threads"], full=False, workers=2, sweeps={"concurrency": [5, 50]}
    )
    matrix = Matrix.of(Plan(cells=series, pythons=[facts], out=tmp_path, mode="quick", timeout_s=1), None)
    (sync,) = [ev for (_, c), ev in matrix.evidence.items() if (c.model, c.variant) == ("sync", "default")]
    threads = [k for k in matrix.evidence if k[1].model == "threads"]
    assert {k[1].params["concurrency"] for k in threads} == {5, 50}
    assert all(matrix.base(k) is sync for k in threads)


def test_full_only_variants_stay_out_of_the_quick_matrix():
    quick = cells(["mixed"], ["sync", "threads"], full=False, workers=2)
    full = cells(["mixed"], ["sync", "threads"], full=True, workers=2)
    assert {c.variant for c in quick} == {"default"}
    assert {c.variant for c in full} == {"default", "httpx"}, "mixed has the same client (httpx) everywhere"
