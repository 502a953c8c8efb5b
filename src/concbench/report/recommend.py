"""The best model per workload (and params) per interpreter, its margin over the runner-up model,
and whether that margin is beyond noise."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from concbench.report.groups import best_per_model, groups
from concbench.report.stats import differs


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

    @property
    def margin(self) -> float | None:
        """How much slower the runner-up is: 0.25 = 25 % more wall time."""
        return None if self.runner_up_wall_s is None else self.runner_up_wall_s / self.best_wall_s - 1

    @property
    def verdict(self) -> str:
        if self.margin is None:
            return "the only model measured"
        margin = f"{self.margin:.0%}" if self.margin >= 0.01 else f"{self.margin:.1%}"
        return f"{margin} ahead" if self.significant else f"within noise ({margin})"


def recommend(df: pd.DataFrame) -> list[Pick]:
    picks = []
    for interp, workload, _, group in groups(df):
        ranked = best_per_model(group)
        best, runner = ranked.iloc[0], {}
        if len(ranked) > 1:
            second = ranked.iloc[1]
            runner = {
                "runner_up": second.label,
                "runner_up_wall_s": second.wall_s,
                "significant": differs(best.samples, second.samples),
            }
        picks.append(Pick(interp, workload, best.case, best.label, best.wall_s, **runner))
    return picks
