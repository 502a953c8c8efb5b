"""The subprocess workload: what the child writes is what the reference expects, the probe that gives
the ideal its start-up cost, the ideal, and the shares of children and limit. (Every model, in the real
cell worker: tests/e2e/test_subprocess_workload.py.)"""

import hashlib
import math
import subprocess
import sys

import pytest

from concbench.registry import WORKLOADS
from concbench.servers.content import body
from concbench.suites.subprocess import workload as wl
from concbench.worker.usage import EXTRA

TINY = wl.Params(**WORKLOADS["subprocess"].tiny)
WATCHED = {"children": 9, "concurrency": 3, "child_ms": 60, "workers": 2}  # limits 2 + 1: uneven shares


def test_the_child_writes_what_the_reference_expects():
    expected = wl.reference(TINY)
    assert expected == [hashlib.sha256(body(i, wl.INPUT_BYTES)).hexdigest() for i in range(TINY.children)]
    assert len(set(expected)) == TINY.children, "each child's input is its own"
    for i in (0, TINY.children - 1):  # the child, run by hand
        out = subprocess.run(TINY.argv(), input=TINY.stdin(i), stdout=subprocess.PIPE, check=True).stdout
        assert out.decode() == expected[i]
    assert TINY.argv()[:3] == [sys.executable, "-I", "-S"], "the cell's own interpreter, isolated"


def test_the_probe_measures_one_child_and_fails_when_it_fails(monkeypatch):
    EXTRA.clear()
    wl.reference(TINY)
    assert EXTRA["start_ms"] > 0 and EXTRA["child_cpu_ms"] > 0
    monkeypatch.setattr(wl, "CHILD", "raise SystemExit(3)")
    with pytest.raises(RuntimeError, match="exited with 3"):
        wl.reference(TINY)


def test_the_ideal_is_the_waves_or_the_cores():
    params = {"children": 16, "concurrency": 4, "child_ms": 20, "workers": 2}
    assert wl.ideal_s(params, 1.0, 2, 0.0) == pytest.approx(4 * 0.020)  # no start-up: waves of L
    assert wl.ideal_s(params, 1.0, 2, 0.010) == pytest.approx(4 * 0.030)  # waves of s + L
    no_sleep = {**params, "child_ms": 0}
    assert wl.ideal_s(no_sleep, 1.0, 2, 0.010) == pytest.approx(16 * 0.010 / 2)  # start-ups on 2 cores


def test_shares_split_the_children_and_the_limit():
    p = wl.Params(**WATCHED)
    shares = p.shares()
    assert [i for indices, _ in shares for i in indices] == list(range(p.children))
    assert sorted(limit for _, limit in shares) == [1, 2]
    assert max(math.ceil(len(indices) / limit) for indices, limit in shares) == math.ceil(9 / 3)
