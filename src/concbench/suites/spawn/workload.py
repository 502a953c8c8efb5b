"""Params and the measurements of the spawn-cost workload; the unit itself is in `_unit`.

Timed: `n` units started and joined one after another (a thread, a task, a greenlet, an
interpreter, a process...); each unit reports its number back through its model's own channel (a
return value, a pipe), so the results prove every unit ran.
Not timed, once per worker process: memory per live unit, the growth of the proportional set size
(PSS: shared pages split fairly, children included) with `alive` units blocked at once.
Threads, tasks and greenlets are cheap, so they get `units`/`alive`; interpreters and processes get
`heavy_units`/`heavy_alive`.
"""

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from concbench.workloads import Kind, Variant, Workload

QUICK = [{"units": 500, "alive": 500, "heavy_units": 5, "heavy_alive": 4}]
FULL = [{"units": 4000, "alive": 4000, "heavy_units": 20, "heavy_alive": 8}]
HEAVY = {"subinterpreters", "multiprocessing"}

Run = Callable[[], list[int]]
Alive = Callable[[int], AbstractContextManager[None]]  # a model's `alive(n)`: n units blocked at once


@dataclass(frozen=True)
class Params:
    units: int
    alive: int
    heavy_units: int
    heavy_alive: int
    workers: int
    variant: str = "default"
    model: str = ""  # given by the runner: heavy models start fewer units

    @property
    def n(self) -> int:
        return self.heavy_units if self.model in HEAVY else self.units

    @property
    def n_alive(self) -> int:
        return self.heavy_alive if self.model in HEAVY else self.alive


def reference(p: Params) -> list[int]:
    return list(range(p.n))


def units(params: dict[str, int], model: str, variant: str) -> int:
    """How many units a cell of `model` starts per call (the same rule as `Params.n`)."""
    return Params(**params, model=model).n


def memory_per_unit(alive: Alive, n: int) -> dict[str, float]:
    """PSS growth per unit with `n` units alive at once, in KiB. One unit is brought up and released
    first, so what a model starts once and keeps (the forkserver, the resource tracker: processes
    too) is not charged to the units."""
    from concbench.worker.usage import (
        tree_pss,  # here: the registry imports this module, psutil is the cell's
    )

    with alive(1):
        pass
    before = tree_pss()
    with alive(n):
        during = tree_pss()
    return {"mem_kb_per_unit": max(0, during - before) / n / 1024, "alive_units": n}


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> None:
    """Spawn cost has no ideal: it is a price, reported in µs per unit."""
    return None


WORKLOAD = Workload(
    "spawn",
    "start and join one unit (thread, task, greenlet, interpreter, process); memory per live unit",
    quick=QUICK,
    full=FULL,
    variants={
        "sync": (Variant(about="a function call"),),
        "threads": (Variant(about="threading.Thread"),),
        "asyncio": (Variant(about="asyncio.create_task"),),
        "trio": (Variant(about="nursery.start_soon"),),
        "gevent": (Variant(about="gevent.spawn"),),
        "freethreading": (Variant(about="threading.Thread, no GIL"),),
        "subinterpreters": (
            Variant("create", about="interpreters.create + call + close"),
            Variant("pool", about="InterpreterPoolExecutor round trip"),
        ),
        "multiprocessing": (
            Variant("spawn", about="Process, spawn"),
            Variant("forkserver", about="Process, forkserver"),
            Variant("fork", about="Process, fork"),
        ),
    },
    ideal_s=ideal_s,
    # 200 light units alive: 20 asyncio tasks once fitted in memory already mapped (PSS grew by 0)
    tiny={"units": 20, "alive": 200, "heavy_units": 2, "heavy_alive": 2, "workers": 2},
    units=units,
    unit="start + join",
    kind=Kind.PRICE,
)
