"""Claims people make about Python concurrency, each checked against the numbers of a run.

A claim is a function from the results (a DataFrame of results.csv) to a `Verdict`: supported,
contradicted, or not measured (and why), with the figures it rests on. The rules are stated in each
function's docstring and tested: a verdict flips when the numbers do."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from concbench.report.fmt import seconds
from concbench.report.groups import baseline, ok
from concbench.results import Status
from concbench.stats.significance import differ

SUPPORTED, CONTRADICTED, NOT_MEASURED = "supported", "contradicted", "not measured"
SCALES = 0.7  # threads "scale" when they reach this share of the ideal speedup
GIL_SPEEDUP = 1.1  # under the GIL, threads "don't speed up" CPU work below this
LAG_FACTOR = 1.25  # blocking the loop must raise its p99 lag clearly (by 25 %), not marginally
KEEPS_UP = 1.10  # gevent "keeps up" within 10 % of asyncio (or within noise)
FASTER = 0.95  # "faster" takes a significant difference of at least 5 %
ORDERS = 100  # "orders of magnitude": two of them, at least


@dataclass
class Verdict:
    claim: str
    verdict: str = NOT_MEASURED
    why: str = ""
    evidence: list[str] = field(default_factory=list)

    def settle(self, against: list[str], contradicted: str, supported: str, missing: str) -> Verdict:
        """Not measured without evidence; contradicted where `against` names places; else supported."""
        if not self.evidence:
            self.why = missing
        elif against:
            self.verdict, self.why = CONTRADICTED, f"{contradicted} on {', '.join(against)}"
        else:
            self.verdict, self.why = SUPPORTED, supported
        return self


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
    return a.wall_s >= b.wall_s or not differ(a, b)


def _where(r: pd.Series) -> str:
    return f"{r.interpreter} {r.case}"


Need = tuple[str, str]  # (workload, model or model/variant)


@dataclass(frozen=True)
class Claim:
    """A claim's check and the cells it reads: a test holds every need against the registry, so a
    renamed variant cannot silently turn a claim into "not measured"."""

    check: Callable[[pd.DataFrame], Verdict]
    needs: tuple[Need, ...]


CLAIMS: list[Claim] = []  # in the order they are declared, which the report keeps


def claim(*needs: str) -> Callable[[Callable[[pd.DataFrame], Verdict]], Callable[[pd.DataFrame], Verdict]]:
    """Register a claim's check, with the cells it needs as `workload:model[/variant]`."""

    def register(check: Callable[[pd.DataFrame], Verdict]) -> Callable[[pd.DataFrame], Verdict]:
        workload_label = [n.split(":", 1) for n in needs]
        CLAIMS.append(Claim(check, tuple((w, label) for w, label in workload_label)))
        return check

    return register


@claim("disk_io:asyncio/aiofiles", "disk_io:threads", "disk_io:asyncio/to_thread")
def aiofiles_is_a_thread_pool(df: pd.DataFrame) -> Verdict:
    """Supported when asyncio/aiofiles is nowhere significantly faster than the best plain thread
    pool doing the same files (the threads model or asyncio.to_thread): a thread pool underneath
    cannot beat one; contradicted when it is somewhere (that would take truly asynchronous I/O)."""
    v = Verdict("File I/O in asyncio is a thread pool underneath (aiofiles vs to_thread vs sync)")
    faster = []
    for _, aio in _cells(df, "disk_io", "asyncio/aiofiles").iterrows():
        same = ok(df)
        same = same[(same.interpreter == aio.interpreter) & (same.params == aio.params)]
        pools = same[same.label.isin(["threads", "asyncio/to_thread"])].sort_values("wall_s")
        if pools.empty:
            continue
        pool, sync = pools.iloc[0], baseline(df, aio)
        base = f", sync {seconds(sync.wall_s)}" if sync is not None else ""
        v.evidence.append(
            f"{_where(aio)}: aiofiles {seconds(aio.wall_s)}, {pool.label} {seconds(pool.wall_s)}{base}"
        )
        if not _slower_or_same(aio, pool):
            faster.append(_where(aio))
    return v.settle(
        faster,
        "aiofiles beat every plain thread pool significantly",
        "aiofiles never beats a plain thread pool (threads or asyncio.to_thread): it hands each call to one",
        "no disk_io cell with asyncio/aiofiles beside threads or asyncio/to_thread ran",
    )


