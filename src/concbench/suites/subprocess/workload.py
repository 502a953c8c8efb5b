"""Params, the child program, the shared launchers and the reference for the subprocess workload.

"Is asyncio.subprocess the async way to run other programs, and is it any faster than threads
calling subprocess.run?" N children, at most `concurrency` (C) alive at once. Each child is the
cell's own interpreter, `python -I -S -c CHILD MS` (isolated, without `site`): it reads its input
on stdin (`body(i, INPUT_BYTES)`, derived from the item number), sleeps `child_ms`, and writes the
SHA-256 of what it read on stdout. A model's results are the children's outputs in item order. The
reference computes the same digests in-process, without running a child, so a child that got the
wrong input, or whose output was lost or mixed up with another's, fails the cell.

The same for every model:
- timed: per child, starting it (vfork or fork, exec, the child's interpreter start: how is the
  model's own business), writing its stdin, reading its stdout, reaping it; never more than C
  alive at once (the share-based models split C between their workers: `with_limits`); stderr is
  the cell's own (a child's traceback shows there);
- not timed: starting pools, loops and interpreters (warm), the reference, the check of every call.

Ideal (`ideal_s`), a comparison, not a physical limit (`bound=""`). A child costs s + L: L =
child_ms, and s = one child started, run without its sleep and reaped, alone (`probe`, spawned the
same way in every cell; it is the only slow part of the reference, so the worker's `reference_s`
is s, on this interpreter in this round). C at a time, that is ceil(N/C)·(s + L); and s is nearly
all CPU (an interpreter starting up), so N of them on `cores` cores take at least N·s/cores. The
ideal is the larger of the two. Only ceil(N/C)·L is a hard floor, far below what any model reaches
(start-up is most of a short child's life); s is one measurement on a noisy machine (a slow moment
makes it too high, and an honest cell would then "beat" the ideal), and start-ups under contention
need not cost what one alone did. So efficiency says how close a model came to a perfect
scheduler of these children, and no cell is called impossible by it.

Metrics (`concbench.worker.usage.EXTRA`, per worker process): `start_ms` and `child_cpu_ms`, the probe's
wall time and the child's own CPU (user+sys of the reaped child); `parent_cpu_ms`, the launchers'
own CPU per child in the timed calls (`accounted`): the cell's process (every thread and
interpreter in it) plus, for multiprocessing, its pool processes, without the children's CPU.
cpu_s (every row) is the total, children included.

Nothing at the top of this module may import `concbench.worker.usage`: it imports psutil, whose C
extension does not load in a subinterpreter, and the subinterpreters model imports this module in
each of its interpreters.
"""

import hashlib
import math
import os
import resource
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from statistics import fmean

from concbench.servers.content import body
from concbench.workloads import Metric, Variant, Workload

from ..partition import with_limits

INPUT_BYTES = 1024  # a child's stdin: well under a pipe's buffer, so writing it never blocks
CHILD = """\
import hashlib, sys, time
data = sys.stdin.buffer.read()
time.sleep(int(sys.argv[1]) / 1000)
sys.stdout.write(hashlib.sha256(data).hexdigest())
"""
# A child starts in ~10 ms of CPU (2 cores: 3.14 ~9 ms, 3.14t ~11 ms), so quick's sync takes about
# 8 × (20 + 10) ms ≈ 0.25 s a call, and its ideal, 2 waves of 30 ms, is bound by the waves.
QUICK = [{"children": 8, "concurrency": 4, "child_ms": 20}]  # two waves: sync ~0.25 s a call
FULL = [  # bound by the waves (4 × 60 ms > 32 × 10 ms / 2 cores); no sleep: bound by the cores
    {"children": 32, "concurrency": 8, "child_ms": 50},
    {"children": 64, "concurrency": 8, "child_ms": 0},
]

Run = Callable[[], list[str]]


@dataclass(frozen=True)
class Params:
    children: int
    concurrency: int
    child_ms: int
    workers: int
    variant: str = "default"

    def argv(self) -> list[str]:
        return [sys.executable, "-I", "-S", "-c", CHILD, str(self.child_ms)]

    def stdin(self, i: int) -> bytes:
        return body(i, INPUT_BYTES)

    def shares(self) -> list[tuple[list[int], int]]:
        """(child indices, limit) per worker, for the models that give each worker its own share."""
        return with_limits(self.children, self.workers, self.concurrency)


def run_child(p: Params, i: int) -> str:
    """Child i with `subprocess.run` (gevent's own when the stdlib is monkey-patched)."""
    return subprocess.run(p.argv(), input=p.stdin(i), stdout=subprocess.PIPE, check=True).stdout.decode()


