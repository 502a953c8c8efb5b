"""The mock server, and its --procs processes, exit when the process that started it is SIGKILLed."""

import contextlib
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

PARENT = """
import sys, time
from concbench.host.target import serve
with serve(procs=int(sys.argv[1])) as target:
    print(target.pid, flush=True)
    time.sleep(600)
"""


def gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in pids):
            return True
        time.sleep(0.1)
    return False


def kill_all(pids: list[int]) -> None:
    for p in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p, signal.SIGKILL)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("procs", [1, 2])
def test_server_dies_with_its_killed_parent(procs):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(procs)], stdout=subprocess.PIPE, text=True)
    server = int(parent.stdout.readline())
    family = [server, *(c.pid for c in psutil.Process(server).children(recursive=True))]
    assert len(family) >= procs
    try:
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        assert gone_within(family, 10), "the server outlived its parent"
    finally:
        kill_all(family)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_extra_processes_die_with_a_killed_server():
    parent = subprocess.Popen([sys.executable, "-c", PARENT, "2"], stdout=subprocess.PIPE, text=True)
    server = int(parent.stdout.readline())
    family = [c.pid for c in psutil.Process(server).children(recursive=True)]
    try:
        os.kill(server, signal.SIGKILL)
        assert gone_within(family, 10), "a server process outlived the first"
    finally:
        kill_all(family)
        parent.kill()
        parent.wait(10)
