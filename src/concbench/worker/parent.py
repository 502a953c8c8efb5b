"""A pre-imported parent that forks each cell's worker: `python -m concbench.worker --parent`.

A cell-round's worker used to start an interpreter and import pyperf and the worker (about 0.1 s
of the 0.2-0.5 s each cell-round spent outside its timed calls). The runner starts one parent per
interpreter and round instead (`run/forks.py`); it imports what every worker imports, then reads one
worker's argv per line on stdin and forks it. The child continues as `python -m concbench.worker
--worker ...` would, in a session of its own, with its stderr in the file the runner named. The
parent answers each line with the child's pid, then with how it ended (JSON lines on stdout).

What a fork shares: the hash seed and the memory layout of the parent. A new parent each round
gives each round a fresh draw of both, as pyperf's fresh processes do; the A/A runs in the closing
note of issue 23 compare the two. gevent's cells never come here: gevent must patch before anything
is imported.
"""

import functools
import json
import os
import random
import sys

import pyperf._hooks


def serve() -> None:
    """Fork a worker for each request on stdin until stdin closes. Returns only in a forked child,
    with sys.argv the worker's."""
    # pyperf reads every installed package's entry points three times a worker to find its hooks
    # (55 ms here); what is installed does not change within a round
    pyperf._hooks.get_hooks = functools.cache(pyperf._hooks.get_hooks)
    pyperf._hooks.get_hooks()
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            _become_worker(request["argv"], request["stderr"])
            return
        _say({"pid": pid})
        _, status = os.waitpid(pid, 0)
        _say({"pid": pid, "returncode": os.waitstatus_to_exitcode(status)})
    sys.exit(0)


def _become_worker(argv: list[str], stderr: str) -> None:
    os.setsid()  # its own process group, which the runner kills whole, as for a started worker
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.dup2(os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
    random.seed()  # not the parent's sequence
    sys.argv = [sys.argv[0], *argv]  # as `python -m concbench.worker ARGV` gives them


def _say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()