@claim(
    "cpu_bound:asyncio/naive", "cpu_bound:asyncio/offloaded", "mixed:asyncio/naive", "mixed:asyncio/offloaded"
)
def blocking_the_loop(df: pd.DataFrame) -> Verdict:
    """Supported when CPU work left on the event loop (asyncio/naive) raises the loop's p99 lag by
    more than 25 % over the same work offloaded, in every cell pair measured; contradicted otherwise.
    The why names the smallest gap: under the GIL, offloaded threads still compete with the loop."""
    v = Verdict("Blocking the event loop stalls everything on it (naive vs offloaded loop lag)")
    gaps = []
    for w in ("cpu_bound", "mixed"):
        for naive, off in _pair(df, w, "asyncio/naive", "asyncio/offloaded"):
            if pd.isna(naive.loop_lag_p99_ms) or pd.isna(off.loop_lag_p99_ms):
                continue
            gap = naive.loop_lag_p99_ms / max(off.loop_lag_p99_ms, 1e-3)
            v.evidence.append(
                f"{_where(naive)}: loop lag p99 {naive.loop_lag_p99_ms:.1f} ms naive, "
                f"{off.loop_lag_p99_ms:.1f} ms offloaded (×{gap:.1f})"
            )
            gaps.append((gap, _where(naive)))
    least, where = min(gaps, default=(0.0, ""))
    return v.settle(
        [where] if gaps and least < LAG_FACTOR else [],
        f"offloading barely lowered the lag (×{least:.2f})",
        f"CPU on the loop raised its p99 lag everywhere; the least, ×{least:.1f}, on {where}",
        "no cpu_bound or mixed cell with both asyncio/naive and asyncio/offloaded lag figures",
    )


@claim("http_fanout:asyncio/httpx", "http_fanout:sync/httpx")
def async_single_request(df: pd.DataFrame) -> Verdict:
    """Supported when asyncio with one request in flight (concurrency=1) is not significantly (and
    5 %) faster than sync on the same client (httpx: `AsyncClient` against `Client`), so the model
    is compared, not the library; contradicted when it is. Needs http_fanout at concurrency 1."""
    v = Verdict("Async is not faster for a single request")
    faster = []
    for a, sync in _pair(df, "http_fanout", "asyncio/httpx", "sync/httpx"):
        if json.loads(a.params).get("concurrency") != 1:
            continue
        per = a.wall_s / json.loads(a.params)["requests"]
        v.evidence.append(
            f"{_where(a)}: asyncio {seconds(a.wall_s)} ({seconds(per)} a request), "
            f"sync {seconds(sync.wall_s)}, both on httpx"
        )
        if _significantly_faster(a, sync):
            faster.append(_where(a))
    return v.settle(
        faster,
        "asyncio was significantly faster one request at a time",
        "one request at a time, the event loop only adds its own overhead",
        "no http_fanout pair of asyncio and sync on httpx at concurrency=1: add "
        "`--sweep concurrency=1,10,100`",
    )


def _cpu_threads(df: pd.DataFrame, gil: bool) -> pd.DataFrame:
    cells = ok(df)
    cells = cells[(cells.workload == "cpu_bound") & cells.model.isin(["threads", "freethreading"])]
    return cells[(cells.gil_enabled_runtime == gil) & (cells.workers > 1)]


@claim("cpu_bound:threads")
def threads_under_the_gil(df: pd.DataFrame) -> Verdict:
    """Supported when threads (workers > 1) on an interpreter whose GIL was on are nowhere 10 % or
    more faster than sync on cpu_bound (and significantly so); contradicted when they are somewhere."""
    v = Verdict("Threads, as many as cores, don't speed up CPU work under the GIL")
    fast = []
    for _, r in _cpu_threads(df, gil=True).iterrows():
        v.evidence.append(f"{_where(r)}: threads {r.speedup_vs_sync:.2f}× sync with {r.workers} workers")
        sync = baseline(df, r)
        if r.speedup_vs_sync >= GIL_SPEEDUP and (sync is None or differ(r, sync)):
            fast.append(_where(r))
    return v.settle(
        fast,
        "threads sped CPU work up",
        "one thread at a time holds the GIL: no speedup",
        "no cpu_bound threads cell ran with the GIL on",
    )


