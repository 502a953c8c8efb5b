"""What a run is to do: its cells, interpreters, where it writes, its budget and its options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from concbench.host.pythons import Facts
from concbench.host.target import Target
from concbench.registry import Cell
from concbench.results import TARGETS
from concbench.run import rounds

Key = tuple[str, Cell]  # (interpreter id, cell)


@dataclass(frozen=True)
class Plan:
    cells: list[Cell]
    pythons: list[Facts]
    out: Path
    mode: str  # quick | full
    timeout_s: float  # per worker process (one cell, one round)
    budget_s: float = rounds.BUDGETS["quick"]
    max_rounds: int | None = None  # --rounds: at most this many (None: as the budget and verdicts allow)
    seed: int = 0
    margin: float = 0.05  # models within this of each other are tied (verdicts.decide.MARGIN)
    focus: frozenset[str] = frozenset()  # the workloads whose jobs race for every round; the rest run one
    started: float | None = None  # time.monotonic() when the command started (an environment build not
    # counted): the budget is the command's wall time
    target: Target | None = None  # a running server (--target); else concbench starts its own
    server_procs: int = 1
    scratch: Path | None = None  # where disk cells write (default: the system's temporary directory)
    server_cpus: frozenset[int] = frozenset()  # pin the mock server there (the cells run on the rest)
    options: dict = field(default_factory=dict)  # run-wide settings for the workloads that take them (--job)
    refusals: dict[tuple[str, str, str, str], str] = field(default_factory=dict)  # (interpreter, workload,
    # model, variant) -> why n/a, decided before the run (a --job that a model cannot run)
    references: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (interpreter, workload,
    # params JSON) -> the digest to expect, computed before the run (a --job's sync results)
    manifest: dict = field(default_factory=dict)  # more for manifest.json (what --job ran)

    @property
    def ci_target(self) -> float:
        return TARGETS[self.mode]
