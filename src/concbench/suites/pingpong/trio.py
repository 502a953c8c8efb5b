"""trio: a pair is two tasks and two memory channels, one each way, each with a buffer of one
(`open_memory_channel(1)`): a ping-pong never has more than one token in flight each way, so a send
never waits, as a put into every other model's queue never does. With no buffer (0, trio's default
advice) each send would also wait until the other task has taken the token, a rendezvous no other
model pays for (about 10 % more per round trip here). The echo tasks live in one trio run for the
cell's whole life (anyio's blocking portal, as `triorun` keeps one); a call enters it once and runs
one pinger task per pair in a nursery, all pairs at once, each doing R round trips.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import trio
from anyio.from_thread import start_blocking_portal

from ._pair import answer
from .workload import Params, Run


async def echo(receive: trio.MemoryReceiveChannel, send: trio.MemorySendChannel, k: int) -> None:
    async with receive, send:
        async for x in receive:
            await send.send(answer(x, k))


async def ping(send: trio.MemorySendChannel, receive: trio.MemoryReceiveChannel, k: int, n: int) -> int:
    x = k
    for _ in range(n):
        await send.send(x)
        x = await receive.receive()
    return x


async def main(pairs: list, n: int) -> list[int]:
    results = [0] * len(pairs)

    async def one(k: int, send: trio.MemorySendChannel, receive: trio.MemoryReceiveChannel) -> None:
        results[k] = await ping(send, receive, k, n)

    async with trio.open_nursery() as nursery:
        for k, (send, receive) in enumerate(pairs):
            nursery.start_soon(one, k, send, receive)
    return results


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    with start_blocking_portal("trio") as portal:
        pairs, echoes = [], []
        for k in range(p.pairs):
            ping_send, ping_receive = trio.open_memory_channel(1)
            pong_send, pong_receive = trio.open_memory_channel(1)
            pairs.append((ping_send, pong_receive))
            echoes.append(portal.start_task_soon(echo, ping_receive, pong_send, k, name=f"echo-{k}"))
        try:
            yield lambda: portal.call(main, pairs, p.n)
        finally:
            for send, _ in pairs:
                portal.call(send.aclose)  # the echo's `async for` ends
            for done in echoes:
                done.result()
