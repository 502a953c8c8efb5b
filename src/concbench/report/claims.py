"""Claims people make about Python concurrency, each checked against the numbers of a run.

A claim is a function from the results (a DataFrame of results.csv) to a `Verdict`: supported,
contradicted, or not measured (and why), with the figures it rests on. The rules are stated in each
function's docstring and tested: a verdict flips when the numbers do."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from concbench.report.groups import baseline, ok
from concbench.report.stats import differs
from concbench.summary import seconds

SUPPORTED, CONTRADICTED, NOT_MEASURED = "supported", "contradicted", "not measured"
SCALES = 0.7  # threads "scale" when they reach this share of the ideal speedup
GIL_SPEEDUP = 1.1  # under the GIL, threads "don't speed up" CPU work below this
LAG_FACTOR = 1.25  # blocking the loop must raise its p99 lag clearly (by 25 %), not marginally
KEEPS_UP = 1.10  # gevent "keeps up" within 10 % of asyncio (or within noise)


@dataclass
class Verdict:
    claim: str
    verdict: str = NOT_MEASURED
    why: str = ""
    evidence: list[str] = field(default_factory=list)


def _cells(df: pd.DataFrame, workload: str, label: str) -> pd.DataFrame:
    cells = ok(df)
    return cells[(cells.workload == workload) & (cells.label == label)]


def _pair(df: pd.DataFrame, workload: str, a: str, b: str) -> list[tuple[pd.Series, pd.Series]]:
    """Cells `a` and `b` of the same interpreter and params, for every such pair."""
    left, right = _cells(df, workload, a), _cells(df, workload, b)
    merged = left.reset_index().merge(
        right.reset_index(), on=["interpreter", "params"], suffixes=("_a", "_b")
    )
    return [(df.loc[m.index_a], df.loc[m.index_b]) for m in merged.itertuples()]


def _slower_or_same(a: pd.Series, b: pd.Series) -> bool:
    """`a` is not significantly faster than `b`."""
    return a.wall_s >= b.wall_s or not differs(a.samples, b.samples)


def _where(r: pd.Series) -> str:
    return f"{r.interpreter} {r.case}"


def aiofiles_is_a_thread_pool(df: pd.DataFrame) -> Verdict:
    """Supported when asyncio/aiofiles is nowhere significantly faster than asyncio/to_thread (the
    same thread hand-off, without the library), contradicted when it is somewhere."""
    v = Verdict("File I/O in asyncio is a thread pool underneath (aiofiles vs to_thread vs sync)")
    pairs = _pair(df, "disk_io", "asyncio/aiofiles", "asyncio/to_thread")
    if not pairs:
        v.why = "no disk_io cell with both asyncio/aiofiles and asyncio/to_thread ran"
        return v
    faster = []
    for aio, thread in pairs:
        sync = baseline(df, aio)
        base = f", sync {seconds(sync.wall_s)}" if sync is not None else ""
        v.evidence.append(
            f"{_where(aio)}: aiofiles {seconds(aio.wall_s)}, to_thread {seconds(thread.wall_s)}{base}"
        )
        if not _slower_or_same(aio, thread):
            faster.append(_where(aio))
    if faster:
        v.verdict, v.why = CONTRADICTED, f"aiofiles beat to_thread significantly on {', '.join(faster)}"
    else:
        v.verdict = SUPPORTED
        v.why = (
            "aiofiles is never faster than a plain asyncio.to_thread: both hand every call to worker threads"
        )
    return v


def blocking_the_loop(df: pd.DataFrame) -> Verdict:
    """Supported when CPU work left on the event loop (asyncio/naive) raises the loop's p99 lag by
    more than 25 % over the same work offloaded, in every cell pair measured; contradicted otherwise.
    The why names the smallest gap: under the GIL, offloaded threads still compete with the loop."""
    v = Verdict("Blocking the event loop stalls everything on it (naive vs offloaded loop lag)")
    pairs = [p for w in ("cpu_bound", "mixed") for p in _pair(df, w, "asyncio/naive", "asyncio/offloaded")]
    pairs = [(a, b) for a, b in pairs if pd.notna(a.loop_lag_p99_ms) and pd.notna(b.loop_lag_p99_ms)]
    if not pairs:
        v.why = "no cpu_bound or mixed cell with both asyncio/naive and asyncio/offloaded lag figures"
        return v
    gaps = []
    for naive, off in pairs:
        gap = naive.loop_lag_p99_ms / max(off.loop_lag_p99_ms, 1e-3)
        v.evidence.append(
            f"{_where(naive)}: loop lag p99 {naive.loop_lag_p99_ms:.1f} ms naive, "
            f"{off.loop_lag_p99_ms:.1f} ms offloaded (×{gap:.1f})"
        )
        gaps.append((gap, _where(naive)))
    smallest, where = min(gaps)
    if smallest < LAG_FACTOR:
        v.verdict, v.why = CONTRADICTED, f"offloading barely lowered the lag (×{smallest:.2f}) on {where}"
    else:
        v.verdict = SUPPORTED
        v.why = f"CPU on the loop raised its p99 lag everywhere; the least, ×{smallest:.1f}, on {where}"
    return v


def async_single_request(df: pd.DataFrame) -> Verdict:
    """Supported when asyncio with one request in flight (concurrency=1) is not significantly faster
    than sync; contradicted when it is. Needs an http_fanout cell at concurrency 1."""
    v = Verdict("Async is not faster for a single request")
    cells = _cells(df, "http_fanout", "asyncio")
    cells = cells[[p.get("concurrency") == 1 for p in cells.params.map(json.loads)]]
    if cells.empty:
        v.why = "no http_fanout cell at concurrency=1: add `--sweep concurrency=1,10,100` to the run"
        return v
    faster = []
    for _, a in cells.iterrows():
        sync = baseline(df, a)
        if sync is None:
            continue
        per = a.wall_s / json.loads(a.params)["requests"]
        v.evidence.append(
            f"{_where(a)}: asyncio {seconds(a.wall_s)} ({seconds(per)} a request), "
            f"sync {seconds(sync.wall_s)}"
        )
        if not _slower_or_same(a, sync) and a.wall_s < 0.95 * sync.wall_s:
            faster.append(_where(a))
    if not v.evidence:
        v.why = "no sync cell to compare the concurrency=1 cells with"
    elif faster:
        v.verdict, v.why = (
            CONTRADICTED,
            f"asyncio was significantly faster one at a time on {', '.join(faster)}",
        )
    else:
        v.verdict, v.why = SUPPORTED, "one request at a time, the event loop only adds its own overhead"
    return v


def _cpu_threads(df: pd.DataFrame, gil: bool) -> pd.DataFrame:
    cells = ok(df)
    cells = cells[(cells.workload == "cpu_bound") & cells.model.isin(["threads", "freethreading"])]
    return cells[(cells.gil_enabled_runtime == gil) & (cells.workers > 1)]


def threads_under_the_gil(df: pd.DataFrame) -> Verdict:
    """Supported when threads (workers > 1) on an interpreter whose GIL was on are nowhere 10 % or
    more faster than sync on cpu_bound (and significantly so); contradicted when they are somewhere."""
    v = Verdict("Threads, as many as cores, don't speed up CPU work under the GIL")
    cells = _cpu_threads(df, gil=True)
    if cells.empty:
        v.why = "no cpu_bound threads cell ran with the GIL on"
        return v
    fast = []
    for _, r in cells.iterrows():
        v.evidence.append(f"{_where(r)}: threads {r.speedup_vs_sync:.2f}× sync with {r.workers} workers")
        sync = baseline(df, r)
        if r.speedup_vs_sync >= GIL_SPEEDUP and (sync is None or differs(r.samples, sync.samples)):
            fast.append(_where(r))
    if fast:
        v.verdict, v.why = CONTRADICTED, f"threads sped CPU work up on {', '.join(fast)}"
    else:
        v.verdict, v.why = SUPPORTED, "one thread at a time holds the GIL: no speedup"
    return v


def free_threading_scales(df: pd.DataFrame) -> Verdict:
    """Supported when threads on a free-threaded build with the GIL off reach 70 % of the ideal
    speedup (min(workers, cores)) on cpu_bound in every such cell; contradicted otherwise."""
    v = Verdict("Free-threading makes threads scale on CPU work")
    cells = _cpu_threads(df, gil=False)
    if cells.empty:
        v.why = "no free-threaded interpreter ran cpu_bound with the GIL off"
        return v
    short = []
    for _, r in cells.iterrows():
        v.evidence.append(
            f"{_where(r)}: {r.label} {r.speedup_vs_sync:.2f}× sync ({r.efficiency:.0%} of ideal)"
        )
        if r.efficiency < SCALES:
            short.append(_where(r))
    if short:
        v.verdict, v.why = (
            CONTRADICTED,
            f"below {SCALES:.0%} of the ideal speedup on {', '.join(short)}",
        )
    else:
        v.verdict, v.why = SUPPORTED, f"threads reached at least {SCALES:.0%} of the ideal speedup"
    return v


def _unit_cost(df: pd.DataFrame, interp: str, label: str) -> pd.Series | None:
    cells = _cells(df, "spawn", label)
    cells = cells[cells.interpreter == interp]
    return None if cells.empty else cells.iloc[0]


def subinterpreters_in_between(df: pd.DataFrame) -> Verdict:
    """Supported when subinterpreters reach 70 % of the ideal speedup on cpu_bound and their start
    cost (create + call + close) lies between a thread's and a process's (the interpreter's default
    start method), on every interpreter with both measured; contradicted otherwise."""
    v = Verdict("Subinterpreters give parallelism at a start cost between threads and processes")
    problems = []
    for _, r in _cells(df, "cpu_bound", "subinterpreters").iterrows():
        thread = _unit_cost(df, r.interpreter, "threads")
        interp = _unit_cost(df, r.interpreter, "subinterpreters/create")
        process = _unit_cost(df, r.interpreter, f"multiprocessing/{r.mp_start_method}")
        if thread is None or interp is None or process is None:
            continue
        v.evidence.append(
            f"{r.interpreter}: cpu_bound {r.speedup_vs_sync:.2f}× sync ({r.efficiency:.0%} of ideal); "
            "start cost "
            f"thread {thread.us_per_unit:.0f} µs < interpreter {interp.us_per_unit:.0f} µs < "
            f"process ({r.mp_start_method}) {process.us_per_unit:.0f} µs?"
        )
        if r.efficiency < SCALES:
            problems.append(f"no parallel speedup on {r.interpreter}")
        if not thread.us_per_unit < interp.us_per_unit < process.us_per_unit:
            problems.append(
                f"start cost not between thread and {r.mp_start_method} process on {r.interpreter}"
            )
    if not v.evidence:
        v.why = (
            "needs cpu_bound subinterpreters and the spawn costs of threads, subinterpreters and processes"
        )
    elif problems:
        v.verdict, v.why = CONTRADICTED, "; ".join(problems)
    else:
        v.verdict, v.why = (
            SUPPORTED,
            "parallel like processes, cheaper to start than one, dearer than a thread",
        )
    return v


def coroutines_are_lighter(df: pd.DataFrame) -> Verdict:
    """Supported when an asyncio task costs less to start and less memory alive than a thread on every
    interpreter where both were measured; contradicted otherwise."""
    v = Verdict("Coroutines are lighter than threads (start cost and memory per unit)")
    heavier = []
    for interp in dict.fromkeys(df.interpreter):
        task, thread = _unit_cost(df, interp, "asyncio"), _unit_cost(df, interp, "threads")
        if task is None or thread is None:
            continue
        v.evidence.append(
            f"{interp}: task {task.us_per_unit:.1f} µs, {task.mem_kb_per_unit:.1f} KiB; "
            f"thread {thread.us_per_unit:.1f} µs, {thread.mem_kb_per_unit:.1f} KiB"
        )
        if not (task.us_per_unit < thread.us_per_unit and task.mem_kb_per_unit < thread.mem_kb_per_unit):
            heavier.append(interp)
    if not v.evidence:
        v.why = "no spawn cells for both asyncio and threads"
    elif heavier:
        v.verdict, v.why = CONTRADICTED, f"a task was not cheaper than a thread on {', '.join(heavier)}"
    else:
        v.verdict, v.why = SUPPORTED, "a task starts faster and holds less memory than a thread"
    return v


def gevent_keeps_up(df: pd.DataFrame) -> Verdict:
    """Supported when gevent (urllib3, monkey-patched) is within 10 % of asyncio (aiohttp) on
    http_fanout, or not significantly slower, in every pair measured; contradicted otherwise."""
    v = Verdict("gevent keeps up with asyncio on network fan-out, without function colouring")
    pairs = _pair(df, "http_fanout", "gevent", "asyncio")
    behind = []
    for g, a in pairs:
        v.evidence.append(f"{_where(g)}: gevent {seconds(g.wall_s)} vs asyncio {seconds(a.wall_s)}")
        if g.wall_s > KEEPS_UP * a.wall_s and differs(g.samples, a.samples):
            behind.append(_where(g))
    skipped = df[(df.workload == "http_fanout") & (df.model == "gevent") & (df.status == "n/a")]
    v.evidence += [
        f"{r.interpreter}: gevent n/a ({r.reason})"
        for _, r in skipped.drop_duplicates("interpreter").iterrows()
    ]
    if not pairs:
        v.why = "no http_fanout pair of gevent and asyncio ran"
    elif behind:
        v.verdict, v.why = (
            CONTRADICTED,
            f"gevent fell more than {KEEPS_UP - 1:.0%} behind on {', '.join(behind)}",
        )
    else:
        v.verdict, v.why = (
            SUPPORTED,
            f"gevent within {KEEPS_UP - 1:.0%} of asyncio (or within noise) with blocking code",
        )
    return v


def library_matters(df: pd.DataFrame) -> Verdict:
    """Supported when, for some interpreter and params, switching one model's client to httpx changes
    its wall time by a larger factor than the spread between the concurrent models on their default
    clients; contradicted when the model spread is always the larger."""
    v = Verdict("The HTTP library can matter more than the model (httpx vs aiohttp and urllib3)")
    cells = ok(df)
    cells = cells[(cells.workload == "http_fanout") & (cells.model != "sync")]
    found = False
    for (interp, _), group in cells.groupby(["interpreter", "params"], sort=False):
        defaults = group[group.variant == "default"].set_index("model").wall_s
        httpx = group[group.variant == "httpx"].set_index("model").wall_s
        both = defaults.index.intersection(httpx.index)
        if len(defaults) < 2 or both.empty:
            continue
        library = (httpx[both] / defaults[both]).max()
        model = defaults.max() / defaults.min()
        worst = (httpx[both] / defaults[both]).idxmax()
        v.evidence.append(
            f"{interp} {group.case.iloc[0]}: library ×{library:.2f} ({worst} with httpx); "
            f"models ×{model:.2f} ({defaults.idxmax()} vs {defaults.idxmin()})"
        )
        found = found or library > model
        v.verdict = SUPPORTED if found else CONTRADICTED
    v.why = {
        SUPPORTED: "swapping the client moved a model more than choosing another model did",
        CONTRADICTED: "the choice of model always moved the wall time more than the client",
        NOT_MEASURED: "needs http_fanout with default and httpx variants of at least two models",
    }[v.verdict]
    return v


CLAIMS: list[Callable[[pd.DataFrame], Verdict]] = [
    aiofiles_is_a_thread_pool,
    blocking_the_loop,
    async_single_request,
    threads_under_the_gil,
    free_threading_scales,
    subinterpreters_in_between,
    coroutines_are_lighter,
    gevent_keeps_up,
    library_matters,
]


def check(df: pd.DataFrame) -> list[Verdict]:
    return [claim(df) for claim in CLAIMS]
