"""The failure workload: what each model does when a unit fails, the deadline passes or the caller
cancels, through the real cell worker and the mock server's marks. No timing is asserted: counts and
what the caller got. (Its proof, which fails a call whose figures it can't back: tests/unit.)"""

import subprocess
import sys

import pyperf
import pytest

from concbench.registry import MODELS, WORKLOADS, Cell, unavailable
from concbench.worker.cell import Spec, command

W = WORKLOADS["failure"]
# The quick cases' shape (8 units, 4 at a time: two waves; the event in the first wave, or, for the
# deadline, half-way through the second), with 300 ms waves instead of 100: each count rests on a
# unit's request ending before or after the event, and on a loaded free-threaded build (tox's envs run
# side by side) 50 ms of margin was not always enough. The failure lands half-way through the first
# wave, so that a first-wave request may start up to 150 ms late and still count as sent before it (at
# 90 ms, one such run counted a late first-wave request as a queued one sent after the failure).
BASE = {"units": 8, "concurrency": 4, "latency_ms": 300, "workers": 2}
FAIL, DEADLINE, CANCEL = ({**BASE, "fail_ms": 150}, {**BASE, "deadline_ms": 450}, {**BASE, "cancel_ms": 150})
# Waves of 600 ms, the deadline mid-wave: 300 ms of margin either side of it, for the counts that rest
# on a first-wave request ending before the deadline (with 150 ms, one run under CI's load saw one end
# after it and counted it leaked).
SLOW_DEADLINE = {**BASE, "latency_ms": 600, "deadline_ms": 900}


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
    got = figures("threads", "timeouts", SLOW_DEADLINE, facts, http_server, tmp_path)
    assert got["caller_got"] == "TimeoutError" and got["leaked"] == 0


def test_processes_can_be_stopped_by_terminating_the_pool(facts, http_server, tmp_path):
    """terminate_workers() (3.14) stops the running units; before it, they run to the end. With waves
    of 300 ms, one run under CI's load saw all 4 units finish before terminate_workers landed."""
    got = figures("multiprocessing", "default", SLOW_DEADLINE, facts, http_server, tmp_path)
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
