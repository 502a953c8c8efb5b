"""Every workload keeps the written contracts of concbench.workloads: its workload.py is a
WorkloadModule, and each model file it declares defines `setup(p)` (read from its source: a model
module is imported only inside its own worker, gevent's patches first)."""

from __future__ import annotations

import ast
import dataclasses
import importlib
from importlib import resources

import pytest

from concbench.registry import WORKLOADS
from concbench.workloads import KeepsUnitsAlive, PricesMemory, Verifies, WorkloadModule


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_each_workload_module_keeps_the_contract(name):
    module = importlib.import_module(f"{WORKLOADS[name].package}.workload")
    assert isinstance(module, WorkloadModule)
    assert dataclasses.is_dataclass(module.Params) and "variant" in {
        f.name for f in dataclasses.fields(module.Params)
    }
    assert module.WORKLOAD.name == name


def _functions(source: str) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_each_model_file_defines_setup_and_its_workload_prices_what_it_keeps_alive(name):
    wl = WORKLOADS[name]
    folder = resources.files(wl.package)
    workload = importlib.import_module(f"{wl.package}.workload")
    for model in wl.variants:
        functions = _functions((folder / f"{model}.py").read_text(encoding="utf-8"))
        assert "setup" in functions, f"{name}/{model}.py has no setup(p)"
        assert len(functions["setup"].args.args) == 1, f"{name}/{model}.py: setup takes one argument, p"
        if "alive" in functions:  # units kept alive are priced by the workload's memory_per_unit
            assert isinstance(workload, PricesMemory), (
                f"{name}/{model}.py has alive(n), its workload no price"
            )


def test_the_optional_contracts_are_what_the_worker_sees():
    spawn = importlib.import_module(f"{WORKLOADS['spawn'].package}.workload")
    assert isinstance(spawn, PricesMemory) and not isinstance(spawn, Verifies)
    assert isinstance(importlib.import_module(f"{WORKLOADS['http_fanout'].package}.workload"), Verifies)

    class Model:
        @staticmethod
        def alive(n: int):
            return None

    assert isinstance(Model(), KeepsUnitsAlive) and not isinstance(object(), KeepsUnitsAlive)


def test_every_claim_needs_cells_that_exist():
    from concbench.report.claims import CLAIMS

    assert len(CLAIMS) >= 15 and all(c.needs for c in CLAIMS)
    missing = [
        f"{c.check.__name__} needs {w}:{label}"
        for c in CLAIMS
        for w, label in c.needs
        if w not in WORKLOADS
        or label.partition("/")[2]
        not in {"", *(v.name for v in WORKLOADS[w].variants.get(label.partition("/")[0], ()))}
        or label.partition("/")[0] not in WORKLOADS[w].variants
    ]
    assert not missing, missing
