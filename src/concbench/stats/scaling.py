"""Scaling laws fitted to a workers or concurrency sweep (scipy's `curve_fit`): Amdahl's law (a serial
fraction) and Gunther's Universal Scalability Law (contention and coherence).

A fit is made only where it can hold: on at least MIN_POINTS points whose N is within the machine's
cores. Past the cores, more workers share the same CPUs and the law no longer describes the code; with
fewer points two or three parameters explain anything. A sweep that cannot be fitted says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit

MIN_POINTS = 4


def amdahl(n: np.ndarray, serial: float) -> np.ndarray:
    """Speedup on n workers when a share `serial` of the work cannot be split."""
    return 1 / (serial + (1 - serial) / n)


def usl(n: np.ndarray, contention: float, coherence: float) -> np.ndarray:
    """Speedup on n workers with contention σ (queueing for a shared resource) and coherence κ
    (the cost of keeping n workers in agreement, which makes speedup fall past a peak)."""
    return n / (1 + contention * (n - 1) + coherence * n * (n - 1))


@dataclass(frozen=True)
class Fit:
    law: str  # "Amdahl" | "USL"
    params: dict[str, float]  # name -> value
    errors: dict[str, float]  # name -> its standard error (from the fit's covariance)
    points: int

    def at(self, n: np.ndarray) -> np.ndarray:
        return LAWS[self.law][0](np.asarray(n, dtype=float), *self.params.values())

    def text(self) -> str:
        """`Amdahl fit: serial 0.12 (s.e. 0.01) (4 points)`: each parameter with its standard error."""
        terms = ", ".join(f"{k} {v:.3g} (s.e. {self.errors[k]:.2g})" for k, v in self.params.items())
        return f"{self.law} fit: {terms} ({self.points} points)"


LAWS = {  # law -> (function, its parameters, their initial guesses, their bounds)
    "Amdahl": (amdahl, ("serial",), (0.1,), ((0.0,), (1.0,))),
    "USL": (usl, ("contention", "coherence"), (0.1, 0.01), ((0.0, 0.0), (1.0, 1.0))),
}


def usable(points: Sequence[tuple[float, float]], cores: int) -> list[tuple[float, float]]:
    """The (N, speedup) points a law may be fitted to: N within the cores, speedup known."""
    return sorted((n, s) for n, s in points if 1 <= n <= cores and s > 0)


def why_not(points: Sequence[tuple[float, float]], cores: int) -> str:
    """Why a sweep gets no fit ("" when it does)."""
    within = usable(points, cores)
    if len(within) >= MIN_POINTS:
        return ""
    return (
        f"no scaling fit: it needs {MIN_POINTS} points within the machine's {cores} cores, and this sweep "
        f"has {len(within)}"
    )


def fit(points: Sequence[tuple[float, float]], cores: int) -> list[Fit]:
    """Amdahl and USL fitted to the usable points (none when `why_not` says so, or a fit fails)."""
    within = usable(points, cores)
    if len(within) < MIN_POINTS:
        return []
    n, speedup = (np.array(v, dtype=float) for v in zip(*within, strict=True))
    out = []
    for law, (fn, names, guess, bounds) in LAWS.items():
        try:
            values, cov = curve_fit(fn, n, speedup, p0=guess, bounds=bounds)
        except (RuntimeError, ValueError):  # no convergence: no fit rather than a wrong one
            continue
        errors = np.sqrt(np.clip(np.diag(cov), 0, None))
        if not np.all(np.isfinite(errors)):  # the data cannot pin the parameters down: no fit
            continue
        out.append(
            Fit(
                law,
                dict(zip(names, map(float, values), strict=True)),
                dict(zip(names, map(float, errors), strict=True)),
                len(within),
            )
        )
    return out
