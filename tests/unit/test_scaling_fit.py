"""Amdahl and USL fits recover known parameters from synthetic sweeps, and refuse sweeps they cannot
describe (too few points within the cores)."""

import numpy as np
import pytest

from concbench.stats import scaling

N = [1, 2, 3, 4, 6, 8, 12, 16]


def _noisy(values: np.ndarray, seed: int = 1) -> np.ndarray:
    return values * np.random.default_rng(seed).normal(1.0, 0.01, len(values))  # 1 % noise


def test_amdahl_recovers_a_known_serial_fraction():
    speedups = _noisy(scaling.amdahl(np.array(N, float), 0.12))
    (amdahl, _) = scaling.fit(list(zip(N, speedups, strict=True)), cores=16)
    assert amdahl.law == "Amdahl" and amdahl.points == 8
    assert amdahl.params["serial"] == pytest.approx(0.12, abs=0.01)
    assert amdahl.errors["serial"] < 0.01
    assert "serial 0.12" in amdahl.text()


def test_usl_recovers_contention_and_coherence():
    speedups = _noisy(scaling.usl(np.array(N, float), 0.05, 0.002), seed=2)
    (_, usl) = scaling.fit(list(zip(N, speedups, strict=True)), cores=16)
    assert usl.params["contention"] == pytest.approx(0.05, abs=0.015)
    assert usl.params["coherence"] == pytest.approx(0.002, abs=0.001)
    assert usl.at(np.array([32.0]))[0] < usl.at(np.array([16.0]))[0], "past its peak, USL falls"


def test_no_fit_with_fewer_than_four_points_within_the_cores():
    points = [(1, 1.0), (2, 1.9), (4, 2.0), (8, 2.0)]  # a 2-core machine: only N=1 and N=2 count
    assert scaling.fit(points, cores=2) == []
    assert scaling.why_not(points, cores=2) == (
        "no scaling fit: it needs 4 points within the machine's 2 cores, and this sweep has 2"
    )
    assert scaling.why_not(points, cores=8) == "" and len(scaling.fit(points, cores=8)) == 2
