"""Params, the unit of work and its reference for the __workload_name__ workload: edit these.

For every case of QUICK (FULL with `--full`) concbench builds `Params(**case, workers=N,
variant=...)`, calls each model's `setup(params)` once, untimed, and times the `run()` it yields,
many times; the results of every call, in task order, must equal `reference(params)` or the cell
fails.

The example: task i sums n² over its own `span` numbers, [i·span, (i+1)·span), in a plain loop:
pure Python, holding the GIL throughout, every task costing the same. The reference uses a closed
form, so that it does not share the code it checks. For your own work, change `inputs`, `work` and
`reference`, and the dimensions of Params, QUICK and FULL with them. The model files only call
`p.inputs()` and `work(x)`, so they need no change unless your work must run differently there.
"""

from collections.abc import Callable
from dataclasses import dataclass

from concbench.workloads import Kind, Workload, every_model

QUICK = [{"tasks": 8, "span": 300_000}]  # ~10 ms a task
FULL = [{"tasks": 32, "span": 300_000}]  # more tasks than cores: load balance matters

Run = Callable[[], list[int]]  # what a model's setup() yields: do the work once, results in task order


@dataclass(frozen=True)
class Params:
    tasks: int
    span: int
    workers: int  # how many run at once (concbench sets it: --workers, default the CPU count)
    variant: str = "default"

    def inputs(self) -> list[range]:
        """What each task works on, in task order (picklable: processes and interpreters get copies)."""
        return [range(i * self.span, (i + 1) * self.span) for i in range(self.tasks)]


def work(numbers: range) -> int:
    """One task: the sum of the squares of its numbers."""
    total = 0
    for n in numbers:
        total += n * n
    return total


def reference(p: Params) -> list[int]:
    """The expected results, by the closed form: the squares of 0 .. m-1 add up to (m-1)·m·(2m-1)/6."""

    def below(m: int) -> int:
        return (m - 1) * m * (2 * m - 1) // 6

    return [below((i + 1) * p.span) - below(i * p.span) for i in range(p.tasks)]


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> float:
    """Perfect scaling of the sync time over the workers the cores can really run."""
    return sync_s / min(params["workers"], cores)


WORKLOAD = Workload(
    "__workload_name__",
    "sums of squares over K equal, disjoint ranges (pure Python)",
    quick=QUICK,
    full=FULL,
    variants=every_model(),  # one plain variant in each of the eight models
    ideal_s=ideal_s,
    kind=Kind.COMPARISON,  # compared on speed, with a verdict per job, like the built-in workloads
    bound="cpu",  # its ideal is a physical limit, nothing beats it; use "" if your work waits on I/O
)