@claim("cpu_bound:threads", "cpu_bound:freethreading")
def free_threading_scales(df: pd.DataFrame) -> Verdict:
    """Supported when threads on a free-threaded build with the GIL off reach 70 % of the ideal
    speedup (min(workers, cores)) on cpu_bound in every such cell; contradicted otherwise."""
    v = Verdict("Free-threading makes threads scale on CPU work")
    short = []
    for _, r in _cpu_threads(df, gil=False).iterrows():
        v.evidence.append(
            f"{_where(r)}: {r.label} {r.speedup_vs_sync:.2f}× sync ({r.efficiency:.0%} of ideal)"
        )
        if r.efficiency < SCALES:
            short.append(_where(r))
    return v.settle(
        short,
        f"below {SCALES:.0%} of the ideal speedup",
        f"threads reached at least {SCALES:.0%} of the ideal speedup",
        "no free-threaded interpreter ran cpu_bound with the GIL off",
    )


def _unit_cost(df: pd.DataFrame, interp: str, label: str) -> pd.Series | None:
    cells = _cells(df, "spawn", label)
    cells = cells[cells.interpreter == interp]
    return None if cells.empty else cells.iloc[0]


@claim(
    "cpu_bound:subinterpreters",
    "spawn:threads",
    "spawn:subinterpreters/create",
    "spawn:multiprocessing/forkserver",
)
def subinterpreters_in_between(df: pd.DataFrame) -> Verdict:
    """Supported when subinterpreters reach 70 % of the ideal speedup on cpu_bound (the worst of its
    cells with more than one worker) and their start cost (create + call + close) lies between a
    thread's and a process's (the interpreter's default start method), on every interpreter with
    both measured; contradicted otherwise."""
    v = Verdict("Subinterpreters give parallelism at a start cost between threads and processes")
    problems = []
    parallel = _cells(df, "cpu_bound", "subinterpreters")
    for interp, cells in parallel[parallel.workers > 1].groupby("interpreter", sort=False):
        r = cells.sort_values("efficiency").iloc[0]
        thread = _unit_cost(df, interp, "threads")
        sub = _unit_cost(df, interp, "subinterpreters/create")
        process = _unit_cost(df, interp, f"multiprocessing/{r.mp_start_method}")
        if thread is None or sub is None or process is None:
            continue
        v.evidence.append(
            f"{interp}: cpu_bound {r.speedup_vs_sync:.2f}× sync ({r.efficiency:.0%} of ideal, the worst of "
            f"{len(cells)}); start cost: thread {thread.us_per_unit:.0f} µs, interpreter "
            f"{sub.us_per_unit:.0f} µs, process ({r.mp_start_method}) {process.us_per_unit:.0f} µs"
        )
        if r.efficiency < SCALES:
            problems.append(f"{interp} (no parallel speedup)")
        if not thread.us_per_unit < sub.us_per_unit < process.us_per_unit:
            problems.append(f"{interp} (start cost not between a thread and a {r.mp_start_method} process)")
    return v.settle(
        problems,
        "not both parallel and in between",
        "parallel like processes, cheaper to start than one, dearer than a thread",
        "needs cpu_bound subinterpreters and the spawn costs of threads, subinterpreters and processes",
    )


@claim("spawn:asyncio", "spawn:threads")
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
    return v.settle(
        heavier,
        "a task was not cheaper than a thread",
        "a task starts faster and holds less memory than a thread",
        "no spawn cells for both asyncio and threads",
    )


@claim("http_fanout:gevent/httpx", "http_fanout:asyncio/httpx")
def gevent_keeps_up(df: pd.DataFrame) -> Verdict:
    """Supported when gevent is within 10 % of asyncio on http_fanout, or not significantly slower,
    in every pair measured with the same client library (httpx: a blocking `httpx.Client` under
    gevent's patches, `httpx.AsyncClient` on asyncio), so that the model is compared, not the
    library; contradicted otherwise."""
    v = Verdict("gevent keeps up with asyncio on network fan-out, without function colouring")
    behind = []
    for g, a in _pair(df, "http_fanout", "gevent/httpx", "asyncio/httpx"):
        v.evidence.append(
            f"{_where(g)}: gevent {seconds(g.wall_s)} vs asyncio {seconds(a.wall_s)}, both on httpx"
        )
        if g.wall_s > KEEPS_UP * a.wall_s and differ(g, a):
            behind.append(_where(g))
    v.settle(
        behind,
        f"gevent fell more than {KEEPS_UP - 1:.0%} behind",
        f"gevent within {KEEPS_UP - 1:.0%} of asyncio (or within noise), with blocking code",
        "no http_fanout pair of gevent and asyncio on the same client (their httpx variants) ran",
    )
    skipped = df[(df.workload == "http_fanout") & (df.model == "gevent") & (df.status == Status.NA)]
    for _, r in skipped.drop_duplicates("interpreter").iterrows():
        v.evidence.append(f"{r.interpreter}: gevent n/a ({r.reason})")
    return v


