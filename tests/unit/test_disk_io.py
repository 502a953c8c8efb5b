"""disk_io holds every model to the same bounds: at most `workers` files in progress, the bytes built
before the clock; and every model in this process gives the reference digests. (Pools of processes and
interpreters: tests/e2e/test_disk_io.py.)"""

import importlib
import threading
from pathlib import Path

import pytest

from concbench.registry import WORKLOADS, Cell, unavailable
from concbench.suites.disk_io import workload
from concbench.suites.disk_io.workload import Params, prepare, reference

MODULE = "concbench.suites.disk_io.{}"
VARIANTS = [(m, v.name) for m, variants in WORKLOADS["disk_io"].variants.items() for v in variants]
# gevent is left to test_suites: importing it here would patch (and, on 3.14t, re-GIL) us; the
# pools of processes are in tests/e2e/test_disk_io.py
IN_PROCESS = [(m, v) for m, v in VARIANTS if m not in ("gevent", "multiprocessing")]
ASYNC = [("asyncio", "aiofiles"), ("asyncio", "anyio"), ("asyncio", "to_thread")]
ASYNC += [("trio", "default"), ("trio", "to_thread")]


def params(tmp_path, variant="default", **kw) -> Params:
    return Params(
        **{"files": 24, "size": 3000, "fsync": 0, "workers": 3, **kw}, variant=variant, dir=str(tmp_path)
    )


def skip_if_unavailable(model: str, variant: str, p: Params, facts) -> None:
    cell = Cell("disk_io", model, variant, {"files": p.files, "size": p.size, "fsync": p.fsync})
    if reason := unavailable(cell, facts):
        pytest.skip(f"n/a here: {reason}")


@pytest.mark.parametrize("model,variant", ASYNC)
def test_async_variants_keep_at_most_workers_files_in_progress(model, variant, tmp_path, monkeypatch, facts):
    """Sampled when each file's bytes are fetched for writing (the file already exists): how many
    files exist in the scratch directory, i.e. were created and not yet deleted. Before the bound,
    the asyncio variants reached all `files` of them."""
    p = params(tmp_path, variant)
    skip_if_unavailable(model, variant, p, facts)
    mod = importlib.import_module(MODULE.format(model))
    seen: list[int] = []
    lock = threading.Lock()
    real = workload.payload

    def counting(p: Params, i: int) -> bytes:
        with lock:
            seen.append(sum(1 for _ in Path(p.dir).iterdir()))
        return real(p, i)

    for where in (mod, workload):  # the async variants fetch it themselves; to_thread, via one_file
        monkeypatch.setattr(where, "payload", counting)
    with mod.setup(p) as run:
        for _ in range(3):
            assert run() == reference(p)
    assert len(seen) == 3 * p.files
    assert 1 <= max(seen) <= p.workers, seen


@pytest.mark.parametrize("model,variant", IN_PROCESS)
def test_every_model_gives_the_reference_in_this_process(model, variant, tmp_path, facts):
    p = params(tmp_path, variant, files=7, fsync=1, workers=2)
    skip_if_unavailable(model, variant, p, facts)
    mod = importlib.import_module(MODULE.format(model))
    with mod.setup(p) as run:
        assert run() == reference(p)
        assert run() == reference(p)
    assert not list(tmp_path.iterdir()), "every file written is gone"


def test_the_bytes_are_never_built_in_the_timed_call(tmp_path):
    p = params(tmp_path)
    with pytest.raises(KeyError):
        workload.one_file(p, 0)  # setup (or a pool's initializer) has to `prepare` them first
    prepare(p)
    assert workload.one_file(p, 0) == reference(p)[0]