def launch(p: Params, i: int) -> subprocess.Popen:
    """Start child i and hand it all its input at once (it fits the pipe's buffer)."""
    child = subprocess.Popen(p.argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    with child.stdin:
        child.stdin.write(p.stdin(i))
    return child


def collect(child: subprocess.Popen) -> str:
    """Read a child's output to the end and reap it."""
    with child.stdout:
        out = child.stdout.read()
    if child.wait():
        raise subprocess.CalledProcessError(child.returncode, child.args)
    return out.decode()


def window(p: Params, indices: Sequence[int], limit: int) -> list[str]:
    """One worker's share, from one thread and no pool: up to `limit` children alive, the oldest
    collected before the next is started (the children are alike, so the oldest is the first to
    finish); one after another when the limit is 1."""
    alive: deque[subprocess.Popen] = deque()
    out = []
    for i in indices:
        if len(alive) == limit:
            out.append(collect(alive.popleft()))
        alive.append(launch(p, i))
    out += [collect(child) for child in alive]
    return out


def accounted(p: Params, run: Run, pids: Iterable[int] = ()) -> Run:
    """`run`, recording the launchers' own CPU per child (`parent_cpu_ms`): this process's CPU time
    (`time.process_time`: all its threads and interpreters) plus that of the processes `pids`
    (multiprocessing: the pool; `cpu_s_of`), over every call but the first (pyperf's warmup, which
    pays one-time costs). Inside the clock: two clock reads a call, and 4 small /proc reads per
    pool process (some 15 µs each)."""
    from concbench.worker.usage import EXTRA  # here, not at the top (see the module's docstring)

    pids = tuple(pids)
    spent: list[float] = []

    def cpu() -> float:
        return time.process_time() + sum(map(cpu_s_of, pids))

    def call() -> list[str]:
        t0 = cpu()
        results = run()
        spent.append(cpu() - t0)
        if len(spent) > 1:
            EXTRA["parent_cpu_ms"] = fmean(spent[1:]) / p.children * 1000
        return results

    return call


def cpu_s_of(pid: int) -> float:
    """The CPU seconds of process `pid`, all its threads, from /proc's schedstat (Linux; in ns):
    psutil's cpu_times are in clock ticks (10 ms), coarser than what a pool process spends a call."""
    tasks = Path(f"/proc/{pid}/task")
    return sum(int((t / "schedstat").read_text().split()[0]) for t in tasks.iterdir()) / 1e9


def reference(p: Params) -> list[str]:
    """The digests the children must write, computed here; then one child run alone for the
    ideal's start-up cost s (`probe`: this takes s, so the worker's `reference_s` is s)."""
    expected = [hashlib.sha256(p.stdin(i)).hexdigest() for i in range(p.children)]
    probe(p)
    return expected


def probe(p: Params) -> None:
    """One child started and reaped alone, without its sleep, stdin and stdout on /dev/null: its
    wall time (start_ms) and its own CPU (child_cpu_ms). Started with `os.posix_spawn` (vfork +
    exec, as the stdlib's subprocess starts a child), so that it costs the same in every cell,
    gevent's included (gevent's patched subprocess forks the whole process instead)."""
    from concbench.worker.usage import EXTRA

    argv = replace(p, child_ms=0).argv()
    null = [
        (os.POSIX_SPAWN_OPEN, fd, os.devnull, mode, 0) for fd, mode in ((0, os.O_RDONLY), (1, os.O_WRONLY))
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    _, status = os.waitpid(os.posix_spawn(argv[0], argv, os.environ, file_actions=null), 0)
    EXTRA["start_ms"] = (time.perf_counter() - t0) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    EXTRA["child_cpu_ms"] = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    if code := os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"the child program exited with {code}")


def ideal_s(params: dict[str, int], sync_s: float, cores: int, reference_s: float) -> float:
    """max(ceil(N/C)·(s + L), N·s/cores), s = one child alone (reference_s; see the docstring)."""
    n, c, s = params["children"], params["concurrency"], reference_s
    return max(math.ceil(n / c) * (s + params["child_ms"] / 1000), n * s / cores)


WORKLOAD = Workload(
    "subprocess",
    "N short child programs (this interpreter, -I -S), at most C alive at once, each sleeping L ms",
    quick=QUICK,
    full=FULL,
    variants={
        "sync": (Variant(about="subprocess.run, one child at a time"),),
        "threads": (Variant(about="subprocess.run on C pool threads"),),
        "asyncio": (
            Variant(about="asyncio.create_subprocess_exec"),
            Variant(
                "uvloop", ("uvloop",), about="asyncio.create_subprocess_exec on uvloop (libuv)", quick=False
            ),
        ),
        "trio": (Variant(about="trio.run_process (Popen in a worker thread, pidfd wait)"),),
        "gevent": (Variant(about="gevent.subprocess (monkey-patched)"),),
        "freethreading": (Variant(about="a Popen window per thread"),),
        "subinterpreters": (Variant(about="a Popen window per interpreter"),),
        "multiprocessing": (Variant(about="a Popen window per process"),),
    },
    ideal_s=ideal_s,
    describe=lambda p: (
        f"Programs: {p['children']} children of {p['child_ms']} ms, {p['concurrency']} at once"
    ),
    tiny={"children": 6, "concurrency": 4, "child_ms": 10, "workers": 2},
    metrics=(
        Metric("start_ms", "start (ms)"),
        Metric("child_cpu_ms", "child CPU (ms)"),
        Metric("parent_cpu_ms", "parent CPU/child (ms)", ".2f", chart=True),
    ),
)