@claim("http_fanout:threads", "http_fanout:threads/httpx", "http_fanout:asyncio", "http_fanout:asyncio/httpx")
def library_matters(df: pd.DataFrame) -> Verdict:
    """Supported when, for some interpreter and params, switching one model's client to httpx changes
    its wall time by a larger factor than the spread between the concurrent models on their default
    clients; contradicted when the model spread is always the larger."""
    v = Verdict("The HTTP library can matter more than the model (httpx vs aiohttp and urllib3)")
    cells = ok(df)
    cells = cells[(cells.workload == "http_fanout") & (cells.model != "sync")]
    model_wins = []
    for (interp, _), group in cells.groupby(["interpreter", "params"], sort=False):
        defaults = group[group.variant == "default"].set_index("model").wall_s
        httpx = group[group.variant == "httpx"].set_index("model").wall_s
        both = defaults.index.intersection(httpx.index)
        if len(defaults) < 2 or both.empty:
            continue
        ratios = httpx[both] / defaults[both]
        library, model = ratios.max(), defaults.max() / defaults.min()
        where = f"{interp} {group.case.iloc[0]}"
        v.evidence.append(
            f"{where}: library ×{library:.2f} ({ratios.idxmax()} with httpx); "
            f"models ×{model:.2f} ({defaults.idxmax()} vs {defaults.idxmin()})"
        )
        model_wins += [where] if model >= library else []
    return v.settle(
        model_wins if len(model_wins) == len(v.evidence) else [],  # "can": one case is enough
        "the choice of model moved the wall time more than the client",
        "swapping the client moved a model more than choosing another model did",
        "needs http_fanout with default and httpx variants of at least two models",
    )


def _price_pairs(df: pd.DataFrame, workload: str, a: str, b: str) -> list[tuple[pd.Series, pd.Series]]:
    return [
        (x, y) for x, y in _pair(df, workload, a, b) if pd.notna(x.us_per_unit) and pd.notna(y.us_per_unit)
    ]


def _significantly_faster(a: pd.Series, b: pd.Series) -> bool:
    """`a` beats `b` by 5 % or more, and significantly."""
    return a.wall_s < FASTER * b.wall_s and differ(a, b)


@claim("subprocess:asyncio", "subprocess:threads")
def subprocess_no_faster(df: pd.DataFrame) -> Verdict:
    """Supported when asyncio's subprocesses (`create_subprocess_exec`) are nowhere significantly
    (and 5 %) faster than threads calling `subprocess.run` for the same children, at the same limit;
    contradicted where they are. Both wait on the children; neither can make them start sooner."""
    v = Verdict("Running other programs: asyncio.subprocess is no faster than threads calling subprocess.run")
    faster = []
    for a, t in _pair(df, "subprocess", "asyncio", "threads"):
        v.evidence.append(f"{_where(a)}: asyncio {seconds(a.wall_s)}, threads {seconds(t.wall_s)}")
        if _significantly_faster(a, t):
            faster.append(_where(a))
    return v.settle(
        faster,
        "asyncio's subprocesses were significantly faster than a thread pool's",
        "the children's start and their waits cost the same whichever model waits for them",
        "no subprocess cells of both asyncio and threads ran",
    )


@claim("pingpong:asyncio", "pingpong:threads")
def coroutines_switch_faster(df: pd.DataFrame) -> Verdict:
    """Supported when a round trip between two asyncio tasks (an `asyncio.Queue`) costs at least 5 %
    less than one between two threads (a `queue.Queue`), one pair at a time, on every interpreter
    measured; contradicted where it does not. The evidence says where the gap is within the noise
    (threads' hand-offs scatter widely: on 3.14t they spin, see README)."""
    v = Verdict("Coroutines switch faster than threads")
    slower = []
    for a, t in _price_pairs(df, "pingpong", "asyncio", "threads"):
        if json.loads(a.params).get("pairs") != 1:
            continue
        noise = "" if differ(a, t) else ", within the noise of this run"
        v.evidence.append(
            f"{_where(a)}: asyncio {a.us_per_unit:.1f} µs a round trip, threads {t.us_per_unit:.1f} µs "
            f"(×{t.us_per_unit / a.us_per_unit:.1f}{noise})"
        )
        if a.us_per_unit >= FASTER * t.us_per_unit:
            slower.append(_where(a))
    return v.settle(
        slower,
        "a task's round trip was not cheaper than a thread's",
        "a round trip between tasks costs less than one between threads",
        "no pingpong cells with one pair of both asyncio and threads ran",
    )


