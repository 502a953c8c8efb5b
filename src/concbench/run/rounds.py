"""The order of a run: jobs, rounds, shuffling, and when to stop.

A job is every cell (on every interpreter) that does the same work: one workload and its params, the
sync baseline included. A round gives each cell of each job still running one worker process of
values; jobs come in a shuffled order and so do the cells inside a job, interpreters mixed, so that a
slow minute hits every model of a job alike and a cell's pairs with its sync are minutes apart at
most (Google Benchmark's random interleaving, per job). The shuffles come from one seed, kept in the
manifest. Rounds stop when every job is finished (`race.py`: its verdicts settled, or one round for
what the run's focus leaves out), or when no job fits in what is left of the budget, which counts from
the command's start; a last round that cannot take every job takes those with the widest CIs first.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from concbench.registry import WORKLOADS, Cell, baseline_params

MIN_ROUNDS = 3  # a CI from fewer rounds is too wide to stop on
END_RESERVE_S = 15.0  # kept for the last judging, the verdicts, the tables and the charts (a tenth of
# a budget shorter than 150 s: a small run has little to draw)
FOCUS = ("cpu_bound", "http_fanout", "disk_io", "mixed", "job")  # what quick runs, and gives its rounds to
BUDGETS = {"quick": 180.0, "full": 1800.0}  # seconds for the whole run, by mode
VALUES = {"quick": 1, "full": 3}  # values per worker process (one round of one cell), after one warmup.
# More values a round buy little on a shared host: its speed drifts over seconds, so 5 values a round
# cut the spread of a pair's ratio by only 17 % for 3× the timed seconds. Cheaper rounds, not more
# values, sharpen a verdict (docs/methodology.md).
SHORT_S = 0.1  # a cell whose calls are shorter gets more values a round, so a round is not one blip
MAX_VALUES = 5


def focus(mode: str, chosen: Iterable[str] | None) -> frozenset[str]:
    """The workloads whose jobs get rounds until their verdicts settle: in quick, the four concbench is
    built around, a --job, and whatever --workload names; in full, every one. The rest run once."""
    if mode == "full":
        return frozenset(WORKLOADS)
    return frozenset((*FOCUS, *(chosen or ())))


def values(mode: str, call_s: float | None, once: bool = False) -> int:
    """Values per round for a cell whose calls took `call_s` (None: not measured yet); a price that
    runs once gets as many as a round allows, so that it has a spread within its process."""
    if once:
        return MAX_VALUES
    if not call_s:
        return VALUES[mode]
    return max(VALUES[mode], min(MAX_VALUES, round(SHORT_S / call_s)))


def reserve(budget_s: float) -> float:
    """The seconds of the budget kept for the end."""
    return min(END_RESERVE_S, budget_s / 10)


def job_of(cell: Cell) -> tuple[str, str]:
    """The job a cell belongs to: its workload and the params its sync baseline shares with it."""
    return cell.workload, json.dumps(baseline_params(cell.params), sort_keys=True)


def jobs(keys: Iterable[tuple[str, Cell]]) -> dict[tuple[str, str], list[tuple[str, Cell]]]:
    """(interpreter id, cell) keys grouped by job, in first-seen order."""
    out: dict[tuple[str, str], list[tuple[str, Cell]]] = {}
    for key in keys:
        out.setdefault(job_of(key[1]), []).append(key)
    return out


def parse_budget(text: str) -> float:
    """`90`, `90s`, `10m`, `1h` -> seconds (> 0)."""
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (text[:-1], text[-1]) if text and text[-1] in units else (text, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise ValueError(f"expected a duration such as 90s, 10m or 1h, not {text!r}")
    return seconds


@dataclass
class Schedule:
    """Which jobs run in which round, and whether another round fits."""

    budget_s: float
    seed: int
    started: float | None = None  # time.monotonic() when the budget began (None: now)
    done: set[Hashable] = field(default_factory=set)  # jobs whose cells reached the target
    round: int = 0
    max_rounds: int | None = None  # --rounds

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.started = self.started if self.started is not None else time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def left(self) -> float:
        """Seconds of the budget left for rounds (the end's reserve kept)."""
        return self.budget_s - reserve(self.budget_s) - self.elapsed()

    def running(self, by_job: dict[Hashable, list]) -> list[Hashable]:
        return [j for j in by_job if j not in self.done]

    def order(
        self,
        by_job: dict[Hashable, list],
        cost: Callable[[object], float],
        priority: dict[Hashable, float] | None = None,
    ) -> list:
        """The next round's keys: the jobs still running that fit, shuffled, each job's cells shuffled
        (empty, and no new round, when none fits).

        When the whole round would not fit in what is left of the budget (round 1 included, from
        its estimates), the round takes the jobs whose CIs are widest (`priority`; none yet in round
        1: the plan's order), as many as fit, whole: a job's cells always run together."""
        priority = priority or {}
        chosen = sorted(self.running(by_job), key=lambda j: -priority.get(j, math.inf))
        fits, spent = [], 0.0
        for j in chosen:
            need = sum(cost(k) for k in by_job[j])
            if spent + need <= self.left():
                fits.append(j)
                spent += need
        if not fits:
            return []
        self.round += 1
        self.rng.shuffle(fits)
        out = []
        for j in fits:
            cells = list(by_job[j])
            self.rng.shuffle(cells)
            out += cells
        return out

    def another(self, by_job: dict[Hashable, list], cost: Callable[[object], float]) -> bool:
        """Whether to start another round: while some job is still short of its target and fits,
        whole, in what is left of the budget (round 1 too, from its estimates), up to --rounds."""
        if self.max_rounds is not None and self.round >= self.max_rounds:
            return False
        need = [sum(cost(k) for k in by_job[j]) for j in self.running(by_job)]
        return bool(need) and min(need) <= self.left()
