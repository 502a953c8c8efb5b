"""A spawn unit's interpreter starts from a minimal module, not from the harness; the cell worker is a
package's __main__ (why: tests/e2e/test_spawn.py)."""

import pytest

from concbench.suites.spawn import _unit

HARNESS = {"pyperf", "psutil", "concbench.worker.cell", "concbench.suites.spawn.workload"}


def test_the_worker_is_a_package_main():
    from concbench.worker.cell import Spec, command

    argv = command(
        "python", Spec("spawn", "sync", "default", {}, "x", "concbench.suites.spawn"), "out.json", 1, False
    )
    assert argv[1:3] == ["-m", "concbench.worker"]


def test_a_subinterpreter_unit_imports_none_of_the_harness():
    pytest.importorskip("concurrent.interpreters")
    from concbench.suites.spawn.subinterpreters import create_close

    # `modules` uses a global, so it is pickled by reference: the interpreter imports `_unit`
    (mods,) = create_close(1, _unit.modules)
    assert not set(mods) & HARNESS, sorted(set(mods) & HARNESS)
    assert _unit.__name__ in mods
