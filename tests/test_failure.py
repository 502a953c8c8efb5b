"""The failure workload: what each model does when a unit fails, the deadline passes or the caller
cancels, through the real cell worker and the mock server's marks; and its proof, which fails a
call whose figures it can't back. No timing is asserted: counts and what the caller got."""

import asyncio
import subprocess
import sys

import pyperf
import pytest

from concbench.registry import MODELS, WORKLOADS, Cell, unavailable
from concbench.suites.failure import workload as wl
from concbench.worker.cell import Spec, command
from concbench.worker.verify import VerificationFailed

W = WORKLOADS["failure"]
BASE = {"units": 8, "concurrency": 4, "latency_ms": 100, "workers": 2}
FAIL, DEADLINE, CANCEL = ({**BASE, "fail_ms": 30}, {**BASE, "deadline_ms": 150}, {**BASE, "cancel_ms": 50})


def figures(model: str, variant: str, params: dict, facts, http_server, tmp_path) -> dict:
    """The cell's own figures (usage.EXTRA, in the pyperf run's metadata) after two calls."""
    tmp_path.mkdir(exist_ok=True)
    cell = Cell("failure", model, variant, params)
    if reason := unavailable(cell, facts):
        pytest.skip(f"n/a here: {reason}")
    url = http_server.base(http_server.new_run())
    client = W.variant(model, variant).client
    spec = Spec("failure", model, variant, params, cell.id, W.package, client, url=url)
    argv = command(sys.executable, spec, str(tmp_path / "out.json"), 1, MODELS[model].monkey_patch)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return pyperf.Benchmark.load(str(tmp_path / "out.json")).get_runs()[0].get_metadata()


@pytest.mark.parametrize("model", ["asyncio", "trio", "gevent"])
def test_structured_models_stop_the_siblings_and_raise(model, facts, http_server, tmp_path):
    got = figures(model, "default", FAIL, facts, http_server, tmp_path)
    assert got["leaked"] == got["sent_after"] == 0 and got["error_surfaced"] == 1
    assert got["threads_left"] == got["procs_left"] == got["sockets_left"] == 0


@pytest.mark.parametrize("model", ["threads", "subinterpreters"])
def test_a_failure_cancels_the_queued_units_but_not_the_running(model, facts, http_server, tmp_path):
    got = figures(model, "default", FAIL, facts, http_server, tmp_path)
    assert got["caller_got"] == "UnitFailed" and got["error_surfaced"] == 1
    assert got["leaked"] == 3, "the 3 in flight ran to the end"
    assert got["sent_after"] == 0, "the failure's own callback cancelled the queued ones first"


def test_gather_leaves_the_siblings_running(facts, http_server, tmp_path):
    got = figures("asyncio", "gather", FAIL, facts, http_server, tmp_path)
    assert got["caller_got"] == "UnitFailed" and got["error_surfaced"] == 1
    assert got["leaked"] == 7, "the 3 in flight and the 4 queued all ran to the end"


@pytest.mark.parametrize("model", ["threads", "subinterpreters"])
def test_a_deadline_stops_the_waiting_not_the_threads(model, facts, http_server, tmp_path):
    got = figures(model, "default", DEADLINE, facts, http_server, tmp_path)
    assert got["caller_got"] == "TimeoutError" and got["error_surfaced"] == 1
    assert got["leaked"] == 4, "the second wave ran to the end after the deadline"
    assert got["sent_after"] == 0, "nothing queued was started after it"


def test_timeouts_passed_down_stop_the_requests_at_the_deadline(facts, http_server, tmp_path):
    got = figures("threads", "timeouts", DEADLINE, facts, http_server, tmp_path)
    assert got["caller_got"] == "TimeoutError" and got["leaked"] == 0


def test_processes_can_be_stopped_by_terminating_the_pool(facts, http_server, tmp_path):
    """terminate_workers() (3.14) stops the running units; before it, they run to the end."""
    got = figures("multiprocessing", "default", DEADLINE, facts, http_server, tmp_path)
    assert got["leaked"] == (0 if sys.version_info >= (3, 14) else 4) and got["procs_left"] == 0


@pytest.mark.parametrize("params", [CANCEL, DEADLINE], ids=["cancel", "deadline"])
def test_swallowing_cancellation_redoes_the_work(params, facts, http_server, tmp_path):
    plain = figures("asyncio", "default", params, facts, http_server, tmp_path / "a")
    swallow = figures("asyncio", "swallow", params, facts, http_server, tmp_path / "b")
    assert plain["leaked"] == plain["sent_after"] == 0
    assert swallow["sent_after"] == 4 and swallow["leaked"] == 4, "every cancelled unit redid its request"


@pytest.mark.parametrize("model", ["sync", "threads", "trio"])
def test_cancel_from_outside_reaches_the_caller(model, facts, http_server, tmp_path):
    got = figures(model, "default", CANCEL, facts, http_server, tmp_path)
    assert got["caller_got"] == "Cancelled" and got["error_surfaced"] == 1


