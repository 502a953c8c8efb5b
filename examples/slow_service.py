"""An I/O-bound job: a call that spends 20 ms waiting on something else (a remote API, a database),
in its blocking form and its async form (anyio, so it runs on asyncio and on trio alike).

    concbench run --job slow_service:call --async-job slow_service:acall --items 64 --workers 16

A stand-in: the wait is `time.sleep` / `anyio.sleep`, so what differs between models is only how
they overlap waits, which is the question for an I/O-bound job. At most `--workers` calls are in
flight in every model.
"""

import time

import anyio

LATENCY_S = 0.02


def answer(i: int) -> dict:
    return {"item": i, "answer": i * 7 % 11}


def call(i: int) -> dict:
    time.sleep(LATENCY_S)
    return answer(i)


async def acall(i: int) -> dict:
    await anyio.sleep(LATENCY_S)
    return answer(i)
