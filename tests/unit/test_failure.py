"""The failure workload's proof, which fails a call whose figures it can't back, and the rules it
rests on. (What each model does, through the real cell worker: tests/e2e/test_failure.py.)"""

import asyncio

import pytest

from concbench.suites.failure import workload as wl
from concbench.worker.verify import VerificationFailed

BASE = {"units": 8, "concurrency": 4, "latency_ms": 100, "workers": 2}
FAIL, DEADLINE, CANCEL = ({**BASE, "fail_ms": 30}, {**BASE, "deadline_ms": 150}, {**BASE, "cancel_ms": 50})


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
