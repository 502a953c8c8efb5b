"""The job workload's results compare by value (running a job: tests/e2e/test_job.py)."""

import pytest

from concbench.suites.job.workload import Unverifiable, fingerprint


def test_results_compare_by_value_not_by_identity():
    assert fingerprint({"b": {2, 1}, "a": b"x"}) == fingerprint({"a": b"x", "b": {1, 2}})
    assert fingerprint((1, 2)) == fingerprint([1, 2]) != fingerprint([2, 1])
    with pytest.raises(Unverifiable):
        fingerprint(object())
