"""A process that dies with its parent, even when the parent is SIGKILLed and cleans nothing up.

Linux's PR_SET_PDEATHSIG: the kernel sends the signal when the thread that started this process
ends. Elsewhere a no-op (the mock server also watches its parent). Cleared in a fork's child, so a
pool process forked from a cell does not inherit it; it learns of its parent's end from its pipes.
"""

import contextlib
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Have the kernel send `sig` to this process when its parent ends; if the parent ended before
    this ran (this process was already handed to init), exit now."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
    if os.getppid() == 1:
        os._exit(128 + sig)


def group_dies_with_parent() -> None:
    """For the leader of a process group (a cell's worker, in a session of its own): when its parent
    ends, it kills its whole group, pool processes included (a forked pool process holds the
    pipes open itself and would wait forever). A forked process that inherits the handler and gets
    SIGTERM ends as it would have without it."""
    leader = os.getpid()

    def end(signum: int, frame: object) -> None:
        if os.getpid() == leader and os.getpgid(0) == leader:
            os.killpg(leader, signal.SIGKILL)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, end)
    die_with_parent(signal.SIGTERM)