@claim("shared_state:freethreading/local", "shared_state:freethreading/lock")
def free_threading_shares_little(df: pd.DataFrame) -> Verdict:
    """On a free-threaded build with the GIL off, per shared_state case: supported when counting
    locally and merging (`freethreading/local`) reaches 70 % of the ideal speedup over sync
    (min(workers, cores)) while updating one shared object under a lock (`freethreading/lock`)
    does not, in every case; contradicted where the lock scales too or the local counts do not."""
    v = Verdict("Free-threading scales only while threads share little")
    wrong = []
    for local, locked in _price_pairs(df, "shared_state", "freethreading/local", "freethreading/lock"):
        sync = baseline(df, local)
        if sync is None or pd.isna(sync.us_per_unit) or local.gil_enabled_runtime:
            continue
        ideal = min(local.workers, local.cores)
        up = {k: sync.us_per_unit / r.us_per_unit for k, r in (("local", local), ("lock", locked))}
        v.evidence.append(
            f"{_where(local)}: sync {sync.us_per_unit * 1e3:.0f} ns an update; local counts "
            f"{up['local']:.2f}× sync, one locked object {up['lock']:.2f}× (ideal {ideal}×)"
        )
        if up["local"] < SCALES * ideal or up["lock"] >= SCALES * ideal:
            wrong.append(_where(local))
    return v.settle(
        wrong,
        "sharing did not decide the scaling",
        f"local counts reached {SCALES:.0%} of the ideal, one shared object under a lock did not",
        "no shared_state cells of freethreading/local and freethreading/lock with the GIL off",
    )


@claim("shared_state:multiprocessing/manager", "shared_state:threads/lock")
def sharing_across_processes(df: pd.DataFrame) -> Verdict:
    """Supported when an update through a `multiprocessing.Manager` proxy costs at least 100× one
    under a `threading.Lock` in a shared object, for the same case on every interpreter measured;
    contradicted where it costs less."""
    v = Verdict("Sharing state across processes costs orders of magnitude more than across threads")
    cheaper = []
    for m, t in _price_pairs(df, "shared_state", "multiprocessing/manager", "threads/lock"):
        times = m.us_per_unit / t.us_per_unit
        v.evidence.append(
            f"{_where(m)}: a Manager proxy {m.us_per_unit:.1f} µs an update, a thread under a lock "
            f"{t.us_per_unit * 1e3:.0f} ns (×{times:.0f})"
        )
        if times < ORDERS:
            cheaper.append(f"{_where(m)} (×{times:.0f})")
    return v.settle(
        cheaper,
        f"a proxy update cost less than {ORDERS}× a locked one",
        f"every proxy update cost at least {ORDERS}× a locked update between threads",
        "no shared_state cells of multiprocessing/manager and threads/lock ran",
    )


def _failure_cells(df: pd.DataFrame, case: str, label: str) -> list[tuple[pd.Series, dict, dict]]:
    """The failure workload's cells of one case (`fail_ms`, `deadline_ms`, `cancel_ms`) and label,
    each with its params and its own figures (results.csv's metrics)."""
    cells = _cells(df, "failure", label)
    out = []
    for _, r in cells.iterrows():
        params, figures = json.loads(r.params), json.loads(r.metrics or "{}")
        if params.get(case) and "leaked" in figures:
            out.append((r, params, figures))
    return out


def _stopped(f: dict) -> str:
    return (
        f"leaked {f['leaked']:.0f}, stopped {f['stop_ms']:.0f} ms after the event, "
        f"the caller back {f['overrun_ms']:.0f} ms after it"
    )


