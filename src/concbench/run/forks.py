"""Start a cell's worker: forked from a pre-imported parent (`worker/parent.py`), or started afresh.

A round keeps one parent per interpreter (`Parents`, closed at the round's end), so each round draws
a fresh hash seed and memory layout. gevent's workers are always started afresh: gevent patches the
standard library before anything is imported. Either way the worker leads a process group of its own,
which is killed whole when it ends or times out."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

from pyperf._utils import create_environ  # the environment pyperf's manager gives its workers

ENV = create_environ(None, False, False)
START_S = 30.0  # for a parent to import and to answer a fork


class TimedOut(Exception):
    """The worker ran past its timeout and was killed."""


class ParentLost(Exception):
    """The fork parent ended before it said how its worker ended."""


@dataclass
class Parent:
    """One pre-imported parent: argv in on its stdin, the child's pid and exit code out on its stdout."""

    proc: subprocess.Popen
    buffer: bytes = b""

    @classmethod
    def start(cls, python: str) -> Parent:
        argv = [python, "-m", "concbench.worker", "--parent"]
        pipe = subprocess.PIPE
        return cls(subprocess.Popen(argv, stdin=pipe, stdout=pipe, start_new_session=True, env=ENV))

    def run(self, argv: list[str], timeout_s: float) -> tuple[int, str]:
        """Fork a worker for `argv` (`python -m concbench.worker ...`, the parent's interpreter); its exit
        code and stderr."""
        with tempfile.NamedTemporaryFile("r", prefix="concbench-stderr-") as stderr:
            try:
                self.proc.stdin.write(json.dumps({"argv": argv[3:], "stderr": stderr.name}).encode() + b"\n")
                self.proc.stdin.flush()
            except BrokenPipeError as e:
                raise ParentLost(f"the fork parent ended (exit code {self.proc.wait()})") from e
            pid = self._message(time.monotonic() + START_S)["pid"]
            try:
                ended = self._message(time.monotonic() + timeout_s)
            except TimedOut:
                _kill_group(pid)
                self._message(time.monotonic() + START_S)
                raise
            finally:
                _kill_group(pid)
            return ended["returncode"], stderr.read()

    def _message(self, deadline: float) -> dict:
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buffer:
            if not select.select([fd], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise TimedOut
            chunk = os.read(fd, 4096)
            if not chunk:
                raise ParentLost(f"the fork parent ended (exit code {self.proc.wait()})")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(START_S)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc.pid)
            self.proc.wait()


@dataclass
class Parents:
    """A round's parents, one per interpreter, started on first use."""

    started: dict[str, Parent] = field(default_factory=dict)

    def run(self, argv: list[str], timeout_s: float, forkable: bool) -> tuple[int, str]:
        """Run a worker to its end: its exit code and stderr, or TimedOut."""
        if not forkable:
            return _started(argv, timeout_s)
        if argv[0] not in self.started or self.started[argv[0]].proc.poll() is not None:
            self.started[argv[0]] = Parent.start(argv[0])
        return self.started[argv[0]].run(argv, timeout_s)

    def pids(self) -> set[int]:
        return {parent.proc.pid for parent in self.started.values()}

    def close(self) -> None:
        for parent in self.started.values():
            parent.close()
        self.started.clear()

    def __enter__(self) -> Parents:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _started(argv: list[str], timeout_s: float) -> tuple[int, str]:
    """A worker started afresh (gevent's)."""
    proc = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True, env=ENV
    )
    try:
        _, stderr = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired as e:
        raise TimedOut from e
    finally:  # the worker and every process it started share this process group
        _kill_group(proc.pid)
        proc.wait()
    return proc.returncode, stderr


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
