"""What the machine is, what it could give at a given moment, and what else it was doing.

- `facts()`: host, platform, CPU model and the cores this process may use (affinity, so `taskset` counts).
- `yardstick(n)`: one process of a fixed pure-Python loop, then `n` of them at once: the machine's
  speed (seconds for the loop) and its available parallelism (how many loops' worth it ran at once)
  at that moment. A busy host shows as a slower loop and as fewer than `n` cores.
- `Load`: the host's CPU time (`/proc/stat`, steal included) and load average between two moments, and
  how much of it our own processes took, so a round during which something else ran is flagged.
- `settle_disk()`: `os.sync()` and, where permitted, dropping the page cache before a disk cell.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

YARDSTICK_LOOP = 1_500_000  # iterations of the loop below: about 50-100 ms on these machines
YARDSTICK_CODE = (
    "import sys,time\n"
    "time.sleep(max(0.0,float(sys.argv[1])-time.time()))\n"  # every copy starts at the same moment
    "t=time.perf_counter();x=0\n"
    "for i in range({n}):x=(x+i*i)%1000003\n"
    "print(time.perf_counter()-t)"
)
BUSY_SHARE = 0.10  # a round is busy when other processes took more than this share of the cores
STEAL_SHARE = 0.05  # or the hypervisor stole more than this share


def cores() -> int:
    """The cores this process may run on (respects affinity: `taskset -c 0` gives 1)."""
    getter = getattr(os, "sched_getaffinity", None)
    return len(getter(0)) if getter else getattr(os, "process_cpu_count", os.cpu_count)() or 1


def facts() -> dict:
    return {
        "hostname": platform.node(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cores_usable": cores(),
    }


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def _loops(n: int, python: str) -> list[float]:
    start_at = f"{time.time() + 0.08:.6f}"
    code = YARDSTICK_CODE.format(n=YARDSTICK_LOOP)
    procs = [
        subprocess.Popen([python, "-S", "-c", code, start_at], stdout=subprocess.PIPE, text=True)
        for _ in range(n)
    ]
    return [float(p.communicate(timeout=60)[0]) for p in procs]


def yardstick(n: int, python: str = sys.executable) -> dict:
    """`loop_s`: one copy alone; `parallel`: how many copies' worth of work `n` at once got done per
    unit of time (n on an idle n-core machine, less when the cores are shared)."""
    (alone,) = _loops(1, python)
    together = _loops(n, python) if n > 1 else [alone]
    return {"loop_s": alone, "parallel": sum(alone / t for t in together), "copies": n}


@dataclass
class Load:
    """Counters at one moment; `since(earlier)` is what happened in between."""

    at: float
    busy: float  # host CPU seconds, all cores, not idle or iowait
    steal: float
    ours: float  # CPU seconds of this process, its reaped children and the given live ones
    loadavg: float

    @classmethod
    def now(cls, live: list[int] = ()) -> Load:  # type: ignore[assignment]
        tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        try:
            fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
            user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
            busy, stolen = (user + nice + system + irq + softirq) / tick, steal / tick
            loadavg = os.getloadavg()[0]
        except (OSError, ValueError):
            busy = stolen = loadavg = 0.0
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        ours = time.process_time() + children.ru_utime + children.ru_stime
        for pid in live:
            with contextlib.suppress(psutil.Error):
                for p in (psutil.Process(pid), *psutil.Process(pid).children(recursive=True)):
                    t = p.cpu_times()
                    ours += t.user + t.system
        return cls(time.monotonic(), busy, stolen, ours, loadavg)

    def since(self, earlier: Load, n_cores: int) -> dict:
        wall = max(self.at - earlier.at, 1e-9)
        others = max(0.0, (self.busy - earlier.busy) - (self.ours - earlier.ours))
        steal = self.steal - earlier.steal
        share, steal_share = others / (wall * n_cores), steal / (wall * n_cores)
        return {
            "wall_s": wall,
            "others_cpu_s": others,
            "others_share": share,
            "steal_share": steal_share,
            "loadavg_start": earlier.loadavg,
            "loadavg_end": self.loadavg,
            "busy": share > BUSY_SHARE or steal_share > STEAL_SHARE,
        }


def adopt_orphans() -> bool:
    """Make this process the reaper of its descendants' orphans (Linux PR_SET_CHILD_SUBREAPER): a
    multiprocessing forkserver and its pool outlive the worker that started them, and their CPU time
    counts as ours only when we reap them. True when the kernel agreed."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans(keep: set[int]) -> int:
    """Reap the exited orphans we adopted (not the children in `keep`, which their owners wait for)."""
    reaped = 0
    for child in psutil.Process().children():
        with contextlib.suppress(psutil.Error, ChildProcessError):
            if child.pid not in keep and child.status() == psutil.STATUS_ZOMBIE:
                os.waitpid(child.pid, 0)
                reaped += 1
    return reaped


def thread_cpu_s(pid: int) -> float | None:
    """The CPU time of every thread of `pid`, at nanosecond resolution (Linux schedstat), or None."""
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return sum(int((t / "schedstat").read_text().split()[0]) for t in tasks) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def settle_disk() -> dict:
    """Write back dirty pages, and drop the page cache where permitted (root, writable /proc/sys)."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
        dropped = True
    except OSError:
        dropped = False
    return {"synced": True, "cache_dropped": dropped}