@claim("failure:asyncio", "failure:trio", "failure:asyncio/gather", "failure:threads")
def structured_concurrency_cancels(df: pd.DataFrame) -> Verdict:
    """Fail-fast (unit 0 fails while its siblings run): supported when asyncio's TaskGroup and
    trio's nursery leave nothing running (leaked 0: no sibling answered after the failure or open
    100 ms later) and the caller gets the original exception on every call, on every interpreter;
    contradicted where either leaks or loses the error. gather's and threads' figures are shown
    beside them, as the contrast."""
    v = Verdict("Structured concurrency cancels siblings on failure, and nothing leaks")
    wrong = []
    for label, name in (("asyncio", "asyncio.TaskGroup"), ("trio", "a trio nursery")):
        for r, _, f in _failure_cells(df, "fail_ms", label):
            v.evidence.append(f"{_where(r)}: {name} {_stopped(f)}, error surfaced {f['error_surfaced']:.0%}")
            if f["leaked"] > 0 or f["error_surfaced"] < 1:
                wrong.append(f"{_where(r)} ({name})")
    if v.evidence:
        for label in ("asyncio/gather", "threads"):
            for r, _, f in _failure_cells(df, "fail_ms", label):
                v.evidence.append(f"{_where(r)}: {label} (for contrast) {_stopped(f)}")
    return v.settle(
        wrong,
        "a structured model left work running or lost the error",
        "the failure cancelled every sibling, nothing ran on after it, and the error reached the caller",
        "no fail-fast failure cells of asyncio (TaskGroup) or trio ran",
    )


@claim("failure:threads", "failure:threads/timeouts")
def threads_cannot_be_cancelled(df: pd.DataFrame) -> Verdict:
    """Deadline: supported when threads (and free-threading) give the caller control back within a
    quarter of a unit's latency after the deadline, while the units in flight run to the end
    (leaked > 0), on every interpreter; contradicted where the work was stopped (leaked 0) or the
    waiting was not (the caller came back late). `threads/timeouts`, whose requests each get what
    is left of the deadline as their timeout, is shown beside them: the I/O stops, not the thread."""
    v = Verdict("Threads can't be cancelled: a deadline only stops the waiting, not the work")
    wrong = []
    for label in ("threads", "freethreading"):
        for r, params, f in _failure_cells(df, "deadline_ms", label):
            v.evidence.append(f"{_where(r)}: {label} {_stopped(f)}")
            if f["leaked"] == 0 or f["overrun_ms"] >= params["latency_ms"] / 4:
                wrong.append(f"{_where(r)} ({label})")
    if v.evidence:  # the I/O's own timeout, passed down, does stop the work: that is no cancellation
        for r, _, f in _failure_cells(df, "deadline_ms", "threads/timeouts"):
            v.evidence.append(f"{_where(r)}: threads with each request's timeout the time left {_stopped(f)}")
    return v.settle(
        wrong,
        "a deadline stopped the threads' work too, or did not stop the waiting",
        "the caller was back at the deadline, and the requests in flight ran to their end",
        "no deadline failure cells of threads ran",
    )


@claim("failure:asyncio", "failure:asyncio/swallow")
def swallowing_breaks_cancellation(df: pd.DataFrame) -> Verdict:
    """Cancel from outside, asyncio: supported when the `swallow` variant (a unit that catches
    CancelledError and redoes its request) leaves work running after the cancel (leaked > 0) or
    holds the caller for half a unit's latency or more, while the plain TaskGroup leaks nothing,
    for the same case on every interpreter; contradicted where swallowing changed nothing."""
    v = Verdict("Swallowing CancelledError breaks cancellation")
    intact = []
    plain = {(r.interpreter, r.params): f for r, _, f in _failure_cells(df, "cancel_ms", "asyncio")}
    for r, params, f in _failure_cells(df, "cancel_ms", "asyncio/swallow"):
        if (base := plain.get((r.interpreter, r.params))) is None:
            continue
        v.evidence.append(f"{_where(r)}: swallowing {_stopped(f)}; the plain TaskGroup {_stopped(base)}")
        broken = f["leaked"] > 0 or f["overrun_ms"] >= params["latency_ms"] / 2
        if not broken or base["leaked"] > 0:
            intact.append(_where(r))
    return v.settle(
        intact,
        "the swallowing units stopped as the plain ones did",
        "the cancelled units redid their work, and the caller waited for it",
        "no cancel failure cells of both asyncio and asyncio/swallow ran",
    )


def check(df: pd.DataFrame) -> list[Verdict]:
    return [c.check(df) for c in CLAIMS]
