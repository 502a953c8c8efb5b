"""The heartbeat must see a blocked scheduler: these fail if the lag is not seen. (Greenlets, and the
workers' own loops: tests/e2e/test_heartbeat.py.)"""

import asyncio
import time

import trio

from concbench.worker import heartbeat
from concbench.worker.heartbeat import LAGS

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


def test_take_worst_keeps_the_worst_workers_lags():
    LAGS.clear()
    heartbeat.take_worst([[0.001] * 100, [0.001] * 98 + [0.05, 0.05], []])
    assert len(LAGS) == 100 and max(LAGS) == 0.05
