"""Output paths, checked before anything is written: a path that cannot be used is one line (a
UsageError, exit code 2) in the words of the option that named it, the same for every command."""

from __future__ import annotations

import uuid
from pathlib import Path

from concbench.errors import UsageError


def _takes_a_file(directory: Path, flag: str, shown: Path) -> None:
    probe = directory / f".concbench-write-test-{uuid.uuid4().hex[:8]}"
    try:
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        raise UsageError(f"{flag} {shown}: cannot write there ({e.strerror or e})") from e


def writable_dir(path: Path, flag: str, *, fresh: bool = False) -> Path:
    """The directory, created with its parents, that a file can be written into; `fresh`: one that
    does not hold results already (a run or a merge never writes over another)."""
    if fresh and (path / "results.csv").exists():
        raise UsageError(f"{flag} {path}: already holds results; choose a new directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"{flag} {path}: cannot write there ({e.strerror or e})") from e
    _takes_a_file(path, flag, path)
    return path


def writable_out(path: Path) -> Path:
    """`--out` of a run or a merge: a new results directory."""
    return writable_dir(path, "--out", fresh=True)


def writable_file(path: Path, flag: str) -> Path:
    """A file to (over)write: its directory exists and takes a file, and it is not a directory."""
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a directory; name a file")
    if not path.parent.is_dir():
        raise UsageError(f"{flag} {path}: directory {path.parent} does not exist")
    _takes_a_file(path.parent, flag, path)
    return path
