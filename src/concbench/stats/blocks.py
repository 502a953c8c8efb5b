"""A job's rounds as a randomized complete block design: cells × blocks (rounds) on log wall time.

Every round measures every cell of a job in a shuffled order, so a round is a block: the machine's
state that round shifts every cell alike. The additive model log t = cell + block + error, fitted by
least squares (statsmodels OLS, which also fits incomplete blocks: a cell missing from a round), pools
the residual spread over all the job's cells, with N − cells − blocks + 1 degrees of freedom
((cells−1)(rounds−1) when complete) instead of a pair's rounds − 1.

Cells are not equally noisy (a process pool scatters more than a loop). Each cell's own variance is
its share of the residuals, unbiased as Shukla's (1972) stability variance (in a block, one cell's
residual also carries the others' noise), moderated towards the pool by empirical Bayes (Smyth 2004,
the "moderated t" of limma): the scatter of the cells' variances says how much they share (the
prior's degrees of freedom d0); a cell's variance is (d0·s0² + d·s²) / (d0 + d) on d0 + d degrees of
freedom (at most the pool's), and never less than the pool (a cell that looks quiet by chance would
buy a narrower interval). When the cells' variances scatter no more than sampling alone would, d0 is
infinite and every cell gets the pool. Measured on synthetic jobs (all means equal, 3–8 cells, 3–10
rounds, one cell 2–4× noisier or none): one called slower in 3–6 % of runs, for 5 % promised.

A difference between two cells is the mean of their within-block differences over the blocks both
ran (the least-squares estimate when blocks are complete), with the standard error of the two cells'
moderated variances and Welch–Satterthwaite degrees of freedom. docs/verdicts.md has the formulas.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

Observations = Mapping[tuple[str, Hashable], float]  # (cell, block) -> log wall time


@dataclass(frozen=True)
class Diff:
    """cell a − cell b in log time (> 0: a is slower), over `n` common blocks."""

    estimate: float
    se: float
    df: float
    n: int


@dataclass(frozen=True)
class Fit:
    values: dict[str, dict[Hashable, float]]  # cell -> block -> log time
    mse: float  # the pooled residual variance (nan without residual degrees of freedom)
    df: float  # its degrees of freedom
    effects: dict[str, float]  # each cell's least-squares effect, relative to the first cell
    var: dict[str, float]  # each cell's moderated variance
    var_df: dict[str, float]  # and its degrees of freedom
    prior_df: float  # d0: inf when the cells share one variance

    @property
    def cells(self) -> list[str]:
        return list(self.values)

    def blocks(self) -> set[Hashable]:
        return {b for v in self.values.values() for b in v}

    def diff(self, a: str, b: str) -> Diff | None:
        """a − b over their common blocks; None without one, or without any spread measured."""
        common = set(self.values[a]) & set(self.values[b])
        if not common or not self.df > 0:
            return None
        est = float(np.mean([self.values[a][k] - self.values[b][k] for k in common]))
        va, vb = self.var[a], self.var[b]
        se = math.sqrt((va + vb) / len(common))
        if math.isinf(self.prior_df):
            df = self.df
        else:  # Welch–Satterthwaite over the two moderated variances
            da, db = self.var_df[a], self.var_df[b]
            df = (va + vb) ** 2 / (va**2 / da + vb**2 / db) if va + vb > 0 else self.df
        return Diff(est, se, df, len(common))


def fit(obs: Observations) -> Fit:
    """The additive cells + blocks model of `obs`, its pooled and moderated variances."""
    values: dict[str, dict[Hashable, float]] = {}
    for (cell, block), y in obs.items():
        values.setdefault(cell, {})[block] = y
    per_block: dict[Hashable, int] = {}
    for v in values.values():
        for b in v:
            per_block[b] = per_block.get(b, 0) + 1
    kept = [(c, b, y) for c, v in values.items() for b, y in v.items() if per_block[b] > 1]
    cells, blocks = list(values), sorted({b for _, b, _ in kept}, key=repr)
    if len(blocks) < 2 or len(cells) < 2:
        nan = float("nan")
        effects = {c: float(np.mean(list(v.values()))) for c, v in values.items()}
        return Fit(values, nan, 0.0, effects, dict.fromkeys(cells, nan), dict.fromkeys(cells, 0.0), math.inf)
    resid, df, effects = _residuals(kept, cells, blocks)
    mse = float(np.sum(resid**2) / df) if df > 0 else float("nan")
    own, own_df = {}, {}
    for c in cells:
        mine = resid[[i for i, (cell, _, _) in enumerate(kept) if cell == c]]
        own_df[c] = df * len(mine) / len(kept)  # the cell's share of the residual degrees of freedom
        share = float(np.sum(mine**2) / own_df[c]) if own_df[c] > 0 else mse
        own[c] = _unbiased(share, mse, len(cells))
    d0, s0 = _prior(own, own_df) if df > 0 else (math.inf, mse)
    if math.isinf(d0):
        return Fit(values, mse, df, effects, dict.fromkeys(cells, mse), dict.fromkeys(cells, df), d0)
    moderated = {c: (d0 * s0 + own_df[c] * own[c]) / (d0 + own_df[c]) for c in cells}
    var = {c: max(v, mse) for c, v in moderated.items()}  # a cell quiet by chance buys no narrower interval
    var_df = {c: min(d0 + own_df[c], df) if moderated[c] > mse else df for c in cells}  # the cells share
    # one residual: no cell's variance rests on more degrees of freedom than the pool's
    return Fit(values, mse, df, effects, var, var_df, d0)


def _residuals(kept: list[tuple[str, Hashable, float]], cells: list[str], blocks: list) -> tuple:
    """Residuals of OLS on an intercept, cell and block dummies; the residual degrees of freedom; each
    cell's effect (the first cell's is 0)."""
    from statsmodels.regression.linear_model import OLS  # slow to import: only when a job is judged

    x = np.zeros((len(kept), len(cells) + len(blocks) - 1))
    x[:, 0] = 1.0
    for i, (c, b, _) in enumerate(kept):
        if (ci := cells.index(c)) > 0:
            x[i, ci] = 1.0
        if (bi := blocks.index(b)) > 0:
            x[i, len(cells) - 1 + bi] = 1.0
    res = OLS(np.array([y for _, _, y in kept]), x).fit()
    effects = {c: float(res.params[i]) if i else 0.0 for i, c in enumerate(cells)}
    return np.asarray(res.resid), float(res.df_resid), effects


def _unbiased(share: float, mse: float, cells: int) -> float:
    """A cell's variance from its share of the residuals: in a block design each cell's residuals
    also carry the others' noise (they sum to zero in a block), so the share is pulled towards the
    pool: E[share] = ((t − 2)·σ²_c + mean σ²) / (t − 1) for t cells. Undone as Shukla's (1972)
    stability variance does, kept positive."""
    if cells < 3:
        return share
    return max(share + (share - mse) / (cells - 2), mse / 100)


def _prior(own: dict[str, float], own_df: dict[str, float]) -> tuple[float, float]:
    """Smyth's (2004) moment estimates of the prior (d0, s0²) that the cells' variances scatter
    around: d0 = inf when they scatter no more than their own sampling explains."""
    cells = [c for c in own if own_df[c] > 0 and own[c] > 0]
    if len(cells) < 3:  # two cells' residuals mirror each other: nothing to learn
        pooled = sum(own[c] * own_df[c] for c in own) / max(sum(own_df.values()), 1e-300)
        return math.inf, pooled
    d = np.array([own_df[c] for c in cells])
    e = np.log([own[c] for c in cells]) - special.digamma(d / 2) + np.log(d / 2)
    excess = float(np.var(e, ddof=1) - np.mean(special.polygamma(1, d / 2)))
    if excess <= special.polygamma(1, 1e8):  # no more scatter than sampling: one shared variance
        return math.inf, 0.0
    half = optimize.brentq(lambda x: special.polygamma(1, x) - excess, 1e-8, 1e8)  # trigamma⁻¹
    d0 = 2 * half
    return d0, float(math.exp(np.mean(e) + special.digamma(half) - math.log(half)))
