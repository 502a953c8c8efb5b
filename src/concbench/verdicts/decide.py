"""A job's verdict: which models could be best, which are slower and by how much, and how sure.

Every timed cell of the job (each variant of each model, sync included) is a treatment and every
(machine, round) a block of one randomized complete block design on log wall time
(`stats.blocks`); the cells are compared with the best by Hsu's MCB at 95 % for the whole family
(`stats.mcb`). A model could be best when one of its variants could be; it is slower when none of
them can, by its fastest variant's ratio to the best cell, with that comparison's simultaneous
interval. Every variant is in the family, so a model with more variants pays for its extra chances
with a wider critical value, not with a flattering pick.

The verdict is settled when one model could be best, or when every two models that could are shown
equal within the margin (their whole interval within 1 ± margin). One round measures no spread:
no verdict. A cell flagged impossible stays in the analysis but leaves the verdict unsettled.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from concbench.registry import WORKLOADS
from concbench.results import Status
from concbench.stats import blocks, mcb
from concbench.verdicts.jobs import groups
from concbench.workloads import label

MARGIN = 0.05  # two models within 5 % of each other are tied: finer than this machine's day-to-day drift
MORE_CAP = 1000  # beyond this many more rounds, "many"


class State(StrEnum):
    SETTLED = "settled"
    UNSETTLED = "unsettled"
    NO_SPREAD = "no spread"  # one round (or one cell a round): nothing to judge a difference by
    ONE_MODEL = "one model"  # only one model was timed: nothing to compare


class Standing(StrEnum):
    """A model's place in its job's verdict."""

    BEST = "could be best"
    SLOWER = "slower"
    MEASURED = "measured"  # timed, but the job has no verdict (one round)
    NOT_TIMED = "not timed"  # n/a, failed or not run: its reason says why


@dataclass(frozen=True)
class Place:
    model: str
    variant: str  # the variant that stands for the model: its fastest
    standing: Standing
    ratio: float | None = None  # its time over the best cell's
    low: float | None = None  # the simultaneous 95 % interval of that ratio
    high: float | None = None
    reason: str = ""  # why it was not timed, or why it is flagged
    slower_than: tuple[str, ...] = ()  # the models it is shown slower than (fastest variant against fastest)
    beyond_margin: tuple[str, ...] = ()  # of those, the ones it is slower than by more than the margin
    tied_with: tuple[str, ...] = ()  # the models it is shown equal to, within the margin

    @property
    def label(self) -> str:
        return label(self.model, self.variant)


@dataclass(frozen=True)
class Verdict:
    interpreter: str
    workload: str
    params: str  # JSON
    state: State
    places: tuple[Place, ...]  # could be best (fastest first), slower (least first), then the rest
    rounds: int = 0  # blocks that measured at least two of the job's cells
    resolution: float | None = None  # the half-width of the comparisons that decide: ±0.12 = ±12 %
    margin: float = MARGIN
    more_rounds: int | None = None  # about how many more rounds would settle it (None: unknown)
    why: str = ""  # what leaves it unsettled, or why there is no verdict
    flagged: tuple[str, ...] = field(default=())  # cells flagged impossible

    @property
    def best(self) -> list[Place]:
        return [p for p in self.places if p.standing == Standing.BEST]

    @property
    def slower(self) -> list[Place]:
        return [p for p in self.places if p.standing == Standing.SLOWER]

    @property
    def settled(self) -> bool:
        return self.state == State.SETTLED

    def describe(self) -> str:
        """The job in words: the workload's own description of its params, else its params."""
        return describe(self.workload, self.params)


def describe(workload: str, params: str) -> str:
    p = json.loads(params)
    wl = WORKLOADS.get(workload)
    try:
        text = wl.describe(p)  # type: ignore[union-attr, misc]
    except (AttributeError, TypeError, KeyError, ValueError):  # no description, or params it can't say
        rest = ", ".join(f"{k}={v}" for k, v in p.items() if k != "workers")
        text = f"{workload} [{rest}]" if rest else workload
    return text + (f", {p['workers']} worker{'s' * (p['workers'] != 1)}" if "workers" in p else "")


def verdicts(df: pd.DataFrame, margin: float = MARGIN, alpha: float = mcb.ALPHA) -> list[Verdict]:
    """A verdict for every job of a run (a DataFrame from report.data: `rounds_values` per cell)."""
    return [decide(i, w, p, cells, margin, alpha) for i, w, p, cells in groups(df)]


