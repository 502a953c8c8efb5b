"""The mock server's tables stay bounded and never alias, and its command line refuses bad options in
one line, exit code 2; it binds loopback unless told. (Served: tests/e2e/test_server_hardening.py.)"""

import pytest

from concbench.servers import mockhttp
from concbench.servers.mockhttp import SLOTS, Counters


def test_token_k_and_k_plus_slots_never_alias():
    counters = Counters()
    old = counters.new_run()
    for _ in range(SLOTS):
        new = counters.new_run()
    assert new == old + SLOTS
    assert counters.enter(new) and not counters.enter(old)
    counters.leave(old)  # a stray's end touches nothing
    assert counters.stats(new)["inflight"] == 1 and counters.stats(old) is None
    assert counters.totals()["strays"] == 1


@pytest.mark.parametrize(
    "args,says",
    [
        (("--port", "99999"), "--port"),
        (("--port", "-1"), "--port"),
        (("--port", "abc"), "--port"),
        (("--procs", "0"), "--procs"),
        (("--procs", "65"), "--procs"),
        (("--host", "nowhere.invalid"), "nowhere.invalid"),
        (("--host", "192.0.2.1"), "cannot listen"),  # TEST-NET-1: not an address of this machine
    ],
)
def test_bad_options_are_one_line_and_exit_2(args, says, capsys):
    """`main` in this process, as `python -m concbench.servers.mockhttp` calls it; were an option taken,
    the server would announce itself, and that fails the test instead of serving."""

    def announce(info: dict) -> None:
        raise AssertionError(f"{args} accepted: serving at {info['url']}")

    with pytest.raises(SystemExit) as e:
        mockhttp.main(list(args), announce)
    assert e.value.code == 2
    said = capsys.readouterr()
    assert said.out == "" and said.err.count("\n") == 1 and says in said.err and "Traceback" not in said.err


def test_main_raises_system_exit_2_for_bad_values():
    with pytest.raises(SystemExit) as e:
        mockhttp.main(["--procs", "1", "--port", "99999"], lambda info: None)
    assert e.value.code == 2


def test_binds_loopback_unless_told():
    sock = mockhttp.listening_socket(0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()
