"""`concbench run --job MODULE:FUNCTION`: a user's own function, in every model, verified."""

import csv
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from concbench.registry import MODELS, Cell, unavailable
from concbench.run.job import NO_ASYNC, NO_BLOCKING

USERJOB = '''
import time

READY = None


def cpu(i):
    """Pure Python: primes below 3000 + i, by trial division."""
    return sum(all(n % d for d in range(2, int(n**0.5) + 1)) for n in range(2, 3000 + i))


def io(i):
    time.sleep(0.005)  # a blocking call that waits
    return {"item": i, "square": i * i, "tags": {"b", "a"}}


async def aio(i):
    import anyio  # runs on asyncio and on trio

    await anyio.sleep(0.005)
    return [i, bytes([i % 256])]


def setup():
    global READY
    READY = "ready"


def needs_setup(i):
    return f"{READY} {i}"


def boom(i):
    if i == 2:
        raise ValueError("item two is bad")
    return i


def local_box(i):
    class Box:  # a local class: its instances do not pickle
        def __repr__(self):
            return f"Box({i})"

    return Box()


NOT_A_FUNCTION = 3
'''

SUBONLY = """
from concurrent import interpreters

if interpreters.get_current() != interpreters.get_main():
    raise ImportError("this module does not load in a subinterpreter")


def same(i):
    return i
"""


@pytest.fixture(scope="module")
def jobdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("jobs")
    (d / "userjob.py").write_text(textwrap.dedent(USERJOB))
    (d / "subonly.py").write_text(textwrap.dedent(SUBONLY))
    return d


Ran = tuple[subprocess.CompletedProcess, list, Path]


def run_job(jobdir, *args: str, models: tuple[str, ...] = ()) -> Ran:
    """`concbench run` from the jobs' directory (where a user would type it), on this interpreter, for
    one round (a first round always runs): what is checked here is in every round."""
    out = jobdir / f"out{len(list(jobdir.glob('out*')))}"
    argv = [sys.executable, "-m", "concbench", "run", *args, "--python", sys.executable, "--rounds", "1"]
    for m in models:
        argv += ["--model", m]
    proc = subprocess.run([*argv, "--out", str(out)], capture_output=True, text=True, cwd=jobdir, timeout=600)
    rows = []
    if (out / "results.csv").exists():
        with (out / "results.csv").open() as f:
            rows = [r for r in csv.DictReader(f) if r["workload"] == "job"]
    return proc, rows, out


def by_cell(rows: list) -> dict[str, dict]:
    return {r["model"] if r["variant"] == "default" else f"{r['model']}/{r['variant']}": r for r in rows}


def expected_na(model: str, facts) -> str | None:
    return unavailable(Cell("job", model, "default", {"items": 1, "workers": 2}), facts)


def test_a_cpu_function_runs_in_all_eight_models(jobdir, facts):
    proc, rows, out = run_job(jobdir, "--job", "userjob:cpu", "--items", "6")
    assert proc.returncode == 0, proc.stderr[-2000:]
    cells = by_cell(rows)
    assert {r["model"] for r in rows} == set(MODELS)
    for model in MODELS:
        row = cells[model]
        if reason := expected_na(model, facts):
            assert row["status"] == "n/a" and row["reason"] == reason
        else:
            assert row["status"] in ("ok", "impossible"), (model, row["reason"])
            assert row["digest_ok"] == "True"
    assert cells["asyncio/native"]["reason"] == cells["trio/native"]["reason"] == NO_ASYNC
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["job"]["function"] == "userjob:cpu"
    assert "def cpu(i):" in manifest["job"]["sources"]["userjob:cpu"]


def test_a_blocking_io_function_with_a_setup_in_every_process_and_interpreter(jobdir, facts):
    """--job-setup runs in each pool process and interpreter (else READY is None there and the
    results differ from the reference: failed); dict and set results are compared canonically."""
    models = ("sync", "threads", "gevent", "subinterpreters", "multiprocessing")
    proc, rows, _ = run_job(
        jobdir, "--job", "userjob:needs_setup", "--job-setup", "userjob:setup", "--items", "5", models=models
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    proc, io_rows, _ = run_job(jobdir, "--job", "userjob:io", "--items", "8", "--workers", "4", models=models)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for row in rows + io_rows:  # impossible: a few µs of work can time below a model's noisy floor
        if not expected_na(row["model"], facts):
            assert row["status"] in ("ok", "impossible"), (row["model"], row["reason"])
            assert row["digest_ok"] == "True", row["model"]


def test_an_async_function_runs_natively_on_asyncio_and_trio(jobdir, facts):
    proc, rows, _ = run_job(
        jobdir,
        "--job",
        "userjob:aio",
        "--items",
        "6",
        models=("sync", "asyncio", "trio", "gevent", "threads"),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    cells = by_cell(rows)
    for name in ("sync", "threads", "asyncio", "asyncio/native", "trio", "trio/native"):
        assert cells[name]["status"] in ("ok", "impossible"), (name, cells[name]["reason"])
        assert cells[name]["digest_ok"] == "True", name
    if not expected_na("gevent", facts):
        assert cells["gevent"]["status"] == "n/a" and cells["gevent"]["reason"] == NO_BLOCKING


def test_what_a_model_cannot_run_is_na_with_the_reason(jobdir, facts):
    proc, rows, _ = run_job(
        jobdir,
        "--job",
        "userjob:local_box",
        "--items",
        "3",
        models=("sync", "multiprocessing", "subinterpreters"),
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    cells = by_cell(rows)
    assert cells["sync"]["digest_ok"] == "True"
    assert cells["multiprocessing"]["status"] == "n/a"
    assert "do not pickle" in cells["multiprocessing"]["reason"]
    if sys.version_info < (3, 14):
        return
    assert "do not pickle" in cells["subinterpreters"]["reason"]
    models = ("sync", "subinterpreters")
    proc, rows, _ = run_job(jobdir, "--job", "subonly:same", "--items", "3", models=models)
    assert proc.returncode == 0, proc.stderr[-2000:]
    cells = by_cell(rows)
    assert cells["sync"]["digest_ok"] == "True"
    assert cells["subinterpreters"]["status"] == "n/a"
    assert "subonly does not import in a subinterpreter" in cells["subinterpreters"]["reason"]
    assert "this module does not load in a subinterpreter" in cells["subinterpreters"]["reason"]


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ("--job", "nosuchmodule:f"),
            "--job nosuchmodule:f: cannot import nosuchmodule: ModuleNotFoundError",
        ),
        (("--job", "userjob:missing"), "--job userjob:missing: userjob has no missing"),
        (("--job", "userjob:NOT_A_FUNCTION"), "--job userjob:NOT_A_FUNCTION: not a function but int"),
        (("--job", "userjob:boom"), "userjob:boom(2) raised ValueError: item two is bad"),
        (("--job", "userjob:cpu", "--async-job", "userjob:cpu"), "--async-job userjob:cpu: not an async def"),
    ],
)
def test_bad_job_input_is_one_line_and_exit_code_2(jobdir, args, message, cli, refused, monkeypatch):
    """Found when the job is checked on the interpreter, in a process of its own, from the directory
    the user typed the command in; the CLI itself runs in this process. (The options that are wrong
    before any check: tests/unit/test_cli.py.)"""
    monkeypatch.chdir(jobdir)
    refused(cli("run", *args, "--model", "sync", "--out", jobdir / "refused"), message)
    assert not (jobdir / "refused").exists()