def test_except_exception_does_not_catch_cancellation():
    """Why `swallow` catches CancelledError by name: since 3.8 it is a BaseException."""

    async def guarded() -> str:
        try:
            await asyncio.sleep(10)
        except Exception:
            return "swallowed"
        return "finished"

    async def main() -> None:
        task = asyncio.create_task(guarded())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_surfaced_needs_the_original_error_or_the_right_kind():
    p = wl.Params(**FAIL)
    assert wl.surfaced(p, ExceptionGroup("x", [wl.UnitFailed("unit 0: HTTP 500")]))
    assert not wl.surfaced(p, wl.UnitFailed("unit 3: HTTP 500"))
    assert not wl.surfaced(p, RuntimeError("unit 0: HTTP 500"))
    assert not wl.surfaced(p, None)
    assert wl.surfaced(wl.Params(**DEADLINE), TimeoutError())
    assert not wl.surfaced(wl.Params(**CANCEL), TimeoutError())
    assert wl.got(ExceptionGroup("x", [wl.UnitFailed("u")])) == "ExceptionGroup[UnitFailed]"


def _marked(rows: list[list]) -> list:
    """The server's marks as the workload reads them."""
    return [wl.Mark(i, start, end, wl.Ended(how)) for i, start, end, how in rows]


def test_most_open_counts_overlaps_and_forgives_a_redo():
    marks = _marked([[1, 0.0, 1.0, "done"], [2, 0.5, 1.5, "done"], [3, 0.6, 0.7, "dropped"]])
    assert wl.most_open(marks) == 3
    redo = _marked([[1, 0.0, 0.52, "dropped"], [1, 0.5, 1.0, "done"], [2, 0.0, 1.0, "done"]])
    assert wl.most_open(redo) == 2, "unit 1's drop ends, for the count, when its redo starts"


def _outcome(p, results, error=None):
    return wl.Outcome(p, 0.0, 0.05, error, results)


def test_the_proof_fails_a_result_the_server_did_not_answer(monkeypatch):
    p = wl.Params(**{**CANCEL, "concurrency": 2}, url="http://127.0.0.1:1/r/7")
    marks = _marked([[1, 0.01, 0.02, "done"], [2, 0.01, 0.06, "dropped"]])
    monkeypatch.setattr(wl, "_marks", lambda p, since: marks)
    monkeypatch.setattr(wl, "_drained", lambda p, since: marks)
    monkeypatch.setattr(wl, "AFTER_S", 0.0)
    right = (1, wl.hashlib.sha256(wl.body(1, wl.SIZE)).hexdigest())
    assert wl.verifiable(_outcome(p, [right], wl.Cancelled())) == []
    with pytest.raises(VerificationFailed, match="unit 1"):
        wl.verifiable(_outcome(p, [(1, "0" * 64)]))
    with pytest.raises(VerificationFailed, match="unit 2"):  # dropped, never answered
        wl.verifiable(_outcome(p, [(2, wl.hashlib.sha256(wl.body(2, wl.SIZE)).hexdigest())]))


def test_the_proof_fails_another_error_and_too_few_requests(monkeypatch):
    p = wl.Params(**{**CANCEL, "concurrency": 2}, url="http://127.0.0.1:1/r/7")
    marks = _marked([[1, 0.01, 0.02, "done"], [2, 0.01, 0.06, "dropped"]])
    monkeypatch.setattr(wl, "_marks", lambda p, since: marks)
    monkeypatch.setattr(wl, "_drained", lambda p, since: marks)
    monkeypatch.setattr(wl, "AFTER_S", 0.0)
    with pytest.raises(VerificationFailed, match="BrokenProcessPool"):
        wl.verifiable(_outcome(p, [], type("BrokenProcessPool", (RuntimeError,), {})("dead")))
    assert wl.verifiable(_outcome(p, [], None)) == [], "results without an error: surfaced 0, proven"
    with pytest.raises(VerificationFailed, match="not the 4 in flight"):
        wl.verifiable(_outcome(wl.Params(**CANCEL, url=p.url), [], wl.Cancelled()))


def test_a_late_alarm_raises_nothing():
    with wl.interrupted_after(1):
        pass
    wl.time.sleep(0.01)  # the alarm was disarmed and its handler put back: nothing is raised


def test_the_proof_fails_too_many_open_and_a_missing_500(monkeypatch):
    p = wl.Params(**{**CANCEL, "concurrency": 1}, url="http://127.0.0.1:1/r/7")
    marks = _marked([[1, 0.01, 0.03, "done"], [2, 0.02, 0.04, "done"]])
    monkeypatch.setattr(wl, "_marks", lambda p, since: marks)
    monkeypatch.setattr(wl, "_drained", lambda p, since: marks)
    monkeypatch.setattr(wl, "AFTER_S", 0.0)
    with pytest.raises(VerificationFailed, match="above C=1"):
        wl.verifiable(_outcome(p, []))
    with pytest.raises(VerificationFailed, match="no HTTP 500"):
        wl.verifiable(_outcome(wl.Params(**FAIL, url=p.url), []))
