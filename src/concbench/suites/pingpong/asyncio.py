"""asyncio: a pair is two coroutines on one event loop, two variants:

- default: two `asyncio.Queue`s, one each way;
- event: one shared slot and two `asyncio.Event`s (the pinger sets `ping`, the echo sets `pong`).
The loop (`asyncio.Runner`) and the echo tasks live for the whole cell; a call runs one pinger task
per pair, all pairs at once (`gather`), each doing R round trips.
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from ._pair import answer
from .workload import Params, Run


async def echo(inbox: asyncio.Queue, outbox: asyncio.Queue, k: int) -> None:
    while (x := await inbox.get()) is not None:
        outbox.put_nowait(answer(x, k))


async def ping(inbox: asyncio.Queue, outbox: asyncio.Queue, k: int, n: int) -> int:
    x = k
    for _ in range(n):
        inbox.put_nowait(x)
        x = await outbox.get()
    return x


class Slot:
    """The event variant's pair: the token, and an Event for each direction."""

    def __init__(self) -> None:
        self.token: int | None = None
        self.ping, self.pong = asyncio.Event(), asyncio.Event()


async def echo_event(slot: Slot, k: int) -> None:
    while True:
        await slot.ping.wait()
        slot.ping.clear()
        if slot.token is None:
            return
        slot.token = answer(slot.token, k)
        slot.pong.set()


async def ping_event(slot: Slot, k: int, n: int) -> int:
    x = k
    for _ in range(n):
        slot.token = x
        slot.ping.set()
        await slot.pong.wait()
        slot.pong.clear()
        x = slot.token
    return x


def stop_event(slot: Slot, k: int) -> None:
    slot.token = None
    slot.ping.set()


async def finish(echoes: list[asyncio.Task]) -> None:
    """Wait for the echo tasks to end; an echo's exception surfaces here."""
    await asyncio.gather(*echoes)


@contextmanager
def setup(p: Params) -> Iterator[Run]:
    if p.variant == "event":
        pairs = [(Slot(), k) for k in range(p.pairs)]
        serve, pinger, stop = echo_event, ping_event, stop_event
    else:
        pairs = [(asyncio.Queue(), asyncio.Queue(), k) for k in range(p.pairs)]
        serve, pinger, stop = echo, ping, lambda inbox, *_: inbox.put_nowait(None)

    async def main() -> list[int]:
        return await asyncio.gather(*(pinger(*pair, p.n) for pair in pairs))

    with asyncio.Runner() as runner:
        echoes = [runner.get_loop().create_task(serve(*pair)) for pair in pairs]
        try:
            yield lambda: runner.run(main())
        finally:
            for pair in pairs:
                stop(*pair)
            runner.run(finish(echoes))