def decide(
    interp: str,
    workload: str,
    params: str,
    cells: pd.DataFrame,
    margin: float = MARGIN,
    alpha: float = mcb.ALPHA,
) -> Verdict:
    timed = cells[cells.status.map(lambda s: Status(s).timed) & cells.wall_s.notna()]
    untimed = [
        Place(
            m,
            g.variant.iloc[0],
            Standing.NOT_TIMED,
            reason=": ".join(filter(None, [g.status.iloc[0], g.reason.iloc[0]])),
        )
        for m, g in cells.groupby("model", sort=False)
        if m not in set(timed.model)
    ]
    flagged = tuple(f"{r.label}: {r.reason}" for r in timed.itertuples() if r.status == Status.IMPOSSIBLE)
    key = (interp, workload, params)
    if timed.model.nunique() < 2:
        places = [Place(r.model, r.variant, Standing.BEST, 1.0) for r in timed.head(1).itertuples()]
        why = "one model timed" if places else "no model timed"
        return Verdict(*key, State.ONE_MODEL, (*places, *untimed), why=why, margin=margin)
    if not timed.rounds_values.map(bool).any():  # a run made before rounds: one figure a cell
        order = timed.sort_values("wall_s").drop_duplicates("model")
        top = order.wall_s.iloc[0]
        measured = [Place(r.model, r.variant, Standing.MEASURED, r.wall_s / top) for r in order.itertuples()]
        why = "no rounds recorded (a run made before rounds): no spread measured"
        return Verdict(*key, State.NO_SPREAD, (*measured, *untimed), why=why, margin=margin)
    machines = timed.machine if "machine" in timed else pd.Series("", index=timed.index)
    obs = {  # a block is a round of one machine: merged directories have several
        (label, (machine, rnd)): math.log(v)
        for label, machine, per_round in zip(timed.label, machines, timed.rounds_values, strict=True)
        for rnd, v in per_round.items()
        if v > 0
    }
    fit = blocks.fit(obs)
    model_of = {r.label: (r.model, r.variant) for r in timed.itertuples()}
    order = sorted(fit.cells, key=fit.effects.__getitem__)
    rounds = len({b for b in fit.blocks() if sum(b in v for v in fit.values.values()) > 1})
    if not fit.df > 0:
        top = order[0]
        measured = [
            Place(*model_of[c], Standing.MEASURED, math.exp(fit.effects[c] - fit.effects[top]))
            for c in _fastest_per_model(order, model_of)
        ]
        why = "one round: no spread measured" if rounds <= 1 else "no spread measured"
        return Verdict(*key, State.NO_SPREAD, (*measured, *untimed), rounds, why=why, margin=margin)
    return _judge(key, mcb.Family(fit, alpha), order, model_of, untimed, flagged, rounds, margin)


def _fastest_per_model(order: list[str], model_of: dict[str, tuple[str, str]]) -> list[str]:
    """The fastest cell of each model, in `order`."""
    seen: dict[str, str] = {}
    for c in order:
        seen.setdefault(model_of[c][0], c)
    return list(seen.values())


def _judge(
    key: tuple[str, str, str],
    family: mcb.Family,
    order: list[str],
    model_of: dict[str, tuple[str, str]],
    untimed: list[Place],
    flagged: tuple[str, ...],
    rounds: int,
    margin: float,
) -> Verdict:
    best_cell, contenders = order[0], set(family.could_be_best)
    in_set = _fastest_per_model([c for c in order if c in contenders], model_of)
    models_in = {model_of[c][0] for c in in_set}
    out = [c for c in _fastest_per_model(order, model_of) if model_of[c][0] not in models_in]
    reps = [*in_set, *out]  # one cell per model: its fastest
    places = []
    for cell in reps:
        pair = family.pair(cell, best_cell) if cell != best_cell else None
        interval = (pair.ratio, pair.low, pair.high) if pair else (1.0, None, None)
        if cell != best_cell and pair is None:
            interval = (None, None, None)
        standing = Standing.BEST if cell in in_set else Standing.SLOWER
        places.append(
            Place(*model_of[cell], standing, *interval, **_relations(family, cell, reps, model_of, margin))
        )
    deciding = [family.pair(c, best_cell) for c in [*in_set, *out[:1]] if c != best_cell]
    halves = [p.high / p.ratio - 1 for p in deciding if p is not None]
    untied = [
        p
        for i, a in enumerate(in_set)
        for b in in_set[i + 1 :]
        if (p := family.pair(a, b)) is None or not p.within(margin)
    ]
    settled = not untied and not flagged
    why, more = "", None
    if untied:
        more = _more_rounds(untied, margin)
        names = " · ".join(label(*model_of[c]) for c in in_set)
        why = f"{names} not yet told apart or shown tied within ±{margin:.0%}"
    if flagged:
        why = "; ".join(filter(None, [why, f"flagged impossible: {'; '.join(flagged)}"]))
    return Verdict(
        *key,
        State.SETTLED if settled else State.UNSETTLED,
        (*places, *untimed),
        rounds,
        max(halves) if halves else None,
        margin,
        more,
        why,
        flagged,
    )


def _relations(
    family: mcb.Family, cell: str, reps: list[str], model_of: dict[str, tuple[str, str]], margin: float
) -> dict[str, tuple[str, ...]]:
    """How `cell`'s model stands to each other model, pair by pair: what `compare` holds two runs to."""
    pairs = [(model_of[o][0], p) for o in reps if o != cell and (p := family.pair(cell, o)) is not None]
    return {
        "slower_than": tuple(m for m, p in pairs if p.slower),
        "beyond_margin": tuple(m for m, p in pairs if p.low > 1 + margin),
        "tied_with": tuple(m for m, p in pairs if p.within(margin)),
    }


def _more_rounds(untied: Iterable[mcb.Pair | None], margin: float) -> int | None:
    """About how many more rounds would decide every untied pair, at the spread measured so far: the
    standard error falls as 1/√rounds, and a pair is decided once its interval clears zero (one is
    slower) or fits within the margin (tied), whichever comes first at its current estimate."""
    need = 0.0
    for p in untied:
        if p is None:
            return None
        est, half, n = abs(p.diff.estimate), p.half, p.diff.n
        room = max(est, math.log(1 + margin) - est)  # what the half-width must shrink below
        if room <= 0 or half <= 0:
            return None
        need = max(need, n * (half / room) ** 2 - n)
    return min(MORE_CAP, max(1, math.ceil(need)))
