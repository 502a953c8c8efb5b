"""Both ends of one pair, in a module of its own: an echo process or interpreter imports this module
and nothing else of concbench's (no pyperf, psutil, dataclasses, the workload; see spawn/_unit.py).

Tokens are small ints (below 2**31), which an interpreters queue shares without pickling. Echo unit
k answers token x with `answer(x, k)`, one step of a linear congruential chain of its own, and the
pinger sends back what came back, so the token after n round trips is the n-th step of pair k's
chain: a skipped, repeated or reordered round trip, or a reply from another pair's echo unit, gives
another number. `None` stops an echo unit.
"""

M = 2_147_483_647  # 2**31 - 1, a prime
A = 48_271


def answer(x: int, k: int) -> int:
    """What echo unit k sends back for token x."""
    return (A * x + k + 1) % M


def echo(inbox, outbox, k: int) -> None:
    """Echo unit k on a pair of queues with a blocking `get` and `put` (queue.Queue, gevent's Queue,
    an interpreters queue, multiprocessing.Queue): answer every token until None."""
    while (x := inbox.get()) is not None:
        outbox.put(answer(x, k))


def ping(inbox, outbox, k: int, n: int) -> int:
    """Pinger k: n round trips through the pair's queues, starting from token k; the last reply."""
    x = k
    for _ in range(n):
        inbox.put(x)
        x = outbox.get()
    return x


def echo_pipe(conn, k: int) -> None:
    """Echo unit k on its end of a duplex `multiprocessing.Pipe`."""
    while (x := conn.recv()) is not None:
        conn.send(answer(x, k))
    conn.close()


def ping_pipe(conn, k: int, n: int) -> int:
    """Pinger k on the other end of the pipe."""
    x = k
    for _ in range(n):
        conn.send(x)
        x = conn.recv()
    return x
