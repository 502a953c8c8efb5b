"""The heartbeat must see a blocked scheduler: these fail if the lag is not seen."""

import asyncio
import subprocess
import sys
import time

import pytest
import trio

from concbench import heartbeat
from concbench.heartbeat import LAGS

BLOCK_S = 0.1


def test_sees_a_blocking_coroutine():
    LAGS.clear()

    async def main() -> None:
        async with heartbeat.on_asyncio():
            await asyncio.sleep(0.01)
            time.sleep(BLOCK_S)  # the classic mistake: a blocking call inside a coroutine
            await asyncio.sleep(0.01)

    asyncio.run(main())
    assert max(LAGS) >= 0.9 * BLOCK_S and len(LAGS) >= 3


def test_sees_a_loop_blocked_to_the_end():
    """Work that never yields again still shows: the overdue tick is counted when it ends."""
    LAGS.clear()

    async def main() -> None:
        async with heartbeat.on_asyncio():
            time.sleep(BLOCK_S)

    asyncio.run(main())
    assert max(LAGS) >= 0.9 * BLOCK_S


def test_sees_a_blocking_trio_task():
    LAGS.clear()

    async def main() -> None:
        async with heartbeat.on_trio():
            await trio.sleep(0.01)
            time.sleep(BLOCK_S)
            await trio.sleep(0.01)

    trio.run(main)
    assert max(LAGS) >= 0.9 * BLOCK_S


def test_thread_heartbeat_ticks():
    LAGS.clear()
    with heartbeat.on_thread():
        time.sleep(0.05)
    assert len(LAGS) >= 5, "about one tick per millisecond"


GEVENT = """
from gevent import monkey; monkey.patch_all()
import time, gevent
from concbench import heartbeat
with heartbeat.on_greenlet():
    gevent.sleep(0.01)
    t = time.perf_counter()  # CPU in the main greenlet: the hub cannot run the heartbeat
    while time.perf_counter() - t < 0.1: pass
    gevent.sleep(0.01)
print(max(heartbeat.LAGS))
"""


def test_sees_a_busy_greenlet(facts):
    if facts.gil_disabled_build or not facts.imports.get("gevent", {}).get("ok"):
        pytest.skip("gevent is n/a here")
    out = subprocess.run([sys.executable, "-c", GEVENT], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) >= 0.09
