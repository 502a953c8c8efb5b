"""A spawn unit's process starts from a minimal module, not from the harness, and returns its result
through its pipe. (Interpreters, in this process: tests/unit/test_spawn.py.)"""

import json
import os
import subprocess
import sys
from textwrap import dedent

import pytest

from concbench.suites.spawn import _unit
from concbench.suites.spawn import multiprocessing as mp_model
from concbench.suites.spawn.workload import Params, reference

HARNESS = {"pyperf", "psutil", "concbench.worker.cell", "concbench.suites.spawn.workload"}

# A parent run with -m whose main imports the cell (as `python -m concbench.worker` does), either as a
# package's __main__ (the worker's own shape) or as a plain module (the control: multiprocessing then
# re-runs it in every spawn or forkserver child, as __mp_main__, with pyperf and psutil). With "bare",
# the same parent without the cell: what a unit loads when there is no harness to load.
PARENT = dedent(
    """
    import json, multiprocessing, sys
    if sys.argv[2] == "cell":
        import concbench.worker.cell  # noqa: F401
    from concbench.suites.spawn import _unit
    from concbench.suites.spawn.multiprocessing import context, start_join

    if __name__ == "__main__":
        method = sys.argv[1]
        (mods,) = start_join(context(method), 1, _unit.modules)
        print(json.dumps(mods))
    """
)


def child_modules(tmp_path, method: str, main: str = "cell", entry: str = "package") -> set[str]:
    """The modules a unit's child process has, started by the spawn model from such a parent."""
    (tmp_path / "cellpkg").mkdir(exist_ok=True)
    (tmp_path / "cellpkg" / "__init__.py").write_text("")
    (tmp_path / "cellpkg" / "__main__.py").write_text(PARENT)
    (tmp_path / "cellmod.py").write_text(PARENT)
    argv = [sys.executable, "-m", "cellpkg" if entry == "package" else "cellmod", method, main]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return set(json.loads(proc.stdout))


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_spawned_unit_imports_none_of_the_harness(tmp_path, method):
    mods = child_modules(tmp_path, method)
    assert not mods & HARNESS, sorted(mods & HARNESS)
    assert _unit.__name__ in mods  # the unit's own module was imported
    assert mods == child_modules(tmp_path, method, "bare"), "as if there were no harness"


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_the_control_a_plain_module_main_is_re_imported_in_every_child(tmp_path, method):
    """Why the worker is a package's __main__: from a plain module, each child re-runs it."""
    assert {"pyperf", "psutil", "concbench.worker.cell"} <= child_modules(tmp_path, method, entry="module")


@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
def test_a_process_units_result_comes_back_on_its_pipe(method):
    p = Params(units=0, alive=0, heavy_units=3, heavy_alive=0, workers=1, model="multiprocessing")
    assert mp_model.start_join(mp_model.context(method), p.n) == reference(p)
    with pytest.raises(EOFError):  # a unit that exits 0 without sending its result is not done
        mp_model.start_join(mp_model.context(method), 1, os._exit)
