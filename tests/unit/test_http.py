"""The proof of concurrency's verdicts, and the rules that make an HTTP cell n/a or client-bound."""

import pytest

from concbench.worker.verify import server_counts


@pytest.mark.parametrize(
    "seen,peak,sent,c,n,concurrent,ok,text",
    [
        (100, 50, 100, 50, 100, True, True, ""),
        (99, 50, 100, 50, 100, True, False, "server saw 99 requests, the cell sent 100"),
        (100, 51, 100, 50, 100, True, False, "51 requests in flight at once, above C=50"),
        (100, 1, 100, 50, 100, True, False, "ran one request at a time"),
        (100, 9, 100, 50, 100, True, True, "client-bound: only 9 of 50 in flight"),
        (20, 18, 20, 50, 20, True, True, ""),  # N < C: at most N can be in flight
        (100, 1, 100, 50, 100, False, True, ""),  # sync: one at a time by nature
        (100, 1, 100, 1, 100, True, True, ""),  # C=1 (a sweep's first point): one at a time is right
    ],
)
def test_proof_of_concurrency_verdicts(seen, peak, sent, c, n, concurrent, ok, text):
    verdict, said = server_counts(seen, peak, sent, c, n, concurrent)
    assert verdict == ok and said.startswith(text)


def test_uvloop_variant_is_na_without_uvloop(facts):
    import dataclasses

    from concbench.registry import Cell, unavailable

    imports = {
        **facts.imports,
        "uvloop": {"ok": False, "error": "ModuleNotFoundError: No module named 'uvloop'"},
    }
    cell = Cell("http_fanout", "asyncio", "uvloop", {})
    assert unavailable(cell, dataclasses.replace(facts, imports=imports)).startswith("uvloop does not import")


def test_mixed_needs_a_concbench_server():
    from concbench.host.target import Target
    from concbench.registry import Cell
    from concbench.run.services import Server, foreign_reason

    foreign = Server(Target("http://127.0.0.1:9", concbench=False), {"req_per_s": 1.0}, {})
    ours = Server(Target("http://127.0.0.1:9", concbench=True), {"req_per_s": 1.0}, {})
    mixed, fanout = Cell("mixed", "threads", "default", {}), Cell("http_fanout", "threads", "default", {})
    assert "needs a concbench server" in foreign_reason(mixed, foreign)
    assert foreign_reason(mixed, ours) is None and foreign_reason(fanout, foreign) is None


def test_few_in_flight_is_client_bound_only_when_the_server_had_cpu_to_spare(facts):
    from concbench.registry import Cell
    from concbench.results import base_row
    from concbench.run.judge import Context, _machine_bound, _server_busy

    row = base_row(facts, Cell("http_fanout", "threads", "default", {"workers": 2}), "ok")
    row.wall_s, row.cpu_s, row.cores = 0.1, 0.05, 2
    row.server_cpu_s = 0.095  # the one server process ran flat out
    assert _server_busy(row, Context(target=0.05)) and not _server_busy(row, Context(0.05, server_procs=2))
    row.server_cpu_s = 0.03
    assert not _server_busy(row, Context(target=0.05))
    assert _machine_bound(row, Context(target=0.05)) == ""
    row.cpu_s, row.server_cpu_s = 0.1, 0.09
    assert _machine_bound(row, Context(target=0.05)).startswith("machine-bound: client and server used 1.9")
