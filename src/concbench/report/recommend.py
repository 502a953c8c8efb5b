"""The best model per workload (and params) per interpreter, its margin over the runner-up model,
whether that margin is beyond noise, and whether the pick is settled.

Margins are paired by round (the runner-up's time over the best's in the same round: geometric mean
and 95 % CI); a run made before rounds falls back to Welch's t-test on the two cells' values. A pick
is *settled* when the same model was the fastest in at least 95 % of the rounds (3 rounds at least)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from concbench.report.groups import best_per_model, groups
from concbench.stats import paired
from concbench.stats.significance import differs

SETTLED = 0.95
MIN_ROUNDS = 3


@dataclass(frozen=True)
class Pick:
    interpreter: str
    workload: str
    case: str
    best: str  # model/variant
    best_wall_s: float
    runner_up: str = ""
    runner_up_wall_s: float | None = None
    significant: bool = False
    paired_margin: paired.Estimate | None = None  # runner-up / best, per round
    won: float | None = None  # share of rounds in which `best` was the fastest model
    rounds: int = 0

    @property
    def margin(self) -> float | None:
        """How much slower the runner-up is: 0.25 = 25 % more wall time."""
        if self.paired_margin is not None:
            return self.paired_margin.value - 1
        return None if self.runner_up_wall_s is None else self.runner_up_wall_s / self.best_wall_s - 1

    @property
    def settled(self) -> bool:
        return self.won is not None and self.rounds >= MIN_ROUNDS and self.won >= SETTLED

    @property
    def verdict(self) -> str:
        if self.margin is None:
            return "the only model measured"
        margin = f"{self.margin:.0%}" if abs(self.margin) >= 0.01 else f"{self.margin:.1%}"
        m = self.paired_margin
        ci = f" [{m.low - 1:.0%}, {m.high - 1:.0%}]" if m is not None and m.low is not None else ""
        text = f"{margin}{ci} ahead" if self.significant else f"within noise ({margin}{ci})"
        if self.won is None:
            return text
        return f"{text}; {'settled' if self.settled else 'unsettled'} (fastest in {self.won:.0%} of rounds)"


def recommend(df: pd.DataFrame) -> list[Pick]:
    picks = []
    for interp, workload, _, group in groups(df):
        ranked = best_per_model(group)
        best, extra = ranked.iloc[0], {}
        if len(ranked) > 1:
            second = ranked.iloc[1]
            margin = paired.ratio(second.rounds_values, best.rounds_values)
            if margin is not None and margin.value < 1:  # paired by round, the second is the faster
                best, second = second, best
                margin = paired.ratio(second.rounds_values, best.rounds_values)
            significant = margin.above(1.0) if margin and margin.n >= 2 else None
            if significant is None:
                margin, significant = None, differs(best.samples, second.samples)
            contenders = {r.label: r.rounds_values for r in ranked.itertuples() if r.rounds_values}
            won = paired.share_won(contenders, best.label) if len(contenders) == len(ranked) else None
            common = set.intersection(*(set(v) for v in contenders.values())) if contenders else set()
            extra = {
                "runner_up": second.label,
                "runner_up_wall_s": second.wall_s,
                "significant": significant,
                "paired_margin": margin,
                "won": won,
                "rounds": len(common),
            }
        picks.append(Pick(interp, workload, best.case, best.label, best.wall_s, **extra))
    return picks
