"""Pools are warm before the clock: every worker started, its initializer run (its imports done, its
connections open) during setup, and no request of that counted against the cell's run token."""

import importlib
import multiprocessing
import sys
from concurrent.futures import Executor, ProcessPoolExecutor

import psutil
import pytest

from concbench.kit.pools import warm

needs_314 = pytest.mark.skipif(sys.version_info < (3, 14), reason="InterpreterPoolExecutor is new in 3.14")
MODELS = [
    ("multiprocessing", "ProcessPoolExecutor"),
    pytest.param("subinterpreters", "InterpreterPoolExecutor", marks=needs_314),
]


def interpreter_pool(n: int) -> Executor:
    from concurrent.futures import InterpreterPoolExecutor

    return InterpreterPoolExecutor(n)


def workers(model: str) -> set:
    """The pool workers alive now: child processes, or subinterpreters."""
    if model == "multiprocessing":
        return {p.pid for p in multiprocessing.active_children()}
    from concurrent import interpreters

    return {i.id for i in interpreters.list_all()} - {interpreters.get_main().id}


def recorded(monkeypatch, module, executor: str) -> list[Executor]:
    """The pools `module` creates, from now on."""
    pools = []

    class Recording(getattr(module, executor)):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            pools.append(self)

    monkeypatch.setattr(module, executor, Recording)
    return pools


def imported(pool: Executor, n: int, name: str) -> dict[tuple[int, int, int], bool]:
    """Whether each of the n workers has module `name` imported: a probe on each, as `warm` does."""
    probe = f"(__import__('concbench.kit.pools').kit.pools.who(), {name!r} in __import__('sys').modules)"
    seen: dict[tuple[int, int, int], bool] = {}
    for _ in range(50):
        seen.update(f.result() for f in [pool.submit(eval, probe, {}) for _ in range(n)])
        if len(seen) == n:
            return seen
    raise AssertionError(f"only {len(seen)} of {n} workers answered the probe")


def test_warm_starts_every_process():
    with ProcessPoolExecutor(2) as pool:
        seen = warm(pool, 2)
    assert len({pid for pid, _, _ in seen}) == 2


@needs_314
def test_warm_starts_every_interpreter():
    with interpreter_pool(2) as pool:
        seen = warm(pool, 2)
    assert len({interp for _, interp, _ in seen}) == 2


@pytest.mark.parametrize("model,executor", MODELS)
def test_cpu_setup_warms_every_worker(model, executor, monkeypatch):
    """Before the first call: all W workers are up, and each has imported the workload module."""
    from concbench.suites.cpu_bound.workload import Params, count_primes, reference

    module = importlib.import_module(f"concbench.suites.cpu_bound.{model}")
    pools = recorded(monkeypatch, module, executor)
    p = Params(tasks=3, span=300, workers=3)
    before = workers(model)
    with module.setup(p) as run:
        assert len(workers(model) - before) == 3
        (pool,) = pools
        assert set(imported(pool, 3, count_primes.__module__).values()) == {True}
        assert run() == reference(p)


def connections_to(server_port: int, pids: list[int]) -> int:
    """Established TCP connections from the processes `pids` to the server's port."""
    conns = (c for pid in pids for c in psutil.Process(pid).net_connections("tcp"))
    return sum(c.status == psutil.CONN_ESTABLISHED and c.raddr and c.raddr.port == server_port for c in conns)


@pytest.mark.parametrize("workload", ["http_fanout", "mixed"])
@pytest.mark.parametrize("model,executor", MODELS)
def test_http_setup_opens_every_connection_uncounted(workload, model, executor, http_server, tmp_path):
    """Before the first call: every worker holds as many connections as the largest share's limit,
    and the server has counted no request of the run; the call then opens none."""
    from urllib.parse import urlsplit

    wl = importlib.import_module(f"concbench.suites.{workload}.workload")
    module = importlib.import_module(f"concbench.suites.{workload}.{model}")
    run_token = http_server.new_run()
    extra = {"size": 100} if workload == "http_fanout" else {"span": 50, "dir": str(tmp_path)}
    p = wl.Params(
        requests=10,
        concurrency=5,
        latency_ms=20,
        workers=2,
        url=http_server.base(run_token),
        client="aiohttp",
        **extra,
    )
    shares = p.shares()
    expected = len(shares) * max(limit for _, limit in shares)  # 2 workers × 3
    port = urlsplit(http_server.url).port
    before = workers(model)
    with module.setup(p) as run:
        pids = sorted(workers(model) - before) if model == "multiprocessing" else [psutil.Process().pid]
        assert connections_to(port, pids) == expected
        assert http_server.stats(run_token)["requests_seen"] == 0
        assert wl.verifiable(run()) == wl.reference(p)
        assert connections_to(port, pids) == expected
    assert http_server.stats(run_token)["requests_seen"] == p.requests
