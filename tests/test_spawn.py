"""A spawn unit starts from a minimal module, not from the harness, and returns its result through
its model's own channel."""

import json
import os
import subprocess
import sys
from textwrap import dedent

import pytest

from concbench.suites.spawn import _unit
from concbench.suites.spawn import multiprocessing as mp_model
from concbench.suites.spawn.workload import Params, reference

HARNESS = {"pyperf", "psutil", "concbench.cell", "concbench.suites.spawn.workload"}

# A parent run with -m whose main module imports the cell worker (as `python -m concbench.cell` is):
# a spawn or forkserver child would re-import it, as __mp_main__, with pyperf and psutil. With
# "bare", the same parent without the cell: what a unit loads when there is no harness to load.
PARENT = dedent(
    """
    import json, multiprocessing, sys
    if sys.argv[3] == "cell":
        import concbench.cell  # noqa: F401
    from concbench.suites.spawn import _unit
    from concbench.suites.spawn.multiprocessing import context, start_join

    if __name__ == "__main__":
        method, how, _ = sys.argv[1:]
        if how == "model":
            (mods,) = start_join(context(method), 1, _unit.modules)
        else:  # multiprocessing's defaults, without the model's care: the control
            ctx = multiprocessing.get_context(method)
            recv, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_unit.reply, args=(send, _unit.modules, 0))
            proc.start()
            mods = recv.recv()
            proc.join()
        print(json.dumps(mods))
    """
)


def child_modules(tmp_path, method: str, how: str, main: str = "cell") -> set[str]:
    (tmp_path / "cellmain.py").write_text(PARENT)
    argv = [sys.executable, "-m", "cellmain", method, how, main]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return set(json.loads(proc.stdout))


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_spawned_unit_imports_none_of_the_harness(tmp_path, method):
    mods = child_modules(tmp_path, method, "model")
    assert not mods & HARNESS, sorted(mods & HARNESS)
    assert _unit.__name__ in mods  # the unit's own module was imported
    assert mods == child_modules(tmp_path, method, "model", "bare"), "as if there were no harness"


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_the_control_child_does_reimport_the_parents_main(tmp_path, method):
    """The parent above is the cell's situation: left alone, multiprocessing re-runs its main."""
    assert {"pyperf", "psutil", "concbench.cell"} <= child_modules(tmp_path, method, "plain")


def test_a_subinterpreter_unit_imports_none_of_the_harness():
    pytest.importorskip("concurrent.interpreters")
    from concbench.suites.spawn.subinterpreters import create_close

    # `modules` uses a global, so it is pickled by reference: the interpreter imports `_unit`
    (mods,) = create_close(1, _unit.modules)
    assert not set(mods) & HARNESS, sorted(set(mods) & HARNESS)
    assert _unit.__name__ in mods


@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
def test_a_process_units_result_comes_back_on_its_pipe(method):
    p = Params(units=0, alive=0, heavy_units=3, heavy_alive=0, workers=1, model="multiprocessing")
    assert mp_model.start_join(mp_model.context(method), p.n) == reference(p)
    with pytest.raises(EOFError):  # a unit that exits 0 without sending its result is not done
        mp_model.start_join(mp_model.context(method), 1, os._exit)
