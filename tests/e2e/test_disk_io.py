"""disk_io's pools: every pool worker (process or interpreter) started in setup, the bytes built there
before the clock; and the process pool gives the reference digests."""

import importlib

import pytest

from concbench.registry import WORKLOADS, Cell, unavailable
from concbench.suites.disk_io.workload import Params, reference

MODULE = "concbench.suites.disk_io.{}"
PROCESSES = [("multiprocessing", v.name) for v in WORKLOADS["disk_io"].variants["multiprocessing"]]


def params(tmp_path, variant="default", **kw) -> Params:
    return Params(
        **{"files": 24, "size": 3000, "fsync": 0, "workers": 3, **kw}, variant=variant, dir=str(tmp_path)
    )


def skip_if_unavailable(model: str, variant: str, p: Params, facts) -> None:
    cell = Cell("disk_io", model, variant, {"files": p.files, "size": p.size, "fsync": p.fsync})
    if reason := unavailable(cell, facts):
        pytest.skip(f"n/a here: {reason}")


@pytest.mark.parametrize("model,variant", PROCESSES)
def test_the_process_pool_gives_the_reference(model, variant, tmp_path, facts):
    p = params(tmp_path, variant, files=7, fsync=1, workers=2)
    skip_if_unavailable(model, variant, p, facts)
    mod = importlib.import_module(MODULE.format(model))
    with mod.setup(p) as run:
        assert run() == reference(p)
        assert run() == reference(p)
    assert not list(tmp_path.iterdir()), "every file written is gone"


@pytest.mark.parametrize("model", ["multiprocessing", "subinterpreters"])
@pytest.mark.parametrize("workers", [2, 3])
def test_setup_starts_every_pool_worker(model, workers, tmp_path, monkeypatch, facts):
    """`warm` in setup reports each of the pool's workers; their initializer (`prepare`) ran before
    that, so the workload module is imported and the bytes built in every worker before the clock."""
    p = params(tmp_path, workers=workers)
    skip_if_unavailable(model, "default", p, facts)
    mod = importlib.import_module(MODULE.format(model))
    calls = []

    def recording(pool, n):
        seen = real(pool, n)
        calls.append((pool, n, seen))
        return seen

    real = mod.warm
    monkeypatch.setattr(mod, "warm", recording)
    with mod.setup(p) as run:
        ((pool, n, seen),) = calls
        assert n == workers == pool._max_workers
        assert len(seen) == workers
        if model == "multiprocessing":
            assert {pid for pid, _, _ in seen} == set(pool._processes)
        assert run() == reference(p)
